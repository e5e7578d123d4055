"""Rows and columns filtered by selecting text: the characters a user selects in a text box (the
source, the reference, the output, the premise or the hypothesis) become the span of tokens, on
that box's side of the record, that the selected words were read or written as. The views then
keep only those rows or columns (``app.state.selection.shown_indices``). No Qt.

A selection grows to whole whitespace-separated words. Input texts are re-encoded to count
pieces (a word tokenizer also splits punctuation off a word: "prince." is two tokens); the output
text was decoded from the pieces, so its words are the target pieces' word groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.state.records import side_tokens
from app.state.selection import TokenSpan
from core_models.record import AttentionRecord
from core_models.tokenizers import Tokenizer
from core_models.words import SPECIAL_PIECES

# The side of the record each text box's tokens are on.
BOX_SIDES = {
    "source": "source",
    "reference": "target",  # forced decoding: the reference is what the decoder produced
    "output": "target",
    "premise": "premise",
    "hypothesis": "hypothesis",
}
UNK_PIECE, SEP_PIECE = SPECIAL_PIECES[1], SPECIAL_PIECES[5]


@dataclass(frozen=True)
class TextSelection:
    """Characters ``start``..``end`` (exclusive) of the text in box ``box`` (one of BOX_SIDES)."""

    box: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.box not in BOX_SIDES:
            raise ValueError(f"unknown text box '{self.box}'; choose one of {', '.join(BOX_SIDES)}")
        if not 0 <= self.start < self.end:
            raise ValueError(
                f"a text selection needs 0 <= start < end, got {self.start}..{self.end}"
            )


def word_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The characters [first, last) of the whitespace-separated words that touch characters
    [start, end) of ``text``; None when only spaces are selected."""
    start, end = max(start, 0), min(end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def input_pieces(tokenizer: Tokenizer, text: str, start: int, end: int) -> tuple[int, int] | None:
    """(first, last) index in ``tokenizer.encode(text)`` of the pieces of the selected words."""
    bounds = word_bounds(text, start, end)
    if bounds is None:
        return None
    first_char, last_char = bounds
    through = len(tokenizer.encode(text[:last_char]))
    own = len(tokenizer.encode(text[first_char:last_char]))
    return (through - own, through - 1) if own else None


def output_pieces(
    tokenizer: Tokenizer, pieces: list[str], text: str, start: int, end: int
) -> tuple[int, int] | None:
    """(first, last) index in ``pieces`` of the selected words of ``text``, the text decoded from
    them: its k-th word is the pieces' k-th word group."""
    bounds = word_bounds(text, start, end)
    if bounds is None:
        return None
    first_char, last_char = bounds
    before, count = len(text[:first_char].split()), len(text[first_char:last_char].split())
    groups = tokenizer.word_groups(pieces)
    if before >= len(groups):
        return None
    chosen = groups[before : before + count]
    return chosen[0][0], chosen[-1][-1]


def last_text_token(pieces: list[str]) -> int:
    """Index of the last piece that stands for text (not EOS or another special token; an
    unknown word's ``<unk>`` counts as text); -1 when there is none."""
    index = len(pieces) - 1
    while index >= 0 and pieces[index] in SPECIAL_PIECES and pieces[index] != UNK_PIECE:
        index -= 1
    return index


def token_span(
    tokenizer_of: Callable[[str], Tokenizer],
    record: AttentionRecord,
    chosen: TextSelection,
    text: str,
    words: bool,
) -> TokenSpan | None:
    """The tokens of ``record`` (the pieces record on show) that the selected characters of
    ``text`` (the box's text) stand for, counted in merged words when ``words``; None when the
    selection covers no token of the record. ``tokenizer_of(side)``: the tokenizer that made the
    tokens of a side (``app.state.records.tokenizer_of_side``)."""
    side = BOX_SIDES[chosen.box]
    tokens = side_tokens(record)
    offset, stop = 0, None
    if side not in tokens and side in ("premise", "hypothesis") and "pair" in tokens:
        pair = tokens["pair"]  # [CLS] premise [SEP] hypothesis [SEP]
        first_sep = pair.index(SEP_PIECE) if SEP_PIECE in pair else len(pair) - 1
        if chosen.box == "premise":
            side, offset, stop = "pair", 1, first_sep - 1
        else:
            side, offset, stop = "pair", first_sep + 1, len(pair) - 2
    if side not in tokens:
        return None
    side_pieces = tokens[side]
    if stop is None:
        stop = last_text_token(side_pieces)
    tokenizer = tokenizer_of(side)
    if chosen.box == "output":
        found = output_pieces(tokenizer, side_pieces, text, chosen.start, chosen.end)
    else:
        found = input_pieces(tokenizer, text, chosen.start, chosen.end)
    if found is None:
        return None
    first, last = found[0] + offset, min(found[1] + offset, stop)
    if first > last:  # past the tokens the model read (truncated) or produced
        return None
    if words:
        groups = tokenizer.word_groups(side_pieces)
        touched = [i for i, group in enumerate(groups) if first <= group[-1] and group[0] <= last]
        first, last = touched[0], touched[-1]
    return TokenSpan(side, first, last)
