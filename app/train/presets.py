"""Size presets (tiny / small / base) of each model family, the editable fields of its config
dataclass, and a parameter estimate made by building the model on PyTorch's meta device (shapes
only, no memory, no initialisation cost).

Qt-free: the Train view's model panel and the tests read it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from core_models.models.luong import ATTENTION_TYPES, LUONG_SCORES
from core_models.models.recurrent import CELLS
from core_models.models.registry import FAMILIES, build_skeleton, get_family
from core_models.models.transformer_layers import NORMS, POSITIONS
from core_models.tokenizers import train_tokenizer
from core_models.training.config import VOCAB_FIELDS

SIZES = ("tiny", "small", "base")
# Fields the user never sets: vocabularies come from the trained tokenizers, NLI has 3 labels.
FIXED_FIELDS = (*VOCAB_FIELDS, "num_classes")
# Text fields with a fixed set of values, offered as choices in the form.
FIELD_CHOICES: dict[str, tuple[str, ...]] = {
    "cell": CELLS,
    "positions": POSITIONS,
    "norm": NORMS,
    "score": LUONG_SCORES,
    "attention_type": ATTENTION_TYPES,
}
# Tokenizer kinds whose vocabulary is whatever the data holds (up to vocab_size); sentencepiece
# kinds (bpe, unigram) aim at vocab_size itself.
COUNTED_TOKENIZERS = ("word", "char")

_TRANSFORMER_SIZES = {
    "tiny": {"d_model": 32, "heads": 2, "ff_size": 64, "dropout": 0.0, "max_len": 128},
    "small": {"d_model": 128, "heads": 4, "ff_size": 512, "dropout": 0.1, "max_len": 128},
    "base": {"d_model": 256, "heads": 4, "ff_size": 1024, "dropout": 0.1, "max_len": 256},
}
_LAYERS = {"tiny": 1, "small": 2, "base": 3}

MODEL_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "transformer": {
        size: {**values, "encoder_layers": _LAYERS[size], "decoder_layers": _LAYERS[size]}
        for size, values in _TRANSFORMER_SIZES.items()
    },
    "encoder_classifier": {
        size: {**values, "layers": _LAYERS[size] + (size == "base")}
        for size, values in _TRANSFORMER_SIZES.items()
    },
    "rnn": {
        "tiny": {"embed_size": 16, "hidden_size": 32, "num_layers": 1, "dropout": 0.0},
        "small": {"embed_size": 64, "hidden_size": 128, "num_layers": 1, "dropout": 0.1},
        "base": {"embed_size": 256, "hidden_size": 512, "num_layers": 2, "dropout": 0.2},
    },
    "bahdanau": {
        "tiny": {"embed_size": 16, "hidden_size": 32, "dropout": 0.0},
        "small": {"embed_size": 64, "hidden_size": 128, "dropout": 0.1},
        "base": {"embed_size": 256, "hidden_size": 256, "dropout": 0.2},
    },
    "luong": {
        "tiny": {"embed_size": 16, "hidden_size": 32, "num_layers": 1, "dropout": 0.0},
        "small": {"embed_size": 64, "hidden_size": 128, "num_layers": 2, "dropout": 0.2},
        "base": {"embed_size": 256, "hidden_size": 256, "num_layers": 2, "dropout": 0.2},
    },
    "decomposable": {  # base: the paper's 300-d GloVe width and 200 hidden units
        "tiny": {"embed_size": 16, "hidden_size": 16, "dropout": 0.0},
        "small": {"embed_size": 100, "hidden_size": 100, "dropout": 0.2},
        "base": {"embed_size": 300, "hidden_size": 200, "dropout": 0.2},
    },
}

# How long and how fast each size trains by default (the run panel's fields).
TRAINING_PRESETS: dict[str, dict[str, Any]] = {
    "tiny": {"lr": 5e-3, "batch_size": 32, "max_steps": 300, "eval_every": 50},
    "small": {"lr": 1e-3, "batch_size": 64, "max_steps": 2000, "eval_every": 200},
    "base": {"lr": 5e-4, "batch_size": 64, "max_steps": 10000, "eval_every": 500},
}


@dataclass(frozen=True)
class ModelField:
    """One editable field of a family's config: its name, Python type, default and choices."""

    name: str
    kind: type  # int, float, bool or str
    default: Any
    choices: tuple[str, ...] = ()


def families_for(task_kind: str) -> list[str]:
    """The families that train on ``task_kind`` data ("translation" or "nli"), registry order."""
    return [name for name, family in FAMILIES.items() if family.task_kind == task_kind]


def model_fields(family: str) -> list[ModelField]:
    """The fields of ``family``'s config dataclass a user may set (vocabularies excluded)."""
    config_class, _ = get_family(family).classes()
    result = []
    for each in dataclasses.fields(config_class):
        if each.name in FIXED_FIELDS:
            continue
        default = each.default if each.default is not dataclasses.MISSING else None
        kind = type(default) if default is not None else int
        result.append(ModelField(each.name, kind, default, FIELD_CHOICES.get(each.name, ())))
    return result


def preset_options(family: str, size: str) -> dict[str, Any]:
    """Every editable field of ``family`` at ``size``: the config's defaults, then the preset."""
    if size not in SIZES:
        raise ValueError(f"unknown size preset '{size}'; choose one of {', '.join(SIZES)}")
    defaults = {f.name: f.default for f in model_fields(family)}
    return {**defaults, **MODEL_PRESETS.get(family, {}).get(size, {})}


def vocabulary_estimate(kind: str, vocab_size: int, texts: list[str], segment: str = "") -> int:
    """The vocabulary a ``kind`` tokenizer trained on ``texts`` (a sample of one side) would have:
    trained for real for word and character tokenizers (fast), ``vocab_size`` for sentencepiece.
    ``segment``: the word tokenizer's segmenter ("jieba"); ValueError for data it cannot split
    (Chinese without a segmenter)."""
    if kind not in COUNTED_TOKENIZERS or not texts:
        return vocab_size
    options = {"segment": segment} if kind == "word" and segment else {}
    return train_tokenizer(kind, texts, vocab_size, **options).vocab_size


def vocab_options(task_kind: str, source_vocab: int, target_vocab: int) -> dict[str, int]:
    """The config's vocabulary fields (NLI has one vocabulary: the source's)."""
    if task_kind == "nli":
        return {"vocab_size": source_vocab}
    return {"src_vocab_size": source_vocab, "tgt_vocab_size": target_vocab}


def count_parameters(family: str, options: dict[str, Any]) -> int:
    """Parameters of ``family`` built with ``options`` (vocab fields included), counted on the
    meta device; a bad option raises the config's ValueError / TypeError."""
    model = build_skeleton(family, dict(options))
    return sum(p.numel() for p in model.parameters())  # tied weights are listed once


def format_count(count: int) -> str:
    """1234 -> "1.2 k", 5581924 -> "5.58 M"."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.2f} M"
    if count >= 1_000:
        return f"{count / 1_000:.1f} k"
    return str(count)
