"""Which weights are the best so far, for ``best/`` and early stopping: those of the best validation
BLEU (translation) or accuracy (NLI), the metric the run is for; the lowest validation loss where
that metric is not computed. A tie (a BLEU of 0 early in a run, the same accuracy) goes to the
lower validation loss. ``run.early_stopping_patience`` counts the evaluations in a row without an
improvement."""

from __future__ import annotations

import math
from typing import Any

from core_models.training.state import Progress

HIGHER_IS_BETTER = {"bleu": True, "accuracy": True, "loss": False}
PREFERRED = ("bleu", "accuracy")  # the first one an evaluation computes chooses best/
LOSS_MARGIN = 1e-6  # a lower loss by less than this is no improvement (float noise)


def chosen_metric(metrics: dict[str, Any]) -> str | None:
    """The metric that judges this evaluation: BLEU or accuracy when computed, else the loss;
    None when there is nothing to judge (no validation examples)."""
    for name in (*PREFERRED, "loss"):
        value = metrics.get(name)
        if isinstance(value, int | float) and math.isfinite(value):
            return name
    return None


def record(progress: Progress, metrics: dict[str, Any]) -> bool:
    """Count an evaluation in ``progress``; True when its weights are the best so far. A metric
    other than the one the best was chosen by (a run resumed from a checkpoint chosen by loss)
    starts a new record."""
    metric = chosen_metric(metrics)
    if metric is None:
        return False
    value, loss = float(metrics[metric]), float(metrics.get("loss", math.inf))
    best = progress.best_value
    if progress.best_metric != metric or best is None:
        better = True
    elif HIGHER_IS_BETTER[metric]:
        lower_loss = progress.best_loss is None or loss < progress.best_loss - LOSS_MARGIN
        better = value > best or (value == best and lower_loss)
    else:
        better = value < best - LOSS_MARGIN
    if better:
        progress.best_metric, progress.best_value, progress.best_loss = metric, value, loss
        progress.best_step, progress.evals_without_improvement = progress.step, 0
    else:
        progress.evals_without_improvement += 1
    return better


def described(progress: Progress) -> dict[str, Any] | None:
    """What chose the best weights, for config.json (None before any)."""
    if progress.best_step is None:
        return None
    return {
        "metric": progress.best_metric,
        "value": progress.best_value,
        "step": progress.best_step,
        "higher_is_better": HIGHER_IS_BETTER[progress.best_metric],
    }
