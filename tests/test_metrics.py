"""Metrics: BLEU / chrF sanity, accuracy, the confusion matrix and the alignment error rate."""

import numpy as np
import pytest

from core_models.training.evaluate import sentence_aer
from core_models.training.metrics import (
    accuracy,
    alignment_error_rate,
    bleu,
    chrf,
    confusion_matrix,
    hard_alignment,
)

REFERENCES = ["the cat sat on the mat", "a dog barked at the postman today"]


def test_identical_translations_score_100():
    assert bleu(REFERENCES, REFERENCES) == pytest.approx(100.0)
    assert chrf(REFERENCES, REFERENCES) == pytest.approx(100.0)


def test_unrelated_translations_score_near_0():
    hypotheses = ["zebra quantum violin", "purple elephants juggle"]
    assert bleu(hypotheses, REFERENCES) < 1.0
    assert chrf(hypotheses, REFERENCES) < 15.0


def test_a_partly_right_translation_scores_in_between():
    hypotheses = ["the cat sat on a rug", "a dog barked at the postman today"]
    assert 20.0 < bleu(hypotheses, REFERENCES) < 100.0
    assert chrf(["the cat sat on a rug"], REFERENCES[:1]) < chrf(
        ["the cat sat on the rug"], REFERENCES[:1]
    )


def test_accuracy_counts_matching_labels():
    assert accuracy([0, 1, 2, 1], [0, 1, 1, 1]) == pytest.approx(0.75)
    assert accuracy([], []) == 0.0


def test_confusion_matrix_rows_are_gold_and_columns_predicted():
    matrix = confusion_matrix(predicted=[0, 2, 2, 1, 0], gold=[0, 2, 1, 1, 2], classes=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 1]]
    assert matrix.sum() == 5 and np.trace(matrix) == 3


def test_hard_alignment_links_each_target_word_to_its_most_attended_source_word():
    weights = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])  # (target words, source words)
    assert hard_alignment(weights) == {(0, 0), (2, 1)}
    assert hard_alignment(np.zeros((0, 3))) == set()


def test_aer_is_0_for_the_gold_alignment_and_1_for_a_disjoint_one():
    gold = [((0, 0), (1, 1), (2, 2))]
    assert alignment_error_rate([{(0, 0), (1, 1), (2, 2)}], gold) == 0.0
    assert alignment_error_rate([{(1, 0), (2, 1), (0, 2)}], gold) == 1.0


def test_aer_by_hand_over_a_corpus():
    # sentence 1: 2 of 3 predicted links are gold (3 gold); sentence 2: 1 of 2 (2 gold)
    predicted = [{(0, 0), (1, 1), (1, 2)}, {(0, 1), (1, 1)}]
    gold = [((0, 0), (1, 1), (2, 2)), ((0, 1), (1, 0))]
    # AER = 1 - 2 * (2 + 1) / ((3 + 2) + (3 + 2)) = 0.4
    assert alignment_error_rate(predicted, gold) == pytest.approx(0.4)


def test_aer_of_a_reversal_map_against_the_anti_diagonal():
    attention = np.eye(4)[::-1] * 0.9 + 0.025  # target word j attends to source word 3 - j
    gold = tuple((3 - j, j) for j in range(4))
    assert sentence_aer(attention, gold) == 0.0
    assert sentence_aer(np.eye(4), gold) == 1.0


def test_aer_needs_as_many_predictions_as_gold_sentences():
    with pytest.raises(ValueError):
        alignment_error_rate([{(0, 0)}], [((0, 0),), ((1, 1),)])
