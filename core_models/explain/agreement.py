"""Do the explanations agree, with the gold alignments and with each other? (Jain & Wallace 2019,
"Attention is not Explanation", §4: rank correlation of attention with gradient-based importance.)

For a translation, every method gives a (output pieces × source pieces) map under forced decoding
of the reference (so its words line up with the gold alignment): raw cross attention per layer and
head, the mean of heads per layer, rollout and flow (``rollout``, Transformers only) and saliency,
input × gradient and integrated gradients (``attribution``).

- AER against the gold links (Och & Ney 2003; ``core_models.training.metrics``): each map merged
  from pieces to words as the evaluation does (``core_models.words.merge_map``), each target word
  linked to its most weighted source word; the EOS row and column are left out.
- Rank correlation between every two methods: Spearman's ρ and Kendall's τ-b (scipy.stats) over
  the source pieces of each output piece's row, averaged over the rows (rows constant in either
  method, where a rank correlation is undefined, are left out).

NLI is not covered yet: its gradient maps have one row (the label), not one per hypothesis word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core_models.data.pairs import TranslationPair
from core_models.explain.attribution import METHODS, explain_translation
from core_models.explain.rollout import rollout_maps
from core_models.models.base import EOS_ID
from core_models.record import AttentionRecord
from core_models.training.metrics import alignment_error_rate, hard_alignment
from core_models.words import merge_map


def method_maps(
    record: AttentionRecord, attributions: Sequence = (), with_flow: bool = True
) -> dict[str, np.ndarray]:
    """Every method's (queries × keys) map of a translation record, by name: "cross L{l} H{h}",
    "cross L{l} mean", "rollout L{l}", "flow L{l}" and the attribution kinds."""
    maps: dict[str, np.ndarray] = {}
    for layer in record.layers("cross"):
        weights = record.get("cross", layer).weights
        for head in range(weights.shape[0]):
            maps[f"cross L{layer} H{head}"] = weights[head]
        maps[f"cross L{layer} mean"] = weights.mean(axis=0)
    if "encoder_self" in record.kinds():
        names = {"cross_rollout": "rollout", "cross_flow": "flow"}
        for derived in rollout_maps(record, with_flow=with_flow):
            if derived.kind in names:
                maps[f"{names[derived.kind]} L{derived.layer}"] = derived.weights[0]
    for attribution in attributions:
        maps[attribution.kind] = attribution.weights[0]
    return maps


def rank_correlations(
    first: Sequence[np.ndarray], second: Sequence[np.ndarray]
) -> tuple[float, float]:
    """Mean over rows of Spearman's ρ and Kendall's τ-b between two methods' rows (row i of
    each: the same output token over the same keys; a (rows × keys) map is such a sequence)."""
    from scipy.stats import kendalltau, spearmanr

    spearman, kendall = [], []
    for a, b in zip(first, second, strict=True):
        if np.ptp(a) == 0 or np.ptp(b) == 0:
            continue
        spearman.append(spearmanr(a, b).statistic)
        kendall.append(kendalltau(a, b).statistic)
    if not spearman:
        return float("nan"), float("nan")
    return float(np.mean(spearman)), float(np.mean(kendall))


@dataclass
class Agreement:
    """methods: names in table order; aer: method -> AER (empty without gold links);
    spearman / kendall: (methods × methods) mean rank correlations; examples: how many."""

    methods: list[str]
    aer: dict[str, float] = field(default_factory=dict)
    spearman: np.ndarray | None = None
    kendall: np.ndarray | None = None
    examples: int = 1


def _word_links(translator, weights: np.ndarray, target: list[str], source: list[str]) -> set:
    """The map's hard word alignment, EOS row and column left out."""
    eos = translator.target_tokenizer.id_to_piece(EOS_ID)
    rows = len(target) - 1 if target and target[-1] == eos else len(target)
    cols = len(source) - 1 if source and source[-1] == eos else len(source)
    target_groups = translator.target_tokenizer.word_groups(target[:rows])
    source_groups = translator.source_tokenizer.word_groups(source[:cols])
    words = merge_map(weights[None, :rows, :cols], target_groups, source_groups)[0]
    return hard_alignment(words)


def _sentence(translator, pair: TranslationPair, with_flow: bool, steps: int):
    """(method maps, record) of one pair under forced decoding of its reference."""
    result = translator.translate(pair.source, reference=pair.target)
    attributions = explain_translation(
        translator, pair.source, pair.target, methods=METHODS, steps=steps
    )
    return method_maps(result.record, attributions, with_flow), result


def agreement(
    translator, pairs: Sequence[TranslationPair], with_flow: bool = True, steps: int = 64
) -> Agreement:
    """The agreement table of a Translator over ``pairs`` (one pair: a sentence's table). AER is
    the corpus AER over the pairs that have gold links; correlations are averaged over every
    output row of every pair."""
    if not pairs:
        raise ValueError("agreement needs at least one translation pair")
    per_pair = [_sentence(translator, pair, with_flow, steps) for pair in pairs]
    methods = list(per_pair[0][0])
    links: dict[str, list[set]] = {name: [] for name in methods}
    gold = []
    for pair, (maps, result) in zip(pairs, per_pair, strict=True):
        if pair.alignment is None:
            continue
        gold.append(pair.alignment)
        for name in methods:
            links[name].append(
                _word_links(translator, maps[name], result.output_pieces, result.source_pieces)
            )
    aer = {name: alignment_error_rate(links[name], gold) for name in methods} if gold else {}
    spearman = np.full((len(methods), len(methods)), np.nan)
    kendall = spearman.copy()
    rows = {name: [row for maps, _ in per_pair for row in maps[name]] for name in methods}
    for i, a in enumerate(methods):
        for j, b in enumerate(methods):
            spearman[i, j], kendall[i, j] = rank_correlations(rows[a], rows[b])
    return Agreement(methods, aer, spearman, kendall, len(pairs))
