"""The translate panel: the source box (translates as you type), an optional reference for forced
decoding, greedy / beam width / max length, and the source and output tokens as clickable chips.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from app.panels.chips import TokenChips
from app.panels.inputs import (
    TRANSLATE_TIP,
    InputBox,
    NoticeLabel,
    result_notices,
    select_chip,
    show_side,
)
from app.session import Session
from core_models.inference import TranslationResult

MAX_BEAM = 16
MAX_OUTPUT = 400


class TranslatePanel(QtWidgets.QWidget):
    """Inputs and output of a translation model, bound to ``session``."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.source_box = InputBox("Type a sentence to translate…")
        self.reference_box = QtWidgets.QLineEdit()
        self.reference_box.setPlaceholderText(
            "optional reference translation: the model is forced to produce it"
        )
        self.reference_box.setClearButtonEnabled(True)
        self.beam_box = QtWidgets.QSpinBox()
        self.beam_box.setRange(1, MAX_BEAM)
        self.beam_box.setSpecialValueText("greedy")
        self.beam_box.setToolTip("beam width (greedy: 1)")
        self.max_len_box = QtWidgets.QSpinBox()
        self.max_len_box.setRange(0, MAX_OUTPUT)
        self.max_len_box.setSpecialValueText("auto")
        self.max_len_box.setToolTip("longest output in tokens (auto: twice the source + 10)")
        self.output_text = QtWidgets.QLabel()
        self.output_text.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )
        font = self.output_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.output_text.setFont(font)
        self.source_chips = TokenChips("source", "model read")
        self.output_chips = TokenChips("target", "output · p")
        self.notice = NoticeLabel(TRANSLATE_TIP)

        options = QtWidgets.QHBoxLayout()
        options.addWidget(QtWidgets.QLabel("reference"))
        options.addWidget(self.reference_box, 1)
        options.addWidget(QtWidgets.QLabel("beam"))
        options.addWidget(self.beam_box)
        options.addWidget(QtWidgets.QLabel("max length"))
        options.addWidget(self.max_len_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source_box)
        layout.addLayout(options)
        layout.addWidget(self.output_text)
        layout.addWidget(self.source_chips)
        layout.addWidget(self.output_chips)
        layout.addWidget(self.notice)

        self.source_box.textChanged.connect(self._on_source)
        self.reference_box.textChanged.connect(session.set_reference)
        self.beam_box.valueChanged.connect(session.set_beam)
        self.max_len_box.valueChanged.connect(session.set_max_len)
        for chips in (self.source_chips, self.output_chips):
            chips.sigTokenClicked.connect(session.select_token)
        session.sigInputsChanged.connect(self._show_inputs)
        session.sigRecordChanged.connect(self._show_record)
        session.sigResultChanged.connect(self._show_result)
        session.sigSelectionChanged.connect(self._show_selection)
        session.sigModelChanged.connect(self._show_all)
        session.sigDisplayChanged.connect(self._show_theme)
        self._show_all()

    def _in_use(self) -> bool:
        """Only a translation model's results are drawn here (the panel is hidden otherwise)."""
        return self.session.task_kind in ("translation", None)

    def _show_all(self) -> None:
        self._show_inputs()
        self._show_result()
        self._show_record()

    def _on_source(self) -> None:
        self.session.set_source(self.source_box.toPlainText())

    def _show_inputs(self) -> None:
        inputs, options = self.session.inputs, self.session.options
        self.source_box.set_text(inputs.source)
        if self.reference_box.text() != inputs.reference:
            blocked = self.reference_box.blockSignals(True)
            self.reference_box.setText(inputs.reference)
            self.reference_box.blockSignals(blocked)
        for box, value in ((self.beam_box, options.beam), (self.max_len_box, options.max_len)):
            blocked = box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(blocked)

    def _show_result(self) -> None:
        if not self._in_use():
            return
        result = self.session.result
        translated = isinstance(result, TranslationResult)
        self.output_text.setText(f"→ {result.output_text}" if translated else "")
        self.output_text.setVisible(translated)
        self.source_box.mark_words(result.unknown_words if translated else [])
        self.notice.show_notices(result_notices(self.session))

    def _show_record(self) -> None:
        if not self._in_use():
            return
        result, node = self.session.result, self.session.beam_node
        if isinstance(result, TranslationResult):
            text = f"→ {result.output_text}"
            if node is not None:
                text += f"   (showing the beam's hypothesis {node[1]} at step {node[0] + 1})"
            self.output_text.setText(text)
        show_side(self.session, self.source_chips)
        show_side(self.session, self.output_chips, with_probs=True)

    def _show_theme(self) -> None:
        for chips in (self.source_chips, self.output_chips):
            chips.set_theme(self.session.display.theme)

    def _show_selection(self) -> None:
        if not self._in_use():
            return
        select_chip(self.session, self.source_chips)
        select_chip(self.session, self.output_chips)
