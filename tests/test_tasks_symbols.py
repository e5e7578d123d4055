"""The copy and reverse tasks: symbol sequences, their targets and diagonal alignments."""

import string

import pytest

from core_models.data.tasks import get_task
from core_models.data.tasks.symbols import MAX_LENGTH, MIN_LENGTH, generate_copy, generate_reverse

SPLITS = ("train", "valid", "test")


def test_copy_target_is_the_source_with_a_diagonal_alignment():
    for pair in generate_copy("valid", size=300):
        assert pair.target == pair.source
        n = len(pair.source.split())
        assert pair.alignment == tuple((j, j) for j in range(n))


def test_reverse_target_is_the_reversed_source_with_an_anti_diagonal_alignment():
    for pair in generate_reverse("valid", size=300):
        source, target = pair.source.split(), pair.target.split()
        assert target == source[::-1]
        assert len(pair.alignment) == len(target)
        for i, j in pair.alignment:
            assert source[i] == target[j]
            assert i == len(source) - 1 - j


@pytest.mark.parametrize("generate", [generate_copy, generate_reverse])
def test_sources_are_3_to_12_lowercase_letters(generate):
    lengths = set()
    for pair in generate("train", size=2000):
        words = pair.source.split()
        lengths.add(len(words))
        assert all(len(w) == 1 and w in string.ascii_lowercase for w in words)
    assert lengths == set(range(MIN_LENGTH, MAX_LENGTH + 1))


@pytest.mark.parametrize("generate", [generate_copy, generate_reverse])
def test_same_seed_same_pairs_other_seed_other_pairs(generate):
    assert generate("test", seed=3, size=200) == generate("test", seed=3, size=200)
    assert generate("test", seed=3, size=200) != generate("test", seed=4, size=200)


@pytest.mark.parametrize("generate", [generate_copy, generate_reverse])
def test_splits_never_share_a_source(generate):
    sources = {s: {p.source for p in generate(s, seed=1, size=1000)} for s in SPLITS}
    assert all(len(found) == 1000 for found in sources.values())
    assert not sources["train"] & sources["valid"]
    assert not sources["train"] & sources["test"]
    assert not sources["valid"] & sources["test"]


def test_registry_default_sizes():
    assert len(get_task("copy").generate("valid")) == 1000
    assert len(get_task("reverse").generate("test")) == 1000


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="unknown split"):
        generate_copy("dev")
