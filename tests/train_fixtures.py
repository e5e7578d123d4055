"""Fixtures of the Train view tests: an empty user home, the view set up for a tiny, short run,
and helpers that wait the way a user waits (on signals and conditions, never a fixed time)."""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtWidgets

from app.train.view import TrainView

WAIT_MS = 60_000  # generous: the machine is shared; nothing here is timed
LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty user home (models, runs) and download cache."""
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ATTENTION_WORKBENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "home"


@pytest.fixture
def view(qtbot, home):
    """The Train view on the copy task with a tiny Transformer and a short, small run."""
    train_view = TrainView()
    qtbot.addWidget(train_view)
    train_view.resize(1400, 900)
    train_view.show()
    set_up_tiny_run(train_view)
    yield train_view
    train_view.shutdown()


def set_up_tiny_run(train_view: TrainView) -> None:
    """The copy task, a tiny Transformer, 30 steps on the CPU with an evaluation every 10."""
    train_view.data_panel.use_task("copy")
    train_view.data_panel.train_size.setValue(300)
    train_view.data_panel.valid_size.setValue(8)
    train_view.data_panel.max_len.setValue(16)
    train_view.model_panel.set_family("transformer")
    train_view.model_panel.set_size("tiny")
    settings = train_view.settings
    settings.device_box.setCurrentIndex(settings.device_box.findData("cpu"))
    settings.max_steps.setValue(30)
    settings.eval_every.setValue(10)
    settings.checkpoint_every.setValue(1000)


def click(qtbot, button: QtWidgets.QPushButton) -> None:
    assert button.isEnabled(), f"'{button.text()}' is disabled"
    qtbot.mouseClick(button, LEFT)


def drawn_points(curve) -> int:
    """How many points a curve shows (its data arrays, as last drawn)."""
    return 0 if curve.xData is None else len(curve.xData)


def wait_for_steps(qtbot, view: TrainView, count: int) -> None:
    qtbot.waitUntil(lambda: len(view.session.curves.steps) >= count, timeout=WAIT_MS)


def train_to_the_end(qtbot, view: TrainView) -> str:
    """Click Start and wait until the run has ended; returns the saved model's path."""
    with qtbot.waitSignal(view.session.sigFinished, timeout=WAIT_MS):
        click(qtbot, view.controls.start_button)
    qtbot.waitUntil(lambda: not view.session.active, timeout=WAIT_MS)
    assert view.session.saved_path is not None, view.controls.status.text()
    return view.session.saved_path


def answer_next_dialog(qtbot, button_text: str) -> list[str]:
    """Click the button starting with ``button_text`` in the next message box, as a user does;
    the list receives the box's text once answered."""
    seen: list[str] = []

    def answer() -> None:
        box = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(box, QtWidgets.QMessageBox):
            QtCore.QTimer.singleShot(10, answer)  # not open yet
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "").startswith(button_text))
        qtbot.mouseClick(button, LEFT)

    QtCore.QTimer.singleShot(0, answer)
    return seen
