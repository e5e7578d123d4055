"""The probe panel: the probe's inputs (a sentence, or premise / hypothesis pair, whose attention
the training process records at each evaluation), the heatmap of the snapshot on show and a slider
(and a replay button) over the snapshots received so far. It draws a TrainSession's probe
(``app.state.train_probe``) and display choices, and hands the user's edits back to it."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from app.i18n.terms import side_name
from app.state.train_session import TrainSession
from app.views.heatmap import HeatmapView

WAITING = QtCore.QT_TRANSLATE_NOOP(
    "ProbePanel", "the heatmap appears at the first evaluation"
)  # translated where it is shown: over the empty heatmap, once


class ProbePanel(QtWidgets.QWidget):
    """Probe inputs, the heatmap of the snapshot on show and the snapshot slider.

    sigDisplayChosen(name, value): the user picked a display option in the heatmap's boxes (the
    window's Session owns the display; it comes back through the TrainSession's display).
    """

    sigDisplayChosen = QtCore.Signal(str, object)

    def __init__(self, session: TrainSession, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.probe = session, session.probe
        self.text_edit = QtWidgets.QLineEdit()
        self.second_edit = QtWidgets.QLineEdit()  # reference (translation) or hypothesis (NLI)
        self.text_label, self.second_label = QtWidgets.QLabel(), QtWidgets.QLabel()
        self.sample_button = QtWidgets.QPushButton(self.tr("Sample"))
        self.sample_button.setToolTip(
            self.tr("probe with a test pair of the data, with its gold alignment")
        )
        self.heatmap = HeatmapView()
        self.heatmap.set_display_controls_visible(False)  # the View menu and Inspect set them
        waiting = self.tr(WAITING)
        self.heatmap.set_empty_text(waiting[0].upper() + waiting[1:])
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.setPageStep(1)
        self.replay_button = QtWidgets.QPushButton(self.tr("▶ Replay"))
        self.replay_button.setEnabled(False)
        self.snapshot_label = QtWidgets.QLabel()
        self.snapshot_label.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred
        )

        inputs = QtWidgets.QGridLayout()
        inputs.addWidget(QtWidgets.QLabel(self.tr("<b>Probe</b>")), 0, 0)
        inputs.addWidget(self.text_label, 1, 0)
        inputs.addWidget(self.text_edit, 1, 1)
        inputs.addWidget(self.sample_button, 1, 2)
        inputs.addWidget(self.second_label, 2, 0)
        inputs.addWidget(self.second_edit, 2, 1, 1, 2)
        self.snapshot_row = QtWidgets.QWidget()  # hidden until the first snapshot: before it,
        snapshots = QtWidgets.QGridLayout(self.snapshot_row)  # the heatmap says what to wait for
        snapshots.setContentsMargins(0, 0, 0, 0)
        snapshots.addWidget(self.replay_button, 0, 0)
        snapshots.addWidget(self.slider, 0, 1)
        snapshots.addWidget(self.snapshot_label, 1, 0, 1, 2)
        snapshots.setColumnStretch(1, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(inputs)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(self.snapshot_row)

        for edit in (self.text_edit, self.second_edit):
            edit.editingFinished.connect(self._on_edited)
        self.sample_button.clicked.connect(self.probe.use_sample)
        self.slider.valueChanged.connect(self.probe.show_snapshot)
        self.replay_button.clicked.connect(self.probe.replay)
        self.heatmap.sigMapChosen.connect(self.probe.select_map)
        self.heatmap.sigTokenClicked.connect(self.probe.select_token)
        self.heatmap.sigDisplayChosen.connect(self.sigDisplayChosen)
        self.probe.sigInputChanged.connect(self._show_inputs)
        self.probe.sigSnapshotChanged.connect(self._show_snapshot)
        session.sigDisplayChanged.connect(self._show_display)
        self._show_inputs()
        self._show_snapshot()

    def _on_edited(self) -> None:
        self.probe.set_texts(self.text_edit.text(), self.second_edit.text())

    def _show_inputs(self) -> None:
        nli = self.probe.task_kind == "nli"
        self.text_label.setText(side_name("premise") if nli else side_name("source"))
        self.second_label.setText(side_name("hypothesis") if nli else self.tr("reference"))
        self.second_edit.setPlaceholderText(
            ""
            if nli
            else self.tr("optional: forced decoding shows where the model looks writing this")
        )
        for edit, text in zip((self.text_edit, self.second_edit), self.probe.texts, strict=True):
            if edit.text() != text:  # an unchanged text keeps its cursor
                edit.setText(text)

    def _show_snapshot(self) -> None:
        probe = self.probe
        count, shown = len(probe.snapshots), probe.shown
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(count - 1, 0))
        self.slider.setValue(shown or 0)
        self.slider.blockSignals(blocked)
        self.slider.setEnabled(count > 1)
        self.replay_button.setEnabled(count > 1)
        self.heatmap.set_state(probe.record, probe.selection, self.session.display)
        self.snapshot_row.setVisible(shown is not None)
        if shown is None:
            return
        snapshot = probe.snapshots[shown]
        attention = (
            "" if snapshot.record.maps else self.tr(" · this model has no attention to show")
        )
        self.snapshot_label.setText(
            self.tr("snapshot {shown} / {count} · step {step} · output: {output}").format(
                shown=shown + 1, count=count, step=f"{snapshot.step:,}", output=snapshot.output
            )
            + attention
        )

    def _show_display(self) -> None:
        """Redraw the snapshot on show with the session's display choices."""
        probe = self.probe
        self.heatmap.set_state(probe.record, probe.selection, self.session.display)
