"""Divergence: a run whose loss stays far above where it started has blown up (a learning rate
far too high), even when every number is still finite; it must stop, not save its weights."""

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
    """Counts consecutive evaluations whose validation loss is far above the start.

    The rule: DIVERGENCE_EVALS evaluations in a row (one, at the run's last evaluation, since no
    later one can show a recovery) with a validation loss above DIVERGENCE_FACTOR × the starting
    loss mean the run diverged. A single bad evaluation in mid-run may be a spike the next one
    recovers from, but no checkpoint is written while the latest evaluation is far above the start.
    """

    def __init__(self) -> None:
        self.evals_far_above = 0

    def observe(self, loss: float, start_loss: float | None) -> None:
        self.evals_far_above = self.evals_far_above + 1 if far_above_start(loss, start_loss) else 0

    @property
    def latest_is_bad(self) -> bool:
        return self.evals_far_above > 0

    def diverged(self, last_evaluation: bool) -> bool:
        needed = 1 if last_evaluation else DIVERGENCE_EVALS
        return self.evals_far_above >= needed
