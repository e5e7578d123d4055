"""A pyqtgraph axis labelled with tokens at integer positions 0..n-1.

pyqtgraph's own tick text cannot rotate, so this axis draws the labels itself: long tokens are
ellipsised; on a horizontal axis the labels turn vertical when two neighbours would overlap flat
(one long token among short ones may stay flat), and on either axis only every k-th label is
drawn when even vertical ones would overlap, k following the tokens' spacing on screen at each
paint, so zooming in (fewer tokens in view) brings every label back; emphasised tokens are bold in the highlight colour and the selected
token sits on a filled badge. It draws its line and tick marks itself too: pyqtgraph's tick
machinery (spacing, specs, a cached picture rebuilt whenever the range moves) cost about 1 ms per
axis for every new sentence, for one tick per token.

Each label is laid out and rasterised once per text, style and pixel ratio into a cached pixmap,
and a paint only blits them: laying out ~40 texts with ``drawText`` at every repaint was most of a
heatmap's paint time. The cache is kept across sentences (typing changes a few tokens at a time)
and emptied when the colours change or it grows past MAX_CACHED_LABELS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from app.views.style import LIGHT, Palette

MAX_LABEL_PX = 110  # longer tokens are cut with an ellipsis
LABEL_GAP_PX = 6  # between the axis line and the labels
ROOM_STEP_PX = 8  # the room reserved for the labels grows and shrinks in steps of this
MAX_CACHED_LABELS = 4096  # rendered label pixmaps kept per axis
PLAIN, MUTED, EMPHASISED, SELECTED = range(4)  # a label's drawing style


class PlacedLabel(NamedTuple):
    """A label as a paint placed it: its text, the font it was drawn in, its box in the axis'
    coordinates, and whether it was drawn rotated."""

    text: str
    font: QtGui.QFont
    box: QtCore.QRectF
    rotated: bool


class TokenAxis(pg.AxisItem):
    """Axis ``orientation`` ("left", "top" or "bottom") showing ``set_tokens(tokens)``."""

    def __init__(self, orientation: str) -> None:
        self._tokens: list[str] = []
        self._labels: list[str] = []  # set first: the base class resizes the axis while it starts
        self._half_widths: list[float] = []
        self._widest = 0
        self._widest_pair = 0.0  # the most room two neighbouring labels need, centre to centre
        self._across = 0.0  # how far a top axis' labels reach across it
        super().__init__(orientation)
        self.setStyle(showValues=False, tickLength=4)
        self.enableAutoSIPrefix(False)  # else every range change re-renders the title's HTML
        self._emphasised: set[int] = set()
        self._selected: int | None = None
        self._colors = LIGHT
        self._font = QtGui.QFont()
        self._font.setPointSizeF(9.0)
        self._bold = QtGui.QFont(self._font)
        self._bold.setBold(True)
        self.vertical_labels = False
        self.label_stride = 1
        self._pixmaps: dict[tuple[str, int, float], QtGui.QPixmap] = {}
        self.placed_labels: list[PlacedLabel] = []  # what the last paint drew, and where

    @property
    def tokens(self) -> list[str]:
        return list(self._tokens)

    def set_tokens(self, tokens: Sequence[str]) -> None:
        """Label positions 0..len(tokens)-1 (costly: unchanged tokens are skipped)."""
        if list(tokens) == self._tokens:
            return
        self._tokens = list(tokens)
        metrics = QtGui.QFontMetrics(self._bold)
        self._labels = [
            metrics.elidedText(token, QtCore.Qt.TextElideMode.ElideRight, MAX_LABEL_PX)
            for token in self._tokens
        ]
        widths = [metrics.horizontalAdvance(label) for label in self._labels]
        self._half_widths = [(width + 6) / 2 for width in widths]  # a flat label's extent
        self._widest = max(widths, default=0)
        pairs = [(a + b) / 2 for a, b in zip(widths, widths[1:], strict=False)]
        self._widest_pair = max(pairs, default=self._widest)
        self._fit()
        self.update()

    def set_title(self, title: str) -> None:
        """The axis title (e.g. "source (keys)"); unchanged titles cost nothing."""
        if title != self.labelText:
            self.setLabel(title)

    def set_emphasis(self, emphasised: Iterable[int] = (), selected: int | None = None) -> None:
        """Draw tokens ``emphasised`` bold in the highlight colour, ``selected`` on a badge."""
        self._emphasised = set(emphasised)
        self._selected = selected
        self.update()

    def set_colors(self, colors: Palette) -> None:
        self._colors = colors
        self._pixmaps.clear()
        pen = pg.mkPen(colors.grid)
        self.setPen(pen)
        self.setTextPen(pg.mkPen(colors.text))
        self.update()

    def label_text(self, index: int) -> str:
        """The (possibly ellipsised) text drawn for token ``index``."""
        return self._labels[index]

    def resizeEvent(self, event: QtGui.QResizeEvent | None = None) -> None:
        super().resizeEvent(event)
        self._fit()
        self._place_title()

    def _place_title(self) -> None:
        """Above a top axis' labels, the title sits just over the tallest of them (pyqtgraph
        pins it to the axis' top edge, leaving the rounding of the room as a gap under it)."""
        if self.orientation != "top" or self.label is None or not self._labels:
            return
        labels_top = self.size().height() - LABEL_GAP_PX - self._across
        margin = self.label.document().documentMargin()  # around the title's text, in its box
        title_y = labels_top - self.label.boundingRect().height() + margin
        self.label.setY(max(title_y, -margin))

    def linkedViewChanged(self, view: pg.ViewBox, newRange: Sequence[float] | None = None) -> None:
        super().linkedViewChanged(view, newRange)
        self._fit()

    def _cell_px(self) -> float:
        """Pixels between two consecutive token positions."""
        low, high = self.range
        span = abs(high - low) or 1.0
        length = self.size().height() if self.orientation == "left" else self.size().width()
        return length / span

    def _fit(self) -> None:
        """Choose label direction and stride, and reserve the room the labels need."""
        if not self._labels:
            return
        widest, line = self._widest, self._line_px()
        cell = self._cell_px()
        label_room = self.label.boundingRect().height() if self.label.isVisible() else 0.0
        if self.orientation == "left":
            self.vertical_labels = False
            self.label_stride = self._stride(cell)
            self._set_room(widest + LABEL_GAP_PX + 18 + label_room)
            return
        self.vertical_labels = self._widest_pair + 6 > cell  # flat ones would overlap
        self.label_stride = self._stride(cell)
        self._across = widest if self.vertical_labels else line
        self._set_room(self._across + LABEL_GAP_PX + 8 + label_room)
        self._place_title()

    def _along_px(self) -> float:
        """The room a label needs along the axis: a line's height when labels lie across it (the
        left axis, vertical labels), the widest neighbours' width when they lie along it."""
        if self.orientation == "left" or self.vertical_labels:
            return self._line_px()
        return self._widest_pair + 6

    def _line_px(self) -> float:
        """A label pixmap's height: the taller of its two fonts' lines (with a CJK fallback the
        regular font's line can be a pixel taller than the bold one's)."""
        return float(max(QtGui.QFontMetrics(f).height() for f in (self._font, self._bold)))

    def _stride(self, cell: float) -> int:
        """Draw every k-th label, k the fewest tokens whose ``cell`` pixels each hold one label."""
        return max(1, math.ceil(self._along_px() / max(cell, 1e-3)))

    def _set_room(self, pixels: float) -> None:
        """Reserve ``pixels`` (rounded up to ROOM_STEP_PX: a new sentence whose widest token is
        a little wider or narrower keeps the layout, which pyqtgraph would otherwise redo)."""
        pixels = int(math.ceil(pixels / ROOM_STEP_PX)) * ROOM_STEP_PX
        if self.orientation == "left":
            if self.fixedWidth != pixels:
                self.setWidth(pixels)
        elif self.fixedHeight != pixels:
            self.setHeight(pixels)

    def position_of(self, index: int) -> float:
        """Token ``index``'s coordinate along this axis, in the axis' own pixels."""
        view = self.linkedView()
        if view is None:
            return 0.0
        data = (
            QtCore.QPointF(0.0, index) if self.orientation == "left" else QtCore.QPointF(index, 0)
        )
        local = self.mapFromScene(view.mapViewToScene(data))
        return local.y() if self.orientation == "left" else local.x()

    def boundingRect(self) -> QtCore.QRectF:
        """The axis' own rectangle: what it paints never leaves it (pyqtgraph's widens it for tick
        text it does not draw here, and a label drawn outside the rectangle stays on screen as a
        ghost once the layout moves the axis: the scene repaints only the rectangles it knows)."""
        return QtCore.QRectF(QtCore.QPointF(0, 0), self.size())

    def paint(self, painter: QtGui.QPainter, option: object, widget: object) -> None:
        if self.linkedView() is None:
            return
        painter.setClipRect(self.boundingRect())
        self.placed_labels.clear()
        length = self.size().height() if self.orientation == "left" else self.size().width()
        positions = self._positions()
        self._draw_line_and_ticks(painter, [p for p in positions if -1 <= p <= length + 1])
        if len(positions) > 1:  # the spacing drawn now: the view may have zoomed since the fit
            self.label_stride = self._stride(abs(positions[1] - positions[0]))
        for index in self._shown_labels(positions, length):
            selected, emphasised = index == self._selected, index in self._emphasised
            self._draw_label(painter, self._labels[index], positions[index], selected, emphasised)

    def _shown_labels(self, positions: list[float], length: float) -> list[int]:
        """The labels to draw, in view: the selected one, then the emphasised ones, then every
        ``label_stride``-th, each skipped where it would overlap one already taken."""
        if self.orientation == "left" or self.vertical_labels:
            extent = [self._along_px() / 2] * len(positions)
        else:
            extent = self._half_widths
        first = [] if self._selected is None else [self._selected]
        candidates = (
            first + sorted(self._emphasised) + list(range(0, len(positions), self.label_stride))
        )
        taken: list[tuple[float, float]] = []
        shown: dict[int, None] = {}  # in drawing order
        for index in candidates:
            along = positions[index] if 0 <= index < len(positions) else -math.inf
            if index in shown or not -1 <= along <= length + 1:
                continue
            low, high = along - extent[index], along + extent[index]
            if all(high <= other_low or low >= other_high for other_low, other_high in taken):
                taken.append((low, high))
                shown[index] = None
        return list(shown)

    def _positions(self) -> list[float]:
        """Every token's coordinate: the view maps indices linearly, so two tokens place them
        all (mapping each of 512 tokens through the view took most of a pan's frame)."""
        if not self._labels:
            return []
        first = self.position_of(0)
        step = self.position_of(1) - first
        return [first + step * index for index in range(len(self._labels))]

    def _draw_line_and_ticks(self, painter: QtGui.QPainter, positions: list[float]) -> None:
        """The axis line along the map's edge and a short tick at each token."""
        size, tick = self.size(), float(self.style["tickLength"])
        painter.setPen(pg.mkPen(self._colors.grid))
        if self.orientation == "left":
            edge = size.width() - 0.5
            painter.drawLine(QtCore.QPointF(edge, 0), QtCore.QPointF(edge, size.height()))
            for along in positions:
                painter.drawLine(QtCore.QPointF(edge - tick, along), QtCore.QPointF(edge, along))
            return
        edge = size.height() - 0.5 if self.orientation == "top" else 0.5
        outward = -tick if self.orientation == "top" else tick
        painter.drawLine(QtCore.QPointF(0, edge), QtCore.QPointF(size.width(), edge))
        for along in positions:
            painter.drawLine(QtCore.QPointF(along, edge), QtCore.QPointF(along, edge + outward))

    def _draw_label(
        self, painter: QtGui.QPainter, label: str, along: float, selected: bool, emphasised: bool
    ) -> None:
        if selected:
            style = SELECTED
        elif emphasised:
            style = EMPHASISED
        else:
            style = MUTED if self._emphasised else PLAIN
        pixmap = self._label_pixmap(label, style, painter.device().devicePixelRatioF())
        label_size = pixmap.deviceIndependentSize()
        width, height = label_size.width(), label_size.height()
        size = self.size()
        painter.save()
        if self.orientation == "left":
            corner = QtCore.QPointF(size.width() - LABEL_GAP_PX - width, along - height / 2)
        elif self.vertical_labels:
            if self.orientation == "top":
                painter.translate(along, size.height() - LABEL_GAP_PX)
                corner = QtCore.QPointF(0, -height / 2)
            else:
                painter.translate(along, LABEL_GAP_PX)
                corner = QtCore.QPointF(-width, -height / 2)
            painter.rotate(-90)
        elif self.orientation == "top":
            corner = QtCore.QPointF(along - width / 2, size.height() - LABEL_GAP_PX - height)
        else:
            corner = QtCore.QPointF(along - width / 2, LABEL_GAP_PX)
        painter.drawPixmap(corner, pixmap)
        transform = painter.transform()
        box = transform.mapRect(QtCore.QRectF(corner, label_size))
        font = self._font if style in (PLAIN, MUTED) else self._bold
        self.placed_labels.append(PlacedLabel(label, font, box, transform.isRotating()))
        painter.restore()

    def _label_pixmap(self, label: str, style: int, ratio: float) -> QtGui.QPixmap:
        """``label`` drawn in ``style`` at device pixel ``ratio``, from the cache when it is there."""
        key = (label, style, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if len(self._pixmaps) >= MAX_CACHED_LABELS:
                self._pixmaps.clear()
            pixmap = self._pixmaps[key] = self._render_label(label, style, ratio)
        return pixmap

    def _render_label(self, label: str, style: int, ratio: float) -> QtGui.QPixmap:
        """A transparent pixmap of the label centred in its box (on a badge when selected)."""
        colors = self._colors
        font = self._font if style in (PLAIN, MUTED) else self._bold
        metrics = QtGui.QFontMetrics(font)
        width, height = metrics.horizontalAdvance(label) + 6, metrics.height()
        pixmap = QtGui.QPixmap(math.ceil(width * ratio), math.ceil(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(pixmap)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setFont(font)
        rect = QtCore.QRectF(0, 0, width, height)
        if style == SELECTED:
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(colors.highlight))
            painter.drawRoundedRect(rect, 3, 3)
        pen = {
            PLAIN: colors.text,
            MUTED: colors.muted,
            EMPHASISED: colors.highlight,
            SELECTED: colors.background,
        }[style]
        painter.setPen(QtGui.QColor(pen))
        painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        return pixmap
