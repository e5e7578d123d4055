"""Token labels turn vertical only when flat ones would overlap (issue 15: compare's labels
rotated with room to spare): on the app's token axis and in the figures."""

from __future__ import annotations

import pytest
from PySide6 import QtCore
from record_factory import make_translation_record
from view_checks import painted_axis

from app.figures import paint
from app.figures.draw import draw_figure
from app.figures.options import FigureOptions, FigureState
from app.state.selection import Selection

ONE_LONG = ["a", "b", "extraordinary", "c", "d", "e"]  # short neighbours: room to lie flat
ALL_LONG = ["extraordinary", "unbelievably", "remarkably", "wonderfully", "inexplicably", "e"]


def painted_labels(qtbot, tokens: list[str], width: int) -> list[tuple[QtCore.QRectF, bool]]:
    """Each label the bottom token axis of a ``width``-pixel plot draws: its box, rotated or not."""
    axis = painted_axis(qtbot, tokens, width)
    return [(label.box, label.rotated) for label in axis.placed_labels if label.text in tokens]


def test_one_long_token_among_short_ones_stays_flat_and_nothing_overlaps(qtbot):
    labels = painted_labels(qtbot, ONE_LONG, 450)  # the long token is wider than a cell
    assert len(labels) == len(ONE_LONG) and not any(rotated for _, rotated in labels)
    boxes = sorted((box.left(), box.right()) for box, _ in labels)
    assert all(
        right <= next_left + 1 for (_, right), (next_left, _) in zip(boxes, boxes[1:], strict=False)
    )
    cell = (boxes[-1][0] + boxes[-1][1] - boxes[0][0] - boxes[0][1]) / 2 / (len(boxes) - 1)
    assert max(right - left for left, right in boxes) > cell  # the old rule turned them all


def test_long_neighbours_turn_vertical(qtbot):
    labels = painted_labels(qtbot, ALL_LONG, 450)
    assert labels and all(rotated for _, rotated in labels)


def compare_figure(tokens: list[str]):
    record = make_translation_record(source=tokens, target=["x", "y", "z"])
    other = FigureState(
        make_translation_record(source=tokens, target=["x", "y", "z"], seed=1),
        Selection("cross", 0, "mean"),
        model="other",
    )
    state = FigureState(record, Selection("cross", 1, "mean"), model="one", other=other)
    figure = draw_figure("compare", state, FigureOptions(size=(9.0, 3.0)))
    paint.fit_labels(figure)
    return figure


@pytest.mark.parametrize(("tokens", "rotated"), [(ONE_LONG, False), (ALL_LONG, True)])
def test_compare_figure_rotates_its_labels_only_when_flat_ones_would_overlap(tokens, rotated):
    figure = compare_figure(tokens)
    renderer = figure.canvas.get_renderer()
    for axes in figure.axes[:2]:  # the two maps (then the colour bar)
        labels = [label for label in axes.get_xticklabels() if label.get_visible()]
        assert [label.get_text() for label in labels] == tokens
        assert {label.get_rotation() for label in labels} == {90.0 if rotated else 0.0}
        boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda b: b.x0)
        assert all(a.x1 <= b.x0 + 0.5 for a, b in zip(boxes, boxes[1:], strict=False))
