"""The Train view: data, model and run settings on the left; controls, progress, live curves, the
probe's attention heatmap and the log on the right. Training runs in a worker process
(``app.train.controller``); the view only listens to what it reports.

Integration: ``sigModelSaved(path)`` when a trained model lands in the user's model directory (the
model picker refreshes), ``sigOpenModel(path)`` when the user clicks Inspect, and
``close_requested()`` from the window's closeEvent (then ``shutdown()``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.train.controller import TrainingProcess
from app.train.curves import CurvesView, scalar_metrics
from app.train.data_panel import DataPanel, side_texts
from app.train.model_panel import ModelPanel
from app.train.presets import TRAINING_PRESETS
from app.train.probe import ProbePanel
from app.train.process import (
    ChildFinished,
    ChildLog,
    ModelPublished,
    ProbeSnapshot,
    TrainJob,
    unique_directory,
)
from app.train.run_panel import LogPane, RunControls, RunSettings
from core_models.data.download import Dataset
from core_models.paths import user_home, user_models_dir
from core_models.training.config import ConfigError, TrainConfig
from core_models.training.events import (
    CheckpointEvent,
    DoneEvent,
    EvalEvent,
    FailedEvent,
    StepEvent,
)

logger = logging.getLogger(__name__)

CLOSE_WAIT_S = 120  # how long closing waits for the stopped run's checkpoint
REDRAW_MS = 200  # the progress bar is redrawn at most this often (5 per second)
CURVES_S = 0.5  # the curves (~30 ms of painting each time) at most this often
LEFT_WIDTH = 480


def metrics_text(metrics: dict) -> str:
    """An evaluation in one line, e.g. "loss 0.412 · bleu 87.3 · aer 0.05"."""
    values = {"loss": metrics.get("loss"), **scalar_metrics(metrics)}
    return " · ".join(f"{name} {value:.3g}" for name, value in values.items() if value is not None)


class TrainView(QtWidgets.QWidget):
    """Train a model from the GUI and watch its attention form.

    sigOpenModel(path): the user wants the trained model open in the inspect view.
    sigModelSaved(path): a trained model was saved into the user's model directory.
    """

    sigOpenModel = QtCore.Signal(str)
    sigModelSaved = QtCore.Signal(str)

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, catalogue: dict[str, Dataset] | None = None
    ) -> None:
        super().__init__(parent)
        self.saved_path: str | None = None
        self.run_dir: Path | None = None
        self.failure = ""
        self.process = TrainingProcess(self)
        self._last_step: StepEvent | None = None  # shown at the next redraw
        self._redraw_timer = QtCore.QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self._redraw)
        self._curves_drawn = 0.0  # time.monotonic() of the last curves redraw
        self.data_panel = DataPanel(catalogue)
        self.model_panel = ModelPanel()
        self.settings = RunSettings()
        self.controls = RunControls()
        self.curves = CurvesView()
        self.probe = ProbePanel()
        self.log = LogPane()
        self._build_layout()

        self.data_panel.sigChanged.connect(self._on_data_changed)
        self.model_panel.sigChanged.connect(self._suggest_name)
        self.model_panel.sigSizeChosen.connect(self._on_size_chosen)
        self.controls.start_button.clicked.connect(self.start)
        self.controls.pause_button.clicked.connect(self.toggle_pause)
        self.controls.stop_button.clicked.connect(self.stop)
        self.controls.inspect_button.clicked.connect(self.inspect)
        self.probe.sigProbeChanged.connect(self.process.set_probe)
        self.process.sigMessages.connect(self._on_messages)
        self.process.sigStateChanged.connect(self._on_state)
        self.settings.apply_preset(TRAINING_PRESETS[self.model_panel.size])
        self._on_data_changed()
        self.controls.set_status("choose the data and a model, then Start training")

    def _build_layout(self) -> None:
        setup = QtWidgets.QWidget()
        setup_layout = QtWidgets.QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 4, 0)
        setup_layout.addWidget(self.data_panel, 1)
        setup_layout.addWidget(self.model_panel)
        setup_layout.addWidget(self.settings)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(setup)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(LEFT_WIDTH)
        self.setup_area = setup

        watch = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        watch.addWidget(self.curves)
        watch.addWidget(self.probe)
        watch.setSizes([480, 480])
        right_split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        right_split.addWidget(watch)
        right_split.addWidget(self.log)
        right_split.setStretchFactor(0, 1)
        right_split.setSizes([700, 140])
        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.controls)
        right_layout.addWidget(right_split, 1)

        main = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        main.addWidget(scroll)
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
        self.probe.set_task_kind(kind)
        self.probe.set_sample(self.data_panel.probe_pair())
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
        """Start training what the panels describe; False (and the reason shown) if it cannot."""
        if self.process.active:
            return False
        try:
            config = self.train_config()
        except ConfigError as error:
            self.controls.set_status(f"cannot start: {error}", error=True)
            return False
        runs = user_home() / "runs"
        self.run_dir = unique_directory(runs, f"{config.name}-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.run_dir.mkdir(parents=True)
            config.to_toml(self.run_dir / "train.toml")
        except OSError as error:
            self.controls.set_status(f"cannot start: {error}", error=True)
            return False
        self.saved_path, self.failure = None, ""
        self.curves.clear()
        self.probe.clear_snapshots()
        self.controls.inspect_button.setEnabled(False)
        self.controls.reset_progress()
        self.log.add(
            f"training {config.model.family} ({self.model_panel.estimate:,} parameters) on "
            f"{config.data.task or config.data.train} in {self.run_dir}"
        )
        self.log.add(
            f"to train the same from a terminal: attention-workbench train {self.run_dir / 'train.toml'}"
        )
        job = TrainJob(
            config.to_dict(), str(self.run_dir), str(user_models_dir()), self.probe.probe_input()
        )
        self.process.start(job)
        self.controls.set_status("starting the training process and preparing the data…")
        return True

    def toggle_pause(self) -> None:
        if self.process.state == "paused":
            self.resume()
        else:
            self.pause()

    def pause(self) -> None:
        """Hold training before its next step (the worker keeps its state)."""
        if self.process.state in ("starting", "running"):
            self.process.pause()
            self.log.add("paused")

    def resume(self) -> None:
        if self.process.state == "paused":
            self.process.resume()
            self.log.add("resumed")

    def stop(self) -> None:
        """Stop after the current step; the model is checkpointed and saved first."""
        if self.process.active:
            self.process.stop()
            self.log.add("stopping: saving a checkpoint first")
            self.controls.set_status("stopping after this step; saving the model…")

    def inspect(self) -> None:
        if self.saved_path is not None:
            self.sigOpenModel.emit(self.saved_path)

    def _on_state(self, state: str) -> None:
        if state == "idle":  # the run ended: show where it ended at once
            self._redraw(final=True)
        self.controls.set_state(state)
        self.setup_area.setEnabled(state == "idle")

    def _on_messages(self, batch: list) -> None:
        for message in batch:
            if isinstance(message, StepEvent):
                self.curves.add_step(message)
                self._last_step = message
            elif isinstance(message, EvalEvent):
                self.curves.add_eval(message)
                self.log.add(f"step {message.step:,}: {metrics_text(message.metrics)}")
            elif isinstance(message, ProbeSnapshot):
                self.probe.add_snapshot(message)
            else:
                self._on_other(message)
        if not self._redraw_timer.isActive():  # painting every batch would cost the child CPU
            self._redraw_timer.start()

    def _redraw(self, final: bool = False) -> None:
        """The progress now, the curves when CURVES_S has passed (or the run ended): painting
        every batch would take CPU from the training process on a small machine."""
        self._redraw_timer.stop()
        if self._last_step is not None:
            self.controls.show_step(self._last_step)
            self._last_step = None
            if self.process.state == "running":
                self.controls.set_status("training")
        now = time.monotonic()
        if final or now - self._curves_drawn >= CURVES_S:
            self.curves.redraw()
            self._curves_drawn = now
        elif self.curves.pending:
            self._redraw_timer.start()

    def _on_other(self, message: object) -> None:
        if isinstance(message, CheckpointEvent):
            self.log.add(f"step {message.step:,}: checkpoint written to {message.path}")
        elif isinstance(message, DoneEvent):
            how = "stopped" if message.cancelled else "finished"
            self.log.add(f"{how} at step {message.step:,}: {metrics_text(message.metrics)}")
        elif isinstance(message, FailedEvent):
            self.failure = message.reason
            self.log.add(f"failed at step {message.step:,}: {message.reason}")
        elif isinstance(message, ChildLog):
            self.log.add(message.text)
        elif isinstance(message, ModelPublished):
            self.saved_path = message.path
            self.log.add(f"model saved as {message.path}")
            self.sigModelSaved.emit(message.path)
        elif isinstance(message, ChildFinished):
            self._on_finished(message)

    def _on_finished(self, message: ChildFinished) -> None:
        error = self.failure or message.error
        if error:
            self.controls.set_status(f"training failed: {error}", error=True)
        elif self.saved_path is not None:
            name = Path(self.saved_path).name
            self.controls.set_status(
                f"saved '{name}' in your models — Inspect the model to open it"
            )
            self.controls.inspect_button.setEnabled(True)
        else:
            self.controls.set_status("the run ended without a checkpoint", error=True)

    def set_theme(self, theme: str) -> None:
        """Draw the curves and the probe heatmap in the "light" or "dark" palette."""
        self.curves.set_theme(theme)
        self.probe.heatmap.set_theme(theme)

    # --- closing ----------------------------------------------------------------------------------

    def close_requested(self) -> bool:
        """Whether the window may close. During training the user is asked whether to stop; if so
        the run is stopped with a checkpoint (the window waits for it) and True is returned."""
        if not self.process.active:
            return True
        answer = QtWidgets.QMessageBox.question(
            self,
            "Training in progress",
            "A model is training. Stop it and close?\n\n"
            "It is checkpointed and saved to your models first.",
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No,
        )
        if answer != QtWidgets.QMessageBox.StandardButton.Yes:
            return False
        self.stop()
        if not self.process.wait(CLOSE_WAIT_S):
            logger.warning("the training process did not stop in %d s; ending it", CLOSE_WAIT_S)
            self.process.shutdown()
        return True

    def shutdown(self) -> None:
        """End the background work (call once close_requested() said yes)."""
        self.process.shutdown()
        self.data_panel.shutdown()
        self.model_panel.shutdown()
