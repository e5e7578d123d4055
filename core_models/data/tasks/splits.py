"""Deterministic, disjoint train / valid / test splits for generated tasks.

Two ideas, usable by any generator:

- *Which split an example belongs to* depends only on its key (usually the source text): a stable
  hash of the key picks a bucket (80 % train, 10 % valid, 10 % test by default). Two splits can
  therefore never share a key, whatever the seeds, sizes or generation order.
- *Which examples a split holds* comes from a private ``random.Random`` seeded by
  (task, split, seed): the generator draws candidates, and :class:`SplitCollector` keeps those whose
  key hashes into the requested split, once each, until the split is full.

Usage for a simple generator::

    pairs = draw_split("copy", split, seed, size, draw=make_pair, key=lambda pair: pair.source)

Generators that must steer what they draw (e.g. cycling through labels) use :func:`split_rng` and
:class:`SplitCollector` directly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from core_models.data.tasks import SPLITS

Item = TypeVar("Item")

DEFAULT_FRACTIONS: dict[str, float] = {"train": 0.8, "valid": 0.1, "test": 0.1}
CANDIDATES_PER_ITEM = 100  # give up after this many draws per requested item (plus a margin)


def check_split(split: str) -> None:
    """Raise a ValueError naming the valid splits when ``split`` is not one of them."""
    if split not in SPLITS:
        raise ValueError(f"unknown split '{split}'; choose one of {', '.join(SPLITS)}")


def split_rng(task: str, split: str, seed: int) -> random.Random:
    """A private random generator for (task, split, seed); never touches the global ``random``.

    Seeded with a string, which Python hashes with SHA-512, so the stream is the same on every
    machine and run (independent of PYTHONHASHSEED) and no two (task, split, seed) share it.
    """
    check_split(split)
    return random.Random(f"{task}/{split}/{seed}")


def split_of(key: str, fractions: dict[str, float] = DEFAULT_FRACTIONS) -> str:
    """The split that ``key`` belongs to: a stable hash of the key, cut by ``fractions``."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    position = int.from_bytes(digest, "big") / 2**64  # uniform in [0, 1)
    total = sum(fractions.values())
    cumulative = 0.0
    for split in SPLITS:
        cumulative += fractions[split] / total
        if position < cumulative:
            return split
    return SPLITS[-1]


class SplitCollector(Generic[Item]):
    """Keeps offered items whose key hashes into ``split``, each key once, up to ``size`` items.

    ``split_key`` (default: ``key``) may choose the split by a coarser key than the one that
    deduplicates, e.g. by an NLI hypothesis so that no hypothesis appears in two splits.
    """

    def __init__(
        self,
        split: str,
        size: int,
        key: Callable[[Item], str],
        fractions: dict[str, float] = DEFAULT_FRACTIONS,
        split_key: Callable[[Item], str] | None = None,
    ) -> None:
        check_split(split)
        if size < 0:
            raise ValueError(f"size must be >= 0, got {size}")
        self.split = split
        self.size = size
        self.items: list[Item] = []
        self._key = key
        self._split_key = key if split_key is None else split_key
        self._fractions = fractions
        self._seen: set[Hashable] = set()
        self._offered = 0
        self._budget = CANDIDATES_PER_ITEM * size / max(fractions[split], 1e-9) + 1000

    @property
    def full(self) -> bool:
        return len(self.items) >= self.size

    def offer(self, item: Item) -> bool:
        """Add ``item`` if the split is not full and ``item`` belongs to it and is new; True if added.

        Raises RuntimeError when far more candidates were offered than the split can use, which
        means the task's space of distinct examples is too small for the requested size.
        """
        if self.full:
            return False
        self._offered += 1
        if self._offered > self._budget:
            raise RuntimeError(
                f"split '{self.split}': only {len(self.items)} distinct examples of the {self.size} "
                f"requested after {self._offered - 1} draws; ask for a smaller size"
            )
        key = self._key(item)
        if key in self._seen or split_of(self._split_key(item), self._fractions) != self.split:
            return False
        self._seen.add(key)
        self.items.append(item)
        return True


def draw_split(
    task: str,
    split: str,
    seed: int,
    size: int,
    draw: Callable[[random.Random], Item],
    key: Callable[[Item], str],
    fractions: dict[str, float] = DEFAULT_FRACTIONS,
) -> list[Item]:
    """``size`` distinct items of ``split``, drawn with ``draw(rng)`` from :func:`split_rng`."""
    rng = split_rng(task, split, seed)
    collector = SplitCollector(split, size, key, fractions)
    while not collector.full:
        collector.offer(draw(rng))
    return collector.items
