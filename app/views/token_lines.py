"""Token lines (the "head view" of BertViz, Vig 2019): query tokens in the left column, key tokens in
the right, one line per (query, key) whose opacity is the attention weight, for one head or the
mean of heads. With a token selected (or hovered) only its lines are drawn and the tokens at their
other ends are shaded by weight. In self-attention both columns list the same tokens: a selected
token then shows its own (outgoing, query-side) lines. A selection's span (text the user selected)
keeps only its tokens in their column, with a "filtered … · clear" badge.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import describe_map, side_name
from app.state.measures import head_weights
from app.state.selection import MEAN, TokenRef, find_map, shown_indices
from app.views.base import PaintedView, RecordView
from app.views.filter_badge import FilterBadge
from core_models.record import AttentionMap

MAX_TOKEN_PX = 150
ROW_PX = (14.0, 72.0)  # the row height's range: a short sentence fills a tall panel
MIN_ALPHA = 0.05  # lines fainter than this are not drawn (invisible, and costly to draw)


class TokenLinesView(PaintedView, RecordView):
    """Two columns of tokens joined by attention lines.

    sigTokenClicked(side, index): the user clicked a token of either column.
    sigFilterCleared(): the user clicked the filter badge's "clear".

    Rows and columns of ``shown_weights`` are the drawn tokens, map indices ``query_indices`` and
    ``key_indices`` (all of them unless a span filters them); ``focus``, ``visible_lines`` and
    ``token_rect`` count positions among the drawn tokens.
    """

    sigTokenClicked = QtCore.Signal(str, int)
    sigFilterCleared = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._map: AttentionMap | None = None
        self.shown_weights = np.zeros((0, 0), dtype=np.float32)
        self.query_indices: list[int] = []
        self.key_indices: list[int] = []
        self._hovered: TokenRef | None = None
        self._query_rects: list[QtCore.QRectF] = []
        self._key_rects: list[QtCore.QRectF] = []
        self._font = QtGui.QFont()  # the tokens', sized to the rows
        self._title_font = QtGui.QFont()
        self.setMouseTracking(True)
        self.setMinimumSize(260, 160)
        self.filter_badge = FilterBadge()
        self.filter_badge.sigCleared.connect(self.sigFilterCleared)
        badge_row = QtWidgets.QHBoxLayout(self)  # the badge sits top right, over the painting
        badge_row.setContentsMargins(8, 4, 8, 4)
        badge_row.addStretch(1)
        badge_row.addWidget(self.filter_badge, 0, QtCore.Qt.AlignmentFlag.AlignTop)

    # --- the API the Session drives -------------------------------------------------------------

    def _show(self) -> None:
        record, selection = self._record, self._selection
        self._map = find_map(record, selection)
        if self._map is not None and (selection.head == MEAN or selection.head < self._map.heads):
            rows, columns = shown_indices(self._map, selection.span)
            weights = head_weights(self._map.weights, selection.head)
            if (len(rows), len(columns)) != weights.shape:
                weights = weights[np.ix_(rows, columns)]
            self.shown_weights, self.query_indices, self.key_indices = weights, rows, columns
        else:
            self._map, self.shown_weights = None, np.zeros((0, 0), dtype=np.float32)
            self.query_indices, self.key_indices = [], []
        self._show_filter()
        self._layout()
        self.update()

    def _show_filter(self) -> None:
        span = self._selection.span if self._map is not None else None
        query_side, key_side = self._map.sides if self._map is not None else ("", "")
        if span is not None and span.side == query_side:
            kept = [self._map.query_tokens[i] for i in self.query_indices]
        elif span is not None and span.side == key_side:
            kept = [self._map.key_tokens[i] for i in self.key_indices]
        else:
            kept = []
        applies = span is not None and span.side in (query_side, key_side)
        self.filter_badge.show_span(span, kept, applies)

    def query_tokens(self) -> list[str]:
        """The tokens of the left column, as drawn."""
        return [self._map.query_tokens[i] for i in self.query_indices] if self._map else []

    def key_tokens(self) -> list[str]:
        """The tokens of the right column, as drawn."""
        return [self._map.key_tokens[i] for i in self.key_indices] if self._map else []

    def focus(self) -> tuple[str, int] | None:
        """("query" | "key", position) of the token whose lines alone are drawn, or None for all."""
        if self._map is None:
            return None
        query_side, key_side = self._map.sides
        for token in (self._hovered, self._selection.token):
            if token is None:
                continue
            if token.side == query_side and token.index in self.query_indices:
                return "query", self.query_indices.index(token.index)
            if token.side == key_side and token.index in self.key_indices:
                return "key", self.key_indices.index(token.index)
        return None

    def visible_lines(self) -> list[tuple[int, int, float]]:
        """(query position, key position, weight) of every line drawn."""
        focus = self.focus()
        weights = self.shown_weights
        if focus is None:
            rows, columns = np.nonzero(weights >= MIN_ALPHA)
        elif focus[0] == "query":
            columns = np.flatnonzero(weights[focus[1]] >= MIN_ALPHA)
            rows = np.full_like(columns, focus[1])
        else:
            rows = np.flatnonzero(weights[:, focus[1]] >= MIN_ALPHA)
            columns = np.full_like(rows, focus[1])
        return [(int(r), int(c), float(weights[r, c])) for r, c in zip(rows, columns, strict=True)]

    def token_rect(self, side: str, index: int) -> QtCore.QRectF:
        """Where the token at ``index`` (its position) of the query ("query") or key ("key")
        column is drawn."""
        return (self._query_rects if side == "query" else self._key_rects)[index]

    # --- layout and painting --------------------------------------------------------------------

    def _layout(self) -> None:
        self._query_rects, self._key_rects = [], []
        if self._map is None:
            return
        queries, keys = self.shown_weights.shape
        rows = max(queries, keys, 1)
        row = float(np.clip((self.height() - 60) / rows, *ROW_PX))
        top = max(52.0, (self.height() - rows * row) / 2)  # centred below the title and headers
        self._font.setPointSizeF(
            11.0 if row >= 40 else 10.0 if row >= 26 else 9.0 if row >= 18 else 7.5
        )
        metrics = QtGui.QFontMetrics(self._font)
        widest = max(metrics.horizontalAdvance(t) for t in self.query_tokens() + self.key_tokens())
        width = min(widest, MAX_TOKEN_PX) + 12
        span = min(self.width() * 0.6, 960.0)  # the lines' length: most of the panel, not a third
        left_x = (self.width() - span) / 2 - width
        right_x = (self.width() + span) / 2
        for count, rects, x in (
            (queries, self._query_rects, left_x),
            (keys, self._key_rects, right_x),
        ):
            y0 = top + (max(queries, keys) - count) * row / 2
            rects.extend(QtCore.QRectF(x, y0 + i * row, width, row - 2) for i in range(count))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    def _paint(self, painter: QtGui.QPainter) -> None:
        colors = self.colors
        painter.fillRect(self.rect(), QtGui.QColor(colors.background))
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._font)
        if self._map is None:
            painter.setPen(QtGui.QColor(colors.muted))
            message = (
                self.tr("no attention record")
                if self._selection is None
                else self.tr("this record has no {map} map").format(
                    map=describe_map(
                        self._selection.kind, self._selection.layer, self._selection.head
                    )
                )
            )
            painter.drawText(self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter, message)
            return
        query_side, key_side = self._map.sides
        painter.setFont(self._title_font)  # the title and headers keep the UI's size
        line = QtGui.QFontMetrics(self._title_font).height()
        painter.setPen(QtGui.QColor(colors.text))
        painter.drawText(
            QtCore.QRectF(8, 6, self.width() - 16, line),
            QtCore.Qt.AlignmentFlag.AlignLeft,
            describe_map(self._selection.kind, self._selection.layer, self._selection.head)
            + self.tr(" · opacity = weight · click a token to follow it"),
        )
        painter.setPen(QtGui.QColor(colors.muted))
        align = QtCore.Qt.AlignmentFlag
        for rects, caption, flag in (
            (
                self._query_rects,
                self.tr("{side} (queries)").format(side=side_name(query_side)),
                align.AlignRight,
            ),
            (
                self._key_rects,
                self.tr("{side} (keys)").format(side=side_name(key_side)),
                align.AlignLeft,
            ),
        ):
            if rects:
                first = rects[0]
                x = first.right() - 6 - 240 if flag == align.AlignRight else first.left() + 6
                header = QtCore.QRectF(x, first.top() - line - 6, 240, line)
                painter.drawText(header, flag | align.AlignVCenter, caption)
        painter.setFont(self._font)
        self._paint_lines(painter)
        self._paint_tokens(painter)

    def _paint_lines(self, painter: QtGui.QPainter) -> None:
        focused = self.focus() is not None
        color = QtGui.QColor(self.colors.highlight if focused else self.colors.accent)
        for query, key, weight in self.visible_lines():
            color.setAlphaF(min(1.0, weight))
            pen = QtGui.QPen(color, 2.0 if focused else 1.3)
            painter.setPen(pen)
            start = self._query_rects[query]
            end = self._key_rects[key]
            painter.drawLine(
                QtCore.QPointF(start.right() + 4, start.center().y()),
                QtCore.QPointF(end.left() - 4, end.center().y()),
            )

    def _paint_tokens(self, painter: QtGui.QPainter) -> None:
        colors = self.colors
        focus = self.focus()
        shade = {}
        if focus is not None and focus[0] == "query":
            shade = {("key", k): w for _, k, w in self.visible_lines()}
        elif focus is not None:
            shade = {("query", q): w for q, _, w in self.visible_lines()}
        metrics = QtGui.QFontMetrics(self._font)
        align = QtCore.Qt.AlignmentFlag
        for column, rects, tokens, flag in (
            ("query", self._query_rects, self.query_tokens(), align.AlignRight),
            ("key", self._key_rects, self.key_tokens(), align.AlignLeft),
        ):
            for index, (rect, token) in enumerate(zip(rects, tokens, strict=True)):
                painter.setPen(QtCore.Qt.PenStyle.NoPen)
                if focus == (column, index):
                    painter.setBrush(QtGui.QColor(colors.highlight))
                    painter.drawRoundedRect(rect, 3, 3)
                    painter.setPen(QtGui.QColor(colors.background))
                else:
                    weight = shade.get((column, index), 0.0)
                    if weight > 0:
                        fill = QtGui.QColor(colors.highlight)
                        fill.setAlphaF(min(1.0, 0.08 + 0.92 * weight))
                        painter.setBrush(fill)
                        painter.drawRoundedRect(rect, 3, 3)
                    painter.setPen(
                        QtGui.QColor(colors.muted if focus and weight == 0 else colors.text)
                    )
                text = metrics.elidedText(token, QtCore.Qt.TextElideMode.ElideRight, MAX_TOKEN_PX)
                painter.drawText(rect.adjusted(6, 0, -6, 0), flag | align.AlignVCenter, text)

    # --- mouse ----------------------------------------------------------------------------------

    def token_at(self, pos: QtCore.QPointF) -> TokenRef | None:
        """The token under widget position ``pos``, named by its side, or None."""
        if self._map is None:
            return None
        query_side, key_side = self._map.sides
        for side, rects, indices in (
            (query_side, self._query_rects, self.query_indices),
            (key_side, self._key_rects, self.key_indices),
        ):
            for position, rect in enumerate(rects):
                if rect.contains(pos):
                    return TokenRef(side, indices[position])
        return None

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        hovered = self.token_at(event.position())
        if hovered != self._hovered:
            self._hovered = hovered
            self.update()

    def leaveEvent(self, event: QtCore.QEvent) -> None:
        self._hovered = None
        self.update()

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        token = self.token_at(event.position())
        if event.button() == QtCore.Qt.MouseButton.LeftButton and token is not None:
            self.sigTokenClicked.emit(token.side, token.index)
