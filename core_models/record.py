"""The attention record: the one contract between models, decoding, the CLI's exports, the GUI and
the tests (its exported form: the README's "The attention export format").

Models return ``CapturedMap``s for a whole batch; ``build_record`` cuts one example out of them and
names its tokens. A map's rows sum to 1 over valid keys and are exactly 0 on padding / future keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the record itself is numpy: the GUI reads it without importing torch
    from torch import Tensor

# Which token list a map's queries or keys are drawn from. "target" are the tokens a decoder
# produced (row t of a cross map is the step that produced target token t); "target_input" are the
# decoder's inputs (BOS, y1, y2, ...), the keys of decoder self-attention; "pair" is the joint
# [CLS] premise [SEP] hypothesis [SEP] sequence of the encoder classifier; "label" is the one row of
# an NLI model's predicted label (the query of its gradient attribution maps); "context" is what a
# causal language model's step t reads: the prompt ("source") and the continuation's first t tokens.
SIDES = ("source", "target", "target_input", "premise", "hypothesis", "pair", "label", "context")
# Which token list each kind's queries and keys come from.
KIND_SIDES: dict[str, tuple[str, str]] = {
    "encoder_self": ("source", "source"),
    "decoder_self": ("target", "target_input"),
    "cross": ("target", "source"),
    "premise_to_hypothesis": ("premise", "hypothesis"),
    "hypothesis_to_premise": ("hypothesis", "premise"),
    "premise_self": ("premise", "premise"),
    "hypothesis_self": ("hypothesis", "hypothesis"),
    "pair_self": ("pair", "pair"),
    # A causal language model (core_models.hf): the prompt's own self-attention, and each step's
    # self-attention row over the prompt and the continuation so far (zero on later keys).
    "prompt_self": ("source", "source"),
    "causal_self": ("target", "context"),
    # Producers of core_models.explain (one head each): attention rollout and attention flow
    # (Abnar & Zuidema 2020) and gradient attribution (saliency, input × gradient, integrated
    # gradients) of each output token's log-probability, or of the NLI label's, over the inputs.
    "encoder_self_rollout": ("source", "source"),
    "encoder_self_flow": ("source", "source"),
    "cross_rollout": ("target", "source"),
    "cross_flow": ("target", "source"),
    "pair_self_rollout": ("pair", "pair"),
    "pair_self_flow": ("pair", "pair"),
    "saliency": ("target", "source"),
    "input_x_gradient": ("target", "source"),
    "integrated_gradients": ("target", "source"),
    "label_saliency": ("label", "pair"),
    "label_input_x_gradient": ("label", "pair"),
    "label_integrated_gradients": ("label", "pair"),
}
KINDS = tuple(KIND_SIDES)
# The gradient attribution methods (core_models.explain.attribution) and their kinds, a
# translation's and the NLI label's: one map each (layer 0, one "head"), not attention weights.
ATTRIBUTION_METHODS = ("saliency", "input_x_gradient", "integrated_gradients")
ATTRIBUTION_KINDS = (*ATTRIBUTION_METHODS, *(f"label_{method}" for method in ATTRIBUTION_METHODS))
NLI_LABELS = ("entailment", "neutral", "contradiction")


@dataclass
class CapturedMap:
    """One attention map for a whole batch, as a model's capture path returns it.

    weights: (batch, heads, queries, keys); query_side / key_side: one of ``SIDES``.
    """

    kind: str
    layer: int
    weights: Tensor
    query_side: str
    key_side: str


@dataclass
class AttentionMap:
    """One map of one example: weights (heads, queries, keys) as float32 numpy.

    raw: the values a map was normalised from, same shape, where they differ (gradient
    attribution: each token's signed attribution summed over the embedding); info: JSON-able
    facts about how the map was made (e.g. integrated gradients' convergence delta per row).
    Export keeps both.
    """

    kind: str
    layer: int
    weights: np.ndarray
    query_tokens: list[str]
    key_tokens: list[str]
    raw: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    @property
    def heads(self) -> int:
        return self.weights.shape[0]

    @property
    def sides(self) -> tuple[str, str]:
        """(query side, key side), e.g. ("target", "source") for cross attention."""
        return KIND_SIDES[self.kind]


@dataclass
class StepInfo:
    """One decoding step: the token chosen, its probability and the top-k alternatives."""

    token: str
    token_id: int
    prob: float
    top_k: list[tuple[str, float]]


@dataclass
class AttentionRecord:
    """Every map of one example, the decoding steps (seq2seq) and the gold alignment if known.

    gold_alignment: (target words, source words) 0/1 map, or None.
    """

    maps: list[AttentionMap] = field(default_factory=list)
    steps: list[StepInfo] = field(default_factory=list)
    gold_alignment: np.ndarray | None = None

    def kinds(self) -> list[str]:
        """The kinds present, in the order they were recorded."""
        return list(dict.fromkeys(m.kind for m in self.maps))

    def layers(self, kind: str) -> list[int]:
        return sorted({m.layer for m in self.maps if m.kind == kind})

    def get(self, kind: str, layer: int = 0) -> AttentionMap:
        for attention_map in self.maps:
            if attention_map.kind == kind and attention_map.layer == layer:
                return attention_map
        raise KeyError(f"no '{kind}' attention at layer {layer}; the record has {self.kinds()}")


def build_record(
    captured: list[CapturedMap],
    index: int,
    tokens: dict[str, list[str]],
    steps: list[StepInfo] | None = None,
    gold_alignment: np.ndarray | None = None,
) -> AttentionRecord:
    """Cut example ``index`` out of batched maps and trim each to its tokens' lengths.

    tokens: display tokens per side, e.g. {"source": [...], "target": [...]}.
    """
    maps = []
    for captured_map in captured:
        query_tokens = tokens[captured_map.query_side]
        key_tokens = tokens[captured_map.key_side]
        weights = captured_map.weights[index, :, : len(query_tokens), : len(key_tokens)]
        maps.append(
            AttentionMap(
                kind=captured_map.kind,
                layer=captured_map.layer,
                weights=weights.detach().float().cpu().numpy(),
                query_tokens=list(query_tokens),
                key_tokens=list(key_tokens),
            )
        )
    return AttentionRecord(maps=maps, steps=list(steps or []), gold_alignment=gold_alignment)
