"""Chinese (CJK) text on screen and in figures: which text needs a CJK font, the font files the
``cjk`` extra brings (``mplfonts``' Noto Sans CJK SC, MIT-packaged, SIL OFL font), and what to
install when no font draws it.

Plain Python: ``app.views.fonts`` (Qt) and ``app.figures.fonts`` (matplotlib) find the font.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path

# CJK punctuation, kana, the unified ideographs (and extension A), compatibility ideographs,
# full-width forms: what a Latin UI font lacks.
CJK_TEXT = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
SAMPLE = "我是中国人"  # the glyphs a CJK font must have
# The families to prefer, best first (a name containing these words); any other one that has the
# glyphs comes after them.
PREFERRED = ("Sans CJK SC", "Sans SC", "Source Han Sans", "YaHei", "PingFang SC", "Hei")
BUNDLED_FILES = ("NotoSansCJKsc-Regular.otf",)  # in mplfonts/fonts/
INSTALL_HINT = "install fonts-noto-cjk (Debian/Ubuntu) or `pip install 'attention-workbench[cjk]'`"


def has_cjk(texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` holds a CJK character."""
    return any(CJK_TEXT.search(text) for text in texts)


def bundled_font_files() -> list[Path]:
    """The CJK font files of the ``cjk`` extra (the ``mplfonts`` package), when it is installed;
    found without importing it (its ``__init__`` loads matplotlib's pyplot)."""
    spec = importlib.util.find_spec("mplfonts")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return []
    files = [Path(folder) / "fonts" / name for folder in folders for name in BUNDLED_FILES]
    return [path for path in files if path.is_file()]


def rank(family: str) -> tuple[int, str]:
    """Sort key of CJK families: ``PREFERRED`` first, in its order; then by name."""
    for index, words in enumerate(PREFERRED):
        if words.lower() in family.lower():
            return index, family
    return len(PREFERRED), family


def texts_on_show(inputs: object, record: object | None) -> list[str]:
    """What the window shows of a session: the typed texts (``Inputs``' fields) and the
    record's tokens (every map's queries and keys, every step's top-k candidates)."""
    texts = [value for value in vars(inputs).values() if isinstance(value, str)]
    for attention_map in getattr(record, "maps", []):
        texts += [*attention_map.query_tokens, *attention_map.key_tokens]
    for step in getattr(record, "steps", []):
        texts += [token for token, _ in step.top_k]
    return texts
