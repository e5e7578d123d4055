"""Tokens as clickable chips that wrap like words (Qt's flow layout example): the source the
model read and the output it produced, each with its probability, unknown words marked.

The chips' height is set explicitly and only changes when the number of rows does: a keystroke
that changes the tokens but not the rows never resizes (and so never redraws) the views below.
Likewise a chip whose token grows while the user types takes CHIP_SLACK_PX more than it needs,
and keeps its width when the token shrinks: the next keystrokes in that word move none of the
chips after it (each chip moved is a chip repainted: typing in the middle of a long input
repainted every chip after the caret). A new sentence gives every chip its own width again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import side_name
from app.views.style import Palette, palette_for, percent

UNKNOWN_BORDER = "#d6336c"


def chip_style(colors: Palette) -> str:
    """The chips' style sheet in the colours of a light or dark palette. An unknown word's
    thicker border takes the room of its padding: a chip never changes size when a half-typed
    word becomes unknown (a taller row would resize the views below)."""
    return f"""
QToolButton {{
    border: 1px solid {colors.grid}; border-radius: 4px; padding: 1px 5px;
    color: {colors.text}; background: {colors.panel};
}}
QToolButton:checked {{ background: {colors.accent}; color: {colors.background}; }}
QToolButton[unknown="true"] {{ border: 2px dashed {UNKNOWN_BORDER}; padding: 0px 4px; }}
"""


class FlowLayout(QtWidgets.QLayout):
    """Lays its items out left to right, wrapping to a new line when the width runs out."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QtWidgets.QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QtWidgets.QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QtWidgets.QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QtWidgets.QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> QtCore.Qt.Orientation:
        return QtCore.Qt.Orientation(0)

    def height_for(self, width: int) -> int:
        """The height the visible items need in ``width`` pixels."""
        return self._arrange(QtCore.QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QtCore.QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QtCore.QSize:
        return self.minimumSize()

    def minimumSize(self) -> QtCore.QSize:
        size = QtCore.QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QtCore.QRect, move: bool) -> int:
        """Place the visible items in ``rect`` (when ``move``); returns the height they need."""
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line_height > 0:
                x, y = rect.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QtCore.QRect(QtCore.QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


MAX_ROWS = 3  # rows of chips shown before they scroll
CHIP_SLACK_PX = 16  # the room a growing chip takes for the next characters typed


def a_few_changed(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether ``new`` is ``old`` with at most two tokens changed, added or removed in one place
    (what one keystroke does), and not a new sentence."""
    if not old:
        return False
    shortest = min(len(old), len(new))
    prefix = next((i for i in range(shortest) if old[i] != new[i]), shortest)
    rest = shortest - prefix
    suffix = next((i for i in range(rest) if old[-1 - i] != new[-1 - i]), rest)
    return max(len(old), len(new)) - prefix - suffix <= 2


class TokenChips(QtWidgets.QWidget):
    """One side's tokens ("source", "target", ...) as checkable chips; one can be selected.

    sigTokenClicked(side, index): the user clicked chip ``index``.
    """

    sigTokenClicked = QtCore.Signal(str, int)

    def __init__(self, side: str, caption: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.caption = QtWidgets.QLabel(caption)
        self.caption.setMinimumWidth(70)
        self.caption.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
        self.chips: list[QtWidgets.QToolButton] = []  # reused: only the first len(tokens) show
        self.tokens: list[str] = []
        self._area = QtWidgets.QWidget()
        self.set_theme("light")
        self._flow = FlowLayout(self._area)
        # A long input (a Hugging Face model reads 512 tokens) scrolls within MAX_ROWS rows of
        # chips instead of pushing the views below off the window.
        self._scroll = QtWidgets.QScrollArea()
        self._scroll.setWidget(self._area)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the rows show the panel behind them: a scroll area fills its viewport and its widget
        # with the style's window colour, light grey under the chips of the dark theme
        for widget in (self._area, self._scroll.viewport()):
            widget.setAutoFillBackground(False)
        self._scroll.setStyleSheet("QScrollArea { background: transparent; }")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self._scroll, 1)

    def set_tokens(
        self,
        tokens: Sequence[str],
        probs: Sequence[float] | None = None,
        unknown: set[int] | frozenset[int] = frozenset(),
    ) -> None:
        """Show ``tokens`` (with their probabilities when given); indices in ``unknown`` are the
        words the model never saw in training."""
        typing = a_few_changed(self.tokens, tokens)
        same = list(tokens) == self.tokens  # the record shown again (a map added): widths stay
        self.tokens = list(tokens)
        while len(self.chips) < len(self.tokens):
            chip = QtWidgets.QToolButton()
            chip.setCheckable(True)
            chip.setAutoRaise(False)
            position = len(self.chips)
            chip.clicked.connect(lambda _=False, index=position: self._clicked(index))
            self._flow.addWidget(chip)
            self.chips.append(chip)
        for index, chip in enumerate(self.chips):
            shown = index < len(self.tokens)
            if chip.isHidden() == shown:
                chip.setVisible(shown)
            if (not typing or not shown) and not same:
                chip.setMinimumWidth(0)  # its own width again: a new sentence, or hidden
            if shown:
                is_unknown = index in unknown
                self._show_chip(
                    chip, index, probs[index] if probs is not None else None, is_unknown
                )
                needed = chip.sizeHint().width()
                if typing and not same and needed > chip.minimumWidth():
                    chip.setMinimumWidth(needed + CHIP_SLACK_PX)
        self._flow.invalidate()
        self._fit_height(shrink=not typing)

    def _fit_height(self, shrink: bool = False) -> None:
        """Give the chips the height of the rows they wrap into. While the user types it only
        grows (a row more, then a row less, would resize the views below at every keystroke);
        ``shrink`` (a new sentence, a new width, ``reset_height``) lets it shrink too."""
        width = max(self._scroll.width(), 1)
        needed = self._flow.height_for(width)
        if needed > self._max_height():  # they scroll: the scroll bar takes some width
            bar = self._scroll.verticalScrollBar().sizeHint().width()
            needed = self._flow.height_for(max(width - bar, 1))
        height = needed if shrink else max(needed, self._area.minimumHeight())
        if height != self._area.minimumHeight() or height != self._area.maximumHeight():
            self._area.setFixedHeight(height)
        shown = min(height, self._max_height())
        if shown != self._scroll.maximumHeight() or shown != self._scroll.minimumHeight():
            self._scroll.setFixedHeight(shown)

    def _max_height(self) -> int:
        """The height of ``MAX_ROWS`` rows of chips (more scroll)."""
        row = self.chips[0].sizeHint().height() if self.chips else 24
        return MAX_ROWS * (row + self._flow._spacing)

    def reset_height(self) -> None:
        """Fit the height to the tokens on show, shrinking if they need fewer rows."""
        self._fit_height(shrink=True)

    def set_theme(self, theme: str) -> None:
        """Colour the chips for the "light" or "dark" palette."""
        self._area.setStyleSheet(chip_style(palette_for(theme)))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height(shrink=True)

    def _show_chip(
        self, chip: QtWidgets.QToolButton, index: int, prob: float | None, is_unknown: bool
    ) -> None:
        token = self.tokens[index]
        text = (token if prob is None else f"{token}\n{percent(prob)}").replace("&", "&&")
        if chip.text() == text and chip.property("unknown") == is_unknown:
            return
        chip.setText(text)
        if chip.property("unknown") != is_unknown:
            chip.setProperty("unknown", is_unknown)
            chip.style().unpolish(chip)
            chip.style().polish(chip)
        tip = self.tr("{side} token {index}: '{token}'").format(
            side=side_name(self.side), index=index, token=token
        )
        if prob is not None:
            tip += f", p = {prob:.3f}"
        chip.setToolTip(tip + (self.tr(" · never seen in training") if is_unknown else ""))

    def set_selected(self, index: int | None) -> None:
        """Check chip ``index`` (None: none)."""
        for position, chip in enumerate(self.chips):
            chip.setChecked(position == index)

    def selected(self) -> int | None:
        return next(
            (i for i, chip in enumerate(self.chips[: len(self.tokens)]) if chip.isChecked()), None
        )

    def _clicked(self, index: int) -> None:
        self.chips[index].setChecked(True)  # the Session's answer decides; a click never unchecks
        self.sigTokenClicked.emit(self.side, index)
