"""File ▸ Open checkpoint on a damaged checkpoint: the dialog names the file and what is wrong (the
same table of damage as the library and CLI tests), no exception type, no traceback, and the
model on show stays."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import re

import pytest
from app_fixtures import WAIT_MS, app_env, app_models, copy_checkpoint, open_and_wait, window
from checkpoint_damage import DAMAGES
from PySide6 import QtWidgets


@pytest.fixture
def showing(qtbot, window, app_env):
    """The tiny model on show with its sample translated: a translation still on its way would
    say "translated in …" over the status line the test reads (a race seen on a loaded machine)."""
    open_and_wait(qtbot, window, app_env.transformer)
    qtbot.waitUntil(lambda: window.session.result is not None, timeout=WAIT_MS)
    return window


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
def test_opening_a_damaged_checkpoint_shows_what_is_wrong_and_keeps_the_model(
    qtbot, showing, app_env, tmp_path, monkeypatch, damage
):
    shown: list[str] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text)
    )
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(broken)
    )
    broken = copy_checkpoint(app_env.transformer, tmp_path / "broken")
    damage.apply(broken)
    showing.menu_actions.open_checkpoint.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    text = shown[0]
    assert str(broken / damage.file) in text and damage.reason in text, text
    assert "Traceback" not in text and not re.search(r"\b[A-Z]\w*Error: ", text), text
    assert showing.session.model_name == "tiny-copy"
    assert "could not open" in showing.statusBar().currentMessage()
