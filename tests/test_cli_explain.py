"""``attention-workbench ablate`` and ``agreement`` on bundled models: their tables hold what the
core functions (``head_importance``, ``agreement``) return for the same examples, and a model or
input they cannot handle ends in one ``error:`` line."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core_models.cli import EXIT_BAD_INPUT, main
from core_models.data.tasks import TASKS
from core_models.explain.ablation import head_importance
from core_models.explain.agreement import agreement
from core_models.explain.rollout import rollout_maps
from core_models.export import load_record
from core_models.inference import load_model


def test_ablate_tables_the_head_importance_of_the_same_examples(tmp_path, capsys):
    out = tmp_path / "heads.json"
    assert main(["ablate", "transformer-en-fr", "--size", "10", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    table = json.loads(out.read_text())
    model = load_model("transformer-en-fr")
    baseline, rows = head_importance(model, TASKS[model.task].generate("test", seed=0, size=10))
    assert table["examples"] == 10 and table["metric"] == "BLEU"
    assert table["baseline"] == pytest.approx(baseline)
    assert [(r["kind"], r["layer"], r["head"]) for r in table["heads"]] == [
        (r.kind, r.layer, r.head) for r in rows
    ]
    assert [r["metric_drop"] for r in table["heads"]] == pytest.approx(
        [r.metric_drop for r in rows]
    )
    assert [r["importance"] for r in table["heads"]] == pytest.approx(
        [r.importance for r in rows], rel=1e-5
    )
    harmless = sum(r.metric_drop <= 1.0 for r in rows)
    assert f"{harmless} of {len(rows)} heads can be masked alone losing at most 1 BLEU" in printed
    first = rows[0]
    assert f"{first.kind:<14} {first.layer:>5} {first.head:>4} {first.metric:>9.2f}" in printed


def test_ablate_an_nli_transformer_scores_accuracy_from_a_file(tmp_path, capsys):
    model = load_model("encoder_classifier-nli")
    pairs = TASKS[model.task].generate("test", seed=0, size=6)
    data = tmp_path / "pairs.jsonl"
    data.write_text(
        "".join(
            json.dumps({"sentence1": p.premise, "sentence2": p.hypothesis, "gold_label": p.label})
            + "\n"
            for p in pairs
        )
    )
    out = tmp_path / "heads.json"
    assert main(["ablate", "encoder_classifier-nli", "--file", str(data), "--json", str(out)]) == 0
    table = json.loads(out.read_text())
    baseline, rows = head_importance(model, pairs)
    assert table["metric"] == "accuracy" and table["examples"] == 6
    assert table["baseline"] == pytest.approx(baseline)
    assert [r["metric"] for r in table["heads"]] == pytest.approx([r.metric for r in rows])


def test_agreement_tables_what_the_core_agreement_returns(tmp_path, capsys):
    out = tmp_path / "agreement.json"
    argv = ["agreement", "transformer-en-fr", "--size", "3", "--steps", "4", "--json", str(out)]
    assert main([*argv, "--methods", "raw", "mean", "rollout", "saliency"]) == 0
    printed = capsys.readouterr().out
    table = json.loads(out.read_text())
    model = load_model("transformer-en-fr")
    pairs = TASKS[model.task].generate("test", seed=0, size=3)
    expected = agreement(model, pairs, with_flow=False, steps=4, attributions=["saliency"])
    assert table["methods"] == expected.methods  # every method asked for, in the core's order
    assert "saliency" in table["methods"] and "rollout L1" in table["methods"]
    assert not any(name.startswith(("flow", "integrated")) for name in table["methods"])
    assert table["aer"] == pytest.approx(expected.aer)
    spearman = np.array([[math.nan if v is None else v for v in row] for row in table["spearman"]])
    np.testing.assert_allclose(spearman, expected.spearman, rtol=1e-6)
    assert f"{'saliency':<13}  {expected.aer['saliency']:.3f}" in printed
    assert "Kendall τ-b" in printed


def test_agreement_keeps_only_the_methods_asked_for(tmp_path, capsys):
    out = tmp_path / "agreement.json"
    argv = ["agreement", "transformer-en-fr", "--size", "2", "--methods", "mean", "rollout"]
    assert main([*argv, "--json", str(out)]) == 0
    assert json.loads(out.read_text())["methods"] == [
        "cross L0 mean",
        "cross L1 mean",
        "rollout L0",
        "rollout L1",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ablate", "rnn-en-fr", "--size", "2"], "has no attention heads to mask"),
        (["ablate", "decomposable-nli", "--size", "2"], "has no attention heads to mask"),
        (["agreement", "rnn-en-fr", "--size", "1", "--methods", "rollout"], "none of the methods"),
        (["ablate", "transformer-en-fr", "--format", "tatoeba"], "use it with --file"),
        (["ablate", "transformer-en-fr", "--size", "-1"], "--size must be at least 0"),
        (["agreement", "transformer-en-fr", "--steps", "0"], "--steps must be at least 1"),
    ],
)
def test_what_a_model_cannot_do_is_one_error_line(argv, message, capsys):
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_flow_over_a_long_sentence_is_refused_with_a_message(tmp_path, capsys):
    long = " ".join(["he hears the friendly aunt ."] * 8)
    data = tmp_path / "long.txt"
    data.write_text(f"{long}\t{long}\n")
    argv = ["agreement", "transformer-en-fr", "--file", str(data), "--methods", "flow"]
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: attention flow over") and "at most 40 tokens" in err


@pytest.mark.slow  # two greedy prunings of every head (about 5 s)
def test_ablate_prune_writes_the_curve_the_core_pruning_gives(tmp_path, capsys):
    import csv

    from core_models.explain.ablation import prunable, prune_heads

    out = tmp_path / "curve.csv"
    argv = ["ablate", "encoder_classifier-nli", "--size", "4", "--prune", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    model = load_model("encoder_classifier-nli")
    curve = prune_heads(model, TASKS[model.task].generate("test", seed=0, size=4))
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [int(r["heads_kept"]) for r in rows] == [p.heads_kept for p in curve]
    assert [r["removed"] for r in rows] == ["", *(" ".join(map(str, p.removed)) for p in curve[1:])]
    assert [float(r["accuracy"]) for r in rows] == pytest.approx([p.metric for p in curve])
    assert rows[-1]["heads_kept"] == "0"
    assert (
        f"{prunable(curve, 0.01)} of {curve[0].heads_kept} heads pruned before accuracy" in printed
    )
    as_json = tmp_path / "curve.json"
    assert main([*argv[:-1], str(as_json)]) == 0
    assert json.loads(as_json.read_text())["curve"] == [
        {**r, "heads_kept": int(r["heads_kept"]), "accuracy": float(r["accuracy"])} for r in rows
    ]


def test_a_prune_curve_must_be_csv_or_json(tmp_path, capsys):
    argv = ["ablate", "transformer-en-fr", "--prune", str(tmp_path / "curve.txt")]
    assert main(argv) == EXIT_BAD_INPUT
    assert "--prune" in capsys.readouterr().err and not (tmp_path / "curve.txt").exists()


def test_translate_explain_dumps_the_attribution_of_the_beam_output(tmp_path, capsys):
    from core_models.explain.shown import result_attributions

    out = tmp_path / "record.json"
    argv = ["translate", "transformer-en-fr", "the cat sleeps .", "--beam", "3"]
    explain = ["--explain", "saliency,integrated_gradients", "--steps", "8"]
    assert main([*argv, *explain, "--dump-attention", str(out)]) == 0
    errors = capsys.readouterr().err
    record, document = load_record(out)
    assert {"saliency", "integrated_gradients"} <= set(record.kinds())
    assert "input_x_gradient" not in record.kinds()
    model = load_model("transformer-en-fr")
    result = model.translate("the cat sleeps .", beam=3)
    expected = result_attributions(model, result, ("saliency", "integrated_gradients"), steps=8)
    for attribution in expected:
        dumped = record.get(attribution.kind)
        assert dumped.query_tokens == document["output"]["tokens"] == result.output_pieces
        np.testing.assert_allclose(dumped.weights, attribution.weights, atol=1e-5)
    ig = record.get("integrated_gradients")
    assert ig.info["steps"] == 8 and len(ig.info["convergence_delta"]) == len(ig.query_tokens)
    gap = max(abs(d) for d in ig.info["convergence_delta"])
    assert f"note: integrated_gradients: completeness gap {gap:.2g}" in errors


def test_nli_explain_all_dumps_the_labels_attribution(tmp_path):
    out = tmp_path / "record.npz"
    pair = ["encoder_classifier-nli", "a man sleeps", "a person rests"]
    assert (
        main(["nli", *pair, "--explain", "all", "--steps", "4", "--dump-attention", str(out)]) == 0
    )
    record, document = load_record(out)
    kinds = ("label_saliency", "label_input_x_gradient", "label_integrated_gradients")
    assert set(kinds) <= set(record.kinds())
    for kind in kinds:
        assert record.get(kind).query_tokens == [document["output"]["label"]]
    assert record.get("label_integrated_gradients").info["steps"] == 4


def test_translate_explain_rollout_and_flow_dumps_the_maps_the_app_shows(tmp_path):
    out = tmp_path / "record.npz"
    argv = ["translate", "transformer-en-fr", "he hears the aunt .", "--dump-attention", str(out)]
    assert main([*argv, "--explain", "rollout,flow"]) == 0
    record, _ = load_record(out)
    result = load_model("transformer-en-fr").translate("he hears the aunt .")
    expected = rollout_maps(result.record, with_flow=True)
    assert {m.kind for m in expected} == {
        "encoder_self_rollout", "encoder_self_flow", "cross_rollout", "cross_flow",
    }  # fmt: skip
    for derived in expected:
        dumped = record.get(derived.kind, derived.layer)
        np.testing.assert_allclose(dumped.weights, derived.weights, atol=1e-6)
    assert main([*argv, "--explain", "all", "--steps", "4"]) == 0  # rollout, no flow
    kinds = set(load_record(out)[0].kinds())
    assert {"encoder_self_rollout", "cross_rollout", "integrated_gradients"} <= kinds
    assert not kinds & {"encoder_self_flow", "cross_flow"}


def test_rollout_of_a_model_without_self_attention_is_one_error_line(tmp_path, capsys):
    out = tmp_path / "record.json"
    argv = ["translate", "bahdanau-en-fr", "the cat", "--explain", "rollout"]
    assert main([*argv, "--dump-attention", str(out)]) == EXIT_BAD_INPUT
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: rollout and flow need a Transformer's self-attention layers")
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--explain", "saliency,bogus"],
            "error: unknown --explain method 'bogus'; choose one or more of rollout, flow, "
            "saliency, input_x_gradient, integrated_gradients, or all",
        ),
        (
            ["--explain", "saliency", "--steps", "0"],
            "error: --steps must be at least 1; got 0",
        ),
    ],
)
def test_a_bad_explain_option_is_one_error_line(tmp_path, capsys, options, message):
    out = tmp_path / "record.json"
    argv = ["translate", "transformer-en-fr", "the cat", *options, "--dump-attention", str(out)]
    assert main(argv) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [message]
    assert not out.exists()


def test_explain_needs_one_input_and_a_dump(tmp_path, capsys):
    sentences = tmp_path / "in.txt"
    sentences.write_text("the cat\n")
    out = str(tmp_path / "record.json")
    argv = ["translate", "transformer-en-fr", "--explain", "all"]
    assert main([*argv, "--file", str(sentences), "--dump-attention", out]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        "error: --explain explains one input: it cannot be used with --file"
    ]
    assert main([*argv[:2], "the cat", *argv[2:]]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        "error: --explain adds maps to the record written by --dump-attention OUT"
    ]
