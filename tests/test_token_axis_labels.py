"""The token axis draws its labels from cached pixmaps: what it paints follows the tokens, the
selection and the theme, and a repaint of unchanged labels lays none of them out again."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from record_factory import make_square_record, make_translation_record
from view_checks import image_pixels, show_view

from app.state.display import Display
from app.state.selection import Selection
from app.views.heatmap import HeatmapView
from app.views.style import DARK, LIGHT
from app.views.token_axis import TokenAxis


def painted(axis: TokenAxis) -> np.ndarray:
    """The axis painted alone on a white image, as (H, W, 3) RGB."""
    rect = axis.boundingRect()
    image = QtGui.QImage(rect.size().toSize(), QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.white)
    painter = QtGui.QPainter(image)
    axis.paint(painter, QtWidgets.QStyleOptionGraphicsItem(), None)
    painter.end()
    return image_pixels(image)[..., :3].astype(int)


def pixels_near(image: np.ndarray, color: str, tolerance: int = 24) -> int:
    rgb = np.array(QtGui.QColor(color).getRgb()[:3])
    return int((np.abs(image - rgb).max(axis=-1) <= tolerance).sum())


def left_axis(view: HeatmapView) -> TokenAxis:
    view.set_state(make_translation_record(), None, Display())
    QtWidgets.QApplication.processEvents()
    items = view.graphics.scene().items()
    return next(
        item for item in items if isinstance(item, TokenAxis) and item.orientation == "left"
    )


def test_a_repaint_of_the_same_labels_blits_the_cached_ones(qtbot, monkeypatch):
    view = show_view(qtbot, HeatmapView())
    axis = left_axis(view)
    first = painted(axis)
    assert pixels_near(first, LIGHT.text) > 0
    rendered = []
    original = TokenAxis._render_label
    monkeypatch.setattr(
        TokenAxis, "_render_label", lambda self, *a: rendered.append(a) or original(self, *a)
    )
    np.testing.assert_array_equal(painted(axis), first)
    assert rendered == []


def test_labels_follow_the_selection_and_the_theme(qtbot):
    view = show_view(qtbot, HeatmapView())
    axis = left_axis(view)
    plain = painted(axis)
    assert pixels_near(plain, LIGHT.highlight) == 0
    axis.set_emphasis(selected=0)
    assert pixels_near(painted(axis), LIGHT.highlight) > 20  # the selected token's badge
    axis.set_emphasis()
    axis.set_colors(DARK)
    dark = painted(axis)
    assert pixels_near(dark, DARK.text) > 0
    assert pixels_near(dark, LIGHT.text, tolerance=8) == 0  # no label left in the old colour


class PixmapRecorder(QtGui.QPainter):
    """A painter noting the rectangle (on the device) of each pixmap drawn: the axis' labels."""

    def __init__(self, device: QtGui.QPaintDevice) -> None:
        super().__init__(device)
        self.boxes: list[QtCore.QRectF] = []

    def drawPixmap(self, *args) -> None:  # noqa: N802 (Qt's name)
        box = QtCore.QRectF(args[0], args[1].deviceIndependentSize())
        self.boxes.append(self.transform().mapRect(box))
        super().drawPixmap(*args)


def drawn_labels(axis: TokenAxis) -> list[tuple[int, QtCore.QRectF]]:
    """(token index, box) of every label the axis paints, the index read from the box's centre."""
    image = QtGui.QImage(axis.boundingRect().size().toSize(), QtGui.QImage.Format.Format_ARGB32)
    painter = PixmapRecorder(image)
    axis.paint(painter, QtWidgets.QStyleOptionGraphicsItem(), None)
    painter.end()
    first, step = axis.position_of(0), axis.position_of(1) - axis.position_of(0)
    centre = (
        (lambda box: box.center().y())
        if axis.orientation == "left"
        else (lambda box: box.center().x())
    )
    return [(round((centre(box) - first) / step), box) for box in painter.boxes]


def overlapping(labels: list[tuple[int, QtCore.QRectF]]) -> list[tuple[int, int]]:
    return [
        (a, b)
        for i, (a, box) in enumerate(labels)
        for b, other in labels[i + 1 :]
        if box.adjusted(0.5, 0.5, -0.5, -0.5).intersects(other)
    ]


@pytest.mark.parametrize("orientation", ["left", "top"])
def test_512_labels_are_thinned_until_none_overlap_and_zooming_in_shows_each(qtbot, orientation):
    view = show_view(qtbot, HeatmapView(), size=(460, 440))
    view.set_state(make_square_record(512, 1, 1), Selection("cross", 0, 0), Display())
    QtWidgets.QApplication.processEvents()
    axis = view.query_axis if orientation == "left" else view.key_axis
    length = axis.size().height() if orientation == "left" else axis.size().width()
    assert 120 <= length <= 320  # 512 tokens in 120-320 pixels (taller rows with a CJK font)
    labels = drawn_labels(axis)
    assert len(labels) >= 4 and overlapping(labels) == []
    shown = sorted(index for index, _ in labels)
    assert shown == list(range(0, 512, axis.label_stride))[: len(shown)]  # every k-th, from 0
    # zoomed in to as many rows (columns) as there are lines of text along the axis: 8-10
    line = max(QtGui.QFontMetrics(font).height() for font in (axis._font, axis._bold))
    rows = int(length // line)
    if orientation == "left":
        view.plot.setYRange(99.5, 99.5 + rows, padding=0)
    else:
        view.plot.setXRange(99.5, 99.5 + rows, padding=0)
    QtWidgets.QApplication.processEvents()
    labels = drawn_labels(axis)
    assert rows >= 6 and sorted(index for index, _ in labels) == list(range(100, 100 + rows))
    assert overlapping(labels) == []
    tokens = view._map.query_tokens if orientation == "left" else view._map.key_tokens
    assert [axis.label_text(index) for index in range(100, 100 + rows)] == tokens[100 : 100 + rows]


def test_the_selected_and_emphasised_labels_are_drawn_and_push_others_aside(qtbot):
    view = show_view(qtbot, HeatmapView(), size=(460, 440))
    view.set_state(make_square_record(512, 1, 1), Selection("cross", 0, 0), Display())
    QtWidgets.QApplication.processEvents()
    axis = view.query_axis
    axis.set_emphasis(emphasised=[301], selected=200)
    labels = drawn_labels(axis)
    indices = [index for index, _ in labels]
    assert indices[:2] == [200, 301] and overlapping(labels) == []


@pytest.mark.parametrize("tokens", [["le", "chat", "noir", "dort", "."], ["extraordinaire"] * 12])
def test_the_top_title_sits_just_above_the_labels(qtbot, tokens):
    """The key axis' title ("source (keys)") and its labels read as one block: no band of empty
    axis between them, flat labels or vertical ones (issue 15's screen captures: ~30 px)."""
    view = show_view(qtbot, HeatmapView(), size=(700, 500))
    record = make_translation_record(source=tokens, target=["the", "cat", "sleeps"])
    view.set_state(record, Selection("cross", 0, 0), Display())
    QtWidgets.QApplication.processEvents()
    axis = view.key_axis
    drawn_labels(axis)
    labels_top = min(label.box.top() for label in axis.placed_labels)
    title = axis.label.mapRectToParent(axis.label.boundingRect())
    assert title.height() > 0 and axis.label.isVisible()
    margin = axis.label.document().documentMargin()  # the title's box pads its text
    assert -margin <= labels_top - title.bottom() <= 8, (title, labels_top)
