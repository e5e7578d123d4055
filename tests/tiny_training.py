"""Tiny training configs for the trainer, checkpoint, CLI and DDP tests: the copy task, a word
tokenizer and a one-layer Transformer with d_model 16, a few seconds of CPU per run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

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


def write_tiny_config(directory: Path, family: str = "transformer", **sections: dict) -> Path:
    path = Path(directory) / f"tiny-{family}.toml"
    tiny_config(family, **sections).to_toml(path)
    return path


@pytest.fixture(autouse=True)
def single_torch_thread():
    """Torch on one thread while a test trains: on a small CPU shared with other jobs, two
    spinning intra-op threads make these tiny models many times slower. Use it with
    ``from tiny_training import single_torch_thread  # noqa: F401``."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
