"""Numbers the views print beside a map: the head (or mean of heads) on show, row entropy in bits,
the gold alignment oriented as a map, and the alignment error rate of argmax attention against it
(Och & Ney 2003).
"""

from __future__ import annotations

import numpy as np

from app.state.selection import MEAN, Head, Selection, find_map
from core_models.record import AttentionMap, AttentionRecord
from core_models.training.metrics import alignment_error_rate, hard_alignment

# Side pairs the record's gold alignment applies to, as is or transposed: it is (target words,
# source words), for NLI (hypothesis words, premise words) (``Classifier._gold_matrix``).
GOLD_SIDES = {
    ("target", "source"): False,
    ("hypothesis", "premise"): False,
    ("premise", "hypothesis"): True,
}


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


def attention_aer(weights: np.ndarray, gold: np.ndarray) -> float:
    """AER of argmax attention against a gold 0/1 map, both (queries, keys), as the trainer
    reports it (``core_models.training.metrics``: each query links to its most attended key)."""
    if weights.shape != gold.shape:
        raise ValueError(f"alignment shapes differ: attention {weights.shape}, gold {gold.shape}")
    gold_links = {(int(key), int(query)) for query, key in zip(*np.nonzero(gold), strict=True)}
    return alignment_error_rate([hard_alignment(weights)], [gold_links])


def gold_for(record: AttentionRecord, attention_map: AttentionMap) -> np.ndarray | None:
    """The record's gold alignment oriented as ``attention_map`` (queries, keys), or None."""
    transpose = GOLD_SIDES.get(attention_map.sides)
    if record.gold_alignment is None or transpose is None:
        return None
    return record.gold_alignment.T if transpose else record.gold_alignment


# The maps whose row t is decoding step t (a causal language model's too).
ROW_KINDS = ("cross", "decoder_self", "causal_self")


def step_rows_map(record: AttentionRecord, selection: Selection) -> AttentionMap | None:
    """The map whose rows are the decoding steps: the selected one if it is of a ``ROW_KINDS``
    kind, else the cross map at the selected layer (or the last); None without one."""
    attention_map = find_map(record, selection) if selection.kind in ROW_KINDS else None
    if attention_map is None and "cross" in record.kinds():
        layers = record.layers("cross")
        layer = selection.layer if selection.layer in layers else layers[-1]
        attention_map = record.get("cross", layer)
    return attention_map
