"""The trainer's data: pairs from a bundled task or the user's files, tokenizers trained on the
training side, and the encoded examples the batcher groups."""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field

from core_models.data import formats
from core_models.data.batching import NLIBatch, TranslationBatch, collate_nli, collate_translation
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.data.tasks import get_task
from core_models.models.base import NLI_LABELS
from core_models.paths import data_file
from core_models.tokenizers import Tokenizer, train_tokenizer, use_task_words
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


@dataclass
class Splits:
    """A run's pairs: training, validation and (user files) test; ``notes`` say where they came
    from and which rows were skipped, for the first lines of the run's log."""

    train: list
    valid: list
    test: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Which config keys name each split's file and its archive member.
SPLIT_KEYS = {"train": ("train", "member"), "valid": ("valid", "valid_member"),
              "test": ("test", "test_member")}  # fmt: skip


def load_pairs(data: DataConfig, seed: int) -> Splits:
    """Training, validation and test pairs from the task or the user's files; too few of either
    to train or to evaluate on is a clear error, before anything is trained.

    Without ``data.valid``, ``valid_size`` training pairs (at most a tenth) drawn with ``seed``
    become the validation split: a corpus sorted by length gives a validation set of every length.
    """
    if data.task:
        task = get_task(data.task)
        train = task.generate("train", seed=seed, size=data.train_size or None)
        valid = task.generate("valid", seed=seed, size=data.valid_size or None)
        return Splits(train, valid)
    notes: list[str] = []
    train = read_split(data, "train", data.train_size or None, notes)
    if data.valid:
        valid = read_split(data, "valid", data.valid_size or None, notes)
        if not valid:
            raise ValueError(f"{data.valid}: no validation pairs (data.valid)")
    else:
        train, valid = _drawn_split(data, train, seed)
        notes.append(
            f"validation: {len(valid)} pairs drawn at random (seed {seed}) from {data.train}"
        )
    if not train:
        raise ValueError(f"{data.train}: no training pairs (data.train)")
    test = read_split(data, "test", None, notes) if data.test else []
    if data.test and not test:
        raise ValueError(f"{data.test}: no test pairs (data.test)")
    return Splits(train, valid, test, notes)


def _drawn_split(data: DataConfig, pairs: list, seed: int) -> tuple[list, list]:
    """(training, validation): ``data.valid_size`` pairs, at most a tenth, drawn with ``seed``;
    both keep the file's order."""
    cut = min(data.valid_size, len(pairs) // 10)
    if cut == 0 and pairs:
        raise ValueError(
            f"{data.train}: {len(pairs)} pairs leave no validation split (it takes a tenth "
            f"of them, at most data.valid_size = {data.valid_size}): give at least 10 pairs "
            "and data.valid_size > 0, or a validation file in data.valid"
        )
    chosen = set(random.Random(seed).sample(range(len(pairs)), cut))
    train = [pair for i, pair in enumerate(pairs) if i not in chosen]
    return train, [pair for i, pair in enumerate(pairs) if i in chosen]


def read_split(data: DataConfig, split: str, limit: int | None, notes: list[str]) -> list:
    """The pairs of a user file split ("train", "valid" or "test"); a note for skipped rows.

    An archive holding several files needs its member named (``data.member``, ...): the error
    says which key."""
    path_key, member_key = SPLIT_KEYS[split]
    path, member = getattr(data, path_key), getattr(data, member_key) or None
    try:
        if data.format == "tatoeba":
            return formats.read_tatoeba(path, member=member, limit=limit)
        if data.format == "parallel":
            return formats.read_parallel(
                f"{path}.{data.source_lang}", f"{path}.{data.target_lang}", limit=limit
            )
        read = formats.read_nli(path, member=member, limit=limit)
    except formats.DataFormatError as error:
        if "in the archive" not in error.message:
            raise
        raise formats.DataFormatError(
            error.path, None, f"{error.message} (data.{path_key}): name one in data.{member_key}"
        ) from None
    if read.skipped:
        notes.append(f"{path}: {read.skipped} rows skipped: no gold label ('-')")
    return read.pairs


def train_tokenizers(
    config: TokenizerConfig, kind: str, pairs: list, data: DataConfig | None = None
) -> dict[str, Tokenizer]:
    """Translation: "source" and "target" (one shared object when ``shared``); NLI: "text".

    ``data`` gives the languages (Moses splitting), the GloVe file (``glove_words``) and the task
    (its words group the pieces of a Chinese run: ``use_task_words``)."""
    data = data or DataConfig()
    if kind == "nli":
        texts = [p.premise for p in pairs] + [p.hypothesis for p in pairs]
        return use_task_words({"text": _train(config, texts, "en", data)}, data.task)
    sources = [p.source for p in pairs]
    targets = [p.target for p in pairs]
    if config.shared:
        shared = _train(config, sources + targets, data.source_lang, data)
        return use_task_words({"source": shared, "target": shared}, data.task)
    tokenizers = {
        "source": _train(config, sources, data.source_lang, data),
        "target": _train(config, targets, data.target_lang, data),
    }
    return use_task_words(tokenizers, data.task)


def _train(config: TokenizerConfig, texts: list[str], lang: str, data: DataConfig) -> Tokenizer:
    normalising = {"lowercase": config.lowercase, "fold_punctuation": config.fold_punctuation}
    if config.kind != "word":
        return train_tokenizer(config.kind, texts, config.vocab_size, **normalising)
    extra = []
    if config.glove_words:
        from core_models.data.glove import glove_words

        extra = glove_words(data_file(data.glove), member=data.glove_member or None)
        logger.info(
            "vocabulary: the training words plus the %d words of %s", len(extra), data.glove
        )
    segment = {}
    if config.segment:  # the task's own words, so that its sentences split as its alignments do
        words = get_task(data.task).words() if data.task else []
        segment = {"segment": config.segment, "user_words": words}
    return train_tokenizer(
        "word",
        texts,
        config.vocab_size,
        **normalising,
        moses=lang if config.moses else "",
        extra_words=extra,
        **segment,
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
