"""How the maps are drawn, as plain data: token units, colour map, colour scale, normalisation,
palette and the gold-alignment outlines. The Session owns one ``Display``; every view draws with
the one it is given (``set_state(record, selection, display)``). The names of the choices live
here; what they look like (palettes, pyqtgraph colour maps) lives in ``app.views.style``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

UNITS = ("pieces", "words")
THEMES = ("light", "dark")
COLORMAPS = ("viridis", "magma", "cividis", "greys")
SCALES = ("linear", "log")
NORMALISATIONS = ("global", "row")
# The choices of every field but the flags (``FLAGS``), and what an error message calls them.
CHOICES = {
    "units": (UNITS, "token units"),
    "colormap": (COLORMAPS, "colour map"),
    "scale": (SCALES, "colour scale"),
    "normalisation": (NORMALISATIONS, "normalisation"),
    "theme": (THEMES, "theme"),
}
FLAGS = ("gold", "hide_special", "renormalise")


def choose(value: str, choices: tuple[str, ...], what: str) -> str:
    """``value`` if it is one of ``choices``, else a ValueError naming the valid ones."""
    if value not in choices:
        raise ValueError(f"unknown {what} '{value}'; choose one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class Display:
    """How the maps are drawn. A bad choice is refused when the Display is made (ValueError)."""

    units: str = "pieces"  # sub-word pieces or merged words on the axes
    colormap: str = "viridis"
    scale: str = "linear"  # of the colours: linear or log (decades)
    normalisation: str = "global"  # or "row": each query's strongest key gets the top colour
    theme: str = "light"
    gold: bool = True  # outline the gold alignment where the input has one
    # Leave out special tokens' rows and columns ([CLS], </s>, <pad>, ...: app.state.special);
    # the rows kept show the model's weights (summing to less than 1) unless ``renormalise``.
    hide_special: bool = False
    renormalise: bool = False

    def __post_init__(self) -> None:
        for name, (choices, what) in CHOICES.items():
            choose(getattr(self, name), choices, what)
        for name in FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")

    def with_choice(self, name: str, value: str | bool) -> Display:
        """This display with field ``name`` set to ``value`` (checked)."""
        if name not in {field.name for field in fields(self)}:
            raise ValueError(f"unknown display option '{name}'")
        return replace(self, **{name: value})

    def as_settings(self) -> dict[str, str | bool]:
        """Every field by name (what ``from_settings`` reads back)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_settings(cls, values: Mapping[str, object]) -> Display:
        """A Display from saved values; a value that is missing or no longer valid keeps the
        default (settings written by another version never stop the app from starting)."""
        display = cls()
        for name, value in values.items():
            if name in FLAGS and isinstance(value, str):  # INI files hold "true" / "false"
                value = value.lower() == "true"
            try:
                display = display.with_choice(name, value)
            except (ValueError, TypeError):
                continue
        return display
