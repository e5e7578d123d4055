"""The window's light / dark palette, from the same colours the views use (``app.views.style``)."""

from __future__ import annotations

from PySide6 import QtGui

from app.views.style import palette_for


def qt_palette(theme: str) -> QtGui.QPalette:
    """A QPalette for the panels and menus around the views in ``theme`` ("light" or "dark")."""
    colors = palette_for(theme)
    palette = QtGui.QPalette()
    role = QtGui.QPalette.ColorRole
    for roles, color in (
        ((role.Window, role.Base), colors.background),
        ((role.AlternateBase, role.Button, role.ToolTipBase), colors.panel),
        ((role.WindowText, role.Text, role.ButtonText, role.ToolTipText), colors.text),
        ((role.BrightText,), colors.highlight),
        ((role.Highlight,), colors.accent),
        ((role.HighlightedText,), colors.background),
        ((role.PlaceholderText, role.Mid, role.Dark), colors.muted),
        ((role.Link,), colors.accent),
    ):
        for each in roles:
            palette.setColor(each, QtGui.QColor(color))
    return palette
