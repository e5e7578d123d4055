"""Offscreen rendering of any attention view to PNG or SVG (``attention-workbench render``).

Works without a display: when none is set, Qt's "offscreen" platform is used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.state.beam_tree import BeamTree
from app.state.display import Display
from app.state.selection import MEAN, Head, Selection
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


@dataclass(frozen=True)
class Prediction:
    """What the "nli" view draws: the label probabilities (``NLI_LABELS`` order, or a mapping
    label -> probability), the pair and the gold label when known."""

    probabilities: Sequence[float] | Mapping[str, float]
    premise: str = ""
    hypothesis: str = ""
    gold_label: str | None = None


@dataclass(frozen=True)
class Output:
    """Which view to draw (one of ``VIEWS``), where (.png or .svg) and how large; the "nli" view
    draws ``prediction``, the "beam" view ``beam`` (the others draw the record)."""

    path: str | Path
    view: str = "heatmap"
    size: tuple[int, int] = (900, 600)
    prediction: Prediction | None = None
    beam: BeamTree | None = None


def render_view(
    record: AttentionRecord | None,
    selection: Selection | None,
    display: Display,
    output: Output,
) -> Path:
    """Draw ``output.view`` of ``selection`` in ``record`` with ``display`` at ``output.size``
    and write it to ``output.path``; the same widgets and ``set_state`` as the window."""
    view = output.view
    if view not in VIEWS:
        raise ValueError(f"unknown view '{view}'; choose one of {', '.join(VIEWS)}")
    if view == "nli" and output.prediction is None:
        raise ValueError("the 'nli' view needs the label probabilities (a Prediction)")
    if view == "beam" and output.beam is None:
        raise ValueError("the 'beam' view needs a beam tree (beam=...)")
    if view not in ("nli", "beam") and (record is None or not record.maps):
        raise ValueError(f"the '{view}' view needs an attention record with maps")
    ensure_app()
    widget: AttentionView = VIEWS[view]()
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*output.size)
    if isinstance(widget, NLIView):
        prediction = output.prediction
        widget.set_theme(display.theme)
        widget.set_prediction(
            prediction.probabilities,
            prediction.premise,
            prediction.hypothesis,
            prediction.gold_label,
        )
    else:
        if isinstance(widget, BeamTreeView):
            widget.set_tree(output.beam)
        widget.set_state(record, selection, display)
    widget.show()
    QtWidgets.QApplication.processEvents()
    path = widget.export(output.path)
    widget.close()
    widget.deleteLater()
    QtWidgets.QApplication.processEvents()
    logger.info("rendered the %s view to %s", view, path)
    return path
