"""Refresh the translation sources: ``python -m app.i18n.update`` runs ``lupdate`` over app/ and
merges every string the code marks (``tr``, ``QCoreApplication.translate``, ``QT_TR_NOOP``,
``QT_TRANSLATE_NOOP``)
into each ``workbench_*.ts`` (new strings arrive "unfinished": translate them in Qt Linguist or
by hand). Run it from the repository root; it needs the source tree, not an installed package."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys
from pathlib import Path

from app.i18n.tools import PREFIX, qt_tool

LANGUAGES = ("zh_CN",)  # each has a workbench_<language>.ts next to this file


def lupdate_command(app_folder: Path, catalogues: list[Path], *extra: str) -> list[str]:
    """``lupdate`` over every Python file of ``app_folder`` into ``catalogues``; no source line
    numbers are kept, so that edits elsewhere in a file leave the catalogue as it is."""
    sources = sorted(str(path) for path in app_folder.rglob("*.py"))
    targets = [str(path) for path in catalogues]
    return [str(qt_tool("lupdate")), "-locations", "none", *extra, *sources, "-ts", *targets]


def main() -> int:
    folder = Path(str(importlib.resources.files("app.i18n")))  # the source tree's (docstring)
    catalogues = [folder / f"{PREFIX}{language}.ts" for language in LANGUAGES]
    done = subprocess.run(lupdate_command(folder.parent, catalogues, "-no-obsolete"))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
