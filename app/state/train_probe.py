"""The Train tab's probe as state: a sentence (or premise / hypothesis pair) whose attention the
training process records at each evaluation, the snapshots received so far, the one on show and
the selection on it, moved by ``app.state.selection_moves`` as in Inspect. QtCore only (signals,
the replay timer); ``app.train.probe.ProbePanel`` draws it."""

from __future__ import annotations

from PySide6 import QtCore

from app.state import selection_moves
from app.state.selection import Head, Selection
from app.workers.training_process import ProbeInput, ProbeSnapshot
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.record import AttentionRecord

REPLAY_MS = 350  # per snapshot when replaying


def pair_texts(pair: TranslationPair | NLIPair) -> tuple[str, str]:
    """(source, target) of a translation pair, (premise, hypothesis) of an NLI pair."""
    if isinstance(pair, NLIPair):
        return pair.premise, pair.hypothesis
    return pair.source, pair.target


class ProbeSession(QtCore.QObject):
    """The probe's inputs and snapshots.

    sigInputChanged(): the task kind or the probe's texts changed.
    sigProbeEdited(ProbeInput): a probe the run should use from its next evaluation.
    sigSnapshotChanged(): a snapshot arrived or was cleared, or another one (or map, or token) is
    on show.
    """

    sigInputChanged = QtCore.Signal()
    sigProbeEdited = QtCore.Signal(object)
    sigSnapshotChanged = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.task_kind = "translation"
        self.sample: TranslationPair | NLIPair | None = None
        self.texts = ("", "")  # source and reference, or premise and hypothesis
        self.follow_sample = True  # until the user types a probe of their own
        self.snapshots: list[ProbeSnapshot] = []
        self.shown: int | None = None  # index of the snapshot on show
        self.selection: Selection | None = None
        self._replay = QtCore.QTimer(self)
        self._replay.setInterval(REPLAY_MS)
        self._replay.timeout.connect(self._replay_next)

    # --- the probe ------------------------------------------------------------------------------

    def set_task_kind(self, task_kind: str) -> None:
        self.task_kind = task_kind
        self.sigInputChanged.emit()

    def set_sample(self, pair: TranslationPair | NLIPair | None) -> None:
        """The data's probe pair; it is the probe until the user types a probe of their own."""
        self.sample = pair
        if self.follow_sample:
            self.use_sample()

    def use_sample(self) -> None:
        """Probe with the data's sample pair (and follow the data's sample from now on)."""
        self.follow_sample = True
        if self.sample is not None:
            self.set_texts(*pair_texts(self.sample))

    def set_texts(self, text: str, second: str) -> None:
        """The user's probe: a source and optional reference, or a premise and hypothesis."""
        self.texts = (text, second)
        self.follow_sample = self.is_sample()
        self.sigInputChanged.emit()
        probe = self.probe_input()
        if probe is not None:
            self.sigProbeEdited.emit(probe)

    def is_sample(self) -> bool:
        return self.sample is not None and self.texts == pair_texts(self.sample)

    def probe_input(self) -> ProbeInput | None:
        """The probe as the training process takes it (None without a text)."""
        text, second = (value.strip() for value in self.texts)
        if not text or (self.task_kind == "nli" and not second):
            return None
        if self.task_kind == "nli":
            return ProbeInput(text, hypothesis=second)
        gold = self.sample.alignment if self.is_sample() else None
        return ProbeInput(text, reference=second, gold=gold)

    # --- snapshots ------------------------------------------------------------------------------

    @property
    def record(self) -> AttentionRecord | None:
        """The record of the snapshot on show."""
        return self.snapshots[self.shown].record if self.shown is not None else None

    def clear_snapshots(self) -> None:
        self._replay.stop()
        self.snapshots.clear()
        self.shown = None
        self.sigSnapshotChanged.emit()

    def add_snapshot(self, snapshot: ProbeSnapshot) -> None:
        """Keep ``snapshot``; show it if the latest one was on show (it follows the run)."""
        following = self.shown is None or self.shown == len(self.snapshots) - 1
        self.snapshots.append(snapshot)
        if following:
            self.show_snapshot(len(self.snapshots) - 1)
        else:
            self.sigSnapshotChanged.emit()

    def show_snapshot(self, index: int) -> None:
        """Show snapshot ``index``, the selection kept as far as its record allows."""
        if not 0 <= index < len(self.snapshots):
            return
        self.shown = index
        self.selection = selection_moves.fit_selection(self.selection, self.record)
        self.sigSnapshotChanged.emit()

    def replay(self) -> None:
        """Show every snapshot from the first, one after another."""
        if len(self.snapshots) > 1:
            self.show_snapshot(0)
            self._replay.start()

    def _replay_next(self) -> None:
        if self.shown is None or self.shown >= len(self.snapshots) - 1:
            self._replay.stop()
        else:
            self.show_snapshot(self.shown + 1)

    # --- the selection --------------------------------------------------------------------------

    def select_map(self, kind: str, layer: int, head: Head) -> None:
        if self.selection is not None:
            chosen = self.selection.with_map(kind, layer, head)
            self._set_selection(selection_moves.fit_selection(chosen, self.record))

    def select_token(self, side: str, index: int) -> None:
        """Select a token of the record on show (its records are in pieces: a target piece is
        also the decoding step that produced it)."""
        if self.selection is not None:
            self._set_selection(
                selection_moves.with_token(self.selection, self.record, side, index)
            )

    def _set_selection(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.sigSnapshotChanged.emit()
