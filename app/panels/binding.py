"""Keeps one attention view in step with a Session: the Session's state flows into the view through
the one protocol every view has, ``set_state(record, selection, display)``; the view's signals
flow back as the Session's intents. Views never talk to each other.

A view that is not on screen is only marked out of date and redrawn when it is shown, so a
keystroke repaints one view, not six; a view on screen is given the state once per change (a
change that reaches the binding by two signals, e.g. token units: display and record, draws once).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import QT_TR_NOOP  # marks a string for lupdate, shown translated

from app.state.display import Display
from app.state.selection import Selection
from app.state.session import Session
from app.views.base import RecordView
from app.views.beam_tree import BeamTreeView
from app.views.controls import MapControls
from core_models.record import AttentionRecord

# A view's signal -> the Session intent it asks for (views have the signals they need).
INTENTS = {
    "sigTokenClicked": "select_token",
    "sigFilterCleared": "clear_text_filter",
    "sigMapChosen": "select_map",
    "sigDisplayChosen": "choose_display",
    "sigHeadChosen": "select_head",
    "sigHeadToggled": "toggle_head",
    "sigStepChanged": "select_step",
    "sigNodeClicked": "select_beam_node",
    "sigBeamWanted": "set_beam",
    "sigAttentionPinned": "pin_attention",
    "sigAttentionScaled": "scale_attention",
    "sigEditCleared": "clear_edit",
}
State = tuple[AttentionRecord | None, Selection | None, Display]


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def why_no_beam_tree(session: Session) -> tuple[str, bool]:
    """What the beam view says while it has no tree, and whether a beam search would make one
    (decoding is greedy, not forced by a reference)."""
    if session.inputs.reference:
        return tr("no beam search: the reference forces the output (clear it to search)"), False
    if session.options.beam == 1:
        return tr("no beam search to show (greedy decoding)"), True
    return tr("no beam search to show yet (no translation)"), False


# translated where it is shown
NO_MODEL = QT_TR_NOOP("Open a model to begin: pick one on the left, or File ▸ Open checkpoint…")


def empty_text(session: Session, no_model: str = NO_MODEL) -> str:
    """What a view without a record says: what to do to get one (``no_model`` without a model)."""
    if session.model is None:
        if session.opening:  # a slow first launch: not "open a model" while one is opening
            return session.hint[0].upper() + session.hint[1:]
        return tr(no_model)
    hint = session.hint
    if hint:
        where = tr(": its attention shows here") if hint == session.missing_input() else ""
        return hint[0].upper() + hint[1:] + where
    if session.result is not None:
        return tr("{model} has no attention to show (a fixed-context model)").format(
            model=session.model_name
        )
    return tr("Working…")


class ViewBinding(QtCore.QObject):
    """Binds ``view`` to ``session``; ``on_screen()`` says whether the view can be seen now.
    ``display_owner``: the Session the view's display choices go to (default ``session``; the
    Compare page's second model draws with the first one's display); ``no_model``: what the
    view says before the session has a model."""

    def __init__(
        self,
        view: RecordView,
        session: Session,
        on_screen: Callable[[], bool],
        display_owner: Session | None = None,
        no_model: str = NO_MODEL,
    ) -> None:
        super().__init__(view)
        self.view, self.session, self.on_screen = view, session, on_screen
        self.no_model = no_model  # what the view says before the session has a model
        self._drawn: State | None = None  # what the view was last given
        self._stale = True
        # a new result always comes with a new record (sigRecordChanged): one redraw for both
        for signal in (
            session.sigRecordChanged,
            session.sigSelectionChanged,
            session.sigDisplayChanged,
            session.sigOpening,
            session.sigModelFailed,
        ):
            signal.connect(self.changed)
        for signal, intent in INTENTS.items():
            owner = display_owner or session if intent == "choose_display" else session
            if hasattr(view, signal):
                getattr(view, signal).connect(getattr(owner, intent))
        controls = getattr(view, "controls", None)
        if isinstance(controls, MapControls):  # the picker offers the Session's maps on request
            controls.on_request = session.on_request_kinds

    @QtCore.Slot()
    def changed(self) -> None:
        self._stale = True
        if self.on_screen():
            self.refresh()

    def state(self) -> State:
        """What the view draws: the Session's record, selection and display."""
        session = self.session
        return session.record, session.selection, session.display

    def refresh(self) -> None:
        """Bring the view up to date with whatever changed since it was last drawn."""
        if not self._stale:
            return
        self._stale = False
        self.view.set_empty_text(empty_text(self.session, self.no_model))
        state = self.state()
        drawn = self._drawn
        if drawn is not None and state[0] is drawn[0] and state[1:] == drawn[1:]:
            return
        self._drawn = state
        self.view.set_state(*state)


class BeamTreeBinding(ViewBinding):
    """The beam tree also draws the Session's beam-search tree and its selected node."""

    view: BeamTreeView

    def __init__(self, view: BeamTreeView, session: Session, on_screen: Callable[[], bool]):
        self._tree_drawn: tuple[object, ...] | None = None
        super().__init__(view, session, on_screen)

    def refresh(self) -> None:
        session = self.session
        tree = (session.beam_tree, session.beam_node, *why_no_beam_tree(session), session.edited)
        if self._stale and tree != self._tree_drawn:
            self._tree_drawn = tree
            self.view.set_tree(*tree[:-1])
            edited = session.edited
            self.view.set_edited_tree(edited.tree if edited else [], edited.what if edited else "")
            self._drawn = None  # draw it, even on the same record
        super().refresh()


class ExtrasBinding(ViewBinding):
    """A view that also draws Session state beyond the record: ``extras(session)``, handed to
    ``view.set_extras`` when one of its parts is another object than last time (the heads grid:
    the heads off and the output's changes; the steps view: the edited run's record and what
    was edited)."""

    def __init__(self, view, session: Session, on_screen: Callable[[], bool], extras: Callable):
        self._extras, self._extras_drawn = extras, None
        super().__init__(view, session, on_screen)

    def refresh(self) -> None:
        extras = self._extras(self.session)
        drawn = self._extras_drawn
        same = drawn is not None and all(a is b for a, b in zip(extras, drawn, strict=True))
        if self._stale and not same:
            self._extras_drawn = extras
            self.view.set_extras(*extras)
            self._drawn = None  # draw it, even on the same record
        super().refresh()
