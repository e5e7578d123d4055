"""Selecting text in the window filters the maps: words selected in the source, the translation or
the premise keep only their tokens' columns or rows in the heatmap and the token lines, with a
"filtered … · clear" badge; clearing the selection (or clicking "clear") brings every token back."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    compare_with,
    open_and_wait,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore

from app.state.selection import TokenSpan

KEY = QtCore.Qt.Key
SHIFT = QtCore.Qt.KeyboardModifier.ShiftModifier
CONTROL = QtCore.Qt.KeyboardModifier.ControlModifier
SOURCE = ["a", "b", "c", "d", "<eos>"]


@pytest.fixture
def translating(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    type_over(qtbot, window.translate_panel.source_box, "a b c d")
    wait_for_source(qtbot, window.session, ["a", "b", "c", "d"])
    return window


def select_with_keys(qtbot, box, skip: int, length: int) -> None:
    """What a user does: go to the start, move ``skip`` characters right, then extend the
    selection ``length`` characters with Shift+→."""
    box.setFocus()
    qtbot.keyClick(box, KEY.Key_Home, CONTROL)  # the text's start in a multi-line box
    qtbot.keyClick(box, KEY.Key_Home)  # the line's start (a one-line box's start)
    for _ in range(skip):
        qtbot.keyClick(box, KEY.Key_Right)
    for _ in range(length):
        qtbot.keyClick(box, KEY.Key_Right, SHIFT)


def click_clear(qtbot, badge) -> None:
    """Click the badge's "clear" link (the last word of its text)."""
    qtbot.mouseClick(
        badge,
        QtCore.Qt.MouseButton.LeftButton,
        pos=QtCore.QPoint(badge.width() - 12, badge.height() // 2),
    )


def test_selecting_source_words_keeps_only_their_columns_until_the_selection_goes(
    qtbot, translating
):
    session, views, box = translating.session, translating.views, translating.translate_panel
    heatmap = views.heatmap
    full = heatmap.shown_weights.copy()
    select_with_keys(qtbot, box.source_box, skip=2, length=3)  # "b c"
    assert session.selection.span == TokenSpan("source", 1, 2)
    assert heatmap.key_axis.tokens == ["b", "c"]
    np.testing.assert_allclose(heatmap.shown_weights, full[:, 1:3])
    assert heatmap.filter_badge.isVisible()
    assert "filtered: source tokens 1–2 (b c)" in heatmap.filter_badge.text()
    views.show_page("lines")
    assert views.lines.key_tokens() == ["b", "c"] and views.lines.filter_badge.isVisible()
    assert len(views.lines.query_tokens()) == full.shape[0]  # every target token stays
    qtbot.keyClick(box.source_box, KEY.Key_Right)  # the selection collapses
    assert session.selection.span is None
    assert views.lines.key_tokens() == SOURCE and not views.lines.filter_badge.isVisible()
    views.show_page("heatmap")
    assert heatmap.key_axis.tokens == SOURCE and not heatmap.filter_badge.isVisible()
    np.testing.assert_allclose(heatmap.shown_weights, full)


def test_the_badges_clear_link_restores_every_token_and_unselects_the_text(qtbot, translating):
    session, heatmap = translating.session, translating.views.heatmap
    source_box = translating.translate_panel.source_box
    select_with_keys(qtbot, source_box, skip=4, length=1)  # "c"
    assert heatmap.key_axis.tokens == ["c"]
    click_clear(qtbot, heatmap.filter_badge)
    assert session.selection.span is None and session.text_selection is None
    assert heatmap.key_axis.tokens == SOURCE
    assert not source_box.textCursor().hasSelection()


def test_a_click_in_the_filtered_heatmap_selects_the_token_it_shows(qtbot, translating):
    session, heatmap = translating.session, translating.views.heatmap
    select_with_keys(qtbot, translating.translate_panel.source_box, skip=4, length=3)  # "c d"
    axis = heatmap.key_axis
    label = axis.mapToScene(QtCore.QPointF(axis.position_of(1), axis.size().height() - 12))
    viewport = heatmap.graphics.viewport()
    qtbot.mouseClick(
        viewport, QtCore.Qt.MouseButton.LeftButton, pos=heatmap.graphics.mapFromScene(label)
    )
    assert session.selection.token.side == "source" and session.selection.token.index == 3
    assert heatmap.selected_cells() == ([], [1])  # "d" is the second column on show


def test_selecting_words_of_the_translation_keeps_only_their_rows(qtbot, translating):
    panel, session, heatmap = (
        translating.translate_panel,
        translating.session,
        translating.views.heatmap,
    )
    qtbot.keyClicks(panel.reference_box, "a b")  # forced decoding: the output is "a b"
    qtbot.waitUntil(lambda: session.result_is_current and session.result.forced, timeout=WAIT_MS)
    assert panel.output_text.text() == "a b"
    select_with_keys(qtbot, panel.output_text, skip=2, length=1)  # "b"
    assert session.selection.span == TokenSpan("target", 1, 1)
    assert heatmap.query_axis.tokens == ["b"] and heatmap.key_axis.tokens == SOURCE
    qtbot.keyClicks(panel.reference_box, " c")  # a new output: its words moved
    qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
    assert session.selection.span is None
    assert heatmap.query_axis.tokens == ["a", "b", "c", "<eos>"]


def test_selecting_words_of_the_reference_keeps_only_the_rows_it_forced(qtbot, translating):
    panel, session, heatmap = (
        translating.translate_panel,
        translating.session,
        translating.views.heatmap,
    )
    qtbot.keyClicks(panel.reference_box, "a b c")
    qtbot.waitUntil(lambda: session.result_is_current and session.result.forced, timeout=WAIT_MS)
    select_with_keys(qtbot, panel.reference_box, skip=2, length=3)  # "b c"
    assert session.selection.span == TokenSpan("target", 1, 2)
    assert heatmap.query_axis.tokens == ["b", "c"]


def test_a_new_selection_in_another_box_replaces_the_filter(qtbot, translating):
    panel, session = translating.translate_panel, translating.session
    select_with_keys(qtbot, panel.source_box, skip=0, length=1)  # "a"
    assert session.selection.span == TokenSpan("source", 0, 0)
    select_with_keys(qtbot, panel.output_text, skip=0, length=1)
    assert session.selection.span == TokenSpan("target", 0, 0)
    assert not panel.source_box.textCursor().hasSelection()


def test_selecting_premise_words_keeps_only_their_rows_of_the_nli_map(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.nli)
    panel, session, heatmap = window.nli_panel, window.session, window.views.heatmap
    type_over(qtbot, panel.premise_box, "the dog is sleeping")
    type_over(qtbot, panel.hypothesis_box, "the animal is sleeping")
    qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
    assert session.selection.kind == "premise_to_hypothesis"
    select_with_keys(qtbot, panel.premise_box, skip=4, length=3)  # "dog"
    assert session.selection.span == TokenSpan("premise", 1, 1)
    assert heatmap.query_axis.tokens == [session.result.premise_pieces[1]]
    session.select_kind("hypothesis_to_premise")  # the premise is on the key side there
    assert heatmap.key_axis.tokens == [session.result.premise_pieces[1]]
    assert len(heatmap.query_axis.tokens) == len(session.result.hypothesis_pieces)


def test_the_compared_model_keeps_the_same_source_words(qtbot, translating):
    views = translating.views
    compare = compare_with(views, "bahdanau")
    other = compare.other
    qtbot.waitUntil(lambda: other.result is not None and other.result_is_current, timeout=WAIT_MS)
    select_with_keys(qtbot, translating.translate_panel.source_box, skip=2, length=1)  # "b"
    assert other.selection.span == TokenSpan("source", 1, 1)
    assert compare.other_heatmap.key_axis.tokens == ["b"]
    assert compare.main_heatmap.key_axis.tokens == ["b"]
