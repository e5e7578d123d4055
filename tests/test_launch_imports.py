"""Launching the app imports only what its first window needs: the optional heavy libraries (the
Hugging Face stack, the explanation methods' captum and scipy, matplotlib, sacremoses,
sacrebleu) load when a feature that needs them is used, not at launch, and so does the Train tab
(its modules and its view: built the first time the tab shows). Checked in a new process that
runs the real entry point until the first translation is on show."""

# ruff: noqa: F401, F811
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from app_fixtures import app_env, app_models, window
from PySide6 import QtCore

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
TRAIN_TAB = ("app.train", "app.state.train_session", "app.workers.training_process")
# torch's compiler (and sympy under it): torch imports it for its first Python meta kernel, ~1 s
COMPILER = ("torch._dynamo", "sympy")

LAUNCH = textwrap.dedent("""
    import json, sys
    from app.main import run_gui
    code = run_gui()
    loaded = sorted(sys.modules)
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
    packages = {name.split(".")[0] for name in report["loaded"]}
    assert not set(OPTIONAL_HEAVY) & packages
    assert not set(COMPILER) & set(report["loaded"])
    train_tab = [n for n in report["loaded"] if n in TRAIN_TAB or n.startswith("app.train.")]
    assert "app.window" in report["loaded"] and train_tab == []


def test_the_train_tab_is_built_when_first_shown_and_drawn_in_the_display(qtbot, window):
    from app.train.view import TrainView

    assert not window.findChildren(TrainView)  # not at launch
    window.menu_actions.display[("theme", "dark")].trigger()
    tabs = window.modes.tabBar()
    title = tabs.tabText(1)
    qtbot.mouseClick(tabs, QtCore.Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    view = window.modes.currentWidget()
    assert isinstance(view, TrainView) and view is window.train_view
    assert window.modes.count() == 2 and tabs.tabText(1) == title and tabs.currentIndex() == 1
    assert window.findChildren(TrainView) == [view] and view.isVisible()
    assert view.session.display.theme == "dark"  # the Inspect session's display, as it was
    window.menu_actions.display[("theme", "light")].trigger()
    assert view.session.display.theme == "light"
