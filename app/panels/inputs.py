"""Pieces shared by the translate and NLI panels: a text box that marks unknown words, the notice
line (empty input, truncation, unknown words, forced decoding, errors), chip rows fed from the
record on show, and text selections passed on to the Session (they filter the maps).
"""

from __future__ import annotations

import re

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TR_NOOP  # marks a string for lupdate, shown translated

from app.panels.chips import TokenChips
from app.state import records
from app.state.session import Session
from app.views.style import palette_for

UNKNOWN_UNDERLINE = "#d6336c"


class InputBox(QtWidgets.QPlainTextEdit):
    """A short multi-line text box; ``mark_words`` underlines words (the unknown ones)."""

    def __init__(self, placeholder: str, lines: int = 2) -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(int(line * lines + 2 * self.frameWidth() + 12))

    def set_text(self, text: str) -> None:
        """Replace the text without emitting ``textChanged`` (the Session already knows it)."""
        if self.toPlainText() != text:
            blocked = self.blockSignals(True)
            self.setPlainText(text)
            self.moveCursor(QtGui.QTextCursor.MoveOperation.End)
            self.blockSignals(blocked)

    def mark_words(self, words: list[str]) -> None:
        """Underline every whole-word occurrence of ``words`` with a red wave."""
        text = self.toPlainText()
        selections = []
        marker = QtGui.QTextCharFormat()
        marker.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.WaveUnderline)
        marker.setUnderlineColor(QtGui.QColor(UNKNOWN_UNDERLINE))
        marker.setToolTip(tr("never seen in the model's training data"))
        for word in words:
            for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                selection = QtWidgets.QTextEdit.ExtraSelection()
                selection.format = marker
                cursor = QtGui.QTextCursor(self.document())
                cursor.setPosition(match.start())
                cursor.setPosition(match.end(), QtGui.QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selections.append(selection)
        self.setExtraSelections(selections)


class NoticeLabel(QtWidgets.QLabel):
    """What the user should know about the result on show (else ``tip``, muted), on one line of
    constant height: the notices side by side, cut with "…" when too long, all of them in the
    tooltip. A notice that comes and goes while the user types (a half-typed word is an unknown
    word) never resizes the views below (each resize costs the heatmap a relayout and repaints).
    """

    # (background, text, border) of a notice, by theme; the tip is in the palette's muted colour
    NOTICE_COLORS = {
        "light": ("#fff3bf", "#5c3c00", "#f0c36d"),
        "dark": ("#3d3415", "#ffe8a3", "#8a6d1f"),
    }
    SEPARATOR = "  ·  "

    def __init__(self, tip: str = "") -> None:
        super().__init__()
        self.tip = tr(tip)
        self._notices: list[str] = []
        self._full_text = ""
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.set_theme("light")
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 2 * (3 + 1) + 2)  # padding, border
        self.show_notices([])

    def set_theme(self, theme: str) -> None:
        """Colour the tip and the notices for the "light" or "dark" palette."""
        background, text, border = self.NOTICE_COLORS[theme]
        self.setStyleSheet(
            "QLabel { border-radius: 4px; padding: 3px 6px; border: 1px solid transparent; }"
            f'QLabel[empty="true"] {{ color: {palette_for(theme).muted}; }}'
            f'QLabel[empty="false"] {{ background: {background}; color: {text}; '
            f"border-color: {border}; }}"
        )

    def show_notices(self, notices: list[str]) -> None:
        self._notices = list(notices)
        self._full_text = self.SEPARATOR.join(notices) if notices else self.tip
        self.setToolTip("\n".join(notices))
        self._fit_text()
        if self.property("empty") != (not notices):
            self.setProperty("empty", not notices)
            self.style().unpolish(self)
            self.style().polish(self)

    def notices(self) -> list[str]:
        """The notices on show ([] while the tip shows)."""
        return list(self._notices)

    def full_text(self) -> str:
        """Everything the line says, before it is cut to its width."""
        return self._full_text

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        room = max(self.width() - 2 * (6 + 1) - 4, 40)
        elided = self.fontMetrics().elidedText(
            self._full_text, QtCore.Qt.TextElideMode.ElideRight, room
        )
        if elided != self.text():
            self.setText(elided)


# The notice line's tips, translated where they are shown.
NLI_TIP = QT_TR_NOOP(
    "Click a token to follow it everywhere · select words to filter · Alt+←/→ head · "
    "Alt+↑/↓ layer · Esc clears · F1 all keys",
)
TRANSLATE_TIP = QT_TR_NOOP(
    "Click a token to follow it everywhere · select words to filter · Alt+←/→ head · "
    "Alt+↑/↓ layer · PgUp/PgDn step · Esc clears · F1 all keys",
)


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def result_notices(session: Session) -> list[str]:
    """Truncation, unknown words, forced decoding, or why there is no result."""
    result = session.result
    if result is None:
        return [session.hint[0].upper() + session.hint[1:]] if session.hint else []
    notices = [session.input_note] if session.can_restore_inputs else []
    if result.truncated:
        limit = session.model.max_source_len
        notices.append(
            tr(
                "⚠ Truncated: the input is longer than this model's limit of {limit} tokens; "
                "only the first {read} were read."
            ).format(limit=limit, read=limit - 1)
        )
    unknown = records.unknown_count(result)
    if unknown:
        words = ", ".join(result.unknown_words[:12])
        notices.append(
            tr("{unknown}, never seen in training (marked)").format(unknown=unknown)
            + (f": {words}" if words else "")
        )
    if getattr(result, "forced", False):
        notices.append(
            tr(
                "Forced decoding: the model was made to produce the reference; the maps show "
                "where it looked while doing so."
            )
        )
    return notices


class NoticeRow(QtWidgets.QWidget):
    """The notice line and, after a model switch replaced the user's text with a sample, a "Back
    to my text" button that puts it back."""

    def __init__(self, session: Session, notice: NoticeLabel) -> None:
        super().__init__()
        self.session, self.notice = session, notice
        self.back_button = QtWidgets.QPushButton(self.tr("Back to my text"))
        self.back_button.setToolTip(self.tr("put back the text you had before the model changed"))
        self.back_button.clicked.connect(session.restore_inputs)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(notice, 1)
        layout.addWidget(self.back_button)
        for signal in (session.sigInputsChanged, session.sigModelChanged):
            signal.connect(self._show)
        self._show()

    def _show(self) -> None:
        self.back_button.setVisible(self.session.can_restore_inputs)


def show_side(session: Session, chips: TokenChips, with_probs: bool = False) -> None:
    """Fill ``chips`` with the tokens of its side in the record on show."""
    record, result = session.record, session.result
    tokens = records.side_tokens(record).get(chips.side, [])
    words = session.display.units == "words"
    probs = None
    if with_probs and not words and record is not None and len(record.steps) == len(tokens):
        probs = [step.prob for step in record.steps]
    unknown: set[int] = set()
    if result is not None and chips.side != "target":
        unknown = records.unknown_positions(
            session.model, chips.side, tokens, result.unknown_words, words
        )
    chips.set_tokens(tokens, probs, unknown)
    chips.setVisible(bool(tokens))
    if not tokens:
        chips.reset_height()  # the next tokens start from one row again
    select_chip(session, chips)


def select_chip(session: Session, chips: TokenChips) -> None:
    """Check the chip of the selected token when it is on ``chips``' side."""
    token = session.selection.token if session.selection is not None else None
    chips.set_selected(token.index if token is not None and token.side == chips.side else None)


TextBox = QtWidgets.QPlainTextEdit | QtWidgets.QLineEdit


def python_index(text: str, position: int) -> int:
    """Qt's position ``position`` in ``text`` (UTF-16 code units) as a Python string index."""
    return len(text.encode("utf-16-le")[: 2 * position].decode("utf-16-le", errors="ignore"))


def selected_range(box: TextBox) -> tuple[int, int]:
    """(start, end) of the text selected in ``box`` as indices of its text; (0, 0) when none."""
    if isinstance(box, QtWidgets.QLineEdit):
        if not box.hasSelectedText():
            return 0, 0
        start, end = box.selectionStart(), box.selectionStart() + box.selectionLength()
        text = box.text()
    else:
        cursor = box.textCursor()
        start, end, text = cursor.selectionStart(), cursor.selectionEnd(), box.toPlainText()
    return python_index(text, start), python_index(text, end)


def pass_text_selections(session: Session, boxes: dict[str, TextBox]) -> None:
    """Text selected in ``boxes`` (by box name: "source", "output", ...) filters the maps; the
    boxes' selections follow the Session's (one filter at a time: a new one, or "clear" on a
    view, unselects the text of the other boxes)."""
    for name, box in boxes.items():
        box.selectionChanged.connect(
            lambda name=name, box=box: session.select_text(name, *selected_range(box))
        )

    def follow_session() -> None:
        chosen = session.text_selection
        for name, box in boxes.items():
            start, end = selected_range(box)
            if (chosen is None or chosen.box != name) and start < end:
                blocked = box.blockSignals(True)
                if isinstance(box, QtWidgets.QLineEdit):
                    box.deselect()
                else:
                    cursor = box.textCursor()
                    cursor.clearSelection()
                    box.setTextCursor(cursor)
                box.blockSignals(blocked)

    session.sigSelectionChanged.connect(follow_session)
    session.sigRecordChanged.connect(follow_session)
