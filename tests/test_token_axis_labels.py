"""The token axis draws its labels from cached pixmaps: what it paints follows the tokens, the
selection and the theme, and a repaint of unchanged labels lays none of them out again."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from record_factory import make_translation_record
from view_checks import image_pixels, show_view

from app.state.display import Display
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
