"""The Inspect tab opens a bundled zh-en model like any other bundled model: it is in the picker,
a typed Chinese sentence is segmented into words, translated, and its cross attention shows."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import WAIT_MS, open_and_wait, shown_window, wait_for_source
from PySide6 import QtCore, QtGui
from train_fixtures import home

from core_models.paths import bundled_models_dir

SENTENCE = ["我", "昨天", "在", "公园", "看见", "了", "一只", "猫", "。"]


@pytest.fixture
def window(qtbot, home, tmp_path):
    """The main window over an empty user home, the bundled models listed."""
    yield from shown_window(qtbot, tmp_path)


@pytest.mark.slow
def test_a_bundled_zh_en_model_opens_and_shows_its_maps(qtbot, window):
    picker = window.model_panel.picker
    names = [picker.itemText(i).split()[0] for i in range(picker.count()) if picker.itemData(i)]
    assert {"transformer-zh-en", "bahdanau-zh-en"} <= set(names)
    open_and_wait(qtbot, window, bundled_models_dir() / "transformer-zh-en")
    box = window.translate_panel.source_box
    box.selectAll()
    typed = QtGui.QInputMethodEvent()  # Chinese arrives from an input method, not as key presses
    typed.setCommitString("".join(SENTENCE))
    QtCore.QCoreApplication.sendEvent(box, typed)
    session, heatmap = window.session, window.views.heatmap
    wait_for_source(qtbot, session, SENTENCE)
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == [*SENTENCE, "<eos>"], timeout=WAIT_MS)
    assert session.result.output_text == "i saw a cat in the park yesterday ."
    assert heatmap.query_axis.tokens == session.result.output_pieces
    shown = heatmap.shown_weights
    assert shown.shape == (len(session.result.output_pieces), len(SENTENCE) + 1)
    np.testing.assert_allclose(shown.sum(axis=1), 1.0, atol=1e-3)
