"""What every generated translation task (en-fr, en-de) guarantees: reproducible seeds, disjoint
splits of the documented sizes, sentence lengths with simple and complex sentences, a gold word
alignment covering every word, and a lexicon translating every English word. The languages' own
grammar is checked in test_tasks_en_fr.py and test_tasks_en_de.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pytest

from core_models.data.pairs import TranslationPair
from core_models.data.tasks import get_task
from core_models.data.tasks import lexicon_de as de
from core_models.data.tasks import lexicon_en as en
from core_models.data.tasks import lexicon_fr as fr
from core_models.data.tasks.en_de import generate as generate_de
from core_models.data.tasks.en_fr import generate as generate_fr

PUNCTUATION = {".", ","}
LEXICON_TABLES = ("NOUNS", "ADJECTIVES", "VERBS", "FRONT_ADVERBS", "PRONOUNS")


@dataclass(frozen=True)
class TaskFacts:
    name: str
    generate: Callable[..., list]  # the module's generate(split, seed, size) -> pairs
    lexicon: ModuleType
    max_target_words: int
    clause_markers: tuple[str, ...]  # target text that only complex sentences have


TASKS = [
    TaskFacts("en-fr", generate_fr, fr, 24, (" qui ", " que ", " parce ")),
    TaskFacts("en-de", generate_de, de, 26, (",",)),
]


@pytest.fixture(scope="module", params=TASKS, ids=lambda task: task.name)
def task(request) -> TaskFacts:
    return request.param


@pytest.fixture(scope="module")
def train(task) -> list[TranslationPair]:
    return task.generate("train")


def test_same_seed_gives_same_pairs_and_another_seed_others(task):
    assert task.generate("valid", seed=3, size=200) == task.generate("valid", seed=3, size=200)
    assert task.generate("valid", seed=3, size=200) != task.generate("valid", seed=4, size=200)
    assert get_task(task.name).generate("test", seed=1, size=50) == task.generate(
        "test", seed=1, size=50
    )


def test_splits_have_default_sizes_and_share_no_sentence(task, train):
    valid, test = task.generate("valid"), task.generate("test")
    assert (len(train), len(valid), len(test)) == (20_000, 1_000, 1_000)
    sources = [{pair.source for pair in split} for split in (train, valid, test)]
    assert [len(s) for s in sources] == [20_000, 1_000, 1_000]
    assert not (sources[0] & sources[1] or sources[0] & sources[2] or sources[1] & sources[2])


def test_unknown_split_is_refused(task):
    with pytest.raises(ValueError, match="train, valid, test"):
        task.generate("dev", size=5)


def test_sentences_are_three_to_twenty_words_with_simple_and_complex_ones(task, train):
    lengths = [len(pair.source.split()) for pair in train]
    assert min(lengths) >= 3 and max(lengths) <= 20
    assert max(len(pair.target.split()) for pair in train) <= task.max_target_words
    complex_share = sum(
        any(marker in pair.target for marker in task.clause_markers) for pair in train
    ) / len(train)
    assert 0.2 < complex_share < 0.6


def test_every_alignment_index_is_valid_and_every_word_is_aligned(train):
    for pair in train:
        source, target = pair.source.split(), pair.target.split()
        assert pair.alignment, pair
        assert all(0 <= i < len(source) and 0 <= j < len(target) for i, j in pair.alignment), pair
        aligned_source = {i for i, _ in pair.alignment}
        aligned_target = {j for _, j in pair.alignment}
        assert {i for i, w in enumerate(source) if w not in PUNCTUATION} <= aligned_source, pair
        assert {j for j, w in enumerate(target) if w not in PUNCTUATION} <= aligned_target, pair


def test_lexicon_has_three_hundred_entries_and_translates_every_english_word(task):
    assert task.lexicon.lexicon_size() >= 300
    for table in LEXICON_TABLES:
        assert set(getattr(task.lexicon, table)) == set(getattr(en, table)), table
