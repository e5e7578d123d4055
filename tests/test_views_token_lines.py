"""Token lines (head view): lines weighted by attention, following the selected head and token."""

import numpy as np
import pytest
from PySide6 import QtCore
from record_factory import SOURCE, TARGET, make_translation_record
from view_checks import restate, show_view

from app.state.display import Display
from app.state.selection import Selection, TokenSpan
from app.views.token_lines import MIN_ALPHA, TokenLinesView


@pytest.fixture
def record():
    return make_translation_record()


@pytest.fixture
def view(qtbot, record):
    view = show_view(qtbot, TokenLinesView())
    view.set_state(record, Selection("cross", 0, "mean"), Display())
    return view


def test_columns_show_target_and_source_tokens(view):
    assert len(view._query_rects) == len(TARGET) and len(view._key_rects) == len(SOURCE)
    left, right = view.token_rect("query", 0), view.token_rect("key", 0)
    assert left.right() < right.left()
    assert all(view.rect().toRectF().contains(r) for r in view._query_rects + view._key_rects)


def test_without_a_selection_every_visible_weight_gets_a_line_of_that_opacity(view, record):
    weights = record.get("cross", 0).weights.mean(0)
    lines = view.visible_lines()
    assert len(lines) == int((weights >= MIN_ALPHA).sum())
    for query, key, weight in lines:
        assert weight == pytest.approx(weights[query, key])


def test_selected_target_token_keeps_only_its_lines(view):
    restate(view, Selection("cross", 0, "mean").with_token("target", 4))
    assert view.focus() == ("query", 4)
    assert {query for query, _, _ in view.visible_lines()} == {4}


def test_selected_source_token_shows_the_lines_into_it(view):
    restate(view, Selection("cross", 0, "mean").with_token("source", 2))
    assert {key for _, key, _ in view.visible_lines()} == {2}


def test_switching_head_follows_that_heads_weights(view, record):
    restate(view, Selection("cross", 1, 3))
    np.testing.assert_array_equal(view.shown_weights, record.get("cross", 1).weights[3])


def test_click_on_a_source_token_selects_it(qtbot, view):
    with qtbot.waitSignal(view.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(
            view, QtCore.Qt.MouseButton.LeftButton, pos=view.token_rect("key", 5).center().toPoint()
        )
    assert clicked.args == ["source", 5]


def test_hovering_a_token_previews_its_lines(qtbot, view):
    qtbot.mouseMove(view, view.token_rect("query", 1).center().toPoint())
    assert view.focus() == ("query", 1)


def test_a_target_span_keeps_only_those_tokens_and_their_lines(qtbot, view, record):
    restate(view, Selection("cross", 0, "mean", span=TokenSpan("target", 2, 3)))
    assert view.query_tokens() == TARGET[2:4] and view.key_tokens() == SOURCE
    weights = record.get("cross", 0).weights.mean(0)
    np.testing.assert_allclose(view.shown_weights, weights[2:4])
    assert len(view.visible_lines()) == int((weights[2:4] >= MIN_ALPHA).sum())
    assert "filtered: target tokens 2–3" in view.filter_badge.text()
    with qtbot.waitSignal(view.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(
            view,
            QtCore.Qt.MouseButton.LeftButton,
            pos=view.token_rect("query", 1).center().toPoint(),
        )
    assert clicked.args == ["target", 3]


def test_a_short_sentence_fills_a_tall_panel(qtbot, record):
    """At 1920 x 1080 a seven-token sentence took a third of the panel's height (issue 15's
    screen captures): the rows grow to fill most of it, and stay apart."""
    tall = show_view(qtbot, TokenLinesView(), size=(1400, 740))
    tall.set_state(record, Selection("cross", 0, "mean"), Display())
    rows = [tall.token_rect("query", i) for i in range(len(TARGET))]
    used = rows[-1].bottom() - rows[0].top()
    assert used > 0.7 * tall.height()
    assert all(a.bottom() <= b.top() for a, b in zip(rows, rows[1:], strict=False))
