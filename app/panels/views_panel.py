"""The views, as tabs: heatmap, heads grid, token lines, decoding steps, beam tree, head importance,
agreement, compare. Each record view is bound to the Session (``ViewBinding``); only the tab on
show is redrawn.
"""

from __future__ import annotations

from functools import partial

from PySide6 import QtWidgets

from app.panels.binding import BeamTreeBinding, ExtrasBinding, ViewBinding
from app.panels.compare_panel import ComparePanel
from app.state.agreement_study import AgreementStudy
from app.state.head_study import HeadStudy
from app.state.session import Session
from app.views.agreement import AgreementView
from app.views.base import AttentionView
from app.views.beam_tree import BeamTreeView
from app.views.head_importance import HeadImportanceView
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView

SEQ2SEQ_ONLY = ("steps", "beam")  # tabs hidden for NLI models


def ablation(session: Session) -> tuple:
    """What the heads grid draws beside the record: the heads off, the output's changes."""
    return session.heads_off, session.ablation_changes


def edited_run(session: Session) -> tuple:
    """What the steps view draws beside the record: the edited run's record, what was edited."""
    edited = session.edited
    return session.edited_record, edited.what if edited is not None else ""


class ViewsPanel(QtWidgets.QTabWidget):
    """Tabs of attention views over one Session (plus the compare tab with a second one)."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.heatmap = HeatmapView()
        self.heads = HeadsGridView()
        self.lines = TokenLinesView()
        self.steps = StepsView()
        self.beam = BeamTreeView()
        self.compare = ComparePanel(session)
        self.pages: dict[str, QtWidgets.QWidget] = {}
        self.bindings: list[ViewBinding] = []
        for name, title, view, binding in (
            ("heatmap", self.tr("Heatmap"), self.heatmap, ViewBinding),
            ("heads", self.tr("Heads grid"), self.heads, partial(ExtrasBinding, extras=ablation)),
            ("lines", self.tr("Token lines"), self.lines, ViewBinding),
            (
                "steps",
                self.tr("Decoding steps"),
                self.steps,
                partial(ExtrasBinding, extras=edited_run),
            ),
            ("beam", self.tr("Beam tree"), self.beam, BeamTreeBinding),
        ):
            self._add_page(name, title, view)
            self.bindings.append(binding(view, session, lambda page=view: self._on_show(page)))
        self.head_study = HeadStudy(session, self)
        self.importance = HeadImportanceView(self.head_study)
        self._add_page("importance", self.tr("Head importance"), self.importance)
        self.agreement_study = AgreementStudy(session, self)
        self.agreement = AgreementView(self.agreement_study)
        self._add_page("agreement", self.tr("Agreement"), self.agreement)
        for page in (self.importance, self.agreement):
            session.sigDisplayChanged.connect(
                lambda page=page: page.set_theme(session.display.theme)
            )
        self._add_page("compare", self.tr("Compare"), self.compare)
        self.heads.sigHeadChosen.connect(lambda *_: self.show_page("heatmap"))
        self.currentChanged.connect(self._refresh_current)
        session.sigModelChanged.connect(self._show_tabs_for_model)
        self._refresh_current()

    def _add_page(self, name: str, title: str, page: QtWidgets.QWidget) -> None:
        self.pages[name] = page
        self.addTab(page, title)

    def _on_show(self, page: QtWidgets.QWidget) -> bool:
        return self.currentWidget() is page

    def show_page(self, name: str) -> None:
        self.setCurrentWidget(self.pages[name])

    def current_page(self) -> str:
        return next(name for name, page in self.pages.items() if page is self.currentWidget())

    def current_view(self) -> AttentionView:
        """The view on show (in the compare tab: the second model's heatmap)."""
        page = self.currentWidget()
        return page.other_heatmap if isinstance(page, ComparePanel) else page

    def _refresh_current(self) -> None:
        for binding in self.bindings:
            if binding.view is self.currentWidget():
                binding.refresh()
        self.compare.set_on_screen(self.currentWidget() is self.compare)

    def _show_tabs_for_model(self) -> None:
        translation = self.session.task_kind == "translation"
        for name in SEQ2SEQ_ONLY:
            self.setTabVisible(self.indexOf(self.pages[name]), translation)
        if not self.isTabVisible(self.currentIndex()):
            self.show_page("heatmap")
