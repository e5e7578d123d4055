"""The app starts, translates and quits cleanly, run after run: the real entry point in a new
process each time (offscreen), its window closed as its close button does once the first
translation is on show. A crash at exit was reported (a segfault after a clean return, with no
Python frame); the window, its pyqtgraph items and worker threads outliving the QApplication is
its likely source, and they no longer do. Each run must exit 0, with nothing fatal on stderr."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.main import CLOSE_WHEN_READY_ENV

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5  # the reported crash at exit was intermittent: several runs, not one
FATAL = ("Fatal Python error", "Segmentation fault", "QThread: Destroyed while thread")


def app_environment(tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "OMP_NUM_THREADS": "1",
        CLOSE_WHEN_READY_ENV: "1",
        "ATTENTION_WORKBENCH_HOME": str(tmp_path / "home"),  # bundled models only
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # settings written there, not the user's
    }


# Runs the GUI as the entry point does and reports, once run_gui has returned, whether the window
# and its worker threads (noted as the app quit) still exist, and whether the QApplication does.
AFTER_RUN_GUI = textwrap.dedent("""
    import json, shiboken6
    from PySide6 import QtCore, QtWidgets
    from app.main import run_gui
    app = QtWidgets.QApplication([])
    noted = {}
    def note():
        windows = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"]
        noted["window"] = windows[0]
        noted["threads"] = windows[0].findChildren(QtCore.QThread)
    app.aboutToQuit.connect(note)
    code = run_gui()
    print(json.dumps({
        "code": code,
        "window alive": shiboken6.isValid(noted["window"]),
        "threads": len(noted["threads"]),
        "threads alive": sum(shiboken6.isValid(t) for t in noted["threads"]),
        "application alive": QtWidgets.QApplication.instance() is not None,
    }))
""")


def test_the_window_and_its_threads_are_deleted_before_the_application(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", AFTER_RUN_GUI],
        capture_output=True,
        text=True,
        timeout=120,
        env=app_environment(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.splitlines()[-1])
    assert state["code"] == 0 and state["application alive"]
    assert state["threads"] >= 2  # the decoder and the loader at least
    assert not state["window alive"] and state["threads alive"] == 0, state


@pytest.mark.slow
def test_the_app_starts_translates_and_quits_cleanly_run_after_run(tmp_path):
    env = app_environment(tmp_path)
    failures = []
    for run in range(RUNS):
        result = subprocess.run(
            [sys.executable, "-X", "faulthandler", "-m", "app.main"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        translated = result.stdout.startswith("translated: ") and len(result.stdout.strip()) > 12
        fatal = [line for line in result.stderr.splitlines() if line.startswith(FATAL)]
        if result.returncode != 0 or not translated or fatal:
            failures.append((run, result.returncode, result.stdout[-200:], result.stderr[-2000:]))
    assert failures == [], f"{len(failures)} of {RUNS} runs failed: {failures}"
