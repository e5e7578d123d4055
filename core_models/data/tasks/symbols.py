"""Symbol copying and reversal (the toy tasks of Graves et al. 2014 and Sutskever et al. 2014).

A source is 3 to 12 letters a-z separated by spaces ("q a z k"); the target is the same letters
("q a z k") or the same letters reversed ("k z a q"). The gold alignment is the diagonal
(copy) or the anti-diagonal (reverse): target word j comes from source word j or n - 1 - j.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from core_models.data.pairs import TranslationPair
from core_models.data.tasks.splits import draw_split

ALPHABET = tuple(string.ascii_lowercase)
MIN_LENGTH = 3
MAX_LENGTH = 12
DEFAULT_SIZES = {"train": 20_000, "valid": 1_000, "test": 1_000}


def copy_pair(symbols: list[str]) -> TranslationPair:
    """The copy example for ``symbols``: alignment (j, j) for every target word j."""
    text = " ".join(symbols)
    return TranslationPair(text, text, tuple((j, j) for j in range(len(symbols))))


def reverse_pair(symbols: list[str]) -> TranslationPair:
    """The reversal example for ``symbols``: alignment (n - 1 - j, j) for every target word j."""
    n = len(symbols)
    return TranslationPair(
        " ".join(symbols),
        " ".join(reversed(symbols)),
        tuple((n - 1 - j, j) for j in range(n)),
    )


def _draw_symbols(rng: random.Random) -> list[str]:
    return rng.choices(ALPHABET, k=rng.randint(MIN_LENGTH, MAX_LENGTH))


def _generate(
    task: str,
    make_pair: Callable[[list[str]], TranslationPair],
    split: str,
    seed: int,
    size: int | None,
) -> list[TranslationPair]:
    if size is None:
        size = DEFAULT_SIZES.get(split, 0)
    return draw_split(
        task,
        split,
        seed,
        size,
        draw=lambda rng: make_pair(_draw_symbols(rng)),
        key=lambda pair: pair.source,
    )


def generate_copy(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` copy examples of ``split`` (default 20k train, 1k valid, 1k test)."""
    return _generate("copy", copy_pair, split, seed, size)


def generate_reverse(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` reversal examples of ``split`` (default 20k train, 1k valid, 1k test)."""
    return _generate("reverse", reverse_pair, split, seed, size)
