"""The TrainSession: the Train tab's state and signals, without a widget, in the shape of the
Inspect ``Session``. It holds the run (its state, directory, status line, last step, saved model
or failure), the curves (``app.state.train_curves``), the probe and its snapshots with their
selection (``app.state.train_probe``) and the display choices of the probe's heatmap and the curves
(``display``). The training runs in a worker process (``app.workers.training``); the session turns
what it reports into state and signals, and the Train widgets (``app.train.view``) render it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6 import QtCore

from app.state.display import Display
from app.state.test_scoring import TestScoring
from app.state.train_curves import TrainingCurves, metrics_text
from app.state.train_probe import ProbeSession
from app.workers.training import TrainingProcess
from app.workers.training_process import (
    ChildFinished,
    ChildLog,
    ModelPublished,
    ProbeSnapshot,
    TrainJob,
    unique_directory,
)
from core_models.paths import user_home, user_models_dir
from core_models.training.config import TrainConfig
from core_models.training.events import (
    CheckpointEvent,
    DoneEvent,
    EvalEvent,
    FailedEvent,
    StepEvent,
)
from core_models.training.runs import existing_run


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


IDLE_STATUS = QtCore.QT_TRANSLATE_NOOP(
    "TrainSession", "choose the data and a model, then Start training"
)  # translated where it is shown
# How a run's model lands in the user's models: under its name when that is free (NEW); when it is
# not, replacing the model there (OVERWRITE), beside it under a free name (KEEP_BOTH), or not at all
# (CANCEL: the run does not start).
NEW, OVERWRITE, KEEP_BOTH, CANCEL = "new", "overwrite", "keep both", "cancel"


@dataclass(frozen=True)
class Destination:
    """Where a run trains and where its model lands, and what is already there."""

    name: str  # the model's name in the user's models
    run_dir: Path
    models_dir: Path

    @property
    def existing_model(self) -> Path | None:
        """The user's model of that name, if there is one."""
        path = self.models_dir / self.name
        return path if path.exists() else None

    @property
    def conflicts(self) -> list[str]:
        """What starting would replace, in words ([] when nothing)."""
        found = []
        if self.existing_model is not None:
            found.append(
                tr("your models already hold a model named '{name}'").format(name=self.name)
            )
        if existing_run(self.run_dir) is not None:
            found.append(
                tr("the run directory {path} already holds a checkpoint").format(path=self.run_dir)
            )
        return found

    def free_name(self) -> str:
        """The name a second model would get, e.g. "transformer-copy-2"."""
        return unique_directory(self.models_dir, self.name).name


class TrainSession(QtCore.QObject):
    """State + signals of the Train tab (one training run at a time).

    sigStateChanged(str): the run's state, one of ``app.workers.training.STATES``.
    sigStatusChanged(): ``status`` (and ``status_error``) changed.
    sigLog(str): a line for the run's log.
    sigProgressed(): steps or evaluations arrived (``last_step``, ``curves``), once per batch.
    sigModelSaved(str): the trained model landed in the user's models, at this path.
    sigFinished(): the run ended (``saved_path`` or ``failure`` say how).
    sigDisplayChanged(): ``display`` changed.
    """

    sigStateChanged = QtCore.Signal(str)
    sigStatusChanged = QtCore.Signal()
    sigLog = QtCore.Signal(str)
    sigProgressed = QtCore.Signal()
    sigModelSaved = QtCore.Signal(str)
    sigFinished = QtCore.Signal()
    sigDisplayChanged = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.process = TrainingProcess(self)
        self.curves = TrainingCurves()
        self.probe = ProbeSession(self)
        # The probe heatmap's and the curves' display choices: the one place to point at the
        # Inspect session's Display so both tabs draw alike.
        self.display = Display()
        self.run_dir: Path | None = None
        self.saved_path: str | None = None
        self.failure = ""
        self.last_step: StepEvent | None = None
        self.status, self.status_error = self.tr(IDLE_STATUS), False
        self.process.sigMessages.connect(self._on_messages)
        self.process.sigStateChanged.connect(self._on_state)
        self.probe.sigProbeEdited.connect(self.process.set_probe)
        # "Score on a test file…": the finished model's test figures, computed off the GUI thread
        self.scoring = TestScoring(self)
        self.scoring.sigScored.connect(self._on_scored)
        self.scoring.sigFailed.connect(
            lambda error: self.set_status(self.tr("not scored: {error}").format(error=error), True)
        )
        self.scoring.sigBusy.connect(
            lambda busy: busy and self.set_status(self.tr("scoring the test file…"))
        )

    @property
    def state(self) -> str:
        return self.process.state

    @property
    def active(self) -> bool:
        return self.process.active

    # --- the run --------------------------------------------------------------------------------

    def destination(self, name: str) -> Destination:
        """Where a run of model ``name`` started now would train and publish."""
        run_dir = unique_directory(user_home() / "runs", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
        return Destination(name, run_dir, user_models_dir())

    def start(self, config: TrainConfig, destination: Destination, how: str, summary: str) -> bool:
        """Train ``config`` into ``destination`` (``how``: NEW, OVERWRITE replaces what is there,
        KEEP_BOTH trains under a free name); False (and the reason shown) if it cannot start.
        ``summary`` describes the model for the log, e.g. "transformer (23,584 parameters)"."""
        if self.active:
            return False
        if how == KEEP_BOTH:
            destination = self.destination(destination.free_name())
            self.sigLog.emit(
                self.tr("keeping your model '{name}': this one is '{new}'").format(
                    name=config.name, new=destination.name
                )
            )
            config = replace(config, name=destination.name)
        self.run_dir = destination.run_dir
        try:
            self.run_dir.mkdir(parents=True, exist_ok=how == OVERWRITE)
            config.to_toml(self.run_dir / "train.toml")
        except OSError as error:
            self.set_status(self.tr("cannot start: {error}").format(error=error), error=True)
            return False
        self.saved_path, self.failure, self.last_step = None, "", None
        self.curves.clear()
        self.probe.clear_snapshots()
        self.sigLog.emit(
            self.tr("training {model} on {data} in {path}").format(
                model=summary, data=config.data.task or config.data.train, path=self.run_dir
            )
        )
        self.sigLog.emit(
            self.tr("to train the same from a terminal: {command}").format(
                command=f"attention-workbench train {self.run_dir / 'train.toml'}"
            )
        )
        job = TrainJob(
            config.to_dict(),
            str(self.run_dir),
            str(destination.models_dir),
            self.probe.probe_input(),
            overwrite=how == OVERWRITE,
        )
        self.process.start(job)
        self.set_status(self.tr("starting the training process and preparing the data…"))
        return True

    def toggle_pause(self) -> None:
        if self.state == "paused":
            self.resume()
        else:
            self.pause()

    def pause(self) -> None:
        """Hold training before its next step (the worker keeps its state)."""
        if self.state in ("starting", "running"):
            self.process.pause()
            self.sigLog.emit(self.tr("paused"))

    def resume(self) -> None:
        if self.state == "paused":
            self.process.resume()
            self.sigLog.emit(self.tr("resumed"))

    def stop(self) -> None:
        """Stop after the current step; the model is checkpointed and saved first."""
        if self.active:
            self.process.stop()
            self.sigLog.emit(self.tr("stopping: saving a checkpoint first"))
            self.set_status(self.tr("stopping after this step; saving the model…"))

    def set_status(self, text: str, error: bool = False) -> None:
        if (text, error) != (self.status, self.status_error):
            self.status, self.status_error = text, error
            self.sigStatusChanged.emit()

    def shutdown(self) -> None:
        """End the training process at once if it still runs."""
        self.process.shutdown()
        self.scoring.shutdown()

    def score_test_file(self, test_file: str) -> None:
        """Score the saved model on ``test_file`` (in its training data's format)."""
        if self.saved_path is not None:
            self.scoring.score(self.saved_path, test_file)

    def _on_scored(self, model_path: str, summary: str) -> None:
        self.sigLog.emit(self.tr("{summary}; saved on the model card").format(summary=summary))
        self.set_status(self.tr("{summary} — saved on the model card").format(summary=summary))
        self.sigModelSaved.emit(model_path)  # its card changed: the catalogue reads it again

    # --- what the training process reports ------------------------------------------------------

    def _on_state(self, state: str) -> None:
        self.sigStateChanged.emit(state)

    def _on_messages(self, batch: list) -> None:
        for message in batch:
            if isinstance(message, StepEvent):
                self.curves.add_step(message)
                self.last_step = message
                if self.state == "running":
                    self.set_status(self.tr("training"))
            elif isinstance(message, EvalEvent):
                self.curves.add_eval(message)
                self.sigLog.emit(f"step {message.step:,}: {metrics_text(message.metrics)}")
            elif isinstance(message, ProbeSnapshot):
                self.probe.add_snapshot(message)
            else:
                self._on_other(message)
        self.sigProgressed.emit()

    def _on_other(self, message: object) -> None:
        if isinstance(message, CheckpointEvent):
            self.sigLog.emit(
                self.tr("step {step}: checkpoint written to {path}").format(
                    step=f"{message.step:,}", path=message.path
                )
            )
        elif isinstance(message, DoneEvent):
            how = (
                self.tr("stopped at step {step}: {metrics}")
                if message.cancelled
                else self.tr("finished at step {step}: {metrics}")
            )
            self.sigLog.emit(
                how.format(step=f"{message.step:,}", metrics=metrics_text(message.metrics))
            )
        elif isinstance(message, FailedEvent):
            self.failure = message.reason
            self.sigLog.emit(
                self.tr("failed at step {step}: {reason}").format(
                    step=f"{message.step:,}", reason=message.reason
                )
            )
        elif isinstance(message, ChildLog):
            self.sigLog.emit(message.text)
        elif isinstance(message, ModelPublished):
            self.saved_path = message.path
            self.sigLog.emit(self.tr("model saved as {path}").format(path=message.path))
            self.sigModelSaved.emit(message.path)
        elif isinstance(message, ChildFinished):
            self._on_finished(message)

    def _on_finished(self, message: ChildFinished) -> None:
        error = self.failure or message.error
        if error:
            self.set_status(self.tr("training failed: {error}").format(error=error), error=True)
        elif self.saved_path is not None:
            name = Path(self.saved_path).name
            self.set_status(
                self.tr("saved '{name}' in your models — Inspect the model to open it").format(
                    name=name
                )
            )
        else:
            self.set_status(self.tr("the run ended without a checkpoint"), error=True)
        self.sigFinished.emit()

    # --- display --------------------------------------------------------------------------------

    def set_display(self, display: Display) -> None:
        """Draw the probe and the curves with ``display`` (the window gives the Inspect session's,
        so both tabs draw alike)."""
        if display != self.display:
            self.display = display
            self.sigDisplayChanged.emit()
