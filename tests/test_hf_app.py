"""Hugging Face models in the window, opened the ways a user opens them: dropping a
``save_pretrained`` folder, File ▸ Open Hugging Face model…, and the ``render`` command; then
every view draws their records. Tiny random models written by the test, no hub."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, open_and_wait, window
from PySide6 import QtCore, QtGui, QtWidgets

from app import main as app_main
from core_models.explain.rollout import rollout_maps
from core_models.hf.causal import HFLanguageModel
from core_models.hf.classifier import HFClassifier
from core_models.hf.translator import HFTranslator
from core_models.record import AttentionRecord
from tests.hf_fixtures import bert_dir, gpt2_dir, marian_dir


def drop(window, folder) -> None:
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(folder))])
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, modifiers = QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier
    position = QtCore.QPointF(700, 450)
    enter = QtGui.QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QtGui.QDropEvent(position, actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(window, event)


def assert_rollout_of_its_attention(record: AttentionRecord) -> None:
    """The record's rollout maps (Abnar & Zuidema) are those of its own attention maps."""
    attended = AttentionRecord([m for m in record.maps if not m.kind.endswith("_rollout")])
    expected = rollout_maps(attended, with_flow=False)
    assert expected
    for rollout in expected:
        np.testing.assert_allclose(record.get(rollout.kind, rollout.layer).weights, rollout.weights)


def wait_for_model(qtbot, session, kind) -> None:
    qtbot.waitUntil(lambda: isinstance(session.model, kind), timeout=WAIT_MS)


def test_a_dropped_marian_folder_translates_into_every_view(qtbot, window, tmp_path):
    drop(window, marian_dir(tmp_path / "m"))
    session, views = window.session, window.views
    wait_for_model(qtbot, session, HFTranslator)
    assert window.translate_panel.isVisible()
    session.set_source("the cat sat on the mat")
    qtbot.waitUntil(
        lambda: (
            session.result is not None
            and session.result.source_pieces[-1] == "</s>"
            and "cat" in "".join(session.result.source_pieces)
        ),
        timeout=WAIT_MS,
    )
    assert session.record.kinds() == [
        "encoder_self", "decoder_self", "cross", "encoder_self_rollout", "cross_rollout",
    ]  # fmt: skip
    assert_rollout_of_its_attention(session.record)
    heatmap = views.heatmap
    layer = session.selection.layer  # the last layer, heads' mean
    cross = session.result.record.get("cross", layer).weights.mean(axis=0)
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == session.result.source_pieces)
    np.testing.assert_allclose(heatmap.shown_weights, cross)
    session.choose_display("units", "words")
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens[:3] == ["the", "cat", "sat"], timeout=WAIT_MS)
    for page in ("heads", "lines", "steps", "beam"):
        views.show_page(page)
        assert not views.current_view().grab().isNull()


def test_file_menu_opens_a_classifier_folder_in_the_nli_view(qtbot, window, tmp_path, monkeypatch):
    folder = bert_dir(tmp_path / "b")
    monkeypatch.setattr(
        QtWidgets.QInputDialog, "getItem", lambda *args, **kwargs: (str(folder), True)
    )
    window.menu_actions.open_hf.trigger()
    session = window.session
    wait_for_model(qtbot, session, HFClassifier)
    assert window.nli_panel.isVisible()
    window.nli_panel.premise_box.setPlainText("the man is playing in the park")
    window.nli_panel.hypothesis_box.setPlainText("a dog sleeps")
    qtbot.waitUntil(
        lambda: (
            session.result is not None
            and session.result.hypothesis_pieces == ["▁a", "▁dog", "▁sleep", "s"]
        ),
        timeout=WAIT_MS,
    )
    assert set(session.result.probs) == {"entailment", "neutral", "contradiction"}
    assert session.record.kinds()[-2:] == ["pair_self", "pair_self_rollout"]
    assert_rollout_of_its_attention(session.record)


def test_an_unknown_name_offline_says_so_and_keeps_the_window(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    shown = []
    monkeypatch.setattr(window, "show_error", shown.append)
    monkeypatch.setattr(
        QtWidgets.QInputDialog, "getItem", lambda *args, **kwargs: ("nobody/no-model", True)
    )
    window.menu_actions.open_hf.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert "hf:nobody/no-model" in shown[0] or "nobody/no-model" in shown[0]
    assert "local cache: none" in shown[0]


def test_a_language_model_continues_the_prompt(qtbot, window, tmp_path):
    window.open_checkpoint(gpt2_dir(tmp_path / "g"))
    session = window.session
    wait_for_model(qtbot, session, HFLanguageModel)
    session.set_source("the cat")
    qtbot.waitUntil(
        lambda: session.result is not None and "cat" in session.result.source_pieces,
        timeout=WAIT_MS,
    )
    assert session.record.kinds() == ["prompt_self", "causal_self"]
    assert session.result.record.steps and session.result.output_text
    assert session.selection.kind == "causal_self"  # the map whose rows are the steps


def test_compare_a_trained_model_with_a_hugging_face_one(qtbot, window, app_env, tmp_path):
    open_and_wait(qtbot, window, app_env.transformer)
    session = window.session
    session.set_source("a b c")
    qtbot.waitUntil(lambda: session.result is not None, timeout=WAIT_MS)
    window.views.show_page("compare")
    compare = window.views.compare
    compare.compare_with(str(marian_dir(tmp_path / "m")))
    other = compare.other
    qtbot.waitUntil(
        lambda: isinstance(other.model, HFTranslator) and other.result is not None,
        timeout=WAIT_MS,
    )
    assert other.inputs.source == "a b c" and other.result.source_pieces[-1] == "</s>"
    assert session.record.kinds() == other.record.kinds() == [
        "encoder_self", "decoder_self", "cross", "encoder_self_rollout", "cross_rollout",
    ]  # fmt: skip


@pytest.mark.parametrize("view", ["heatmap", "grid", "steps"])
def test_render_command_draws_a_hugging_face_translation(app_env, tmp_path, capsys, view):
    folder = marian_dir(tmp_path / "m")
    out = tmp_path / f"{view}.png"
    status = app_main.main(["render", str(folder), "the cat sat", "--view", view, "-o", str(out)])
    assert status == 0, capsys.readouterr().err
    image = QtGui.QImage(str(out))
    assert not image.isNull() and image.width() >= 600
