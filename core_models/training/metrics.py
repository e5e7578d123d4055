"""Metrics: BLEU and chrF (sacrebleu; Papineni et al. 2002, Popović 2015), NLI accuracy and the
confusion matrix, and the alignment error rate of attention (Och & Ney 2003).

sacrebleu is imported when a score is first asked for: the app's window imports this module (for
the alignment error rate) and would otherwise pay ~0.1 s at launch for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from core_models.data.pairs import Alignment
from core_models.words import UNSPACED_SHARE_LIMIT, unspaced_share


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus BLEU (0-100) with sacrebleu's default 13a tokenisation, or its "zh" tokenisation
    (every Chinese character a token) when the references are written without spaces (en-zh)."""
    import sacrebleu  # here: the app's launch does not need it

    references = list(references)
    tokenize = "zh" if unspaced_share(references) > UNSPACED_SHARE_LIMIT else "13a"
    # force: our bundled texts are space-tokenised on purpose (sacrebleu would warn about it)
    score = sacrebleu.corpus_bleu(list(hypotheses), [references], force=True, tokenize=tokenize)
    return float(score.score)


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF (0-100)."""
    import sacrebleu

    return float(sacrebleu.corpus_chrf(list(hypotheses), [list(references)]).score)


def accuracy(predicted: Sequence[int], gold: Sequence[int]) -> float:
    if not gold:
        return 0.0
    return float(np.mean(np.asarray(predicted) == np.asarray(gold)))


def confusion_matrix(predicted: Sequence[int], gold: Sequence[int], classes: int) -> np.ndarray:
    """(classes, classes) counts: row = gold label, column = predicted label."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(gold, dtype=int), np.asarray(predicted, dtype=int)), 1)
    return matrix


def hard_alignment(weights: np.ndarray) -> set[tuple[int, int]]:
    """The attention's alignment: each target word links to its most-attended source word.

    weights: (target words, source words) -> {(source_word, target_word)}.
    """
    if weights.size == 0:
        return set()
    return {(int(source), target) for target, source in enumerate(weights.argmax(axis=1))}


def alignment_error_rate(
    predicted: Iterable[set[tuple[int, int]]], gold: Iterable[Alignment]
) -> float:
    """AER = 1 - 2|A ∩ S| / (|A| + |S|), summed over the corpus (sure links only: P = S)."""
    overlap = predicted_total = gold_total = 0
    for links, gold_links in zip(predicted, gold, strict=True):
        gold_set = set(map(tuple, gold_links))
        overlap += len(links & gold_set)
        predicted_total += len(links)
        gold_total += len(gold_set)
    if predicted_total + gold_total == 0:
        return 0.0
    return 1.0 - 2.0 * overlap / (predicted_total + gold_total)
