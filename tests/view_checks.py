"""Helpers of the view tests: show a view offscreen at a realistic size, give it a new state as the
Session does, read its pixels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6 import QtGui, QtWidgets

SIZE = (900, 600)


def show_view(qtbot, view: QtWidgets.QWidget, size: tuple[int, int] = SIZE) -> QtWidgets.QWidget:
    """Register ``view`` with qtbot, give it a realistic size, show it and let it lay out."""
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    QtWidgets.QApplication.processEvents()
    return view


def restate(view, selection=None, record=None, **display_changes) -> None:
    """``view.set_state`` as the Session calls it after one change: a new selection, record or
    display option (e.g. ``scale="log"``); the rest as the view last drew it."""
    view.set_state(
        view.record if record is None else record,
        view.selection if selection is None else selection,
        replace(view.display, **display_changes),
    )


def image_pixels(image: QtGui.QImage) -> np.ndarray:
    """(height, width, 4) uint8 RGBA copy of a QImage."""
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return pixels.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width()].copy()


def color_share(image: QtGui.QImage, color: str, tolerance: int = 24) -> float:
    """The share of pixels within ``tolerance`` of ``color`` ("#rrggbb")."""
    qcolor = QtGui.QColor(color)
    target = np.array([qcolor.red(), qcolor.green(), qcolor.blue()])
    distance = np.abs(image_pixels(image)[..., :3].astype(int) - target).max(axis=-1)
    return float((distance <= tolerance).mean())


def painted_axis(qtbot, tokens: list[str], width: int):
    """A bottom token axis of a ``width``-pixel plot, labelled with ``tokens`` and painted once
    into an image: its ``placed_labels`` say what it drew."""
    import pyqtgraph as pg
    from PySide6 import QtCore

    from app.views.token_axis import TokenAxis

    axis = TokenAxis("bottom")
    plot = pg.PlotWidget(axisItems={"bottom": axis})
    qtbot.addWidget(plot)
    plot.resize(width, 300)
    plot.show()
    qtbot.waitExposed(plot)
    axis.set_tokens(tokens)
    plot.setXRange(-0.5, len(tokens) - 0.5, padding=0)
    QtCore.QCoreApplication.processEvents()
    image = QtGui.QImage(axis.size().toSize(), QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    axis.paint(painter, None, None)
    painter.end()
    return axis
