"""What a trainer reports to anyone listening (the GUI, the CLI's progress bar, the CSV log)."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core_models.training.checkpoint_files import BLOCK_BYTES, disk_space_errors


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


class CsvLog:
    """Writes step and eval events to a CSV file, one row each (an eval row per metric).

    A new log replaces any file at ``path``; with ``append`` (a resumed run) rows are added to it.
    """

    COLUMNS = ("event", "step", "epoch", "loss", "lr", "tokens_per_second", "metric", "value")

    def __init__(self, path: str | Path, append: bool = False):
        self.path = Path(path)
        with disk_space_errors(self.path, BLOCK_BYTES):  # often the run directory's first write
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if not append or not self.path.exists():
            self.path.unlink(missing_ok=True)
            self._write(self.COLUMNS)

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
