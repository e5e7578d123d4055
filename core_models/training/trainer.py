"""The trainer: knows nothing of the model family, reports through listeners (minGPT's callbacks),
can be paused, resumed and cancelled between steps, and resumes exactly from a checkpoint.

Runs single-process, or under ``torchrun`` with DistributedDataParallel (gloo on CPU, nccl on CUDA):
each rank takes every world_size-th batch, rank 0 evaluates and writes checkpoints. The pieces it
is built from are in ``build``, the state it saves to resume in ``state``, the rules a run
directory follows in ``runs``, the divergence rule in ``guard``.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from pathlib import Path

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from core_models.training import best
from core_models.training.build import assemble, epoch_batches, resolve_device
from core_models.training.checkpoint import save_checkpoint
from core_models.training.checkpoint_glove import KEY as GLOVE_KEY
from core_models.training.checkpoint_glove import bundled_reference
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
    LiveModel,
    StepEvent,
    Watcher,
)
from core_models.training.guard import DivergenceCheck
from core_models.training.precision import recorded_name
from core_models.training.runs import BEST_NAME, LOG_NAME, check_new_run, clear_old_run
from core_models.training.state import trainer_state

logger = logging.getLogger(__name__)

GO_ON, STOP_EARLY, DIVERGED = 0, 1, 2  # what every rank does after an evaluation
_RUNNING = object()  # a step's outcome when the run goes on


class Trainer:
    """Train ``config`` into ``output_dir`` (a run directory: ``model/`` checkpoint, ``train_log.csv``).

    The constructor builds the whole run: data, tokenizers, model, optimiser and, with ``resume``,
    the state restored from the checkpoint. It can take a while (reading data, training
    tokenizers): the app builds its trainer in the training process, never on the GUI thread. A
    run that cannot be built raises (ValueError, CheckpointError) after a FailedEvent at step 0;
    nothing on disk changes before ``run``.

    overwrite: a new run may replace a checkpoint already in ``output_dir`` (else
        ``RunDirectoryError``: see ``runs.existing_run`` to ask first).
    override: a resumed run applies the config's values that differ from its checkpoint's (else
        ``ConfigChangedError`` lists them).
    watchers: called after the listeners with each event and the live model (the GUI's probe).
    """

    def __init__(
        self,
        config: TrainConfig,
        output_dir: str | Path,
        listeners: list[Listener] | tuple[Listener, ...] = (),
        resume: bool = False,
        *,
        overwrite: bool = False,
        override: bool = False,
        watchers: list[Watcher] | tuple[Watcher, ...] = (),
    ):
        self.config = config
        self.output_dir = Path(output_dir)
        self.checkpoint_path = self.output_dir / "model"
        self.best_path = self.output_dir / BEST_NAME
        self.resuming = resume
        self._running, self._cancel = threading.Event(), threading.Event()
        self._running.set()
        self._save_on_cancel = True
        self.rank = int(os.environ.get("RANK", 0))
        self.world_size = int(os.environ.get("WORLD_SIZE", 1))
        writes_log = config.run.log_csv and self.rank == 0
        self.log = CsvLog(self.output_dir / LOG_NAME) if writes_log else None
        self.listeners = [*listeners, *([self.log] if self.log else [])]
        self.watchers, self.live = list(watchers), None
        try:
            if not resume:
                check_new_run(self.output_dir, overwrite)
            if config.run.threads:
                torch.set_num_threads(config.run.threads)
            self.device = self._start_device()
            parts = assemble(
                config,
                self.checkpoint_path,
                self.device,
                (self.rank, self.world_size),
                resume=resume,
                override=override,
            )
        except Exception as error:  # reported to listeners, then raised for the caller
            self.emit(FailedEvent(0, f"{type(error).__name__}: {error}"))
            self._leave_process_group()
            raise
        self.data, self.model, self.optimisation = parts.data, parts.model, parts.optimisation
        self.autocast, self.total_steps = parts.autocast, parts.total_steps
        self.progress, self.metrics = parts.progress, parts.metrics
        self.live = LiveModel(self.model, self.data.tokenizers, self.checkpoint_path)
        glove = config.data
        self.glove_reference = bundled_reference(glove.glove, glove.glove_member, self.model)
        self.start_step, self.start_elapsed = self.progress.step, self.progress.elapsed
        self.saved_step = self.start_step if resume else None
        self._unsaved = not resume  # a new run saves even when it takes no step
        self.divergence = DivergenceCheck()
        self._window_tokens, self._window_start = 0, time.perf_counter()  # the speed shown
        self.train_model = (
            DistributedDataParallel(self.model) if self.world_size > 1 else self.model
        )

    def _start_device(self) -> torch.device:
        """The configured device; under torchrun, joins the process group (and takes this rank's
        GPU on CUDA)."""
        device = resolve_device(self.config.run.device)
        if self.world_size > 1 and not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
            if device.type == "cuda":
                device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        return device

    def _leave_process_group(self) -> None:
        if self.world_size > 1 and dist.is_initialized():
            dist.destroy_process_group()

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

    @property
    def step(self) -> int:
        return self.progress.step

    # --- the run ---------------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if self.rank != 0:
            return
        for listener in self.listeners:
            listener(event)
        if self.live is not None:
            for watcher in self.watchers:
                watcher(event, self.live)

    def run(self) -> Path | None:
        """Train; returns the checkpoint path (None when the run stopped on a non-finite or
        diverging loss, keeping the last good checkpoint)."""
        try:
            if self.rank == 0 and not self.resuming:
                clear_old_run(self.output_dir)
            if self.log is not None:
                self.log.start(resume_at=self.start_step if self.resuming else None)
            self._window_tokens, self._window_start = 0, time.perf_counter()
            return self._loop()
        except Exception as error:  # reported to listeners, then re-raised for the CLI's exit code
            self.emit(FailedEvent(self.step, f"{type(error).__name__}: {error}"))
            raise
        finally:
            self._leave_process_group()

    def _loop(self) -> Path | None:
        progress = self.progress
        while progress.step < self.total_steps:
            batches = epoch_batches(
                self.config.run, self.data.train_set, progress.epoch, (self.rank, self.world_size)
            )
            while progress.batch_in_epoch < len(batches) and progress.step < self.total_steps:
                self._running.wait()
                if self._max_over_ranks(int(self._cancel.is_set())):
                    return self._finish(cancelled=True)
                outcome = self._take_step(batches[progress.batch_in_epoch])
                if outcome is not _RUNNING:
                    return outcome
            if progress.batch_in_epoch >= len(batches):
                progress.epoch, progress.batch_in_epoch = progress.epoch + 1, 0
        if self.step % self.config.run.eval_every != 0 and self._evaluate(last=True) == DIVERGED:
            return self._diverged()
        return self._finish()

    def _take_step(self, indices: list[int]) -> object:
        """One step, its report, and the evaluation and checkpoint due after it; returns
        ``_RUNNING``, or what ``run`` returns when the run ends here."""
        progress, run = self.progress, self.config.run
        started = time.perf_counter()
        loss, lr, tokens = self._train_step(indices)
        progress.elapsed += time.perf_counter() - started
        progress.batch_in_epoch += 1
        progress.step += 1
        self._unsaved = True
        if not math.isfinite(loss):
            return self._fail(f"the loss became {loss}")
        if progress.start_loss is None:
            progress.start_loss = loss
        self.divergence.observe_step(loss)
        self._report_step(loss, lr, tokens)
        if self.step % run.eval_every == 0:
            verdict = self._evaluate(last=self.step >= self.total_steps)
            if verdict == DIVERGED:
                return self._diverged()
            if verdict == STOP_EARLY:
                return self._finish()
        if self.step % run.checkpoint_every == 0:
            if not self._weights_are_finite():
                return self._fail("the weights became inf or NaN")
            why_not = self.divergence.why_not_save(progress.start_loss)
            if why_not is None:
                self._save()
            elif self.rank == 0:  # the last good checkpoint stays; the next evaluation decides
                logger.warning("step %d: no checkpoint written: %s", self.step, why_not)
        return _RUNNING

    def _report_step(self, loss: float, lr: float, tokens: int) -> None:
        """A StepEvent with the speed over the last ~5 seconds and the time left."""
        progress = self.progress
        self._window_tokens += tokens
        seconds = time.perf_counter() - self._window_start
        speed = self._window_tokens / seconds if seconds > 0 else 0.0
        per_step = (progress.elapsed - self.start_elapsed) / (progress.step - self.start_step)
        eta = per_step * (self.total_steps - progress.step)
        self.emit(StepEvent(progress.step, self.total_steps, progress.epoch, loss, lr, speed, eta))
        if seconds > 5:
            self._window_tokens, self._window_start = 0, time.perf_counter()

    def _train_step(self, indices: list[int]) -> tuple[float, float, int]:
        """One optimiser step on the batch; returns the loss (the mean over ranks under DDP), the
        learning rate it was taken with and the batch's tokens. A non-finite loss takes no step."""
        optimizer, scaler = self.optimisation.optimizer, self.optimisation.scaler
        self.train_model.train()
        batch = self.data.train_set.collate(indices).to(self.device)
        with torch.autocast(
            self.device.type, dtype=self.autocast, enabled=self.autocast is not None
        ):
            loss, count = batch_loss(self.train_model, batch, self.config.optim.label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
        else:
            loss.backward()
        if self.config.optim.clip_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(
                self.model.parameters(), self.config.optim.clip_grad_norm
            )
        value = self._mean_over_ranks(float(loss.detach()))
        lr = optimizer.param_groups[0]["lr"]
        if not math.isfinite(value):
            return value, lr, count  # no step: the weights stay the last good ones
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        self.optimisation.scheduler.step()
        return value, lr, batch.num_tokens

    # --- agreement between DDP ranks (no-ops in a single process) -------------------------------
    def _max_over_ranks(self, value: int) -> int:
        """The largest ``value`` of all ranks, on every rank (a cancel or a stop seen by one rank
        stops all)."""
        if self.world_size == 1:
            return value
        tensor = torch.tensor([float(value)])
        dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
        return int(tensor.item())

    def _mean_over_ranks(self, value: float) -> float:
        if self.world_size == 1:
            return value
        total = torch.tensor([value], dtype=torch.float64)
        dist.all_reduce(total)
        return float(total.item()) / self.world_size

    def _weights_are_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.model.parameters())

    def _evaluate(self, last: bool) -> int:
        """Evaluate (rank 0) and return what every rank does next: GO_ON, STOP_EARLY (patience
        ran out) or DIVERGED (see ``guard.DivergenceCheck``; ``last``: the run's last one)."""
        verdict = GO_ON
        if self.rank == 0:
            valid_set = self.data.valid_set
            self.metrics = evaluate(
                self.model,
                valid_set,
                self.data.tokenizers,
                self.device,
                max_decode=len(valid_set.encoded),  # BLEU on every validation pair
            )
            self._unsaved = True
            self.emit(EvalEvent(self.step, dict(self.metrics)))
            verdict = self._judge(last)
            if verdict != DIVERGED and self.progress.best_step == self.step:
                self._save_best()
        return self._max_over_ranks(verdict)

    def _judge(self, last: bool) -> int:
        """Divergence by the validation loss; best/ and patience by the run's metric (``best``)."""
        loss = self.metrics.get("loss")
        if loss is None:  # nothing to evaluate on
            return GO_ON
        self.divergence.observe_eval(loss, self.progress.start_loss)
        if self.divergence.diverged(last):
            return DIVERGED
        best.record(self.progress, self.metrics)
        patience = self.config.run.early_stopping_patience
        stalled = self.progress.evals_without_improvement
        return STOP_EARLY if 0 < patience <= stalled else GO_ON

    def _diverged(self) -> None:
        why = self.divergence.why_not_save(self.progress.start_loss)
        return self._fail(f"training diverged: {why}")

    def _fail(self, what: str) -> None:
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
                return self._fail("the weights became inf or NaN")
            why_not = self.divergence.why_not_save(self.progress.start_loss)
            if why_not is not None:
                return self._fail(f"training diverged: {why_not}")
            self._save()
        if self.rank == 0 and self.progress.best_step is not None:
            logger.info(
                "best checkpoint: step %d of %d, validation %s %.4g, in %s (export, evaluate "
                "and the app use it; %s holds the last step)",
                self.progress.best_step,
                self.step,
                self.progress.best_metric,
                self.progress.best_value,
                self.best_path,
                self.checkpoint_path,
            )
        self.emit(DoneEvent(self.step, str(self.checkpoint_path), dict(self.metrics), cancelled))
        return self.checkpoint_path

    # --- checkpoints -------------------------------------------------------------------------------
    def _save(self) -> None:
        """Write the checkpoint (rank 0 only) with the metadata its numbers depend on."""
        if self.rank != 0:
            return
        state = trainer_state(self.progress, self.optimisation, self.device)
        save_checkpoint(self.checkpoint_path, self.model, self.data.tokenizers, self._meta(), state)
        self._unsaved, self.saved_step = False, self.step
        self.emit(CheckpointEvent(self.step, str(self.checkpoint_path)))

    def _save_best(self) -> None:
        """Write the best weights so far (``best``) to ``best/`` (no trainer state: a run
        resumes from ``model/``), unless they are not finite."""
        if self._weights_are_finite():
            save_checkpoint(self.best_path, self.model, self.data.tokenizers, self._meta())

    def _meta(self) -> dict:
        return {
            "name": self.config.name,
            "task": self.config.data.task,
            "task_kind": self.data.kind,
            "step": self.step,
            "metrics": self.metrics,
            "training_seconds": round(self.progress.elapsed, 1),
            "device": self.device.type,
            "threads": torch.get_num_threads(),
            "precision": recorded_name(self.autocast),
            "train_config": self.config.to_dict(),
            **({GLOVE_KEY: self.glove_reference} if self.glove_reference else {}),
            **({"best": chosen} if (chosen := best.described(self.progress)) else {}),
        }
