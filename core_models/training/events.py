"""What a trainer reports to anyone listening (the GUI, the CLI's progress bar, the CSV log)."""

from __future__ import annotations

import csv
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from core_models.training.checkpoint_files import BLOCK_BYTES, disk_space_errors

if TYPE_CHECKING:
    from torch import nn

    from core_models.tokenizers import Tokenizer


@dataclass
class StepEvent:
    step: int
    total_steps: int
    epoch: int
    loss: float
    lr: float
    tokens_per_second: float
    eta_seconds: float


@dataclass
class EvalEvent:
    step: int
    metrics: dict[str, Any]


@dataclass
class CheckpointEvent:
    step: int
    path: str


@dataclass
class DoneEvent:
    step: int
    path: str
    metrics: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False


@dataclass
class FailedEvent:
    step: int
    reason: str


Event = StepEvent | EvalEvent | CheckpointEvent | DoneEvent | FailedEvent


class Listener(Protocol):
    def __call__(self, event: Event) -> None: ...


@dataclass(frozen=True)
class LiveModel:
    """The model being trained and its tokenizers, for watchers in the trainer's own process that
    look inside it between steps (the GUI's probe sentence); never sent to another process."""

    model: nn.Module
    tokenizers: dict[str, Tokenizer]
    checkpoint_path: Path  # where the run writes its checkpoint


class Watcher(Protocol):
    """A listener that also gets the live model (the model is in eval mode after an EvalEvent)."""

    def __call__(self, event: Event, live: LiveModel) -> None: ...


class CsvLog:
    """Writes step and eval events to a CSV file, one row each (an eval row per metric).

    Nothing is written until ``start``: a new run's log then replaces any file at ``path``; a
    resumed run's log keeps the rows up to its checkpoint's step and drops the later ones (the
    resumed run takes those steps again), so no step appears twice.
    """

    COLUMNS = ("event", "step", "epoch", "loss", "lr", "tokens_per_second", "metric", "value")

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def start(self, resume_at: int | None = None) -> None:
        """Begin a new log, or (``resume_at``: the checkpoint's step) continue the old one."""
        with disk_space_errors(self.path, BLOCK_BYTES):  # often the run directory's first write
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept: list[list[str]] = []
            if resume_at is not None and self.path.is_file():
                with open(self.path, newline="", encoding="utf-8") as handle:
                    kept = [row for row in csv.reader(handle) if _row_step(row) <= resume_at]
            staging = self.path.with_name(f".{self.path.name}.tmp")
            with open(staging, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(self.COLUMNS)
                writer.writerows(row for row in kept if row and row[0] != "event")
            os.replace(staging, self.path)

    def _write(self, row) -> None:
        with (
            disk_space_errors(self.path, BLOCK_BYTES),
            open(self.path, "a", newline="", encoding="utf-8") as handle,
        ):
            csv.writer(handle).writerow(row)

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepEvent):
            values = asdict(event)
            self._write(["step"] + [values.get(c, "") for c in self.COLUMNS[1:6]] + ["", ""])
        elif isinstance(event, EvalEvent):
            for name, value in event.metrics.items():
                if isinstance(value, (int, float)):
                    self._write(["eval", event.step, "", "", "", "", name, value])


def _row_step(row: list[str]) -> int:
    """A log row's step; the header and rows without a step count as 0 (kept on resume; the old
    header is then left out, the new one written first)."""
    try:
        return int(row[1])
    except (IndexError, ValueError):
        return 0
