"""Tokenizers with an explicit vocabulary: characters (with UTF-8 byte fallback, like sentencepiece)
and whitespace words (the most frequent words, the others mapped to ``<unk>``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from core_models.models.base import UNK_ID
from core_models.tokenizers.base import CONTROL_IDS, SPECIAL_PIECES, Tokenizer, normalize_text
from core_models.tokenizers.text_options import NORMALISING, TextOptions
from core_models.words import (
    SPACE_MARK,
    UNSPACED_SHARE_LIMIT,
    Groups,
    unspaced_share,
)

BYTE_PIECES = [f"<0x{value:02X}>" for value in range(256)]
_FIRST_BYTE_ID = len(SPECIAL_PIECES)
UNK_PIECE, SPECIALS = SPECIAL_PIECES[UNK_ID], frozenset(SPECIAL_PIECES)


class VocabularyTokenizer(Tokenizer):
    """A fixed list of pieces, one per id; the special pieces come first."""

    def __init__(self, pieces: Sequence[str], training_words: Counter[str] | None = None) -> None:
        super().__init__(training_words)
        if list(pieces[: len(SPECIAL_PIECES)]) != SPECIAL_PIECES:
            raise ValueError(f"a {self.kind} vocabulary must start with {SPECIAL_PIECES}")
        self._pieces = list(pieces)
        self._ids = {piece: token_id for token_id, piece in enumerate(self._pieces)}

    @property
    def vocab_size(self) -> int:
        return len(self._pieces)

    def id_to_piece(self, token_id: int) -> str:
        self._check_id(token_id)
        return self._pieces[token_id]

    def piece_to_id(self, piece: str) -> int:
        return self._ids.get(piece, UNK_ID)

    def _state(self) -> dict[str, Any]:
        return {"vocab_size": self.vocab_size, "options": self._options(), "pieces": self._pieces}

    def _options(self) -> dict[str, Any]:
        return {}

    @classmethod
    def load(
        cls, state: dict[str, Any], directory: Path, name: str, training_words: Counter[str]
    ) -> VocabularyTokenizer:
        return cls(state["pieces"], training_words=training_words, **state.get("options", {}))


def _vocabulary_size(kind: str, vocab_size: int, reserved: int) -> int:
    if vocab_size <= reserved:
        raise ValueError(
            f"vocab_size {vocab_size} is too small for a {kind} tokenizer: "
            f"{reserved} ids are reserved (special ids{' and 256 bytes' if reserved > 6 else ''})"
        )
    return vocab_size - reserved


class CharTokenizer(VocabularyTokenizer):
    """One piece per character (``▁`` for a space); unseen characters become their UTF-8 bytes."""

    kind = "char"

    def __init__(
        self,
        pieces: Sequence[str],
        training_words: Counter[str] | None = None,
        byte_fallback: bool = True,
        **text_options: Any,
    ) -> None:
        super().__init__(pieces, training_words)
        self.byte_fallback = byte_fallback
        self.text_options = TextOptions.normalising(self.kind, **text_options)

    @classmethod
    def train(
        cls, texts: Iterable[str], vocab_size: int, byte_fallback: bool = True, **text_options: Any
    ) -> CharTokenizer:
        """The most frequent characters of the normalised ``texts`` (``text_options``: lowercase,
        fold_punctuation), up to ``vocab_size`` ids."""
        reserved = SPECIAL_PIECES + (BYTE_PIECES if byte_fallback else [])
        room = _vocabulary_size(cls.kind, vocab_size, len(reserved))
        empty = cls(reserved, byte_fallback=byte_fallback, **text_options)
        counts = Counter()
        for text in texts:
            counts.update(empty.normalise(text).replace(" ", SPACE_MARK))
        chars = [char for char, _ in counts.most_common(room)]
        return cls(reserved + chars, byte_fallback=byte_fallback, **text_options)

    def _options(self) -> dict[str, Any]:
        return {"byte_fallback": self.byte_fallback, **self.text_options.to_state(NORMALISING)}

    def encode(self, text: str) -> list[int]:
        ids = []
        for char in self.normalise(text):
            token_id = self._ids.get(SPACE_MARK if char == " " else char)
            if token_id is not None:
                ids.append(token_id)
            elif self.byte_fallback:
                ids.extend(_FIRST_BYTE_ID + value for value in char.encode("utf-8"))
            else:
                ids.append(UNK_ID)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        parts: list[str] = []
        pending = bytearray()
        for token_id in ids:
            self._check_id(token_id)
            if token_id in CONTROL_IDS:
                continue
            if self.byte_fallback and _FIRST_BYTE_ID <= token_id < _FIRST_BYTE_ID + 256:
                pending.append(token_id - _FIRST_BYTE_ID)
                continue
            parts.append(pending.decode("utf-8", errors="replace"))
            pending.clear()
            piece = self._pieces[token_id]
            parts.append(" " if piece == SPACE_MARK else piece)
        parts.append(pending.decode("utf-8", errors="replace"))
        return "".join(parts)


def split_words(text: str, split_punctuation: bool = True) -> list[str]:
    """Whitespace words of the normalised text; with ``split_punctuation`` the punctuation and
    symbols at either end of a word become words of their own ("(yes)," -> "(", "yes", ")", ",")."""
    words = normalize_text(text).split()
    if not split_punctuation:
        return words
    split = []
    for word in words:
        start, end = 0, len(word)
        while start < end and unicodedata.category(word[start])[0] in "PS":
            start += 1
        while end > start and unicodedata.category(word[end - 1])[0] in "PS":
            end -= 1
        split.extend(word[:start])
        if start < end:
            split.append(word[start:end])
        split.extend(word[end:])
    return split


class WordTokenizer(VocabularyTokenizer):
    """One piece per word; words outside the ``vocab_size`` most frequent ones become ``<unk>``.

    ``lowercase``, ``fold_punctuation``, ``moses``, ``segment`` and ``user_words`` (see
    text_options.TextOptions) are saved
    with the tokenizer; all off, it splits and joins text exactly as tokenizers saved before them.
    """

    kind = "word"

    def __init__(
        self,
        pieces: Sequence[str],
        training_words: Counter[str] | None = None,
        split_punctuation: bool = True,
        **text_options: Any,
    ) -> None:
        super().__init__(pieces, training_words)
        self.split_punctuation = split_punctuation
        self.text_options = TextOptions(**text_options)

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        vocab_size: int,
        split_punctuation: bool = True,
        extra_words: Iterable[str] = (),
        **text_options: Any,
    ) -> WordTokenizer:
        """The ``vocab_size`` most frequent words of ``texts``, then ``extra_words`` (e.g. the
        words of a pretrained embedding file) that are not among them, beyond ``vocab_size``."""
        texts = list(texts)
        share = unspaced_share(texts)
        if share > UNSPACED_SHARE_LIMIT and not text_options.get("segment"):
            raise ValueError(
                f"a word tokenizer needs spaces between words, but {share:.0%} of these texts' "
                "characters are in scripts written without spaces (Chinese, Japanese, Thai, ...): "
                "use kind 'bpe', 'unigram' or 'char', or segment = 'jieba' (Chinese)"
            )
        room = _vocabulary_size(cls.kind, vocab_size, len(SPECIAL_PIECES))
        empty = cls(SPECIAL_PIECES, split_punctuation=split_punctuation, **text_options)
        counts = Counter()
        for text in texts:
            counts.update(empty.words(text))
        words = [word for word, _ in counts.most_common(room) if word not in SPECIAL_PIECES]
        seen = {*words, *SPECIAL_PIECES}
        words += [word for word in dict.fromkeys(extra_words) if word not in seen]
        return cls(SPECIAL_PIECES + words, split_punctuation=split_punctuation, **text_options)

    def _options(self) -> dict[str, Any]:
        return {"split_punctuation": self.split_punctuation, **self.text_options.to_state()}

    def encode(self, text: str) -> list[int]:
        return [self._ids.get(word, UNK_ID) for word in self.words(text)]

    def decode(self, ids: Iterable[int]) -> str:
        """The words joined by single spaces (split punctuation stays apart: "yes ,"), or
        detokenised ("yes,") when the tokenizer splits the Moses way."""
        words = []
        for token_id in ids:
            self._check_id(token_id)
            if token_id not in CONTROL_IDS:
                words.append(self._pieces[token_id])
        return self.text_options.join(words)

    def words(self, text: str) -> list[str]:
        options = self.text_options
        if options == _PLAIN:
            return split_words(text, self.split_punctuation)
        text = options.normalise(normalize_text(text))
        words = options.split(text) if options.moses else split_words(text, self.split_punctuation)
        return options.segmented(words)

    def word_groups(self, pieces: Sequence[str]) -> Groups:
        """Every piece is a word."""
        return [[index] for index in range(len(pieces))]

    def word_positions(self, pieces: Sequence[str]) -> list[int]:
        """Every piece is a word of the text, except the special tokens other than ``<unk>``."""
        return [i for i, piece in enumerate(pieces) if piece == UNK_PIECE or piece not in SPECIALS]

    def unknown_words(self, text: str) -> list[str]:
        """Words never seen in training and not in the vocabulary either (a vocabulary built with
        ``extra_words`` knows words the training text lacked: GloVe's, with their vectors)."""
        return [word for word in super().unknown_words(text) if word not in self._ids]


_PLAIN = TextOptions()
