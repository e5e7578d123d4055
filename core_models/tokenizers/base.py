"""The tokenizer interface shared by sentencepiece (BPE, unigram), character and word tokenizers.

Every tokenizer reserves the same special ids (core_models.models.base): 0 ``<pad>``, 1 ``<unk>``,
2 ``<bos>``, 3 ``<eos>``, 4 ``<cls>``, 5 ``<sep>``. Text is normalised before encoding with
``normalize_text`` (NFKC, ``▁`` read as a space, whitespace runs collapsed to one space, no leading
or trailing space) and the tokenizer's own ``text_options`` (lowercase, fold_punctuation), so for
BPE, unigram and character tokenizers ``decode(encode(text)) == tokenizer.normalise(text)`` for
any text.
"""

from __future__ import annotations

import json
import unicodedata
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from core_models.models.base import BOS_ID, CLS_ID, EOS_ID, PAD_ID, SEP_ID, UNK_ID
from core_models.tokenizers.segment import segment_groups, word_positions
from core_models.tokenizers.text_options import TextOptions
from core_models.words import SPACE_MARK, UNSPACED_CHAR, Groups, group_words, merge_tokens
from core_models.words import SPECIAL_PIECES as WORD_SPECIAL_PIECES

SPECIAL_PIECES = list(WORD_SPECIAL_PIECES)  # by id
CONTROL_IDS = frozenset({PAD_ID, BOS_ID, EOS_ID, CLS_ID, SEP_ID})  # dropped by decode
FORMAT_VERSION = 1


def normalize_text(text: str) -> str:
    """NFKC, ``▁`` read as a space, whitespace runs (as ``str.split`` sees them) -> one space."""
    return " ".join(unicodedata.normalize("NFKC", text).replace(SPACE_MARK, " ").split())


class Tokenizer(ABC):
    """Text <-> ids. ``encode`` adds no BOS/EOS; ``decode`` drops pad, bos, eos, cls and sep.

    ``training_words`` counts the words (``words``) of the text the tokenizer was trained on;
    ``unknown_words`` reports the words of a new text that never occurred there.
    """

    kind: str  # "bpe", "unigram", "char" or "word"
    unk_id: int | None = UNK_ID  # the id ``encode`` gives what the vocabulary lacks
    text_options: TextOptions = TextOptions()  # lowercase, fold_punctuation, ... (all off)
    # jieba's user words for ``word_groups`` (a bundled task's lexicon: ``use_task_words``)
    segment_words: tuple[str, ...] = ()

    def __init__(self, training_words: Counter[str] | None = None) -> None:
        self.training_words: Counter[str] = training_words or Counter()

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def encode(self, text: str) -> list[int]:
        """Ids of the normalised text, without BOS/EOS."""

    @abstractmethod
    def decode(self, ids: Iterable[int]) -> str:
        """Text of the ids; special ids other than unk are skipped."""

    @abstractmethod
    def id_to_piece(self, token_id: int) -> str: ...

    @abstractmethod
    def piece_to_id(self, piece: str) -> int:
        """The id of a piece; UNK_ID for a piece not in the vocabulary."""

    @abstractmethod
    def _state(self) -> dict[str, Any]:
        """What ``save`` writes to JSON besides kind and training words."""

    def pieces(self, text: str) -> list[str]:
        """Display strings, one per id of ``encode(text)``."""
        return [self.id_to_piece(token_id) for token_id in self.encode(text)]

    def vocabulary(self) -> list[str]:
        """Every piece, by id."""
        return [self.id_to_piece(token_id) for token_id in range(self.vocab_size)]

    def word_groups(self, pieces: Sequence[str]) -> Groups:
        """Indices of the pieces forming each word (see core_models.words.group_words); runs of
        Chinese are cut into words by jieba, with ``segment_words`` added to its dictionary."""
        return segment_groups(pieces, group_words(pieces), self.segment_words)

    def word_positions(self, pieces: Sequence[str]) -> list[int]:
        """The index in ``word_groups(pieces)`` of each word a gold alignment counts (see
        core_models.tokenizers.segment.word_positions)."""
        return word_positions(pieces, self.word_groups(pieces), self.segment_words)

    def normalise(self, text: str) -> str:
        """The text as the tokenizer encodes it: ``normalize_text``, then ``text_options``."""
        return self.text_options.normalise(normalize_text(text))

    def words(self, text: str) -> list[str]:
        """The words of a text as this tokenizer groups its pieces."""
        text = self.normalise(text)
        if UNSPACED_CHAR.search(text) is None:  # same words as grouping the pieces, but faster
            return text.split(" ") if text else []
        pieces = self.pieces(text)
        return merge_tokens(pieces, self.word_groups(pieces))

    def count_words(self, texts: Iterable[str]) -> Counter[str]:
        """How often each word occurs in ``texts`` (what ``training_words`` holds).

        Characters of unspaced scripts are counted too, as words of their own: there, word
        boundaries are only the tokenizer's guess (see ``unknown_words``).
        """
        counts: Counter[str] = Counter()
        for text in texts:
            words = self.words(text)
            counts.update(words)
            counts.update(char for word in words for char in UNSPACED_CHAR.findall(word))
        return counts

    def unknown_words(self, text: str) -> list[str]:
        """The words of ``text`` never seen in the training text, in order, each once.

        A word of an unspaced script (Chinese, ...) counts as seen when each of its characters was.
        """
        unknown = []
        for word in dict.fromkeys(self.words(text)):
            if word in self.training_words:
                continue
            chars = UNSPACED_CHAR.findall(word)
            if not chars or any(char not in self.training_words for char in chars):
                unknown.append(word)
        return unknown

    def _check_id(self, token_id: int) -> None:
        if not 0 <= token_id < self.vocab_size:
            raise IndexError(
                f"token id {token_id} is outside the {self.kind} vocabulary (0..{self.vocab_size - 1})"
            )

    def save(self, directory: str | Path, name: str) -> Path:
        """Write ``<name>.tokenizer.json`` (and any model file) into ``directory``; returns the JSON path."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {"format_version": FORMAT_VERSION, "kind": self.kind, **self._state()}
        state["training_words"] = dict(self.training_words.most_common())
        path = directory / f"{name}.tokenizer.json"
        path.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        return path
