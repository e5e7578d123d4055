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

For NLI the rows are the hypothesis pieces and the keys the premise pieces, as the gold links go
(``NLIPair.alignment``): the decomposable model's hypothesis_to_premise attention, and the
encoder classifier's pair self-attention, rollout and flow cut to their hypothesis → premise block.
The NLI gradient maps have one row (the label), not one per hypothesis token: they are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core_models.data.pairs import Alignment, NLIPair, TranslationPair
from core_models.explain.attribution import METHODS, explain_translation
from core_models.explain.rollout import rollout_maps
from core_models.models.base import EOS_ID
from core_models.record import AttentionRecord
from core_models.training.metrics import alignment_error_rate, hard_alignment
from core_models.words import merge_map


def _add_heads(maps: dict[str, np.ndarray], kind: str, layer: int, weights: np.ndarray) -> None:
    for head in range(weights.shape[0]):
        maps[f"{kind} L{layer} H{head}"] = weights[head]
    maps[f"{kind} L{layer} mean"] = weights.mean(axis=0)


def _add_rollout(maps, record, with_flow: bool, block=(slice(None), slice(None))) -> None:
    """ "rollout L{l}" / "flow L{l}" from ``rollout_maps``'s cross or pair kinds, cut to block."""
    kinds = ("cross_rollout", "cross_flow", "pair_self_rollout", "pair_self_flow")
    for derived in rollout_maps(record, with_flow=with_flow, kinds=kinds):
        name = "rollout" if derived.kind.endswith("rollout") else "flow"
        maps[f"{name} L{derived.layer}"] = derived.weights[0][block]


def method_maps(
    record: AttentionRecord, attributions: Sequence = (), with_flow: bool = True
) -> dict[str, np.ndarray]:
    """Every method's (queries × keys) map of a translation record, by name: "cross L{l} H{h}",
    "cross L{l} mean", "rollout L{l}", "flow L{l}" and the attribution kinds."""
    maps: dict[str, np.ndarray] = {}
    for layer in record.layers("cross"):
        _add_heads(maps, "cross", layer, record.get("cross", layer).weights)
    if "encoder_self" in record.kinds():
        _add_rollout(maps, record, with_flow)
    for attribution in attributions:
        maps[attribution.kind] = attribution.weights[0]
    return maps


def nli_method_maps(
    record: AttentionRecord, premise_len: int, hypothesis_len: int, with_flow: bool = True
) -> dict[str, np.ndarray]:
    """Every method's (hypothesis pieces × premise pieces) map of an NLI record, by name:
    "hypothesis_to_premise L0 H0" (decomposable) or "pair_self L{l} H{h}", its means, and
    "rollout L{l}" / "flow L{l}" (encoder classifier, cut from the pair)."""
    block = (slice(premise_len + 2, premise_len + 2 + hypothesis_len), slice(1, 1 + premise_len))
    maps: dict[str, np.ndarray] = {}
    for layer in record.layers("hypothesis_to_premise"):
        weights = record.get("hypothesis_to_premise", layer).weights
        _add_heads(maps, "hypothesis_to_premise", layer, weights)
    for layer in record.layers("pair_self"):
        _add_heads(maps, "pair_self", layer, record.get("pair_self", layer).weights[:, *block])
    if "pair_self" in record.kinds():
        _add_rollout(maps, record, with_flow, block)
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


@dataclass
class _Sentence:
    """maps: method -> (rows × keys) pieces; links: a map's hard word alignment, oriented as the
    gold links ((source word, target word); NLI (premise word, hypothesis word))."""

    maps: dict[str, np.ndarray]
    links: Callable[[np.ndarray], set]
    gold: Alignment | None


def _word_links(weights, query_groups, key_groups) -> set:
    return hard_alignment(merge_map(weights[None], query_groups, key_groups)[0])


def _translation(
    translator, pair: TranslationPair, with_flow: bool, steps: int, methods: Sequence[str]
) -> _Sentence:
    """Forced decoding of the reference; the EOS row and column are left out of the links."""
    result = translator.translate(pair.source, reference=pair.target)
    attributions = (
        explain_translation(translator, pair.source, pair.target, methods=methods, steps=steps)
        if methods
        else []
    )
    target, source = result.output_pieces, result.source_pieces
    eos = translator.target_tokenizer.id_to_piece(EOS_ID)
    rows = len(target) - 1 if target and target[-1] == eos else len(target)
    cols = len(source) - 1 if source and source[-1] == eos else len(source)
    query_groups = translator.target_tokenizer.word_groups(target[:rows])
    key_groups = translator.source_tokenizer.word_groups(source[:cols])
    return _Sentence(
        method_maps(result.record, attributions, with_flow),
        lambda weights: _word_links(weights[:rows, :cols], query_groups, key_groups),
        pair.alignment,
    )


def _nli(classifier, pair: NLIPair, with_flow: bool) -> _Sentence:
    result = classifier.classify(pair.premise, pair.hypothesis)
    premise, hypothesis = result.premise_pieces, result.hypothesis_pieces
    query_groups = classifier.tokenizer.word_groups(hypothesis)
    key_groups = classifier.tokenizer.word_groups(premise)
    return _Sentence(
        nli_method_maps(result.record, len(premise), len(hypothesis), with_flow),
        lambda weights: _word_links(weights, query_groups, key_groups),
        pair.alignment,
    )


def agreement(
    wrapper,
    pairs: Sequence[TranslationPair] | Sequence[NLIPair],
    with_flow: bool = True,
    steps: int = 64,
    attributions: Sequence[str] = METHODS,
    progress: Callable[[int], None] | None = None,
) -> Agreement:
    """The agreement table of a Translator over ``TranslationPair``s, or of a Classifier over
    ``NLIPair``s (one pair: a sentence's table). AER is the corpus AER over the pairs that have
    gold links; correlations are averaged over every row of every pair. ``steps``: integrated
    gradients' and ``attributions``: the gradient methods to run (translation);
    ``progress(1)`` after each pair."""
    if not pairs:
        raise ValueError("agreement needs at least one translation or NLI pair")
    sentences = []
    for pair in pairs:
        if isinstance(pair, TranslationPair):
            sentences.append(_translation(wrapper, pair, with_flow, steps, attributions))
        else:
            sentences.append(_nli(wrapper, pair, with_flow))
        if progress is not None:
            progress(1)
    methods = list(sentences[0].maps)
    with_gold = [sentence for sentence in sentences if sentence.gold is not None]
    gold = [sentence.gold for sentence in with_gold]
    aer = {
        name: alignment_error_rate([s.links(s.maps[name]) for s in with_gold], gold)
        for name in methods
        if gold
    }
    spearman = np.full((len(methods), len(methods)), np.nan)
    kendall = spearman.copy()
    rows = {name: [row for s in sentences for row in s.maps[name]] for name in methods}
    for i, a in enumerate(methods):  # both correlations are symmetric: each pair once
        for j in range(i, len(methods)):
            spearman[i, j], kendall[i, j] = rank_correlations(rows[a], rows[methods[j]])
            spearman[j, i], kendall[j, i] = spearman[i, j], kendall[i, j]
    return Agreement(methods, aer, spearman, kendall, len(pairs))
