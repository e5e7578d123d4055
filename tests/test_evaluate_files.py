"""Scoring a model on the user's test files (``evaluate MODEL --file``) and decoding whole files
(``translate --file``, ``nli --file``): every example counted, the same figures as the bundled
split's evaluation, Pharaoh alignments for AER, figures saved for the model card without touching
the weights, and bad input as one ``error:`` line naming the file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_training import tiny_checkpoint

from core_models.cli import main
from core_models.data.tasks import get_task
from core_models.inference import load_model

COUNT = 150


@pytest.fixture(scope="module")
def en_fr_files(tmp_path_factory) -> dict[str, Path]:
    """The en-fr test split written as a Tatoeba file, parallel files and Pharaoh alignments."""
    directory = tmp_path_factory.mktemp("files")
    pairs = get_task("en-fr").generate("test", seed=0, size=COUNT)
    files = {
        "tsv": directory / "test.tsv",
        "prefix": directory / "test",
        "align": directory / "test.align",
    }
    files["tsv"].write_text("".join(f"{p.source}\t{p.target}\tCC-BY\n" for p in pairs))
    (directory / "test.en").write_text("".join(f"{p.source}\n" for p in pairs))
    (directory / "test.fr").write_text("".join(f"{p.target}\n" for p in pairs))
    files["align"].write_text(
        "".join(" ".join(f"{i}-{j}" for i, j in p.alignment) + "\n" for p in pairs)
    )
    return files


def run_json(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_scoring_a_file_gives_the_splits_figures(capsys, en_fr_files):
    split = load_model("transformer-en-fr").evaluate("test", COUNT)
    scored = run_json(
        capsys,
        [
            "evaluate",
            "transformer-en-fr",
            "--file",
            str(en_fr_files["tsv"]),
            "--alignments",
            str(en_fr_files["align"]),
        ],
    )
    assert scored["examples"] == COUNT == scored["aer_examples"] and scored["truncated"] == 0
    for key in ("bleu", "chrf", "aer", "aer_layer", "loss"):
        assert scored[key] == pytest.approx(split[key]), key
    assert scored["unknown_words"]["unknown"] == 0 and scored["unknown_words"]["total"] > COUNT
    parallel = run_json(
        capsys,
        [
            "evaluate",
            "transformer-en-fr",
            "--file",
            str(en_fr_files["prefix"]),
            "--format",
            "parallel",
            "--langs",
            "en-fr",
        ],
    )
    assert (parallel["bleu"], parallel["chrf"]) == (scored["bleu"], scored["chrf"])
    assert "aer" not in parallel  # no gold alignments given


def test_nli_file_scores_accuracy_and_confusion_and_counts_skipped_rows(capsys, tmp_path):
    pairs = get_task("nli").generate("test", seed=0, size=120)
    rows = [
        {"sentence1": p.premise, "sentence2": p.hypothesis, "gold_label": p.label} for p in pairs
    ]
    rows.insert(5, {"sentence1": "a dog", "sentence2": "a cat", "gold_label": "-"})
    path = tmp_path / "snli_1.0_test.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    scored = run_json(capsys, ["evaluate", "decomposable-nli", "--file", str(path)])
    split = load_model("decomposable-nli").evaluate("test", 120)
    assert scored["accuracy"] == pytest.approx(split["accuracy"])
    assert scored["confusion"] == split["confusion"]
    assert sum(map(sum, scored["confusion"])) == 120 == scored["examples"]
    assert scored["skipped_without_gold_label"] == 1 and scored["format"] == "snli"


def test_save_keeps_the_figures_for_the_card_and_never_rewrites_weights(capsys, tmp_path):
    model = tiny_checkpoint(tmp_path / "mine", meta={"task": "", "metrics": {"bleu": 1.0}})
    weights = (model / "model.safetensors").read_bytes()
    test = tmp_path / "test.tsv"
    test.write_text("a b c d\tx y\nb c d e\ty z w\nc d e f a\tz w v u\n")
    scored = run_json(capsys, ["evaluate", str(model), "--file", str(test), "--save"])
    meta = json.loads((model / "config.json").read_text())
    assert meta["metrics"]["bleu"] == 1.0  # the validation figures stay
    assert meta["metrics"]["test"]["bleu"] == scored["bleu"]
    assert meta["metrics"]["test"]["examples"] == 3 and meta["metrics"]["test"]["file"] == str(
        test.resolve()
    )
    assert (model / "model.safetensors").read_bytes() == weights
    assert load_model(model).card()["metrics"]["test"]["chrf"] == scored["chrf"]
    assert main(["evaluate", "transformer-en-fr", "--file", str(test), "--save"]) == 2
    assert "bundled model" in capsys.readouterr().err


def test_translate_file_writes_one_line_per_input_line(capsys, tmp_path):
    sentences = [p.source for p in get_task("en-fr").generate("test", seed=1, size=40)]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(sentences) + "\n")
    output = tmp_path / "out.txt"
    model = load_model("transformer-en-fr")
    for beam in ("1", "3"):
        argv = ["translate", "transformer-en-fr", "--file", str(source), "-o", str(output)]
        assert main([*argv, "--beam", beam, "--batch-size", "7"]) == 0
        lines = output.read_text().splitlines()
        assert lines == [model.translate(s, beam=int(beam)).output_text for s in sentences]
    capsys.readouterr()
    assert main(["translate", "transformer-en-fr", "--file", str(source)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        model.translate(s).output_text for s in sentences
    ]


def test_nli_file_labels_every_pair(capsys, tmp_path):
    pairs = get_task("nli").generate("test", seed=2, size=30)
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("".join(f"{p.premise}\t{p.hypothesis}\n" for p in pairs))
    assert main(["nli", "decomposable-nli", "--file", str(tsv)]) == 0
    lines = capsys.readouterr().out.splitlines()
    model = load_model("decomposable-nli")
    expected = [model.classify(p.premise, p.hypothesis) for p in pairs]
    assert [line.split("\t")[0] for line in lines] == [r.label for r in expected]
    probs = [float(line.split("\t")[1]) for line in lines]
    assert probs == pytest.approx([r.probs["entailment"] for r in expected], abs=1e-4)
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"sentence1": p.premise, "sentence2": p.hypothesis}) + "\n" for p in pairs
        )
    )
    assert main(["nli", "decomposable-nli", "--file", str(jsonl)]) == 0
    assert capsys.readouterr().out.splitlines() == lines


BAD = [
    ("align", "0-0 1-x\n", "test.align, line 1: '1-x' is not a link"),
    ("align", "0-0\n0-99\n", "test.align, line 2: link '0-99': target word 99 is past the end"),
    ("align", "0-0\n", "test.align: has 1 lines but there are 3 sentence pairs"),
    ("tsv", "a b\tx\nonly one column\n", "test.tsv, line 2: expected 2 or 3 tab-separated"),
    ("tsv", "", "test.tsv: no examples to score"),
]


@pytest.mark.parametrize(("which", "text", "message"), BAD)
def test_bad_test_files_are_clear_errors(capsys, tmp_path, which, text, message):
    tsv, align = tmp_path / "test.tsv", tmp_path / "test.align"
    tsv.write_text("the cat .\tle chat .\nthe dog .\tle chien .\nthe boy .\tle garçon .\n")
    align.write_text("0-0 1-1\n0-0\n0-0\n")
    (tsv if which == "tsv" else align).write_text(text)
    argv = ["evaluate", "transformer-en-fr", "--file", str(tsv), "--alignments", str(align)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "decomposable-nli", "--file", "x", "--format", "tatoeba"], "is a nli model"),
        (["evaluate", "transformer-en-fr", "--format", "snli"], "--format applies to a test file"),
        (["evaluate", "transformer-en-fr", "--file", "missing.tsv"], "missing.tsv"),
        (["translate", "transformer-en-fr", "the cat", "--file", "x"], "not both"),
        (["translate", "transformer-en-fr"], "give TEXT or --file IN"),
        (["translate", "transformer-en-fr", "the cat", "-o", "out.txt"], "use it with --file"),
        (["nli", "decomposable-nli", "a man"], "needs a PREMISE and a HYPOTHESIS"),
        (["nli", "decomposable-nli", "--file", "x", "--batch-size", "0"], "--batch-size must be"),
        (["translate", "transformer-en-fr", "--file", "x", "--beam", "0"], "--beam must be at"),
        (["evaluate", "transformer-en-fr", "--file", "x", "--beam", "0"], "--beam must be at"),
        (["translate", "transformer-en-fr", "--file", "x", "--max-len", "-3"], "--max-len must"),
        (["evaluate", "transformer-en-fr", "--file", "x", "--langs", "en-fr"], "not for tatoeba"),
        (
            [
                "evaluate",
                "transformer-en-fr",
                "--file",
                "x",
                "--format",
                "parallel",
                "--langs",
                "e",
            ],
            "--langs e: expected SOURCE-TARGET",
        ),
    ],
)
def test_bad_options_are_clear_errors(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sources_past_the_limit_are_cut_counted_and_named(capsys, tmp_path):
    long_source = " ".join(["the small cat eats the red apple"] * 8) + " ."
    long_target = " ".join(["le petit chat mange la pomme rouge"] * 8) + " ."
    tsv = tmp_path / "test.tsv"
    tsv.write_text(f"the cat sleeps .\tle chat dort .\n{long_source}\t{long_target}\n")
    align = tmp_path / "test.align"
    words = len(long_source.split())
    align.write_text("0-0 1-1 2-2 3-3\n" + " ".join(f"{i}-{i}" for i in range(words)) + "\n")
    argv = ["evaluate", "transformer-en-fr", "--file", str(tsv), "--alignments", str(align)]
    scored = run_json(capsys, argv)
    assert (scored["examples"], scored["truncated"], scored["aer_examples"]) == (2, 1, 1)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "1 of 2 examples were cut to the model's limit of 40 tokens" in err
    assert "AER is of the 1 pairs within the model's limit (1 cut ones left out)" in err


def test_alignments_for_a_model_without_attention_say_so(capsys, en_fr_files):
    argv = ["evaluate", "rnn-en-fr", "--file", str(en_fr_files["tsv"])]
    assert main([*argv, "--alignments", str(en_fr_files["align"])]) == 0
    captured = capsys.readouterr()
    assert "rnn-en-fr has no cross attention" in captured.err
    assert "aer" not in json.loads(captured.out) and "bleu" in json.loads(captured.out)


def test_unwritable_output_is_named_and_nothing_half_written(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("the cat sleeps .\n")
    output = tmp_path / "missing" / "out.txt"
    assert main(["translate", "transformer-en-fr", "--file", str(source), "-o", str(output)]) == 2
    assert f"{output}: cannot be written" in capsys.readouterr().err
    binary = tmp_path / "in.bin"
    binary.write_bytes(b"the cat\n\xff\xfe\n")
    assert main(["translate", "transformer-en-fr", "--file", str(binary)]) == 2
    assert "in.bin, line 2: not UTF-8 text" in capsys.readouterr().err


def test_a_bad_line_in_an_nli_input_file_is_named(capsys, tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"sentence1": "a", "sentence2": "b"}\n{"sentence1": "a"}\n')
    assert main(["nli", "decomposable-nli", "--file", str(path)]) == 2
    assert "pairs.jsonl, line 2: missing or non-string field 'sentence2'" in capsys.readouterr().err
