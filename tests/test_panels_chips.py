"""The token chips: a keystroke repaints the chips it changed, not every chip after the caret; a
click selects, unknown words are marked, every chip says what it is in its tooltip."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from view_checks import show_view

from app.panels.chips import TokenChips

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "the",
    "lazy",
    "dog",
    "while",
    "the",
    "old",
    "cat",
    "sleeps",
    "on",
    "the",
    "warm",
    "mat",
    "by",
    "the",
    "open",
    "door",
    "of",
    "the",
    "house",
]


class ChipPaints(QtCore.QObject):
    """Counts the paint events of the chip buttons (installed on the application)."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0
        QtWidgets.QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QtCore.QEvent.Type.Paint and isinstance(watched, QtWidgets.QToolButton):
            self.paints += 1
        return False


def paints_of(chips: TokenChips, counter: ChipPaints, tokens: list[str]) -> int:
    """The chip paints caused by showing ``tokens`` (the tokens of the text after a keystroke)."""
    counter.paints = 0
    chips.set_tokens(tokens)
    for _ in range(3):
        QtWidgets.QApplication.processEvents()
    return counter.paints


def test_typing_a_word_in_the_middle_repaints_only_its_chip(qtbot):
    chips = show_view(qtbot, TokenChips("source", "model read"), size=(900, 120))
    chips.set_tokens(WORDS)
    QtWidgets.QApplication.processEvents()
    counter = ChipPaints()
    try:
        prefixes = ["b", "bi", "big"]
        typed = [paints_of(chips, counter, [*WORDS[:5], p, *WORDS[5:]]) for p in prefixes]
        backspace = paints_of(chips, counter, [*WORDS[:5], "bi", *WORDS[5:]])
    finally:
        QtWidgets.QApplication.instance().removeEventFilter(counter)
    assert typed[1] <= 2 and typed[2] <= 2 and backspace <= 2  # was one per chip moved: 21
    assert [chip.text() for chip in chips.chips[:7]] == [*WORDS[:5], "bi", WORDS[5]]
    rects = [chip.geometry() for chip in chips.chips[: len(chips.tokens)]]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_a_new_sentence_gives_each_chip_its_own_width_again(qtbot):
    chips = show_view(qtbot, TokenChips("source", "model read"), size=(900, 120))
    chips.set_tokens(WORDS)
    chips.set_tokens([*WORDS[:5], "elephantine", *WORDS[5:]])  # a keystroke: room for the next
    assert chips.chips[5].minimumWidth() > chips.chips[5].sizeHint().width()
    chips.set_tokens(["a", "new", "sentence"])
    QtWidgets.QApplication.processEvents()
    assert all(chip.minimumWidth() == 0 for chip in chips.chips)
    widths = [chip.width() for chip in chips.chips[:3]]
    assert widths == [chip.sizeHint().width() for chip in chips.chips[:3]]


def test_the_same_tokens_shown_again_keep_their_widths(qtbot):
    chips = show_view(qtbot, TokenChips("source", "model read"), size=(900, 120))
    chips.set_tokens(WORDS)
    QtWidgets.QApplication.processEvents()
    widths = [chip.width() for chip in chips.chips[: len(WORDS)]]
    chips.set_tokens(WORDS)  # the record shown again, e.g. with a map computed on request
    QtWidgets.QApplication.processEvents()
    assert [chip.width() for chip in chips.chips[: len(WORDS)]] == widths
    assert all(chip.minimumWidth() == 0 for chip in chips.chips)


def test_a_new_sentence_takes_only_the_rows_it_needs(qtbot):
    """A short sentence after a long one (a sample, a paste, another model's output) is one row
    of chips, not the long one's rows with an empty band under it; typing still only grows."""
    chips = show_view(qtbot, TokenChips("target", "output"), size=(500, 200))
    chips.set_tokens(["short"])
    one_row = chips.sizeHint().height()
    chips.set_tokens(WORDS)
    QtWidgets.QApplication.processEvents()
    assert chips.sizeHint().height() > one_row  # WORDS wrap at 500 px
    chips.set_tokens(WORDS[:-1])  # a keystroke: the rows stay
    assert chips.sizeHint().height() > one_row
    chips.set_tokens(["a", "new", "sentence"])
    QtWidgets.QApplication.processEvents()
    assert chips.sizeHint().height() == one_row


def test_chips_select_on_click_mark_unknown_words_and_explain_themselves(qtbot):
    chips = show_view(qtbot, TokenChips("source", "model read"), size=(900, 120))
    chips.set_tokens(WORDS)
    chips.set_tokens([*WORDS[:3], "zorb", *WORDS[3:]], unknown={3})  # a keystroke
    QtWidgets.QApplication.processEvents()
    assert [chip.property("unknown") for chip in chips.chips[:5]] == [False] * 3 + [True, False]
    assert "'zorb'" in chips.chips[3].toolTip() and "never seen" in chips.chips[3].toolTip()
    with qtbot.waitSignal(chips.sigTokenClicked, timeout=1000) as clicked:
        qtbot.mouseClick(chips.chips[3], QtCore.Qt.MouseButton.LeftButton)
    assert clicked.args == ["source", 3] and chips.selected() == 3
