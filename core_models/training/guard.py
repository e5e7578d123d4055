"""Divergence: a run whose loss stays far above where it started has blown up (a learning rate
far too high), even when every number is still finite; it must stop, and not save its weights."""

from __future__ import annotations

import math

DIVERGENCE_FACTOR = 10.0
DIVERGENCE_EVALS = 2


def far_above_start(loss: float, start_loss: float | None) -> bool:
    """True when ``loss`` is more than DIVERGENCE_FACTOR times the run's starting loss.

    The starting loss is the first step's training loss, taken with the untrained weights: about
    ln(vocabulary size) for translation and ln 3 for NLI, the loss of a uniform guess. A model ten
    times worse than knowing nothing predicts the wrong tokens with confidence: training has not
    just stalled or overfitted (both stay within a few times the start), its weights have blown up.
    """
    if start_loss is None or not math.isfinite(start_loss) or start_loss <= 0:
        return False
    return not loss <= DIVERGENCE_FACTOR * start_loss  # NaN counts as far above


class DivergenceCheck:
    """The rule: the run diverged when DIVERGENCE_EVALS evaluations in a row (one, at the run's
    last evaluation, since no later one can show a recovery) have a validation loss more than
    DIVERGENCE_FACTOR times the starting loss. One such evaluation in mid-run may be a spike that
    the next recovers from; but no checkpoint is written while the latest evaluation is that far
    above the start, nor, when no evaluation came since the previous checkpoint, while the mean
    training loss since then is.
    """

    def __init__(self) -> None:
        self.evals_far_above = 0
        self.eval_loss = math.nan
        self._loss_sum, self._loss_count = 0.0, 0
        self._evaluated = False  # an evaluation since the previous checkpoint

    def observe_step(self, loss: float) -> None:
        self._loss_sum += loss
        self._loss_count += 1

    def observe_eval(self, loss: float, start_loss: float | None) -> None:
        self.eval_loss = loss
        self._evaluated = True
        self.evals_far_above = self.evals_far_above + 1 if far_above_start(loss, start_loss) else 0

    def diverged(self, last_evaluation: bool) -> bool:
        return self.evals_far_above >= (1 if last_evaluation else DIVERGENCE_EVALS)

    def why_not_save(self, start_loss: float | None) -> str | None:
        """Why the current weights must not replace the last checkpoint (None: they may). Starts
        a new window of training losses for the next checkpoint."""
        mean = self._loss_sum / self._loss_count if self._loss_count else math.nan
        evaluated = self._evaluated
        self._loss_sum, self._loss_count, self._evaluated = 0.0, 0, False
        if self.evals_far_above:
            what = f"the validation loss {self.eval_loss:.4g}"
        elif not evaluated and not math.isnan(mean) and far_above_start(mean, start_loss):
            what = f"the mean training loss {mean:.4g} since the last checkpoint"
        else:
            return None
        return f"{what} is more than {DIVERGENCE_FACTOR:g} times the starting loss {start_loss:.4g}"
