"""Chinese word segmentation with jieba (MIT), for the word tokenizer's ``segment = "jieba"``.

Runs of Chinese (or other unspaced-script) characters are cut into words by jieba's dictionary
(without its HMM, so that segmentation depends on the dictionary alone); the tokenizer's
``user_words`` (e.g. a generated task's lexicon, ``lexicon_zh.words``) are added to that dictionary
with a frequency that makes them win, so a task's sentences are segmented into the generator's
words. jieba's prefix dictionary is built in memory once per process (no cache file, no log
line on stderr). Output words are joined without a space where either side is unspaced script.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from core_models.words import UNSPACED_CHAR

SEGMENTERS = ("jieba",)
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
