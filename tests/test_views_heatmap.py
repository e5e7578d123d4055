"""The attention heatmap: rows and columns, clicks, selection outlines, heads, scales, gold, export."""

import numpy as np
import pytest
from PySide6 import QtCore
from record_factory import SOURCE, TARGET, make_nli_record, make_translation_record
from view_checks import color_share, restate, show_view

from app.state.display import Display
from app.state.measures import attention_aer
from app.state.selection import Selection, TokenSpan
from app.views.heatmap import HeatmapView
from app.views.style import DARK, LOG_FLOOR


@pytest.fixture
def record():
    return make_translation_record()


@pytest.fixture
def view(qtbot, record):
    view = show_view(qtbot, HeatmapView())
    view.set_state(record, Selection("cross", 1, "mean"), Display())
    QtCore.QCoreApplication.processEvents()
    return view


def viewport_pos(view: HeatmapView, x: float, y: float) -> QtCore.QPoint:
    """Viewport pixel of data point (x, y) = (key column, query row)."""
    return view.graphics.mapFromScene(view.plot.vb.mapViewToScene(QtCore.QPointF(x, y)))


def test_heatmap_shows_a_row_per_target_token_and_a_column_per_source_token(view, record):
    assert view.image.image.shape == (len(TARGET), len(SOURCE))
    assert view.query_axis.tokens == TARGET
    assert view.key_axis.tokens == SOURCE
    assert [view.key_axis.label_text(i) for i in range(len(SOURCE))] == SOURCE
    assert view.query_axis.labelText == "target (queries)"
    assert view.key_axis.labelText == "source (keys)"


def test_click_on_a_cell_selects_its_target_token(qtbot, view):
    with qtbot.waitSignal(view.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(
            view.graphics.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=viewport_pos(view, 5, 2)
        )
    assert clicked.args == ["target", 2]


def test_click_on_a_source_label_selects_that_source_token(qtbot, view):
    label = view.key_axis.sceneBoundingRect()
    scene_x = view.plot.vb.mapViewToScene(QtCore.QPointF(4, 0)).x()
    pos = view.graphics.mapFromScene(QtCore.QPointF(scene_x, label.center().y()))
    with qtbot.waitSignal(view.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(view.graphics.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == ["source", 4]


def test_selected_target_token_outlines_its_row_and_emphasises_what_it_attends_to(view, record):
    restate(view, Selection("cross", 1, "mean").with_token("target", 3))
    assert view.selected_cells() == ([3], [])
    outline = view.selection_outline.path().boundingRect()
    assert outline == QtCore.QRectF(-0.5, 2.5, len(SOURCE), 1)
    most_attended = int(record.get("cross", 1).weights.mean(0)[3].argmax())
    assert most_attended in view.key_axis._emphasised
    assert view.query_axis._selected == 3


def test_selected_source_token_outlines_its_column(view):
    restate(view, Selection("cross", 1, "mean").with_token("source", 6))
    assert view.selected_cells() == ([], [6])
    assert view.selection_outline.path().boundingRect() == QtCore.QRectF(5.5, -0.5, 1, len(TARGET))


def test_switching_head_shows_that_heads_weights(view, record):
    weights = record.get("cross", 1).weights
    np.testing.assert_allclose(view.image.image, weights.mean(0), rtol=1e-6)
    restate(view, Selection("cross", 1, 2))
    np.testing.assert_allclose(view.image.image, weights[2])
    restate(view, Selection("encoder_self", 0, 1))
    np.testing.assert_allclose(view.image.image, record.get("encoder_self", 0).weights[1])
    assert view.query_axis.tokens == SOURCE


def test_row_normalisation_gives_every_row_the_top_colour(view):
    restate(view, normalisation="row")
    np.testing.assert_allclose(view.image.image.max(axis=1), 1.0, rtol=1e-6)
    assert view.colorbar.levels() == (0.0, pytest.approx(1.0))


def test_log_scale_colours_decades(view, record):
    restate(view, Selection("decoder_self", 0, 0))
    restate(view, scale="log")
    weights = record.get("decoder_self", 0).weights[0]
    np.testing.assert_allclose(
        view.image.image, np.log10(np.maximum(weights, LOG_FLOOR)), rtol=1e-5
    )
    assert view.colorbar.levels()[0] == pytest.approx(np.log10(LOG_FLOOR))
    assert view.shown_weights[0, 1] == 0.0, "future keys must stay exactly 0 in the hover values"


def test_hover_names_target_and_source_tokens_and_the_weight(view, record):
    scene_pos = view.plot.vb.mapViewToScene(QtCore.QPointF(2, 1))
    weight = record.get("cross", 1).weights.mean(0)[1, 2]
    assert view.describe_point(scene_pos) == f"target '▁chat' (1) → source '▁cat' (2): {weight:.3f}"


def test_gold_alignment_outlines_gold_cells_and_reports_aer(view, record):
    path = view.gold_outline.path()
    gold = record.gold_alignment
    for row, column in zip(*np.nonzero(gold), strict=True):
        assert path.contains(QtCore.QPointF(column, row))
    assert not path.contains(QtCore.QPointF(7, 0))
    expected = attention_aer(record.get("cross", 1).weights.mean(0), gold)
    assert f"AER {expected:.2f}" in view.title.text()
    restate(view, gold=False)
    assert view.gold_outline.path().isEmpty()
    assert "AER" not in view.title.text()


@pytest.mark.parametrize("width", [940, 460])  # the Inspect tab at 1280 px, half of it in Compare
def test_the_title_with_the_aer_reads_in_full_beside_every_display_box(qtbot, record, width):
    """The title (map, layer, head, AER) was cut at 1280 × 800 by the colour, scale and
    normalisation boxes beside it: it has a row of its own, as wide as the view."""
    view = show_view(qtbot, HeatmapView(), (width, 460))
    view.set_state(record, Selection("cross", 1, "mean"), Display())
    QtCore.QCoreApplication.processEvents()
    text = view.title.text()
    assert "AER" in text and "dashed" in text
    needed = view.title.fontMetrics().horizontalAdvance(text)
    assert view.title.contentsRect().width() >= needed, (needed, view.title.width())


def test_gold_box_is_greyed_out_where_the_input_has_no_gold_alignment(qtbot, record):
    view = show_view(qtbot, HeatmapView())
    view.set_state(record, Selection("cross", 1, "mean"), Display())
    assert view.display_boxes.gold_box.isEnabled() and view.display_boxes.gold_box.isChecked()
    typed = make_translation_record()
    typed.gold_alignment = None
    view.set_state(typed, Selection("cross", 1, "mean"), Display())
    assert not view.display_boxes.gold_box.isEnabled() and view.gold_outline.path().isEmpty()
    assert "AER" not in view.title.text()
    view.set_state(
        record, Selection("encoder_self", 0, "mean"), Display()
    )  # gold is for cross maps only
    assert not view.display_boxes.gold_box.isEnabled()
    view.set_state(record, Selection("cross", 1, "mean"), Display())
    assert view.display_boxes.gold_box.isEnabled() and "AER" in view.title.text()


def test_nli_gold_alignment_is_transposed_for_premise_to_hypothesis(qtbot):
    record = make_nli_record()
    view = show_view(qtbot, HeatmapView())
    view.set_state(record, Selection("premise_to_hypothesis", 0, "mean"), Display())
    assert view.gold_outline.path().contains(QtCore.QPointF(2, 3))  # premise 'playing' ~ 'plays'
    premise_to_hypothesis = record.get("premise_to_hypothesis").weights[0]
    expected = attention_aer(premise_to_hypothesis, record.gold_alignment.T)
    assert f"AER {expected:.2f}" in view.title.text()


def test_missing_map_says_so_instead_of_showing_a_stale_one(view):
    restate(view, Selection("cross", 7, "mean"))
    assert view.image.image is None
    assert "no cross · layer 7" in view.title.text()


def test_map_controls_report_the_users_choice(qtbot, view):
    restate(view, Selection("cross", 1, 1))
    view.controls.head_box.setFocus()
    with qtbot.waitSignal(view.sigMapChosen, timeout=1000) as chosen:
        qtbot.keyClick(view.controls.head_box, QtCore.Qt.Key.Key_Down)
    assert chosen.args == ["cross", 1, 2]


def test_long_tokens_are_ellipsised_and_turn_vertical(qtbot):
    long_source = ["▁internationalisation", "▁of", "▁telecommunications", "▁infrastructure"] * 3
    record = make_translation_record(source=long_source, target=["▁x"] * 6)
    view = show_view(qtbot, HeatmapView())
    view.set_state(record, Selection("cross", 0, "mean"), Display())
    QtCore.QCoreApplication.processEvents()
    assert view.key_axis.vertical_labels
    assert view.key_axis.label_text(2).endswith("…")
    assert view.key_axis.label_text(1) == "▁of"


def test_dark_theme_paints_a_dark_background(view):
    restate(view, theme="dark")
    assert color_share(view.grab().toImage(), DARK.background, tolerance=6) > 0.2


def test_moving_the_mouse_over_a_cell_shows_its_weight_below_the_map(qtbot, view, record):
    qtbot.mouseMove(view.graphics.viewport(), viewport_pos(view, 3, 4))
    weight = record.get("cross", 1).weights.mean(0)[4, 3]
    qtbot.waitUntil(lambda: view.hover_label.text().endswith(f"{weight:.3f}"), timeout=1000)
    assert view.hover_label.text().startswith("target '▁assis' (4) → source '▁sat' (3)")


def test_a_source_span_keeps_its_columns_with_their_gold_cells_and_a_badge(view, record):
    restate(view, Selection("cross", 1, "mean", span=TokenSpan("source", 2, 4)))
    assert view.key_axis.tokens == SOURCE[2:5] and view.query_axis.tokens == TARGET
    weights = record.get("cross", 1).weights.mean(0)
    np.testing.assert_allclose(view.shown_weights, weights[:, 2:5])
    assert view.shown_columns == [2, 3, 4]
    path = view.gold_outline.path()  # chat <- cat: row 1, source 2 -> column 0 on show
    assert path.contains(QtCore.QPointF(0, 1)) and not path.contains(QtCore.QPointF(0, 0))
    assert f"AER {attention_aer(weights, record.gold_alignment):.2f}" in view.title.text()
    assert view.filter_badge.isVisible()
    assert "filtered: source tokens 2–4 (▁cat ▁sat ▁on)" in view.filter_badge.text()


def test_a_span_on_self_attention_keeps_its_rows_over_every_key(view):
    restate(view, Selection("encoder_self", 0, 1, span=TokenSpan("source", 1, 2)))
    assert view.query_axis.tokens == SOURCE[1:3] and view.key_axis.tokens == SOURCE


def test_a_span_the_map_does_not_have_filters_nothing_and_says_so(view):
    restate(view, Selection("encoder_self", 0, 1, span=TokenSpan("target", 1, 2)))
    assert view.query_axis.tokens == view.key_axis.tokens == SOURCE
    assert "not on this map" in view.filter_badge.text()


def test_clicks_and_hover_in_a_filtered_map_name_the_tokens_shown(qtbot, view, record):
    restate(view, Selection("cross", 1, "mean", span=TokenSpan("target", 3, 5)))
    with qtbot.waitSignal(view.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(
            view.graphics.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=viewport_pos(view, 1, 1)
        )
    assert clicked.args == ["target", 4]
    hover = view.describe_point(view.plot.vb.mapViewToScene(QtCore.QPointF(1, 1)))
    assert hover.startswith("target '▁assis' (4) → source '▁black' (1)")
    restate(view, view.selection.with_token("target", 5))
    assert view.selected_cells() == ([2], [])
    restate(view, view.selection.with_token("target", 0))  # filtered out: no outline
    assert view.selected_cells() == ([], [])


def test_the_badges_clear_link_asks_for_every_token_back(qtbot, view):
    restate(view, Selection("cross", 1, "mean", span=TokenSpan("source", 0, 1)))
    with qtbot.waitSignal(view.sigFilterCleared, timeout=1000):
        view.filter_badge.linkActivated.emit("clear")
