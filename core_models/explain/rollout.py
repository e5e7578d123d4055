"""Attention rollout and attention flow (Abnar & Zuidema 2020, "Quantifying Attention Flow in
Transformers", ACL, §3), for the Transformer families: the ``transformer`` seq2seq and the
``encoder_classifier``, and any record with the same kinds (a Hugging Face encoder-decoder's
``encoder_self`` and ``cross``, a BERT-style classifier's ``pair_self``).

Both read each layer as half attention, half residual connection: with Ā_l the mean of layer l's
heads (n × n), Ã_l = r·I + (1 − r)·Ā_l with r = ``residual`` (the paper's 0.5), rows renormalised
to sum to 1.

- Rollout of layers 1..l: R_l = Ã_l · Ã_{l−1} ··· Ã_1 (n × n); row i is how much of each input
  token reaches position i after layer l, assuming attention mixes linearly along the residual
  stream. With r = 0 and one layer, R_1 = Ā_1: the raw attention.
- Flow: the layer graph has a node (l, i) per layer l = 0..L (0: the input embeddings) and
  position i, and an edge (l, i) → (l − 1, j) of capacity Ã_l[i, j]. flow[i, j] is the value of a
  maximum flow from (L, i) to (0, j) (scipy's ``maximum_flow``, Dinic). The values (raw) are kept
  and each row is renormalised to sum to 1 for display.

Encoder-decoder (cross attention). The decoder's cross attention of layer l, Ā^x_l (T × S, mean of
heads), reads the encoder's output, whose position j mixes the source tokens as row j of the
encoder's full rollout R_enc. We define

    cross_rollout_l = Ā^x_l · R_enc      (T × S; rows sum to 1)

the cross attention composed with the encoder rollout; the decoder's own self-attention and
residual stream (which carry target tokens, not source tokens) are not followed. ``cross_flow_l``
is the matching max-flow: a node per target step t with edges t → (L_enc, j) of capacity
Ā^x_l[t, j], over the encoder's layer graph, flow from t to (0, s).

Cost: rollout is L matrix products, negligible. Flow runs one max-flow per (output, input) pair on
a graph of (L + 1)·n nodes and L·n² edges: n² max-flows (Dinic, O(V²·E) each, in C) — meant for
sentences up to ~40 tokens and a few layers: a 19-token sentence through the bundled 2 + 2-layer
Transformer (encoder flow and both layers' cross flow) took 0.6 s on a loaded 2-core machine (see
bench/bench_explain.py; networkx's Edmonds-Karp took 2-3 s idle). ``max_tokens`` refuses
longer inputs with a clear message rather than freezing the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from core_models.record import KIND_SIDES, AttentionMap, AttentionRecord

RESIDUAL = 0.5
FLOW_MAX_TOKENS = 40
FLOW_SCALE = 2**30  # capacities ≤ 1 become int32 multiples of 2^-30 for scipy's max-flow
# Each attended kind, the kinds its rollout and flow are recorded as.
ROLLOUT_KINDS = {
    "encoder_self": ("encoder_self_rollout", "encoder_self_flow"),
    "pair_self": ("pair_self_rollout", "pair_self_flow"),
}


def residual_attention(weights: np.ndarray, residual: float = RESIDUAL) -> np.ndarray:
    """Ã = r·I + (1 − r)·Ā, rows renormalised: weights (heads, n, n) or (n, n) -> (n, n)."""
    mean = weights.mean(axis=0) if weights.ndim == 3 else weights
    mean = mean.astype(np.float64)
    if mean.shape[0] != mean.shape[1]:
        raise ValueError(f"rollout needs square self-attention maps; got {mean.shape}")
    augmented = residual * np.eye(mean.shape[0]) + (1.0 - residual) * mean
    sums = augmented.sum(axis=1, keepdims=True)
    return np.divide(augmented, sums, out=np.zeros_like(augmented), where=sums > 0)


def rollout(layers: Sequence[np.ndarray], residual: float = RESIDUAL) -> list[np.ndarray]:
    """R_1 .. R_L (each n × n) from the layers' weights, first layer first (see the module)."""
    if not layers:
        raise ValueError("rollout needs at least one layer of attention")
    rolled, result = None, []
    for weights in layers:
        augmented = residual_attention(weights, residual)
        rolled = augmented if rolled is None else augmented @ rolled
        result.append(rolled)
    return result


def _layer_capacities(layers: Sequence[np.ndarray], residual: float, extra: int = 0) -> np.ndarray:
    """Dense capacities of the layer graph (module docstring): node l·n + i for (l, i), edges
    (l, i) → (l − 1, j) of capacity Ã_l[i, j]; ``extra`` more nodes after them, unconnected."""
    size, count = layers[0].shape[-1], len(layers)
    capacity = np.zeros(((count + 1) * size + extra,) * 2)
    for level, weights in enumerate(layers, start=1):
        rows, cols = (
            slice(level * size, (level + 1) * size),
            slice((level - 1) * size, level * size),
        )
        capacity[rows, cols] = residual_attention(weights, residual)
    return capacity


def _check_size(tokens: int, max_tokens: int) -> None:
    if tokens > max_tokens:
        raise ValueError(
            f"attention flow over {tokens} tokens would run {tokens}² max-flows; it is meant for "
            f"at most {max_tokens} tokens (pass max_tokens to go further, or use rollout)"
        )


def _max_flows(capacity: np.ndarray, sources: Sequence[int], sinks: Sequence[int]) -> np.ndarray:
    """Max-flow values (len(sources) × len(sinks)) on the dense ``capacity`` graph, by scipy's
    Dinic (``scipy.sparse.csgraph.maximum_flow``), which needs integer capacities: every capacity
    is at most 1 (a row of Ã), so they are rounded to multiples of 2^-30 (int32), and a value
    is off by at most 2^-31 per edge of its minimum cut (tens of edges: ~1e-8). Ten times
    faster than networkx's Edmonds-Karp with a reused residual network on the bundled sizes."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    graph = csr_array(np.rint(capacity * FLOW_SCALE).astype(np.int32))
    values = np.zeros((len(sources), len(sinks)))
    for row, source in enumerate(sources):
        for col, sink in enumerate(sinks):
            values[row, col] = maximum_flow(graph, source, sink).flow_value
    return values / FLOW_SCALE


def flow(
    layers: Sequence[np.ndarray], residual: float = RESIDUAL, max_tokens: int = FLOW_MAX_TOKENS
) -> np.ndarray:
    """Attention flow (n × n, raw max-flow values) from the top layer's positions to the inputs."""
    size = layers[0].shape[-1]
    _check_size(size, max_tokens)
    top = len(layers) * size
    return _max_flows(_layer_capacities(layers, residual), range(top, top + size), range(size))


def cross_flow(
    cross: np.ndarray,
    encoder_layers: Sequence[np.ndarray],
    residual: float = RESIDUAL,
    max_tokens: int = FLOW_MAX_TOKENS,
) -> np.ndarray:
    """Flow from each target step through cross attention (heads, T, S) and the encoder's layer
    graph to the source tokens: (T × S) raw values (see the module docstring). The step nodes
    only send, so one graph holds them all without one step's flow passing through another."""
    mean = cross.mean(axis=0) if cross.ndim == 3 else cross
    steps, size = mean.shape
    _check_size(max(steps, size), max_tokens)
    capacity = _layer_capacities(encoder_layers, residual, extra=steps)
    top, first_step = len(encoder_layers) * size, (len(encoder_layers) + 1) * size
    capacity[first_step:, top : top + size] = mean
    return _max_flows(capacity, range(first_step, first_step + steps), range(size))


def normalise_rows(values: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (all-zero rows stay zero)."""
    sums = values.sum(axis=-1, keepdims=True)
    return np.divide(values, sums, out=np.zeros_like(values, dtype=np.float64), where=sums > 0)


def _stack(record: AttentionRecord, kind: str) -> list[AttentionMap]:
    return [record.get(kind, layer) for layer in record.layers(kind)]


def rollout_maps(
    record: AttentionRecord,
    with_flow: bool = True,
    residual: float = RESIDUAL,
    max_tokens: int = FLOW_MAX_TOKENS,
    kinds: Collection[str] | None = None,
) -> list[AttentionMap]:
    """The rollout (and flow) maps of a Transformer record, one head each (only ``kinds``, when
    given: flow is the costly part):

    - ``encoder_self_rollout`` / ``pair_self_rollout`` layer l: R through layers 0..l;
      ``*_flow``: flow through every layer, recorded at the top layer;
    - ``cross_rollout`` layer l: decoder layer l's cross attention · R_enc; ``cross_flow`` layer
      l: its max-flow (both need the record's encoder_self maps).

    Raises ValueError for a record with no self-attention stack (a recurrent family or the
    decomposable model: there is no layer graph to roll out).
    """
    present = [kind for kind in ROLLOUT_KINDS if kind in record.kinds()]
    if not present:
        raise ValueError(
            "rollout and flow need a Transformer's self-attention layers (encoder_self or "
            f"pair_self); this record has {record.kinds()}"
        )
    wanted = set(KIND_SIDES if kinds is None else kinds)
    if not with_flow:
        wanted -= {flow_kind for _, flow_kind in ROLLOUT_KINDS.values()} | {"cross_flow"}
    maps = []
    for kind in present:
        stack = _stack(record, kind)
        layers = [m.weights for m in stack]
        rollout_kind, flow_kind = ROLLOUT_KINDS[kind]
        if rollout_kind in wanted:
            for attention_map, rolled in zip(stack, rollout(layers, residual), strict=True):
                maps.append(_derived(rollout_kind, attention_map, rolled))
        if flow_kind in wanted:
            values = flow(layers, residual, max_tokens)
            maps.append(_derived(flow_kind, stack[-1], normalise_rows(values), values))
    if "cross" in record.kinds() and "encoder_self" in present:
        encoder = [m.weights for m in _stack(record, "encoder_self")]
        encoder_rollout = rollout(encoder, residual)[-1]
        for cross in _stack(record, "cross"):
            composed = cross.weights.mean(axis=0) @ encoder_rollout
            if "cross_rollout" in wanted:
                maps.append(_derived("cross_rollout", cross, composed))
            if "cross_flow" in wanted:
                values = cross_flow(cross.weights, encoder, residual, max_tokens)
                maps.append(_derived("cross_flow", cross, normalise_rows(values), values))
    return maps


def _derived(
    kind: str, like: AttentionMap, weights: np.ndarray, raw: np.ndarray | None = None
) -> AttentionMap:
    """A one-head map of ``kind`` over ``like``'s tokens and layer."""
    return AttentionMap(
        kind=kind,
        layer=like.layer,
        weights=weights[None].astype(np.float32),
        query_tokens=list(like.query_tokens),
        key_tokens=list(like.key_tokens),
        raw=None if raw is None else raw[None].astype(np.float32),
    )
