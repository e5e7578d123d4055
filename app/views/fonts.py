"""The app's fonts draw Chinese: the application font lists a CJK family after the UI family, so
every widget and every view's ``QFont()`` (token axes, beam tree, token lines, input boxes) falls
back to it glyph by glyph. The family is the system's (QFontDatabase's Simplified Chinese
families, best first by ``app.cjk.rank``), else the ``cjk`` extra's bundled Noto Sans CJK SC,
registered with the application; None when neither exists (the window then says what to install,
once).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6 import QtGui

from app.cjk import bundled_font_files, rank


def system_cjk_families() -> list[str]:
    """The installed families that draw Simplified Chinese."""
    return list(QtGui.QFontDatabase.families(QtGui.QFontDatabase.WritingSystem.SimplifiedChinese))


def find_cjk_family(families: Sequence[str], files: Iterable[Path]) -> str | None:
    """The best of ``families``; else the first family of ``files`` that Qt can register."""
    if families:
        return min(families, key=rank)
    for path in files:
        font_id = QtGui.QFontDatabase.addApplicationFont(str(path))
        registered = QtGui.QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if registered:
            return min(registered, key=rank)
    return None


@functools.cache
def cjk_family() -> str | None:
    """The CJK family of this process (looked for once; needs a QGuiApplication)."""
    return find_cjk_family(system_cjk_families(), bundled_font_files())


def with_fallback(font: QtGui.QFont, family: str) -> QtGui.QFont:
    """``font`` with ``family`` after its own families (unchanged when it has it already)."""
    families = font.families() or [font.family()]
    if family not in families:
        font = QtGui.QFont(font)
        font.setFamilies([*families, family])
    return font


def use_cjk_font(app: QtGui.QGuiApplication) -> str | None:
    """Make ``app``'s font fall back to the CJK family; returns it (None: there is none). Call
    before the widgets are built: a ``QFont()`` copies the application font when it is made."""
    family = cjk_family()
    if family is not None:
        app.setFont(with_fallback(app.font(), family))
    return family
