"""Numbers the views print beside a map: the head (or mean of heads) on show, row entropy in bits,
and the alignment error rate of argmax attention against a gold alignment (Och & Ney 2003,
AER = 1 - 2|A∩S| / (|A| + |S|) with sure links only).
"""

from __future__ import annotations

import numpy as np

from app.views.selection import MEAN, Head


def head_weights(weights: np.ndarray, head: Head) -> np.ndarray:
    """(heads, queries, keys) -> the (queries, keys) map of ``head``, or the mean over heads."""
    if head == MEAN:
        return weights.mean(axis=0)
    if not 0 <= head < weights.shape[0]:
        raise IndexError(f"head {head} does not exist: the map has heads 0..{weights.shape[0] - 1}")
    return weights[head]


def mean_row_entropy(weights: np.ndarray) -> float:
    """Mean over queries of the entropy (bits) of each query's distribution over keys.

    weights: (queries, keys), rows summing to 1 (zero rows count as 0 bits). 0 bits is a head
    that looks at one key per query; log2(keys) a head that spreads evenly.
    """
    positive = np.where(weights > 0, weights, 1.0)
    entropy = -(weights * np.log2(positive)).sum(axis=-1)
    return float(entropy.mean()) if entropy.size else 0.0


def argmax_alignment(weights: np.ndarray) -> np.ndarray:
    """(queries, keys) weights -> 0/1 map linking each query to its most attended key."""
    links = np.zeros(weights.shape, dtype=bool)
    if weights.size:
        links[np.arange(weights.shape[0]), weights.argmax(axis=-1)] = True
    return links


def alignment_error_rate(predicted: np.ndarray, gold: np.ndarray) -> float:
    """AER of a 0/1 (queries, keys) alignment against a gold 0/1 map of the same shape."""
    if predicted.shape != gold.shape:
        raise ValueError(f"alignment shapes differ: predicted {predicted.shape}, gold {gold.shape}")
    predicted, gold = predicted.astype(bool), gold.astype(bool)
    total = predicted.sum() + gold.sum()
    return 0.0 if total == 0 else float(1.0 - 2.0 * (predicted & gold).sum() / total)
