"""The recently opened checkpoints, kept in QSettings (newest first, at most ``LIMIT``)."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore

ORGANISATION = "Attention Workbench"
APPLICATION = "attention-workbench"
KEY = "recent_checkpoints"
LIMIT = 8


def app_settings() -> QtCore.QSettings:
    """The user's settings file (an INI file; tests point it elsewhere with QSettings.setPath)."""
    return QtCore.QSettings(
        QtCore.QSettings.Format.IniFormat,
        QtCore.QSettings.Scope.UserScope,
        ORGANISATION,
        APPLICATION,
    )


class RecentModels(QtCore.QObject):
    """Recently opened checkpoint directories; ``sigChanged`` after every change."""

    sigChanged = QtCore.Signal()

    def __init__(self, settings: QtCore.QSettings, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    def paths(self) -> list[str]:
        """Remembered directories that still exist, newest first."""
        value = self.settings.value(KEY, [])
        stored = [value] if isinstance(value, str) else list(value or [])
        return [path for path in stored if Path(path).is_dir()]

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        paths = [path, *(p for p in self.paths() if p != path)][:LIMIT]
        self.settings.setValue(KEY, paths)
        self.settings.sync()
        self.sigChanged.emit()

    def clear(self) -> None:
        self.settings.remove(KEY)
        self.settings.sync()
        self.sigChanged.emit()
