"""The training worker process: runs a ``Trainer`` away from the GUI, sends its events back over a
queue, obeys pause / resume / stop / new-probe commands, computes the probe sentence's attention
record with the live weights at each evaluation, and publishes the finished checkpoint into the
user's model directory.

Qt-free (nothing here imports PySide6, so the spawned child starts fast). The child calls
``torch.set_num_threads(CHILD_THREADS)``: the models trained from the GUI are small, the machine is
shared, and a second OpenMP thread mostly waits on the first (on a busy 2-core machine it made a
tiny model's step ~30x slower, see tests/conftest.py); one thread also leaves a core to the GUI.

Messages to the GUI (in order): the core events (``StepEvent``, ``EvalEvent``, ``CheckpointEvent``,
``DoneEvent``, ``FailedEvent``), ``ProbeSnapshot``, ``ChildLog``, ``ModelPublished`` and, last,
``ChildFinished``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from core_models.inference import Classifier, Translator
from core_models.record import AttentionRecord
from core_models.training.checkpoint import Checkpoint, checkpoint_dir
from core_models.training.config import TrainConfig
from core_models.training.events import EvalEvent, Event, LiveModel
from core_models.training.trainer import Trainer

logger = logging.getLogger(__name__)

CHILD_THREADS = 1
PARENT_CHECK_S = 1.0  # how often the child checks that the GUI is still there
RESUMABLE_FILES = ("trainer_state.json", "trainer_state.safetensors")  # not copied when publishing


@dataclass(frozen=True)
class ProbeInput:
    """The probe: a source (and optional reference: forced decoding), or a premise and hypothesis.

    gold: word links (source word, target word) of the pair, shown as outlines when known.
    """

    text: str
    reference: str = ""
    hypothesis: str = ""
    gold: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class TrainJob:
    """Everything the child needs: the config (as a dict), where to train, where to publish.

    overwrite: the user chose to replace what is there: the model of the same name in
    ``models_dir`` and any checkpoint already in ``run_dir`` (the trainer refuses it otherwise).
    """

    config: dict[str, Any]
    run_dir: str
    models_dir: str
    probe: ProbeInput | None = None
    overwrite: bool = False


@dataclass
class ProbeSnapshot:
    """The probe's attention record at evaluation ``step``; ``output`` the decoded text or label."""

    step: int
    record: AttentionRecord
    output: str


@dataclass
class ChildLog:
    text: str


@dataclass
class ModelPublished:
    path: str


@dataclass
class ChildFinished:
    """The run ended: ``checkpoint`` is the run's checkpoint (None when none was written)."""

    checkpoint: str | None
    error: str = ""
    published: str | None = None


Message = Event | ProbeSnapshot | ChildLog | ModelPublished | ChildFinished


def start_training(job: TrainJob) -> tuple[multiprocessing.Process, Any, Any]:
    """Spawn the child ("spawn": no forked torch or Qt state); returns (process, messages, commands)."""
    context = multiprocessing.get_context("spawn")
    messages, commands = context.Queue(), context.Queue()
    process = context.Process(
        target=child_main, args=(job, messages, commands), name="attention-workbench-training"
    )
    process.daemon = True  # never outlives the GUI
    process.start()
    return process, messages, commands


def child_main(job: TrainJob, messages: Any, commands: Any) -> None:
    """The child's entry point: train, publish, report ``ChildFinished`` last."""
    torch.set_num_threads(CHILD_THREADS)
    _forward_logging(messages)
    messages.put(ChildLog(f"training process {os.getpid()} started ({CHILD_THREADS} torch thread)"))
    checkpoint, published, error = None, None, ""
    try:
        config = TrainConfig.from_dict(job.config, source="train view")
        probe = ProbeRunner(config, job.probe, messages)
        trainer = Trainer(
            config, job.run_dir, [messages.put], watchers=[probe], overwrite=job.overwrite
        )
        threading.Thread(
            target=_obey, args=(commands, trainer, probe), name="commands", daemon=True
        ).start()
        path = trainer.run()
        if path is not None and (path / "config.json").is_file():
            checkpoint = str(path)
            best = checkpoint_dir(job.run_dir)  # best/ (the best validation metric), else model/
            published = str(
                publish_checkpoint(best, Path(job.models_dir), config.name, job.overwrite)
            )
            messages.put(ModelPublished(published))
    except Exception as exception:  # reported to the GUI (the trainer already sent FailedEvent)
        logger.exception("training failed")  # the traceback, on the child's stderr
        error = f"{type(exception).__name__}: {exception}"
    messages.put(ChildFinished(checkpoint, error, published))


def _obey(commands: Any, trainer: Trainer, probe: ProbeRunner) -> None:
    """Apply the GUI's commands; if the GUI dies, stop with a checkpoint."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            command, *args = commands.get(timeout=PARENT_CHECK_S)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                trainer.cancel(save=True)
                return
            continue
        if command == "pause":
            trainer.pause()
        elif command == "resume":
            trainer.resume()
        elif command == "stop":
            trainer.cancel(save=True)
        elif command == "probe":
            probe.probe = args[0]


class ProbeRunner:
    """A trainer watcher: at each evaluation, the probe's record with the live weights.

    The model is in eval mode right after the trainer's evaluation; the next training step puts
    it back in train mode.
    """

    def __init__(self, config: TrainConfig, probe: ProbeInput | None, messages: Any) -> None:
        self.config, self.probe, self.messages = config, probe, messages

    def __call__(self, event: Event, live: LiveModel) -> None:
        if not isinstance(event, EvalEvent) or self.probe is None:
            return
        try:
            record, output = self.run(self.probe, live)
        except Exception as error:  # a bad probe must not stop training
            self.messages.put(ChildLog(f"probe at step {event.step} failed: {error}"))
            return
        self.messages.put(ProbeSnapshot(event.step, record, output))

    def run(self, probe: ProbeInput, live: LiveModel) -> tuple[AttentionRecord, str]:
        meta = {
            "train_config": self.config.to_dict(),
            "model": live.model.config.to_dict(),
            "task": self.config.data.task,
        }
        checkpoint = Checkpoint(
            live.checkpoint_path, live.model.family, live.model, live.tokenizers, meta
        )
        if checkpoint.task_kind == "nli":
            result = Classifier(checkpoint, self.config.name).classify(probe.text, probe.hypothesis)
            return result.record, f"{result.label} ({result.probs[result.label]:.0%})"
        translation = Translator(checkpoint, self.config.name).translate(
            probe.text, reference=probe.reference or None, gold_alignment=probe.gold
        )
        return translation.record, translation.output_text


def unique_directory(parent: Path, name: str) -> Path:
    """``parent / name``, or ``name-2``, ``name-3``, ... when taken (models are never replaced)."""
    candidate, number = parent / name, 1
    while candidate.exists():
        number += 1
        candidate = parent / f"{name}-{number}"
    return candidate


def publish_checkpoint(
    checkpoint: Path, models_dir: Path, name: str, overwrite: bool = False
) -> Path:
    """Copy a run's checkpoint (without its resumable trainer state) into ``models_dir`` under a
    free name (``overwrite``: under ``name``, replacing the model there), atomically: copied into
    a hidden staging directory, then renamed into place."""
    models_dir.mkdir(parents=True, exist_ok=True)
    destination = models_dir / name if overwrite else unique_directory(models_dir, name)
    staging = models_dir / f".{destination.name}.{os.getpid()}.tmp"  # hidden from list_models
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(checkpoint, staging, ignore=shutil.ignore_patterns(*RESUMABLE_FILES))
        for file in (f for f in staging.iterdir() if f.is_file()):
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
        replace_directory(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination


def replace_directory(source: Path, destination: Path) -> None:
    """Rename ``source`` to ``destination``; one already there is set aside as ``.name.old``
    first and removed once the new one is in place (a crash between the two renames leaves it
    whole, where loading that path restores it: ``core_models.training.checkpoint``)."""
    old = destination.with_name(f".{destination.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if destination.exists():
        os.replace(destination, old)
    try:
        os.replace(source, destination)
    except BaseException:
        if old.exists():
            os.replace(old, destination)
        raise
    shutil.rmtree(old, ignore_errors=True)


class _QueueLogHandler(logging.Handler):
    def __init__(self, messages: Any) -> None:
        super().__init__(logging.INFO)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.put(ChildLog(f"{record.levelname.lower()}: {record.getMessage()}"))


def _forward_logging(messages: Any) -> None:
    """core_models' INFO and above (left-out pairs, GloVe coverage, ...) go to the GUI's log pane."""
    root = logging.getLogger("core_models")
    root.setLevel(logging.INFO)
    root.addHandler(_QueueLogHandler(messages))
