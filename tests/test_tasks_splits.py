"""Deterministic, disjoint splits shared by the generated tasks."""

import random

import pytest

from core_models.data.tasks.splits import SplitCollector, draw_split, split_of, split_rng


def test_split_of_a_key_never_changes_and_follows_the_fractions():
    keys = [f"sentence {i}" for i in range(20_000)]
    first = [split_of(key) for key in keys]
    assert first == [split_of(key) for key in keys]
    share = {split: first.count(split) / len(keys) for split in ("train", "valid", "test")}
    assert share["train"] == pytest.approx(0.8, abs=0.02)
    assert share["valid"] == pytest.approx(0.1, abs=0.02)
    assert share["test"] == pytest.approx(0.1, abs=0.02)


def test_split_rng_ignores_the_global_random_state():
    random.seed(1)
    first = [split_rng("copy", "train", 7).random() for _ in range(3)]
    random.seed(2)
    second = [split_rng("copy", "train", 7).random() for _ in range(3)]
    assert first == second
    assert split_rng("copy", "valid", 7).random() != split_rng("copy", "train", 7).random()


def test_collector_keeps_only_new_keys_of_its_split():
    collector = SplitCollector("valid", size=50, key=str)
    for number in range(10_000):
        collector.offer(number % 3000)  # every key offered more than once
        if collector.full:
            break
    assert len(collector.items) == 50
    assert len(set(collector.items)) == 50
    assert all(split_of(str(item)) == "valid" for item in collector.items)
    assert not collector.offer(123456789)  # full: nothing more is taken


def test_draw_split_gives_disjoint_splits():
    def draw(rng):
        return rng.randrange(100_000)

    splits = {
        s: set(draw_split("toy", s, 0, 200, draw, key=str)) for s in ("train", "valid", "test")
    }
    assert all(len(items) == 200 for items in splits.values())
    assert not splits["train"] & splits["valid"]
    assert not splits["train"] & splits["test"]
    assert not splits["valid"] & splits["test"]


def test_too_small_a_space_fails_with_a_clear_message():
    with pytest.raises(RuntimeError, match="smaller size"):
        draw_split("toy", "test", 0, 50, lambda rng: rng.randrange(20), key=str)


def test_unknown_split_names_the_choices():
    with pytest.raises(ValueError, match="train, valid, test"):
        split_rng("copy", "dev", 0)
