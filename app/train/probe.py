"""The probe: a sentence (or premise / hypothesis pair) whose attention heatmap is recomputed by
the training process at each evaluation, so the alignment can be seen forming; a slider (and a
replay button) over the snapshots received so far."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from app.state.display import Display
from app.state.selection import MEAN, Selection, find_map
from app.train.process import ProbeInput, ProbeSnapshot
from app.views.heatmap import HeatmapView
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.record import AttentionRecord

REPLAY_MS = 350  # per snapshot when replaying


def default_selection(record: AttentionRecord) -> Selection:
    """Cross attention of the last layer (where alignment shows) when there is one, else the
    record's first map; mean of heads."""
    if "cross" in record.kinds():
        return Selection(kind="cross", layer=record.layers("cross")[-1], head=MEAN)
    return Selection.first_of(record)


class ProbePanel(QtWidgets.QWidget):
    """Probe inputs, the heatmap of the snapshot on show and the snapshot slider.

    sigProbeChanged(ProbeInput): the user edited the probe (it applies from the next evaluation).
    sigDisplayChosen(name, value): the user picked a display option in the heatmap's boxes (the
    window's Session owns the display; ``set_display`` brings it back).
    """

    sigProbeChanged = QtCore.Signal(object)
    sigDisplayChosen = QtCore.Signal(str, object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.task_kind = "translation"
        self.sample: TranslationPair | NLIPair | None = None
        self._follow_sample = True  # until the user types a probe of their own
        self.snapshots: list[ProbeSnapshot] = []
        self._selection: Selection | None = None
        self.display = Display()

        self.text_edit = QtWidgets.QLineEdit()
        self.second_edit = QtWidgets.QLineEdit()  # reference (translation) or hypothesis (NLI)
        self.text_label, self.second_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.sample_button = QtWidgets.QPushButton("Sample")
        self.sample_button.setToolTip("probe with a test pair of the data, with its gold alignment")
        self.heatmap = HeatmapView()
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.setPageStep(1)
        self.replay_button = QtWidgets.QPushButton("▶ Replay")
        self.replay_button.setEnabled(False)
        self.snapshot_label = QtWidgets.QLabel("the heatmap appears at the first evaluation")
        self.snapshot_label.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )
        self._replay = QtCore.QTimer(self)
        self._replay.setInterval(REPLAY_MS)
        self._replay.timeout.connect(self._replay_next)

        inputs = QtWidgets.QGridLayout()
        inputs.addWidget(QtWidgets.QLabel("<b>Probe</b>"), 0, 0)
        inputs.addWidget(self.text_label, 1, 0)
        inputs.addWidget(self.text_edit, 1, 1)
        inputs.addWidget(self.sample_button, 1, 2)
        inputs.addWidget(self.second_label, 2, 0)
        inputs.addWidget(self.second_edit, 2, 1, 1, 2)
        snapshots = QtWidgets.QHBoxLayout()
        snapshots.addWidget(self.replay_button)
        snapshots.addWidget(self.slider, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(inputs)
        layout.addWidget(self.heatmap, 1)
        layout.addLayout(snapshots)
        layout.addWidget(self.snapshot_label)

        for edit in (self.text_edit, self.second_edit):
            edit.editingFinished.connect(self._on_edited)
        self.sample_button.clicked.connect(self.use_sample)
        self.slider.valueChanged.connect(self.show_snapshot)
        self.replay_button.clicked.connect(self.replay)
        self.heatmap.sigMapChosen.connect(self._on_map_chosen)
        self.heatmap.sigTokenClicked.connect(self._on_token_clicked)
        self.heatmap.sigDisplayChosen.connect(self.sigDisplayChosen)
        self.set_task_kind("translation")

    # --- the probe ------------------------------------------------------------------------------

    def set_task_kind(self, task_kind: str) -> None:
        self.task_kind = task_kind
        nli = task_kind == "nli"
        self.text_label.setText("premise" if nli else "source")
        self.second_label.setText("hypothesis" if nli else "reference")
        self.second_edit.setPlaceholderText(
            "" if nli else "optional: forced decoding shows where the model looks writing this"
        )

    def set_sample(self, pair: TranslationPair | NLIPair | None) -> None:
        """The data's probe pair; shown in the inputs until the user types a probe of their own."""
        self.sample = pair
        if self._follow_sample:
            self.use_sample()

    def use_sample(self) -> None:
        """Probe with the data's sample pair (and follow the data's sample from now on)."""
        self._follow_sample = True
        if self.sample is None:
            return
        first, second = (
            (self.sample.premise, self.sample.hypothesis)
            if isinstance(self.sample, NLIPair)
            else (self.sample.source, self.sample.target)
        )
        self.text_edit.setText(first)
        self.second_edit.setText(second)
        self._on_edited()

    def is_sample(self) -> bool:
        if self.sample is None:
            return False
        texts = (self.text_edit.text(), self.second_edit.text())
        if isinstance(self.sample, NLIPair):
            return texts == (self.sample.premise, self.sample.hypothesis)
        return texts == (self.sample.source, self.sample.target)

    def probe_input(self) -> ProbeInput | None:
        """The probe as the training process takes it (None without a text)."""
        text, second = self.text_edit.text().strip(), self.second_edit.text().strip()
        if not text or (self.task_kind == "nli" and not second):
            return None
        gold = self.sample.alignment if self.is_sample() and self.task_kind != "nli" else None
        if self.task_kind == "nli":
            return ProbeInput(text, hypothesis=second)
        return ProbeInput(text, reference=second, gold=gold)

    def _on_edited(self) -> None:
        self._follow_sample = self.is_sample()
        probe = self.probe_input()
        if probe is not None:
            self.sigProbeChanged.emit(probe)

    # --- snapshots ------------------------------------------------------------------------------

    def clear_snapshots(self) -> None:
        self._replay.stop()
        self.snapshots.clear()
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.replay_button.setEnabled(False)
        self.heatmap.set_state(None, None, self.display)
        self.snapshot_label.setText("the heatmap appears at the first evaluation")

    def add_snapshot(self, snapshot: ProbeSnapshot) -> None:
        """Keep ``snapshot``; show it if the slider was on the latest one (it follows the run)."""
        following = not self.snapshots or self.slider.value() == len(self.snapshots) - 1
        self.snapshots.append(snapshot)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, len(self.snapshots) - 1)
        self.slider.blockSignals(blocked)
        self.slider.setEnabled(len(self.snapshots) > 1)
        self.replay_button.setEnabled(len(self.snapshots) > 1)
        if following:
            self.slider.setValue(len(self.snapshots) - 1)
            self.show_snapshot(len(self.snapshots) - 1)

    def show_snapshot(self, index: int) -> None:
        if not 0 <= index < len(self.snapshots):
            return
        snapshot = self.snapshots[index]
        if find_map(snapshot.record, self._selection) is None:
            self._selection = default_selection(snapshot.record) if snapshot.record.maps else None
        self.heatmap.set_state(snapshot.record, self._selection, self.display)
        attention = "" if snapshot.record.maps else " · this model has no attention to show"
        self.snapshot_label.setText(
            f"snapshot {index + 1} / {len(self.snapshots)} · step {snapshot.step:,} · "
            f"output: {snapshot.output}{attention}"
        )

    def set_display(self, display: Display) -> None:
        """Draw the heatmap with ``display`` (the Inspect session's)."""
        self.display = display
        self._redraw()

    def _redraw(self) -> None:
        if self.snapshots:
            self.show_snapshot(self.slider.value())
        else:
            self.heatmap.set_state(None, None, self.display)

    def replay(self) -> None:
        """Show every snapshot from the first, one after another."""
        if len(self.snapshots) > 1:
            self.slider.setValue(0)
            self._replay.start()

    def _replay_next(self) -> None:
        if self.slider.value() >= len(self.snapshots) - 1:
            self._replay.stop()
        else:
            self.slider.setValue(self.slider.value() + 1)

    def _on_map_chosen(self, kind: str, layer: int, head: object) -> None:
        if self._selection is not None:
            self._selection = self._selection.with_map(kind, layer, head)
            self._redraw()

    def _on_token_clicked(self, side: str, index: int) -> None:
        if self._selection is not None:
            self._selection = self._selection.with_token(side, index)
            self._redraw()
