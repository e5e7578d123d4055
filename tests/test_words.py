"""Pieces grouped into words, and attention maps merged from pieces to words."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core_models.record import AttentionMap, AttentionRecord, StepInfo
from core_models.words import group_words, merge_map, merge_record, merge_tokens


def test_sentencepiece_pieces_group_into_whitespace_words():
    pieces = ["▁the", "▁c", "at", "▁sat", "."]
    groups = group_words(pieces)
    assert groups == [[0], [1, 2], [3, 4]]
    assert merge_tokens(pieces, groups) == ["the", "cat", "sat."]


def test_special_tokens_are_words_of_their_own():
    pieces = ["<bos>", "▁the", "▁cat", "<eos>", "<pad>"]
    assert group_words(pieces) == [[0], [1], [2], [3], [4]]
    assert merge_tokens(pieces, group_words(pieces)) == ["<bos>", "the", "cat", "<eos>", "<pad>"]


def test_byte_pieces_of_one_character_stay_together_and_are_decoded():
    pieces = ["▁", "<0xE4>", "<0xB8>", "<0xAD>", "▁x", "<0xC3>", "<0xA9>"]  # 中, xé
    groups = group_words(pieces)
    assert groups == [[0, 1, 2, 3], [4, 5, 6]]
    assert merge_tokens(pieces, groups) == ["中", "xé"]


def test_each_chinese_piece_is_a_word():
    pieces = ["▁我", "喜欢", "吃", "苹果", "。"]
    groups = group_words(pieces)
    assert merge_tokens(pieces, groups) == ["我", "喜欢", "吃", "苹果", "。"]


def test_lone_space_piece_joins_the_next_word():
    pieces = ["a", "b", "▁", "c", "d"]  # a character tokenizer's pieces of "ab cd"
    assert group_words(pieces) == [[0, 1], [2, 3, 4]]


def test_merged_map_sums_keys_and_averages_queries():
    weights = np.array(
        [[[0.5, 0.25, 0.25], [0.0, 1.0, 0.0], [0.2, 0.2, 0.6]]], dtype=np.float32
    )  # (1 head, 3 query pieces, 3 key pieces)
    merged = merge_map(weights, query_groups=[[0, 1], [2]], key_groups=[[0], [1, 2]])
    expected = np.array([[[0.25, 0.75], [0.2, 0.8]]], dtype=np.float32)
    np.testing.assert_allclose(merged, expected, rtol=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    heads=st.integers(1, 3),
    queries=st.integers(1, 6),
    keys=st.integers(1, 6),
)
def test_merged_rows_still_sum_to_one(data, heads, queries, keys):
    raw = data.draw(arrays(np.float64, (heads, queries, keys), elements=st.floats(0.01, 1.0)))
    weights = raw / raw.sum(-1, keepdims=True)

    def groups(count):
        cuts = sorted(data.draw(st.sets(st.integers(1, count - 1))) if count > 1 else [])
        bounds = [0, *cuts, count]
        return [list(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]

    merged = merge_map(weights, groups(queries), groups(keys))
    np.testing.assert_allclose(merged.sum(-1), 1.0, rtol=1e-9)


def test_groups_that_miss_a_piece_are_refused():
    weights = np.full((1, 2, 3), 1 / 3)
    with pytest.raises(ValueError, match="piece 2 is in no group"):
        merge_map(weights, [[0], [1]], [[0, 1]])
    with pytest.raises(ValueError, match="piece 0 is in 2 groups"):
        merge_map(weights, [[0], [0, 1]], [[0], [1, 2]])


def _record():
    source = ["▁le", "▁ch", "at", "<eos>"]
    target = ["▁the", "▁c", "at", "<eos>"]
    cross = np.random.default_rng(0).dirichlet(np.ones(4), size=(2, 4)).astype(np.float32)
    steps = [
        StepInfo("▁the", 7, 0.9, [("▁the", 0.9), ("▁a", 0.05)]),
        StepInfo("▁c", 9, 0.5, [("▁c", 0.5), ("▁dog", 0.3)]),
        StepInfo("at", 11, 0.8, [("at", 0.8), ("ow", 0.1)]),
        StepInfo("<eos>", 3, 0.7, [("<eos>", 0.7), ("▁.", 0.2)]),
    ]
    return AttentionRecord(
        maps=[AttentionMap("cross", 0, cross, target, source)],
        steps=steps,
        gold_alignment=np.eye(3),
    )


def test_merged_record_is_over_words_and_keeps_the_gold_alignment():
    record = _record()
    merged = merge_record(record)
    cross = merged.get("cross")
    assert cross.query_tokens == ["the", "cat", "<eos>"]
    assert cross.key_tokens == ["le", "chat", "<eos>"]
    assert cross.weights.shape == (2, 3, 3)
    np.testing.assert_allclose(cross.weights.sum(-1), 1.0, rtol=1e-5)
    expected_cat_row = (
        record.maps[0].weights[:, 1:3].mean(1)
    )  # (heads, keys): query pieces averaged
    np.testing.assert_allclose(cross.weights[:, 1, 1], expected_cat_row[:, 1:3].sum(-1), rtol=1e-5)
    assert merged.gold_alignment is record.gold_alignment


def test_merged_steps_are_the_target_words_row_for_row():
    merged = merge_record(_record())
    assert [step.token for step in merged.steps] == merged.get("cross").query_tokens
    the, cat, eos = merged.steps
    assert (the.token_id, the.prob, the.top_k) == (7, 0.9, [("the", 0.9), ("a", 0.05)])
    # "cat" was written as "▁c" then "at": its probability is theirs multiplied, and its
    # alternatives are those weighed as it began
    assert (cat.token_id, cat.prob, cat.top_k) == (9, 0.5 * 0.8, [("c", 0.5), ("dog", 0.3)])
    assert (eos.token, eos.prob, eos.top_k) == ("<eos>", 0.7, [("<eos>", 0.7), (".", 0.2)])


def test_merged_steps_follow_the_target_groups_given():
    merged = merge_record(_record(), {"target": [[0], [1], [2], [3]]})
    assert [step.token for step in merged.steps] == ["the", "c", "at", "<eos>"]
    assert merged.get("cross").weights.shape == (2, 4, 3)


def test_steps_that_do_not_fit_the_target_groups_are_named():
    record = _record()
    record.steps = record.steps[:2]
    with pytest.raises(
        ValueError, match=r"decoding steps \(target pieces\): .* piece 2, but there are 2 pieces"
    ):
        merge_record(record, {"target": [[0], [1, 2], [3]]})


def test_merge_record_uses_the_groups_given_for_a_side():
    merged = merge_record(_record(), {"source": [[0, 1, 2], [3]]})
    assert merged.get("cross").key_tokens == ["le chat", "<eos>"]


def test_merge_record_names_the_map_whose_groups_do_not_fit():
    with pytest.raises(ValueError, match="cross map, layer 0 .*source keys"):
        merge_record(_record(), {"source": [[0, 1]]})
