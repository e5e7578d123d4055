"""The NLI panel: premise and hypothesis boxes (classified as you type), the label probabilities
as bars (``app.views.nli.NLIView``) and the tokens the model read as clickable chips. Selecting
words of the premise or the hypothesis filters the maps to their tokens.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6 import QtWidgets

from app.i18n.terms import side_name
from app.panels.chips import TokenChips
from app.panels.inputs import (
    NLI_TIP,
    InputBox,
    NoticeLabel,
    NoticeRow,
    pass_text_selections,
    result_notices,
    select_chip,
    show_side,
)
from app.state.session import Session
from app.views.nli import NLIView
from core_models.inference import NLIResult


def bars_height(bars: NLIView) -> int:
    """Pixels the label bars need when the view shows no premise / hypothesis text of its own
    (the boxes above already show them)."""
    bottom = max(bars.bar_rect(label).bottom() for label in bars.labels)
    return int(bottom) + 12


class NLIPanel(QtWidgets.QWidget):
    """Inputs and prediction of an NLI model, bound to ``session``."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.premise_box = InputBox(self.tr("Premise, e.g. “a man is sleeping”"), lines=1)
        self.hypothesis_box = InputBox(self.tr("Hypothesis, e.g. “a person is asleep”"), lines=1)
        self.bars = NLIView()
        self.bars.setFixedHeight(bars_height(self.bars))
        self.chips = [
            TokenChips("premise", side_name("premise")),
            TokenChips("hypothesis", side_name("hypothesis")),
            TokenChips("pair", self.tr("model read")),  # the encoder classifier's joint sequence
        ]
        self.notice = NoticeLabel(NLI_TIP)

        boxes = QtWidgets.QFormLayout()
        boxes.addRow(side_name("premise"), self.premise_box)
        boxes.addRow(side_name("hypothesis"), self.hypothesis_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(boxes)
        layout.addWidget(self.bars)
        for chips in self.chips:
            layout.addWidget(chips)
            chips.sigTokenClicked.connect(session.select_token)
        self.notice_row = NoticeRow(session, self.notice)
        layout.addWidget(self.notice_row)

        pass_text_selections(
            session, {"premise": self.premise_box, "hypothesis": self.hypothesis_box}
        )
        self.premise_box.textChanged.connect(self._on_text)
        self.hypothesis_box.textChanged.connect(self._on_text)
        session.sigInputsChanged.connect(self._show_inputs)
        session.sigResultChanged.connect(self._show_result)
        session.sigRecordChanged.connect(self._show_record)
        session.sigSelectionChanged.connect(self._show_selection)
        session.sigDisplayChanged.connect(self._show_theme)
        session.sigModelChanged.connect(self._show_all)

    def _in_use(self) -> bool:
        """Only an NLI model's results are drawn here (the panel is hidden otherwise)."""
        return self.session.task_kind == "nli"

    def _show_all(self) -> None:
        self._show_inputs()
        self._show_result()
        self._show_record()

    def _on_text(self) -> None:
        self.session.set_inputs(
            replace(
                self.session.inputs,
                premise=self.premise_box.toPlainText(),
                hypothesis=self.hypothesis_box.toPlainText(),
            )
        )

    def _show_inputs(self) -> None:
        self.premise_box.set_text(self.session.inputs.premise)
        self.hypothesis_box.set_text(self.session.inputs.hypothesis)

    def _show_result(self) -> None:
        if not self._in_use():
            return
        result = self.session.result
        if isinstance(result, NLIResult):
            self.bars.set_prediction(result.probs, gold=self.session.gold_label())
        else:  # NLIView has no clear(): no probabilities reads "no NLI prediction"
            self.bars.probabilities = np.zeros(0)
            self.bars.update()
        unknown = result.unknown_words if isinstance(result, NLIResult) else []
        self.premise_box.mark_words(unknown)
        self.hypothesis_box.mark_words(unknown)
        self.notice.show_notices(result_notices(self.session))

    def _show_record(self) -> None:
        if not self._in_use():
            return
        for chips in self.chips:
            show_side(self.session, chips)

    def _show_selection(self) -> None:
        if not self._in_use():
            return
        for chips in self.chips:
            select_chip(self.session, chips)

    def _show_theme(self) -> None:
        theme = self.session.display.theme
        if self.bars.theme != theme:
            self.bars.set_theme(theme)
            for chips in self.chips:
                chips.set_theme(theme)
            self.notice.set_theme(theme)
