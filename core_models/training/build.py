"""The pieces a Trainer is built from: its data and tokenizers, a new model (with GloVe vectors
when asked), the optimiser and learning-rate schedule, its device and the numeric precision of its
steps."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from core_models.data.batching import bucket_batches
from core_models.models.registry import build_model, get_family
from core_models.tokenizers import Tokenizer
from core_models.training import data as training_data
from core_models.training.checkpoint import Checkpoint, load_checkpoint
from core_models.training.config import RunConfig, TrainConfig, upgrade_run_section
from core_models.training.precision import resolve_precision, shared_by_ranks
from core_models.training.runs import Difference, check_resume_config
from core_models.training.schedule import lr_multiplier
from core_models.training.state import Optimisation, Progress, apply_optim_config, restore

logger = logging.getLogger(__name__)


@dataclass
class RunData:
    """The encoded training and validation sets and the tokenizers that encoded them."""

    kind: str  # "translation" or "nli"
    tokenizers: dict[str, Tokenizer]
    train_set: training_data.Dataset
    valid_set: training_data.Dataset


@dataclass
class Parts:
    """Everything a run is made of, built before its first step."""

    data: RunData
    model: nn.Module
    optimisation: Optimisation
    autocast: torch.dtype | None  # None: float32 throughout
    total_steps: int
    progress: Progress  # a new run's zeros, or where the resumed checkpoint stopped
    metrics: dict  # the resumed checkpoint's last metrics


def assemble(
    config: TrainConfig,
    checkpoint_path: Path,
    device: torch.device,
    shard: tuple[int, int],
    resume: bool = False,
    override: bool = False,
) -> Parts:
    """Build a run in the order that keeps it reproducible from its seed: seeds, data and
    tokenizers, model, optimiser; a resumed run then restores its optimiser and random state.

    shard: (rank, world_size) of this process. Raises ValueError (or CheckpointError) on a config,
    data set or checkpoint that cannot train, before any step.
    """
    torch.manual_seed(config.run.seed)
    random.seed(config.run.seed)
    kind = check_family(config)
    saved, applied = _resumable(config, checkpoint_path, override) if resume else (None, [])
    data = load_data(config, kind, saved.tokenizers if saved else None)
    model = saved.model if saved else new_model(config, data)
    check_positions(model, config, kind)
    model.to(device)
    batches = len(epoch_batches(config.run, data.train_set, 0, shard))
    if batches == 0:
        raise ValueError(
            f"no training batches: {len(data.train_set.encoded)} training pairs fit "
            f"data.max_len = {config.data.max_len}, fewer than the {shard[1]} ranks"
        )
    total = total_steps(config.run, batches)
    dtype = shared_by_ranks(
        resolve_precision(
            config.run.precision, device, saved.meta.get("precision") if saved else None
        )
    )
    optimisation = build_optimisation(config, model, total, dtype)
    progress, metrics = Progress(), {}
    if saved is not None:
        progress = restore(saved.trainer_state, optimisation, device)
        metrics = dict(saved.meta.get("metrics", {}))
        if applied:
            apply_optim_config(optimisation, config.optim)
    return Parts(data, model, optimisation, dtype, total, progress, metrics)


def _resumable(
    config: TrainConfig, checkpoint_path: Path, override: bool
) -> tuple[Checkpoint, list[Difference]]:
    """The checkpoint to resume, once its config agrees with ``config``, and the differences
    ``override`` lets the run apply."""
    saved = load_checkpoint(checkpoint_path, with_trainer_state=True)
    saved_config = dict(saved.meta.get("train_config", {}))
    if isinstance(saved_config.get("run"), dict):  # written before run.precision
        saved_config["run"] = upgrade_run_section(saved_config["run"], f"{saved.path}: run")
    applied = check_resume_config(saved.path, saved_config, config.to_dict(), override)
    threads = saved.meta.get("threads")
    if threads is not None and threads != torch.get_num_threads():
        logger.warning(
            "resuming with %d torch threads where the run so far used %d: the result will be "
            "close to an uninterrupted run's, not bitwise equal",
            torch.get_num_threads(),
            threads,
        )
    return saved, applied


def epoch_batches(
    run: RunConfig, train_set: training_data.Dataset, epoch: int, shard: tuple[int, int]
) -> list[list[int]]:
    """This rank's batches of ``epoch``: the same shuffle on every rank, every world_size-th."""
    rank, world_size = shard
    return bucket_batches(
        train_set.lengths(),
        run.batch_size,
        run.batch_unit,
        shuffle=True,
        seed=run.seed * 1000 + epoch,
        rank=rank,
        world_size=world_size,
    )


def total_steps(run: RunConfig, batches_per_epoch: int) -> int:
    """The run's length: max_steps, epochs or the shorter of both."""
    by_epochs = run.epochs * batches_per_epoch if run.epochs > 0 else 0
    if run.max_steps > 0 and by_epochs > 0:
        return min(run.max_steps, by_epochs)
    return run.max_steps if run.max_steps > 0 else by_epochs


def check_family(config: TrainConfig) -> str:
    """The data's task kind, which the model family must be made for."""
    kind = training_data.task_kind(config.data)
    family = get_family(config.model.family)
    if family.task_kind != kind:
        raise ValueError(
            f"model family '{family.name}' is for {family.task_kind} but the data is {kind}"
        )
    return kind


def load_data(
    config: TrainConfig, kind: str, tokenizers: dict[str, Tokenizer] | None = None
) -> RunData:
    """Read or generate the pairs, train the tokenizers (unless a resumed run brings its own)
    and encode the sets; logs their sizes, what was left out and why: the first lines a run
    shows."""
    data = config.data
    splits = training_data.load_pairs(data, config.run.seed)
    for note in splits.notes:
        logger.info("%s", note)
    if tokenizers is None:
        tokenizers = training_data.train_tokenizers(config.tokenizer, kind, splits.train, data)
    train_set = training_data.encode(kind, splits.train, tokenizers, data.max_len, True)
    valid_set = training_data.encode(kind, splits.valid, tokenizers, data.max_len, False)
    dropped = len(splits.train) - len(train_set.encoded)
    if data.task:
        test = "the task's test split is held out (evaluate --split test)"
    elif data.test:
        test = f"{len(splits.test)} test pairs held out in {data.test}"
    else:
        test = "no test set (data.test)"
    logger.info(
        "data: %d training pairs (%s), %d validation pairs%s; %s",
        len(train_set.encoded),
        f"{dropped} longer than data.max_len = {data.max_len} left out"
        if dropped
        else f"none longer than data.max_len = {data.max_len}",
        len(valid_set.encoded),
        ", all of them decoded for validation BLEU" if kind == "translation" else "",
        test,
    )
    return RunData(kind, tokenizers, train_set, valid_set)


def new_model(config: TrainConfig, data: RunData) -> nn.Module:
    """The untrained model, its vocabulary sizes taken from the tokenizers."""
    options = {
        **training_data.model_vocab_fields(data.kind, data.tokenizers),
        **config.model.options,
    }
    model = build_model(config.model.family, options)
    if config.data.glove:
        _load_glove(model, config, data.tokenizers)
    return model


def check_positions(model: nn.Module, config: TrainConfig, kind: str) -> None:
    """Models with position tables must fit data.max_len: a translation side has up to
    max_len tokens, an NLI pair sequence [CLS] p [SEP] h [SEP] up to 2 * max_len + 1."""
    positions = getattr(model.config, "max_len", 0)
    longest = config.data.max_len
    needed = 2 * longest + 1 if kind == "nli" else longest
    if positions and positions < needed:
        raise ValueError(
            f"model.options.max_len = {positions} positions cannot hold data.max_len = "
            f"{longest} tokens ({needed} positions needed): raise the first or lower the second"
        )


def _load_glove(model: nn.Module, config: TrainConfig, tokenizers: dict[str, Tokenizer]) -> None:
    from core_models.data.glove import glove_embedding
    from core_models.paths import data_file

    path = data_file(config.data.glove)  # the bundled configs name resources/glove/…
    if not hasattr(model, "load_pretrained_embeddings"):
        raise ValueError(
            f"data.glove is set but model family '{model.family}' has no pretrained "
            "embeddings to initialise"
        )
    glove = glove_embedding(
        path,
        tokenizers["text"].vocabulary(),
        member=config.data.glove_member or None,
        seed=config.run.seed,
    )
    try:
        model.load_pretrained_embeddings(glove.weights)
    except ValueError as error:
        raise ValueError(
            f"data.glove {path}: {error} (set model.options.embed_size to the GloVe width)"
        ) from None
    logger.info("GloVe: %d words found, %d missing", glove.found, len(glove.missing))


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


def build_optimisation(
    config: TrainConfig, model: nn.Module, total_steps: int, dtype: torch.dtype | None
) -> Optimisation:
    """Adam or AdamW over the trainable weights, the configured schedule, and a gradient scaler
    for float16 autocast.

    The optimiser is torch's fused implementation on CPU and CUDA: one kernel over every weight
    instead of a dozen small operations per weight (an Adam step of the bundled Transformer's 91
    weights took 43 ms as a Python loop and 6 ms fused on a 2-core EPYC); its weights agree with
    the loop's to float rounding (4e-8 after 30 steps)."""
    optim = config.optim
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer_class = torch.optim.AdamW if optim.optimizer == "adamw" else torch.optim.Adam
    fused = bool(trainable) and all(
        p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in trainable
    )
    optimizer = optimizer_class(
        trainable,
        lr=optim.lr,
        betas=optim.betas,
        weight_decay=optim.weight_decay,
        fused=fused or None,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lr_multiplier(optim.schedule, optim.warmup_steps, total_steps)
    )
    scaler = torch.amp.GradScaler("cuda") if dtype == torch.float16 else None
    return Optimisation(optimizer, scheduler, scaler)
