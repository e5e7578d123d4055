"""The trainer's data: pairs from a bundled task or the user's files, tokenizers trained on the
training side, and the encoded examples the batcher groups."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from core_models.data import formats
from core_models.data.batching import NLIBatch, TranslationBatch, collate_nli, collate_translation
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.data.tasks import get_task
from core_models.models.base import NLI_LABELS
from core_models.paths import data_file
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
    """Training and validation pairs from the task or the user's files; too few of either to
    train or to evaluate on is a clear error, before anything is trained."""
    if data.task:
        task = get_task(data.task)
        train = task.generate("train", seed=seed, size=data.train_size or None)
        valid = task.generate("valid", seed=seed, size=data.valid_size or None)
        return train, valid
    train = _read_file(data, data.train, data.train_size or None)
    if data.valid:
        valid = _read_file(data, data.valid, data.valid_size or None)
        if not valid:
            raise ValueError(f"{data.valid}: no validation pairs")
    else:
        cut = min(data.valid_size, len(train) // 10)
        if cut == 0 and train:
            raise ValueError(
                f"{data.train}: {len(train)} pairs leave no validation split (it takes a tenth "
                f"of them, at most data.valid_size = {data.valid_size}): give at least 10 pairs "
                "and data.valid_size > 0, or a validation file in data.valid"
            )
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


def train_tokenizers(
    config: TokenizerConfig, kind: str, pairs: list, data: DataConfig | None = None
) -> dict[str, Tokenizer]:
    """Translation: "source" and "target" (one shared object when ``shared``); NLI: "text".

    ``data`` gives the languages (Moses splitting) and the GloVe file (``glove_words``)."""
    data = data or DataConfig()
    if kind == "nli":
        texts = [p.premise for p in pairs] + [p.hypothesis for p in pairs]
        return {"text": _train(config, texts, "en", data)}
    sources = [p.source for p in pairs]
    targets = [p.target for p in pairs]
    if config.shared:
        shared = _train(config, sources + targets, data.source_lang, data)
        return {"source": shared, "target": shared}
    return {
        "source": _train(config, sources, data.source_lang, data),
        "target": _train(config, targets, data.target_lang, data),
    }


def _train(config: TokenizerConfig, texts: list[str], lang: str, data: DataConfig) -> Tokenizer:
    if config.kind != "word":
        return train_tokenizer(config.kind, texts, config.vocab_size)
    extra = []
    if config.glove_words:
        from core_models.data.glove import glove_words

        extra = glove_words(data_file(data.glove), member=data.glove_member or None)
        logger.info(
            "vocabulary: the training words plus the %d words of %s", len(extra), data.glove
        )
    return train_tokenizer(
        "word",
        texts,
        config.vocab_size,
        lowercase=config.lowercase,
        fold_punctuation=config.fold_punctuation,
        moses=lang if config.moses else "",
        extra_words=extra,
    )


def encode(
    kind: str, pairs: list, tokenizers: dict[str, Tokenizer], max_len: int, drop_long: bool
) -> Dataset:
    """Encode pairs; pairs longer than ``max_len`` tokens are left out with ``drop_long``
    (training: reported, and more than half left out is an error), else cut to fit."""
    rows = [_encode_pair(kind, pair, tokenizers) for pair in pairs]
    if drop_long:
        return _without_long(kind, pairs, rows, max_len)
    cut = [
        (row[0][: max_len - 1], row[1][: max_len - 1], *row[2:]) if _length(row) > max_len else row
        for row in rows
    ]
    return Dataset(kind, list(pairs), cut)


def _encode_pair(kind: str, pair, tokenizers: dict[str, Tokenizer]) -> tuple:
    if kind == "translation":
        return (tokenizers["source"].encode(pair.source), tokenizers["target"].encode(pair.target))
    text = tokenizers["text"]
    return (text.encode(pair.premise), text.encode(pair.hypothesis), NLI_LABELS.index(pair.label))


def _length(row: tuple) -> int:
    """The tokens the longer side of an encoded pair takes, with its end token."""
    return max(len(row[0]), len(row[1])) + 1


def _without_long(kind: str, pairs: list, rows: list[tuple], max_len: int) -> Dataset:
    kept = [i for i, row in enumerate(rows) if _length(row) <= max_len]
    dropped = len(rows) - len(kept)
    if dropped:
        lengths = sorted(_length(row) for row in rows)
        keeps_99 = lengths[math.ceil(0.99 * len(lengths)) - 1]
        summary = (
            f"{len(kept)} of {len(rows)} training pairs fit data.max_len = {max_len} tokens "
            f"({dropped} longer ones left out); data.max_len = {keeps_99} would keep 99 % of them"
        )
        if 2 * dropped > len(rows):
            raise ValueError(f"only {summary}: more than half of the data would be lost")
        logger.warning(summary)
    return Dataset(kind, [pairs[i] for i in kept], [rows[i] for i in kept])


def model_vocab_fields(kind: str, tokenizers: dict[str, Tokenizer]) -> dict[str, int]:
    if kind == "nli":
        return {"vocab_size": tokenizers["text"].vocab_size}
    return {
        "src_vocab_size": tokenizers["source"].vocab_size,
        "tgt_vocab_size": tokenizers["target"].vocab_size,
    }
