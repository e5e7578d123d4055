"""A checkpoint's config.json, found and checked without torch: where the checkpoint of a
directory is (``checkpoint_dir``), and the fields other code reads (``check_summary``,
``check_tokenizer_roles``). ``checkpoint_check.check_meta`` adds the model's own fields, which
need the family's config class (and so torch); ``attention-workbench models`` reads only these.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core_models.models.registry import FAMILIES
from core_models.training.checkpoint_files import CheckpointError, read_json, readable_dir
from core_models.training.runs import BEST_NAME

ROLES = {"translation": ("source", "target"), "nli": ("text",)}
TOKENIZER_FILE = re.compile(r"[A-Za-z0-9_-]+")  # a plain name, never a path
# Optional fields of config.json other code reads, and the JSON type each must have.
META_TYPES = {
    "task": (str, "a string"),
    "name": (str, "a string"),
    "metrics": (dict, "an object"),
    "train_config": (dict, "an object"),
    "step": (int, "an integer"),
}


def kind_name(value: Any) -> str:
    """A JSON value's type as an error message names it ("null", "list", ...)."""
    return "null" if value is None else type(value).__name__


def checkpoint_dir(path: str | Path) -> Path:
    """The checkpoint inside ``path``: the directory itself, or a training run's ``best/`` (the
    best validation metric) when it has one, else its ``model/`` (the last step; name
    ``run/model`` to load it). Where a writer was killed mid-swap, the ``.old`` copy it left is
    read in place."""
    path = readable_dir(Path(path))
    if (path / "config.json").is_file():
        return path
    for name in (BEST_NAME, "model"):
        candidate = readable_dir(path / name)
        if (candidate / "config.json").is_file():
            return candidate
    model = readable_dir(path / "model")
    return model if model.is_dir() else path


def read_summary(path: str | Path) -> dict[str, Any]:
    """config.json of the checkpoint in ``path`` once every field but the model's own is checked
    (``checkpoint.read_config`` checks those too)."""
    config_path = checkpoint_dir(path) / "config.json"
    meta = read_json(config_path)
    family = check_summary(config_path, meta)
    check_tokenizer_roles(config_path, FAMILIES[family].task_kind, meta.get("tokenizers"))
    return meta


def check_summary(config_path: Path, meta: Any) -> str:
    """The family of config.json's model, once every field other code reads has its type (the
    ``model`` section is an object; its fields are the family's to check)."""
    if not isinstance(meta, dict):
        raise CheckpointError(f"{config_path}: expected a JSON object, found {kind_name(meta)}")
    family = meta.get("family")
    if not isinstance(family, str) or family not in FAMILIES:
        raise CheckpointError(
            f"{config_path}: unknown model family {family!r}; known families: {', '.join(FAMILIES)}"
        )
    for key, (kind, text) in META_TYPES.items():
        if key in meta and (not isinstance(meta[key], kind) or isinstance(meta[key], bool)):
            raise CheckpointError(
                f"{config_path}: '{key}' must be {text}, found {kind_name(meta[key])}"
            )
    data = meta.get("train_config", {}).get("data", {})
    if not isinstance(data, dict) or not isinstance(data.get("max_len", 0), int):
        raise CheckpointError(f"{config_path}: 'train_config.data.max_len' must be an integer")
    values = meta.get("model")
    if not isinstance(values, dict):
        raise CheckpointError(
            f"{config_path}: 'model' must be a JSON object, found {kind_name(values)}"
        )
    return family


def check_tokenizer_roles(config_path: Path, task_kind: str, file_names: Any) -> None:
    """``tokenizers``: each role the task needs -> a plain file name in the checkpoint."""
    roles = ROLES[task_kind]
    if not isinstance(file_names, dict):
        raise CheckpointError(
            f"{config_path}: 'tokenizers' must map roles ({', '.join(roles)}) to file names, "
            f"found {kind_name(file_names)}"
        )
    for role in roles:
        if role not in file_names:
            raise CheckpointError(
                f"{config_path}: 'tokenizers' has no '{role}' tokenizer "
                f"(a {task_kind} model needs {' and '.join(roles)})"
            )
    for role, file_name in file_names.items():
        if role not in roles:
            raise CheckpointError(
                f"{config_path}: 'tokenizers' has a '{role}' role; a {task_kind} model has "
                f"{' and '.join(roles)}"
            )
        if not isinstance(file_name, str) or not TOKENIZER_FILE.fullmatch(file_name):
            raise CheckpointError(
                f"{config_path}: tokenizer '{role}' must name a file of the checkpoint "
                f"(letters, digits, _ and -), found {file_name!r}"
            )
