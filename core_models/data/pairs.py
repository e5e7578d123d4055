"""The examples every task and loader produces: translation pairs and NLI pairs.

Texts are plain strings; ``alignment`` links whitespace-separated *words* (not sub-word pieces):
each (i, j) says target word j comes from source word i (NLI: hypothesis word j matches premise
word i). None when the data has no gold alignment (real corpora).
"""

from __future__ import annotations

from dataclasses import dataclass

Alignment = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TranslationPair:
    source: str
    target: str
    alignment: Alignment | None = None
    attribution: str | None = None  # Tatoeba / manythings.org third column, kept as given


@dataclass(frozen=True)
class NLIPair:
    premise: str
    hypothesis: str
    label: str  # one of core_models.models.base.NLI_LABELS
    alignment: Alignment | None = None
