"""The trainer: knows nothing of the model family, reports through listeners (minGPT's callbacks),
can be paused, resumed and cancelled between steps, and resumes exactly from a checkpoint.

Runs single-process, or under ``torchrun`` with DistributedDataParallel (gloo on CPU, nccl on CUDA):
each rank takes every world_size-th batch, rank 0 evaluates and writes checkpoints.
"""

from __future__ import annotations

import logging
import math
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from core_models.data.batching import bucket_batches
from core_models.models.registry import build_model, get_family
from core_models.training import data as training_data
from core_models.training.checkpoint import load_checkpoint, save_checkpoint
from core_models.training.config import TrainConfig
from core_models.training.evaluate import batch_loss, evaluate
from core_models.training.events import (
    CheckpointEvent,
    CsvLog,
    DoneEvent,
    EvalEvent,
    Event,
    FailedEvent,
    Listener,
    StepEvent,
)
from core_models.training.schedule import lr_multiplier

logger = logging.getLogger(__name__)


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA, then MPS, then the CPU; an unavailable device is a clear error."""
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        raise ValueError(
            f"device '{name}' is not available on this machine (available: {available_devices()})"
        )
    return torch.device(name)


def available_devices() -> list[str]:
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if torch.backends.mps.is_available():
        devices.append("mps")
    return devices


class Trainer:
    """Train ``config`` into ``output_dir`` (a run directory: ``model/`` checkpoint, ``train_log.csv``)."""

    def __init__(
        self,
        config: TrainConfig,
        output_dir: str | Path,
        listeners: list[Listener] | tuple[Listener, ...] = (),
        resume: bool = False,
    ):
        self.config = config
        self.output_dir = Path(output_dir)
        self.checkpoint_path = self.output_dir / "model"
        self.listeners = list(listeners)
        self.resume_from_checkpoint = resume
        self._running = threading.Event()
        self._running.set()
        self._cancel = threading.Event()
        self._save_on_cancel = True
        self.rank, self.world_size = (
            int(os.environ.get("RANK", 0)),
            int(os.environ.get("WORLD_SIZE", 1)),
        )
        self.step = self.start_step = 0

    # --- control, safe from any thread -------------------------------------------------------
    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self, save: bool = True) -> None:
        """Stop after the current step; with ``save`` a checkpoint is written first."""
        self._save_on_cancel = save
        self._cancel.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def cancelling(self) -> bool:
        """True once ``cancel`` was called."""
        return self._cancel.is_set()

    # --- the run ---------------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if self.rank != 0:
            return
        for listener in self.listeners:
            listener(event)

    def run(self) -> Path | None:
        """Train; returns the checkpoint path (None if the run failed)."""
        try:
            self._setup()
            return self._loop()
        except Exception as error:  # reported to listeners, then re-raised for the CLI's exit code
            self.emit(FailedEvent(self.step, f"{type(error).__name__}: {error}"))
            raise
        finally:
            if self.world_size > 1 and dist.is_initialized():
                dist.destroy_process_group()

    def _setup(self) -> None:
        config = self.config
        self.device = resolve_device(config.run.device)
        if self.world_size > 1 and not dist.is_initialized():
            backend = "nccl" if self.device.type == "cuda" else "gloo"
            dist.init_process_group(backend)
            if self.device.type == "cuda":
                self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.manual_seed(config.run.seed)
        random.seed(config.run.seed)
        self.kind = training_data.task_kind(config.data)
        family = get_family(config.model.family)
        if family.task_kind != self.kind:
            raise ValueError(
                f"model family '{family.name}' is for {family.task_kind} but the data is {self.kind}"
            )
        train_pairs, valid_pairs = training_data.load_pairs(config.data, config.run.seed)
        state, self.metrics = None, {}
        if self.resume_from_checkpoint:
            checkpoint = load_checkpoint(self.checkpoint_path, with_trainer_state=True)
            self._check_same_model(checkpoint.meta.get("train_config", {}))
            self.tokenizers, self.model, state = (
                checkpoint.tokenizers,
                checkpoint.model,
                checkpoint.trainer_state,
            )
            self.metrics = dict(checkpoint.meta.get("metrics", {}))
        else:
            self.tokenizers = training_data.train_tokenizers(
                config.tokenizer, self.kind, train_pairs
            )
            options = {
                **training_data.model_vocab_fields(self.kind, self.tokenizers),
                **config.model.options,
            }
            self.model = build_model(family.name, options)
            if config.data.glove:
                self._load_glove()
        self._check_positions()
        self.model.to(self.device)
        self.train_set = training_data.encode(
            self.kind, train_pairs, self.tokenizers, config.data.max_len, True
        )
        self.valid_set = training_data.encode(
            self.kind, valid_pairs, self.tokenizers, config.data.max_len, False
        )
        self.lengths = self.train_set.lengths()
        self.batches_per_epoch = len(self._epoch_batches(0))
        if self.batches_per_epoch == 0:
            raise ValueError(
                f"no training batches: {len(self.train_set.encoded)} of {len(train_pairs)} "
                f"training pairs fit data.max_len = {config.data.max_len} tokens"
                + (f" (fewer than the {self.world_size} ranks)" if self.world_size > 1 else "")
            )
        self.total_steps = self._total_steps()
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        optimizer_class = (
            torch.optim.AdamW if config.optim.optimizer == "adamw" else torch.optim.Adam
        )
        self.optimizer = optimizer_class(
            trainable,
            lr=config.optim.lr,
            betas=config.optim.betas,
            weight_decay=config.optim.weight_decay,
        )
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lr_multiplier(config.optim.schedule, config.optim.warmup_steps, self.total_steps),
        )
        self.step, self.epoch, self.batch_in_epoch = 0, 0, 0
        self.best_loss, self.evals_without_improvement = math.inf, 0
        self.elapsed = 0.0
        self.scaler = None
        self.autocast_dtype = None
        if config.run.mixed_precision and self.device.type == "cuda":
            self.autocast_dtype = (
                torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            )
            if self.autocast_dtype == torch.float16:
                self.scaler = torch.amp.GradScaler("cuda")
        if state is not None:
            self._restore(state)
        self.start_step, self.start_elapsed = self.step, self.elapsed
        self._unsaved = state is None  # a fresh run saves even when it takes no step
        self.saved_step = None if state is None else self.step
        self.train_model = (
            DistributedDataParallel(self.model) if self.world_size > 1 else self.model
        )
        if (
            config.run.log_csv
            and self.rank == 0
            and not any(isinstance(l, CsvLog) for l in self.listeners)
        ):
            log = CsvLog(self.output_dir / "train_log.csv", append=state is not None)
            self.listeners.append(log)

    def _check_same_model(self, saved: dict[str, Any]) -> None:
        """A resumed run keeps its checkpoint's model and tokenizers: the config must agree."""
        current = self.config.to_dict()
        for section in ("model", "tokenizer"):
            if saved.get(section) != current[section]:
                raise ValueError(
                    f"cannot resume {self.checkpoint_path}: the config's [{section}] "
                    f"{current[section]} differs from the checkpoint's {saved.get(section)}"
                )

    def _check_positions(self) -> None:
        """Models with position tables must fit data.max_len: a translation side has up to
        max_len tokens, an NLI pair sequence [CLS] p [SEP] h [SEP] up to 2 * max_len + 1."""
        positions = getattr(self.model.config, "max_len", 0)
        longest = self.config.data.max_len
        needed = 2 * longest + 1 if self.kind == "nli" else longest
        if positions and positions < needed:
            raise ValueError(
                f"model.options.max_len = {positions} positions cannot hold data.max_len = "
                f"{longest} tokens ({needed} positions needed): raise the first or lower the second"
            )

    def _load_glove(self) -> None:
        from core_models.data.glove import glove_embedding
        from core_models.paths import data_file

        path = data_file(self.config.data.glove)  # the bundled configs name resources/glove/…
        if not hasattr(self.model, "load_pretrained_embeddings"):
            raise ValueError(
                f"data.glove is set but model family '{self.model.family}' has no pretrained "
                "embeddings to initialise"
            )
        glove = glove_embedding(
            path, self.tokenizers["text"].vocabulary(), seed=self.config.run.seed
        )
        try:
            self.model.load_pretrained_embeddings(glove.weights)
        except ValueError as error:
            raise ValueError(
                f"data.glove {path}: {error} (set model.options.embed_size to the GloVe width)"
            ) from None
        logger.info("GloVe: %d words found, %d missing", glove.found, len(glove.missing))

    def _epoch_batches(self, epoch: int) -> list[list[int]]:
        run = self.config.run
        return bucket_batches(
            self.lengths,
            run.batch_size,
            run.batch_unit,
            shuffle=True,
            seed=run.seed * 1000 + epoch,
            rank=self.rank,
            world_size=self.world_size,
        )

    def _total_steps(self) -> int:
        run = self.config.run
        by_epochs = run.epochs * self.batches_per_epoch if run.epochs > 0 else 0
        if run.max_steps > 0 and by_epochs > 0:
            return min(run.max_steps, by_epochs)
        return run.max_steps if run.max_steps > 0 else by_epochs

    def _loop(self) -> Path | None:
        run = self.config.run
        window_tokens, window_start = 0, time.perf_counter()
        while self.step < self.total_steps:
            batches = self._epoch_batches(self.epoch)
            while self.batch_in_epoch < len(batches) and self.step < self.total_steps:
                self._running.wait()
                if self._any_rank(self._cancel.is_set()):
                    return self._finish(cancelled=True)
                started = time.perf_counter()
                loss, lr, tokens = self._train_step(batches[self.batch_in_epoch])
                self.elapsed += time.perf_counter() - started
                self.batch_in_epoch += 1
                self.step += 1
                self._unsaved = True
                if not math.isfinite(loss):
                    return self._fail_non_finite(f"the loss became {loss}")
                window_tokens += tokens
                seconds = time.perf_counter() - window_start
                speed = window_tokens / seconds if seconds > 0 else 0.0
                per_step = (self.elapsed - self.start_elapsed) / (self.step - self.start_step)
                self.emit(
                    StepEvent(
                        self.step,
                        self.total_steps,
                        self.epoch,
                        loss,
                        lr,
                        speed,
                        per_step * (self.total_steps - self.step),
                    )
                )
                if seconds > 5:
                    window_tokens, window_start = 0, time.perf_counter()
                if self.step % run.eval_every == 0 and self._any_rank(
                    self._evaluate_and_check_stop()
                ):
                    return self._finish()
                if self.step % run.checkpoint_every == 0:
                    if not self._weights_are_finite():
                        return self._fail_non_finite("the weights became inf or NaN")
                    self._save()
            if self.batch_in_epoch >= len(batches):
                self.epoch, self.batch_in_epoch = self.epoch + 1, 0
        if self.step % run.eval_every != 0:
            self._evaluate_and_check_stop()
        return self._finish()

    def _train_step(self, indices: list[int]) -> tuple[float, float, int]:
        """One optimiser step on the batch; returns the loss (the mean over ranks under DDP), the
        learning rate it was taken with and the batch's tokens. A non-finite loss takes no step."""
        self.train_model.train()
        batch = self.train_set.collate(indices).to(self.device)
        with torch.autocast(
            self.device.type, dtype=self.autocast_dtype, enabled=self.autocast_dtype is not None
        ):
            loss, count = batch_loss(self.train_model, batch, self.config.optim.label_smoothing)
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.unscale_(self.optimizer)
        else:
            loss.backward()
        if self.config.optim.clip_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(
                self.model.parameters(), self.config.optim.clip_grad_norm
            )
        value = self._mean_over_ranks(float(loss.detach()))
        lr = self.optimizer.param_groups[0]["lr"]
        if not math.isfinite(value):
            return value, lr, count  # no step: the weights stay the last good ones
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        self.scheduler.step()
        return value, lr, batch.num_tokens

    # --- agreement between DDP ranks (no-ops in a single process) -------------------------------
    def _any_rank(self, flag: bool) -> bool:
        """True on every rank when ``flag`` is true on any (cancel, early stop: all ranks stop)."""
        if self.world_size == 1:
            return flag
        value = torch.tensor([float(flag)])
        dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item())

    def _mean_over_ranks(self, value: float) -> float:
        if self.world_size == 1:
            return value
        total = torch.tensor([value], dtype=torch.float64)
        dist.all_reduce(total)
        return float(total.item()) / self.world_size

    def _weights_are_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.model.parameters())

    def _evaluate_and_check_stop(self) -> bool:
        if self.rank != 0:
            return False
        self.metrics = evaluate(self.model, self.valid_set, self.tokenizers, self.device)
        self._unsaved = True
        self.emit(EvalEvent(self.step, dict(self.metrics)))
        patience = self.config.run.early_stopping_patience
        if self.metrics["loss"] < self.best_loss - 1e-6:
            self.best_loss, self.evals_without_improvement = self.metrics["loss"], 0
        else:
            self.evals_without_improvement += 1
        return patience > 0 and self.evals_without_improvement >= patience

    def _fail_non_finite(self, what: str) -> None:
        """Stop without saving: the checkpoint on disk (if any) keeps the weights it had."""
        if self.saved_step is None:
            kept = "no checkpoint had been written yet"
        else:
            kept = f"the checkpoint of step {self.saved_step} in {self.checkpoint_path} is kept"
        reason = (
            f"{what} at step {self.step}; training stopped ({kept}). "
            "Try a lower learning rate or gradient clipping."
        )
        self.emit(FailedEvent(self.step, reason))
        return None

    def _finish(self, cancelled: bool = False) -> Path | None:
        if self._unsaved and (not cancelled or self._save_on_cancel):
            if not self._weights_are_finite():
                return self._fail_non_finite("the weights became inf or NaN")
            self._save()
        self.emit(DoneEvent(self.step, str(self.checkpoint_path), dict(self.metrics), cancelled))
        return self.checkpoint_path

    # --- checkpoints -------------------------------------------------------------------------------
    def _save(self) -> None:
        if self.rank != 0:
            return
        meta = {
            "name": self.config.name,
            "task": self.config.data.task,
            "task_kind": self.kind,
            "step": self.step,
            "metrics": self.metrics,
            "training_seconds": round(self.elapsed, 1),
            "device": self.device.type,
            "train_config": self.config.to_dict(),
        }
        save_checkpoint(self.checkpoint_path, self.model, self.tokenizers, meta, self._state())
        self._unsaved, self.saved_step = False, self.step
        self.emit(CheckpointEvent(self.step, str(self.checkpoint_path)))

    def _state(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch,
            "best_loss": self.best_loss if math.isfinite(self.best_loss) else None,
            "evals_without_improvement": self.evals_without_improvement,
            "elapsed": self.elapsed,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if self.device.type == "cuda" else [],
            "python_rng": random.getstate(),
            "grad_scaler": self.scaler.state_dict() if self.scaler is not None else None,
        }

    def _restore(self, state: dict[str, Any]) -> None:
        self.step, self.epoch, self.batch_in_epoch = (
            state["step"],
            state["epoch"],
            state["batch_in_epoch"],
        )
        self.best_loss = state["best_loss"] if state["best_loss"] is not None else math.inf
        self.evals_without_improvement = state["evals_without_improvement"]
        self.elapsed = state["elapsed"]
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        if state.get("cuda_rng") and self.device.type == "cuda":
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        version, internal, gauss = state["python_rng"]
        random.setstate((version, tuple(internal), gauss))
        if self.scaler is not None and state.get("grad_scaler"):
            self.scaler.load_state_dict(state["grad_scaler"])
