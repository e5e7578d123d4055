"""Special tokens (``[CLS]``, ``[SEP]``, ``<s>``, ``</s>``, ``<pad>``, a language code, the
project's own ``<bos>`` / ``<eos>`` / ``<sep>``) hidden from the maps on show: every map loses
their rows and columns, the decoding steps that produced them and the gold alignment's words for
them. The weights kept are the model's own (a row then sums to less than 1) unless the user asks
for rows renormalised to 1. An unknown word's ``<unk>`` stands for a word and is never hidden.

Which tokens are special is the tokenizer's knowledge (a Hugging Face tokenizer's
``all_special_tokens``, ``HFTokenizer.is_special``; the project's ``SPECIAL_PIECES``), asked of
the tokens of each side of the record. No Qt.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.state import records
from app.state.selection import Selection, TokenRef, TokenSpan
from core_models.record import AttentionMap, AttentionRecord
from core_models.words import SPECIAL_PIECES, merge_tokens

UNK_PIECE = SPECIAL_PIECES[1]
# Kept indices per side of a record with hidden tokens: shown index i is original index kept[i].
Kept = dict[str, list[int]]
# Side pairs of the gold alignment (rows, columns), as ``app.state.measures.GOLD_SIDES`` reads it.
GOLD_PAIRS = (("target", "source"), ("hypothesis", "premise"))


def is_special(tokenizer: object, token: str) -> bool:
    """True for a token the tokenizer adds (not ``<unk>``, which stands for a word)."""
    unk = getattr(getattr(tokenizer, "hf", None), "unk_token", None)
    if token in (UNK_PIECE, unk):
        return False
    asks = getattr(tokenizer, "is_special", None)
    return asks(token) if asks is not None else token in SPECIAL_PIECES


def special_positions(record: AttentionRecord, model: records.Model) -> dict[str, list[int]]:
    """The indices of the special tokens of each side of ``record`` (sides without: absent)."""
    found = {}
    for side, tokens in records.side_tokens(record).items():
        tokenizer = records.tokenizer_of_side(model, side)
        positions = [i for i, token in enumerate(tokens) if is_special(tokenizer, token)]
        if positions:
            found[side] = positions
    return found


def hide_special(
    record: AttentionRecord,
    model: records.Model,
    renormalise: bool = False,
    pieces: AttentionRecord | None = None,
) -> tuple[AttentionRecord, Kept]:
    """``record`` without its special tokens' rows, columns, steps and gold words, and the kept
    indices of every side; the record itself (and {}) when it has none. ``renormalise``: each
    row kept is divided by its sum (rows then sum to 1 again). ``pieces``: the record before it
    was merged to words, if it was (the gold alignment's words are counted from its pieces)."""
    special = special_positions(record, model)
    if not special:
        return record, {}
    tokens = records.side_tokens(record)
    kept = {
        side: [i for i in range(len(side_tokens)) if i not in set(special.get(side, ()))]
        for side, side_tokens in tokens.items()
    }
    maps = [_cut_map(attention_map, kept, renormalise) for attention_map in record.maps]
    steps = record.steps
    if steps and "target" in kept:
        steps = [record.steps[i] for i in kept["target"] if i < len(record.steps)]
    gold = _cut_gold(record, model, records.side_tokens(pieces or record))
    return AttentionRecord(maps=maps, steps=list(steps), gold_alignment=gold), kept


def _cut_map(attention_map: AttentionMap, kept: Kept, renormalise: bool) -> AttentionMap:
    query_side, key_side = attention_map.sides
    rows, columns = np.asarray(kept[query_side]), np.asarray(kept[key_side])
    weights = attention_map.weights[:, rows][:, :, columns]
    if renormalise:
        sums = weights.sum(axis=-1, keepdims=True)
        weights = np.divide(weights, sums, out=np.zeros_like(weights), where=sums > 0)
    raw = attention_map.raw
    return replace(
        attention_map,
        weights=weights,
        query_tokens=[attention_map.query_tokens[i] for i in rows],
        key_tokens=[attention_map.key_tokens[i] for i in columns],
        raw=None if raw is None else raw[:, rows][:, :, columns],
    )


def _cut_gold(
    record: AttentionRecord, model: records.Model, tokens: dict[str, list[str]]
) -> np.ndarray | None:
    """The gold alignment (over words, ``Translator._gold_matrix``) without the special words."""
    gold = record.gold_alignment
    pair = next((p for p in GOLD_PAIRS if p[0] in tokens and p[1] in tokens), None)
    if gold is None or pair is None:
        return gold
    keep = []
    for side, size in zip(pair, gold.shape, strict=True):
        tokenizer = records.tokenizer_of_side(model, side)
        words = merge_tokens(tokens[side], tokenizer.word_groups(tokens[side]))
        if len(words) != size:  # already cut, or not this record's words: leave it whole
            return gold
        keep.append([i for i, word in enumerate(words) if not is_special(tokenizer, word)])
    return gold[np.ix_(keep[0], keep[1])]


def shown_index(index: int, side: str, before: Kept, after: Kept) -> int | None:
    """Index ``index`` of ``side`` in a record shown with ``before`` kept, in the record shown
    with ``after`` kept (None: that token is hidden now)."""
    original = before[side][index] if side in before else index
    if side not in after:
        return original
    return after[side].index(original) if original in after[side] else None


def shift_selection(selection: Selection | None, before: Kept, after: Kept) -> Selection | None:
    """``selection``'s token and step moved from one set of hidden tokens to another, so that
    they still point at the same word."""
    if selection is None or before == after:
        return selection
    token = selection.token
    if token is not None:
        index = shown_index(token.index, token.side, before, after)
        token = None if index is None else TokenRef(token.side, index)
    step = selection.step
    if step is not None:
        step = shown_index(step, "target", before, after)
    return replace(selection, token=token, step=step)


def shift_span(span: TokenSpan | None, kept: Kept) -> TokenSpan | None:
    """``span`` (over every token) over the tokens kept; None when it holds only hidden ones."""
    if span is None or span.side not in kept:
        return span
    inside = [
        i for i, original in enumerate(kept[span.side]) if span.first <= original <= span.last
    ]
    return TokenSpan(span.side, inside[0], inside[-1]) if inside else None
