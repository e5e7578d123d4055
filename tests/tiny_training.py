"""Tiny training configs and checkpoints for the trainer, checkpoint, CLI, inference and DDP
tests: the copy task, a word tokenizer and a one-layer Transformer with d_model 16, a few seconds
of CPU per run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_models.models.registry import build_model
from core_models.tokenizers import train_tokenizer
from core_models.training.checkpoint import save_checkpoint
from core_models.training.config import TrainConfig

TINY_MODELS: dict[str, dict[str, Any]] = {
    "transformer": {
        "d_model": 16,
        "heads": 2,
        "ff_size": 32,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "dropout": 0.1,
        "max_len": 32,
    },
    "bahdanau": {"embed_size": 8, "hidden_size": 12, "dropout": 0.1},
    "decomposable": {"embed_size": 8, "hidden_size": 8, "dropout": 0.1},
    "encoder_classifier": {"d_model": 16, "heads": 2, "ff_size": 32, "layers": 1, "max_len": 64},
}


def tiny_config(family: str = "transformer", task: str = "copy", **sections: dict) -> TrainConfig:
    """A config that trains in a few seconds; ``sections`` override fields, e.g.
    ``run={"max_steps": 4}``."""
    values: dict[str, Any] = {
        "name": f"tiny-{family}",
        "data": {"task": task, "train_size": 64, "valid_size": 4, "max_len": 16},
        "tokenizer": {"kind": "word", "vocab_size": 60},
        "model": {"family": family, "options": dict(TINY_MODELS[family])},
        "optim": {"lr": 0.01},
        "run": {
            "batch_size": 8,
            "max_steps": 12,
            "eval_every": 100,
            "checkpoint_every": 100,
            "device": "cpu",
            "seed": 3,
        },
    }
    for section, overrides in sections.items():
        values[section] = {**values.get(section, {}), **overrides}
    return TrainConfig.from_dict(values, source="tiny config")


SOURCES = ["a b c d", "b c d e", "c d e f a"]
TARGETS = ["x y", "y z w", "z w v u"]


def tiny_checkpoint(
    path: Path,
    shared: bool = False,
    kind: str = "word",
    trainer_state: dict | None = None,
    meta: dict | None = None,
) -> Path:
    """An untrained Transformer checkpoint with tokenizers trained on SOURCES and TARGETS."""
    vocab_size = 300 if kind == "char" else 50
    source = train_tokenizer(kind, SOURCES + (TARGETS if shared else []), vocab_size=vocab_size)
    target = source if shared else train_tokenizer(kind, TARGETS, vocab_size=vocab_size)
    options = {
        **TINY_MODELS["transformer"],
        "src_vocab_size": source.vocab_size,
        "tgt_vocab_size": target.vocab_size,
    }
    model = build_model("transformer", options)
    tokenizers = {"source": source, "target": target}
    meta = {"task": "copy", "step": 1} if meta is None else meta
    return save_checkpoint(path, model, tokenizers, meta, trainer_state)


def tiny_nli_checkpoint(path: Path, family: str = "decomposable") -> Path:
    """An untrained NLI checkpoint with a word tokenizer."""
    tokenizer = train_tokenizer("word", ["a man sleeps", "a dog runs"], vocab_size=30)
    model = build_model(family, {**TINY_MODELS[family], "vocab_size": tokenizer.vocab_size})
    return save_checkpoint(path, model, {"text": tokenizer}, {"task": "nli"})


def write_tiny_config(directory: Path, family: str = "transformer", **sections: dict) -> Path:
    path = Path(directory) / f"tiny-{family}.toml"
    tiny_config(family, **sections).to_toml(path)
    return path
