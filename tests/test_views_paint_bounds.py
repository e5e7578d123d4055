"""What the screen really shows: no view item paints outside its own rectangle, and the window's
backing store (what an incremental repaint leaves on screen) equals a repaint from scratch.

A ``grab()`` repaints every widget from scratch, which hides stale regions; the offscreen
platform's ``QScreen.grabWindow`` returns the backing store itself, the pixels a real display
would show after the incremental repaints that resizes and new labels cause.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from record_factory import make_translation_record
from view_checks import image_pixels, show_view

from app.state.display import Display
from app.views.heatmap import HeatmapView
from app.views.token_axis import TokenAxis

MARGIN = 60  # room around the item's rectangle in which it must leave every pixel untouched
LONG_SOURCE = ["▁a_rather_long_source_token", "▁x", "▁y", "</s>"]
LONG_TARGET = ["▁z", "▁another_long_target_token", "</s>"]


def painted_outside(item: QtWidgets.QGraphicsItem) -> int:
    """How many pixels ``item.paint`` touches outside ``item.boundingRect()`` (drawn alone on a
    transparent image with MARGIN pixels to spare on every side)."""
    rect = item.boundingRect()
    size = QtCore.QSize(int(rect.width()) + 2 * MARGIN, int(rect.height()) + 2 * MARGIN)
    image = QtGui.QImage(size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.translate(MARGIN - rect.x(), MARGIN - rect.y())
    item.paint(painter, QtWidgets.QStyleOptionGraphicsItem(), None)
    painter.end()
    alpha = image_pixels(image)[..., 3].copy()
    alpha[MARGIN : MARGIN + int(rect.height()), MARGIN : MARGIN + int(rect.width())] = 0
    return int((alpha > 0).sum())


@pytest.mark.parametrize("size", [(4, 4), (60, 12), (300, 30), (40, 300)])
def test_token_axes_paint_nothing_outside_their_rectangle(qtbot, size) -> None:
    """At every size the layout passes it through (a new sentence's axis starts squeezed, before
    its room is reserved), each token axis keeps its labels inside its own rectangle: what it
    drew outside stayed on screen as ghost labels over the heatmap's titles."""
    view = show_view(qtbot, HeatmapView())
    view.set_state(make_translation_record(LONG_SOURCE, LONG_TARGET), None, Display())
    axes = [item for item in view.graphics.scene().items() if isinstance(item, TokenAxis)]
    assert {axis.orientation for axis in axes} == {"left", "top"}
    for axis in axes:
        axis.resize(QtCore.QSizeF(*size))
        assert painted_outside(axis) == 0, (axis.orientation, size)


def test_heatmap_on_screen_equals_a_repaint_from_scratch(qtbot) -> None:
    """After a resize and a sentence with other (longer) tokens, the pixels left in the window's
    backing store are the ones a full repaint draws: no stale labels, no ghost fragments."""
    view = show_view(qtbot, HeatmapView())
    view.set_state(make_translation_record(), None, Display())
    QtWidgets.QApplication.processEvents()
    view.resize(1000, 650)
    view.set_state(make_translation_record(LONG_SOURCE, LONG_TARGET), None, Display())
    for _ in range(10):
        QtWidgets.QApplication.processEvents()
    on_screen = view.windowHandle().screen().grabWindow(view.winId()).toImage()
    from_scratch = view.grab().toImage()
    assert on_screen.size() == from_scratch.size()
    difference = np.abs(
        image_pixels(on_screen)[..., :3].astype(int) - image_pixels(from_scratch)[..., :3]
    ).max(axis=-1)
    assert int((difference > 40).sum()) == 0
