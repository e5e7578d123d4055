"""The fonts of a figure: matplotlib's default sans-serif, then a CJK family for the glyphs it
lacks (matplotlib falls back glyph by glyph through a list of families), so that Chinese tokens
are drawn, not boxes. The CJK family is found once: among the fonts matplotlib knows, then the
system's font files (matplotlib's font cache predates fonts installed after it), then the ``cjk``
extra's bundled Noto Sans CJK SC. Without one, a figure with Chinese text gives one warning
naming what to install, not matplotlib's "Glyph missing" warning per character.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.ft2font import FT2Font

from app.cjk import INSTALL_HINT, SAMPLE, bundled_font_files, has_cjk, rank

UI_FAMILY = "DejaVu Sans"  # matplotlib's own default, always there
# File names of system fonts worth opening to look for CJK glyphs (opening every font is slow).
MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")
CJK_FILE_NAME = re.compile(r"cjk|han|hei|song|kai|ming|gothic|wqy|wenquanyi|fallback|sc\b", re.I)


class MissingFontWarning(UserWarning):
    """No font draws the figure's Chinese text."""


def draws_cjk(path: str | Path) -> bool:
    """Whether the font file at ``path`` has glyphs for ``SAMPLE``."""
    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(char)) for char in SAMPLE)


def find_cjk_family(
    entries: Iterable[font_manager.FontEntry], files: Iterable[str | Path]
) -> str | None:
    """The best family (``app.cjk.rank``) among the fonts ``entries`` (matplotlib's list) and
    the font ``files`` (added to matplotlib's font manager when they draw CJK), or None."""
    known = {entry.name for entry in entries if draws_cjk(entry.fname)} if entries else set()
    for path in files:
        if draws_cjk(path):
            font_manager.fontManager.addfont(str(path))
            known.add(font_manager.FontProperties(fname=str(path)).get_name())
    return min(known, key=rank) if known else None


def cjk_candidates() -> tuple[list[font_manager.FontEntry], list[str | Path]]:
    """matplotlib's fonts whose file names suggest CJK, and such system font files it has not
    listed, then the ``cjk`` extra's files."""
    listed = {entry.fname for entry in font_manager.fontManager.ttflist}
    entries = [
        e for e in font_manager.fontManager.ttflist if CJK_FILE_NAME.search(Path(e.fname).name)
    ]
    system = [
        path
        for path in font_manager.findSystemFonts()
        if path not in listed and CJK_FILE_NAME.search(Path(path).name)
    ]
    return entries, [*sorted(system), *bundled_font_files()]


@functools.cache
def cjk_family() -> str | None:
    """The CJK family figures fall back to (found once per process), or None."""
    return find_cjk_family(*cjk_candidates())


@functools.cache
def warn_missing_font() -> None:
    """Say once per process that Chinese text is drawn as boxes, and what to install."""
    warnings.warn(
        f"No Chinese font found: the figure's Chinese text is drawn as boxes; {INSTALL_HINT}",
        MissingFontWarning,
        stacklevel=2,
    )


def _missing_cjk_glyph(caught: warnings.WarningMessage) -> bool:
    """Whether ``caught`` is matplotlib's "Glyph N (...) missing from font(s)" for CJK."""
    found = MISSING_GLYPH.match(str(caught.message))
    return found is not None and has_cjk([chr(int(found.group(1)))])


@contextmanager
def figure_fonts() -> Iterator[None]:
    """Create and write a figure inside this: its text falls back to the CJK family; without one,
    matplotlib's "Glyph missing" warnings for Chinese become one MissingFontWarning per process
    (others are passed on)."""
    family = cjk_family()
    if family is not None:
        with rc_context({"font.family": [UI_FAMILY, family]}):
            yield
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [each for each in caught if _missing_cjk_glyph(each)]
    for each in caught:
        if each not in missing:
            warnings.warn_explicit(each.message, each.category, each.filename, each.lineno)
    if missing:
        warn_missing_font()
