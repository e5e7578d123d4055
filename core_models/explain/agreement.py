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
  method, where a rank correlation is undefined, are left out); computed for every pair of
  methods and every row of a length at once (``correlation_matrices``).

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


def _unit_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Spearman, Kendall) features of rows (n, keys): each row's centred ranks and its signs of
    every key pair (i < j), scaled to unit length, so that the dot product of two methods'
    features is Spearman's ρ and Kendall's τ-b of those rows (ties averaged as scipy does);
    a constant row has zero features."""
    from scipy.stats import rankdata

    ranks = rankdata(rows, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    first, second = np.triu_indices(rows.shape[1], 1)
    signs = np.sign(rows[:, first] - rows[:, second])
    return tuple(
        np.divide(x, n, out=np.zeros_like(x), where=n > 0)
        for x in (ranks, signs)
        for n in [np.linalg.norm(x, axis=1, keepdims=True)]
    )


def correlation_matrices(rows: Sequence[Sequence[np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(Spearman ρ, Kendall τ-b) matrices (methods × methods): the mean over rows of each pair of
    methods' correlations; ``rows[m][i]``: method m's row i (row i of every method: the same
    output token over the same keys). Rows constant in either method, where a rank correlation
    is undefined, are left out (NaN when none is left). All rows of a length at once."""
    methods = len(rows)
    total = np.zeros((2, methods, methods))
    counts = np.zeros((methods, methods))
    lengths = np.array([len(row) for row in rows[0]]) if methods else np.zeros(0)
    for length in np.unique(lengths):
        chosen = np.flatnonzero(lengths == length)
        features = [_unit_rows(np.array([method[i] for i in chosen], float)) for method in rows]
        spearman = np.stack([ranks for ranks, _ in features])  # (methods, rows, keys)
        kendall = np.stack([signs for _, signs in features])
        valid = (np.abs(spearman).sum(axis=2) > 0).astype(float)  # (methods, rows)
        counts += valid @ valid.T
        total[0] += np.einsum("anr,bnr->ab", spearman, spearman)
        total[1] += np.einsum("anr,bnr->ab", kendall, kendall)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, total / counts, np.nan)
    return means[0], means[1]


def rank_correlations(
    first: Sequence[np.ndarray], second: Sequence[np.ndarray]
) -> tuple[float, float]:
    """Mean over rows of Spearman's ρ and Kendall's τ-b between two methods' rows (row i of
    each: the same output token over the same keys; a (rows × keys) map is such a sequence)."""
    spearman, kendall = correlation_matrices([list(first), list(second)])
    return float(spearman[0, 1]), float(kendall[0, 1])


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
    spearman, kendall = correlation_matrices(
        [[row for s in sentences for row in s.maps[name]] for name in methods]
    )
    return Agreement(methods, aer, spearman, kendall, len(pairs))
