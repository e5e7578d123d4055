"""The Train view: data, model and run settings on the left; controls, progress, live curves, the
probe's attention heatmap and the log on the right. The run, its curves and probe snapshots are a
``TrainSession``'s (``app.state.train_session``): the view builds the config from its panels, asks
before a model would replace one, and draws what the session holds.

Integration: ``sigModelSaved(path)`` when a trained model lands in the user's model directory (the
window refreshes its model catalogue, ``app.state.catalogue``), ``sigOpenModel(path)`` when the
user clicks Inspect, and ``close_requested()`` from the window's closeEvent (then ``shutdown()``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.state.display import Display
from app.state.train_session import (
    CANCEL,
    KEEP_BOTH,
    NEW,
    OVERWRITE,
    Destination,
    TrainSession,
)
from app.train.curves import CurvesView
from app.train.data_panel import DataPanel, side_texts
from app.train.model_panel import ModelPanel
from app.train.presets import TRAINING_PRESETS
from app.train.probe import ProbePanel
from app.train.run_panel import LogPane, RunControls, RunSettings
from core_models.data.download import Dataset
from core_models.training.config import ConfigError, TrainConfig

logger = logging.getLogger(__name__)

CLOSE_WAIT_S = 120  # how long closing waits for the stopped run's checkpoint
REDRAW_MS = 200  # the progress bar is redrawn at most this often (5 per second)
CURVES_S = 0.5  # the curves (~30 ms of painting each time) at most this often
LEFT_WIDTH = 480


class TrainView(QtWidgets.QWidget):
    """Train a model from the GUI and watch its attention form.

    sigOpenModel(path): the user wants the trained model open in the inspect view.
    sigModelSaved(path): a trained model was saved into the user's model directory.
    sigDisplayChosen(name, value): the user picked a display option in the probe's heatmap.
    """

    sigOpenModel = QtCore.Signal(str)
    sigModelSaved = QtCore.Signal(str)
    sigDisplayChosen = QtCore.Signal(str, object)

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, catalogue: dict[str, Dataset] | None = None
    ) -> None:
        super().__init__(parent)
        self.session = TrainSession(self)
        self._redraw_timer = QtCore.QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self._redraw)
        self._curves_drawn = 0.0  # time.monotonic() of the last curves redraw
        self.data_panel = DataPanel(catalogue)
        self.model_panel = ModelPanel()
        self.settings = RunSettings()
        self.controls = RunControls()
        self.curves = CurvesView(self.session.curves)
        self.probe = ProbePanel(self.session)
        self.log = LogPane()
        self._build_layout()

        session = self.session
        self.data_panel.sigChanged.connect(self._on_data_changed)
        self.model_panel.sigChanged.connect(self._suggest_name)
        self.model_panel.sigSizeChosen.connect(self._on_size_chosen)
        self.controls.start_button.clicked.connect(self.start)
        self.controls.pause_button.clicked.connect(session.toggle_pause)
        self.controls.stop_button.clicked.connect(session.stop)
        self.controls.inspect_button.clicked.connect(self.inspect)
        self.controls.score_button.clicked.connect(self.choose_test_file)
        session.sigStateChanged.connect(self._on_state)
        session.sigStatusChanged.connect(self._show_status)
        session.sigLog.connect(self.log.add)
        session.sigProgressed.connect(self._on_progress)
        session.sigModelSaved.connect(self.sigModelSaved)
        session.sigFinished.connect(self._on_finished)
        session.sigDisplayChanged.connect(self._show_display)
        self.probe.sigDisplayChosen.connect(self.sigDisplayChosen)
        self.settings.apply_preset(TRAINING_PRESETS[self.model_panel.size])
        self._on_data_changed()
        self._show_status()

    def _build_layout(self) -> None:
        """Data, and model and run settings, as two pages on the left (each reads fully at 1280 ×
        800, where the three stacked did not fit); run controls, curves beside the probe, and
        the log below on the right."""
        pages = QtWidgets.QStackedWidget()  # disabled while a run goes; its tab bar is not
        self.setup_tabs = QtWidgets.QTabBar()
        self.setup_tabs.setExpanding(False)
        model_and_run = QtWidgets.QWidget()
        model_and_run_layout = QtWidgets.QVBoxLayout(model_and_run)
        model_and_run_layout.setContentsMargins(0, 0, 0, 0)
        model_and_run_layout.addWidget(self.model_panel)
        model_and_run_layout.addWidget(self.settings)
        model_and_run_layout.addStretch(1)
        for title, page in (
            (self.tr("Data"), self.data_panel),
            (self.tr("Model and run"), model_and_run),
        ):
            scroll = QtWidgets.QScrollArea()  # scrolls only on a screen smaller than 1280 × 800
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setMinimumWidth(  # never cut a row's right end
                page.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
            )
            pages.addWidget(scroll)
            self.setup_tabs.addTab(title)
        self.setup_tabs.currentChanged.connect(pages.setCurrentIndex)
        self.setup_area = pages
        setup = QtWidgets.QWidget()
        setup.setMinimumWidth(LEFT_WIDTH)
        setup_layout = QtWidgets.QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 4, 0)
        setup_layout.addWidget(self.setup_tabs)
        setup_layout.addWidget(pages, 1)

        watch = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        watch.addWidget(self.curves)
        watch.addWidget(self.probe)
        watch.setStretchFactor(1, 3)  # the probe's map needs the width more than the curves
        watch.setStretchFactor(0, 2)
        right_split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        right_split.addWidget(watch)
        right_split.addWidget(self.log)
        right_split.setStretchFactor(0, 1)
        right_split.setSizes([700, 100])
        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.controls)
        right_layout.addWidget(right_split, 1)

        main = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        main.addWidget(setup)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([LEFT_WIDTH, 960])
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(main)

    # --- setup ------------------------------------------------------------------------------------

    def _on_data_changed(self) -> None:
        kind = self.data_panel.task_kind()
        self.model_panel.set_task_kind(kind)
        self.session.probe.set_task_kind(kind)
        self.session.probe.set_sample(self.data_panel.probe_pair())
        self.model_panel.set_vocab_texts(*side_texts(self.data_panel.sample_pairs()))
        self._suggest_name()

    def _suggest_name(self) -> None:
        self.settings.suggest_name(f"{self.model_panel.family}-{self.data_panel.short_name()}")

    def _on_size_chosen(self, size: str) -> None:
        self.settings.apply_preset(TRAINING_PRESETS[size])

    def train_config(self) -> TrainConfig:
        """The TrainConfig the panels describe; ConfigError names what is wrong."""
        problems = self.data_panel.problems()
        if problems:
            raise ConfigError("data: " + "; ".join(problems))
        if self.model_panel.current_estimate() is None:
            raise ConfigError(f"model: {self.model_panel.estimate_label.text()}")
        name = self.settings.name()
        if not name or name.startswith(".") or "/" in name or "\\" in name:
            raise ConfigError(f"run.name: '{name}' cannot name a model directory")
        config = TrainConfig(
            name=name,
            data=self.data_panel.data_config(),
            tokenizer=self.model_panel.tokenizer_config(),
            model=self.model_panel.model_section(),
            optim=self.settings.optim_config(),
            run=self.settings.run_config(),
        )
        config.validate("train view")
        return config

    # --- the run ----------------------------------------------------------------------------------

    def start(self) -> bool:
        """Start training what the panels describe; False (and the reason shown) if it cannot,
        or if the user would rather not replace a model already there."""
        session = self.session
        if session.active:
            return False
        try:
            config = self.train_config()
        except ConfigError as error:
            session.set_status(self.tr("cannot start: {error}").format(error=error), error=True)
            return False
        destination = session.destination(config.name)
        how = self.ask_how(destination) if destination.conflicts else NEW
        if how == CANCEL:
            session.set_status(self.tr("not started: ") + "; ".join(destination.conflicts))
            return False
        summary = f"{config.model.family} ({self.model_panel.estimate:,} parameters)"
        if not session.start(config, destination, how, summary):
            return False
        self.controls.inspect_button.setEnabled(False)
        self.controls.score_button.setEnabled(False)
        self.controls.reset_progress()
        self.curves.redraw()  # the last run's curves go at once
        return True

    def ask_how(self, destination: Destination) -> str:
        """Ask whether the new model replaces what is there (OVERWRITE), lands beside it under a
        free name (KEEP_BOTH) or is not trained (CANCEL)."""
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("The model is already there"))
        found = "; ".join(destination.conflicts)
        box.setText(
            f"{found[0].upper()}{found[1:]}." + self.tr("\n\nReplace it with the new model?")
        )
        roles = QtWidgets.QMessageBox.ButtonRole
        keep = box.addButton(
            self.tr("Keep both (save as '{name}')").format(name=destination.free_name()),
            roles.AcceptRole,
        )
        buttons = {
            box.addButton(self.tr("Overwrite"), roles.DestructiveRole): OVERWRITE,
            keep: KEEP_BOTH,
            box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel): CANCEL,
        }
        box.setDefaultButton(keep)
        box.exec()
        return buttons.get(box.clickedButton(), CANCEL)

    def inspect(self) -> None:
        if self.session.saved_path is not None:
            self.sigOpenModel.emit(self.session.saved_path)

    def choose_test_file(self) -> None:
        """Ask for a test file and score the trained model on it (off the GUI thread)."""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Choose a test file"), str(Path.home())
        )
        if path:
            self.session.score_test_file(path)

    def _on_state(self, state: str) -> None:
        if state == "idle":  # the run ended: show where it ended at once
            self._redraw(final=True)
        self.controls.set_state(state)
        self.setup_area.setEnabled(state == "idle")

    def _show_status(self) -> None:
        self.controls.set_status(self.session.status, error=self.session.status_error)

    def _on_progress(self) -> None:
        if not self._redraw_timer.isActive():  # painting every batch would cost the child CPU
            self._redraw_timer.start()

    def _redraw(self, final: bool = False) -> None:
        """The progress now, the curves when CURVES_S has passed (or the run ended): painting
        every batch would take CPU from the training process on a small machine."""
        self._redraw_timer.stop()
        if self.session.last_step is not None:
            self.controls.show_step(self.session.last_step)
        now = time.monotonic()
        if final or now - self._curves_drawn >= CURVES_S:
            self.curves.redraw()
            self._curves_drawn = now
        elif self.curves.pending:
            self._redraw_timer.start()

    def _on_finished(self) -> None:
        session = self.session
        done = session.saved_path is not None and not session.status_error
        self.controls.inspect_button.setEnabled(done)
        self.controls.score_button.setEnabled(done)

    def set_display(self, display: Display) -> None:
        """Draw the curves and the probe heatmap with ``display`` (the Inspect session's)."""
        self.session.set_display(display)

    def _show_display(self) -> None:
        self.curves.set_theme(self.session.display.theme)

    # --- closing ----------------------------------------------------------------------------------

    def close_requested(self) -> bool:
        """Whether the window may close. During training the user is asked whether to stop; if so
        the run is stopped with a checkpoint (the window waits for it) and True is returned."""
        session = self.session
        if not session.active:
            return True
        answer = QtWidgets.QMessageBox.question(
            self,
            self.tr("Training in progress"),
            self.tr(
                "A model is training. Stop it and close?\n\n"
                "It is checkpointed and saved to your models first."
            ),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No,
        )
        if answer != QtWidgets.QMessageBox.StandardButton.Yes:
            return False
        session.stop()
        if not session.process.wait(CLOSE_WAIT_S):
            logger.warning("the training process did not stop in %d s; ending it", CLOSE_WAIT_S)
            session.shutdown()
        return True

    def shutdown(self) -> None:
        """End the background work (call once close_requested() said yes)."""
        self.session.shutdown()
        self.data_panel.shutdown()
        self.model_panel.shutdown()
