"""Tokenizers: train (BPE, unigram, characters, words), save, load, and suggest a kind for a corpus.

    tokenizer = train_tokenizer("bpe", texts, vocab_size=8000)
    tokenizer.save(directory, "source")
    same = load_tokenizer(directory, "source")

See ``base.Tokenizer`` for the interface and ``base.normalize_text`` for the normalisation applied
before encoding.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core_models.tokenizers.base import FORMAT_VERSION, SPECIAL_PIECES, Tokenizer, normalize_text
from core_models.tokenizers.subword import SentencePieceTokenizer
from core_models.tokenizers.text_options import TokenizerOptionError
from core_models.tokenizers.vocabulary import (
    UNSPACED_SHARE_LIMIT,
    CharTokenizer,
    WordTokenizer,
    split_words,
    unspaced_share,
)

KINDS = ("bpe", "unigram", "char", "word")
# Options of the vocabulary tokenizers; bpe and unigram pass theirs on to sentencepiece.
_OPTIONS = {
    "char": {"byte_fallback", "lowercase", "fold_punctuation"},
    "word": {
        "split_punctuation",
        "extra_words",
        "lowercase",
        "fold_punctuation",
        "moses",
        "segment",
        "user_words",
    },
}
SMALL_CORPUS_CHARS = 20_000  # below this, too little unspaced text to learn sub-word merges

__all__ = [
    "KINDS",
    "CharTokenizer",
    "SentencePieceTokenizer",
    "Tokenizer",
    "WordTokenizer",
    "load_tokenizer",
    "normalize_text",
    "suggest_tokenizer",
    "train_tokenizer",
    "use_task_words",
]


def use_task_words(tokenizers: dict[str, Tokenizer], task: str) -> dict[str, Tokenizer]:
    """Give every tokenizer the words of the bundled task ``task`` (its lexicon) as jieba's user
    words for ``word_groups``, so that a Chinese run of a char or sentencepiece tokenizer's pieces
    merges into the task's words; a model of any other task or of the user's files gets ()."""
    from core_models.data.tasks import task_words

    words = task_words(task)
    for tokenizer in tokenizers.values():
        tokenizer.segment_words = words
    return tokenizers


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown tokenizer kind '{kind}'; choose one of {', '.join(KINDS)}")


def train_tokenizer(
    kind: str, texts: Iterable[str], vocab_size: int = 8000, **options: Any
) -> Tokenizer:
    """Train a tokenizer of ``kind`` on ``texts`` with at most ``vocab_size`` ids.

    options: ``lowercase``, ``fold_punctuation`` (every kind, see text_options);
    ``byte_fallback`` (char); ``split_punctuation``, ``extra_words`` (words beyond
    ``vocab_size``, e.g. GloVe's), ``moses``, ``segment``, ``user_words`` (word); sentencepiece
    trainer flags such as ``character_coverage`` (bpe, unigram).
    """
    _check_kind(kind)
    unknown = sorted(set(options) - _OPTIONS.get(kind, set(options)))
    if unknown:
        raise ValueError(
            f"unknown option(s) {', '.join(unknown)} for a {kind} tokenizer; "
            f"valid options: {', '.join(sorted(_OPTIONS[kind]))}"
        )
    texts = [normalize_text(text) for text in texts]
    if kind in ("bpe", "unigram"):
        tokenizer: Tokenizer = SentencePieceTokenizer.train(kind, texts, vocab_size, **options)
    elif kind == "char":
        tokenizer = CharTokenizer.train(texts, vocab_size, **options)
    else:
        tokenizer = WordTokenizer.train(texts, vocab_size, **options)
    tokenizer.training_words = tokenizer.count_words(texts)
    return tokenizer


_CLASSES = {
    "bpe": SentencePieceTokenizer,
    "unigram": SentencePieceTokenizer,
    "char": CharTokenizer,
    "word": WordTokenizer,
}


def load_tokenizer(directory: str | Path, name: str) -> Tokenizer:
    """Restore a tokenizer written by ``Tokenizer.save(directory, name)``."""
    directory = Path(directory)
    path = directory / f"{name}.tokenizer.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no tokenizer named '{name}' in {directory}")
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid tokenizer JSON ({error})") from error
    if state.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: tokenizer format version {state.get('format_version')!r}; "
            f"this version reads {FORMAT_VERSION}"
        )
    kind = state.get("kind")
    if kind not in KINDS:
        raise ValueError(
            f"{path}: unknown tokenizer kind {kind!r}; valid kinds: {', '.join(KINDS)}"
        )
    training_words = Counter(state.get("training_words", {}))
    try:
        return _CLASSES[kind].load(state, directory, name, training_words)
    except TokenizerOptionError as error:
        raise TokenizerOptionError(f"{path}: {error}") from None


def suggest_tokenizer(texts: Iterable[str], vocab_size: int = 8000) -> str:
    """A sensible tokenizer kind for ``texts``: never "word" for scripts written without spaces.

    Unspaced scripts: "char" for a small corpus, "bpe" otherwise. Spaced scripts: "word" when every
    word fits in ``vocab_size`` (word-level then loses nothing), "bpe" otherwise.
    """
    texts = [normalize_text(text) for text in texts]
    if unspaced_share(texts) > UNSPACED_SHARE_LIMIT:
        return "char" if sum(map(len, texts)) < SMALL_CORPUS_CHARS else "bpe"
    distinct = {word for text in texts for word in split_words(text)}
    return "word" if len(distinct) <= vocab_size - len(SPECIAL_PIECES) else "bpe"
