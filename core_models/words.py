"""Words from sub-word pieces, and attention maps merged from pieces to words (Clark et al. 2019,
"What Does BERT Look At?", §4.1: attention *to* a split word is summed over its pieces, attention
*from* a split word is averaged over its pieces, so every row still sums to 1), with the decoding
steps merged alike (one step per target word).

A *word* is a whitespace-separated word, except in scripts written without spaces (Chinese,
Japanese, Thai, ...), where ``group_words`` makes every piece a word of its own: a Chinese sentence
is several words, never one (a tokenizer's ``word_groups`` then joins Chinese characters into
jieba's words: ``core_models.tokenizers.segment.segment_groups``). Pieces are display strings: sentencepiece pieces (``▁`` marks a space, ``<0xE4>`` is a
byte), characters, or words. Special tokens (``<eos>``, ``<cls>``, ...) are words of their own.
Numpy only: the GUI uses this module without torch.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from core_models.record import KIND_SIDES, AttentionMap, AttentionRecord, StepInfo

SPACE_MARK = "\u2581"  # "▁", sentencepiece's visible space
# The special pieces by id: PAD_ID=0 ... SEP_ID=5 (core_models.models.base, not imported: no torch).
SPECIAL_PIECES = ("<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>")
_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")

# Scripts written without spaces between words (Unicode blocks).
_UNSPACED_BLOCKS = (
    ("\u0e00", "\u0eff"),  # Thai, Lao
    ("\u0f00", "\u0fff"),  # Tibetan
    ("\u1000", "\u109f"),  # Myanmar
    ("\u1780", "\u17ff"),  # Khmer
    ("\u2e80", "\u2fdf"),  # CJK radicals, Kangxi radicals
    ("\u3000", "\u303f"),  # CJK symbols and punctuation (。、「」)
    ("\u3040", "\u30ff"),  # Hiragana, Katakana
    ("\u3100", "\u312f"),  # Bopomofo
    ("\u31f0", "\u31ff"),  # Katakana phonetic extensions
    ("\u3400", "\u4dbf"),  # CJK unified ideographs extension A
    ("\u4e00", "\u9fff"),  # CJK unified ideographs
    ("\uf900", "\ufaff"),  # CJK compatibility ideographs
    ("\uff61", "\uff9f"),  # half-width CJK punctuation and Katakana
    ("\U00020000", "\U0003134f"),  # CJK unified ideographs extensions B-G
)
UNSPACED_CHAR = re.compile("[" + "".join(f"{lo}-{hi}" for lo, hi in _UNSPACED_BLOCKS) + "]")
# spaces between two unspaced-script characters of one word (BERT marks each Chinese character as
# a word start; jieba joins them into one word)
_INNER_SPACE = re.compile(f"(?<={UNSPACED_CHAR.pattern}) +(?={UNSPACED_CHAR.pattern})")


Groups = list[list[int]]
UNSPACED_SHARE_LIMIT = 0.3  # above this share of unspaced-script characters, words make no sense


def unspaced_share(texts: Iterable[str]) -> float:
    """The share of non-space characters that belong to scripts written without spaces."""
    unspaced = total = 0
    for text in texts:
        unspaced += len(UNSPACED_CHAR.findall(text))
        total += len(text) - text.count(" ")
    return unspaced / total if total else 0.0


def is_unspaced(char: str) -> bool:
    """True for a character of a script written without spaces between words."""
    return UNSPACED_CHAR.match(char) is not None


def is_byte_piece(piece: str) -> bool:
    """True for a byte-fallback piece such as ``<0xE4>``."""
    return _BYTE_PIECE.fullmatch(piece) is not None


def piece_texts(pieces: Sequence[str]) -> list[str | None]:
    """The text each piece stands for: ``▁`` becomes a space, byte pieces are decoded as UTF-8.

    A character spelled by several byte pieces goes to the piece of its first byte; the others get
    "". Special tokens get None.
    """
    texts: list[str | None] = []
    run: list[int] = []  # byte values of the current run of byte pieces

    def flush() -> None:
        start = len(texts) - len(run)
        i = 0
        while i < len(run):
            j = i + 1
            while j < len(run) and 0x80 <= run[j] < 0xC0:  # UTF-8 continuation bytes
                j += 1
            texts[start + i] = bytes(run[i:j]).decode("utf-8", errors="replace")
            i = j
        run.clear()

    for piece in pieces:
        byte = _BYTE_PIECE.fullmatch(piece)
        if byte:
            run.append(int(byte.group(1), 16))
            texts.append("")
            continue
        flush()
        texts.append(None if piece in SPECIAL_PIECES else piece.replace(SPACE_MARK, " "))
    flush()
    return texts


def group_words(pieces: Sequence[str]) -> Groups:
    """Indices of the pieces that form each word, in order; every piece is in exactly one group.

    A piece opens a new word when it starts with a space, follows a special token, or is in (or
    follows) an unspaced script. A piece that is only a space joins the word after it.
    """
    groups: Groups = []
    pending: list[int] = []  # space-only pieces waiting for the next word
    boundary = True  # the next piece starts a word
    last_char = ""  # last character of the current word
    for index, text in enumerate(piece_texts(pieces)):
        if text is None:  # special token: a word of its own
            _attach_pending(groups, pending)
            groups.append([index])
            pending, boundary, last_char = [], True, ""
            continue
        core = text.lstrip(" ")
        if text and not core:  # only spaces
            pending.append(index)
            boundary = True
            continue
        opens = (
            boundary
            or not groups
            or (text != "" and (core != text or is_unspaced(core[0]) or is_unspaced(last_char)))
        )
        if opens:
            groups.append([*pending, index])
        else:  # a continuation byte ("") or the rest of a word
            groups[-1].append(index)
        pending, boundary = [], False
        last_char = core.rstrip(" ")[-1:] or last_char
    _attach_pending(groups, pending)
    return groups


def _attach_pending(groups: Groups, pending: list[int]) -> None:
    """Space-only pieces with no word after them join the word before (or form one)."""
    if pending and groups:
        groups[-1].extend(pending)
    elif pending:
        groups.append(list(pending))


def merge_tokens(pieces: Sequence[str], groups: Groups) -> list[str]:
    """The display word of each group: its pieces' text joined, spaces (``▁``) removed at its
    ends and between unspaced-script characters."""
    texts = piece_texts(pieces)
    words = []
    for group in groups:
        parts = [pieces[i] if texts[i] is None else texts[i] for i in group]
        word = _INNER_SPACE.sub("", "".join(parts).strip(" "))
        words.append(word or SPACE_MARK)
    return words


def _check_partition(groups: Groups, count: int, what: str) -> None:
    seen = [0] * count
    for group in groups:
        if not group:
            raise ValueError(f"{what} groups contain an empty group")
        for index in group:
            if not 0 <= index < count:
                raise ValueError(f"{what} groups name piece {index}, but there are {count} pieces")
            seen[index] += 1
    for index, times in enumerate(seen):
        if times != 1:
            where = "no group" if times == 0 else f"{times} groups"
            raise ValueError(
                f"{what} groups must hold each of the {count} pieces exactly once; "
                f"piece {index} is in {where}"
            )


def merge_map(weights: np.ndarray, query_groups: Groups, key_groups: Groups) -> np.ndarray:
    """Merge a piece-level map into a word-level map.

    weights: (heads, Q, K) -> (heads, len(query_groups), len(key_groups)); attention is summed over
    the key pieces of a word and averaged over its query pieces, so rows keep summing to 1.
    """
    if weights.ndim != 3:
        raise ValueError(f"weights must be (heads, queries, keys); got shape {weights.shape}")
    _, queries, keys = weights.shape
    _check_partition(query_groups, queries, "query")
    _check_partition(key_groups, keys, "key")
    to_words = np.zeros((keys, len(key_groups)), dtype=weights.dtype)  # (K, K_words)
    for word, group in enumerate(key_groups):
        to_words[group, word] = 1.0
    from_words = np.zeros((len(query_groups), queries), dtype=weights.dtype)  # (Q_words, Q)
    for word, group in enumerate(query_groups):
        from_words[word, group] = 1.0 / len(group)
    return from_words @ weights @ to_words


def merge_steps(steps: Sequence[StepInfo], groups: Groups) -> list[StepInfo]:
    """One decoding step per target word, as the rows of a decoder map merged to words.

    groups: the target words' pieces (step t produced piece t). A word's step: the word, its first
    piece's id, the product of its pieces' probabilities (the word's probability, piece by piece)
    and the alternatives the decoder weighed as it began the word (its first piece's top-k, each
    written as a word is: ``▁the`` -> ``the``).
    """
    _check_partition(groups, len(steps), "step")
    words = merge_tokens([step.token for step in steps], groups)
    merged = []
    for word, group in zip(words, groups, strict=True):
        first = steps[group[0]]
        merged.append(
            StepInfo(
                token=word,
                token_id=first.token_id,
                prob=math.prod(steps[i].prob for i in group),
                top_k=[(merge_tokens([piece], [[0]])[0], prob) for piece, prob in first.top_k],
            )
        )
    return merged


def merge_record(
    record: AttentionRecord, groups_by_side: dict[str, Groups] | None = None
) -> AttentionRecord:
    """A copy of ``record`` whose maps and decoding steps are over words instead of pieces.

    groups_by_side: the word groups of each side ("source", "target", ...; see ``KIND_SIDES``);
    a side not given is grouped with ``group_words`` from the map's own tokens (the steps: from
    their tokens). Step t of the copy is row t of its decoder maps (``merge_steps``); the gold
    alignment (already over words) is kept as it is.
    """
    groups_by_side = groups_by_side or {}
    maps = [_merge_one(attention_map, groups_by_side) for attention_map in record.maps]
    steps = list(record.steps)
    if steps:
        groups = groups_by_side.get("target") or group_words([step.token for step in steps])
        try:
            steps = merge_steps(steps, groups)
        except ValueError as error:
            raise ValueError(f"decoding steps (target pieces): {error}") from error
    return AttentionRecord(maps=maps, steps=steps, gold_alignment=record.gold_alignment)


def _merge_one(attention_map: AttentionMap, groups_by_side: dict[str, Groups]) -> AttentionMap:
    """``attention_map`` merged to words; errors name the map."""
    if attention_map.kind not in KIND_SIDES:
        raise ValueError(
            f"cannot merge a '{attention_map.kind}' map: known kinds are {', '.join(KIND_SIDES)}"
        )
    query_side, key_side = attention_map.sides
    query_groups = groups_by_side.get(query_side) or group_words(attention_map.query_tokens)
    key_groups = groups_by_side.get(key_side) or group_words(attention_map.key_tokens)
    try:
        weights = merge_map(attention_map.weights, query_groups, key_groups)
    except ValueError as error:
        raise ValueError(
            f"{attention_map.kind} map, layer {attention_map.layer} "
            f"({query_side} queries, {key_side} keys): {error}"
        ) from error
    return AttentionMap(
        kind=attention_map.kind,
        layer=attention_map.layer,
        weights=weights,
        query_tokens=merge_tokens(attention_map.query_tokens, query_groups),
        key_tokens=merge_tokens(attention_map.key_tokens, key_groups),
    )
