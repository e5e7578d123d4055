"""Checkpoints: a directory of safetensors weights, JSON config and the tokenizers' files.

Nothing is ever unpickled: weights (and the optimiser's tensors) go through safetensors, everything
else is JSON. A checkpoint is written into a temporary sibling directory and swapped into place, so
a crash mid-write leaves the previous checkpoint whole (see checkpoint_files: readers read it where
it is, the next write restores it). Before a model is built, config.json and the weights' header
are checked against each other (checkpoint_check), so a damaged or lying file is a CheckpointError
naming the file, never a traceback or a huge allocation.

Layout::

    config.json              format, family, model config, task, metrics, versions, and
                             "tokenizers": {role: file name}, e.g. {"source": "source",
                             "target": "source"} when source and target share one tokenizer
    model.safetensors        the weights
    <name>.tokenizer.json    one per distinct tokenizer (+ <name>.model for sentencepiece); roles
                             are "source"/"target" (translation) or "text" (NLI)
    trainer_state.json       step, scheduler, RNG and optimiser structure (only for resumable runs)
    trainer_state.safetensors  the optimiser's tensors and the torch RNG state
"""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch
import torch
from torch import nn

from core_models.models.registry import FAMILIES, build_model
from core_models.tokenizers import Tokenizer, load_tokenizer, use_task_words
from core_models.training import checkpoint_glove as glove_reference
from core_models.training.checkpoint_check import (
    check_finite,
    check_meta,
    describe_model,
    read_header,
)
from core_models.training.checkpoint_config import check_tokenizer_roles, checkpoint_dir
from core_models.training.checkpoint_files import (
    CheckpointError,
    DiskFullError,
    read_json,
    replacing_directory,
    write_json,
)

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "DiskFullError",
    "checkpoint_dir",
    "export_for_inference",
    "load_checkpoint",
    "read_config",
    "save_checkpoint",
]

logger = logging.getLogger(__name__)

FORMAT = "attention-workbench-checkpoint/1"
PICKLE_SUFFIXES = (".pt", ".pth", ".bin", ".pkl", ".pickle", ".ckpt")
# Errors a damaged tokenizer file can raise while it is read, all reported as a CheckpointError.
TOKENIZER_ERRORS = (OSError, ValueError, TypeError, AttributeError, IndexError)


@dataclass
class Checkpoint:
    """A loaded checkpoint: the model (eval mode), its tokenizers and config.json's contents."""

    path: Path
    family: str
    model: nn.Module
    tokenizers: dict[str, Tokenizer]
    meta: dict[str, Any]
    trainer_state: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def task_kind(self) -> str:
        return FAMILIES[self.family].task_kind


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    tokenizers: dict[str, Tokenizer],
    meta: dict[str, Any],
    trainer_state: dict[str, Any] | None = None,
) -> Path:
    """Write a checkpoint atomically to ``path`` (replacing any checkpoint there). Returns path.

    tokenizers: role -> tokenizer; a tokenizer given for two roles is written once. A full disk
    raises DiskFullError (naming the path and the space needed) and leaves ``path`` as it was.
    """
    path = Path(path)
    file_names = _tokenizer_file_names(tokenizers)
    config = {
        "format": FORMAT,
        "family": model.family,
        "model": model.config.to_dict(),
        "tokenizers": file_names,
        "versions": {
            "attention_workbench": _package_version(),
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        **meta,
    }
    reference = meta.get(glove_reference.KEY)
    if reference is not None:  # the table is the bundled GloVe file's: only its other rows
        tensors, config[glove_reference.KEY] = glove_reference.stored_tensors(
            model, tokenizers, reference
        )
    state_json, state_tensors = _split_state(trainer_state)
    state_text = json.dumps(state_json, indent=1, ensure_ascii=False)
    stored = tensors.values() if reference is not None else model.state_dict().values()
    weights = [*stored, *state_tensors.values()]
    needed = sum(t.numel() * t.element_size() for t in weights) + len(state_text.encode())
    with replacing_directory(path, needed) as staging:
        if reference is not None:
            safetensors.torch.save_file(tensors, str(staging / "model.safetensors"))
        else:
            safetensors.torch.save_model(model, str(staging / "model.safetensors"))
        for role, tokenizer in tokenizers.items():
            if file_names[role] == role:
                tokenizer.save(staging, role)
        if trainer_state is not None:
            (staging / "trainer_state.json").write_text(state_text, encoding="utf-8")
            safetensors.torch.save_file(state_tensors, str(staging / "trainer_state.safetensors"))
        write_json(staging / "config.json", config)
    return path


def read_config(path: str | Path) -> dict[str, Any]:
    """config.json of the checkpoint in ``path``, once the fields other code reads are checked
    (a CheckpointError names the file and the field otherwise)."""
    return _checked_config(checkpoint_dir(path) / "config.json")


def _checked_config(config_path: Path) -> dict[str, Any]:
    meta = read_json(config_path)
    family = check_meta(config_path, meta)
    check_tokenizer_roles(config_path, FAMILIES[family].task_kind, meta.get("tokenizers"))
    return meta


def load_checkpoint(
    path: str | Path, map_location: str | torch.device = "cpu", with_trainer_state: bool = False
) -> Checkpoint:
    """Load a checkpoint directory (or a run directory holding ``model/``). Every check that
    needs no weights runs before anything is built; every failure is a CheckpointError naming
    the file and what is wrong. A checkpoint a writer replaced while it was read (a run saving
    as a window opens it: half old files, half new, or vanished ones) is read again, once."""
    directory = checkpoint_dir(path)
    identity = _identity(directory)
    try:
        checkpoint = _load(directory, map_location, with_trainer_state)
    except CheckpointError:
        if _identity(checkpoint_dir(path)) == identity:
            raise
        checkpoint = None
    if checkpoint is not None and _identity(checkpoint_dir(path)) == identity:
        return checkpoint
    logger.info("%s was replaced while it was read; reading it again", directory)
    return _load(checkpoint_dir(path), map_location, with_trainer_state)


def _identity(directory: Path) -> tuple[int, int] | None:
    """Which directory is at ``directory`` now (a swap puts another one there)."""
    try:
        info = directory.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _load(path: Path, map_location: str | torch.device, with_trainer_state: bool) -> Checkpoint:
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such checkpoint directory")
    config_path = path / "config.json"
    weights_path = path / "model.safetensors"
    if not weights_path.is_file():
        pickles = sorted(p.name for p in path.iterdir() if p.suffix in PICKLE_SUFFIXES)
        if pickles:
            raise CheckpointError(
                f"{path}: {', '.join(pickles)} is a pickle-based checkpoint; Attention Workbench only "
                "loads model.safetensors + config.json (unpickling a file can run arbitrary code)"
            )
        raise CheckpointError(f"{path}: model.safetensors is missing")
    if not config_path.is_file():
        raise CheckpointError(f"{path}: config.json is missing")
    meta = _checked_config(config_path)
    family = meta["family"]
    tokenizers = use_task_words(_load_tokenizers(path, meta["tokenizers"]), meta.get("task", ""))
    header = read_header(weights_path)
    reference = meta.get(glove_reference.KEY)
    if reference is not None:  # the table is the bundled GloVe file's, not stored here
        glove_file = glove_reference.referenced_file(config_path, reference)
        header = glove_reference.table_header(config_path, header, reference, tokenizers)
    config = describe_model(config_path, weights_path, family, meta["model"], header)
    _check_vocab_sizes(path, meta["model"], tokenizers)
    model = build_model(family, config)
    _load_weights(model, weights_path, map_location)
    if reference is not None:
        glove_reference.fill_table(model, weights_path, reference, glove_file, tokenizers)
    check_finite(weights_path, model, list(header.shapes))
    model.eval()
    state = _load_trainer_state(path) if with_trainer_state else None
    return Checkpoint(path, family, model, tokenizers, meta, state)


def _load_weights(model: nn.Module, weights_path: Path, map_location) -> None:
    """The weights of a file whose header already matched the model."""
    try:
        safetensors.torch.load_model(
            model, str(weights_path), strict=False, device=str(map_location)
        )
    except (safetensors.SafetensorError, OSError, RuntimeError) as error:
        raise CheckpointError(
            f"{weights_path}: not a readable safetensors file (truncated, corrupt, or not "
            f"safetensors): {error}"
        ) from None


def _tokenizer_file_names(tokenizers: dict[str, Tokenizer]) -> dict[str, str]:
    """role -> the file name its tokenizer is saved under: the first role holding that object."""
    first_role: dict[int, str] = {}
    return {role: first_role.setdefault(id(tok), role) for role, tok in tokenizers.items()}


def _load_tokenizers(path: Path, file_names: dict[str, str]) -> dict[str, Tokenizer]:
    """Each file once; roles sharing a file share the tokenizer object."""
    loaded: dict[str, Tokenizer] = {}
    for role, file_name in file_names.items():
        if file_name not in loaded:
            loaded[file_name] = _load_tokenizer(path, role, file_name)
    return {role: loaded[file_name] for role, file_name in file_names.items()}


def _load_tokenizer(path: Path, role: str, file_name: str) -> Tokenizer:
    """One tokenizer; whatever its damaged file raises is reported with the file's name."""
    where = path / f"{file_name}.tokenizer.json"
    if where.is_file():
        state = read_json(where)  # too large, too deep or not JSON: named here
        if not isinstance(state, dict):
            raise CheckpointError(f"{where}: expected a JSON object, found {type(state).__name__}")
    try:
        return load_tokenizer(path, file_name)
    except KeyError as error:
        raise CheckpointError(f"{where}: tokenizer '{role}' lacks the field {error}") from None
    except RuntimeError:  # sentencepiece could not parse the model file
        model_file = path / f"{file_name}.model"
        raise CheckpointError(
            f"{model_file}: not a sentencepiece model (tokenizer '{role}'); the file is damaged"
        ) from None
    except TOKENIZER_ERRORS as error:
        text = str(error) if str(path) in str(error) else f"{where}: {error}"
        raise CheckpointError(f"tokenizer '{role}': {text}") from None


def _check_vocab_sizes(
    path: Path, model_fields: dict[str, Any], tokenizers: dict[str, Tokenizer]
) -> None:
    """A tokenizer whose vocabulary differs from the embedding it feeds is a mismatched pair."""
    expected = {
        "source": "src_vocab_size",
        "target": "tgt_vocab_size",
        "text": "vocab_size",
    }
    for name, tokenizer in tokenizers.items():
        field_name = expected.get(name)
        size = model_fields.get(field_name) if field_name else None
        if size is not None and size != tokenizer.vocab_size:
            raise CheckpointError(
                f"{path}: mismatched tokenizer '{name}': it has {tokenizer.vocab_size} pieces but the "
                f"model's {field_name} is {size}"
            )


def _split_state(state: dict[str, Any] | None) -> tuple[Any, dict[str, torch.Tensor]]:
    """The trainer state as JSON, with each tensor replaced by a key into the tensors returned."""
    tensors: dict[str, torch.Tensor] = {}

    def strip(value: Any, key: str) -> Any:
        if isinstance(value, torch.Tensor):
            tensors[key] = value.detach().cpu().contiguous()
            return {"__tensor__": key}
        if isinstance(value, dict):
            return {
                "__dict__": [
                    [strip(k, f"{key}.k{i}"), strip(v, f"{key}.{i}")]
                    for i, (k, v) in enumerate(value.items())
                ]
            }
        if isinstance(value, (list, tuple)):
            return [strip(v, f"{key}.{i}") for i, v in enumerate(value)]
        return value

    return strip(state, "state"), tensors


def _load_trainer_state(directory: Path) -> dict[str, Any]:
    json_path = directory / "trainer_state.json"
    tensor_path = directory / "trainer_state.safetensors"
    if not json_path.is_file() or not tensor_path.is_file():
        raise CheckpointError(f"{directory}: no trainer_state (this checkpoint cannot be resumed)")
    try:
        tensors = safetensors.torch.load_file(str(tensor_path))
    except (safetensors.SafetensorError, OSError) as error:
        raise CheckpointError(f"{tensor_path}: unreadable: {error}") from None

    def restore(value: Any) -> Any:
        if isinstance(value, dict) and "__tensor__" in value:
            return tensors[value["__tensor__"]]
        if isinstance(value, dict) and "__dict__" in value:
            return {restore(k): restore(v) for k, v in value["__dict__"]}
        if isinstance(value, list):
            return [restore(v) for v in value]
        return value

    try:
        state = restore(read_json(json_path))
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{json_path}: damaged trainer state ({error!r})") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"{json_path}: expected a JSON object of trainer state")
    return state


def _package_version() -> str:
    from core_models import __version__

    return __version__


def export_for_inference(source: str | Path, destination: str | Path) -> Path:
    """A slim copy of a checkpoint for sharing or bundling: float16 weights (half the size; they
    load back into a float32 model), the tokenizers and config.json, no trainer state. Frozen
    embeddings from the bundled GloVe file are referenced (checkpoint_glove), also those of a
    checkpoint that stored them."""
    checkpoint = load_checkpoint(source)
    model = checkpoint.model.half()
    meta = {
        k: v for k, v in checkpoint.meta.items() if k not in ("model", "tokenizers", "versions")
    }
    data = meta.get("train_config", {}).get("data", {})
    reference = glove_reference.bundled_reference(
        data.get("glove", ""), data.get("glove_member", ""), model
    )
    if reference is not None:
        meta[glove_reference.KEY] = reference
    return save_checkpoint(
        destination, model, checkpoint.tokenizers, {**meta, "weights": "float16"}
    )
