"""Checkpoints: a directory of safetensors weights, JSON config and the tokenizers' files.

Nothing is ever unpickled: weights (and the optimiser's tensors) go through safetensors, everything
else is JSON. A checkpoint is written into a temporary sibling directory and swapped into place, so
a crash mid-write leaves the previous checkpoint whole (a leftover ``.old`` is restored on load).

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
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch
import torch
from torch import nn

from core_models.errors import WorkbenchError
from core_models.models.registry import FAMILIES, build_model, make_config
from core_models.tokenizers import Tokenizer, load_tokenizer

logger = logging.getLogger(__name__)

FORMAT = "attention-workbench-checkpoint/1"
PICKLE_SUFFIXES = (".pt", ".pth", ".bin", ".pkl", ".pickle", ".ckpt")


class CheckpointError(WorkbenchError, ValueError):
    """A checkpoint that cannot be loaded; the message says which file and why."""


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


def checkpoint_dir(path: str | Path) -> Path:
    """The checkpoint inside ``path``: the directory itself, or a training run's ``model/``."""
    path = Path(path)
    _recover_interrupted_swap(path)
    if (path / "config.json").is_file():
        return path
    _recover_interrupted_swap(path / "model")
    return path / "model" if (path / "model").is_dir() else path


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    tokenizers: dict[str, Tokenizer],
    meta: dict[str, Any],
    trainer_state: dict[str, Any] | None = None,
) -> Path:
    """Write a checkpoint atomically to ``path`` (replacing any checkpoint there). Returns path.

    tokenizers: role -> tokenizer; a tokenizer given for two roles is written once.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(path)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
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
        safetensors.torch.save_model(model, str(staging / "model.safetensors"))
        for role, tokenizer in tokenizers.items():
            if file_names[role] == role:
                tokenizer.save(staging, role)
        if trainer_state is not None:
            _save_trainer_state(staging, trainer_state)
        _write_json(staging / "config.json", config)
        _make_durable(staging)
        _swap_into_place(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def load_checkpoint(
    path: str | Path, map_location: str | torch.device = "cpu", with_trainer_state: bool = False
) -> Checkpoint:
    """Load a checkpoint directory (or a run directory holding ``model/``); errors say which file."""
    path = checkpoint_dir(path)
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
    meta = _read_json(config_path)
    if not isinstance(meta, dict):
        raise CheckpointError(f"{config_path}: expected a JSON object, found {type(meta).__name__}")
    family = meta.get("family")
    if family not in FAMILIES:
        raise CheckpointError(
            f"{config_path}: unknown model family '{family}'; known families: {', '.join(FAMILIES)}"
        )
    try:
        model = build_model(family, make_config(family, meta.get("model", {})))
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"{config_path}: 'model' section: {error}") from None
    _load_weights(model, weights_path, map_location)
    tokenizers = _load_tokenizers(path, meta.get("tokenizers", {}))
    _check_vocab_sizes(path, meta, tokenizers)
    model.eval()
    state = _load_trainer_state(path) if with_trainer_state else None
    return Checkpoint(path, family, model, tokenizers, meta, state)


def _load_weights(model: nn.Module, weights_path: Path, map_location) -> None:
    try:
        with safetensors.safe_open(str(weights_path), framework="pt"):
            pass
        missing, unexpected = safetensors.torch.load_model(
            model, str(weights_path), strict=False, device=str(map_location)
        )
    except (safetensors.SafetensorError, OSError) as error:
        raise CheckpointError(
            f"{weights_path}: not a readable safetensors file (truncated, corrupt, or not safetensors): {error}"
        ) from None
    except RuntimeError as error:
        raise CheckpointError(
            f"{weights_path}: weights do not fit the model described in config.json: {error}"
        ) from None
    if missing or unexpected:
        raise CheckpointError(
            f"{weights_path}: weights do not match config.json's model "
            f"(missing: {sorted(missing)[:5]}, unexpected: {sorted(unexpected)[:5]})"
        )


def _tokenizer_file_names(tokenizers: dict[str, Tokenizer]) -> dict[str, str]:
    """role -> the file name its tokenizer is saved under: the first role holding that object."""
    first_role: dict[int, str] = {}
    return {role: first_role.setdefault(id(tok), role) for role, tok in tokenizers.items()}


def _load_tokenizers(path: Path, file_names: dict[str, str]) -> dict[str, Tokenizer]:
    """Each file once; roles sharing a file share the tokenizer object."""
    if not isinstance(file_names, dict):
        raise CheckpointError(f"{path / 'config.json'}: 'tokenizers' must map roles to file names")
    loaded: dict[str, Tokenizer] = {}
    for role, file_name in file_names.items():
        if file_name not in loaded:
            try:
                loaded[file_name] = load_tokenizer(path, file_name)
            except (OSError, ValueError) as error:
                raise CheckpointError(f"{path}: tokenizer '{role}': {error}") from None
    return {role: loaded[file_name] for role, file_name in file_names.items()}


def _check_vocab_sizes(path: Path, meta: dict[str, Any], tokenizers: dict[str, Tokenizer]) -> None:
    """A tokenizer whose vocabulary differs from the embedding it feeds is a mismatched pair."""
    expected = {
        "source": "src_vocab_size",
        "target": "tgt_vocab_size",
        "text": "vocab_size",
    }
    for name, tokenizer in tokenizers.items():
        field_name = expected.get(name)
        size = meta.get("model", {}).get(field_name) if field_name else None
        if size is not None and size != tokenizer.vocab_size:
            raise CheckpointError(
                f"{path}: mismatched tokenizer '{name}': it has {tokenizer.vocab_size} pieces but the "
                f"model's {field_name} is {size}"
            )


def _save_trainer_state(directory: Path, state: dict[str, Any]) -> None:
    """Split the state into tensors (safetensors) and everything else (JSON)."""
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

    _write_json(directory / "trainer_state.json", strip(state, "state"))
    safetensors.torch.save_file(tensors, str(directory / "trainer_state.safetensors"))


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

    return restore(_read_json(json_path))


def _remove_stale_staging(path: Path) -> None:
    """Staging directories left behind by a writer that was killed mid-write."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        logger.info("removing %s, left by an interrupted checkpoint write", stale)
        shutil.rmtree(stale, ignore_errors=True)


def _make_durable(staging: Path) -> None:
    """Usual permissions (mkdtemp makes the directory private) and every file on disk."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    for file in staging.iterdir():
        file.chmod(0o666 & ~umask)
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())


def _swap_into_place(staging: Path, path: Path) -> None:
    old = path.with_name(f".{path.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if path.exists():
        os.replace(path, old)
    os.replace(staging, path)
    _fsync_directory(path.parent)
    if old.exists():
        shutil.rmtree(old)


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable (POSIX; directories cannot be opened on Windows)."""
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _recover_interrupted_swap(path: Path) -> None:
    """A crash between the two renames of ``_swap_into_place`` leaves only ``.name.old``."""
    old = path.with_name(f".{path.name}.old")
    if not path.exists() and old.is_dir():
        logger.warning("restoring %s from an interrupted checkpoint write", path)
        os.replace(old, path)


def _write_json(path: Path, value: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=1, ensure_ascii=False)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: not valid JSON: {error}") from None


def _package_version() -> str:
    from core_models import __version__

    return __version__


def export_for_inference(source: str | Path, destination: str | Path) -> Path:
    """A slim copy of a checkpoint for sharing or bundling: float16 weights (half the size; they
    load back into a float32 model), the tokenizers and config.json, no trainer state."""
    checkpoint = load_checkpoint(source)
    model = checkpoint.model.half()
    meta = {
        k: v for k, v in checkpoint.meta.items() if k not in ("model", "tokenizers", "versions")
    }
    return save_checkpoint(
        destination, model, checkpoint.tokenizers, {**meta, "weights": "float16"}
    )
