"""Attention rollout and flow (core_models.explain.rollout) against direct references written
here: rollout as the product of 0.5·A + 0.5·I matrices, flow by Edmonds-Karp on the layer graph."""

from collections import deque

import numpy as np
import pytest

from core_models import decoding
from core_models.explain.rollout import cross_flow, flow, rollout, rollout_maps
from core_models.inference import load_model
from core_models.models.transformer import TransformerConfig, TransformerSeq2Seq


def random_stack(rng, layers: int, heads: int, size: int) -> list[np.ndarray]:
    """Row-stochastic attention (heads, size, size) per layer."""
    stack = []
    for _ in range(layers):
        weights = rng.random((heads, size, size)) ** 3
        stack.append(weights / weights.sum(axis=-1, keepdims=True))
    return stack


def reference_rollout(stack: list[np.ndarray]) -> np.ndarray:
    """Abnar & Zuidema's recipe, written out: mean heads, add I, halve, renormalise, multiply."""
    size = stack[0].shape[-1]
    result = np.eye(size)
    for weights in stack:
        augmented = 0.5 * weights.mean(axis=0) + 0.5 * np.eye(size)
        augmented /= augmented.sum(axis=1, keepdims=True)
        result = augmented @ result
    return result


def edmonds_karp(capacity: np.ndarray, source: int, sink: int) -> float:
    """Maximum flow on a dense capacity matrix by shortest augmenting paths."""
    residual = capacity.astype(np.float64).copy()
    total = 0.0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for nxt in np.nonzero(residual[node] > 1e-12)[0]:
                if int(nxt) not in parent:
                    parent[int(nxt)] = node
                    queue.append(int(nxt))
        if sink not in parent:
            return total
        path, node = [], sink
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        bottleneck = min(residual[u, v] for u, v in path)
        for u, v in path:
            residual[u, v] -= bottleneck
            residual[v, u] += bottleneck
        total += bottleneck


def layer_capacities(stack: list[np.ndarray]) -> np.ndarray:
    """Dense capacities of the layer graph: node l * n + i; edges (l, i) -> (l - 1, j)."""
    size, layers = stack[0].shape[-1], len(stack)
    capacity = np.zeros(((layers + 1) * size, (layers + 1) * size))
    for level, weights in enumerate(stack, start=1):
        augmented = 0.5 * weights.mean(axis=0) + 0.5 * np.eye(size)
        augmented /= augmented.sum(axis=1, keepdims=True)
        capacity[level * size : (level + 1) * size, (level - 1) * size : level * size] = augmented
    return capacity


@pytest.mark.parametrize("layers", [1, 3])
def test_rollout_equals_the_product_of_residual_attention(layers):
    stack = random_stack(np.random.default_rng(layers), layers, heads=4, size=6)
    rolled = rollout(stack)
    assert len(rolled) == layers
    assert np.allclose(rolled[-1], reference_rollout(stack), atol=1e-12)
    assert np.allclose(rolled[0], reference_rollout(stack[:1]), atol=1e-12)
    assert np.allclose(rolled[-1].sum(axis=1), 1.0)


def test_flow_equals_a_max_flow_written_out():
    stack = random_stack(np.random.default_rng(7), layers=2, heads=3, size=5)
    values = flow(stack)
    capacity = layer_capacities(stack)
    top = 2 * 5
    expected = np.array([[edmonds_karp(capacity, top + i, j) for j in range(5)] for i in range(5)])
    assert np.allclose(values, expected, atol=1e-9)


def test_cross_flow_goes_through_cross_attention_then_the_encoder():
    rng = np.random.default_rng(3)
    encoder = random_stack(rng, layers=2, heads=2, size=4)
    cross = rng.random((2, 3, 4))
    cross /= cross.sum(axis=-1, keepdims=True)
    values = cross_flow(cross, encoder)
    capacity = layer_capacities(encoder)  # encoder nodes 0..11, then one node per step
    for t in range(3):
        graph = np.zeros((13, 13))
        graph[:12, :12] = capacity
        graph[12, 8:12] = cross.mean(axis=0)[t]
        assert np.allclose(values[t], [edmonds_karp(graph, 12, s) for s in range(4)], atol=1e-9)


def test_flow_refuses_long_inputs_with_a_clear_message():
    stack = random_stack(np.random.default_rng(0), layers=1, heads=1, size=5)
    with pytest.raises(ValueError, match="at most 4 tokens"):
        flow(stack, max_tokens=4)


def one_layer_model() -> TransformerSeq2Seq:
    config = TransformerConfig(
        src_vocab_size=20,
        tgt_vocab_size=20,
        d_model=16,
        heads=2,
        ff_size=32,
        encoder_layers=1,
        decoder_layers=1,
        dropout=0.0,
        max_len=16,
    )
    return TransformerSeq2Seq(config).eval()


def test_one_layer_rollout_without_residual_is_the_raw_attention():
    model = one_layer_model()
    hypothesis = decoding.greedy(model, [7, 8, 9, 10, 3], max_len=5)
    record = decoding.record_for(hypothesis, ["a", "b", "c", "d", "<eos>"])
    encoder = record.get("encoder_self", 0)
    maps = {(m.kind, m.layer): m for m in rollout_maps(record, with_flow=False, residual=0.0)}
    rolled = maps[("encoder_self_rollout", 0)]
    assert np.allclose(rolled.weights[0], encoder.weights.mean(axis=0), atol=1e-6)
    assert rolled.query_tokens == encoder.query_tokens == rolled.key_tokens
    # and the decoder's cross attention composed with a raw one-layer encoder
    cross = record.get("cross", 0).weights.mean(axis=0)
    composed = cross @ encoder.weights.mean(axis=0)
    assert np.allclose(maps[("cross_rollout", 0)].weights[0], composed, atol=1e-6)


def test_maps_of_the_bundled_transformer():
    translator = load_model("transformer-en-fr")
    record = translator.translate("the cat sleeps .").record
    maps = rollout_maps(record)
    kinds = {(m.kind, m.layer) for m in maps}
    assert kinds == {
        ("encoder_self_rollout", 0),
        ("encoder_self_rollout", 1),
        ("encoder_self_flow", 1),
        ("cross_rollout", 0),
        ("cross_rollout", 1),
        ("cross_flow", 0),
        ("cross_flow", 1),
    }
    for attention_map in maps:
        assert attention_map.weights.shape[0] == 1
        assert np.allclose(attention_map.weights.sum(axis=-1), 1.0, atol=1e-5)
    encoder = [record.get("encoder_self", layer).weights for layer in (0, 1)]
    rolled = next(m for m in maps if (m.kind, m.layer) == ("encoder_self_rollout", 1))
    assert np.allclose(rolled.weights[0], reference_rollout(encoder), atol=1e-5)
    only = rollout_maps(record, kinds=("cross_flow",))
    assert [(m.kind, m.layer) for m in only] == [("cross_flow", 0), ("cross_flow", 1)]
    for alone in only:
        same = next(m for m in maps if (m.kind, m.layer) == (alone.kind, alone.layer))
        assert np.array_equal(alone.weights, same.weights)


def test_a_recurrent_record_has_nothing_to_roll_out():
    translator = load_model("bahdanau-en-fr")
    record = translator.translate("the cat sleeps .").record
    with pytest.raises(ValueError, match="need a Transformer's self-attention"):
        rollout_maps(record)
