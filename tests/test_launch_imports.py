"""Launching the app imports only what its first window needs: the optional heavy libraries (the
Hugging Face stack, the explanation methods' captum and scipy, matplotlib, sacremoses,
sacrebleu) load when a feature that needs them is used, not at launch. Checked in a new process
that runs the real entry point until the first translation is on show."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.main import CLOSE_WHEN_READY_ENV

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL_HEAVY = (
    "transformers",
    "captum",
    "scipy",
    "matplotlib",
    "sacremoses",
    "sacrebleu",
)

LAUNCH = textwrap.dedent("""
    import json, sys
    from app.main import run_gui
    code = run_gui()
    loaded = sorted({name.split(".")[0] for name in sys.modules})
    print(json.dumps({"code": code, "loaded": loaded}))
""")


@pytest.mark.slow
def test_launching_the_app_does_not_import_the_optional_heavy_modules(tmp_path):
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "OMP_NUM_THREADS": "1",
        CLOSE_WHEN_READY_ENV: "1",  # the window closes once its first translation is on show
        "ATTENTION_WORKBENCH_HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "torch" in report["loaded"] and "PySide6" in report["loaded"]  # it did launch
    assert not set(OPTIONAL_HEAVY) & set(report["loaded"])
