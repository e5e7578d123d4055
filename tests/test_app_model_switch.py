"""Switching model: input that does not suit the new model (another task's sample, mostly unknown
words, empty boxes) gives way to one of its samples, with a notice and the user's own text one
click away ("Back to my text"); input that suits stays."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    open_and_wait,
    train_tiny,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def reverse_model(tmp_path_factory):
    """A tiny Transformer on the reverse task (same symbols as copy, another task)."""
    return train_tiny(tmp_path_factory.mktemp("reverse") / "tiny-reverse", "transformer", "reverse")


def open_and_settle(qtbot, window, path) -> None:
    open_and_wait(qtbot, window, path)
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)


def test_mostly_unknown_text_gives_way_to_a_sample_and_comes_back_in_one_click(
    qtbot, window, app_env
):
    open_and_settle(qtbot, window, app_env.transformer)
    panel, session = window.translate_panel, window.session
    type_over(qtbot, panel.source_box, "the cat sleeps .")
    wait_for_source(qtbot, session, ["<unk>"] * 4)
    open_and_settle(qtbot, window, app_env.bahdanau)
    sample = session.samples(1)[0]
    assert panel.source_box.toPlainText() == sample.source
    assert session.result.source_pieces == [*sample.source.split(), "<eos>"]
    assert panel.notice.notices()[0].startswith("Showing a sample of copy")
    assert "4 of its 4 distinct words were never seen" in panel.notice.full_text()
    assert "in place of your text (Back to my text)" in window.statusBar().currentMessage()
    button = panel.notice_row.back_button
    assert button.isVisible()
    qtbot.mouseClick(button, LEFT)
    assert panel.source_box.toPlainText() == "the cat sleeps ."
    wait_for_source(qtbot, session, ["<unk>"] * 4)
    assert session.model.checkpoint.path.resolve() == app_env.bahdanau.resolve()
    assert not button.isVisible()
    assert not any(n.startswith("Showing a sample") for n in panel.notice.notices())


def test_editing_the_sample_drops_the_way_back(qtbot, window, app_env):
    open_and_settle(qtbot, window, app_env.transformer)
    panel, session = window.translate_panel, window.session
    type_over(qtbot, panel.source_box, "zebra giraffe")
    open_and_settle(qtbot, window, app_env.bahdanau)
    button = panel.notice_row.back_button
    assert button.isVisible()
    qtbot.keyClicks(panel.source_box, " a")
    assert not button.isVisible() and not session.can_restore_inputs


def test_text_the_new_model_knows_stays(qtbot, window, app_env):
    open_and_settle(qtbot, window, app_env.transformer)
    panel, session = window.translate_panel, window.session
    type_over(qtbot, panel.source_box, "a b c")
    wait_for_source(qtbot, session, ["a", "b", "c"])
    open_and_settle(qtbot, window, app_env.bahdanau)
    assert panel.source_box.toPlainText() == "a b c"
    wait_for_source(qtbot, session, ["a", "b", "c"])
    assert not session.can_restore_inputs


def test_a_sample_of_another_task_gives_way_to_the_new_models_sample(
    qtbot, window, app_env, reverse_model
):
    open_and_settle(qtbot, window, app_env.transformer)
    session = window.session
    copy_sample = session.samples(1)[0]
    assert session.inputs.source == copy_sample.source  # it opened on its own sample
    open_and_settle(qtbot, window, reverse_model)
    reverse_sample = session.samples(1)[0]
    assert reverse_sample.source != copy_sample.source
    assert window.translate_panel.source_box.toPlainText() == reverse_sample.source
    assert session.gold_label() is None and session.record.gold_alignment is not None
    assert not session.can_restore_inputs  # the sample was not the user's text


def test_nli_and_back_never_open_on_empty_boxes(qtbot, window, app_env):
    open_and_settle(qtbot, window, app_env.transformer)
    session = window.session
    type_over(qtbot, window.translate_panel.source_box, "a b c")
    open_and_settle(qtbot, window, app_env.nli)
    nli_sample = session.samples(1)[0]
    assert window.nli_panel.premise_box.toPlainText() == nli_sample.premise
    assert window.nli_panel.bars.predicted == session.result.label  # a prediction at once
    assert not window.nli_panel.notice_row.back_button.isVisible()  # "a b c" is no NLI pair
    open_and_settle(qtbot, window, app_env.bahdanau)
    assert window.translate_panel.source_box.toPlainText() == session.samples(1)[0].source
