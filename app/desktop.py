"""The app's icon (package data in ``app/assets``) and ``attention-workbench --install-desktop``:
a freedesktop menu entry and its icons in the user's data directory (Linux, BSD). On macOS and
Windows the README's Install section says how to make the equivalent shortcut."""

from __future__ import annotations

import importlib.resources
import os
import sys
from importlib.resources.abc import Traversable
from pathlib import Path

NAME = "attention-workbench"  # the .desktop file's and the icon's name
ICON_FILES = {  # installed icon path under <data home>/icons → packaged file
    f"hicolor/scalable/apps/{NAME}.svg": f"{NAME}.svg",
    f"hicolor/256x256/apps/{NAME}.png": f"{NAME}.png",
}
FREEDESKTOP_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")
RESERVED = " \t\n\"'\\><~|&;$*?#()`"  # Exec arguments holding one of these are quoted


def asset(filename: str) -> Traversable:
    """A file of ``app/assets`` (works from a wheel, a zip or a frozen app alike)."""
    return importlib.resources.files("app") / "assets" / filename


def app_icon():
    """The window / taskbar / About icon as a QIcon (import Qt only when the GUI starts)."""
    from PySide6 import QtGui

    icon = QtGui.QIcon()
    for filename in (f"{NAME}.svg", f"{NAME}.png"):
        pixmap = QtGui.QPixmap()
        if pixmap.loadFromData(asset(filename).read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def data_home() -> Path:
    """``$XDG_DATA_HOME`` when it is set to an absolute path, else ``~/.local/share`` (the XDG
    Base Directory specification's rule)."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """How the menu entry starts this very installation: its Python running ``app.main`` (the
    console script may not be on a desktop session's PATH), or a frozen app's own binary."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app.main"]


def _exec_argument(argument: str) -> str:
    """As the Desktop Entry specification's Exec key wants it: quoted when it holds a reserved
    character (with ``"`$\\`` escaped inside the quotes), then backslashes doubled (the escape
    rule of every string value) and ``%`` doubled (field codes)."""
    if any(c in argument for c in RESERVED):
        argument = '"' + "".join("\\" + c if c in '"`$\\' else c for c in argument) + '"'
    return argument.replace("\\", "\\\\").replace("%", "%%")


def desktop_entry(command: list[str]) -> str:
    exec_line = " ".join(_exec_argument(argument) for argument in command)
    return "\n".join(
        (
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.5",
            "Name=Attention Workbench",
            "GenericName=Attention Visualizer",
            "Comment=Train small sequence models and see where their attention goes",
            f"Exec={exec_line}",
            f"Icon={NAME}",
            "Terminal=false",
            "Categories=Education;Science;ArtificialIntelligence;DataVisualization;",
            "Keywords=attention;transformer;translation;NLI;seq2seq;heatmap;",
            "",
        )
    )


def install_desktop(home: Path | None = None) -> list[Path]:
    """Write the menu entry and the icons under ``home`` (default ``data_home()``); an older
    entry (say, of another virtual environment) is replaced. Returns the files written."""
    home = data_home() if home is None else home
    entry = home / "applications" / f"{NAME}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(launch_command()), encoding="utf-8")
    written = [entry]
    for installed, packaged in ICON_FILES.items():
        path = home / "icons" / installed
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(asset(packaged).read_bytes())
        written.append(path)
    return written


def install_desktop_command() -> int:
    """``attention-workbench --install-desktop``: exit status 0, or 2 with a message."""
    if not sys.platform.startswith(FREEDESKTOP_PLATFORMS):
        icon = asset(f"{NAME}.ico" if sys.platform == "win32" else f"{NAME}.png")
        print(
            "error: --install-desktop writes a freedesktop menu entry (Linux, BSD); on macOS and "
            "Windows make a shortcut as the README's Install section says, with\n"
            f"  command: {' '.join(launch_command())}\n  icon: {icon}",
            file=sys.stderr,
        )
        return 2
    try:
        written = install_desktop()
    except OSError as error:
        print(f"error: cannot install the menu entry: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0
