"""The curves of a training run as plain data (no Qt): the training loss and learning rate at
every step, the validation loss and the scalar metrics (BLEU, chrF, AER, accuracy) at each
evaluation. The TrainSession feeds them; ``app.train.curves.CurvesView`` draws them."""

from __future__ import annotations

import math
from numbers import Real

from core_models.training.events import EvalEvent, StepEvent

PREFERRED_METRICS = ("bleu", "accuracy", "aer", "chrf")  # the first one present is shown first


def scalar_metrics(metrics: dict) -> dict[str, float]:
    """The metrics a curve can show: plain numbers (not loss, layers, confusion matrices)."""
    return {
        name: float(value)
        for name, value in metrics.items()
        if isinstance(value, Real)
        and not isinstance(value, bool)
        and name not in ("loss", "aer_layer")
    }


def metric_rank(name: str) -> tuple[int, str]:
    """Sort key: the preferred metrics in their order, then the others by name."""
    if name in PREFERRED_METRICS:
        return PREFERRED_METRICS.index(name), name
    return len(PREFERRED_METRICS), name


def metrics_text(metrics: dict) -> str:
    """An evaluation in one line, e.g. "loss 0.412 · bleu 87.3 · aer 0.05"."""
    values = {"loss": metrics.get("loss"), **scalar_metrics(metrics)}
    return " · ".join(f"{name} {value:.3g}" for name, value in values.items() if value is not None)


class TrainingCurves:
    """What the curves show; ``version`` grows with every change (a view redraws when it moved)."""

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.learning_rates: list[float] = []
        self.eval_steps: list[int] = []
        self.valid_losses: list[float] = []
        self.metrics: dict[str, list[float]] = {}  # name -> one value per evaluation (NaN: absent)
        self.version = 0

    def clear(self) -> None:
        for values in (
            self.steps,
            self.losses,
            self.learning_rates,
            self.eval_steps,
            self.valid_losses,
        ):
            values.clear()
        self.metrics.clear()
        self.version += 1

    def add_step(self, event: StepEvent) -> None:
        self.steps.append(event.step)
        self.losses.append(event.loss)
        self.learning_rates.append(event.lr)
        self.version += 1

    def add_eval(self, event: EvalEvent) -> None:
        self.eval_steps.append(event.step)
        self.valid_losses.append(float(event.metrics.get("loss", math.nan)))
        values = scalar_metrics(event.metrics)
        for name in values.keys() - self.metrics.keys():
            self.metrics[name] = [math.nan] * (len(self.eval_steps) - 1)
        for name, history in self.metrics.items():
            history.append(values.get(name, math.nan))
        self.version += 1

    def metric_names(self) -> list[str]:
        """The metrics seen so far, the preferred ones first."""
        return sorted(self.metrics, key=metric_rank)
