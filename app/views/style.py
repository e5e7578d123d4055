"""Colours and value scales shared by every view: light/dark palettes (and the Qt palette of the
widgets around and inside the views), colour maps (viridis and friends, a grey ramp), linear/log
colour scales and per-row/global normalisation of attention maps. The names of the choices are
``app.state.display``'s.

Everything here but ``qt_palette``, ``colormap`` and ``lookup_table`` is plain numpy and data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from app.state.display import COLORMAPS, NORMALISATIONS, SCALES, THEMES, choose

LOG_FLOOR = 1e-4  # weights below this are drawn as this on a log scale


@dataclass(frozen=True)
class Palette:
    """The colours of one theme, as ``#rrggbb`` strings."""

    name: str
    background: str  # the view's canvas
    panel: str  # controls and node boxes
    text: str
    muted: str  # secondary text, faint lines, dead beam branches
    grid: str  # axis lines, borders
    accent: str  # bars, attention lines
    highlight: str  # the selected token / head / node
    gold: str  # gold alignment outlines
    good: str  # finished beam hypotheses


LIGHT = Palette(
    name="light",
    background="#ffffff",
    panel="#f3f4f6",
    text="#1f2328",
    muted="#8b929a",
    grid="#9aa1a9",
    accent="#2f6fb3",
    highlight="#e8590c",
    gold="#d6336c",
    good="#2b8a3e",
)
DARK = Palette(
    name="dark",
    background="#1e1f22",
    panel="#2b2d31",
    text="#e6e6e6",
    muted="#80868e",
    grid="#5c6168",
    accent="#6cb4ff",
    highlight="#ff922b",
    gold="#ff6b9a",
    good="#69db7c",
)


def palette_for(theme: str) -> Palette:
    """The palette of ``theme`` ("light" or "dark")."""
    return LIGHT if choose(theme, THEMES, "theme") == "light" else DARK


def qt_palette(colors: Palette) -> QtGui.QPalette:
    """The QPalette of widgets in ``colors``: the window's panels and menus, and each view's
    own controls (combo boxes, labels, links), so that both follow the light / dark theme."""
    palette = QtGui.QPalette()
    role, disabled = QtGui.QPalette.ColorRole, QtGui.QPalette.ColorGroup.Disabled
    dark = QtGui.QColor(colors.background).lightness() < 128
    for roles, color in (
        ((role.Window,), colors.background),
        # the fill of text boxes and check boxes: Fusion outlines them in a shade of the window
        # colour, lost on a dark one (an unchecked box and an edit's frame did not show)
        ((role.Base,), colors.panel if dark else colors.background),
        ((role.AlternateBase, role.Button, role.ToolTipBase), colors.panel),
        ((role.WindowText, role.Text, role.ButtonText, role.ToolTipText), colors.text),
        ((role.BrightText,), colors.highlight),
        ((role.Highlight, role.Link), colors.accent),
        ((role.HighlightedText,), colors.background),
        ((role.PlaceholderText, role.Mid, role.Dark), colors.muted),
    ):
        for each in roles:
            palette.setColor(each, QtGui.QColor(color))
    for each in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, each, QtGui.QColor(colors.muted))
    return palette


def colormap(name: str, palette: Palette = LIGHT) -> pg.ColorMap:
    """The pyqtgraph colour map ``name``; "greys" runs from the background to the text colour
    (white→black in light, black→white in dark), so low weights fade into the canvas."""
    if choose(name, COLORMAPS, "colour map") == "greys":
        return pg.ColorMap([0.0, 1.0], [palette.background, palette.text], name="greys")
    return pg.colormap.get(name)


def lookup_table(name: str, palette: Palette = LIGHT) -> np.ndarray:
    """(256, 4) uint8 RGBA table of colour map ``name``."""
    return colormap(name, palette).getLookupTable(nPts=256, alpha=True)


def normalise(weights: np.ndarray, mode: str) -> np.ndarray:
    """Rescale a (queries, keys) map for display.

    "global": unchanged. "row": every row divided by its own maximum, so each query's strongest
    key gets the top colour however flat its distribution is (all-zero rows stay zero).
    """
    if choose(mode, NORMALISATIONS, "normalisation") == "global":
        return weights
    row_max = weights.max(axis=-1, keepdims=True)
    return np.divide(weights, row_max, out=np.zeros_like(weights), where=row_max > 0)


def scale_values(values: np.ndarray, scale: str) -> tuple[np.ndarray, tuple[float, float]]:
    """Map display values through the colour scale; returns (scaled values, colour levels).

    "linear": levels (0, max). "log": log10 of the values floored at ``LOG_FLOOR``, levels
    (log10 LOG_FLOOR, log10 max), so the colour bar reads in decades.
    """
    top = float(values.max()) if values.size else 1.0
    if choose(scale, SCALES, "colour scale") == "linear":
        return values.astype(np.float32, copy=False), (0.0, top if top > 0 else 1.0)
    low = float(np.log10(LOG_FLOOR))
    logged = np.log10(np.maximum(values, LOG_FLOOR)).astype(np.float32)
    high = float(np.log10(top)) if top > LOG_FLOOR else 0.0
    return logged, (low, high)


def to_rgba(values: np.ndarray, levels: tuple[float, float], table: np.ndarray) -> np.ndarray:
    """Colour a (rows, cols) array with a (256, 4) lookup table: (rows, cols, 4) uint8."""
    low, high = levels
    span = high - low if high > low else 1.0
    index = np.clip((values - low) / span * 255.0, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(table[index])


def percent(prob: float) -> str:
    """A probability as a percentage with the digits that tell candidates apart: "95.3%",
    "0.34%", "0.0012%", "<1e-6%", ">99.9%" (never "0.00" for four different small values)."""
    value = 100.0 * float(prob)
    if 99.95 <= value < 100.0:
        return ">99.9%"  # not "100.0%" for what is not certain
    if value >= 10:
        return f"{value:.1f}%"
    if value >= 1e-6:
        return f"{value:.2g}%" if value >= 1e-4 else f"{value:.1e}%"
    return "<1e-6%"
