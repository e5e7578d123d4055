"""The beam-search tree: one column per decoding step, one box per hypothesis (its token and
cumulative log-probability), edges to the hypothesis it extends. The returned hypothesis' path is
drawn bold, finished hypotheses (EOS) in green, branches the beam dropped faded.

The tree itself is plain data in ``app.state.beam_tree``; ``set_tree`` hands it over and the next
``set_state`` draws it (with the selection's step shaded), so a new result is drawn once. After an
attention edit (what-if) the edited run's tree (``set_edited_tree``) is drawn below the original,
under a line saying what was edited.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from app.state.beam_tree import BeamTree
from app.views.base import RecordView

NODE_H = 36.0
ROW_GAP = 12.0
COLUMN_GAP = 44.0
MARGIN = 16.0
MAX_TOKEN_PX = 110
MAX_ZOOM = 1.6
OFFERED_BEAM = 4  # the width the empty view's button asks for
NO_TREE = QtCore.QT_TRANSLATE_NOOP(
    "BeamTreeView", "no beam search to show (decode with a beam size above 1)"
)  # translated where it is shown


class _BeamCanvas(QtWidgets.QGraphicsView):
    """The scrollable scene; reports clicks on nodes."""

    sigNodeClicked = QtCore.Signal(int, int)

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and item.data(0) is None:
            item = item.parentItem()
        if item is not None and event.button() == QtCore.Qt.MouseButton.LeftButton:
            step, index = item.data(0)
            self.sigNodeClicked.emit(step, index)
            return
        super().mousePressEvent(event)


class BeamTreeView(RecordView):
    """The beam's hypotheses per step as a tree.

    sigNodeClicked(step, index): the user clicked hypothesis ``index`` of ``step``.
    sigBeamWanted(width): the user asked for a beam search of ``width`` (the button offered while
    there is no tree and a beam search would make one).
    """

    sigNodeClicked = QtCore.Signal(int, int)
    sigBeamWanted = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._tree: BeamTree = []
        self._empty_message = NO_TREE
        self._offer_beam = False
        self._selected_node: tuple[int, int] | None = None
        self._edited_tree: BeamTree = []
        self._edited_what = ""
        self.node_rects: dict[tuple[int, int], QtCore.QRectF] = {}  # scene coordinates
        self.edited_rects: dict[tuple[int, int], QtCore.QRectF] = {}  # the edited run's nodes
        self.scene = QtWidgets.QGraphicsScene(self)
        self.canvas = _BeamCanvas(self.scene)
        self.canvas.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        self.canvas.setAlignment(
            QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop
        )
        self.canvas.setDragMode(QtWidgets.QGraphicsView.DragMode.ScrollHandDrag)
        self.canvas.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.canvas.sigNodeClicked.connect(self.sigNodeClicked)
        self.title = QtWidgets.QLabel()
        self.title.setWordWrap(True)
        self.search_button = QtWidgets.QPushButton(
            self.tr("Search with a beam of {width}").format(width=OFFERED_BEAM)
        )
        self.search_button.clicked.connect(lambda: self.sigBeamWanted.emit(OFFERED_BEAM))
        self._header = header = QtWidgets.QHBoxLayout()
        header.addStretch(0)
        header.addWidget(self.title, 1)
        header.addWidget(self.search_button)
        header.addStretch(0)
        self._layout = layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addStretch(0)
        layout.addLayout(header)
        layout.addWidget(self.canvas, 1)
        layout.addStretch(0)
        self._font = QtGui.QFont()
        self._font.setPointSizeF(9.0)
        self._small = QtGui.QFont(self._font)
        self._small.setPointSizeF(7.5)
        self._redraw()

    # --- the API the Session drives -------------------------------------------------------------

    def set_tree(
        self,
        tree: BeamTree,
        selected_node: tuple[int, int] | None = None,
        empty_message: str = NO_TREE,
        offer_beam: bool = False,
    ) -> None:
        """The tree to draw at the next ``set_state`` (``tree[step][index]``), with node
        ``selected_node`` (step, index) outlined. An empty tree shows ``empty_message`` and, with
        ``offer_beam``, the button that asks for a beam search."""
        self._tree = [list(nodes) for nodes in tree]
        self._selected_node = selected_node
        self._empty_message, self._offer_beam = empty_message, offer_beam

    def set_edited_tree(self, tree: BeamTree, what: str) -> None:
        """The edited run's tree ([]: no edit, or a greedy edited run) and what was edited,
        drawn at the next ``set_state`` below the tree."""
        self._edited_tree, self._edited_what = [list(nodes) for nodes in tree], what

    def _show(self) -> None:
        """Draw the tree, the column of the selection's step shaded."""
        self._redraw()

    def node_center(self, step: int, index: int) -> QtCore.QPoint:
        """Where node (step, index) is drawn, in the canvas viewport's pixels."""
        return self.canvas.mapFromScene(self.node_rects[(step, index)].center())

    # --- drawing --------------------------------------------------------------------------------

    @staticmethod
    def _alive(tree: BeamTree, step: int, index: int) -> bool:
        """Whether the beam kept extending this hypothesis (or it finished, or is the last)."""
        node = tree[step][index]
        if node.finished or step == len(tree) - 1:
            return True
        return any(child.parent == index for child in tree[step + 1])

    def _redraw(self) -> None:
        colors = self.colors
        self.scene.clear()
        self.node_rects, self.edited_rects = {}, {}
        self.scene.setBackgroundBrush(QtGui.QColor(colors.background))
        self.search_button.setVisible(self._offer_beam and not any(self._tree))
        self._arrange(empty=not any(self._tree))
        if not any(self._tree):
            self.title.setText(self.tr(self._empty_message))  # NO_TREE, or a translated one
            return
        self.title.setText(
            self.tr(
                "beam search · {steps} steps · each box: token and log-probability · "
                "bold: the returned hypothesis · green: finished · dashed: dropped by the beam"
            ).format(steps=len(self._tree))
        )
        metrics = QtGui.QFontMetrics(self._font)
        trees = [self._tree, self._edited_tree]
        width = max(metrics.horizontalAdvance(n.token[:16]) for t in trees for s in t for n in s)
        node_w = min(max(width, 44), MAX_TOKEN_PX) + 16
        bottom = self._draw_tree(self._tree, MARGIN, node_w, self.node_rects, shade=True)
        if any(self._edited_tree):
            label = self.scene.addSimpleText(self.tr("what if {0}").format(self._edited_what))
            label.setFont(self._font)
            label.setBrush(QtGui.QColor(colors.highlight))
            label.setPos(MARGIN, bottom + ROW_GAP)
            top = bottom + 2 * ROW_GAP + metrics.height()
            self._draw_tree(self._edited_tree, top, node_w, self.edited_rects, shade=False)
        self.scene.setSceneRect(
            self.scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        )
        self._fit()

    def _draw_tree(
        self,
        tree: BeamTree,
        top: float,
        node_w: float,
        rects: dict[tuple[int, int], QtCore.QRectF],
        shade: bool,
    ) -> float:
        """Draw ``tree`` from ``top`` (its nodes' rectangles into ``rects``; ``shade``: the
        selection's step shaded, its nodes clickable); returns where it ends."""
        colors = self.colors
        metrics = QtGui.QFontMetrics(self._font)
        root = QtCore.QRectF(MARGIN, top, metrics.horizontalAdvance("<s>") + 16, NODE_H)
        self._add_box(root, "<s>", "", colors.panel, colors.grid, 1.0, colors.text)
        x_of = [
            MARGIN + root.width() + COLUMN_GAP + step * (node_w + COLUMN_GAP)
            for step in range(len(tree))
        ]
        rows = max(len(nodes) for nodes in tree)
        step = self._selection.step if self._selection is not None else None
        if shade and step is not None and 0 <= step < len(tree):
            band = QtCore.QRectF(
                x_of[step] - 8, top - 8, node_w + 16, rows * (NODE_H + ROW_GAP) + 4
            )
            self.scene.addRect(
                band, QtGui.QPen(QtCore.Qt.PenStyle.NoPen), QtGui.QColor(colors.panel)
            ).setZValue(-2)
        for step, nodes in enumerate(tree):
            for index, node in enumerate(nodes):
                rect = QtCore.QRectF(x_of[step], top + index * (NODE_H + ROW_GAP), node_w, NODE_H)
                rects[(step, index)] = rect
                parent = root if node.parent is None else rects.get((step - 1, node.parent))
                self._add_node(tree, step, index, rect, parent).setData(
                    0, (step, index) if shade else None
                )
        return top + rows * (NODE_H + ROW_GAP)

    def _arrange(self, empty: bool) -> None:
        """Without a tree, the explanation and its button sit in the middle of the view (no
        blank canvas); with one, they are the header above it."""
        self.canvas.setVisible(not empty)
        for index in (0, 3):
            self._layout.setStretch(index, int(empty))
            self._header.setStretch(index, int(empty))
        self._header.setStretch(1, int(not empty))
        self.title.setWordWrap(not empty)  # one line in the middle; the header wraps
        self.title.setAlignment(
            QtCore.Qt.AlignmentFlag.AlignCenter if empty else QtCore.Qt.AlignmentFlag.AlignLeft
        )

    def _add_node(
        self,
        tree: BeamTree,
        step: int,
        index: int,
        rect: QtCore.QRectF,
        parent: QtCore.QRectF | None,
    ) -> QtWidgets.QGraphicsPathItem:
        """Box of hypothesis (step, index) of ``tree`` and the edge from its parent's box."""
        colors = self.colors
        node = tree[step][index]
        alive = self._alive(tree, step, index)
        if parent is not None:
            self._add_edge(parent, rect, node.on_best_path, alive)
        selected = tree is self._tree and (step, index) == self._selected_node
        if selected:
            border = colors.highlight
        elif node.finished:
            border = colors.good
        else:
            border = colors.accent if node.on_best_path else colors.grid
        pen_width = 3.0 if selected or node.on_best_path else 1.0
        text = colors.text if alive else colors.muted
        box = self._add_box(
            rect, node.token, f"{node.score:.2f}", colors.panel, border, pen_width, text
        )
        finished = self.tr(" (finished)") if node.finished else ""
        box.setToolTip(
            self.tr("step {step}, hypothesis {index}: '{token}', log p = {score}").format(
                step=step + 1, index=index, token=node.token, score=f"{node.score:.3f}"
            )
            + finished
        )
        return box

    def _fit(self) -> None:
        """Enlarge a small tree to fill the view (up to MAX_ZOOM); a large one scrolls instead."""
        rect = self.scene.sceneRect()
        if rect.isEmpty():
            return
        viewport = self.canvas.viewport().size()
        zoom = min(viewport.width() / rect.width(), viewport.height() / rect.height(), MAX_ZOOM)
        self.canvas.setTransform(QtGui.QTransform.fromScale(max(zoom, 1.0), max(zoom, 1.0)))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _add_box(
        self,
        rect: QtCore.QRectF,
        token: str,
        score: str,
        fill: str,
        border: str,
        pen_width: float,
        text: str,
    ) -> QtWidgets.QGraphicsPathItem:
        path = QtGui.QPainterPath()
        path.addRoundedRect(rect, 5, 5)
        box = self.scene.addPath(
            path, QtGui.QPen(QtGui.QColor(border), pen_width), QtGui.QColor(fill)
        )
        metrics = QtGui.QFontMetrics(self._font)
        label = QtWidgets.QGraphicsSimpleTextItem(
            metrics.elidedText(token, QtCore.Qt.TextElideMode.ElideRight, MAX_TOKEN_PX), box
        )
        label.setFont(self._font)
        label.setBrush(QtGui.QColor(text))
        label.setPos(
            rect.center().x() - label.boundingRect().width() / 2,
            rect.top() + (3 if score else (NODE_H - label.boundingRect().height()) / 2),
        )
        if score:
            value = QtWidgets.QGraphicsSimpleTextItem(score, box)
            value.setFont(self._small)
            value.setBrush(QtGui.QColor(self.colors.muted))
            value.setPos(
                rect.center().x() - value.boundingRect().width() / 2,
                rect.bottom() - value.boundingRect().height() - 2,
            )
        return box

    def _add_edge(
        self, parent: QtCore.QRectF, child: QtCore.QRectF, best: bool, alive: bool
    ) -> None:
        start = QtCore.QPointF(parent.right(), parent.center().y())
        end = QtCore.QPointF(child.left(), child.center().y())
        bend = (end.x() - start.x()) / 2
        path = QtGui.QPainterPath(start)
        path.cubicTo(start + QtCore.QPointF(bend, 0), end - QtCore.QPointF(bend, 0), end)
        color = QtGui.QColor(
            self.colors.accent if best else self.colors.grid if alive else self.colors.muted
        )
        if not alive:
            color.setAlphaF(0.5)
        pen = QtGui.QPen(color, 3.0 if best else 1.2)
        if not alive:
            pen.setStyle(QtCore.Qt.PenStyle.DashLine)
        self.scene.addPath(path, pen).setZValue(-1)
