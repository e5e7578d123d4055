"""The attention views of Attention Workbench: Qt widgets drawn from an ``AttentionRecord``
(numpy only; views never import torch). A Session drives them with ``set_state(record,
selection, display)`` and listens to their ``sig…`` signals; views never call each other. The
state they draw (selection, display, beam-tree data) lives in ``app.state``.
"""

from app.views.beam_tree import BeamTreeView
from app.views.controls import MapControls
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.nli import NLIView
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView

__all__ = [
    "BeamTreeView",
    "HeadsGridView",
    "HeatmapView",
    "MapControls",
    "NLIView",
    "StepsView",
    "TokenLinesView",
]
