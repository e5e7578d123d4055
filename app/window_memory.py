"""What the window remembers across launches, in its QSettings: geometry, the splitter's sizes, the
tab on show (Inspect / Train, and the view page), the display options and the last model. A value
that is missing or no longer valid (another version's settings, a deleted checkpoint) is skipped:
the window then starts as it would the first time.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.state.display import Display
from core_models.inference import list_models

GEOMETRY, SPLITTER = "window/geometry", "window/splitter"
DEFAULT_SIZE = (1400, 900)  # the first launch, on a screen that has room for it
MODE, PAGE = "window/mode", "window/page"
MODEL = "model/last"
DISPLAY_GROUP = "display"


def save(
    settings: QtCore.QSettings,
    window: QtWidgets.QMainWindow,
    splitter: QtWidgets.QSplitter,
    tabs: tuple[int, str],
    display: Display,
    model_source: str,
) -> None:
    """Write the window's state (``tabs``: the mode's index and the view page's name)."""
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(SPLITTER, splitter.saveState())
    settings.setValue(MODE, tabs[0])
    settings.setValue(PAGE, tabs[1])
    settings.beginGroup(DISPLAY_GROUP)
    for name, value in display.as_settings().items():
        settings.setValue(name, value)
    settings.endGroup()
    if model_source:
        settings.setValue(MODEL, model_source)
    settings.sync()


def restore_layout(
    settings: QtCore.QSettings, window: QtWidgets.QMainWindow, splitter: QtWidgets.QSplitter
) -> None:
    """Geometry and splitter sizes as they were; the first time, ``DEFAULT_SIZE`` or the screen's
    available area where that is smaller (a 1280 × 800 laptop)."""
    geometry, sizes = settings.value(GEOMETRY), settings.value(SPLITTER)
    if isinstance(geometry, QtCore.QByteArray):
        window.restoreGeometry(geometry)
    else:
        available = window.screen().availableGeometry()
        window.resize(
            min(DEFAULT_SIZE[0], available.width()), min(DEFAULT_SIZE[1], available.height())
        )
    if isinstance(sizes, QtCore.QByteArray):
        splitter.restoreState(sizes)


def saved_tabs(settings: QtCore.QSettings) -> tuple[int | None, str | None]:
    """(mode index, view page name) as saved, None where there is none."""
    mode, page = settings.value(MODE), settings.value(PAGE)
    index = int(mode) if isinstance(mode, (int, str)) and str(mode).isdigit() else None
    return index, page if isinstance(page, str) else None


def saved_display(settings: QtCore.QSettings) -> Display:
    """The display options as saved (defaults where none or an invalid one was saved)."""
    settings.beginGroup(DISPLAY_GROUP)
    values = {
        field.name: settings.value(field.name)
        for field in fields(Display)
        if settings.contains(field.name)
    }
    settings.endGroup()
    return Display.from_settings(values)


def saved_model(settings: QtCore.QSettings) -> str | None:
    """The last model, if it is still there: a checkpoint directory, or a known model's name."""
    value = settings.value(MODEL)
    if not isinstance(value, str) or not value:
        return None
    if Path(value).is_dir() or value in {entry.name for entry in list_models()}:
        return value
    return None
