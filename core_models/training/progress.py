"""The CLI's tqdm progress bar, a trainer listener."""

from __future__ import annotations

import sys

from tqdm import tqdm

from core_models.training.events import DoneEvent, EvalEvent, Event, FailedEvent, StepEvent


class ProgressBar:
    """A tqdm bar over steps with the loss and speed; evaluations are printed above it."""

    def __init__(self):
        self.bar: tqdm | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepEvent):
            if self.bar is None:
                self.bar = tqdm(
                    total=event.total_steps, initial=event.step - 1, unit="step", file=sys.stderr
                )
            self.bar.update(event.step - self.bar.n)
            self.bar.set_postfix(loss=f"{event.loss:.3f}", tok_s=f"{event.tokens_per_second:.0f}")
        elif isinstance(event, EvalEvent):
            shown = {k: round(v, 3) for k, v in event.metrics.items() if isinstance(v, float)}
            tqdm.write(f"step {event.step}: {shown}", file=sys.stderr)
        elif isinstance(event, (DoneEvent, FailedEvent)) and self.bar is not None:
            self.bar.close()  # the CLI reports a failure's reason itself
