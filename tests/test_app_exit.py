"""The app starts, translates and quits cleanly, run after run: the real entry point in a new
process each time (offscreen), its window closed as its close button does once the first
translation is on show. A crash at exit (a segfault after a clean return, with no Python frame)
used to come from the window, its pyqtgraph items and worker threads outliving the QApplication;
each run must exit 0, with nothing fatal on stderr."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.main import CLOSE_WHEN_READY_ENV

ROOT = Path(__file__).resolve().parent.parent
RUNS = 8
FATAL = ("Fatal Python error", "Segmentation fault", "QThread: Destroyed while thread")


@pytest.mark.slow
def test_the_app_starts_translates_and_quits_cleanly_run_after_run(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "OMP_NUM_THREADS": "1",
        CLOSE_WHEN_READY_ENV: "1",
        "ATTENTION_WORKBENCH_HOME": str(tmp_path / "home"),  # bundled models only
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # settings written there, not the user's
    }
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
