"""Decoding steps: a slider (and a play button) over the steps of a decoder; for the current step,
its attention row as bars over the keys (row t of the cross map: where the decoder looked while
producing target token t) and its top-k next-token candidates with the chosen one emphasised.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import choice_name, kind_name
from app.state.display import SCALES
from app.state.measures import head_weights, step_rows_map
from app.state.selection import MEAN, Head
from app.views.base import RecordView
from app.views.style import percent
from app.views.token_axis import TokenAxis
from core_models.record import AttentionMap

PLAY_INTERVAL_MS = 700


class StepsView(RecordView):
    """Step slider, attention row and top-k candidates.

    sigStepChanged(step): the user moved the slider or the player advanced.
    """

    sigStepChanged = QtCore.Signal(int)
    sigDisplayChosen = QtCore.Signal(str, object)  # ("scale", "linear" | "log")

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        """The slider, play button, step label, attention row and top-k chart, laid out and
        connected here (widget construction: longer than 60 lines, and clearer in one piece)."""
        super().__init__(parent)
        self._map: AttentionMap | None = None
        self._head: Head = MEAN
        self.step = 0
        self.attention_row = np.zeros(0, dtype=np.float32)  # (keys,) weights at the current step
        self.candidates: list[tuple[str, float]] = []

        self.play_button = QtWidgets.QPushButton(self.tr("▶ play"))
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self._on_slider)
        self.step_label = QtWidgets.QLabel()
        self.scale_box = (
            QtWidgets.QComboBox()
        )  # the top-k axis: linear or log (the display's scale)
        for scale in SCALES:  # shown translated, sent as is
            self.scale_box.addItem(choice_name(scale), scale)
        self.scale_box.setToolTip(
            self.tr("probability axis of the candidates: linear or logarithmic")
        )
        self.scale_box.activated.connect(
            lambda index: self.sigDisplayChosen.emit("scale", self.scale_box.itemData(index))
        )
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(PLAY_INTERVAL_MS)
        self.timer.timeout.connect(self._advance)

        self.graphics = pg.GraphicsLayoutWidget()
        self.key_axis = TokenAxis("bottom")
        self.row_plot = self.graphics.addPlot(row=0, col=0, axisItems={"bottom": self.key_axis})
        self.candidate_axis = TokenAxis("left")
        self.candidate_plot = self.graphics.addPlot(
            row=0, col=1, axisItems={"left": self.candidate_axis}
        )
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        for plot in (self.row_plot, self.candidate_plot):
            plot.setMouseEnabled(False, False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.row_plot.setYRange(0, 1, padding=0.02)
        self.row_plot.getAxis("left").setLabel(self.tr("weight"))
        self.candidate_plot.invertY(True)
        self.candidate_plot.getAxis("bottom").setLabel(self.tr("probability"))
        self.row_bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.row_plot.addItem(self.row_bars)
        self.candidate_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.candidate_plot.addItem(self.candidate_bars)
        self.candidate_texts: list[pg.TextItem] = []

        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.step_label)
        controls.addSpacing(12)
        controls.addWidget(QtWidgets.QLabel(self.tr("scale")))
        controls.addWidget(self.scale_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(self.graphics, 1)
        self._apply_theme()

    # --- the API the Session drives -------------------------------------------------------------

    def _show(self) -> None:
        """Show step ``selection.step`` (0 when None) of ``record``."""
        selection = self._selection
        self._map, self._head = self._row_map()
        count = self.step_count()
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(count - 1, 0))
        step = selection.step if selection is not None and selection.step is not None else 0
        self.slider.setValue(min(step, max(count - 1, 0)))
        self.slider.blockSignals(blocked)
        self.slider.setEnabled(count > 1)
        self.play_button.setEnabled(count > 1)
        self.key_axis.set_tokens(self._map.key_tokens if self._map is not None else [])
        if self.scale_box.currentData() != self._display.scale:
            blocked = self.scale_box.blockSignals(True)
            self.scale_box.setCurrentIndex(self.scale_box.findData(self._display.scale))
            self.scale_box.blockSignals(blocked)
        self._show_step(self.slider.value())

    def step_count(self) -> int:
        """Steps to slide over: the decoding steps, or the rows of the map when it has none."""
        if self._record is None:
            return 0
        if self._record.steps:
            return len(self._record.steps)
        return self._map.weights.shape[1] if self._map is not None else 0

    def _row_map(self) -> tuple[AttentionMap | None, Head]:
        """The map whose rows are steps: the selected one if it is cross or decoder self-attention,
        else the cross map at the selected layer (or the last layer); mean of heads unless the
        selected head exists there."""
        selection, record = self._selection, self._record
        if record is None or selection is None:
            return None, MEAN
        attention_map = step_rows_map(record, selection)
        if attention_map is None:
            return None, MEAN
        head = (
            selection.head
            if selection.head == MEAN or selection.head < attention_map.heads
            else MEAN
        )
        return attention_map, head

    # --- drawing --------------------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.step = step
        colors = self.colors
        if self._map is None or step >= self._map.weights.shape[1]:
            self.attention_row = np.zeros(0, dtype=np.float32)
            self.row_bars.setOpts(x=[], height=[])
            self.row_plot.setTitle(
                self.tr("this record has no decoder attention"), color=colors.muted
            )
        else:
            self.attention_row = head_weights(self._map.weights, self._head)[step]
            keys = len(self.attention_row)
            brushes = [colors.accent] * keys
            token = self._selection.token
            if token is not None and token.side == self._map.sides[1] and token.index < keys:
                brushes[token.index] = colors.highlight
            self.row_bars.setOpts(
                x=np.arange(keys), height=self.attention_row, width=0.8, brushes=brushes, pen=None
            )
            self.row_plot.setXRange(-0.6, keys - 0.4, padding=0)
            head = (
                self.tr("mean of heads")
                if self._head == MEAN
                else self.tr("head {head}").format(head=self._head)
            )
            self.row_plot.setTitle(
                self.tr("step {step} looked at: {kind} · layer {layer} · {head}").format(
                    step=step + 1, kind=kind_name(self._map.kind), layer=self._map.layer, head=head
                ),
                color=colors.text,
            )
        self._show_candidates(step)

    def _show_candidates(self, step: int) -> None:
        colors = self.colors
        steps = self._record.steps if self._record is not None else []
        info = steps[step] if step < len(steps) else None
        self.candidates = list(info.top_k) if info is not None else []
        tokens = [token for token, _ in self.candidates]
        probs = np.array([prob for _, prob in self.candidates], dtype=float)
        brushes = [
            colors.highlight if info is not None and token == info.token else colors.accent
            for token in tokens
        ]
        self.candidate_axis.set_tokens(tokens)
        start, ends = self._candidate_axis(probs)
        self.candidate_bars.setOpts(
            x0=np.full(len(tokens), start),
            y=np.arange(len(tokens)),
            width=ends - start,
            height=0.7,
            brushes=brushes,
            pen=None,
        )
        self.candidate_plot.setYRange(-0.6, max(len(tokens), 1) - 0.4, padding=0)
        while len(self.candidate_texts) < len(tokens):
            text = pg.TextItem(anchor=(0, 0.5))
            self.candidate_plot.addItem(text)
            self.candidate_texts.append(text)
        for index, text in enumerate(self.candidate_texts):
            text.setVisible(index < len(tokens))
            if index < len(tokens):
                text.setText(percent(probs[index]), color=colors.text)
                text.setPos(ends[index], index)
        if info is None:
            self.candidate_plot.setTitle(self.tr("no candidates recorded"), color=colors.muted)
            self.step_label.setText(
                self.tr("step {step} / {steps}").format(step=step + 1, steps=self.step_count())
                if self.step_count()
                else self.tr("no steps")
            )
        else:
            self.candidate_plot.setTitle(
                self.tr("top-{count} next tokens").format(count=len(tokens)), color=colors.text
            )
            self.step_label.setText(
                self.tr("step {step} / {steps} · chose '{token}' (p = {p})").format(
                    step=step + 1, steps=len(steps), token=info.token, p=percent(info.prob)
                )
            )

    def _candidate_axis(self, probs: np.ndarray) -> tuple[float, np.ndarray]:
        """Where the candidates' bars start and end on the probability axis, which this sets up:
        linear from 0 to 1, or (the display's log scale) decades of probability, from the decade
        below the least likely candidate to 1, so that four candidates under 1 % differ."""
        axis = self.candidate_plot.getAxis("bottom")
        if self._display.scale != "log" or not len(probs):
            axis.setLabel(self.tr("probability"))
            axis.setTicks(None)
            self.candidate_plot.setXRange(-0.03, 1.22, padding=0)  # room for the percentages
            return 0.0, probs
        decades = np.log10(np.clip(probs, 1e-12, 1.0))
        start = float(np.floor(decades.min())) - 0.5
        axis.setLabel(self.tr("probability (log scale)"))
        axis.setTicks([[(k, f"{10.0**k:g}") for k in range(int(np.ceil(start)), 1)]])
        self.candidate_plot.setXRange(start, -0.3 * start, padding=0)  # room for the text
        return start, decades

    def _apply_theme(self) -> None:
        colors = self.colors
        self.graphics.setBackground(colors.background)
        for plot in (self.row_plot, self.candidate_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                if isinstance(axis, TokenAxis):
                    axis.set_colors(colors)
                else:
                    axis.setPen(pg.mkPen(colors.grid))
                    axis.setTextPen(pg.mkPen(colors.text))

    # --- user intents ---------------------------------------------------------------------------

    def _on_slider(self, step: int) -> None:
        """Only reported: the owner answers with ``set_state`` at that step (one redraw)."""
        self.sigStepChanged.emit(step)

    def _on_play(self, playing: bool) -> None:
        self.play_button.setText(self.tr("⏸ pause") if playing else self.tr("▶ play"))
        if playing:
            if self.slider.value() == self.slider.maximum():
                self.slider.setValue(0)
            self.timer.start()
        else:
            self.timer.stop()

    def _advance(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        self.play_button.setChecked(False)
        super().hideEvent(event)
