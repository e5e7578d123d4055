"""File ▸ Export figure…: the view on show as a figure for a paper (``app.figures``), not a
screenshot. A dialog asks which figure, its size (px, in or cm), DPI, greyscale and title; the file
dialog asks where (PNG, SVG or PDF, from the suffix). The figure is drawn from the Session's state
on a pool thread, and the status bar (or an error dialog) says how it went.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from app.figures.options import FORMATS, FigureOptions, FigureState, Prediction, parse_size
from core_models.record import NLI_LABELS

if TYPE_CHECKING:
    from app.state.session import Session

# the window's tab -> the figure of it
PAGE_FIGURES = {
    "heatmap": "heatmap",
    "heads": "grid",
    "lines": "lines",
    "steps": "steps",
    "beam": "beam",
    "compare": "compare",
}
FIGURE_NAMES = {  # translated where they are shown
    "heatmap": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Heatmap (the map on show)"),
    "heads": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Every head of the layer, side by side"),
    "grid": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Heads grid (every layer × head)"),
    "lines": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Token lines"),
    "steps": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Decoding steps (the step on show, or all)"),
    "beam": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Beam tree"),
    "nli": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "NLI: alignment maps and label bars"),
    "compare": QtCore.QT_TRANSLATE_NOOP("FigureDialog", "Compare: both models, one colour scale"),
}
FILTERS = ";;".join(f"{fmt.upper()} (*.{fmt})" for fmt in FORMATS)


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def session_state(session: Session, other: Session | None = None) -> FigureState:
    """What a figure of ``session`` draws (``other``: the compare tab's second model)."""
    prediction = None
    probabilities = getattr(session.result, "probs", None)  # an NLI result
    if probabilities is not None:
        inputs = session.inputs
        values = [probabilities[label] for label in NLI_LABELS]
        prediction = Prediction(values, inputs.premise, inputs.hypothesis, session.gold_label())
    second = session_state(other) if other is not None and other.record is not None else None
    return FigureState(
        session.record,
        session.selection,
        session.display,
        session.model_name,
        session.beam_tree,
        session.beam_node,
        prediction,
        second,
    )


class FigureDialog(QtWidgets.QDialog):
    """Which figure, and how: size and unit, DPI, greyscale, title, every decoding step."""

    def __init__(self, figures: list[str], chosen: str, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export figure"))
        self.figure_box = QtWidgets.QComboBox()
        for name in figures:
            self.figure_box.addItem(self.tr(FIGURE_NAMES[name]), name)
        self.figure_box.setCurrentIndex(figures.index(chosen))
        self.fitted = QtWidgets.QCheckBox(self.tr("fit the size to the tokens"))
        self.fitted.setChecked(True)
        self.width_box, self.height_box = QtWidgets.QDoubleSpinBox(), QtWidgets.QDoubleSpinBox()
        for box, value in ((self.width_box, 16.0), (self.height_box, 10.0)):
            box.setRange(0.5, 5000.0)
            box.setValue(value)
        self.unit_box = QtWidgets.QComboBox()
        self.unit_box.addItems(["cm", "in", "px"])
        self.dpi_box = QtWidgets.QSpinBox()
        self.dpi_box.setRange(10, 1200)
        self.dpi_box.setValue(FigureOptions().dpi)
        self.greyscale = QtWidgets.QCheckBox(self.tr("greyscale (for print)"))
        self.title = QtWidgets.QCheckBox(self.tr("title (model, kind, layer, head)"))
        self.title.setChecked(True)
        self.all_steps = QtWidgets.QCheckBox(self.tr("decoding steps: one panel per step"))
        size = QtWidgets.QHBoxLayout()
        for widget in (self.width_box, QtWidgets.QLabel("×"), self.height_box, self.unit_box):
            size.addWidget(widget)
        self.fitted.toggled.connect(lambda fitted: self._enable_size(not fitted))
        self._enable_size(False)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout(self)
        form.addRow(self.tr("figure"), self.figure_box)
        form.addRow("", self.fitted)
        form.addRow(self.tr("size"), size)
        form.addRow(self.tr("DPI (PNG)"), self.dpi_box)
        for check in (self.greyscale, self.title, self.all_steps):
            form.addRow("", check)
        form.addRow(buttons)

    def _enable_size(self, enabled: bool) -> None:
        for widget in (self.width_box, self.height_box, self.unit_box):
            widget.setEnabled(enabled)

    def figure(self) -> str:
        return self.figure_box.currentData()

    def options(self) -> FigureOptions:
        """The options chosen (ValueError for a size out of range)."""
        dpi = self.dpi_box.value()
        size = None
        if not self.fitted.isChecked():
            text = (
                f"{self.width_box.value()}x{self.height_box.value()}{self.unit_box.currentText()}"
            )
            size = parse_size(text, dpi)
        return FigureOptions(
            dpi=dpi,
            size=size,
            greyscale=self.greyscale.isChecked(),
            title=None if self.title.isChecked() else "",
            all_steps=self.all_steps.isChecked(),
        )


class FigureJob(QtCore.QObject):
    """One figure written on a pool thread; then ``sigDone(message)`` or ``sigFailed(message)``,
    delivered on the GUI thread to slots of GUI objects (never to plain functions, which would
    run on the pool thread)."""

    sigDone = QtCore.Signal(str)
    sigFailed = QtCore.Signal(str)

    def __init__(self, view: str, state: FigureState, options: FigureOptions, path: Path) -> None:
        super().__init__()
        self.view, self.state, self.options, self.path = view, state, options, path

    def start(self) -> None:
        QtCore.QThreadPool.globalInstance().start(self.run)

    def run(self) -> None:
        from app.figures.draw import write_figure  # matplotlib: loaded on first export

        try:
            written = write_figure(self.view, self.state, self.options, self.path)
        except (ValueError, OSError) as error:
            self.sigFailed.emit(
                self.tr("Could not export the figure to {path}:\n\n{error}").format(
                    path=self.path, error=error
                )
            )
        else:
            self.sigDone.emit(self.tr("figure exported to {path}").format(path=written))


def figures_for(session: Session, page: str) -> tuple[list[str], str]:
    """(the figures that apply to the model on show, the one of ``page``)."""
    figures = ["heatmap", "heads", "grid", "lines"]
    if session.task_kind == "nli":
        figures.append("nli")
    else:
        figures += ["steps", "beam", "compare"]
    chosen = PAGE_FIGURES.get(page, "heatmap")
    if session.task_kind == "nli" and chosen == "heatmap":
        chosen = "nli"
    return figures, chosen if chosen in figures else "heatmap"


def export_figure(window: QtWidgets.QMainWindow) -> FigureJob | None:
    """Ask for the figure and the file, then write it off the GUI thread. ``window``: the main
    window (its session, views, show_message and show_error)."""
    session = window.session
    if session.record is None:
        window.show_message(tr("nothing to export yet: type something first"))
        return None
    figures, chosen = figures_for(session, window.views.current_page())
    dialog = FigureDialog(figures, chosen, window)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return None
    try:
        options = dialog.options()
    except ValueError as error:
        window.show_error(str(error))
        return None
    view = dialog.figure()
    name = f"{session.model_name or 'attention'}-{view}.pdf"
    path, chosen_filter = QtWidgets.QFileDialog.getSaveFileName(
        window, tr("Export figure"), str(Path.cwd() / name), FILTERS
    )
    if not path:
        return None
    path = Path(path)
    if path.suffix.lower().lstrip(".") not in FORMATS:  # no suffix: the chosen filter's
        fmt = (chosen_filter.split()[0] if chosen_filter else "PDF").lower()
        path = path.with_name(f"{path.name}.{fmt}")
    other = window.views.compare.other if view == "compare" else None
    state = session_state(session, other)
    if view == "steps" and options.all_steps:
        state = replace(state, selection=replace(state.selection, step=None))
    job = FigureJob(view, state, options, path)
    job.setParent(window)  # kept alive until it reports
    job.sigDone.connect(window.show_message)
    job.sigFailed.connect(window.show_error)
    for signal in (job.sigDone, job.sigFailed):
        signal.connect(job.deleteLater)
    job.start()
    window.show_message(tr("exporting the figure to {path}…").format(path=path))
    return job
