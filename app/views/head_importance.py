"""Head importance and pruning (Michel et al. 2019) of the model on show: on request ("Compute",
over the first N examples of its task), a layers × heads grid per kind of attention, each cell
coloured by the head's importance (normalised per layer, as the pruning uses it) with its score
and the metric lost when it alone is masked, and the greedy pruning plot: the metric against
heads kept, with the full model's metric and the 1-point loss line. The study runs off the GUI
thread (``app.state.head_study``); this view draws what it reports.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.state.head_study import HeadStudy, HeadStudyResult
from app.views.base import AttentionView
from app.views.style import lookup_table

CELL_GAP = 3
MARGIN = 8


class ImportanceGrid(QtWidgets.QWidget):
    """The layers × heads grid of each kind: cell colour = importance / the layer's L2 norm."""

    def __init__(self, view: HeadImportanceView) -> None:
        super().__init__(view)
        self.view = view
        self.result: HeadStudyResult | None = None
        self.cells: dict[tuple[str, int, int], QtCore.QRectF] = {}  # placed at each paint
        self.setMinimumHeight(96)  # with the plot's, under an NLI model's panel in 800 px

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        try:
            self.paint(painter, self.size())
        finally:
            painter.end()

    def paint(self, painter: QtGui.QPainter, size: QtCore.QSize) -> None:
        colors = self.view.colors
        painter.fillRect(QtCore.QRect(QtCore.QPoint(0, 0), size), QtGui.QColor(colors.background))
        self.cells = {}
        if self.result is None:
            return
        kinds = list(dict.fromkeys(row.kind for row in self.result.heads))
        line = painter.fontMetrics().height()
        width = (size.width() - MARGIN * (len(kinds) + 1)) / len(kinds)
        table = lookup_table("viridis", colors)
        for index, kind in enumerate(kinds):
            rows = [row for row in self.result.heads if row.kind == kind]
            layers = sorted({row.layer for row in rows})
            heads = max(row.head for row in rows) + 1
            left = MARGIN + index * (width + MARGIN)
            painter.setPen(QtGui.QColor(colors.text))
            painter.drawText(QtCore.QPointF(left, MARGIN + line), kind.replace("_", " "))
            top = MARGIN + line * 1.5
            cell_w = (width - line * 1.5) / heads - CELL_GAP
            cell_h = min((size.height() - top - MARGIN) / len(layers) - CELL_GAP, cell_w)
            for row in rows:
                rect = QtCore.QRectF(
                    left + line * 1.5 + row.head * (cell_w + CELL_GAP),
                    top + layers.index(row.layer) * (cell_h + CELL_GAP),
                    cell_w,
                    cell_h,
                )
                self.cells[(row.kind, row.layer, row.head)] = rect
                layer = np.array([r.importance for r in rows if r.layer == row.layer])
                norm = float(np.linalg.norm(layer)) or 1.0
                shade = table[min(int(row.importance / norm * 255), 255)][:3].astype(int)
                painter.fillRect(rect, QtGui.QColor(*shade))
                painter.setPen(QtGui.QColor("#ffffff" if shade.mean() < 128 else "#000000"))
                text = f"{row.importance:.3g}\n{0.0 - row.metric_drop:+.2f}"
                painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, text)
            painter.setPen(QtGui.QColor(colors.text))
            for layer in layers:
                y = top + layers.index(layer) * (cell_h + CELL_GAP) + cell_h / 2
                painter.drawText(QtCore.QPointF(left, y + line / 3), f"L{layer}")


class HeadImportanceView(AttentionView):
    """Compute button, progress, the importance grid and the pruning plot of one HeadStudy."""

    def __init__(self, study: HeadStudy, parent: QtWidgets.QWidget | None = None) -> None:
        """Controls, grid and plot, laid out and connected (widget construction)."""
        super().__init__(parent)
        self.study = study
        self.size_box = QtWidgets.QSpinBox()
        self.size_box.setRange(1, 1000)
        self.size_box.setValue(20)
        self.size_box.setSuffix(self.tr(" examples"))
        self.run_button = QtWidgets.QPushButton(self.tr("Compute head importance and pruning"))
        self.run_button.clicked.connect(lambda: self.study.run(self.size_box.value()))
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()  # an empty bar until the first run
        self.intro = self.tr(
            "Each head's importance (Michel et al. 2019) and the metric lost when it alone is "
            "masked; then the heads pruned greedily, least important first."
        )
        self.status = QtWidgets.QLabel(self.intro)
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(480)  # a wrapped line asks for the height of its narrowest
        self.grid = ImportanceGrid(self)
        self.plot = pg.PlotWidget()
        self.plot.setMouseEnabled(False, False)
        self.plot.getPlotItem().hideButtons()
        self.plot.setLabel("bottom", self.tr("heads kept"))
        self.curve_item = self.plot.plot([], [], symbol="o", symbolSize=6)
        self.baseline_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(style=QtCore.Qt.PenStyle.DashLine)
        )
        self.floor_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(style=QtCore.Qt.PenStyle.DotLine))
        for line in (self.baseline_line, self.floor_line):
            self.plot.addItem(line)
        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.size_box)
        controls.addWidget(self.run_button)
        controls.addWidget(self.progress)
        controls.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        splitter.addWidget(self.grid)
        splitter.addWidget(self.plot)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.plot.setMinimumHeight(120)
        layout.addWidget(splitter, 1)
        study.sigProgress.connect(self._on_progress)
        study.sigDone.connect(self.show_result)
        study.sigFailed.connect(self._on_failed)
        self._apply_theme()
        self.show_result()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.run_button.setEnabled(done >= total)
        if done < total:
            self.status.setText(self.tr("computing… step {0} of {1}").format(done, total))

    def _on_failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.status.setText(self.tr("No head study: {0}").format(message))

    def show_result(self) -> None:
        """Draw the study's result (or nothing, before one)."""
        result = self.study.result
        self.grid.result = result
        self.grid.update()
        self.run_button.setEnabled(True)
        self.plot.setVisible(result is not None)
        if result is None:  # none yet, or the model changed: the last model's text goes too
            self.status.setText(self.intro)
            self.progress.hide()
            return
        kept = [point.heads_kept for point in result.curve]
        metric = [point.metric for point in result.curve]
        self.curve_item.setData(kept, metric)
        self.plot.setLabel("left", result.metric)
        self.baseline_line.setPos(result.curve[0].metric)
        self.floor_line.setPos(result.curve[0].metric - result.loss_allowed)
        self.status.setText(
            self.tr(
                "{model}: {metric} {baseline:.2f} with every head on, over {examples} examples. "
                "Each cell: importance (colour: normalised per layer) and the {metric} change "
                "with that head alone masked. Pruning least important first, {pruned} of {heads} "
                "heads go before {metric} falls more than {loss:g} (dotted line)."
            ).format(
                model=result.model_name,
                metric=result.metric,
                baseline=result.baseline,
                examples=result.examples,
                pruned=result.pruned,
                heads=len(result.heads),
                loss=result.loss_allowed,
            )
        )

    def _apply_theme(self) -> None:
        colors = self.colors
        self.plot.setBackground(colors.background)
        self.curve_item.setPen(pg.mkPen(colors.accent, width=2))
        self.curve_item.setSymbolBrush(colors.accent)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(colors.grid))
            axis.setTextPen(pg.mkPen(colors.text))
        self.baseline_line.setPen(pg.mkPen(colors.muted, style=QtCore.Qt.PenStyle.DashLine))
        self.floor_line.setPen(pg.mkPen(colors.highlight, style=QtCore.Qt.PenStyle.DotLine))
        self.grid.update()
