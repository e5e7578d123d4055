"""Live training curves (pyqtgraph): the training loss at every step with the validation loss at
each evaluation, the learning rate, and one evaluation metric (BLEU, chrF, AER, accuracy) chosen in
a list; the three plots share the step axis."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from app.views.base import AttentionView
from core_models.training.events import EvalEvent, StepEvent

AXIS_WIDTH = 64  # pixels of the value axes, labels included
PREFERRED_METRICS = ("bleu", "accuracy", "aer", "chrf")  # the first one present is shown first


def scalar_metrics(metrics: dict) -> dict[str, float]:
    """The metrics a curve can show: plain numbers (not loss, layers, confusion matrices)."""
    return {
        name: float(value)
        for name, value in metrics.items()
        if isinstance(value, Real)
        and not isinstance(value, bool)
        and name not in ("loss", "aer_layer")
    }


def metric_rank(name: str) -> tuple[int, str]:
    """Sort key: the preferred metrics in their order, then the others by name."""
    if name in PREFERRED_METRICS:
        return PREFERRED_METRICS.index(name), name
    return len(PREFERRED_METRICS), name


class CurvesView(AttentionView):
    """Loss, learning-rate and metric curves, fed with ``add_step`` / ``add_eval`` and drawn by
    ``redraw`` (once per batch of events, not once per event). Light or dark (``set_theme``),
    exportable to PNG / SVG (``export``) like the attention views."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.learning_rates: list[float] = []
        self.eval_steps: list[int] = []
        self.valid_losses: list[float] = []
        self.metrics: dict[str, list[float]] = {}  # name -> one value per evaluation (NaN: absent)
        self._dirty = False

        self.metric_box = QtWidgets.QComboBox()
        self.metric_box.setMinimumWidth(120)
        self.metric_box.currentTextChanged.connect(self._draw_metric)
        self.graphics = pg.GraphicsLayoutWidget()
        self.loss_plot = self._plot(0)
        self.lr_plot = self._plot(1)
        self.metric_plot = self._plot(2)
        for plot in (self.lr_plot, self.metric_plot):
            plot.setXLink(self.loss_plot)
        self.lr_plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.loss_plot.addLegend(offset=(-10, 10))
        self.loss_curve = self._curve(self.loss_plot, "train")
        self.valid_curve = self._curve(self.loss_plot, "valid", symbol="o")
        self.lr_curve = self._curve(self.lr_plot)
        self.metric_curve = self._curve(self.metric_plot, symbol="o")

        header = QtWidgets.QHBoxLayout()
        header.addWidget(QtWidgets.QLabel("<b>Curves</b>"))
        header.addStretch(1)
        header.addWidget(QtWidgets.QLabel("metric"))
        header.addWidget(self.metric_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.graphics, 1)
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
        for plot, title in ((self.loss_plot, "loss"), (self.lr_plot, "learning rate")):
            plot.setLabel("left", title, color=colors.text)
        self.metric_plot.setLabel("bottom", "step", color=colors.text)
        self.metric_plot.setLabel(
            "left", self.metric_box.currentText() or "metric", color=colors.text
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

    # --- feeding ------------------------------------------------------------------------------

    def clear(self) -> None:
        for values in (
            self.steps,
            self.losses,
            self.learning_rates,
            self.eval_steps,
            self.valid_losses,
        ):
            values.clear()
        self.metrics.clear()
        self.metric_box.clear()
        self._dirty = True
        self.redraw()

    def add_step(self, event: StepEvent) -> None:
        self.steps.append(event.step)
        self.losses.append(event.loss)
        self.learning_rates.append(event.lr)
        self._dirty = True

    def add_eval(self, event: EvalEvent) -> None:
        self.eval_steps.append(event.step)
        self.valid_losses.append(float(event.metrics.get("loss", math.nan)))
        values = scalar_metrics(event.metrics)
        for name in values.keys() - self.metrics.keys():
            self.metrics[name] = [math.nan] * (len(self.eval_steps) - 1)
        for name, history in self.metrics.items():
            history.append(values.get(name, math.nan))
        self._offer_metrics()
        self._dirty = True

    def _offer_metrics(self) -> None:
        names = sorted(self.metrics, key=metric_rank)
        shown = [self.metric_box.itemText(i) for i in range(self.metric_box.count())]
        if names != shown:
            current = self.metric_box.currentText()
            blocked = self.metric_box.blockSignals(True)
            self.metric_box.clear()
            self.metric_box.addItems(names)
            self.metric_box.setCurrentText(current if current in names else names[0])
            self.metric_box.blockSignals(blocked)

    # --- drawing ------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """True when data was added since the last redraw."""
        return self._dirty

    def redraw(self) -> None:
        """Draw what was added since the last redraw (nothing to do when nothing was)."""
        if not self._dirty:
            return
        self._dirty = False
        steps = np.asarray(self.steps, dtype=np.float64)
        self.loss_curve.setData(steps, np.asarray(self.losses, dtype=np.float64))
        self.lr_curve.setData(steps, np.asarray(self.learning_rates, dtype=np.float64))
        self.valid_curve.setData(
            np.asarray(self.eval_steps, dtype=np.float64),
            np.asarray(self.valid_losses, dtype=np.float64),
        )
        if self.learning_rates:  # from 0: a constant rate would otherwise fill the plot with noise
            self.lr_plot.setYRange(0, max(self.learning_rates) * 1.1, padding=0)
        self._draw_metric(self.metric_box.currentText())

    def _draw_metric(self, name: str) -> None:
        values = self.metrics.get(name, [])
        self.metric_plot.setLabel("left", name or "metric", color=self.colors.text)
        self.metric_curve.setData(
            np.asarray(self.eval_steps[: len(values)], dtype=np.float64),
            np.asarray(values, dtype=np.float64),
            connect="finite",
        )
