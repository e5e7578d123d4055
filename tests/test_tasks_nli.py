"""The NLI task: gold labels from lexical relations, gold alignments, balance, splits, determinism."""

import collections
import itertools
import random

import pytest

from core_models.data.tasks import get_task
from core_models.data.tasks import nli_logic as logic
from core_models.data.tasks.nli import draw_hypothesis, edit, generate, premises_by_label
from core_models.data.tasks.nli_sentences import (
    EntitySentence,
    QuantifiedSentence,
    adjectives_for,
    is_valid,
    literals,
    make_pair,
    plural,
)
from core_models.models.base import NLI_LABELS

SPLITS = ("train", "valid", "test")
SINGULAR = {plural(n): n for n in logic.NOUNS.nodes if plural(n)}
ADVERB_WORDS = {w.word: c for c, w in logic.ADVERBS.items()}


def adjective(word, noun):
    """The concept of ``word`` on the scale that fits ``noun`` ("old" man: age, "old" car: wear)."""
    (concept,) = [c for c in adjectives_for(noun) if logic.ADJECTIVES[c].word == word]
    return concept


def parse(text):
    """A test-side reader of the three templates, so that cases below read as plain sentences."""
    words = text.split()
    if words[0] in logic.QUANTIFIERS:
        quantifier, *restrictor, are, predicate = words
        noun = SINGULAR[restrictor[-1]]
        attribute = adjective(restrictor[0], noun) if len(restrictor) == 2 else None
        return QuantifiedSentence(quantifier, noun, adjective(predicate, noun), attribute)
    is_at = words.index("is")
    noun = words[is_at - 1]
    attribute = adjective(words[1], noun) if is_at == 3 else None
    rest = words[is_at + 1 :]
    negated = rest[0] == "not"
    head, *tail = rest[1:] if negated else rest
    if head not in logic.VERBS.children:
        return EntitySentence(noun, adjective(head, noun), attribute, negated)
    adverb = ADVERB_WORDS[tail.pop(0)] if tail and tail[0] in ADVERB_WORDS else None
    place = tail[-1] if tail else None
    return EntitySentence(noun, head, attribute, negated, adverb, place)


def pair_of(premise, hypothesis):
    pair = make_pair(parse(premise), parse(hypothesis))
    assert (pair.premise, pair.hypothesis) == (premise, hypothesis)  # the templates render back
    return pair


E, N, C = NLI_LABELS
CASES = [
    # hypernyms, hyponyms, co-hyponyms (one entity), facets that do not exclude
    ("the poodle is big", "the dog is big", E),
    ("the poodle is big", "the animal is big", E),
    ("the dog is big", "the poodle is big", N),
    ("the dog is big", "the cat is big", C),
    ("the guitar is old", "the instrument is old", E),
    ("the boy is running", "the girl is running", C),
    ("the boy is running", "the person is running", E),
    ("the man is running", "the doctor is running", N),
    # antonyms and negation
    ("the dog is big", "the dog is small", C),
    ("the dog is big", "the dog is not small", E),
    ("the dog is big", "the dog is not big", C),
    ("the dog is not big", "the dog is small", N),
    ("the door is not open", "the door is closed", E),
    ("the door is open", "the door is not closed", E),
    ("the dog is huge", "the dog is big", E),
    ("the dog is big", "the dog is huge", N),
    ("the dog is tiny", "the dog is not big", E),
    # added and dropped modifiers
    ("the big dog is hungry", "the dog is hungry", E),
    ("the dog is hungry", "the big dog is hungry", N),
    ("the big dog is hungry", "the small dog is hungry", C),
    ("the big dog is hungry", "the hungry dog is big", E),
    ("the man is running quickly", "the man is running", E),
    ("the man is running", "the man is running quickly", N),
    ("the man is running in the park", "the man is running", E),
    ("the man is running", "the man is running in the park", N),
    # verbs: troponyms, exclusive and independent activities, implied manner
    ("the man is sprinting", "the man is running", E),
    ("the man is running", "the man is sprinting", N),
    ("the woman is whispering", "the woman is talking", E),
    ("the woman is whispering", "the woman is talking loudly", C),
    ("the man is sprinting", "the man is running quickly", E),
    ("the man is running", "the man is sleeping", C),
    ("the man is running", "the man is not sleeping", E),
    ("the man is running", "the man is singing", N),
    ("the man is running quickly", "the man is moving slowly", C),
    ("the man is running quickly", "the man is singing slowly", N),
    # places and regions
    ("the man is running in the park", "the man is running outside", E),
    ("the man is reading in the kitchen", "the man is reading outside", C),
    ("the man is swimming in the pool", "the man is swimming outside", N),
    ("the man is running in the park", "the man is running on the beach", C),
    # quantifiers: monotonicity and existential import
    ("all dogs are big", "all poodles are big", E),
    ("all poodles are big", "all dogs are big", N),
    ("some poodles are big", "some dogs are big", E),
    ("some dogs are big", "some poodles are big", N),
    ("no dogs are big", "no poodles are big", E),
    ("no poodles are big", "no dogs are big", N),
    ("all dogs are big", "some dogs are big", E),
    ("some dogs are big", "all dogs are big", N),
    ("all dogs are big", "no dogs are big", C),
    ("some dogs are big", "no dogs are big", C),
    ("all dogs are huge", "all dogs are big", E),
    ("no dogs are big", "no dogs are huge", E),
    ("all dogs are big", "no dogs are small", E),
    ("no doors are open", "all doors are closed", E),
    ("no dogs are big", "all dogs are small", N),
    ("all dogs are big", "all cats are big", N),
    ("all dogs are hungry", "all big dogs are hungry", E),
    ("all big dogs are hungry", "all dogs are hungry", N),
    ("some big dogs are hungry", "some dogs are hungry", E),
]


@pytest.mark.parametrize(("premise", "hypothesis", "gold"), CASES)
def test_hand_picked_pairs_get_their_label(premise, hypothesis, gold):
    assert pair_of(premise, hypothesis).label == gold


def test_hypernym_aligns_to_its_hyponym_and_antonyms_align():
    pair = pair_of("the poodle is big", "the animal is not small")
    # the-the, poodle-animal, is-is, big-small; "not" has no partner
    assert set(pair.alignment) == {(0, 0), (1, 1), (2, 2), (3, 4)}
    pair = pair_of("the man is running in the park", "the man is running outside")
    assert (6, 4) in pair.alignment  # park - outside
    assert all(j != 4 or i == 6 for i, j in pair.alignment)


def test_quantified_nouns_align_across_plural_forms():
    pair = pair_of("all men are tall", "some people are tall")
    assert set(pair.alignment) == {(0, 0), (1, 1), (2, 2), (3, 3)}


def brute_force_label(premise, hypothesis):
    """Truth tables over the pair's literals under the pairwise lexical constraints."""
    atoms = sorted({(lit.field, lit.concept, lit.event) for lit in premise + hypothesis}, key=str)
    constraints = []
    for (a, first), (b, second) in itertools.combinations(enumerate(atoms), 2):
        if first[0] != second[0]:
            continue
        probe_a = logic.Literal(first[0], first[1], True, first[2])
        probe_b = logic.Literal(second[0], second[1], True, second[2])
        relation = logic.literal_relation(probe_a, probe_b)
        if relation != logic.INDEPENDENCE:
            constraints.append((a, b, relation))

    def consistent(values):
        for a, b, relation in constraints:
            x, y = values[a], values[b]
            if (
                (relation == logic.EQUIVALENCE and x != y)
                or (relation == logic.FORWARD and x and not y)
                or (relation == logic.REVERSE and y and not x)
                or (relation == logic.ALTERNATION and x and y)
                or (relation == logic.NEGATION and x == y)
            ):
                return False
        return True

    def holds(lits, values):
        return all(values[atoms.index((l.field, l.concept, l.event))] == l.positive for l in lits)

    worlds = [v for v in itertools.product((False, True), repeat=len(atoms)) if consistent(v)]
    premise_worlds = [v for v in worlds if holds(premise, v)]
    assert premise_worlds, "premise is self-contradictory"
    if not any(holds(hypothesis, v) for v in premise_worlds):
        return C
    return E if all(holds(hypothesis, v) for v in premise_worlds) else N


def test_entity_labels_agree_with_truth_tables_on_generated_pairs():
    rng = random.Random(11)
    checked = collections.Counter()
    while sum(checked.values()) < 400:
        hypothesis = draw_hypothesis(rng)
        premise = edit(rng, hypothesis)
        if premise is None or isinstance(hypothesis, QuantifiedSentence):
            continue
        expected = brute_force_label(literals(premise), literals(hypothesis))
        assert logic.entity_label(literals(premise), literals(hypothesis)) == expected, (
            premise,
            hypothesis,
        )
        checked[expected] += 1
    assert min(checked.values()) > 40  # all three labels were exercised


def test_labels_are_balanced_and_every_hypothesis_has_all_three():
    pairs = generate("valid", seed=1, size=600)
    counts = collections.Counter(p.label for p in pairs)
    assert counts == {label: 200 for label in NLI_LABELS}
    by_hypothesis = collections.defaultdict(list)
    for pair in pairs:
        by_hypothesis[pair.hypothesis].append(pair.label)
    assert all(sorted(labels) == sorted(NLI_LABELS) for labels in by_hypothesis.values())


def test_sizes_not_divisible_by_three_stay_balanced_within_one():
    counts = collections.Counter(p.label for p in generate("test", size=301))
    assert sum(counts.values()) == 301
    assert max(counts.values()) - min(counts.values()) <= 1


def test_alignments_index_words_and_link_equal_or_related_words():
    pairs = generate("train", seed=2, size=900)
    for pair in pairs:
        premise, hypothesis = pair.premise.split(), pair.hypothesis.split()
        assert pair.alignment, pair
        for i, j in pair.alignment:
            assert 0 <= i < len(premise) and 0 <= j < len(hypothesis)
        # a word present on both sides as the noun/verb/adjective is aligned to itself
        for i, word in enumerate(premise):
            if word in hypothesis and word not in ("the", "in", "on", "is", "are", "not"):
                assert (i, hypothesis.index(word)) in pair.alignment, (word, pair)


def test_same_seed_same_pairs_other_seed_other_pairs():
    assert generate("valid", seed=4, size=150) == generate("valid", seed=4, size=150)
    assert generate("valid", seed=4, size=150) != generate("valid", seed=5, size=150)


def test_splits_share_no_pair_and_no_hypothesis():
    pairs = {s: generate(s, seed=0, size=450) for s in SPLITS}
    hypotheses = {s: {p.hypothesis for p in found} for s, found in pairs.items()}
    keys = {s: {(p.premise, p.hypothesis) for p in found} for s, found in pairs.items()}
    for a, b in itertools.combinations(SPLITS, 2):
        assert not hypotheses[a] & hypotheses[b]
        assert not keys[a] & keys[b]
    assert all(len(k) == 450 for k in keys.values())  # no duplicates within a split


def test_vocabulary_is_hundreds_of_plain_lowercase_words():
    pairs = generate("train", seed=0, size=3000)
    vocabulary = {w for p in pairs for w in f"{p.premise} {p.hypothesis}".split()}
    assert len(vocabulary) >= 300
    assert all(w.replace("-", "").isalpha() and w == w.lower() for w in vocabulary)


def test_generated_sentences_respect_the_lexicon():
    rng = random.Random(3)
    for _ in range(300):
        hypothesis = draw_hypothesis(rng)
        assert is_valid(hypothesis), hypothesis
        found = premises_by_label(rng, hypothesis, count=1, variants=1)
        for gold, premises in found.items():
            for premise in premises:
                assert is_valid(premise)
                assert make_pair(premise, hypothesis).label == gold


def test_nonsense_is_rejected_by_selectional_restrictions():
    assert not is_valid(EntitySentence("guitar", "running"))  # guitars do not run
    assert not is_valid(EntitySentence("trout", "swimming", place="kitchen"))
    assert not is_valid(EntitySentence("man", "sprinting", adverb="pace:slowly"))
    assert not is_valid(EntitySentence("man", "running", negated=True, place="park"))
    assert not is_valid(EntitySentence("dog", "size:big", attribute="size:small"))
    assert is_valid(EntitySentence("dog", "running", place="park"))


def test_registry_default_sizes():
    assert len(get_task("nli").generate("valid")) == 2100
