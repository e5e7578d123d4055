"""The models the user can open, bundled and their own, in one list every model picker reads
(Inspect's and Compare's). The window refreshes it when a training run saves a model and when a
model is opened, so a model trained in the Train tab is in every picker at once, not after a
restart. QtCore only."""

from __future__ import annotations

from PySide6 import QtCore

from core_models.inference import ModelEntry, list_models


class ModelCatalogue(QtCore.QObject):
    """``entries``: ``list_models()`` as last read. changed(): the list is not what it was."""

    changed = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ModelEntry] = list_models()

    def refresh(self) -> None:
        """Read the model directories again; ``changed`` when a model came, went or changed."""
        entries = list_models()
        if entries != self.entries:
            self.entries = entries
            self.changed.emit()
