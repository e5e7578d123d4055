"""Synthetic but realistic attention records for the view tests and the view benchmark.

A Transformer-like translation record: every layer has encoder self-attention, causal decoder
self-attention and cross attention, each with its own kinds of heads (diagonal, previous token,
aligned, broad); rows sum to 1, future keys are exactly 0. Seeded: the same call gives the same
record.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from core_models.record import AttentionMap, AttentionRecord, StepInfo

SOURCE = ["▁the", "▁black", "▁cat", "▁sat", "▁on", "▁the", "▁mat", "</s>"]
TARGET = ["▁le", "▁chat", "▁noir", "▁était", "▁assis", "▁sur", "▁le", "▁tapis", "</s>"]
# target word t comes from source word ALIGNED_SOURCE[t] (noir <- black, était/assis <- sat)
ALIGNED_SOURCE = [0, 2, 1, 3, 3, 4, 5, 6, 7]
ALTERNATIVES = ["▁un", "▁chien", "▁la", "▁est", "▁assise", "▁dans", "▁tapis", "▁sol", "."]


def _softmax(logits: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    if allowed is not None:
        logits = np.where(allowed, logits, -np.inf)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return (shifted / shifted.sum(axis=-1, keepdims=True)).astype(np.float32)


def _heads(
    rng: np.random.Generator, targets: list[np.ndarray], queries: int, keys: int, layer: int
) -> np.ndarray:
    """(heads, queries, keys): head h peaks on key targets[h][q] with a sharpness that grows
    with depth; a head whose target is -1 spreads broadly."""
    weights = []
    for target in targets:
        logits = rng.normal(0.0, 0.6, size=(queries, keys))
        peaked = target >= 0
        logits[np.arange(queries)[peaked], target[peaked]] += 3.0 + 1.5 * layer
        weights.append(logits)
    return np.stack(weights)


def make_translation_record(
    source: list[str] | None = None,
    target: list[str] | None = None,
    layers: int = 2,
    heads: int = 4,
    seed: int = 0,
    aligned_source: list[int] | None = None,
) -> AttentionRecord:
    """encoder_self (S×S), decoder_self (T×T, causal) and cross (T×S) maps for ``layers`` layers of
    ``heads`` heads, decoding steps with top-5 candidates, and the gold alignment (T×S)."""
    source = list(SOURCE if source is None else source)
    target = list(TARGET if target is None else target)
    if aligned_source is None:
        aligned_source = ALIGNED_SOURCE if target == TARGET and source == SOURCE else None
    s_len, t_len = len(source), len(target)
    aligned = np.array(
        aligned_source
        if aligned_source is not None
        else [round(t * (s_len - 1) / max(t_len - 1, 1)) for t in range(t_len)]
    )
    rng = np.random.default_rng(seed)
    src_pos, tgt_pos = np.arange(s_len), np.arange(t_len)
    causal = tgt_pos[None, :] <= tgt_pos[:, None]  # (T, T) decoder query t sees inputs 0..t
    maps = []
    for layer in range(layers):
        kinds = {
            "encoder_self": (
                [
                    src_pos,
                    np.maximum(src_pos - 1, 0),
                    np.minimum(src_pos + 1, s_len - 1),
                    -src_pos - 1,
                ],
                s_len,
                s_len,
                None,
            ),
            "decoder_self": (
                [tgt_pos, np.maximum(tgt_pos - 1, 0), np.zeros_like(tgt_pos), -tgt_pos - 1],
                t_len,
                t_len,
                causal,
            ),
            "cross": (
                [aligned, aligned, np.minimum(aligned + 1, s_len - 1), -tgt_pos - 1],
                t_len,
                s_len,
                None,
            ),
        }
        for kind, (patterns, queries, keys, allowed) in kinds.items():
            targets = [patterns[h % len(patterns)] for h in range(heads)]
            weights = _softmax(_heads(rng, targets, queries, keys, layer), allowed)
            query_tokens = target if kind != "encoder_self" else source
            key_tokens = {
                "encoder_self": source,
                "cross": source,
                "decoder_self": ["<s>"] + target[:-1],
            }[kind]
            maps.append(AttentionMap(kind, layer, weights, list(query_tokens), list(key_tokens)))
    steps = []
    for t, token in enumerate(target):
        probs = np.sort(rng.dirichlet(np.full(5, 0.5)))[::-1]
        candidates = [token] + [ALTERNATIVES[(t + i) % len(ALTERNATIVES)] for i in range(4)]
        steps.append(
            StepInfo(
                token,
                10 + t,
                float(probs[0]),
                list(zip(candidates, map(float, probs), strict=True)),
            )
        )
    gold = np.zeros((t_len, s_len), dtype=np.float32)
    gold[tgt_pos, aligned] = 1.0
    return AttentionRecord(maps=maps, steps=steps, gold_alignment=gold)


def make_square_record(length: int, layers: int, heads: int, seed: int = 0) -> AttentionRecord:
    """A record whose source and target both have ``length`` word-like tokens (bench sizes)."""
    words = ["▁w" + chr(ord("a") + i % 26) * (1 + i // 26) for i in range(length)]
    return make_translation_record(words, [w.upper() for w in words], layers, heads, seed)


def make_nli_record(seed: int = 0) -> AttentionRecord:
    """Decomposable-attention NLI maps: premise_to_hypothesis (P×H) and hypothesis_to_premise."""
    premise = ["a", "man", "is", "playing", "a", "guitar", "on", "stage"]
    hypothesis = ["a", "person", "plays", "music"]
    aligned = np.array([0, 1, 3, 5])  # hypothesis word j matches premise word aligned[j]
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, 0.5, size=(len(hypothesis), len(premise)))
    logits[np.arange(len(hypothesis)), aligned] += 4.0
    scores = logits[None]  # one head, as decomposable attention has
    h2p = _softmax(scores)
    p2h = _softmax(np.swapaxes(scores, 1, 2))
    gold = np.zeros((len(hypothesis), len(premise)), dtype=np.float32)
    gold[np.arange(len(hypothesis)), aligned] = 1.0
    return AttentionRecord(
        maps=[
            AttentionMap("premise_to_hypothesis", 0, p2h, premise, hypothesis),
            AttentionMap("hypothesis_to_premise", 0, h2p, hypothesis, premise),
        ],
        gold_alignment=gold,
    )


def make_beam_history(beam: int = 3) -> list[list[SimpleNamespace]]:
    """Beam-search history shaped like ``core_models.decoding.BeamResult.history``: per step,
    the hypotheses kept (step, parent index in the previous step, token, cumulative log-prob,
    finished). "▁le ▁chat ▁noir </s>" wins; one branch is dropped at step 2, one finishes early."""
    rows = [
        [(-1, "▁le", -0.22), (-1, "▁un", -1.9), (-1, "▁la", -2.4)],
        [(0, "▁chat", -0.41), (0, "▁chien", -2.1), (1, "▁chat", -2.3)],
        [(0, "▁noir", -0.70), (0, "</s>", -2.6), (1, "▁noir", -2.9)],
        [(0, "</s>", -0.78), (2, "</s>", -3.1), (0, "▁.", -3.3)],
    ]
    return [
        [
            SimpleNamespace(
                step=step, parent=parent, token=token, score=score, finished=token == "</s>"
            )
            for parent, token, score in nodes[:beam]
        ]
        for step, nodes in enumerate(rows)
    ]
