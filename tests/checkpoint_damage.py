"""Damaged checkpoints, one per way a file can be wrong: each case breaks a copy of a Transformer
checkpoint and says which file the message must name and what it must say. Shared by the library,
CLI and app tests (test_checkpoint_damage.py, test_app_checkpoint_damage.py)."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import safetensors.torch
import torch

EMBEDDING = "source_embedding.tokens.weight"
KEY_PROJ = "decoder_layers.0.cross_attention.key_proj.weight"


@dataclass(frozen=True)
class Damage:
    name: str
    apply: Callable[[Path], None]
    file: str  # the file the message names
    reason: str  # what the message says is wrong

    def __str__(self) -> str:
        return self.name


def _edit_config(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        config = json.loads((path / "config.json").read_text())
        change(config)
        (path / "config.json").write_text(json.dumps(config))

    return apply


def _model_field(**values: Any) -> Callable[[Path], None]:
    return _edit_config(lambda config: config["model"].update(values))


def _write(file: str, content: str | bytes) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        if isinstance(content, bytes):
            (path / file).write_bytes(content)
        else:
            (path / file).write_text(content)

    return apply


def _truncate(file: str) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        data = (path / file).read_bytes()
        (path / file).write_bytes(data[: len(data) // 2])

    return apply


def _edit_weights(change: Callable[[dict[str, torch.Tensor]], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        tensors = safetensors.torch.load_file(str(path / "model.safetensors"))
        change(tensors)
        safetensors.torch.save_file(tensors, str(path / "model.safetensors"))

    return apply


def _set(name: str, value: Callable[[torch.Tensor], torch.Tensor]):
    return _edit_weights(lambda tensors: tensors.update({name: value(tensors[name])}))


def _poison(value: float) -> Callable[[torch.Tensor], torch.Tensor]:
    def poisoned(tensor: torch.Tensor) -> torch.Tensor:
        tensor = tensor.clone()
        tensor[0, 0] = value
        return tensor

    return poisoned


def _safetensors_header(header: dict[str, Any], data: bytes = b"") -> bytes:
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


LYING_HEADER = _safetensors_header(
    {EMBEDDING: {"dtype": "F32", "shape": [100_000, 100_000], "data_offsets": [0, 4 * 10**10]}},
    bytes(64),
)
HUGE_HEADER = struct.pack("<Q", 2**60) + b"{}"
NESTED_JSON = "[" * 100_000 + "]" * 100_000


def _garbage_sentencepiece(path: Path) -> None:
    state = {"format_version": 1, "kind": "bpe", "vocab_size": 12}
    (path / "source.tokenizer.json").write_text(json.dumps(state))
    (path / "source.model").write_bytes(b"\x0a\xff\xff\xff garbage, not a model proto \x00\x01")


DAMAGES = [
    # config.json
    Damage("empty config", _write("config.json", ""), "config.json", "not valid JSON"),
    Damage("truncated config", _truncate("config.json"), "config.json", "not valid JSON"),
    Damage("config not JSON", _write("config.json", "{family: x"), "config.json", "not valid JSON"),
    Damage("config a list", _write("config.json", "[1, 2]"), "config.json", "found list"),
    Damage("deeply nested config", _write("config.json", NESTED_JSON), "config.json", "nested"),
    Damage("config not UTF-8", _write("config.json", b'{"a": "\xff"}'), "config.json", "not valid"),
    Damage(
        "no family",
        _edit_config(lambda config: config.pop("family")),
        "config.json",
        "unknown model family None",
    ),
    Damage(
        "family a number",
        _edit_config(lambda config: config.update(family=3)),
        "config.json",
        "unknown model family 3",
    ),
    Damage(
        "wrong family",
        _edit_config(lambda config: config.update(family="decomposable")),
        "config.json",
        "is not a field of a decomposable model",
    ),
    Damage(
        "model section a list",
        _edit_config(lambda config: config.update(model=[16])),
        "config.json",
        "'model' must be a JSON object, found list",
    ),
    Damage(
        "unknown model field",
        _model_field(attention="sparse"),
        "config.json",
        "model.attention is not a field",
    ),
    Damage("negative ff_size", _model_field(ff_size=-3), "config.json", "model.ff_size must be"),
    Damage(
        "size as text",
        _model_field(d_model="16"),
        "config.json",
        "model.d_model must be an integer",
    ),
    Damage("size as bool", _model_field(heads=True), "config.json", "model.heads must be"),
    Damage("size overflows", _model_field(d_model=10**30), "config.json", "model.d_model must be"),
    Damage("dropout above 1", _model_field(dropout=2.5), "config.json", "model.dropout must be"),
    Damage(
        "d_model 10**9",
        _model_field(d_model=10**9),
        "model.safetensors",
        "weights do not fit the model described in config.json",
    ),
    Damage(
        "d_model 8192",
        _model_field(d_model=8192, ff_size=8192),
        "model.safetensors",
        "weights do not fit the model described in config.json",
    ),
    Damage(
        "100,000 layers",
        _model_field(encoder_layers=100_000),
        "config.json",
        "model.encoder_layers = 100,000",
    ),
    Damage(
        "huge position table",
        _model_field(max_len=10**8),
        "config.json",
        "model.max_len = 100,000,000 needs",
    ),
    Damage(
        "no target tokenizer",
        _edit_config(lambda config: config["tokenizers"].pop("target")),
        "config.json",
        "'tokenizers' has no 'target' tokenizer",
    ),
    Damage(
        "tokenizer outside the checkpoint",
        _edit_config(lambda config: config["tokenizers"].update(source="../../elsewhere")),
        "config.json",
        "tokenizer 'source' must name a file",
    ),
    Damage(
        "train_config a list",
        _edit_config(lambda config: config.update(train_config=[1])),
        "config.json",
        "'train_config' must be an object",
    ),
    Damage(
        "task a list",
        _edit_config(lambda config: config.update(task=["copy"])),
        "config.json",
        "'task' must be a string",
    ),
    # tokenizer files
    Damage(
        "tokenizer file missing",
        lambda path: (path / "source.tokenizer.json").unlink(),
        "source.tokenizer.json",
        "no tokenizer named 'source'",
    ),
    Damage(
        "tokenizer a list",
        _write("source.tokenizer.json", "[1]"),
        "source.tokenizer.json",
        "expected a JSON object",
    ),
    Damage(
        "tokenizer not JSON",
        _write("source.tokenizer.json", '{"kind": '),
        "source.tokenizer.json",
        "not valid JSON",
    ),
    Damage(
        "tokenizer without pieces",
        _write("source.tokenizer.json", '{"format_version": 1, "kind": "word"}'),
        "source.tokenizer.json",
        "lacks the field 'pieces'",
    ),
    Damage(
        "tokenizer pieces not text",
        _write("source.tokenizer.json", '{"format_version": 1, "kind": "word", "pieces": 7}'),
        "source.tokenizer.json",
        "tokenizer 'source'",
    ),
    Damage(
        "garbage sentencepiece model",
        _garbage_sentencepiece,
        "source.model",
        "not a sentencepiece model",
    ),
    # model.safetensors
    Damage(
        "empty weights", _write("model.safetensors", b""), "model.safetensors", "not a readable"
    ),
    Damage(
        "truncated weights", _truncate("model.safetensors"), "model.safetensors", "not a readable"
    ),
    Damage(
        "header lying about sizes",
        _write("model.safetensors", LYING_HEADER),
        "model.safetensors",
        "not a readable safetensors file",
    ),
    Damage(
        "header length huge",
        _write("model.safetensors", HUGE_HEADER),
        "model.safetensors",
        "header too large",
    ),
    Damage(
        "missing tensor",
        _edit_weights(lambda tensors: tensors.pop(KEY_PROJ)),
        "model.safetensors",
        f"missing tensor(s) {KEY_PROJ}",
    ),
    Damage(
        "extra tensor",
        _edit_weights(lambda tensors: tensors.update({"adapter.weight": torch.zeros(4, 4)})),
        "model.safetensors",
        "the model has no place for: adapter.weight",
    ),
    Damage(
        "wrong shape",
        _set(KEY_PROJ, lambda tensor: torch.zeros(tensor.shape[0], tensor.shape[1] + 1)),
        "model.safetensors",
        f"'{KEY_PROJ}' is [",
    ),
    Damage(
        "int64 weights",
        _set(EMBEDDING, lambda tensor: tensor.to(torch.int64)),
        "model.safetensors",
        f"tensor '{EMBEDDING}' is I64; weights must be floating point",
    ),
    Damage(
        "bool weights",
        _set(EMBEDDING, lambda tensor: tensor > 0),
        "model.safetensors",
        f"tensor '{EMBEDDING}' is BOOL",
    ),
    Damage(
        "NaN weight",
        _set(EMBEDDING, _poison(float("nan"))),
        "model.safetensors",
        f"tensor '{EMBEDDING}' holds 1 NaN or infinite value(s)",
    ),
    Damage(
        "infinite weight",
        _set(KEY_PROJ, _poison(float("inf"))),
        "model.safetensors",
        f"tensor '{KEY_PROJ}' holds 1 NaN or infinite value(s)",
    ),
]
