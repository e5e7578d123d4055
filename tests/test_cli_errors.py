"""Never a traceback on the command line: every command given bad input ends with one ``error:``
line and exit status 2 (run as a user runs it, in a new process); an unexpected exception (a bug,
injected here) ends with a short message naming the crash log that holds its traceback."""

import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import core_models.cli as cli
import core_models.data.download as download_module
import core_models.inference as inference
import core_models.model_list as model_list
from core_models.cli import EXIT_BUG, main
from core_models.training.config import TrainConfig

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a machine with no network, as seen by urllib)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BAD_INPUT = {
    "train": (["train", "absent.toml"], "absent.toml: no such config file"),
    "translate": (["translate", "no-such-model", "a b"], "'no-such-model' is neither"),
    "nli": (["nli", "no-such-model", "a man", "a dog"], "'no-such-model' is neither"),
    "evaluate": (["evaluate", "no-such-model"], "'no-such-model' is neither"),
    "export": (["export", "no-such-model", "out"], "no-such-model"),
    "download": (["download", "fra-eng", "--mirror", "MIRROR"], "fra-eng.zip: cannot connect"),
    "download name": (["download", "wmt14"], "unknown dataset 'wmt14'; choose one of fra-eng"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_to_every_command_is_one_error_line_in_a_new_process(case, tmp_path):
    argv, expected = BAD_INPUT[case]
    argv = [arg.replace("MIRROR", f"http://127.0.0.1:{closed_port()}") for arg in argv]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core_models",
            *argv,
            *(["--cache-dir", "c"] * (case == "download")),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ATTENTION_WORKBENCH_HOME": str(tmp_path)},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0]


def test_bad_input_to_render_is_one_error_line_in_a_new_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app.main", "render", "no-such-model", "a b", "-o", "out.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ATTENTION_WORKBENCH_HOME": str(tmp_path),
             "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: ") and "no-such-model" in result.stderr


def boom(*args, **kwargs):
    raise RuntimeError("injected fault")


class Exploding(dict):
    def values(self):
        boom()


# Each command, and the call inside it that the fault is injected into.
INJECTED = {
    "train": (["train", "x.toml"], TrainConfig, "from_toml", staticmethod(boom)),
    "translate": (["translate", "m", "a b"], inference, "load_model", boom),
    "nli": (["nli", "m", "a", "b"], inference, "load_model", boom),
    "evaluate": (["evaluate", "m"], inference, "load_model", boom),
    "export": (["export", "m", "out"], inference, "resolve_model", boom),
    "tasks": (["tasks"], cli, "TASKS", Exploding()),
    "models": (["models"], model_list, "list_models", boom),
    "download": (["download", "fra-eng"], download_module, "download", boom),
}


@pytest.mark.parametrize("command", INJECTED)
def test_an_unexpected_exception_names_the_log_that_holds_its_traceback(
    command, monkeypatch, capsys, tmp_path
):
    argv, owner, name, replacement = INJECTED[command]
    monkeypatch.setattr(owner, name, replacement)
    monkeypatch.setenv("ATTENTION_WORKBENCH_LOG_DIR", str(tmp_path / "logs"))
    code = main(argv)
    err = capsys.readouterr().err
    assert code == EXIT_BUG and "Traceback" not in err
    assert err.startswith("error: unexpected RuntimeError: injected fault\n")
    log = Path(re.search(r"the details are in (\S+)", err).group(1))
    assert log.parent == tmp_path / "logs"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: injected fault" in text
    assert f"command: {sys.argv[0]} {' '.join(argv)}" in text
    assert "in boom" in text or "in values" in text  # the frame that raised


def test_the_crash_log_falls_back_to_the_temporary_directory(monkeypatch, capsys, tmp_path):
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("ATTENTION_WORKBENCH_LOG_DIR", str(tmp_path / "not-a-directory"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(model_list, "list_models", boom)
    assert main(["models"]) == EXIT_BUG
    log = Path(re.search(r"the details are in (\S+)", capsys.readouterr().err).group(1))
    assert log.parent == tmp_path and "injected fault" in log.read_text()
