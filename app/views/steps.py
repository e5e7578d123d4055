"""Decoding steps: a slider (and a play button) over the steps of a decoder; for the current step,
its attention row as bars over the keys and its top-k next-token candidates (``StepPanel``).

What-if editing (``core_models.explain.editing``): clicking a bar of the row pins that step's
cross attention to that source token, "Scale" scales the step's row by a factor, and the model
decodes on with the edit (the Session does it, off the GUI thread). The edited run is then drawn
below the original at the same step, and the two outputs side by side above them, the tokens
that changed marked.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import choice_name
from app.state.display import SCALES
from app.state.measures import step_rows_map
from app.state.selection import MEAN, Head
from app.views.base import RecordView
from app.views.step_panel import StepPanel
from app.views.style import percent
from core_models.record import AttentionMap, AttentionRecord

PLAY_INTERVAL_MS = 700


class StepsView(RecordView):
    """Step slider, attention row and top-k candidates, and an edited run beside them.

    sigStepChanged(step): the user moved the slider or the player advanced.
    sigAttentionPinned(step, key): the user clicked source token ``key``'s bar at ``step``.
    sigAttentionScaled(step, factor): the user asked to scale the step's row by ``factor``.
    sigEditCleared(): the user closed the edited run.
    """

    sigStepChanged = QtCore.Signal(int)
    sigDisplayChosen = QtCore.Signal(str, object)  # ("scale", "linear" | "log")
    sigAttentionPinned = QtCore.Signal(int, int)
    sigAttentionScaled = QtCore.Signal(int, float)
    sigEditCleared = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        """The slider, play button, step label, edit controls and the two runs' plots, laid out
        and connected here (widget construction: longer than 60 lines, and clearer in one
        piece)."""
        super().__init__(parent)
        self._map: AttentionMap | None = None
        self._head: Head = MEAN
        self.step = 0
        self.edited_record: AttentionRecord | None = None
        self.edit_what = ""
        self.changed_positions: list[int] = []  # the edited output's tokens that differ

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

        self.edit_hint = QtWidgets.QLabel(
            self.tr("What if: click a bar to pin this step's cross attention to that token, or")
        )
        self.factor_box = QtWidgets.QDoubleSpinBox()
        self.factor_box.setRange(0.0, 10.0)
        self.factor_box.setSingleStep(0.25)
        self.factor_box.setPrefix("× ")
        self.scale_button = QtWidgets.QPushButton(self.tr("Scale the row"))
        self.scale_button.clicked.connect(
            lambda: self.sigAttentionScaled.emit(self.step, self.factor_box.value())
        )
        self.clear_button = QtWidgets.QPushButton(self.tr("Clear the edit"))
        self.clear_button.clicked.connect(self.sigEditCleared)
        self.compare_label = QtWidgets.QLabel()
        self.compare_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.compare_label.setWordWrap(True)

        self.graphics = pg.GraphicsLayoutWidget()
        self.original = StepPanel(self.graphics, 0)
        self.edited = StepPanel(self.graphics, 1, self.tr("edited"))
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        self.graphics.scene().sigMouseClicked.connect(self._on_plot_clicked)
        # the run on show's parts, by their earlier names
        self.row_plot, self.row_bars = self.original.row_plot, self.original.row_bars
        self.key_axis, self.candidate_axis = self.original.key_axis, self.original.candidate_axis
        self.candidate_plot = self.original.candidate_plot
        self.candidate_bars = self.original.candidate_bars
        self.candidate_texts = self.original.candidate_texts  # the same list, filled as it grows

        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.step_label)
        controls.addSpacing(12)
        controls.addWidget(QtWidgets.QLabel(self.tr("scale")))
        controls.addWidget(self.scale_box)
        editing = QtWidgets.QHBoxLayout()
        editing.addWidget(self.edit_hint)
        editing.addWidget(self.factor_box)
        editing.addWidget(self.scale_button)
        editing.addStretch(1)
        editing.addWidget(self.clear_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addLayout(editing)
        layout.addWidget(self.compare_label)
        layout.addWidget(self.graphics, 1)
        self._apply_theme()

    @property
    def attention_row(self):
        """(keys,) weights of the run on show at the current step."""
        return self.original.attention_row

    @property
    def candidates(self) -> list[tuple[str, float]]:
        return self.original.candidates

    # --- the API the Session drives -------------------------------------------------------------

    def set_extras(self, edited_record: AttentionRecord | None, what: str) -> None:
        """The edited run's record (None: no edit) and what was edited, drawn at the next
        ``set_state`` below the run on show."""
        self.edited_record, self.edit_what = edited_record, what

    def _show(self) -> None:
        """Show step ``selection.step`` (0 when None) of ``record``."""
        selection = self._selection
        self._map, self._head = self._row_map(self._record)
        count = self.step_count()
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(count - 1, 0))
        step = selection.step if selection is not None and selection.step is not None else 0
        self.slider.setValue(min(step, max(count - 1, 0)))
        self.slider.blockSignals(blocked)
        self.slider.setEnabled(count > 1)
        self.play_button.setEnabled(count > 1)
        if self.scale_box.currentData() != self._display.scale:
            blocked = self.scale_box.blockSignals(True)
            self.scale_box.setCurrentIndex(self.scale_box.findData(self._display.scale))
            self.scale_box.blockSignals(blocked)
        # edits address pieces: with merged words on the axes the Session would refuse them
        editable = self._map is not None and self._map.kind == "cross"
        editable = editable and self._display.units == "pieces"
        for widget in (self.edit_hint, self.factor_box, self.scale_button):
            widget.setEnabled(editable)
        self._show_comparison()
        self._show_step(self.slider.value())

    def step_count(self) -> int:
        """Steps to slide over: the decoding steps, or the rows of the map when it has none."""
        if self._record is None:
            return 0
        if self._record.steps:
            return len(self._record.steps)
        return self._map.weights.shape[1] if self._map is not None else 0

    def _row_map(self, record: AttentionRecord | None) -> tuple[AttentionMap | None, Head]:
        """The map of ``record`` whose rows are steps: the selected one if it is cross or decoder
        self-attention, else the cross map at the selected layer (or the last layer); mean of
        heads unless the selected head exists there."""
        selection = self._selection
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
        steps = self._record.steps if self._record is not None else []
        args = (self._selection, self._display, self.colors)
        self.original.show_step(self._map, self._head, steps, step, *args)
        edited = self.edited_record
        self.edited.set_visible(edited is not None)
        if edited is not None:
            edited_map, head = self._row_map(edited)
            self.edited.show_step(edited_map, head, edited.steps, step, *args)
        info = steps[step] if step < len(steps) else None
        if info is None:
            count = self.step_count()
            text = (
                self.tr("step {step} / {steps}").format(step=step + 1, steps=count)
                if count
                else self.tr("no steps")
            )
        else:
            text = self.tr("step {step} / {steps} · chose '{token}' (p = {p})").format(
                step=step + 1, steps=len(steps), token=info.token, p=percent(info.prob)
            )
        self.step_label.setText(text)

    def _show_comparison(self) -> None:
        """The two outputs, one above the other, the edited one's changed tokens marked."""
        edited = self.edited_record
        self.clear_button.setVisible(edited is not None)
        self.compare_label.setVisible(edited is not None)
        if edited is None or self._record is None:
            self.changed_positions = []
            return
        before = [step.token for step in self._record.steps]
        after = [step.token for step in edited.steps]
        self.changed_positions = [
            t for t, token in enumerate(after) if t >= len(before) or before[t] != token
        ]
        marked = " ".join(
            f'<b style="color:{self.colors.highlight}">{html.escape(token)}</b>'
            if t in self.changed_positions
            else html.escape(token)
            for t, token in enumerate(after)
        )
        self.compare_label.setText(
            self.tr("original: {0}<br>what if {1}: {2}").format(
                html.escape(" ".join(before)), html.escape(self.edit_what), marked
            )
        )

    def _apply_theme(self) -> None:
        self.graphics.setBackground(self.colors.background)
        for panel in (self.original, self.edited):
            panel.apply_theme(self.colors)

    # --- user intents ---------------------------------------------------------------------------

    def _on_plot_clicked(self, event) -> None:
        """A click on a bar of the run on show's row: pin the step's attention to that token."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton or not self.scale_button.isEnabled():
            return
        key = self.original.key_at(event.scenePos())
        if key is not None:
            self.sigAttentionPinned.emit(self.step, key)

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
