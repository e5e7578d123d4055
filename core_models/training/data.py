"""The trainer's data: pairs from a bundled task or the user's files, tokenizers trained on the
training side, and the encoded examples the batcher groups."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core_models.data import formats
from core_models.data.batching import NLIBatch, TranslationBatch, collate_nli, collate_translation
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.data.tasks import get_task
from core_models.models.base import NLI_LABELS
from core_models.tokenizers import Tokenizer, train_tokenizer
from core_models.training.config import DataConfig, TokenizerConfig

logger = logging.getLogger(__name__)


@dataclass
class Dataset:
    """Encoded examples: translation (source ids, target ids), NLI (premise, hypothesis, label)."""

    kind: str
    pairs: list[TranslationPair] | list[NLIPair]
    encoded: list[tuple]

    def lengths(self) -> list[int]:
        return [len(a) + len(b) + 1 for a, b, *_ in self.encoded]

    def collate(self, indices: list[int]) -> TranslationBatch | NLIBatch:
        rows = [self.encoded[i] for i in indices]
        if self.kind == "translation":
            return collate_translation([r[0] for r in rows], [r[1] for r in rows], indices)
        return collate_nli(
            [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], indices
        )


def task_kind(data: DataConfig) -> str:
    if data.task:
        return get_task(data.task).kind
    return "nli" if data.format == "snli" else "translation"


def load_pairs(data: DataConfig, seed: int) -> tuple[list, list]:
    """Training and validation pairs from the task or the user's files."""
    if data.task:
        task = get_task(data.task)
        train = task.generate("train", seed=seed, size=data.train_size or None)
        valid = task.generate("valid", seed=seed, size=data.valid_size or None)
        return train, valid
    train = _read_file(data, data.train, data.train_size or None)
    if data.valid:
        valid = _read_file(data, data.valid, data.valid_size or None)
    else:
        cut = min(data.valid_size, len(train) // 10)
        train, valid = train[: len(train) - cut], train[len(train) - cut :]
    if not train:
        raise ValueError(f"{data.train}: no training pairs")
    return train, valid


def _read_file(data: DataConfig, path: str, limit: int | None) -> list:
    if data.format == "tatoeba":
        return formats.read_tatoeba(path, limit=limit)
    if data.format == "parallel":
        return formats.read_parallel(
            f"{path}.{data.source_lang}", f"{path}.{data.target_lang}", limit=limit
        )
    return formats.read_nli(path, limit=limit).pairs


def train_tokenizers(config: TokenizerConfig, kind: str, pairs: list) -> dict[str, Tokenizer]:
    """Translation: "source" and "target" (one shared object when ``shared``); NLI: "text"."""
    if kind == "nli":
        texts = [p.premise for p in pairs] + [p.hypothesis for p in pairs]
        return {"text": train_tokenizer(config.kind, texts, config.vocab_size)}
    sources = [p.source for p in pairs]
    targets = [p.target for p in pairs]
    if config.shared:
        shared = train_tokenizer(config.kind, sources + targets, config.vocab_size)
        return {"source": shared, "target": shared}
    return {
        "source": train_tokenizer(config.kind, sources, config.vocab_size),
        "target": train_tokenizer(config.kind, targets, config.vocab_size),
    }


def encode(
    kind: str, pairs: list, tokenizers: dict[str, Tokenizer], max_len: int, drop_long: bool
) -> Dataset:
    """Encode pairs; with ``drop_long`` pairs longer than ``max_len`` tokens are left out."""
    encoded, kept = [], []
    for pair in pairs:
        if kind == "translation":
            row = (
                tokenizers["source"].encode(pair.source),
                tokenizers["target"].encode(pair.target),
            )
        else:
            text = tokenizers["text"]
            row = (
                text.encode(pair.premise),
                text.encode(pair.hypothesis),
                NLI_LABELS.index(pair.label),
            )
        too_long = max(len(row[0]), len(row[1])) + 1 > max_len
        if drop_long and too_long:
            continue
        if not drop_long and too_long:
            row = (row[0][: max_len - 1], row[1][: max_len - 1], *row[2:])
        encoded.append(row)
        kept.append(pair)
    if len(kept) < len(pairs):
        logger.info("left out %d pairs longer than %d tokens", len(pairs) - len(kept), max_len)
    return Dataset(kind, kept, encoded)


def model_vocab_fields(kind: str, tokenizers: dict[str, Tokenizer]) -> dict[str, int]:
    if kind == "nli":
        return {"vocab_size": tokenizers["text"].vocab_size}
    return {
        "src_vocab_size": tokenizers["source"].vocab_size,
        "tgt_vocab_size": tokenizers["target"].vocab_size,
    }
