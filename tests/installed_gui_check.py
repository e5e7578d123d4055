"""Run by tests/test_packaging.py with an installed app's Python: starts the GUI as
`attention-workbench` does (``app.main.run_gui``, offscreen) and, once the first sample is
translated, prints what the window shows as one JSON line."""

import json
import os
import sys

from PySide6 import QtCore, QtWidgets

qapp = QtWidgets.QApplication(sys.argv[:1])  # run_gui takes this instance

from app.main import run_gui  # noqa: E402
from app.window import MainWindow  # noqa: E402


def report_when_translated() -> None:
    windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows or windows[0].session.result is None:
        return
    window = windows[0]
    panel = window.model_panel
    role = QtCore.Qt.ItemDataRole.UserRole
    samples = [panel.samples.item(i).data(role) for i in range(panel.samples.count())]
    shown = {
        "model": window.session.model_name,
        "checkpoint": str(window.session.model.checkpoint.path),
        "samples": [getattr(sample, "source", "") for sample in samples],
        "models_listed": panel.picker.count(),
        "output": window.session.result.output_text,
        "app_icon": not qapp.windowIcon().isNull(),
        "window_icon": not window.windowIcon().isNull(),
        "desktop_file": qapp.desktopFileName(),
    }
    print(json.dumps(shown), flush=True)
    # What is checked here is what the window shows; quitting the app cleanly is the business of
    # the tests of run_gui's teardown, so this process ends at once.
    os._exit(0)


timer = QtCore.QTimer()
timer.timeout.connect(report_when_translated)
timer.start(100)
sys.exit(run_gui())
