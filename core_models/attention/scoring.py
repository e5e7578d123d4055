"""Attention scoring functions: additive (Bahdanau et al. 2015), dot and scaled dot (Vaswani et al.
2017), Luong et al. 2015's ``general``, ``concat`` and ``location`` (§3.1).

Every scorer maps queries (batch, queries, query_size) and keys (batch, keys, key_size) to scores
(batch, queries, keys); masking and the softmax happen afterwards (see ``masking.masked_softmax``).
A scorer works in two parts, so a decoder prepares the keys once per source and scores each
decoding step's query against them: ``score_prepared(queries, prepare_keys(keys))`` is
``score(queries, keys)``. A new scorer is one ``Score`` subclass with a ``name``, listed in
``SCORES``.
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch
from torch import Tensor, nn


class Score(nn.Module):
    """Base of the scorers: the key side prepared once, then any number of queries scored."""

    name: ClassVar[str]

    @classmethod
    def build(cls, query_size: int, key_size: int, hidden_size: int, max_keys: int) -> Score:
        """The scorer for these sizes (hidden_size 0: the query size), or a ValueError saying
        why there is none."""
        raise NotImplementedError

    def prepare_keys(self, keys: Tensor) -> Tensor:
        """The query-independent part: keys (B, K, key_size) -> prepared keys (B, K, d)."""
        return keys

    def score_prepared(self, queries: Tensor, prepared: Tensor) -> Tensor:
        """queries (B, Q, query_size), prepared keys (B, K, d) -> scores (B, Q, K)."""
        raise NotImplementedError

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        return self.score_prepared(queries, self.prepare_keys(keys))


class _TanhScore(Score):
    """score(q, k) = v · tanh(Wq q + Wk k): the keys are prepared as Wk k."""

    v: nn.Linear

    @classmethod
    def build(cls, query_size: int, key_size: int, hidden_size: int, max_keys: int) -> Score:
        return cls(query_size, key_size, hidden_size or query_size)

    def project_queries(self, queries: Tensor) -> Tensor:
        raise NotImplementedError

    def score_prepared(self, queries: Tensor, prepared: Tensor) -> Tensor:
        features = self.project_queries(queries).unsqueeze(2) + prepared.unsqueeze(1)
        return self.v(torch.tanh(features)).squeeze(-1)  # (B, Q, K)


class AdditiveScore(_TanhScore):
    """Bahdanau: score(q, k) = v · tanh(W_q q + W_k k)."""

    name = "additive"

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.query_proj = nn.Linear(query_size, hidden_size, bias=False)
        self.key_proj = nn.Linear(key_size, hidden_size, bias=False)
        self.v = nn.Linear(hidden_size, 1, bias=False)

    def project_queries(self, queries: Tensor) -> Tensor:
        return self.query_proj(queries)

    def prepare_keys(self, keys: Tensor) -> Tensor:
        return self.key_proj(keys)


class ConcatScore(_TanhScore):
    """Luong ``concat``: score(q, k) = v · tanh(W [q; k]), W split into its query and key halves."""

    name = "concat"

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.proj = nn.Linear(query_size + key_size, hidden_size, bias=False)
        self.v = nn.Linear(hidden_size, 1, bias=False)
        self.query_size = query_size

    def project_queries(self, queries: Tensor) -> Tensor:
        return queries @ self.proj.weight[:, : self.query_size].T

    def prepare_keys(self, keys: Tensor) -> Tensor:
        return keys @ self.proj.weight[:, self.query_size :].T


class DotScore(Score):
    """Luong ``dot``: score(q, k) = q · k (query and key sizes must match)."""

    name = "dot"

    @classmethod
    def build(cls, query_size: int, key_size: int, hidden_size: int, max_keys: int) -> Score:
        if query_size != key_size:
            raise ValueError(
                f"'{cls.name}' attention needs equal query and key sizes, got {query_size} and "
                f"{key_size}; use 'general' or 'additive'"
            )
        return cls()

    def score_prepared(self, queries: Tensor, prepared: Tensor) -> Tensor:
        return torch.bmm(queries, prepared.transpose(1, 2))


class ScaledDotScore(DotScore):
    """Vaswani: score(q, k) = q · k / sqrt(d)."""

    name = "scaled_dot"

    def score_prepared(self, queries: Tensor, prepared: Tensor) -> Tensor:
        return super().score_prepared(queries, prepared) / math.sqrt(queries.shape[-1])


class GeneralScore(DotScore):
    """Luong ``general`` (bilinear): score(q, k) = q · W k; the keys are prepared as W k."""

    name = "general"

    @classmethod
    def build(cls, query_size: int, key_size: int, hidden_size: int, max_keys: int) -> Score:
        return cls(query_size, key_size)

    def __init__(self, query_size: int, key_size: int):
        super().__init__()
        self.key_proj = nn.Linear(key_size, query_size, bias=False)

    def prepare_keys(self, keys: Tensor) -> Tensor:
        return self.key_proj(keys)


class LocationScore(Score):
    """Luong ``location``: scores from the query alone, a = W_a q over at most ``max_keys``
    source positions; the keys only say how many positions there are."""

    name = "location"

    @classmethod
    def build(cls, query_size: int, key_size: int, hidden_size: int, max_keys: int) -> Score:
        if max_keys <= 0:
            raise ValueError("'location' attention needs max_keys > 0 (the longest source)")
        return cls(query_size, max_keys)

    def __init__(self, query_size: int, max_keys: int):
        super().__init__()
        self.proj = nn.Linear(query_size, max_keys)
        self.max_keys = max_keys

    def prepare_keys(self, keys: Tensor) -> Tensor:
        if keys.shape[1] > self.max_keys:
            raise ValueError(
                f"location attention was built for at most {self.max_keys} source positions, "
                f"got {keys.shape[1]}"
            )
        return keys

    def score_prepared(self, queries: Tensor, prepared: Tensor) -> Tensor:
        return self.proj(queries)[..., : prepared.shape[1]]


SCORES: dict[str, type[Score]] = {
    score.name: score
    for score in (AdditiveScore, DotScore, ScaledDotScore, GeneralScore, ConcatScore, LocationScore)
}
SCORE_NAMES = tuple(SCORES)


def make_score(
    name: str, query_size: int, key_size: int, hidden_size: int = 0, max_keys: int = 0
) -> Score:
    """Build the scorer called ``name`` (one of ``SCORE_NAMES``)."""
    if name not in SCORES:
        raise ValueError(
            f"unknown attention score '{name}'; choose one of {', '.join(SCORE_NAMES)}"
        )
    return SCORES[name].build(query_size, key_size, hidden_size, max_keys)
