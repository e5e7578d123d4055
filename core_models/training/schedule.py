"""Learning-rate schedules as multipliers of the base rate: constant, Noam (Vaswani et al. 2017
§5.3: linear warm-up then inverse square root) and warm-up + cosine decay (Loshchilov & Hutter 2017)."""

from __future__ import annotations

import math
from collections.abc import Callable


def lr_multiplier(schedule: str, warmup_steps: int, total_steps: int) -> Callable[[int], float]:
    """step (0-based) -> factor applied to the configured learning rate (peak 1.0)."""
    warmup = max(0, warmup_steps)

    def warm(step: int) -> float:
        return (step + 1) / warmup if warmup and step < warmup else 1.0

    if schedule == "constant":
        return warm
    if schedule == "noam":
        return lambda step: warm(step) if step < warmup else math.sqrt(max(warmup, 1) / (step + 1))
    if schedule == "cosine":
        span = max(1, total_steps - warmup)

        def cosine(step: int) -> float:
            if step < warmup:
                return warm(step)
            progress = min(1.0, (step - warmup) / span)
            return 0.5 * (1.0 + math.cos(math.pi * progress))

        return cosine
    raise ValueError(f"unknown schedule '{schedule}'; choose constant, noam or cosine")
