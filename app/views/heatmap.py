"""The attention heatmap: one map (query tokens down, key tokens across), after pyqtgraph's
MatrixDisplayExample (row-major ImageItem centred on integer cells, inverted y, a ColorBarItem).

Hover shows query token, key token and weight; a click on a cell selects its query token, a click on
an axis label selects that token. The selected token's row (queries) or column (keys) is outlined
and the tokens it attends to / that attend to it are emphasised on the other axis. A selection's
span (text the user selected) keeps only its tokens' rows or columns, with a "filtered … · clear"
badge. Optional: gold alignment outlines with the AER of argmax attention, colour map, linear/log
scale, per-row or global normalisation, all from the ``Display`` the view is given.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import describe_map, side_name
from app.state.measures import attention_aer, gold_for, head_weights
from app.state.on_request import is_attribution
from app.state.selection import MEAN, find_map, shown_indices
from app.views.base import RecordView
from app.views.controls import DisplayBoxes, MapControls
from app.views.filter_badge import FilterBadge
from app.views.style import colormap, normalise, scale_values
from app.views.token_axis import TokenAxis
from core_models.record import AttentionMap

HOVER_HINT = QtCore.QT_TRANSLATE_NOOP(
    "HeatmapView", "hover a cell for its weight · click a cell or token to select it"
)  # translated where it is shown
EMPHASIS_SHARE = 0.5  # keys with at least half the row's top weight count as "attended to"
LEVEL_STEP = 0.05  # of the colour bar's top (a weight, or a decade on the log scale)


def colour_bar_levels(levels: tuple[float, float]) -> tuple[float, float]:
    """``levels`` with the top rounded up to a multiple of LEVEL_STEP: a new sentence whose
    strongest weight moved a little keeps the same colour bar (redrawing its axes costs ~2 ms)."""
    low, high = levels
    return low, math.ceil(round(high / LEVEL_STEP, 6)) * LEVEL_STEP


class HeatmapView(RecordView):
    """One attention map as a heatmap with token axes and a colour bar.

    sigTokenClicked(side, index): the user clicked a cell (its query token) or an axis token.
    sigMapChosen(kind, layer, head): the user picked another map in the controls.
    sigDisplayChosen(name, value): the user picked a display option (colour map, scale,
    normalisation, gold) in the boxes.
    sigFilterCleared(): the user clicked the filter badge's "clear".

    ``shown_weights`` is the (rows, columns) block drawn; ``shown_rows`` / ``shown_columns`` are
    the map's query / key indices of its rows / columns (all of them unless a span filters them).
    """

    sigTokenClicked = QtCore.Signal(str, int)
    sigMapChosen = QtCore.Signal(str, int, object)
    sigDisplayChosen = QtCore.Signal(str, object)
    sigFilterCleared = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._map: AttentionMap | None = None
        self.shown_weights = np.zeros((0, 0), dtype=np.float32)  # (rows, columns) before scaling
        self.shown_rows: list[int] = []
        self.shown_columns: list[int] = []
        self._full_weights = self.shown_weights  # the whole (queries, keys) map, for the AER
        self._colormap_drawn: tuple[str, str] | None = None  # (colour map, theme) of the bar

        self.controls = MapControls()
        self.controls.sigMapChosen.connect(self.sigMapChosen)
        self.display_boxes = DisplayBoxes(self)
        self.display_boxes.sigDisplayChosen.connect(self.sigDisplayChosen)
        self.title = QtWidgets.QLabel()
        self.filter_badge = FilterBadge()
        self.filter_badge.sigCleared.connect(self.sigFilterCleared)
        self.hover_label = QtWidgets.QLabel(self.tr(HOVER_HINT))
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMouseTracking(True)

        self.query_axis, self.key_axis = TokenAxis("left"), TokenAxis("top")
        self.plot = self.graphics.addPlot(axisItems={"left": self.query_axis, "top": self.key_axis})
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        self.plot.invertY(True)
        self.plot.setDefaultPadding(0.0)
        self.plot.setMouseEnabled(False, False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(
            values=(0, 1),
            interactive=False,
            colorMapMenu=False,
            width=14,
            label=self.tr("attention weight"),
        )
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        for name in ("left", "right", "top", "bottom"):
            self.colorbar.getAxis(name).enableAutoSIPrefix(False)
        self._show_colormap()
        self.gold_outline = self._outline_item(z=10)
        self.selection_outline = self._outline_item(z=20)

        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_hover)
        scene.sigMouseClicked.connect(self._on_click)
        self._lay_out()
        self._apply_theme()

    def _lay_out(self) -> None:
        choices = QtWidgets.QHBoxLayout()  # which map: kind, layer, head; the filter; gold on/off
        choices.addWidget(self.controls, 1)
        choices.addWidget(self.filter_badge)
        choices.addSpacing(12)
        choices.addWidget(self.display_boxes.gold_box)
        display = QtWidgets.QHBoxLayout()  # how to colour the map
        for widget in self.display_boxes.captioned:
            display.addWidget(widget)
        display.addWidget(self.display_boxes.special_box)
        display.addWidget(self.display_boxes.renormalise_box)
        display.addStretch(1)
        for label in (self.title, self.hover_label):  # long texts are cut, never widen the view
            label.setSizePolicy(
                QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
            )
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(choices)
        layout.addLayout(display)
        layout.addWidget(self.title)  # a row of its own: beside the boxes it was cut at 1280 px
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hover_label)

    def _outline_item(self, z: float) -> QtWidgets.QGraphicsPathItem:
        item = QtWidgets.QGraphicsPathItem()
        item.setZValue(z)
        self.plot.addItem(item)
        return item

    # --- the API the Session drives -------------------------------------------------------------

    def _show(self) -> None:
        """Show ``selection``'s map of ``record`` (the first map when no selection is given)."""
        self.controls.set_state(self._record, self._selection)
        self.display_boxes.show_display(self._display)
        self._show_colormap()
        self._redraw()

    def _show_colormap(self) -> None:
        """The colour bar (and so the image) in the display's colour map, in this palette."""
        drawn = (self._display.colormap, self.theme)
        if self._colormap_drawn != drawn:
            self._colormap_drawn = drawn
            self.colorbar.setColorMap(colormap(self._display.colormap, self.colors))

    def set_display_controls_visible(self, visible: bool) -> None:
        """Show or hide the colour map, scale and normalisation boxes (hidden where another
        control sets them, e.g. side by side in "compare")."""
        for widget in self.display_boxes.captioned:
            widget.setVisible(visible)

    # --- drawing --------------------------------------------------------------------------------

    def _apply_theme(self) -> None:
        colors = self.colors
        self.graphics.setBackground(colors.background)
        for axis in (self.query_axis, self.key_axis):
            axis.set_colors(colors)
            axis.label.setDefaultTextColor(QtGui.QColor(colors.text))
        for name in ("left", "right", "top", "bottom"):
            bar_axis = self.colorbar.getAxis(name)
            bar_axis.setPen(pg.mkPen(colors.grid))
            bar_axis.setTextPen(pg.mkPen(colors.text))
        self.selection_outline.setPen(self._pen(colors.highlight, 3.0))
        self.gold_outline.setPen(self._pen(colors.gold, 2.0, QtCore.Qt.PenStyle.DashLine))

    @staticmethod
    def _pen(
        color: str, width: float, style: QtCore.Qt.PenStyle = QtCore.Qt.PenStyle.SolidLine
    ) -> QtGui.QPen:
        pen = pg.mkPen(color, width=width, style=style)
        pen.setCosmetic(True)
        pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
        return pen

    def _redraw(self) -> None:
        attention_map = find_map(self._record, self._selection)
        if attention_map is None or (
            self._selection.head != MEAN and self._selection.head >= attention_map.heads
        ):
            self._show_nothing()
            return
        rows, columns = shown_indices(attention_map, self._selection.span)
        query_tokens = [attention_map.query_tokens[i] for i in rows]
        key_tokens = [attention_map.key_tokens[i] for i in columns]
        if query_tokens != self.query_axis.tokens or key_tokens != self.key_axis.tokens:
            self.query_axis.set_tokens(query_tokens)
            self.key_axis.set_tokens(key_tokens)
        query_side, key_side = attention_map.sides
        self.query_axis.set_title(self.tr("{side} (queries)").format(side=side_name(query_side)))
        self.key_axis.set_title(self.tr("{side} (keys)").format(side=side_name(key_side)))
        full = head_weights(attention_map.weights, self._selection.head)
        filtered = (len(rows), len(columns)) != full.shape
        raw = full[np.ix_(rows, columns)] if filtered else full
        display = self._display
        scaled, levels = scale_values(normalise(raw, display.normalisation), display.scale)
        self.image.setImage(scaled, autoLevels=False)
        if self.shown_weights.shape != raw.shape or self._map is None:
            queries, keys = raw.shape
            self.image.setRect(QtCore.QRectF(-0.5, -0.5, keys, queries))  # cell (r, c) at (c, r)
            self.plot.setRange(xRange=(-0.5, keys - 0.5), yRange=(-0.5, queries - 0.5), padding=0)
            # now, not when painting: a transform set while painting asks for a second paint
            self.plot.vb.updateMatrix()
        self._show_colour_bar_label(attention_map.kind, len(rows))
        levels = colour_bar_levels(levels)
        if self.colorbar.levels() != levels:
            self.colorbar.setLevels(levels)
        if self.colorbar.axis.logMode != (display.scale == "log"):
            self.colorbar.axis.setLogMode(display.scale == "log")
        self._map, self.shown_weights, self._full_weights = attention_map, raw, full
        self.shown_rows, self.shown_columns = rows, columns
        self._show_filter()
        self._draw_selected_token()
        aer = self._draw_gold()
        self.title.setText(
            describe_map(self._selection.kind, self._selection.layer, self._selection.head)
            + (f"   ·   {aer}" if aer else "")
        )

    def _show_colour_bar_label(self, kind: str, rows: int) -> None:
        """ "attention weight", or for a gradient attribution map "attribution (row-normalised)"
        (one row, the NLI label's: "attribution", which fits the short bar)."""
        if not is_attribution(kind):
            label = self.tr("attention weight")
        elif rows == 1:
            label = self.tr("attribution")
        else:
            label = self.tr("attribution (row-normalised)")
        axis = self.colorbar.getAxis("left")  # where ColorBarItem puts a vertical bar's label
        if axis.labelText != label:
            axis.setLabel(label)

    def _show_filter(self) -> None:
        """The badge of the selection's span: the tokens it keeps on this map."""
        span, (query_side, key_side) = self._selection.span, self._map.sides
        if span is not None and span.side == query_side:
            kept = self.query_axis.tokens
        elif span is not None and span.side == key_side:
            kept = self.key_axis.tokens
        else:
            kept = []
        self.filter_badge.show_span(span, kept, span is not None and span.side in self._map.sides)

    def _show_nothing(self) -> None:
        self._map, self.shown_weights = None, np.zeros((0, 0), dtype=np.float32)
        self._full_weights, self.shown_rows, self.shown_columns = self.shown_weights, [], []
        self.image.clear()
        self.query_axis.set_tokens([])
        self.key_axis.set_tokens([])
        self.selection_outline.setPath(QtGui.QPainterPath())
        self.gold_outline.setPath(QtGui.QPainterPath())
        self.display_boxes.gold_box.setEnabled(False)
        self.filter_badge.show_span(None, [], False)
        if self._selection is None:
            self.title.setText(self.tr("no attention record"))
        else:
            self.title.setText(
                self.tr("this record has no {map} map").format(
                    map=describe_map(
                        self._selection.kind, self._selection.layer, self._selection.head
                    )
                )
            )

    def selected_cells(self) -> tuple[list[int], list[int]]:
        """(outlined rows, outlined columns) of the selected token, as positions in the block
        drawn (its map index when nothing is filtered); both empty when none."""
        token = self._selection.token if self._selection is not None else None
        if token is None or self._map is None:
            return [], []
        query_side, key_side = self._map.sides
        rows = self.shown_rows if token.side == query_side else []
        columns = self.shown_columns if token.side == key_side else []
        return (
            [rows.index(token.index)] if token.index in rows else [],
            [columns.index(token.index)] if token.index in columns else [],
        )

    def _draw_selected_token(self) -> None:
        rows, columns = self.selected_cells()
        queries, keys = self.shown_weights.shape
        path = QtGui.QPainterPath()
        key_emphasis: list[int] = []
        query_emphasis: list[int] = []
        for row in rows:
            path.addRect(QtCore.QRectF(-0.5, row - 0.5, keys, 1))
            weights = self.shown_weights[row]
            key_emphasis = np.flatnonzero(weights >= EMPHASIS_SHARE * weights.max()).tolist()
        for column in columns:
            path.addRect(QtCore.QRectF(column - 0.5, -0.5, 1, queries))
            weights = self.shown_weights[:, column]
            query_emphasis = np.flatnonzero(
                (weights >= EMPHASIS_SHARE * self.shown_weights.max(axis=1)) & (weights > 0)
            ).tolist()
        self.selection_outline.setPath(path)
        self.query_axis.set_emphasis(query_emphasis, rows[0] if rows else None)
        self.key_axis.set_emphasis(key_emphasis, columns[0] if columns else None)

    def _draw_gold(self) -> str:
        """Outline the gold cells on show; returns the AER of the whole map ("" when there is no
        gold alignment)."""
        path = QtGui.QPainterPath()
        known = gold_for(self._record, self._map)
        # greyed out where there is nothing to show
        self.display_boxes.gold_box.setEnabled(known is not None)
        gold = known if self._display.gold else None
        text = ""
        if gold is not None and gold.shape != self._full_weights.shape:
            words, tokens = gold.shape, self._full_weights.shape
            text = self.tr(
                "gold alignment is {rows}×{columns} words, this map {map_rows}×{map_columns} tokens"
            ).format(rows=words[0], columns=words[1], map_rows=tokens[0], map_columns=tokens[1])
        elif gold is not None:
            shown = gold[np.ix_(self.shown_rows, self.shown_columns)]
            for row, column in zip(*np.nonzero(shown), strict=True):
                path.addRect(QtCore.QRectF(column - 0.5, row - 0.5, 1, 1))
            aer = attention_aer(self._full_weights, gold)
            text = self.tr("AER {aer} (argmax vs gold, dashed)").format(aer=f"{aer:.2f}")
        self.gold_outline.setPath(path)
        return text

    # --- mouse ----------------------------------------------------------------------------------

    def cell_at(self, scene_pos: QtCore.QPointF) -> tuple[int, int] | None:
        """(row, column) position, in the block drawn, of the cell under ``scene_pos``, or None
        outside the map."""
        if self._map is None or not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.plot.vb.mapSceneToView(scene_pos)
        row, column = int(np.floor(point.y() + 0.5)), int(np.floor(point.x() + 0.5))
        queries, keys = self.shown_weights.shape
        return (row, column) if 0 <= row < queries and 0 <= column < keys else None

    def _axis_token_at(self, scene_pos: QtCore.QPointF) -> tuple[str, int, str] | None:
        """(side, map index, token) of the axis label under ``scene_pos``, or None."""
        if self._map is None:
            return None
        query_side, key_side = self._map.sides
        point = self.plot.vb.mapSceneToView(scene_pos)
        if self.query_axis.sceneBoundingRect().contains(scene_pos):
            position, side, indices = int(np.floor(point.y() + 0.5)), query_side, self.shown_rows
            tokens = self._map.query_tokens
        elif self.key_axis.sceneBoundingRect().contains(scene_pos):
            position, side, indices = int(np.floor(point.x() + 0.5)), key_side, self.shown_columns
            tokens = self._map.key_tokens
        else:
            return None
        if not 0 <= position < len(indices):
            return None
        return side, indices[position], tokens[indices[position]]

    def _on_click(self, event: object) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.sigTokenClicked.emit(self._map.sides[0], self.shown_rows[cell[0]])
            return
        token = self._axis_token_at(event.scenePos())
        if token is not None:
            self.sigTokenClicked.emit(token[0], token[1])

    def _on_hover(self, scene_pos: QtCore.QPointF) -> None:
        text = self.describe_point(scene_pos)
        self.hover_label.setText(text or self.tr(HOVER_HINT))
        self.graphics.setToolTip(text)

    def describe_point(self, scene_pos: QtCore.QPointF) -> str:
        """What is under ``scene_pos``: "target '▁chat' (1) → source '▁cat' (2): 0.734" on a cell
        (the tokens' indices in the map), the token on an axis label, "" elsewhere."""
        cell = self.cell_at(scene_pos)
        if cell is not None:
            row, column = cell
            query, key = self.shown_rows[row], self.shown_columns[column]
            query_side, key_side = self._map.sides
            return (
                f"{query_side} '{self._map.query_tokens[query]}' ({query}) → {key_side} "
                f"'{self._map.key_tokens[key]}' ({key}): {self.shown_weights[row, column]:.3f}"
            )
        token = self._axis_token_at(scene_pos)
        if token is None:
            return ""
        side, index, text = token
        return self.tr("{side} '{token}' ({index}): click to select").format(
            side=side_name(side), token=text, index=index
        )
