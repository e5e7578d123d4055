"""Length-bucketed batches: sizes in sentences and tokens, every example once, DDP ranks, padding."""

import random

import pytest
import torch

from core_models.data.batching import bucket_batches, collate_nli, collate_translation, pad
from core_models.models.base import BOS_ID, EOS_ID, PAD_ID


def random_lengths(count: int, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, 40) for _ in range(count)]


@pytest.mark.parametrize("batch_size", [1, 7, 32])
def test_sentence_batches_hold_at_most_batch_size_examples(batch_size):
    batches = bucket_batches(random_lengths(500), batch_size, "sentences", seed=1)
    assert all(1 <= len(batch) <= batch_size for batch in batches)
    assert sum(len(b) == batch_size for b in batches) >= len(batches) - 5  # few short ones


@pytest.mark.parametrize("batch_size", [40, 100, 333])
def test_token_batches_hold_at_most_batch_size_padded_tokens(batch_size):
    lengths = random_lengths(500)
    batches = bucket_batches(lengths, batch_size, "tokens", seed=2)
    for batch in batches:
        assert max(lengths[i] for i in batch) * len(batch) <= batch_size


def test_an_example_longer_than_the_token_budget_gets_a_batch_of_its_own():
    lengths = [5, 50, 5, 5]
    batches = bucket_batches(lengths, 20, "tokens", shuffle=False)
    assert [1] in batches
    assert sorted(i for b in batches for i in b) == [0, 1, 2, 3]


@pytest.mark.parametrize("unit", ["sentences", "tokens"])
@pytest.mark.parametrize("shuffle", [True, False])
def test_every_example_is_in_exactly_one_batch(unit, shuffle):
    lengths = random_lengths(777, seed=3)
    batches = bucket_batches(lengths, 64, unit, shuffle=shuffle, seed=4)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))


def test_batches_group_similar_lengths():
    lengths = random_lengths(2000, seed=5)
    batches = bucket_batches(lengths, 16, seed=6)
    spread = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches]
    assert sum(spread) / len(spread) < 3  # a random batch of 16 would spread over ~35


def test_same_seed_gives_the_same_batches_and_another_seed_another_order():
    lengths = random_lengths(300)
    assert bucket_batches(lengths, 8, seed=7) == bucket_batches(lengths, 8, seed=7)
    assert bucket_batches(lengths, 8, seed=7) != bucket_batches(lengths, 8, seed=8)


@pytest.mark.parametrize("world_size", [2, 3])
def test_ddp_ranks_get_disjoint_batches_of_equal_count(world_size):
    lengths = random_lengths(1001, seed=9)
    single = bucket_batches(lengths, 10, seed=10)
    per_rank = [
        bucket_batches(lengths, 10, seed=10, rank=rank, world_size=world_size)
        for rank in range(world_size)
    ]
    assert len({len(batches) for batches in per_rank}) == 1
    seen = [i for batches in per_rank for batch in batches for i in batch]
    assert len(seen) == len(set(seen))  # no example on two ranks
    usable = len(single) - len(single) % world_size
    assert sorted(seen) == sorted(i for batch in single[:usable] for i in batch)


def test_unknown_batch_unit_is_an_error():
    with pytest.raises(ValueError, match="batch unit must be 'sentences' or 'tokens'"):
        bucket_batches([1, 2], 2, "words")


def test_padding_is_on_the_right_with_pad_id():
    ids, lengths = pad([[7, 8, 9], [10]])
    assert ids.tolist() == [[7, 8, 9], [10, PAD_ID, PAD_ID]]
    assert lengths.tolist() == [3, 1]


def test_translation_batch_has_eos_on_source_and_shifted_targets():
    batch = collate_translation([[10, 11, 12], [13]], [[20, 21], [22, 23, 24]], [5, 9])
    assert batch.src.tolist() == [[10, 11, 12, EOS_ID], [13, EOS_ID, PAD_ID, PAD_ID]]
    assert batch.src_lens.tolist() == [4, 2]
    assert batch.tgt_in.tolist() == [[BOS_ID, 20, 21, PAD_ID], [BOS_ID, 22, 23, 24]]
    assert batch.tgt_out.tolist() == [[20, 21, EOS_ID, PAD_ID], [22, 23, 24, EOS_ID]]
    assert batch.tgt_lens.tolist() == [3, 4]
    assert batch.num_tokens == 7  # the loss counts the target tokens and EOS, not padding
    assert batch.indices == [5, 9]


def test_nli_batch_pads_premise_and_hypothesis_separately():
    batch = collate_nli([[10, 11], [12, 13, 14]], [[20], [21, 22]], [0, 2], [1, 0])
    assert batch.premise.tolist() == [[10, 11, PAD_ID], [12, 13, 14]]
    assert batch.hypothesis.tolist() == [[20, PAD_ID], [21, 22]]
    assert batch.premise_lens.tolist() == [2, 3] and batch.hypothesis_lens.tolist() == [1, 2]
    assert batch.labels.dtype == torch.long and batch.labels.tolist() == [0, 2]
    assert batch.num_tokens == 8


def test_batch_moves_its_tensors_and_keeps_its_indices():
    batch = collate_translation([[10]], [[20]], [3]).to("cpu")
    assert batch.src.device.type == "cpu" and batch.indices == [3]
