"""Agreement tables (core_models.explain.agreement): AER of every method against gold alignments
and rank correlations between methods."""

from itertools import combinations

import numpy as np
import pytest

from core_models.data.pairs import TranslationPair
from core_models.explain.agreement import agreement, correlation_matrices, rank_correlations
from core_models.inference import load_model


def reference_correlations(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Spearman as the Pearson correlation of ranks, Kendall by counting pairs (no ties)."""
    rank_a, rank_b = a.argsort().argsort(), b.argsort().argsort()
    spearman = np.corrcoef(rank_a, rank_b)[0, 1]
    signs = [np.sign(a[i] - a[j]) * np.sign(b[i] - b[j]) for i, j in combinations(range(len(a)), 2)]
    return spearman, np.mean(signs)


def test_rank_correlations_match_a_direct_computation():
    rng = np.random.default_rng(0)
    first, second = rng.random((5, 8)), rng.random((5, 8))
    rows = zip(first, second, strict=True)
    expected = np.array([reference_correlations(a, b) for a, b in rows]).mean(axis=0)
    assert np.allclose(rank_correlations(first, second), expected)
    assert rank_correlations(first, first) == pytest.approx((1.0, 1.0))
    assert rank_correlations(first, -first) == pytest.approx((-1.0, -1.0))


def test_constant_rows_are_left_out():
    rows = np.array([[0.2, 0.3, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    assert rank_correlations(rows, rows[:, ::-1].copy()) == pytest.approx((-1.0, -1.0))
    assert np.isnan(rank_correlations(rows[1:], rows[1:])[0])


def test_correlation_matrices_equal_scipy_row_by_row():
    """Rows of several lengths, ties (rounded weights) and constant rows, three methods: every
    entry is the mean of scipy's per-row spearmanr / kendalltau over the rows neither method has
    constant."""
    from scipy.stats import kendalltau, spearmanr

    rng = np.random.default_rng(1)
    lengths = [3, 7, 7, 12, 5, 7, 12, 2]
    methods = [[np.round(rng.random(n), 1) for n in lengths] for _ in range(3)]
    methods[1][2] = np.full(7, 0.5)  # constant in method 1 only
    methods[0][7] = np.array([0.4, 0.4])
    spearman, kendall = correlation_matrices(methods)
    for a, b in combinations(range(3), 2):
        kept = [
            (x, y)
            for x, y in zip(methods[a], methods[b], strict=True)
            if np.ptp(x) > 0 and np.ptp(y) > 0
        ]
        assert len(kept) < len(lengths)
        expected_rho = np.mean([spearmanr(x, y).statistic for x, y in kept])
        expected_tau = np.mean([kendalltau(x, y).statistic for x, y in kept])
        assert spearman[a, b] == pytest.approx(expected_rho, abs=1e-12)
        assert kendall[b, a] == pytest.approx(expected_tau, abs=1e-12)
    assert np.diag(spearman) == pytest.approx(1.0) and np.diag(kendall) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def translator():
    return load_model("transformer-en-fr")


def test_raw_attention_aer_is_the_evaluations(translator):
    pairs = translator.samples(4)
    table = agreement(translator, pairs, with_flow=False, steps=4)
    by_layer = translator.evaluate(size=4)["aer_by_layer"]
    for layer, aer in by_layer.items():
        assert table.aer[f"cross L{layer} mean"] == pytest.approx(aer)
    assert table.examples == 4


def test_a_sentence_table_has_every_method(translator):
    pair = translator.samples(1)[0]
    table = agreement(translator, [pair], steps=8)
    heads = [f"cross L{layer} H{head}" for layer in (0, 1) for head in range(4)]
    assert set(table.methods) == {
        *heads,
        "cross L0 mean",
        "cross L1 mean",
        "rollout L0",
        "rollout L1",
        "flow L0",
        "flow L1",
        "saliency",
        "input_x_gradient",
        "integrated_gradients",
    }
    assert set(table.aer) == set(table.methods)
    assert all(0.0 <= aer <= 1.0 for aer in table.aer.values())
    size = len(table.methods)
    assert table.spearman.shape == table.kendall.shape == (size, size)
    assert np.allclose(np.diag(table.spearman), 1.0) and np.allclose(np.diag(table.kendall), 1.0)
    assert np.allclose(table.spearman, table.spearman.T, equal_nan=True)


def test_pairs_without_gold_give_correlations_only(translator):
    table = agreement(
        translator, [TranslationPair("he hears the aunt .", "il entend la tante .")], steps=4
    )
    assert table.aer == {}
    assert np.isfinite(table.spearman).all()
    with pytest.raises(ValueError, match="at least one translation or NLI pair"):
        agreement(translator, [])


def test_nli_aer_is_the_views_on_the_word_map():
    from app.state.measures import attention_aer
    from app.state.records import word_record

    classifier = load_model("decomposable-nli")
    pairs = [pair for pair in classifier.samples(6) if pair.alignment][:2]
    table = agreement(classifier, pairs)
    assert table.methods == ["hypothesis_to_premise L0 H0", "hypothesis_to_premise L0 mean"]
    for pair in pairs:
        result = classifier.classify(pair.premise, pair.hypothesis, pair.alignment)
        words = word_record(result.record, classifier).get("hypothesis_to_premise", 0)
        alone = agreement(classifier, [pair]).aer["hypothesis_to_premise L0 mean"]
        assert alone == pytest.approx(attention_aer(words.weights[0], result.record.gold_alignment))


def test_encoder_classifier_table_cuts_the_hypothesis_premise_block():
    classifier = load_model("encoder_classifier-nli")
    pair = next(pair for pair in classifier.samples(6) if pair.alignment)
    table = agreement(classifier, [pair])
    layers = range(3)
    heads = [f"pair_self L{layer} H{head}" for layer in layers for head in range(4)]
    assert set(table.methods) == {
        *heads,
        *(f"pair_self L{layer} mean" for layer in layers),
        *(f"rollout L{layer}" for layer in layers),
        "flow L2",
    }
    assert all(0.0 <= aer <= 1.0 for aer in table.aer.values())
    assert np.allclose(np.diag(table.spearman), 1.0)
