"""The command line: train a tiny model, then translate, evaluate, list models and tasks, dump
attention; bad input ends with one ``error:`` line and exit status 2, never a traceback."""

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tiny_training import tiny_nli_checkpoint, write_tiny_config

import core_models.training.trainer as trainer_module
from core_models.cli import main
from core_models.data.tasks import TASKS
from core_models.export import FORMAT, load_record

ROOT = Path(__file__).resolve().parent.parent


def step_losses(run: Path) -> list[float]:
    with open(run / "train_log.csv", newline="") as handle:
        return [float(row["loss"]) for row in csv.DictReader(handle) if row["event"] == "step"]


def assert_fell(losses: list[float]) -> None:
    assert sum(losses[-4:]) / 4 < 0.85 * sum(losses[:4]) / 4, losses


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    """A copy-task Transformer trained through ``main(["train", ...])``."""
    directory = tmp_path_factory.mktemp("cli")
    config = write_tiny_config(directory, run={"max_steps": 30, "eval_every": 30})
    assert main(["train", str(config), "--output", str(directory / "run"), "--quiet"]) == 0
    return directory / "run"


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_through_the_cli_writes_a_checkpoint_and_the_loss_falls(trained_run):
    assert (trained_run / "model" / "model.safetensors").is_file()
    losses = step_losses(trained_run)
    assert len(losses) == 30
    assert_fell(losses)


def test_train_as_a_subprocess_of_python_m_core_models(tmp_path):
    config = write_tiny_config(tmp_path, run={"max_steps": 24, "eval_every": 24})
    result = subprocess.run(
        [sys.executable, "-m", "core_models", "train", str(config), "--output", "run", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"checkpoint: {Path('run') / 'model'}"
    assert_fell(step_losses(tmp_path / "run"))


def test_train_resume_continues_from_the_last_checkpoint(tmp_path, capsys):
    run = tmp_path / "run"
    config = write_tiny_config(tmp_path, run={"max_steps": 4, "eval_every": 100})
    assert main(["train", str(config), "--output", str(run), "--quiet"]) == 0
    config = write_tiny_config(tmp_path, run={"max_steps": 7, "eval_every": 100})
    assert main(["train", str(config), "--resume", str(run), "--quiet"]) == 0
    with open(run / "train_log.csv", newline="") as handle:
        steps = [int(row["step"]) for row in csv.DictReader(handle) if row["event"] == "step"]
    assert steps == [1, 2, 3, 4, 5, 6, 7]
    assert json.loads((run / "model" / "config.json").read_text())["step"] == 7
    assert capsys.readouterr().out.splitlines() == [f"checkpoint: {run / 'model'}"] * 2


def test_ctrl_c_saves_a_checkpoint_that_resume_continues(tmp_path, capsys, monkeypatch):
    real_batch_loss, calls = trainer_module.batch_loss, []
    # Python's own handler, or SIG_IGN where the suite was started in the background by a
    # non-interactive shell (nohup ... &): either way, the one in place before the run
    handler_before = signal.getsignal(signal.SIGINT)

    def ctrl_c_during_step_3(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real_batch_loss(*args, **kwargs)

    monkeypatch.setattr(trainer_module, "batch_loss", ctrl_c_during_step_3)
    run = tmp_path / "run"
    config = write_tiny_config(tmp_path, run={"max_steps": 6, "eval_every": 100})
    code, out, err = run_main(capsys, "train", str(config), "--output", str(run), "--quiet")
    assert code == 130 and "Traceback" not in err
    assert "stopping after this step to save a checkpoint" in err
    assert f"interrupted at step 3; continue with --resume {run}" in err
    assert json.loads((run / "model" / "config.json").read_text())["step"] == 3
    assert signal.getsignal(signal.SIGINT) is handler_before  # the handler restored
    code, _, _ = run_main(capsys, "train", str(config), "--resume", str(run), "--quiet")
    assert code == 0 and len(step_losses(run)) == 6


def test_diverging_training_exits_1_with_the_reason(tmp_path, capsys):
    config = write_tiny_config(tmp_path, optim={"lr": 1e30, "clip_grad_norm": 0.0})
    code, _, err = run_main(capsys, "train", str(config), "--output", str(tmp_path / "run"))
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: the loss became nan at step")


def test_translate_prints_the_output(trained_run, capsys):
    code, out, err = run_main(capsys, "translate", str(trained_run), "a b c")
    assert code == 0 and err == ""
    assert len(out.splitlines()) == 1 and out.strip()


def test_forced_translation_prints_each_reference_token_probability(trained_run, capsys):
    code, out, _ = run_main(capsys, "translate", str(trained_run), "a b c", "--force", "a b c")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 + 4  # the output, then a, b, c and <eos>
    assert [line.split()[0] for line in lines[1:]] == ["a", "b", "c", "<eos>"]
    assert all(0.0 <= float(line.split("p=")[1]) <= 1.0 for line in lines[1:])


def check_document(record, document, source_tokens: list[str]) -> None:
    """The export matches export.py's format description."""
    assert document["format"] == FORMAT
    assert document["family"] == "transformer" and document["model"] == "run"
    assert document["inputs"] == {"source": source_tokens}
    output_tokens = document["output"]["tokens"]
    assert [step["token"] for step in document["steps"]] == output_tokens
    assert all(len(step["top_k"]) == 5 for step in document["steps"])
    assert {(m.kind, m.layer) for m in record.maps} == {
        ("encoder_self", 0),
        ("decoder_self", 0),
        ("cross", 0),
    }
    for attention_map, entry in zip(record.maps, document["maps"], strict=True):
        assert entry["kind"] == attention_map.kind
        heads, queries, keys = attention_map.weights.shape
        assert heads == 2
        assert (queries, keys) == (len(attention_map.query_tokens), len(attention_map.key_tokens))
        rows = attention_map.weights.sum(axis=-1)
        assert np.allclose(rows, 1.0, atol=1e-5)
    cross = record.get("cross")
    assert cross.key_tokens == source_tokens and cross.query_tokens == output_tokens


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_dump_attention_writes_the_documented_format(trained_run, capsys, tmp_path, suffix):
    out_path = tmp_path / f"attention{suffix}"
    code, _, _ = run_main(
        capsys, "translate", str(trained_run), "a b c", "--dump-attention", str(out_path)
    )
    assert code == 0
    record, document = load_record(out_path)
    check_document(record, document, ["a", "b", "c", "<eos>"])
    if suffix == ".json":
        raw = json.loads(out_path.read_text())
        assert all(isinstance(m["weights"], list) for m in raw["maps"])
    else:
        with np.load(out_path, allow_pickle=False) as archive:
            assert sorted(archive.files) == ["map0_weights", "map1_weights", "map2_weights", "meta"]
            assert "weights" not in json.loads(str(archive["meta"]))["maps"][0]


def test_json_and_npz_dumps_hold_the_same_attention(trained_run, capsys, tmp_path):
    for suffix in (".json", ".npz"):
        run_main(
            capsys,
            "translate",
            str(trained_run),
            "c a",
            "--dump-attention",
            f"{tmp_path}/a{suffix}",
        )
    from_json, _ = load_record(tmp_path / "a.json")
    from_npz, _ = load_record(tmp_path / "a.npz")
    for a, b in zip(from_json.maps, from_npz.maps, strict=True):
        assert np.allclose(a.weights, b.weights, atol=1e-6)


def test_beam_search_translation_runs(trained_run, capsys):
    code, out, _ = run_main(capsys, "translate", str(trained_run), "a b c d", "--beam", "3")
    assert code == 0 and out.strip()


def test_evaluate_prints_metrics_as_json(trained_run, capsys):
    code, out, _ = run_main(capsys, "evaluate", str(trained_run), "--split", "valid", "--size", "4")
    assert code == 0
    metrics = json.loads(out)
    assert metrics["model"] == "run" and metrics["split"] == "valid" and metrics["examples"] == 4
    assert metrics["loss"] > 0 and 0 <= metrics["bleu"] <= 100 and 0 <= metrics["aer"] <= 1


def test_models_lists_a_user_model_that_translate_then_finds_by_name(
    trained_run, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny-copy").symlink_to(trained_run, target_is_directory=True)
    code, out, _ = run_main(capsys, "models")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert ["tiny-copy", "user", "transformer", "copy"] in [row[:4] for row in rows]
    code, out, _ = run_main(capsys, "translate", "tiny-copy", "b a")
    assert code == 0 and out.strip()


def test_tasks_lists_every_bundled_task(capsys):
    code, out, _ = run_main(capsys, "tasks")
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [
        [task.name, task.kind] for task in TASKS.values()
    ]


# --- bad input ---------------------------------------------------------------------------------


def assert_one_error_line(code: int, err: str, *expected: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for text in expected:
        assert text in lines[0]


@pytest.fixture
def nli_checkpoint(tmp_path) -> Path:
    return tiny_nli_checkpoint(tmp_path / "nli")


def test_missing_config_is_one_error_line(capsys, tmp_path):
    code, _, err = run_main(capsys, "train", str(tmp_path / "absent.toml"))
    assert_one_error_line(code, err, "absent.toml: no such config file")


def test_unknown_config_key_is_one_error_line(capsys, tmp_path):
    (tmp_path / "bad.toml").write_text("[run]\nsteps = 3\n")
    code, _, err = run_main(capsys, "train", str(tmp_path / "bad.toml"))
    assert_one_error_line(code, err, "bad.toml: run.steps: unknown key", "max_steps")


def test_bad_config_choice_is_one_error_line(capsys, tmp_path):
    (tmp_path / "bad.toml").write_text('[optim]\noptimizer = "sgd"\n')
    code, _, err = run_main(capsys, "train", str(tmp_path / "bad.toml"))
    assert_one_error_line(code, err, "optim.optimizer: 'sgd' is not one of adam, adamw")


def test_bad_command_line_choice_exits_2_without_traceback(capsys, trained_run):
    with pytest.raises(SystemExit) as caught:
        main(["evaluate", str(trained_run), "--split", "dev"])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and "Traceback" not in err
    assert "error: argument --split: invalid choice: 'dev'" in err


def test_unknown_model_is_one_error_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path))
    code, _, err = run_main(capsys, "translate", "no-such-model", "a b")
    assert_one_error_line(code, err, "'no-such-model' is neither a checkpoint directory nor")


def test_nli_model_given_to_translate_is_one_error_line(capsys, nli_checkpoint):
    code, _, err = run_main(capsys, "translate", str(nli_checkpoint), "a man")
    assert_one_error_line(code, err, "is an NLI model: use `nli MODEL PREMISE HYPOTHESIS`")


def test_translation_model_given_to_nli_is_one_error_line(capsys, trained_run):
    code, _, err = run_main(capsys, "nli", str(trained_run), "a b", "b a")
    assert_one_error_line(code, err, "is a translation model: use `translate MODEL TEXT`")


def test_pickle_checkpoint_is_one_error_line(capsys, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "model.pt").write_bytes(b"\x80\x04N.")
    code, _, err = run_main(capsys, "translate", str(tmp_path / "old"), "a b")
    assert_one_error_line(code, err, "model.pt is a pickle-based checkpoint")


def test_unknown_dump_format_is_one_error_line(capsys, trained_run, tmp_path):
    code, _, err = run_main(
        capsys, "translate", str(trained_run), "a", "--dump-attention", str(tmp_path / "a.csv")
    )
    assert_one_error_line(code, err, "attention exports are .json or .npz, not '.csv'")


def test_nli_command_classifies_and_dumps_both_alignments(capsys, nli_checkpoint, tmp_path):
    code, out, _ = run_main(
        capsys, "nli", str(nli_checkpoint), "a man sleeps", "a dog", "--dump-attention",
        str(tmp_path / "nli.json"),
    )  # fmt: skip
    lines = out.splitlines()
    assert code == 0 and lines[0] in ("entailment", "neutral", "contradiction")
    assert sum(float(line.split()[1]) for line in lines[1:]) == pytest.approx(1.0, abs=2e-3)
    record, document = load_record(tmp_path / "nli.json")
    assert document["inputs"] == {"premise": ["a", "man", "sleeps"], "hypothesis": ["a", "dog"]}
    assert document["output"]["label"] == lines[0]
    to_hypothesis = record.get("premise_to_hypothesis")
    assert to_hypothesis.weights.shape[1:] == (3, 2)


def test_evaluate_an_nli_model_reports_accuracy_and_confusion(capsys, nli_checkpoint):
    code, out, _ = run_main(capsys, "evaluate", str(nli_checkpoint), "--size", "6")
    assert code == 0
    metrics = json.loads(out)
    assert metrics["examples"] == 6 and 0.0 <= metrics["accuracy"] <= 1.0
    assert metrics["labels"] == ["entailment", "neutral", "contradiction"]
    assert sum(map(sum, metrics["confusion"])) == 6
