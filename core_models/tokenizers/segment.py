"""Chinese word segmentation with jieba (MIT), for the word tokenizer's ``segment = "jieba"``.

Runs of Chinese (or other unspaced-script) characters are cut into words by jieba's dictionary
(without its HMM, so that segmentation depends on the dictionary alone); the tokenizer's
``user_words`` (e.g. a generated task's lexicon, ``lexicon_zh.words``) are added to that dictionary
with a frequency that makes them win, so a task's sentences are segmented into the generator's
words. jieba's prefix dictionary is built in memory once per process (no cache file, no log
line on stderr). Output words are joined without a space where either side is unspaced script.

``segment_groups`` does the same for the pieces of a character or sentencepiece tokenizer: it joins
the one-character words ``core_models.words.group_words`` makes of a run of Chinese into jieba's
words, so that maps merged to words show one row and column per jieba word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from core_models.words import SPECIAL_PIECES, UNSPACED_CHAR, Groups, piece_texts

SEGMENTERS = ("jieba",)
# Han characters: what jieba cuts (it would keep a run of kana or Thai as one block).
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
USER_WORD_FREQ = 10**9  # far above any word of jieba's dictionary (的: about 3.2 million)


@functools.cache
def _dictionary() -> tuple[dict[str, int], int]:
    """jieba's default prefix dictionary and its total frequency, built once, in memory."""
    import jieba

    jieba.setLogLevel(60)  # no "Building prefix dict ..." on stderr
    base = jieba.Tokenizer()
    return base.gen_pfdict(base.get_dict_file())


@functools.cache
def _segmenter(user_words: tuple[str, ...]):
    """A jieba.Tokenizer over the default dictionary plus ``user_words``."""
    import jieba

    frequencies, total = _dictionary()
    segmenter = jieba.Tokenizer()
    segmenter.FREQ, segmenter.total = dict(frequencies), total
    segmenter.initialized = True
    for word in user_words:
        segmenter.add_word(word, freq=USER_WORD_FREQ)
    return segmenter


def segment(words: Iterable[str], user_words: Sequence[str] = ()) -> list[str]:
    """``words`` with each word that holds unspaced-script characters cut by jieba."""
    segmenter = None
    cut: list[str] = []
    for word in words:
        if UNSPACED_CHAR.search(word) is None:
            cut.append(word)
            continue
        segmenter = segmenter or _segmenter(tuple(user_words))
        cut.extend(piece for piece in segmenter.cut(word, HMM=False) if piece.strip())
    return cut


def join(words: Sequence[str]) -> str:
    """Words as text: a space between two words unless either side of the gap is unspaced script
    ("我", "是", "老师", "吗", "?" -> "我是老师吗?"; "he", "is", "." -> "he is .")."""
    parts: list[str] = []
    for word in words:
        if parts and not (UNSPACED_CHAR.match(parts[-1][-1]) or UNSPACED_CHAR.match(word[0])):
            parts.append(" ")
        parts.append(word)
    return "".join(parts)


def segment_groups(pieces: Sequence[str], groups: Groups, user_words: Sequence[str] = ()) -> Groups:
    """``groups`` (words of ``pieces``) with each run of Han-only words joined into jieba's words.

    A run ends at a space, a special token or any other character. A joined word ends only where
    both a piece and a jieba word end: a piece that straddles two jieba words (a BPE piece
    "看见了" against "看见" + "了") keeps them in one word, since a piece cannot be split.
    """
    texts = piece_texts(pieces)
    joined: Groups = []
    run: list[tuple[list[int], str]] = []  # the Han-only groups of the current run, with text

    for group in groups:
        parts = [texts[i] for i in group]
        text = "".join(part or "" for part in parts)
        core = text.lstrip(" ")
        if None in parts or not HAN.fullmatch(core):
            joined.extend(_joined_run(run, user_words))
            joined.append(group)
            run = []
            continue
        if core != text:  # a space before this word: a new run
            joined.extend(_joined_run(run, user_words))
            run = []
        run.append((group, core))
    joined.extend(_joined_run(run, user_words))
    return joined


def _joined_run(run: list[tuple[list[int], str]], user_words: Sequence[str]) -> Groups:
    """The groups of one Han run joined where jieba's words end (see ``segment_groups``)."""
    if len(run) < 2:
        return [group for group, _ in run]
    ends, end = set(), 0
    for word in _segmenter(tuple(user_words)).cut("".join(text for _, text in run), HMM=False):
        end += len(word)
        ends.add(end)
    joined: Groups = []
    current: list[int] = []
    end = 0
    for group, text in run:
        current += group
        end += len(text)
        if end in ends:
            joined.append(current)
            current = []
    return joined


def word_positions(
    pieces: Sequence[str], groups: Groups, user_words: Sequence[str] = ()
) -> list[int]:
    """The group holding each word a gold alignment counts (a text's words split at spaces, Chinese
    runs cut by jieba with ``user_words``; ``<unk>`` is a word, other special tokens are not): one
    group per word, except where a piece spans two words (BPE's "游泳的" holds "游泳" and "的")."""
    texts = piece_texts(pieces)
    positions: list[int] = []
    for index, group in enumerate(groups):
        words = "".join(texts[i] or "" for i in group).split()
        count = len(segment(words, user_words)) + sum(pieces[i] == SPECIAL_PIECES[1] for i in group)
        positions += [index] * count
    return positions
