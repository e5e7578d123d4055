"""Where a run stands (step, epoch, best validation metric, ...) and the resumable trainer state saved beside a
checkpoint: the progress, the optimiser and scheduler, and every random generator, so that a run
stopped and resumed takes exactly the steps an uninterrupted one takes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import torch

from core_models.training.config import OptimConfig


@dataclass
class Progress:
    """The counters a resumed run continues from."""

    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    best_metric: str = ""  # what chooses best/ (see ``best``): "bleu", "accuracy" or "loss"
    best_value: float | None = None  # its best value so far (early stopping, best/)
    best_loss: float | None = None  # the validation loss there (the tie-break)
    best_step: int | None = None  # the step that reached it
    evals_without_improvement: int = 0
    elapsed: float = 0.0  # seconds spent in training steps
    start_loss: float | None = None  # the first step's training loss (the divergence check's base)


@dataclass
class Optimisation:
    """The optimiser, its learning-rate scheduler and, for float16 autocast, the gradient scaler."""

    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    scaler: torch.amp.GradScaler | None = None


def trainer_state(
    progress: Progress, optimisation: Optimisation, device: torch.device
) -> dict[str, Any]:
    """Everything ``restore`` needs, as the checkpoint's trainer_state."""
    scaler = optimisation.scaler
    return {
        "step": progress.step,
        "epoch": progress.epoch,
        "batch_in_epoch": progress.batch_in_epoch,
        "best_metric": progress.best_metric,
        "best_value": progress.best_value,
        "best_loss": progress.best_loss,
        "evals_without_improvement": progress.evals_without_improvement,
        "best_step": progress.best_step,
        "elapsed": progress.elapsed,
        "start_loss": progress.start_loss,
        "optimizer": optimisation.optimizer.state_dict(),
        "scheduler": optimisation.scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if device.type == "cuda" else [],
        "python_rng": random.getstate(),
        "grad_scaler": scaler.state_dict() if scaler is not None else None,
    }


def restore(state: dict[str, Any], optimisation: Optimisation, device: torch.device) -> Progress:
    """Load the optimiser, scheduler and random generators from ``state``; returns the progress."""
    optimisation.optimizer.load_state_dict(state["optimizer"])
    optimisation.scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    if state.get("cuda_rng") and device.type == "cuda":
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    version, internal, gauss = state["python_rng"]
    random.setstate((version, tuple(internal), gauss))
    if optimisation.scaler is not None and state.get("grad_scaler"):
        optimisation.scaler.load_state_dict(state["grad_scaler"])
    if "best_metric" in state:
        metric, best = state["best_metric"], state["best_value"]
    else:  # written when best/ was chosen by the validation loss only
        metric, best = "loss", state["best_loss"]
    return Progress(
        step=state["step"],
        epoch=state["epoch"],
        batch_in_epoch=state["batch_in_epoch"],
        best_metric=metric if best is not None else "",
        best_value=best,
        best_loss=state["best_loss"],
        evals_without_improvement=state["evals_without_improvement"],
        best_step=state.get("best_step"),  # absent in checkpoints older than best/
        elapsed=state["elapsed"],
        start_loss=state.get("start_loss"),
    )


def apply_optim_config(optimisation: Optimisation, optim: OptimConfig) -> None:
    """Put the config's learning rate, betas and weight decay into a restored optimiser (its saved
    state holds the old ones); the rate of the next step follows the schedule from the new base."""
    scheduler = optimisation.scheduler
    scheduler.base_lrs = [optim.lr for _ in scheduler.base_lrs]
    for group, multiplier in zip(
        optimisation.optimizer.param_groups, scheduler.lr_lambdas, strict=True
    ):
        group.update(
            initial_lr=optim.lr,
            lr=optim.lr * multiplier(scheduler.last_epoch),
            betas=optim.betas,
            weight_decay=optim.weight_decay,
        )
