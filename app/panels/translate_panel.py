"""The translate panel: the source box (translates as you type), an optional reference for forced
decoding, greedy / beam width / max length, the translation, and the source and output tokens as
clickable chips. Selecting words of the source, the reference or the translation filters the maps
to their tokens.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from app.panels.chips import TokenChips
from app.panels.inputs import (
    TRANSLATE_TIP,
    InputBox,
    NoticeLabel,
    NoticeRow,
    pass_text_selections,
    result_notices,
    select_chip,
    show_side,
)
from app.state.session import Session
from app.views.style import palette_for
from core_models.inference import TranslationResult

MAX_BEAM = 16
MAX_OUTPUT = 400


class OutputLine(QtWidgets.QLineEdit):
    """The translation, read-only but selectable (selected words filter the maps), as wide as
    its text when there is room (a note can follow it) and never wider than the room."""

    def __init__(self) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setFrame(False)
        self.setToolTip(self.tr("the translation · select words to see only their rows"))
        self.set_theme("light")

    def set_theme(self, theme: str) -> None:
        """The text in the "light" or "dark" palette's colour, on the panel's background."""
        colors = palette_for(theme)
        self.setStyleSheet(
            f"QLineEdit {{ background: transparent; color: {colors.text}; "
            f"selection-background-color: {colors.accent}; "
            f"selection-color: {colors.background}; }}"
        )

    def sizeHint(self) -> QtCore.QSize:
        hint = super().sizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance(self.text()) + 16)
        return hint


class TranslatePanel(QtWidgets.QWidget):
    """Inputs and output of a translation model, bound to ``session``."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.source_box = InputBox(self.tr("Type a sentence to translate…"))
        self.reference_box = QtWidgets.QLineEdit()
        self.reference_box.setPlaceholderText(
            self.tr("optional reference translation: the model is forced to produce it")
        )
        self.reference_box.setClearButtonEnabled(True)
        self.beam_box = QtWidgets.QSpinBox()
        self.beam_box.setRange(1, MAX_BEAM)
        self.beam_box.setSpecialValueText(self.tr("greedy"))
        self.beam_box.setToolTip(self.tr("beam width (greedy: 1)"))
        self.max_len_box = QtWidgets.QSpinBox()
        self.max_len_box.setRange(0, MAX_OUTPUT)
        self.max_len_box.setSpecialValueText(self.tr("auto"))
        self.max_len_box.setToolTip(
            self.tr("longest output in tokens (auto: twice the source + 10)")
        )
        self.output_text = OutputLine()
        self.output_arrow = QtWidgets.QLabel("→")
        self.output_note = QtWidgets.QLabel()  # which beam hypothesis is on show
        self.output_note.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)
        font = self.output_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        for label in (self.output_text, self.output_arrow):
            label.setFont(font)
        self.source_chips = TokenChips("source", self.tr("model read"))
        self.output_chips = TokenChips("target", self.tr("output · p"))
        self.notice = NoticeLabel(TRANSLATE_TIP)

        self._lay_out()

        self.source_box.textChanged.connect(self._on_source)
        self.reference_box.textChanged.connect(session.set_reference)
        self.beam_box.valueChanged.connect(session.set_beam)
        self.max_len_box.valueChanged.connect(session.set_max_len)
        for chips in (self.source_chips, self.output_chips):
            chips.sigTokenClicked.connect(session.select_token)
        pass_text_selections(
            session,
            {
                "source": self.source_box,
                "reference": self.reference_box,
                "output": self.output_text,
            },
        )
        session.sigInputsChanged.connect(self._show_inputs)
        session.sigRecordChanged.connect(self._show_record)
        session.sigResultChanged.connect(self._show_result)
        session.sigSelectionChanged.connect(self._show_selection)
        session.sigModelChanged.connect(self._show_all)
        session.sigDisplayChanged.connect(self._show_theme)
        self._show_all()

    def _lay_out(self) -> None:
        options = QtWidgets.QHBoxLayout()
        options.addWidget(QtWidgets.QLabel(self.tr("reference")))
        options.addWidget(self.reference_box, 1)
        options.addWidget(QtWidgets.QLabel(self.tr("beam")))
        options.addWidget(self.beam_box)
        options.addWidget(QtWidgets.QLabel(self.tr("max length")))
        options.addWidget(self.max_len_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source_box)
        layout.addLayout(options)
        output = QtWidgets.QHBoxLayout()
        output.addWidget(self.output_arrow)
        output.addWidget(self.output_text)
        output.addWidget(self.output_note)
        output.addStretch(1)
        layout.addLayout(output)
        layout.addWidget(self.source_chips)
        layout.addWidget(self.output_chips)
        self.notice_row = NoticeRow(self.session, self.notice)
        layout.addWidget(self.notice_row)

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
        self._show_output(result.output_text if translated else "")
        for widget in (self.output_arrow, self.output_text, self.output_note):
            widget.setVisible(translated)
        self.source_box.mark_words(result.unknown_words if translated else [])
        self.notice.show_notices(result_notices(self.session))

    def _show_record(self) -> None:
        if not self._in_use():
            return
        node = self.session.beam_node
        self.output_note.setText(
            ""
            if node is None
            else self.tr("(showing the beam's hypothesis {hypothesis} at step {step})").format(
                hypothesis=node[1], step=node[0] + 1
            )
        )
        show_side(self.session, self.source_chips)
        show_side(self.session, self.output_chips, with_probs=True)

    def _show_output(self, text: str) -> None:
        """The translation, without telling the Session its selection went (it knows)."""
        if self.output_text.text() != text:
            blocked = self.output_text.blockSignals(True)
            self.output_text.setText(text)
            self.output_text.setCursorPosition(0)
            self.output_text.blockSignals(blocked)
            self.output_text.updateGeometry()  # its width follows the text

    def _show_theme(self) -> None:
        theme = self.session.display.theme
        for chips in (self.source_chips, self.output_chips):
            chips.set_theme(theme)
        self.output_text.set_theme(theme)
        self.notice.set_theme(theme)

    def _show_selection(self) -> None:
        if not self._in_use():
            return
        select_chip(self.session, self.source_chips)
        select_chip(self.session, self.output_chips)
