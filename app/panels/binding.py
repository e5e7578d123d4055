"""Keeps one attention view in step with a Session: the Session's state flows into the view, the
view's clicks flow back as the Session's intents. Views never talk to each other.

A view that is not on screen is only marked out of date and redrawn when it is shown, so a
keystroke repaints one view, not six.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore

from app.session import Session
from app.views.base import AttentionView
from app.views.beam_tree import BeamTreeView
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView


def why_no_beam_tree(session: Session) -> tuple[str, bool]:
    """What the beam view says while it has no tree, and whether a beam search would make one
    (decoding is greedy, not forced by a reference)."""
    if session.inputs.reference:
        return "no beam search: the reference forces the output (clear it to search)", False
    if session.options.beam == 1:
        return "no beam search to show (greedy decoding)", True
    return "no beam search to show yet (no translation)", False


class ViewBinding(QtCore.QObject):
    """Binds ``view`` to ``session``; ``on_screen()`` says whether the view can be seen now."""

    def __init__(
        self, view: AttentionView, session: Session, on_screen: Callable[[], bool]
    ) -> None:
        super().__init__(view)
        self.view, self.session, self.on_screen = view, session, on_screen
        self._stale: set[str] = {"record", "selection", "display", "tree"}
        session.sigRecordChanged.connect(self._on_record)
        session.sigSelectionChanged.connect(self._on_selection)
        session.sigDisplayChanged.connect(self._on_display)
        session.sigResultChanged.connect(self._on_result)
        self._connect_intents()

    @QtCore.Slot()
    def _on_record(self) -> None:
        self.changed("record")  # the selection comes with the record

    @QtCore.Slot()
    def _on_selection(self) -> None:
        self.changed("selection")

    @QtCore.Slot()
    def _on_display(self) -> None:
        self.changed("display")

    @QtCore.Slot()
    def _on_result(self) -> None:
        self.changed("tree")

    def _connect_intents(self) -> None:
        view, session = self.view, self.session
        if isinstance(view, (HeatmapView, TokenLinesView)):
            view.sigTokenClicked.connect(session.select_token)
            view.sigFilterCleared.connect(session.clear_text_filter)
        if isinstance(view, HeatmapView):
            view.sigMapChosen.connect(session.select_map)
            view.colormap_box.currentTextChanged.connect(session.set_colormap)
            view.scale_box.currentTextChanged.connect(session.set_scale)
            view.normalisation_box.currentTextChanged.connect(session.set_normalisation)
        elif isinstance(view, HeadsGridView):
            view.sigHeadChosen.connect(session.select_head)
        elif isinstance(view, StepsView):
            view.sigStepChanged.connect(session.select_step)
        elif isinstance(view, BeamTreeView):
            view.sigNodeClicked.connect(session.select_beam_node)

    def changed(self, part: str) -> None:
        self._stale.add(part)
        if self.on_screen():
            self.refresh()

    def refresh(self) -> None:
        """Bring the view up to date with whatever changed since it was last drawn."""
        if not self._stale:
            return
        stale, self._stale = self._stale, set()
        view, session = self.view, self.session
        if "display" in stale:
            self._apply_display()
        if isinstance(view, BeamTreeView):
            if "tree" in stale:
                view.set_tree(session.beam_tree, *why_no_beam_tree(session))
            view.set_selection(session.selection)
            view.set_selected_node(*(session.beam_node or (None, None)))
        elif stale & {"record", "selection", "display"}:
            view.set_state(session.record, session.selection)

    def _apply_display(self) -> None:
        view, display = self.view, self.session.display
        if view.theme != display.theme:
            view.set_theme(display.theme)
        if isinstance(view, (HeatmapView, HeadsGridView)):
            view.set_colormap(display.colormap)
            view.set_scale(display.scale)
        if isinstance(view, HeatmapView):
            view.set_normalisation(display.normalisation)
