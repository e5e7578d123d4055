"""The attention views of Attention Workbench: Qt widgets drawn from an ``AttentionRecord``
(numpy only; views never import torch). A Session drives them with ``set_record`` /
``set_selection`` (or ``set_state``) and listens to their ``sig…`` signals; views never call
each other.
"""

from app.views.beam_tree import BeamTreeNode, BeamTreeView, beam_tree_from_history, mark_best_path
from app.views.controls import MapControls
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.nli import NLIView
from app.views.selection import MEAN, Selection, TokenRef
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView

__all__ = [
    "MEAN",
    "BeamTreeNode",
    "BeamTreeView",
    "HeadsGridView",
    "HeatmapView",
    "MapControls",
    "NLIView",
    "Selection",
    "StepsView",
    "TokenLinesView",
    "TokenRef",
    "beam_tree_from_history",
    "mark_best_path",
]
