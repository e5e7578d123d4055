"""Qt's translation tools (``lupdate``, ``lrelease``) as PySide6 ships them, with no Qt import:
``setup.py`` compiles the catalogues with them while building the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PREFIX = "workbench_"  # workbench_zh_CN.ts -> workbench_zh_CN.qm


def qt_tool(name: str) -> Path:
    """The path of PySide6's ``name`` tool (``lupdate`` or ``lrelease``)."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"PySide6 is not installed: no {name} to run")
    folder = Path(next(iter(spec.submodule_search_locations)))
    tool = folder / (f"{name}.exe" if sys.platform == "win32" else name)
    if not tool.is_file():
        raise FileNotFoundError(f"PySide6 has no {name} tool at {tool}")
    return tool


def compile_catalogue(ts: Path, qm: Path) -> Path:
    """``lrelease`` ``ts`` into ``qm``; raises RuntimeError with lrelease's output on failure."""
    qm.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(qt_tool("lrelease")), str(ts), "-qm", str(qm)], capture_output=True, text=True
    )
    if done.returncode != 0 or not qm.is_file():
        raise RuntimeError(f"lrelease failed on {ts}:\n{done.stdout}{done.stderr}")
    return qm


def compile_folder(folder: Path) -> list[Path]:
    """Compile every ``workbench_*.ts`` in ``folder`` next to itself; returns the ``.qm`` files."""
    return [
        compile_catalogue(ts, ts.with_suffix(".qm")) for ts in sorted(folder.glob(PREFIX + "*.ts"))
    ]
