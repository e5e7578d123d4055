"""Offscreen rendering of any attention view to PNG or SVG (``attention-workbench render``).

Works without a display: when none is set, Qt's "offscreen" platform is used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.state.beam_tree import BeamTree
from app.state.selection import MEAN, Head, Selection, TokenRef
from app.views.base import AttentionView
from app.views.beam_tree import BeamTreeView
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.nli import NLIView
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView
from core_models.record import AttentionRecord

logger = logging.getLogger(__name__)

VIEWS = {
    "heatmap": HeatmapView,
    "heads": HeadsGridView,
    "lines": TokenLinesView,
    "steps": StepsView,
    "nli": NLIView,
    "beam": BeamTreeView,
}
_app: QtWidgets.QApplication | None = None  # kept alive for the process' lifetime


def ensure_app() -> QtWidgets.QApplication:
    """The running QApplication, or a new one (offscreen when there is no display)."""
    global _app
    existing = QtWidgets.QApplication.instance()
    if existing is not None:
        return existing
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QtWidgets.QApplication([])
    return _app


def parse_head(head: Head | str) -> Head:
    """ "mean", an int, or a string of digits -> a head choice."""
    if head == MEAN or isinstance(head, int):
        return head
    if isinstance(head, str) and head.isdigit():
        return int(head)
    raise ValueError(f"head must be a head index or '{MEAN}', got {head!r}")


def render_view(
    record: AttentionRecord | None,
    view: str,
    kind: str | None,
    layer: int,
    head: Head | str,
    out_path: str | Path,
    *,
    step: int | None = None,
    token: TokenRef | tuple[str, int] | None = None,
    theme: str = "light",
    colormap: str = "viridis",
    scale: str = "linear",
    normalisation: str = "global",
    gold: bool = True,
    size: tuple[int, int] = (900, 600),
    probabilities: Sequence[float] | None = None,
    premise: str = "",
    hypothesis: str = "",
    gold_label: str | None = None,
    beam: BeamTree | None = None,
) -> Path:
    """Draw ``view`` (one of ``VIEWS``) of ``record`` at ``size`` and write it to ``out_path``
    (.png or .svg). ``kind`` None means the record's first kind. The "nli" view needs
    ``probabilities`` (entailment, neutral, contradiction); "beam" needs ``beam``."""
    if view not in VIEWS:
        raise ValueError(f"unknown view '{view}'; choose one of {', '.join(VIEWS)}")
    ensure_app()
    widget: AttentionView = VIEWS[view]()
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*size)
    widget.set_theme(theme)
    if view == "nli":
        if probabilities is None:
            raise ValueError("the 'nli' view needs the label probabilities (probabilities=...)")
        widget.set_prediction(probabilities, premise, hypothesis, gold_label)
    elif view == "beam":
        if beam is None:
            raise ValueError("the 'beam' view needs a beam tree (beam=...)")
        widget.set_tree(beam)
        widget.set_selection(Selection(kind or "cross", layer, parse_head(head), step))
    else:
        if record is None or not record.maps:
            raise ValueError(f"the '{view}' view needs an attention record with maps")
        if isinstance(token, tuple):
            token = TokenRef(*token)
        kind = kind or record.kinds()[0]
        selection = Selection(kind, layer, parse_head(head), step, token)
        if view in ("heatmap", "heads"):
            widget.set_colormap(colormap)
            widget.set_scale(scale)
        if view == "heatmap":
            widget.set_normalisation(normalisation)
            widget.set_gold_visible(gold)
        widget.set_state(record, selection)
    widget.show()
    QtWidgets.QApplication.processEvents()
    path = widget.export(out_path)
    widget.close()
    widget.deleteLater()
    QtWidgets.QApplication.processEvents()
    logger.info("rendered the %s view to %s", view, path)
    return path
