"""Compare: a second model side by side with the first on the same input (e.g. ``bahdanau`` vs
``transformer``), each in its own heatmap. The second model has a Session of its own that copies
the first one's inputs and display options while the tab is on show. It does not copy the heads
switched off (head ablation): the same model picked here shows the maps with every head on beside
the ablated ones, and each side's title names the heads that are off.
"""

from __future__ import annotations

import html

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QT_TR_NOOP  # marks a string for lupdate, shown translated

from app.panels.binding import ViewBinding
from app.state.catalogue import ModelCatalogue
from app.state.explain import heads_names
from app.state.session import Session
from app.views.heatmap import HeatmapView


class ComparePanel(QtWidgets.QWidget):
    """Two heatmaps: ``session``'s model on the left, a second model (``other``) on the right."""

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.other = Session(self)
        self.other.fits_inputs = False  # it runs on the first model's input, whatever it is
        self.catalogue: ModelCatalogue | None = None  # the models the picker offers
        self._on_screen = False
        self.picker = QtWidgets.QComboBox()
        self.picker.setToolTip(self.tr("the model to compare with"))
        self.main_title = QtWidgets.QLabel()
        self.other_title = QtWidgets.QLabel(self.tr("choose a second model above"))
        self.main_heatmap = HeatmapView()
        self.other_heatmap = HeatmapView()
        for heatmap in (self.main_heatmap, self.other_heatmap):  # the View menu sets both
            heatmap.set_display_controls_visible(False)
        self.bindings = [
            ViewBinding(self.main_heatmap, session, self.is_on_screen),
            ViewBinding(
                self.other_heatmap,
                self.other,
                self.is_on_screen,
                display_owner=session,
                no_model=QT_TR_NOOP("Choose a second model above: it reads the same input"),
            ),
        ]

        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(self.tr("compare with")))
        top.addWidget(self.picker, 1)
        sides = QtWidgets.QGridLayout()
        sides.addWidget(self.main_title, 0, 0)
        sides.addWidget(self.other_title, 0, 1)
        sides.addWidget(self.main_heatmap, 1, 0)
        sides.addWidget(self.other_heatmap, 1, 1)
        sides.setRowStretch(1, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(sides, 1)

        self.picker.activated.connect(self._on_pick)
        session.sigInputsChanged.connect(self._copy_inputs)
        session.sigDisplayChanged.connect(self._copy_inputs)
        session.sigSelectionChanged.connect(self._copy_inputs)  # the text filter comes along
        for side in (session, self.other):  # a head switched off decodes again: a new result
            side.sigModelChanged.connect(self._show_titles)
            side.sigResultChanged.connect(self._show_titles)
        self.other.sigModelChanged.connect(self._copy_inputs)  # a new model forgets the sample
        self.fill_picker()

    def is_on_screen(self) -> bool:
        return self._on_screen

    def set_on_screen(self, on_screen: bool) -> None:
        """The tab was shown or hidden: the second model only works while it is shown."""
        self._on_screen = on_screen
        if on_screen:
            self._copy_inputs()
            for binding in self.bindings:
                binding.refresh()

    def set_catalogue(self, catalogue: ModelCatalogue) -> None:
        """Offer ``catalogue``'s models in the picker, kept in step with it."""
        self.catalogue = catalogue
        catalogue.changed.connect(self.fill_picker)
        self.fill_picker()

    def fill_picker(self) -> None:
        self.picker.clear()
        self.picker.addItem(self.tr("choose a model…"), None)
        for entry in self.catalogue.entries if self.catalogue is not None else []:
            self.picker.addItem(f"{entry.name}  ·  {entry.family}", str(entry.path))

    def compare_with(self, name_or_path: str) -> None:
        """Load the second model (in the background) and run it on the first one's input."""
        self._copy_inputs()
        self.other.open_model(name_or_path)

    def _on_pick(self, index: int) -> None:
        path = self.picker.itemData(index)
        if path:
            self.compare_with(path)

    def _copy_inputs(self) -> None:
        if self._on_screen:
            self.other.copy_from(self.session)

    def _show_titles(self) -> None:
        for label, session in ((self.main_title, self.session), (self.other_title, self.other)):
            if session.model is not None:
                card = session.model.card()
                title = f"<b>{card['name']}</b> · {card['family']} · {card['task']}"
                if session.heads_off:
                    heads = html.escape(heads_names(session.heads_off))
                    title += " · " + self.tr("heads off: {heads}").format(heads=heads)
                label.setText(title)
        self.main_title.setTextFormat(QtCore.Qt.TextFormat.RichText)

    def shutdown(self) -> None:
        self.other.shutdown()
