"""What a checkpoint must hold before a model is built from it, checked without loading a weight:
config.json's fields (type and range of every field that sizes the model), its tokenizer roles,
and the safetensors header (tensor names, shapes, dtypes) against the model config.json describes.

The model is first built on torch's ``meta`` device (shapes only, no memory), after each layer
count was bounded by the number of tensors in the file; its parameters must then be the file's,
tensor by tensor. A config that would allocate more than the file holds never reaches a real
build. After loading, every weight must be finite.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

import safetensors
import torch
from torch import nn

from core_models.models.base import ModelConfig
from core_models.models.registry import FAMILIES, build_skeleton, make_config
from core_models.training.checkpoint_config import check_summary
from core_models.training.checkpoint_files import CheckpointError, size_text

MAX_SIZE = 2**31 - 1  # any size field: a 32-bit integer
FIELD_TYPES = {"int": int, "float": float, "str": str, "bool": bool}
FLOAT_DTYPES = {"F16": "float16", "BF16": "bfloat16", "F32": "float32", "F64": "float64"}
TABLES_ALLOWANCE = 64 * 2**20  # bytes of computed tables (positions) beyond the weights' own size


@dataclass(frozen=True)
class Header:
    """The safetensors header: each tensor's shape and dtype (``"F32"``, ``"I64"``, ...)."""

    shapes: dict[str, tuple[int, ...]]
    dtypes: dict[str, str]


def check_meta(config_path: Path, meta: Any) -> str:
    """The family of config.json's model, once every field other code reads has its type and
    each field of the model is in range."""
    family = check_summary(config_path, meta)
    check_model_fields(config_path, family, meta["model"])
    return family


def check_model_fields(config_path: Path, family: str, values: dict[str, Any]) -> None:
    """Every field of the family's config: present (or defaulted), of its type, in range."""
    config_class, _ = FAMILIES[family].classes()
    known = {field.name: field for field in fields(config_class)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise CheckpointError(
            f"{config_path}: model.{unknown[0]} is not a field of a {family} model; "
            f"its fields: {', '.join(known)}"
        )
    for name, field in known.items():
        if name not in values:
            if field.default is MISSING:
                raise CheckpointError(f"{config_path}: model.{name} is missing")
            continue
        kind = FIELD_TYPES.get(str(field.type))  # other annotations: the config class checks
        problem = _field_problem(name, values[name], kind) if kind else ""
        if problem:
            raise CheckpointError(f"{config_path}: model.{name} {problem}, found {values[name]!r}")


def _field_problem(name: str, value: Any, kind: type) -> str:
    """What is wrong with one field's value ("" when nothing)."""
    if kind is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return "must be a number"
        if name == "dropout" and not 0.0 <= value < 1.0:
            return "must be in [0, 1)"
        return "" if math.isfinite(value) else "must be finite"
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return f"must be {'an integer' if kind is int else 'a ' + kind.__name__}"
    if kind is int and not 0 <= value <= MAX_SIZE:
        return f"must be an integer from 0 to {MAX_SIZE:,}"
    return ""


def read_header(weights_path: Path) -> Header:
    """Names, shapes and dtypes of the tensors in ``weights_path``, read from its header only."""
    try:
        with safetensors.safe_open(str(weights_path), framework="pt") as weights:
            names = list(weights.keys())  # a safe_open handle is not iterable
            slices = {name: weights.get_slice(name) for name in names}
            return Header(
                {name: tuple(s.get_shape()) for name, s in slices.items()},
                {name: s.get_dtype() for name, s in slices.items()},
            )
    except (safetensors.SafetensorError, OSError) as error:
        raise CheckpointError(
            f"{weights_path}: not a readable safetensors file (truncated, corrupt, or not "
            f"safetensors): {error}"
        ) from None


def describe_model(
    config_path: Path, weights_path: Path, family: str, values: dict[str, Any], header: Header
) -> ModelConfig:
    """The model config, once the model it describes is the one in the weights file: built on
    the meta device and compared tensor by tensor, so nothing is allocated for a wrong config."""
    for name, value in values.items():
        if name.endswith("layers") and value > len(header.shapes):
            raise CheckpointError(
                f"{config_path}: model.{name} = {value:,}, but {weights_path.name} holds only "
                f"{len(header.shapes)} tensors (every layer has weights of its own)"
            )
    try:
        config = make_config(family, values)
        skeleton = build_skeleton(family, config)
    except (TypeError, ValueError, RuntimeError, ZeroDivisionError) as error:
        raise CheckpointError(f"{config_path}: 'model' section: {error}") from None
    _compare_tensors(config_path, weights_path, skeleton, header)
    _check_tables(config_path, weights_path, skeleton, config)
    return config


def _compare_tensors(
    config_path: Path, weights_path: Path, skeleton: nn.Module, header: Header
) -> None:
    """The file holds one tensor of the right shape and dtype for each of the model's (tied
    weights, one tensor under several names, are stored once), and nothing else."""
    expected = skeleton.state_dict(keep_vars=True)
    aliases: dict[int, list[str]] = {}
    for name, tensor in expected.items():
        aliases.setdefault(id(tensor), []).append(name)
    missing = [n[0] for n in aliases.values() if not any(name in header.shapes for name in n)]
    unexpected = sorted(set(header.shapes) - set(expected))
    wrong = [n for n in header.shapes if n in expected and header.shapes[n] != expected[n].shape]
    needed = sum(expected[names[0]].numel() for names in aliases.values())
    held = sum(math.prod(shape) for shape in header.shapes.values())
    if missing or unexpected or wrong:
        details = []
        if missing:
            details.append(f"missing tensor(s) {', '.join(missing[:3])}")
        if unexpected:
            details.append(f"tensor(s) the model has no place for: {', '.join(unexpected[:3])}")
        details += [
            f"'{name}' is {list(header.shapes[name])} in the file, "
            f"{list(expected[name].shape)} by config.json"
            for name in wrong[:2]
        ]
        raise CheckpointError(
            f"{weights_path}: weights do not fit the model described in {config_path.name} "
            f"({needed:,} parameters; the file holds {held:,}): {'; '.join(details)}"
        )
    for name, dtype in header.dtypes.items():
        floating = expected[name].dtype.is_floating_point
        if floating and dtype not in FLOAT_DTYPES:
            raise CheckpointError(
                f"{weights_path}: tensor '{name}' is {dtype}; weights must be floating point "
                f"({', '.join(FLOAT_DTYPES.values())})"
            )


def _check_tables(
    config_path: Path, weights_path: Path, skeleton: nn.Module, config: ModelConfig
) -> None:
    """Tables the model computes rather than stores (sinusoidal positions) are sized by the config
    alone: bound them by the weights' size, so a huge max_len cannot allocate gigabytes."""
    stored = skeleton.state_dict()
    computed = [b for name, b in skeleton.named_buffers() if name not in stored]
    table_bytes = sum(b.numel() * b.element_size() for b in computed)
    weight_bytes = sum(t.numel() * t.element_size() for t in stored.values())
    if table_bytes > weight_bytes + TABLES_ALLOWANCE:
        raise CheckpointError(
            f"{config_path}: model.max_len = {getattr(config, 'max_len', '?'):,} needs "
            f"{size_text(table_bytes)} of position tables, out of proportion to the "
            f"{size_text(weight_bytes)} of weights in {weights_path.name}"
        )


def check_finite(weights_path: Path, model: nn.Module, names: list[str]) -> None:
    """Every loaded weight named in the file is finite (NaN or inf: a diverged or damaged run)."""
    state = model.state_dict()
    for name in names:
        tensor = state[name]
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise CheckpointError(
                f"{weights_path}: tensor '{name}' holds {bad:,} NaN or infinite value(s) of "
                f"{tensor.numel():,}: these weights cannot translate (did the run diverge?)"
            )
