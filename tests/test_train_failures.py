"""The Train view when training goes wrong: a run that cannot start explains why, a killed
worker process is reported (the window never waits on it) and the view can train again."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import os
import signal

import pytest
from train_fixtures import WAIT_MS, click, home, view, wait_for_steps

from core_models.inference import list_models


@pytest.mark.slow
def test_a_killed_training_process_is_reported_and_the_view_can_train_again(qtbot, view):
    view.settings.max_steps.setValue(100_000)
    click(qtbot, view.controls.start_button)
    wait_for_steps(qtbot, view, 3)
    os.kill(view.session.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not view.session.active, timeout=WAIT_MS)
    assert "ended with exit code -9" in view.controls.status.text()
    assert view.setup_area.isEnabled()
    assert not view.controls.inspect_button.isEnabled()

    view.settings.max_steps.setValue(5)
    with qtbot.waitSignal(view.sigModelSaved, timeout=WAIT_MS):
        click(qtbot, view.controls.start_button)
    qtbot.waitUntil(lambda: not view.session.active, timeout=WAIT_MS)
    assert view.session.curves.steps == [1, 2, 3, 4, 5]  # the new run's curves only


@pytest.mark.slow
def test_a_run_that_cannot_train_says_why(qtbot, view):
    view.data_panel.use_task("nli")
    view.model_panel.set_family("encoder_classifier")
    view.model_panel.set_option("max_len", 16)  # positions for [CLS] p [SEP] h [SEP]: 2 * 16 + 1
    click(qtbot, view.controls.start_button)
    qtbot.waitUntil(lambda: not view.session.active, timeout=WAIT_MS)
    status = view.controls.status.text()
    assert status.startswith("training failed: ValueError: model.options.max_len = 16 positions")
    assert "failed at step 0" in view.log.toPlainText()
    assert view.session.saved_path is None and not view.controls.inspect_button.isEnabled()
    assert [e for e in list_models() if e.source == "user"] == []
