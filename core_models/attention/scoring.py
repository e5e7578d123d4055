"""Attention scoring functions: additive (Bahdanau et al. 2015), dot and scaled dot (Vaswani et al.
2017), Luong et al. 2015's ``general``, ``concat`` and ``location``.

Every scorer maps queries (batch, queries, query_size) and keys (batch, keys, key_size) to scores
(batch, queries, keys); masking and the softmax happen afterwards (see ``masking.masked_softmax``).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

SCORE_NAMES = ("additive", "dot", "scaled_dot", "general", "concat", "location")


class AdditiveScore(nn.Module):
    """Bahdanau: score(q, k) = v · tanh(W_q q + W_k k)."""

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.query_proj = nn.Linear(query_size, hidden_size, bias=False)
        self.key_proj = nn.Linear(key_size, hidden_size, bias=False)
        self.v = nn.Linear(hidden_size, 1, bias=False)

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        features = self.query_proj(queries).unsqueeze(2) + self.key_proj(keys).unsqueeze(1)
        return self.v(torch.tanh(features)).squeeze(-1)  # (B, Q, K)


class DotScore(nn.Module):
    """Luong ``dot``: score(q, k) = q · k (query and key sizes must match)."""

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        return torch.bmm(queries, keys.transpose(1, 2))


class ScaledDotScore(nn.Module):
    """Vaswani: score(q, k) = q · k / sqrt(d)."""

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        return torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(queries.shape[-1])


class GeneralScore(nn.Module):
    """Luong ``general`` (bilinear): score(q, k) = q · W k."""

    def __init__(self, query_size: int, key_size: int):
        super().__init__()
        self.key_proj = nn.Linear(key_size, query_size, bias=False)

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        return torch.bmm(queries, self.key_proj(keys).transpose(1, 2))


class ConcatScore(nn.Module):
    """Luong ``concat``: score(q, k) = v · tanh(W [q; k]), W split into its query and key halves."""

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.proj = nn.Linear(query_size + key_size, hidden_size, bias=False)
        self.v = nn.Linear(hidden_size, 1, bias=False)
        self.query_size = query_size

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        w_query = self.proj.weight[:, : self.query_size]
        w_key = self.proj.weight[:, self.query_size :]
        features = (queries @ w_query.T).unsqueeze(2) + (keys @ w_key.T).unsqueeze(1)
        return self.v(torch.tanh(features)).squeeze(-1)


class LocationScore(nn.Module):
    """Luong ``location``: scores from the query alone, a = W_a q over at most ``max_keys`` positions."""

    def __init__(self, query_size: int, max_keys: int):
        super().__init__()
        self.proj = nn.Linear(query_size, max_keys)
        self.max_keys = max_keys

    def forward(self, queries: Tensor, keys: Tensor) -> Tensor:
        num_keys = keys.shape[1]
        if num_keys > self.max_keys:
            raise ValueError(
                f"location attention was built for at most {self.max_keys} source positions, "
                f"got {num_keys}"
            )
        return self.proj(queries)[..., :num_keys]


def make_score(
    name: str, query_size: int, key_size: int, hidden_size: int = 0, max_keys: int = 0
) -> nn.Module:
    """Build the scorer called ``name`` (one of ``SCORE_NAMES``)."""
    if name == "additive":
        return AdditiveScore(query_size, key_size, hidden_size or query_size)
    if name in ("dot", "scaled_dot"):
        if query_size != key_size:
            raise ValueError(
                f"'{name}' attention needs equal query and key sizes, got {query_size} and {key_size};"
                " use 'general' or 'additive'"
            )
        return DotScore() if name == "dot" else ScaledDotScore()
    if name == "general":
        return GeneralScore(query_size, key_size)
    if name == "concat":
        return ConcatScore(query_size, key_size, hidden_size or query_size)
    if name == "location":
        if max_keys <= 0:
            raise ValueError("'location' attention needs max_keys > 0 (the longest source)")
        return LocationScore(query_size, max_keys)
    raise ValueError(f"unknown attention score '{name}'; choose one of {', '.join(SCORE_NAMES)}")
