"""The base of every attention view: a light/dark palette, and ``RecordView``, the one way the Session drives a view: ``set_state(record, selection,
display)``."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from app.state.display import Display
from app.state.selection import Selection, default_selection
from app.views.style import LIGHT, Palette, palette_for, qt_palette
from core_models.record import AttentionRecord


class AttentionView(QtWidgets.QWidget):
    """A QWidget with a light or dark palette (``_use_theme``). Subclasses recolour what does
    not change with the state in ``_apply_theme``. File ▸ Export figure draws a view's figure
    (``app.figures``), never a screenshot of it."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: Palette = LIGHT
        self.setAutoFillBackground(True)
        self._apply_qt_palette()

    @property
    def theme(self) -> str:
        return self.colors.name

    def set_theme(self, theme: str) -> None:
        """Draw in the "light" or "dark" palette: for views of something other than a record (the
        NLI bars, the training curves); a ``RecordView`` takes its theme from ``set_state``."""
        self._use_theme(theme)
        self.update()

    def _use_theme(self, theme: str) -> None:
        """Switch to the "light" or "dark" palette (nothing when it already is the one)."""
        if theme != self.theme:
            self.colors = palette_for(theme)
            self._apply_qt_palette()
            self._apply_theme()

    def _apply_theme(self) -> None:
        """Recolour the parts the subclass keeps between redraws (after ``self.colors`` changed);
        the redraw that follows paints the rest."""

    def _apply_qt_palette(self) -> None:
        self.setPalette(qt_palette(self.colors))


class PaintedView:
    """Mixin for a view drawn entirely by its ``_paint(painter)``. List it before
    ``AttentionView`` / ``RecordView``."""

    def _paint(self, painter: QtGui.QPainter) -> None:
        """Draw the whole view with ``painter``."""
        raise NotImplementedError

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()


class RecordView(AttentionView):
    """A view of one attention record under one selection, drawn with one display, all three the
    Session's: the view keeps the last ones it was given (to repaint), never choices of its own.

    ``set_state`` is the only way in: it takes them (a record without a selection shows its first
    map) and redraws once (the subclass's ``_show``). What the user picks in a view (a token, a
    map, a colour map) is only reported by its signals; the owner answers with ``set_state``.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self._record: AttentionRecord | None = None
        self._selection: Selection | None = None
        self._display = Display()
        super().__init__(parent)
        self.empty_notice = EmptyNotice(self)

    @property
    def record(self) -> AttentionRecord | None:
        """The record the view was last given."""
        return self._record

    @property
    def selection(self) -> Selection | None:
        """The selection the view was last given (the record's default map when it was given none)."""
        return self._selection

    @property
    def display(self) -> Display:
        """The display the view was last drawn with."""
        return self._display

    def set_state(
        self, record: AttentionRecord | None, selection: Selection | None, display: Display
    ) -> None:
        """Draw ``selection`` of ``record`` with ``display``."""
        if record is not None and selection is None and record.maps:
            selection = default_selection(record)
        self._record, self._selection, self._display = record, selection, display
        self._use_theme(display.theme)
        self._show()
        self.empty_notice.cover(self, record is None or not record.maps)

    def set_empty_text(self, text: str) -> None:
        """What the view says while it has no record to draw (what to do to get one)."""
        self.empty_notice.setText(text)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.empty_notice.setGeometry(self.rect())

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)  # shown before its first state: the notice covers it already
        self.empty_notice.cover(self, self._record is None or not self._record.maps)

    def _show(self) -> None:
        """Redraw ``self._record`` under ``self._selection`` with ``self._display``."""
        raise NotImplementedError


class EmptyNotice(QtWidgets.QLabel):
    """One line in the middle of a view that has nothing to draw, over all of it: no empty frame,
    colour bar or axis titles left from the last record."""

    def __init__(self, view: QtWidgets.QWidget) -> None:
        super().__init__(self.tr("Open a model to begin: pick one on the left"), view)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)

    def cover(self, view: QtWidgets.QWidget, empty: bool) -> None:
        """Cover ``view`` while it is ``empty``; uncover it otherwise."""
        if empty:
            self.setGeometry(view.rect())
            self.raise_()
        self.setVisible(empty)
