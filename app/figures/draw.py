"""One entry point per figure: ``write_figure(view, state, options, path)`` draws ``view`` (one of
``VIEWS``) of ``state`` and writes it where ``path`` says, in the format its suffix (or the
options) name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure

from app.figures import fonts, maps, paint, sequences
from app.figures.options import VIEWS, FigureOptions, FigureState

DRAW: dict[str, Callable[[FigureState, FigureOptions], Figure]] = {
    "heatmap": maps.heatmap_figure,
    "heads": maps.heads_figure,
    "grid": maps.grid_figure,
    "lines": sequences.lines_figure,
    "steps": sequences.steps_figure,
    "beam": sequences.beam_figure,
    "nli": maps.nli_figure,
    "compare": maps.compare_figure,
}
assert tuple(DRAW) == VIEWS


def draw_figure(view: str, state: FigureState, options: FigureOptions) -> Figure:
    """The matplotlib figure of ``view`` (ValueError naming what is missing or unknown)."""
    if view not in DRAW:
        raise ValueError(f"unknown figure '{view}'; choose one of {', '.join(VIEWS)}")
    return DRAW[view](state, options)


def write_figure(view: str, state: FigureState, options: FigureOptions, path: str | Path) -> Path:
    """Draw ``view`` and write it to ``path`` (its format checked before anything is drawn)."""
    options.format_for(path)
    # rcParams and the warnings filter are global: the font fallback is set under the lock that
    # paint.save holds, so two figures written at once never mix fonts.
    with paint.SAVING, fonts.figure_fonts():  # Chinese tokens: a CJK font, or one warning naming it
        return paint.save(draw_figure(view, state, options), path, options)
