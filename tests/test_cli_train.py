"""`train` from the command line loses nothing: it refuses to start over a checkpoint (unless
--overwrite), SIGTERM saves like Ctrl-C and --resume continues, a changed config is listed before
a resume (applied with --override), a diverging run exits 1 without a model, and the first lines
say how much data there is and what was left out."""

import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_training import write_tiny_config

from core_models.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
HANG_GUARD_S = 300  # only stops a hung child; nothing here is timed


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def logged_steps(run: Path) -> list[int]:
    with open(run / "train_log.csv", newline="") as handle:
        return [int(row["step"]) for row in csv.DictReader(handle) if row["event"] == "step"]


def saved_meta(run: Path) -> dict:
    return json.loads((run / "model" / "config.json").read_text())


def train_command(config: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "core_models", "train", str(config), *options]


def test_train_refuses_to_start_over_a_checkpoint_unless_told_to_overwrite(tmp_path, capsys):
    run = tmp_path / "run"
    config = write_tiny_config(tmp_path, run={"max_steps": 3})
    assert main(["train", str(config), "--output", str(run), "--quiet"]) == 0
    log = (run / "train_log.csv").read_bytes()
    code, _, err = run_main(capsys, "train", str(config), "--output", str(run), "--quiet")
    assert code == 2 and "Traceback" not in err
    assert err.strip() == (
        f"error: {run} already holds a checkpoint of step 3 in {run / 'model'}: continue it with "
        f"--resume {run}, replace it with --overwrite, or train into another --output directory"
    )
    assert (run / "train_log.csv").read_bytes() == log and saved_meta(run)["step"] == 3
    config = write_tiny_config(tmp_path, run={"max_steps": 2})
    code, _, _ = run_main(
        capsys, "train", str(config), "--output", str(run), "--overwrite", "--quiet"
    )
    assert code == 0 and saved_meta(run)["step"] == 2 and logged_steps(run) == [1, 2]


def test_overwrite_and_override_name_the_flag_they_need(tmp_path, capsys):
    config = write_tiny_config(tmp_path)
    code, _, err = run_main(capsys, "train", str(config), "--override")
    assert code == 2 and "--override applies to a resumed run: use it with --resume DIR" in err
    code, _, err = run_main(capsys, "train", str(config), "--resume", "run", "--overwrite")
    assert code == 2 and "--overwrite starts a new run: it cannot be used with --resume" in err


def test_resume_with_a_changed_config_lists_the_changes_then_override_applies_them(
    tmp_path, capsys
):
    run = tmp_path / "run"
    config = write_tiny_config(tmp_path, run={"max_steps": 3})
    assert main(["train", str(config), "--output", str(run), "--quiet"]) == 0
    config = write_tiny_config(tmp_path, optim={"lr": 0.005}, run={"max_steps": 5, "seed": 4})
    code, _, err = run_main(capsys, "train", str(config), "--resume", str(run), "--quiet")
    assert code == 2
    assert "  optim.lr: 0.01 → 0.005\n  run.seed: 3 → 4\n" in err and "--override" in err
    assert saved_meta(run)["step"] == 3
    code, _, _ = run_main(
        capsys, "train", str(config), "--resume", str(run), "--override", "--quiet"
    )
    assert code == 0 and logged_steps(run) == [1, 2, 3, 4, 5]
    assert saved_meta(run)["train_config"]["optim"]["lr"] == 0.005


def test_a_diverging_run_exits_1_and_writes_no_model(tmp_path, capsys):
    # the lr = 1e6 on a GRU model: every loss stays finite, the validation loss ~1e12
    options = {"embed_size": 8, "hidden_size": 12, "dropout": 0.1}
    config = write_tiny_config(
        tmp_path, optim={"lr": 1e6}, model={"family": "bahdanau", "options": options}
    )
    code, out, err = run_main(capsys, "train", str(config), "--output", str(tmp_path / "run"))
    assert code == 1 and "Traceback" not in err and "checkpoint:" not in out
    last = err.strip().splitlines()[-1]
    assert re.match(
        r"error: training diverged: the validation loss \S+ is more than 10 times", last
    )
    assert "no checkpoint had been written yet" in last
    assert not (tmp_path / "run" / "model").exists()


def read_until(stream, pattern: bytes) -> tuple[re.Match | None, bytes]:
    """Read a child's output until ``pattern`` matches (None: the stream ended first)."""
    seen = b""
    while True:
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            return None, seen
        seen += chunk
        found = re.search(pattern, seen)
        if found:
            return found, seen


@pytest.mark.slow
def test_sigterm_saves_a_checkpoint_that_resume_continues(tmp_path):
    config = write_tiny_config(tmp_path, run={"max_steps": 100_000, "eval_every": 1000})
    child = subprocess.Popen(
        train_command(config, "--output", "run"),
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        stepping, early = read_until(child.stderr, rb"\b([2-9]|\d\d+)/100000 ")  # tqdm's bar
        assert stepping, early.decode(errors="replace")
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=HANG_GUARD_S)
    finally:
        child.kill()
    err = (early + err).decode()
    assert child.returncode == 128 + signal.SIGTERM, err
    assert err.startswith("data: 64 training pairs (none longer than data.max_len = 16), 4 valid")
    assert "SIGTERM: stopping after this step to save a checkpoint" in err
    step = saved_meta(tmp_path / "run")["step"]
    assert step >= int(stepping[1])
    assert f"interrupted at step {step}; continue with --resume run" in err
    assert "Traceback" not in err and out.decode().strip() == f"checkpoint: {Path('run/model')}"
    assert logged_steps(tmp_path / "run") == list(range(1, step + 1))

    config = write_tiny_config(tmp_path, run={"max_steps": step + 3, "eval_every": 1000})
    resumed = subprocess.run(
        train_command(config, "--resume", "run", "--quiet"),
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert saved_meta(tmp_path / "run")["step"] == step + 3
    assert logged_steps(tmp_path / "run") == list(range(1, step + 4))


@pytest.mark.slow
def test_pairs_left_out_are_reported_and_run_threads_recorded(tmp_path):
    config = write_tiny_config(
        tmp_path,
        data={"task": "reverse", "train_size": 200, "max_len": 10},
        run={"max_steps": 2, "threads": 2},
    )
    result = subprocess.run(
        train_command(config, "--output", "run", "--quiet"),
        cwd=tmp_path,
        env=ENV,  # OMP_NUM_THREADS=1: the config's two threads must win
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        r"\d+ of 200 training pairs fit data.max_len = 10 tokens \(\d+ longer ones left out\); "
        r"data.max_len = \d+ would keep 99 % of them",
        lines[0],
    ), lines
    assert re.match(
        r"data: \d+ training pairs \(\d+ longer than data.max_len = 10 left out\), 4 validation",
        lines[1],
    )
    meta = saved_meta(tmp_path / "run")
    assert (meta["threads"], meta["precision"]) == (2, "float32")


@pytest.mark.slow
def test_more_than_half_the_pairs_too_long_stops_before_training(tmp_path):
    config = write_tiny_config(tmp_path, data={"task": "reverse", "train_size": 200, "max_len": 6})
    result = subprocess.run(
        train_command(config, "--output", "run", "--quiet"),
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.fullmatch(
        r"error: only \d+ of 200 training pairs fit data.max_len = 6 tokens .*: more than half "
        r"of the data would be lost",
        result.stderr.strip(),
    )
    assert not (tmp_path / "run").exists()
