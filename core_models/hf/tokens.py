"""A Hugging Face tokenizer seen through the project's tokenizer interface, and its pieces written
as ``core_models.words`` reads them.

Each sub-word scheme marks word starts its own way: WordPiece marks the *continuations* (``##ing``),
sentencepiece the starts (``▁the``) and byte-level BPE the spaces (``Ġthe``, with ``Ċ`` a newline).
``display_pieces`` rewrites them all to sentencepiece's convention so that one rule
(``core_models.words.group_words``) makes the words; special tokens (``[CLS]``, ``</s>``, pads, a
language code) stay as the tokenizer writes them and are words of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core_models.tokenizers.segment import HAN, segment_groups
from core_models.words import SPACE_MARK, SPECIAL_PIECES, Groups, group_words, merge_tokens

_BYTE_SPACE, _BYTE_NEWLINE = "\u0120", "\u010a"  # "Ġ", "Ċ": GPT-2's bytes for " " and "\n"


def scheme_of(tokenizer: Any) -> str:
    """ "wordpiece", "bytelevel" or "sentencepiece" (the default: pieces already use ``▁``)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    model = type(getattr(backend, "model", None)).__name__
    decoder = type(getattr(backend, "decoder", None)).__name__
    if model == "WordPiece" or decoder == "WordPiece":
        return "wordpiece"
    if decoder == "ByteLevel" or type(getattr(backend, "pre_tokenizer", None)).__name__ == (
        "ByteLevel"
    ):
        return "bytelevel"
    return "sentencepiece"


def to_display(piece: str, scheme: str, special: bool, first: bool) -> str:
    """One piece in sentencepiece's convention (``▁`` before a word's first piece)."""
    if special:
        return piece
    if scheme == "wordpiece":
        return piece[2:] if piece.startswith("##") else SPACE_MARK + piece
    if scheme == "bytelevel":
        piece = piece.replace(_BYTE_SPACE, SPACE_MARK).replace(_BYTE_NEWLINE, "\n")
        return SPACE_MARK + piece if first and not piece.startswith(SPACE_MARK) else piece
    return piece


class HFTokenizer:
    """What the app and the record need of a tokenizer (``encode``, ``decode``, ``id_to_piece``,
    ``word_groups``, ``unknown_words``) over a ``transformers`` tokenizer."""

    kind = "hf"

    def __init__(self, tokenizer: Any) -> None:
        self.hf = tokenizer
        self.scheme = scheme_of(tokenizer)
        self.special_ids = set(tokenizer.all_special_ids)
        self.special_pieces = set(tokenizer.all_special_tokens)

    @property
    def vocab_size(self) -> int:
        return len(self.hf)

    @property
    def unk_id(self) -> int | None:
        """The model's unknown token's id (None for a byte-level vocabulary, which has none)."""
        return self.hf.unk_token_id

    def encode(self, text: str) -> list[int]:
        """Ids with the model's special tokens (``</s>`` at the end, ``[CLS]`` ... for BERT)."""
        return list(self.hf(text)["input_ids"])

    def decode(self, ids: Iterable[int]) -> str:
        return self.hf.decode(list(ids), skip_special_tokens=True).strip()

    def id_to_piece(self, token_id: int) -> str:
        piece = self.hf.convert_ids_to_tokens(int(token_id))
        return to_display(piece, self.scheme, token_id in self.special_ids, False)

    def pieces(self, ids: Sequence[int]) -> list[str]:
        """Display pieces of a whole sequence: its first word piece counts as a word start."""
        raw = self.hf.convert_ids_to_tokens([int(i) for i in ids])
        shown, first = [], True
        for token_id, piece in zip(ids, raw, strict=True):
            special = int(token_id) in self.special_ids
            shown.append(to_display(piece, self.scheme, special, first))
            first = first and special
        return shown

    def is_special(self, piece: str) -> bool:
        return piece in self.special_pieces or piece in SPECIAL_PIECES

    def word_groups(self, pieces: Sequence[str]) -> Groups:
        """Words of display pieces (``core_models.words.group_words``), specials alone, runs of
        Chinese cut into jieba's words (``segment_groups``; a word start mark before a Chinese
        piece is left out there: BERT puts a space around every Chinese character)."""
        marked = [SPECIAL_PIECES[-1] if self.is_special(p) else p for p in pieces]
        unmarked = [
            p.lstrip(SPACE_MARK) if HAN.fullmatch(p.lstrip(SPACE_MARK)) else p for p in marked
        ]
        return segment_groups(unmarked, group_words(marked))

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (the model's special tokens, e.g. ``</s>``, are none)."""
        pieces = self.pieces(self.encode(text))
        words = merge_tokens(pieces, self.word_groups(pieces))
        return [word for word in words if word not in self.special_pieces]

    def unknown_words(self, text: str) -> list[str]:
        """Words holding the tokenizer's unknown token (a sub-word vocabulary has few)."""
        unk = self.hf.unk_token
        if unk is None:
            return []
        ids = self.encode(text)
        pieces = self.pieces(ids)
        groups = self.word_groups(pieces)
        words = merge_tokens(pieces, groups)
        return list(
            dict.fromkeys(
                w for w, g in zip(words, groups, strict=True) if any(pieces[i] == unk for i in g)
            )
        )
