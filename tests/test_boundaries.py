"""The house's floors are contracts, checked here: ``core_models`` imports no Qt, no pyqtgraph and
no ``app``; ``app.state`` imports no widgets (QtCore for signals at most); ``app.views`` imports no
torch; ``app.figures`` (matplotlib) imports no Qt and no torch, and ``render`` no Qt; and no module of a lower floor names an upper one in its imports.

Each layer is imported in a fresh interpreter, module by module, and ``sys.modules`` is read after
each: a failure names the module that first brought the forbidden one in. The static check walks
every file's imports (also those inside functions), so a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer (a package or module) -> module-name prefixes that must not be loaded after importing it
FORBIDDEN_LOADED = {
    "core_models": ("PySide6", "pyqtgraph", "app"),
    "app.state": ("PySide6.QtWidgets", "PySide6.QtGui", "pyqtgraph"),
    "app.workers": ("PySide6.QtWidgets", "PySide6.QtGui", "pyqtgraph"),
    "app.views": ("torch",),
    "app.figures": ("PySide6", "pyqtgraph", "torch"),
    "app.render_command": ("PySide6", "pyqtgraph"),  # render works without Qt or a display
}

# The floors, lowest first: a file under a floor may not import any of the names listed for it.
UPPER_FLOORS = ("app.views", "app.panels", "app.train", "app.window", "app.menus", "app.main")
RENDERING = ("app.render_command",)
FORBIDDEN_IMPORTS = {
    "core_models": ("app", "bench", "tests", "PySide6", "pyqtgraph"),
    "app/state": (*UPPER_FLOORS, *RENDERING, "app.help", "app.recent", "bench", "tests")
    + ("PySide6.QtWidgets", "PySide6.QtGui", "pyqtgraph"),
    "app/views": (*UPPER_FLOORS[1:], *RENDERING, "app.help", "app.recent", "bench", "tests")
    + ("torch",),
    "app/panels": ("app.window", "app.menus", "app.main", *RENDERING, "bench"),
    "app/train": ("app.window", "app.menus", "app.main", *RENDERING, "bench"),
    "app/figures": ("app.views", "app.panels", "app.train", "app.window", "app.menus")
    + ("app.main", "app.render_command", "bench", "tests", "PySide6", "pyqtgraph", "torch"),
    "app/render_command.py": ("app.views", "app.panels", "app.train", "app.window", "app.menus")
    + ("bench", "PySide6", "pyqtgraph"),
    "app/workers": ("app.state", *UPPER_FLOORS, *RENDERING, "bench")
    + ("PySide6.QtWidgets", "PySide6.QtGui", "pyqtgraph"),
}

# Imports a layer's modules one by one in a fresh interpreter; prints, as JSON, the first module
# after whose import each forbidden module appeared, and the modules that could not be imported.
PROBE = """
import importlib, json, pkgutil, sys
layer, forbidden = sys.argv[1], tuple(sys.argv[2:])
root = importlib.import_module(layer)
names = [layer]
if hasattr(root, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(root.__path__, layer + ".")
              if not m.name.endswith("__main__")]
culprits, failed = {}, {}
for name in names:
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed[name] = str(error)
        continue
    for f in forbidden:
        if f not in culprits and any(m == f or m.startswith(f + ".") for m in sys.modules):
            culprits[f] = name
print(json.dumps({"modules": names, "culprits": culprits, "failed": failed}))
"""


def probe(layer: str, forbidden: tuple[str, ...]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, layer, *forbidden],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"importing {layer} failed:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("layer", list(FORBIDDEN_LOADED))
def test_importing_a_layer_loads_nothing_of_the_floors_above_it(layer):
    forbidden = FORBIDDEN_LOADED[layer]
    found = probe(layer, forbidden)
    assert len(found["modules"]) >= 1
    assert not found["failed"], f"modules of {layer} that do not import: {found['failed']}"
    assert not found["culprits"], "\n".join(
        f"importing {module} loaded {loaded} (forbidden in {layer})"
        for loaded, module in found["culprits"].items()
    )


def test_every_core_models_module_is_probed():
    """The probe walks core_models' subpackages, not only the package itself."""
    found = probe("core_models", FORBIDDEN_LOADED["core_models"])
    on_disk = {
        m.name
        for m in pkgutil.walk_packages([str(ROOT / "core_models")], "core_models.")
        if not m.name.endswith("__main__")
    }
    assert on_disk and on_disk <= set(found["modules"])


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, ``from a import b`` as "a.b" and "a"."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append((node.lineno, node.module))
            names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return names


def names_a_floor_above(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def floor_files(floor: str) -> list[Path]:
    path = ROOT / floor
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


@pytest.mark.parametrize("floor", list(FORBIDDEN_IMPORTS))
def test_no_module_of_a_floor_names_a_floor_above_it(floor):
    files = floor_files(floor)
    assert files and all(f.is_file() for f in files), f"no files for {floor}"
    forbidden = FORBIDDEN_IMPORTS[floor]
    breaches = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in files
        for line, name in imported_names(path)
        if names_a_floor_above(name, forbidden)
    ]
    assert not breaches, "\n".join(breaches)
