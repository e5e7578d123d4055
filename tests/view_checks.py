"""Helpers of the view tests: show a view offscreen at a realistic size, give it a new state as the
Session does, check exported files."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

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


def assert_readable_png(path: Path, min_size: tuple[int, int] = (200, 100)) -> QtGui.QImage:
    """The PNG loads, is at least ``min_size`` and is not one flat colour."""
    image = QtGui.QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    assert image.width() >= min_size[0] and image.height() >= min_size[1], image.size()
    pixels = image_pixels(image)[..., :3].reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 8, "the exported image is (nearly) one colour"
    return image


def assert_svg_draws(path: Path) -> ElementTree.Element:
    """The SVG parses as XML and draws something (paths, text or images)."""
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg"), root.tag
    drawn = [
        e
        for e in root.iter()
        if e.tag.split("}")[-1] in ("path", "text", "image", "rect", "polyline")
    ]
    assert len(drawn) > 5, f"{path} draws almost nothing ({len(drawn)} elements)"
    return root
