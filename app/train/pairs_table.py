"""A read-only table of training pairs: source / target, or premise / hypothesis / label."""

from __future__ import annotations

from PySide6 import QtWidgets

from app.i18n.terms import side_name
from core_models.data.pairs import NLIPair, TranslationPair

TRANSLATION_COLUMNS = ("source", "target")
NLI_COLUMNS = ("premise", "hypothesis", "label")


def pair_cells(pair: TranslationPair | NLIPair) -> tuple[str, ...]:
    if isinstance(pair, NLIPair):
        return pair.premise, pair.hypothesis, pair.label
    return pair.source, pair.target


class PairsTable(QtWidgets.QTableWidget):
    """Shows a list of pairs, one per row; the columns follow the pairs' kind."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(0, len(TRANSLATION_COLUMNS), parent)
        self.setHorizontalHeaderLabels([side_name(column) for column in TRANSLATION_COLUMNS])
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(20)
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)

    def set_pairs(self, pairs: list[TranslationPair] | list[NLIPair]) -> None:
        nli = bool(pairs) and isinstance(pairs[0], NLIPair)
        columns = NLI_COLUMNS if nli else TRANSLATION_COLUMNS
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels([side_name(column) for column in columns])
        self.setRowCount(len(pairs))
        for row, pair in enumerate(pairs):
            for column, text in enumerate(pair_cells(pair)):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(row, column, item)

    def cell_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and copying)."""
        return [
            [self.item(row, column).text() for column in range(self.columnCount())]
            for row in range(self.rowCount())
        ]
