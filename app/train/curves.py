"""Live training curves (pyqtgraph): the training loss at every step with the validation loss at
each evaluation, the learning rate, and one evaluation metric (BLEU, chrF, AER, accuracy) chosen in
a list; the three plots share the step axis."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from app.state.train_curves import TrainingCurves
from app.views.base import AttentionView, EmptyNotice

AXIS_WIDTH = 64  # pixels of the value axes, labels included


class CurvesView(AttentionView):
    """Loss, learning-rate and metric curves of ``curves`` (a TrainSession's), drawn by ``redraw``
    (once per batch of events at most, not once per event). Light or dark (``set_theme``). Until
    the first step, one line says when the curves appear, in place of three empty plots."""

    def __init__(self, curves: TrainingCurves, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.curves = curves
        self._drawn = -1  # the curves' version last drawn

        self.metric_box = QtWidgets.QComboBox()
        self.metric_box.setMinimumWidth(120)
        self.metric_box.setEnabled(False)  # until an evaluation brings metrics
        self.metric_box.currentTextChanged.connect(self._draw_metric)
        self.graphics = pg.GraphicsLayoutWidget()
        self.loss_plot = self._plot(0)
        self.lr_plot = self._plot(1)
        self.metric_plot = self._plot(2)
        for plot in (self.lr_plot, self.metric_plot):
            plot.setXLink(self.loss_plot)
        self.lr_plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.loss_plot.addLegend(offset=(-10, 10))
        self.loss_curve = self._curve(self.loss_plot, self.tr("train"))
        self.valid_curve = self._curve(self.loss_plot, self.tr("valid"), symbol="o")
        self.lr_curve = self._curve(self.lr_plot)
        self.metric_curve = self._curve(self.metric_plot, symbol="o")

        header = QtWidgets.QHBoxLayout()
        header.addWidget(QtWidgets.QLabel(self.tr("<b>Curves</b>")))
        header.addStretch(1)
        header.addWidget(QtWidgets.QLabel(self.tr("metric")))
        header.addWidget(self.metric_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        self.empty_notice = EmptyNotice(self)
        self.empty_notice.setText(self.tr("The curves appear with the first training steps"))
        self.pages = QtWidgets.QStackedWidget()  # the notice until there is a step to draw
        self.pages.addWidget(self.empty_notice)
        self.pages.addWidget(self.graphics)
        layout.addWidget(self.pages, 1)
        self._apply_theme()

    def _plot(self, row: int) -> pg.PlotItem:
        plot = self.graphics.addPlot(row=row, col=0)
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setMenuEnabled(False)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.getAxis("left").setWidth(AXIS_WIDTH)  # the same for all: the step axes line up
        if row < 2:  # the plots share the step axis: one set of step labels, under the last plot
            plot.getAxis("bottom").setStyle(showValues=False)
        return plot

    @staticmethod
    def _curve(
        plot: pg.PlotItem, name: str | None = None, symbol: str | None = None
    ) -> pg.PlotDataItem:
        return plot.plot([], [], symbol=symbol, symbolSize=6, symbolPen=None, name=name)

    def _apply_theme(self) -> None:
        colors = self.colors
        self.graphics.setBackground(colors.background)
        for plot, title in (
            (self.loss_plot, self.tr("loss")),
            (self.lr_plot, self.tr("learning rate")),
        ):
            plot.setLabel("left", title, color=colors.text)
        self.metric_plot.setLabel("bottom", self.tr("step"), color=colors.text)
        self.metric_plot.setLabel(
            "left", self.metric_box.currentText() or self.tr("metric"), color=colors.text
        )
        for plot in (self.loss_plot, self.lr_plot, self.metric_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(colors.grid))
                axis.setTextPen(pg.mkPen(colors.text))
        for curve, color in (
            (self.loss_curve, colors.accent),
            (self.valid_curve, colors.highlight),
            (self.lr_curve, colors.good),
            (self.metric_curve, colors.gold),
        ):
            curve.setPen(pg.mkPen(color, width=1.5))
            curve.setSymbolBrush(color)
        self.legend.setLabelTextColor(colors.text)
        for _, label in self.legend.items:  # pyqtgraph stores the colour; the text redraws it
            label.setText(label.text)

    # --- drawing ------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """True when the curves changed since the last redraw."""
        return self._drawn != self.curves.version

    def redraw(self) -> None:
        """Draw what changed since the last redraw (nothing to do when nothing did)."""
        if not self.pending:
            return
        curves = self.curves
        self._drawn = curves.version
        self.pages.setCurrentWidget(self.graphics if curves.steps else self.empty_notice)
        self._offer_metrics()
        steps = np.asarray(curves.steps, dtype=np.float64)
        self.loss_curve.setData(steps, np.asarray(curves.losses, dtype=np.float64))
        self.lr_curve.setData(steps, np.asarray(curves.learning_rates, dtype=np.float64))
        self.valid_curve.setData(
            np.asarray(curves.eval_steps, dtype=np.float64),
            np.asarray(curves.valid_losses, dtype=np.float64),
        )
        if (
            curves.learning_rates
        ):  # from 0: a constant rate would otherwise fill the plot with noise
            self.lr_plot.setYRange(0, max(curves.learning_rates) * 1.1, padding=0)
        self._draw_metric(self.metric_box.currentText())

    def _offer_metrics(self) -> None:
        """The metric list: the curves' metrics, the choice kept while it is one of them."""
        names = self.curves.metric_names()
        shown = [self.metric_box.itemText(i) for i in range(self.metric_box.count())]
        if names != shown:
            current = self.metric_box.currentText()
            blocked = self.metric_box.blockSignals(True)
            self.metric_box.clear()
            self.metric_box.addItems(names)
            if names:
                self.metric_box.setCurrentText(current if current in names else names[0])
            self.metric_box.blockSignals(blocked)
            self.metric_box.setEnabled(bool(names))

    def _draw_metric(self, name: str) -> None:
        values = self.curves.metrics.get(name, [])
        self.metric_plot.setLabel("left", name or self.tr("metric"), color=self.colors.text)
        self.metric_curve.setData(
            np.asarray(self.curves.eval_steps[: len(values)], dtype=np.float64),
            np.asarray(values, dtype=np.float64),
            connect="finite",
        )
