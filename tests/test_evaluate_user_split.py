"""``evaluate MODEL --split test`` on a model trained on the user's files scores the test file its
config named (``data.test``, and its archive member), as ``evaluate --file`` would; a model whose
config named none says how to score a file instead."""

import json
import zipfile

import pytest
from test_splits import sentence_pairs, user_config, write_tatoeba
from tiny_training import TINY_MODELS, tiny_config

from core_models.cli import main
from core_models.data.tasks import get_task
from core_models.training.trainer import Trainer


def scored(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def translation_run(tmp_path_factory):
    """A tiny model trained on a Tatoeba file, with 30 other pairs as its data.test."""
    folder = tmp_path_factory.mktemp("user")
    pairs = sentence_pairs()
    train = write_tatoeba(folder / "train.tsv", pairs[:200])
    test = write_tatoeba(folder / "test.tsv", pairs[200:230])
    Trainer(user_config(train, test=str(test)), folder / "run").run()
    return folder


def test_the_test_split_of_a_user_model_is_its_test_file(capsys, translation_run):
    run, test = translation_run / "run", translation_run / "test.tsv"
    split = scored(capsys, ["evaluate", str(run), "--split", "test"])
    assert split["file"] == str(test.resolve()) and split["examples"] == 30
    file = scored(capsys, ["evaluate", str(run), "--file", str(test)])
    for key in ("bleu", "chrf", "loss", "examples", "unknown_words"):
        assert split[key] == file[key], key
    default = scored(capsys, ["evaluate", str(run)])  # --split test is the default
    assert default["file"] == split["file"] and default["bleu"] == split["bleu"]


def test_a_split_the_config_did_not_name_is_a_clear_error(capsys, translation_run):
    run = str(translation_run / "run")
    assert main(["evaluate", run, "--split", "valid"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "its config has no data.valid: score a file with --file PATH" in error
    assert main(["evaluate", run, "--size", "5"]) == 2
    assert "--size and --by-length take a bundled task's split" in capsys.readouterr().err


def test_the_test_member_of_an_archive_is_read(capsys, tmp_path):
    """An NLI model trained from a zip holding train and test jsonl (as SNLI's zip does)."""
    rows = {
        split: "".join(
            json.dumps({"sentence1": p.premise, "sentence2": p.hypothesis, "gold_label": p.label})
            + "\n"
            for p in get_task("nli").generate(split, seed=0, size=size)
        )
        for split, size in (("train", 120), ("test", 40))
    }
    archive = tmp_path / "corpus.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for split, text in rows.items():
            zipped.writestr(f"corpus/{split}.jsonl", text)
    config = tiny_config(
        task="nli",
        data={
            "task": "",
            "format": "snli",
            "train": str(archive),
            "member": "corpus/train.jsonl",
            "test": str(archive),
            "test_member": "corpus/test.jsonl",
            "valid_size": 12,
        },
        tokenizer={"vocab_size": 200},
        model={"family": "decomposable", "options": TINY_MODELS["decomposable"]},
        run={"max_steps": 2},
    )
    Trainer(config, tmp_path / "run").run()
    metrics = scored(capsys, ["evaluate", str(tmp_path / "run"), "--split", "test"])
    assert metrics["examples"] == 40 and sum(map(sum, metrics["confusion"])) == 40
