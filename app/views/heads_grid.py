"""The heads grid ("model view"): every layer × head of one kind of attention as small multiples,
with the mean row entropy (bits) under each (shortened, then left to the tooltip, when the tiles
are too narrow for it); a click opens that head, a Ctrl-click switches it off. Heads that are off
are greyed and crossed out, and a line under the grid shows how the output changed: each token's
probability change, or the token it replaced.

Painted directly with QPainter (one scaled QImage per head, labels on the grid's edges only):
redrawing 48 heads costs a few milliseconds, where 48 pyqtgraph plots with tick labels cost
hundreds (the prototype's measurement; `python3 -m bench.bench_views` times this grid).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import kind_name
from app.state.explain import TokenChange
from app.state.measures import mean_row_entropy
from app.state.selection import MEAN
from app.views.base import PaintedView, RecordView
from app.views.style import lookup_table, scale_values, to_rgba
from core_models.record import AttentionRecord

GAP_PX = 10
MARGIN_PX = 8
MAX_TILE_PX = 320  # a thumbnail's longer side at most (the heatmap shows a head in full)


@dataclass
class Thumbnail:
    """One head's picture: RGBA pixels (queries, keys, 4), their QImage, the head's entropy."""

    layer: int
    head: int
    pixels: np.ndarray
    image: QtGui.QImage
    entropy_bits: float
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
        for thumbnail in self._thumbnails:
            if thumbnail.rect.contains(pos):
                return thumbnail
        return None

    # --- building and layout --------------------------------------------------------------------

    def _build(self) -> None:
        """Colour every head of the selected kind (skipped when record, kind and colours are
        unchanged: a new selected head or token only repaints)."""
        record, selection, display = self._record, self._selection, self._display
        key = (selection.kind if selection else None, display.colormap, display.scale, self.theme)
        if record is self._built_record and key == self._built_key:
            return
        self._built_record, self._built_key = record, key
        self._thumbnails, self._layers, self._heads = [], [], 0
        if record is None or selection is None:
            return
        table = lookup_table(display.colormap, self.colors)
        self._layers = record.layers(selection.kind)
        for layer in self._layers:
            weights = record.get(selection.kind, layer).weights  # (heads, queries, keys)
            self._heads = max(self._heads, weights.shape[0])
            for head, head_map in enumerate(weights):
                values, levels = scale_values(head_map, display.scale)
                pixels = to_rgba(values, levels, table)
                rows, columns = pixels.shape[:2]
                # converted once here (a copy), so painting is a plain blit
                image = QtGui.QImage(
                    pixels.data, columns, rows, columns * 4, QtGui.QImage.Format.Format_RGBA8888
                ).convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied)
                self._thumbnails.append(
                    Thumbnail(layer, head, pixels, image, mean_row_entropy(head_map))
                )

    def _text_height(self) -> int:
        return QtGui.QFontMetrics(self._font).height()

    def _layout(self) -> None:
        """Place the thumbnails: equal tiles keeping the map's aspect, centred in the widget."""
        if not self._thumbnails:
            return
        metrics = QtGui.QFontMetrics(self._font)
        line = metrics.height()
        left = MARGIN_PX + metrics.horizontalAdvance(f"L{max(self._layers)}") + 8
        top = MARGIN_PX + 2 * line + 6  # title, then the head labels
        rows, columns = self._thumbnails[0].pixels.shape[:2]
        layer_count = len(self._layers)
        room_w = (self.width() - left - MARGIN_PX - (self._heads - 1) * GAP_PX) / self._heads
        bottom = MARGIN_PX + (line + 4 if self.changes else 0)  # the output's changes
        room_h = (
            self.height() - top - bottom - layer_count * (line + 2) - (layer_count - 1) * GAP_PX
        ) / layer_count
        largest = MAX_TILE_PX / max(rows, columns)  # one head is a thumbnail, not a poster
        scale = max(min(room_w / columns, room_h / rows, largest), 0.5)
        tile_w, tile_h = columns * scale, rows * scale
        self.entropy_format = next(
            (
                f
                for f in self.entropy_formats()
                if metrics.horizontalAdvance(f.format(8.88)) < tile_w + 4
            ),
            "",
        )
        grid_w = self._heads * tile_w + (self._heads - 1) * GAP_PX
        x0 = left + max(0.0, (self.width() - left - MARGIN_PX - grid_w) / 2)
        for thumbnail in self._thumbnails:
            row = self._layers.index(thumbnail.layer)
            x = x0 + thumbnail.head * (tile_w + GAP_PX)
            y = top + row * (tile_h + line + 2 + GAP_PX)
            thumbnail.rect = QtCore.QRectF(x, y, tile_w, tile_h)

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
        selected = self._selected_tiles()
        for thumbnail in self._thumbnails:
            self._paint_thumbnail(painter, thumbnail, (thumbnail.layer, thumbnail.head) in selected)
        if self.changes:
            self._paint_changes(painter)

    def _paint_thumbnail(
        self, painter: QtGui.QPainter, thumbnail: Thumbnail, selected: bool
    ) -> None:
        """One head's map, its border, its entropy below; "L…" / "H…" on the grid's edges."""
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
        painter.drawRect(rect)
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
        if thumbnail.layer == self._layers[0]:
            above = QtCore.QRectF(rect.left(), rect.top() - line - 3, rect.width(), line)
            painter.drawText(above, align.AlignHCenter | align.AlignBottom, f"H{thumbnail.head}")

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
                    uniform=f"{np.log2(hovered.pixels.shape[1]):.2f}",
                )
            )
            self.update()

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
