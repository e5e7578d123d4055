"""The Help menu's texts: About (version and what the app is for) and the keyboard shortcuts,
listed from the window's own actions, so the list is never out of date."""

from __future__ import annotations

import html
import platform
import re

import PySide6
import torch
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TR_NOOP

from core_models import __version__

TITLE = "Attention Workbench"  # a name: the same in every language
# The texts below are translated where they are shown.
DESCRIPTION = QT_TR_NOOP(
    "Attention Workbench trains small sequence models (an RNN encoder-decoder, Bahdanau and "
    "Luong attention, the Transformer, decomposable attention and a Transformer classifier for "
    "NLI) and shows where their attention goes: every head of every layer at every decoding "
    "step, as a heatmap, a grid of heads, lines between tokens, the decoding steps with their "
    "candidates and the beam search tree. Type in the box and every keystroke is decoded in "
    "the background; click a token anywhere to follow it in every view; select words to keep "
    "only their rows or columns; compare two models on the same sentence.",
)
# Keys that are not menu items: what they do, where.
OTHER_KEYS = (
    (
        QT_TR_NOOP("Shift+← / →, or drag"),
        QT_TR_NOOP("in a text box: select words to filter the maps to their tokens"),
    ),
    ("Tab", QT_TR_NOOP("next box or control")),
)


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def about_html() -> str:
    """The About box: name, version, the paragraph above, the versions it runs on."""
    runs_on = (
        f"Python {platform.python_version()} · PySide6 {PySide6.__version__} · "
        f"Qt {QtCore.qVersion()} · PyTorch {torch.__version__}"
    )
    return (
        f"<h3>{TITLE} {__version__}</h3><p>{html.escape(tr(DESCRIPTION))}</p>"
        f"<p style='color:gray'>{runs_on}</p>"
    )


def plain(text: str) -> str:
    """A menu text without its accelerator: "&File" -> "File", "文件(&F)" -> "文件"."""
    return re.sub(r"\(&\w\)|&", "", text)


def shortcut_rows(bar: QtWidgets.QMenuBar) -> list[tuple[str, str, str]]:
    """(keys, what, menu) for every action of the menu bar that has a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []

    def visit(menu: QtWidgets.QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                visit(action.menu(), f"{path} ▸ {plain(action.menu().title())}")
            else:
                native = QtGui.QKeySequence.SequenceFormat.NativeText
                keys = tr(" or ").join(
                    text for key in action.shortcuts() if (text := key.toString(native))
                )
                if keys:
                    rows.append((keys, plain(action.text()).rstrip("…"), path))

    for action in bar.actions():
        if action.menu() is not None:
            visit(action.menu(), plain(action.menu().title()))
    return rows


def shortcuts_html(bar: QtWidgets.QMenuBar) -> str:
    """Every shortcut of the menu bar, then the keys of the text boxes, as an HTML table."""
    rows = [
        *shortcut_rows(bar),
        *((tr(keys), tr(what), "") for keys, what in OTHER_KEYS),
    ]
    body = "".join(
        f"<tr><td style='padding-right:14px'><b>{html.escape(keys)}</b></td>"
        f"<td style='padding-right:14px'>{html.escape(what)}</td>"
        f"<td style='color:gray'>{html.escape(menu)}</td></tr>"
        for keys, what, menu in rows
    )
    note = tr(
        "The decoding-step keys also work while you type in a text box; there, Ctrl+← / → "
        "move by words."
    )
    title = tr("Keyboard shortcuts")
    return f"<h3>{title}</h3><table>{body}</table><p>{html.escape(note)}</p>"


class ShortcutsDialog(QtWidgets.QDialog):
    """A non-modal window listing the shortcuts of ``bar`` (refreshed each time it is shown)."""

    def __init__(self, bar: QtWidgets.QMenuBar, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.setWindowTitle(self.tr("Keyboard shortcuts — {title}").format(title=TITLE))
        self.setMinimumWidth(640)
        self.text = QtWidgets.QLabel()
        self.text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        close = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(close)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        self.text.setText(shortcuts_html(self.bar))
        super().showEvent(event)
