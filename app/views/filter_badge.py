"""The "filtered: source tokens 2–4 · clear" line a view shows while its rows or columns are
filtered to the tokens of a text selection (``Selection.span``); its "clear" link asks for every
token back.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtWidgets

from app.i18n.terms import describe_span
from app.state.selection import TokenSpan

CLEAR_LINK = "clear"


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def badge_text(span: TokenSpan, tokens: list[str], applies: bool) -> str:
    """Rich text of the badge: the span, the tokens it keeps (the first few) and a clear link."""
    shown = " ".join(tokens[:6]) + (" …" if len(tokens) > 6 else "")
    words = f" ({html.escape(shown)})" if shown else ""
    what = (
        tr("filtered: {span}").format(span=describe_span(span.side, span.first, span.last)) + words
        if applies
        else tr("filter on {span}: not on this map").format(
            span=describe_span(span.side, span.first, span.last)
        )
    )
    return f"{what} · <a href='{CLEAR_LINK}'>{tr('clear')}</a>"


class FilterBadge(QtWidgets.QLabel):
    """Hidden while nothing is filtered.

    sigCleared(): the user clicked "clear".
    """

    sigCleared = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setToolTip(self.tr("the view keeps only the tokens of the text you selected"))
        self.linkActivated.connect(lambda _link: self.sigCleared.emit())
        self.hide()

    def show_span(self, span: TokenSpan | None, tokens: list[str], applies: bool) -> None:
        """Show ``span`` (None hides the badge); ``tokens``: the ones it keeps on this map;
        ``applies``: whether the map has the span's side at all."""
        if span is None:
            self.setVisible(False)
            return
        text = badge_text(span, tokens, applies)
        if text != self.text():
            self.setText(text)
        self.setVisible(True)
