"""The heads grid ("model view"): every layer × head of one kind of attention as small multiples,
with the mean row entropy (bits) under each (shortened, then left to the tooltip, when the tiles
are too narrow for it); a click opens that head, a Ctrl-click switches it off. Heads that are off
are greyed and crossed out, and a line under the grid shows how the output changed: each token's
probability change, or the token it replaced.

Painted directly with QPainter (one QImage per head, labels on the grid's edges only):
redrawing 48 heads costs a few milliseconds, where 48 pyqtgraph plots with tick labels cost
hundreds (the prototype's measurement; `python3 -m bench.bench_views` times this grid).

Tiles fill the width they are given (between MIN_TILE_PX and MAX_TILE_PX); when the layers do not
fit the height at MIN_TILE_PX, the grid scrolls vertically under a fixed title and head row. A map
with more tokens than its tile has pixels (a 512-token map in a 40-px tile) is drawn from block
maxima, so a thin pattern (a diagonal, a column on the first token) stays visible; each head's
image is made once per record, colours and tile size, so a repaint is a plain blit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import kind_name
from app.state.explain import TokenChange
from app.state.measures import mean_row_entropy
from app.state.selection import MEAN
from app.views.base import PaintedView, RecordView
from app.views.style import lookup_table
from app.views.thumbnails import head_images
from core_models.record import AttentionRecord

GAP_PX = 10
MARGIN_PX = 8
MAX_TILE_PX = 320  # a thumbnail's longer side at most (the heatmap shows a head in full)
MIN_TILE_PX = 32  # and at least, when the width allows: below, the grid scrolls instead


@dataclass
class Thumbnail:
    """One head: its map (queries, keys) and entropy; the RGBA pixels drawn (the map, or its
    block maxima when the tile is smaller) and their QImage, made by the layout for the tile's
    size."""

    layer: int
    head: int
    weights: np.ndarray
    entropy_bits: float
    pixels: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 4), np.uint8))
    image: QtGui.QImage = field(default_factory=QtGui.QImage)
    rect: QtCore.QRectF = field(default_factory=QtCore.QRectF)  # placed by the layout


class HeadsGridView(PaintedView, RecordView):
    """Thumbnails of every layer × head of the selected kind.

    sigHeadChosen(layer, head): the user clicked a thumbnail.
    sigHeadToggled(kind, layer, head): the user Ctrl-clicked one: switch that head off (or on).
    """

    sigHeadChosen = QtCore.Signal(int, int)
    sigHeadToggled = QtCore.Signal(str, int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbnails: list[Thumbnail] = []
        self._layers: list[int] = []
        self._heads = 0
        self._built_record: AttentionRecord | None = None
        self._built_key: tuple[object, ...] | None = None
        self._hovered: Thumbnail | None = None
        self.heads_off: frozenset[tuple[str, int, int]] = frozenset()
        self.changes: list[TokenChange] = []
        self.entropy_format = self.entropy_formats()[
            0
        ]  # shortened or "" when the tiles are too narrow
        self._font = QtGui.QFont()
        self._font.setPointSizeF(8.5)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 160)
        self._table = lookup_table("viridis")
        self._grid_area = QtCore.QRectF()  # where tiles show: under the head row, over the changes
        self.scrollbar = QtWidgets.QScrollBar(QtCore.Qt.Orientation.Vertical, self)
        self.scrollbar.hide()
        self.scrollbar.valueChanged.connect(self._scrolled)

    # --- the API the Session drives -------------------------------------------------------------

    @property
    def thumbnails(self) -> list[Thumbnail]:
        return list(self._thumbnails)

    def _show(self) -> None:
        """Show every head of ``selection.kind`` in ``record``, outlining the selected one."""
        self._build()
        self._layout()
        self.update()

    def set_extras(
        self, heads_off: frozenset[tuple[str, int, int]], changes: list[TokenChange]
    ) -> None:
        """The heads switched off (kind, layer, head) and the output's changes since the last
        switch, drawn at the next ``set_state``."""
        self.heads_off, self.changes = heads_off, list(changes)

    def entropy_formats(self) -> tuple[str, ...]:
        """The entropy label's formats, longest first: the first that fits under a tile is used."""
        return (self.tr("{:.2f} bits"), "{:.2f}", "{:.1f}")

    def is_off(self, thumbnail: Thumbnail) -> bool:
        kind = self._selection.kind if self._selection is not None else None
        return (kind, thumbnail.layer, thumbnail.head) in self.heads_off

    def thumbnail_at(self, pos: QtCore.QPointF) -> Thumbnail | None:
        """The thumbnail under widget position ``pos``, or None."""
        if not self._grid_area.contains(pos):
            return None  # over the title, the head row or the changes: tiles scrolled under them
        for thumbnail in self._thumbnails:
            if thumbnail.rect.contains(pos):
                return thumbnail
        return None

    def scroll_to(self, thumbnail: Thumbnail) -> None:
        """Scroll the grid so that ``thumbnail`` shows whole (when it does not already)."""
        area, rect = self._grid_area, thumbnail.rect
        if rect.top() < area.top():
            self.scrollbar.setValue(self.scrollbar.value() - round(area.top() - rect.top()))
        elif rect.bottom() + self._text_height() > area.bottom():
            below = rect.bottom() + self._text_height() + 2 - area.bottom()
            self.scrollbar.setValue(self.scrollbar.value() + math.ceil(below))

    # --- building and layout --------------------------------------------------------------------

    def _build(self) -> None:
        """Take every head of the selected kind (skipped when record, kind and colours are
        unchanged: a new selected head or token only repaints); the layout colours them."""
        record, selection, display = self._record, self._selection, self._display
        key = (selection.kind if selection else None, display.colormap, display.scale, self.theme)
        if record is self._built_record and key == self._built_key:
            return
        self._built_record, self._built_key = record, key
        self._thumbnails, self._layers, self._heads = [], [], 0
        if record is None or selection is None:
            return
        self._table = lookup_table(display.colormap, self.colors)
        self._layers = record.layers(selection.kind)
        for layer in self._layers:
            weights = record.get(selection.kind, layer).weights  # (heads, queries, keys)
            self._heads = max(self._heads, weights.shape[0])
            for head, head_map in enumerate(weights):
                entropy = mean_row_entropy(head_map)
                self._thumbnails.append(Thumbnail(layer, head, head_map, entropy))

    def _colour(self, tile_h: float, tile_w: float) -> None:
        """Give each thumbnail the image its ``tile_h`` × ``tile_w`` tile shows: the map, or its
        block maxima when the tile has fewer (device) pixels than the map has tokens; kept while
        that size is unchanged."""
        ratio = self.devicePixelRatioF()
        rows, columns = self._thumbnails[0].weights.shape
        cells = (min(rows, math.ceil(tile_h * ratio)), min(columns, math.ceil(tile_w * ratio)))
        if self._thumbnails[0].pixels.shape[:2] == cells:
            return
        for layer in self._layers:
            heads = [t for t in self._thumbnails if t.layer == layer]
            weights = self._record.get(self._selection.kind, layer).weights
            images = head_images(weights, cells, self._display.scale, self._table)
            for thumbnail, (pixels, image) in zip(heads, images, strict=True):
                thumbnail.pixels, thumbnail.image = pixels, image

    def _text_height(self) -> int:
        return QtGui.QFontMetrics(self._font).height()

    def _tile_scale(self, width: float, height: float) -> tuple[float, bool]:
        """Pixels per token of a tile in a ``width`` × ``height`` widget, and whether the layers
        overflow the height at that size (the grid then scrolls): as large as the room allows,
        at most MAX_TILE_PX, at least MIN_TILE_PX unless the width is narrower than that."""
        line = self._text_height()
        rows, columns = self._thumbnails[0].weights.shape
        layer_count = len(self._layers)
        room_w = (width - self._left() - MARGIN_PX - (self._heads - 1) * GAP_PX) / self._heads
        room_h = (
            height - self._header() - self._footer() - (layer_count - 1) * GAP_PX
        ) / layer_count - (line + 2)
        longer = max(rows, columns)
        scale = min(room_w / columns, room_h / rows, MAX_TILE_PX / longer)
        if scale * longer < MIN_TILE_PX:
            scale = min(MIN_TILE_PX / longer, room_w / columns)
        return scale, scale * rows > room_h + 0.5

    def _left(self) -> float:
        """Where the tiles may start: right of the "L…" labels."""
        metrics = QtGui.QFontMetrics(self._font)
        return MARGIN_PX + metrics.horizontalAdvance(f"L{max(self._layers)}") + 8

    def _header(self) -> float:
        return MARGIN_PX + 2 * self._text_height() + 6  # title, then the head labels

    def _footer(self) -> float:
        return MARGIN_PX + (self._text_height() + 4 if self.changes else 0)  # the changes

    def _layout(self) -> None:
        """Place the thumbnails: equal tiles keeping the map's aspect, centred in the width, the
        layers scrolled by the scroll bar when they overflow the height."""
        if not self._thumbnails:
            self.scrollbar.hide()
            return
        width, height = float(self.width()), float(self.height())
        scale, overflows = self._tile_scale(width, height)
        if overflows:
            width -= self.scrollbar.sizeHint().width()
            scale, overflows = self._tile_scale(width, height)
        rows, columns = self._thumbnails[0].weights.shape
        tile_w, tile_h = columns * scale, rows * scale
        metrics, line = QtGui.QFontMetrics(self._font), self._text_height()
        self.entropy_format = next(
            (
                f
                for f in self.entropy_formats()
                if metrics.horizontalAdvance(f.format(8.88)) < tile_w + 4
            ),
            "",
        )
        header, footer = self._header(), self._footer()
        self._grid_area = QtCore.QRectF(0, header, width, height - header - footer)
        pitch = tile_h + line + 2 + GAP_PX
        self._set_scrollbar(overflows, len(self._layers) * pitch - GAP_PX, pitch)
        offset = self.scrollbar.value() if overflows else 0
        left = self._left()
        grid_w = self._heads * tile_w + (self._heads - 1) * GAP_PX
        x0 = left + max(0.0, (width - left - MARGIN_PX - grid_w) / 2)
        self._colour(tile_h, tile_w)
        for thumbnail in self._thumbnails:
            row = self._layers.index(thumbnail.layer)
            x = x0 + thumbnail.head * (tile_w + GAP_PX)
            y = header + row * pitch - offset
            thumbnail.rect = QtCore.QRectF(x, y, tile_w, tile_h)

    def _set_scrollbar(self, shown: bool, content: float, pitch: float) -> None:
        """Show the scroll bar along the right edge when the layers (``content`` pixels high, one
        every ``pitch``) overflow the grid's area; its value is the pixels scrolled."""
        self.scrollbar.setVisible(shown)
        if not shown:
            return
        room = self._grid_area.height()
        bar_w = self.scrollbar.sizeHint().width()
        self.scrollbar.setGeometry(self.width() - bar_w, 0, bar_w, self.height())
        with QtCore.QSignalBlocker(self.scrollbar):
            self.scrollbar.setRange(0, max(0, math.ceil(content - room)))
            self.scrollbar.setPageStep(max(1, int(room)))
            self.scrollbar.setSingleStep(max(1, int(pitch / 2)))

    def _scrolled(self) -> None:
        self._layout()
        self.update()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    # --- painting -------------------------------------------------------------------------------

    def _selected_tiles(self) -> set[tuple[int, int]]:
        selection = self._selection
        if selection is None:
            return set()
        if selection.head == MEAN:
            return {(selection.layer, head) for head in range(self._heads)}
        return {(selection.layer, selection.head)}

    def _paint(self, painter: QtGui.QPainter) -> None:
        colors = self.colors
        painter.fillRect(self.rect(), QtGui.QColor(colors.background))
        painter.setFont(self._font)
        line = self._text_height()
        if not self._thumbnails:
            painter.setPen(QtGui.QColor(colors.muted))
            message = (
                self.tr("no attention record")
                if self._selection is None
                else self.tr("this record has no {kind} maps").format(
                    kind=kind_name(self._selection.kind)
                )
            )
            painter.drawText(self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter, message)
            return
        painter.setPen(QtGui.QColor(colors.text))
        title = self.tr(
            "{kind} · {layers} layers × {heads} heads · mean row entropy (bits) under each · "
            "click a head to open it, Ctrl-click to switch it off"
        ).format(kind=kind_name(self._selection.kind), layers=len(self._layers), heads=self._heads)
        painter.drawText(
            QtCore.QRectF(MARGIN_PX, MARGIN_PX, self.width() - 2 * MARGIN_PX, line),
            QtCore.Qt.AlignmentFlag.AlignLeft,
            title,
        )
        self._paint_head_labels(painter)
        selected = self._selected_tiles()
        painter.save()
        painter.setClipRect(self._grid_area)
        below = self._text_height() + 2  # the entropy label
        for thumbnail in self._thumbnails:
            rect = thumbnail.rect
            if rect.bottom() + below >= self._grid_area.top() and rect.top() <= self.height():
                chosen = (thumbnail.layer, thumbnail.head) in selected
                self._paint_thumbnail(painter, thumbnail, chosen)
        painter.restore()
        if self.changes:
            self._paint_changes(painter)

    def _paint_thumbnail(
        self, painter: QtGui.QPainter, thumbnail: Thumbnail, selected: bool
    ) -> None:
        """One head's map, its border, its entropy below; "L…" left of the first head."""
        colors = self.colors
        align = QtCore.Qt.AlignmentFlag
        line = self._text_height()
        rect = thumbnail.rect
        painter.drawImage(rect, thumbnail.image)
        if selected:
            border = colors.highlight
        else:
            border = colors.accent if thumbnail is self._hovered else colors.grid
        pen = QtGui.QPen(QtGui.QColor(border), 3.0 if selected else 1.0)
        pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        half = pen.widthF() / 2  # outside the image: a 1-px first column stays in sight
        painter.drawRect(rect.adjusted(-half, -half, half, half))
        if self.is_off(thumbnail):
            self._paint_off(painter, rect)
        painter.setPen(QtGui.QColor(colors.highlight if selected else colors.muted))
        below = QtCore.QRectF(
            rect.left() - GAP_PX / 2, rect.bottom() + 2, rect.width() + GAP_PX, line
        )
        label = self.tr("off") if self.is_off(thumbnail) else ""
        label = label or self.entropy_format.format(thumbnail.entropy_bits)
        painter.drawText(below, align.AlignHCenter | align.AlignTop, label)
        painter.setPen(QtGui.QColor(colors.text))
        if thumbnail.head == 0:
            left = QtCore.QRectF(0, rect.top(), rect.left() - 6, rect.height())
            painter.drawText(left, align.AlignRight | align.AlignVCenter, f"L{thumbnail.layer}")

    def _paint_head_labels(self, painter: QtGui.QPainter) -> None:
        """ "H…" over each column, in the fixed row under the title (the layers scroll below it)."""
        line = self._text_height()
        painter.setPen(QtGui.QColor(self.colors.text))
        for thumbnail in self._thumbnails:
            if thumbnail.layer == self._layers[0]:
                rect = thumbnail.rect
                above = QtCore.QRectF(
                    rect.left(), self._grid_area.top() - line - 3, rect.width(), line
                )
                painter.drawText(
                    above,
                    QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignBottom,
                    f"H{thumbnail.head}",
                )

    def _paint_off(self, painter: QtGui.QPainter, rect: QtCore.QRectF) -> None:
        """A head that is off: greyed over, crossed out."""
        grey = QtGui.QColor(self.colors.background)
        grey.setAlphaF(0.7)
        painter.fillRect(rect, grey)
        painter.setPen(QtGui.QPen(QtGui.QColor(self.colors.muted), 2.0))
        painter.drawLine(rect.topLeft(), rect.bottomRight())
        painter.drawLine(rect.topRight(), rect.bottomLeft())

    def _paint_changes(self, painter: QtGui.QPainter) -> None:
        """The output after the last switch, token by token: the same token with its probability
        change, or a new token (highlighted) with the one it replaced."""
        metrics = QtGui.QFontMetrics(self._font)
        y = self.height() - MARGIN_PX - metrics.height()
        x = float(MARGIN_PX)
        painter.setPen(QtGui.QColor(self.colors.text))
        intro = self.tr("output now (probability change):")
        painter.drawText(QtCore.QPointF(x, y + metrics.ascent()), intro)
        x += metrics.horizontalAdvance(intro) + 8
        for change in self.changes:
            if change.changed:
                was = change.before if change.before is not None else "–"
                text = self.tr("{token} (was {before})").format(token=change.token, before=was)
                color = self.colors.highlight
            else:
                text = f"{change.token} {100 * change.delta:+.1f}%"
                color = self.colors.text if abs(change.delta) >= 0.005 else self.colors.muted
            painter.setPen(QtGui.QColor(color))
            painter.drawText(QtCore.QPointF(x, y + metrics.ascent()), text)
            x += metrics.horizontalAdvance(text) + 10

    # --- mouse ----------------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        hovered = self.thumbnail_at(event.position())
        if hovered is not self._hovered:
            self._hovered = hovered
            self.setToolTip(
                ""
                if hovered is None
                else self.tr("layer {layer}, head {head}: {bits} bits (uniform: {uniform})").format(
                    layer=hovered.layer,
                    head=hovered.head,
                    bits=f"{hovered.entropy_bits:.2f}",
                    uniform=f"{np.log2(hovered.weights.shape[1]):.2f}",
                )
            )
            self.update()

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        """The wheel scrolls the layers when they overflow."""
        if self.scrollbar.isVisible():
            QtCore.QCoreApplication.sendEvent(self.scrollbar, event)
        else:
            event.ignore()

    def leaveEvent(self, event: QtCore.QEvent) -> None:
        self._hovered = None
        self.update()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        thumbnail = self.thumbnail_at(event.position())
        if event.button() != QtCore.Qt.MouseButton.LeftButton or thumbnail is None:
            return
        if event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:
            self.sigHeadToggled.emit(self._selection.kind, thumbnail.layer, thumbnail.head)
        else:
            self.sigHeadChosen.emit(thumbnail.layer, thumbnail.head)
