"""The NLI task: premise / hypothesis pairs from lexical relations, after SNLI (Bowman et al. 2015).

Pairs are built hypothesis first, as SNLI was built premise first: a hypothesis is drawn, then
edited into premises until ``nli_logic`` has given it one premise for every label. Edits swap in
a hypernym, hyponym or co-hyponym noun, an antonym, stronger or weaker adjective, a troponym,
hypernym or exclusive verb; add, drop or change modifiers, adverbs and places; toggle negation;
change the quantifier; or move an adjective between attribute and predicate. Since each
hypothesis appears once under each label, a hypothesis alone says nothing about the label, and
:class:`PremiseBalance` keeps premises alone from saying much (``bench/nli_hypothesis_only.py``
measures both).
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from core_models.data.pairs import NLIPair
from core_models.data.tasks import nli_lexicon as lex
from core_models.data.tasks import nli_logic as logic
from core_models.data.tasks.nli_sentences import (
    EntitySentence,
    QuantifiedSentence,
    Sentence,
    adjectives_for,
    adverbs_for,
    attributes_for,
    compatible,
    is_valid,
    label,
    make_pair,
    places_for,
    plural,
    text,
    verbs_for,
)
from core_models.data.tasks.splits import SplitCollector, split_of, split_rng
from core_models.models.base import NLI_LABELS

DEFAULT_SIZES = {"train": 21_000, "valid": 2_100, "test": 2_100}
EDITS_PER_HYPOTHESIS = 200  # edits tried on one hypothesis before giving it up
HYPOTHESES_PER_PAIR = 50  # hypotheses drawn per requested pair before giving up on a size
CANDIDATE_PREMISES = 2  # premises per label found by editing the hypothesis ...
PREMISE_VARIANTS = 2  # ... and one-word variants of each, for PremiseBalance to choose from
_DESCRIBABLE = tuple(n for n in logic.NOUNS.nodes if adjectives_for(n))
_AGENTS = tuple(n for n in logic.NOUNS.nodes if verbs_for(n))
_COUNTABLE = tuple(n for n in _DESCRIBABLE if plural(n))


# --- hypotheses --------------------------------------------------------------------------------


def _maybe(rng: random.Random, probability: float, options: tuple[str, ...]) -> str | None:
    return rng.choice(options) if options and rng.random() < probability else None


def _other_scale(adjectives: tuple[str, ...], taken: str) -> tuple[str, ...]:
    scale = logic.ADJECTIVES[taken].scale
    return tuple(a for a in adjectives if logic.ADJECTIVES[a].scale != scale)


def draw_hypothesis(rng: random.Random) -> Sentence:
    """A random valid sentence of one of the three templates."""
    template = rng.random()
    if template < 0.25:
        noun = rng.choice(_COUNTABLE)
        predicate = rng.choice(adjectives_for(noun))
        attribute = _maybe(rng, 0.3, _other_scale(attributes_for(noun), predicate))
        return QuantifiedSentence(rng.choice(logic.QUANTIFIERS), noun, predicate, attribute)
    if template < 0.6:
        noun = rng.choice(_DESCRIBABLE)
        predicate = rng.choice(adjectives_for(noun))
        attribute = _maybe(rng, 0.3, _other_scale(attributes_for(noun), predicate))
        return EntitySentence(noun, predicate, attribute, negated=rng.random() < 0.25)
    noun = rng.choice(_AGENTS)
    verb = rng.choice(verbs_for(noun))
    attribute = _maybe(rng, 0.3, attributes_for(noun))
    if rng.random() < 0.25:
        return EntitySentence(noun, verb, attribute, negated=True)
    adverb = _maybe(rng, 0.3, adverbs_for(verb))
    return EntitySentence(
        noun, verb, attribute, adverb=adverb, place=_maybe(rng, 0.4, places_for(verb, noun))
    )


# --- edits: each returns an edited sentence, or None where it does not apply -----------------


@functools.cache
def _noun_neighbours(noun: str) -> tuple[tuple[str, ...], ...]:
    """(hypernym, hyponyms, co-hyponyms) of ``noun`` within its root's tree."""
    root = logic.NOUNS.path(noun)[0]
    parent = logic.NOUNS.parent.get(noun)
    related = set(logic.NOUNS.path(noun)) | set(logic.NOUNS.descendants(noun))
    others = tuple(n for n in (root, *logic.NOUNS.descendants(root)) if n not in related)
    return (parent,) if parent else (), logic.NOUNS.children[noun], others


@functools.cache
def _verb_neighbours(verb: str) -> tuple[tuple[str, ...], ...]:
    """(hypernym, troponyms, exclusive verbs, independent verbs) of ``verb``."""
    parent = logic.VERBS.parent.get(verb)
    relations = {v: logic.verb_relation(verb, v) for v in logic.VERBS.nodes}
    exclusive = tuple(v for v, r in relations.items() if r == logic.ALTERNATION)
    independent = tuple(v for v, r in relations.items() if r == logic.INDEPENDENCE)
    return (parent,) if parent else (), logic.VERBS.children[verb], exclusive, independent


def _pick_group(rng: random.Random, groups: tuple[tuple[str, ...], ...]) -> str | None:
    groups = tuple(g for g in groups if g)
    return rng.choice(rng.choice(groups)) if groups else None


@functools.cache
def _adjective_neighbours(concept: str, noun: str) -> tuple[tuple[str, ...], ...]:
    """(stronger or weaker words, antonyms, any other adjective) that fit ``noun``."""
    fitting = tuple(a for a in adjectives_for(noun) if a != concept)
    relations = {a: logic.relation("adjective", concept, a) for a in fitting}
    return (
        tuple(a for a, r in relations.items() if r in (logic.FORWARD, logic.REVERSE)),
        tuple(a for a, r in relations.items() if r in (logic.ALTERNATION, logic.NEGATION)),
        fitting,
    )


def _neighbour_adjective(rng: random.Random, concept: str, noun: str) -> str | None:
    return _pick_group(rng, _adjective_neighbours(concept, noun))


def _edit_noun(rng: random.Random, s: Sentence) -> Sentence | None:
    noun = _pick_group(rng, _noun_neighbours(s.noun))
    return None if noun is None else replace(s, noun=noun)


def _edit_attribute(rng: random.Random, s: Sentence) -> Sentence | None:
    if s.attribute is None:
        options = attributes_for(s.noun)
        return replace(s, attribute=rng.choice(options)) if options else None
    if rng.random() < 0.5:
        return replace(s, attribute=None)
    attribute = _neighbour_adjective(rng, s.attribute, s.noun)
    return None if attribute is None else replace(s, attribute=attribute)


def _edit_predicate(rng: random.Random, s: Sentence) -> Sentence | None:
    if isinstance(s, QuantifiedSentence) or not s.has_verb:
        predicate = _neighbour_adjective(rng, s.predicate, s.noun)
    else:
        predicate = _pick_group(rng, _verb_neighbours(s.predicate))
    return None if predicate is None else replace(s, predicate=predicate)


def _edit_quantifier(rng: random.Random, s: QuantifiedSentence) -> Sentence | None:
    return replace(s, quantifier=rng.choice([q for q in logic.QUANTIFIERS if q != s.quantifier]))


def _edit_negation(rng: random.Random, s: EntitySentence) -> Sentence | None:
    return replace(s, negated=not s.negated, adverb=None, place=None)


def _edit_adverb(rng: random.Random, s: EntitySentence) -> Sentence | None:
    if s.negated:
        return None
    if s.adverb is None:
        options = adverbs_for(s.predicate)
        return replace(s, adverb=rng.choice(options)) if options else None
    if rng.random() < 0.4:
        return replace(s, adverb=None)
    scale = logic.ADVERBS[s.adverb].scale
    return replace(s, adverb=rng.choice([a for a, w in logic.ADVERBS.items() if w.scale == scale]))


def _edit_place(rng: random.Random, s: EntitySentence) -> Sentence | None:
    if s.negated:
        return None
    if s.place is not None and rng.random() < 0.4:
        return replace(s, place=None)
    options = places_for(s.predicate, s.noun)
    region = lex.PLACES.get(s.place, ("", ""))[1]
    if region and rng.random() < 0.5:
        return replace(s, place=region)  # in the park -> outside
    return replace(s, place=rng.choice(options)) if options else None


def _edit_frame(rng: random.Random, s: EntitySentence) -> Sentence | None:
    """Move an adjective: "the big dog is V" <-> "the dog is big" <-> "the old dog is big"."""
    if s.negated:
        return None
    if s.has_verb:
        return None if s.attribute is None else EntitySentence(s.noun, s.attribute)
    if s.attribute is not None and rng.random() < 0.5:
        return replace(s, attribute=s.predicate, predicate=s.attribute)
    verbs = verbs_for(s.noun)
    return EntitySentence(s.noun, rng.choice(verbs), s.predicate) if verbs else None


Edit = Callable[[random.Random, Sentence], Sentence | None]
_SHARED_EDITS: tuple[Edit, ...] = (_edit_noun, _edit_attribute, _edit_predicate)
QUANTIFIED_EDITS = (*_SHARED_EDITS, _edit_quantifier)
COPULAR_EDITS = (*_SHARED_EDITS, _edit_negation, _edit_frame)
EVENT_EDITS = (*COPULAR_EDITS, _edit_adverb, _edit_place)
VARIANT_EDITS = frozenset((_edit_noun, _edit_attribute, _edit_adverb, _edit_place))  # one word
EDIT_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3, 3)  # how many edits make one premise, drawn uniformly


def _edits_for(sentence: Sentence) -> tuple[Edit, ...]:
    if isinstance(sentence, QuantifiedSentence):
        return QUANTIFIED_EDITS
    return EVENT_EDITS if sentence.has_verb else COPULAR_EDITS


def edit(rng: random.Random, hypothesis: Sentence) -> Sentence | None:
    """One to three random edits of ``hypothesis``; None if the result is invalid or unchanged."""
    sentence: Sentence | None = hypothesis
    for _ in range(rng.choice(EDIT_COUNTS)):
        sentence = rng.choice(_edits_for(sentence))(rng, sentence)
        if sentence is None:
            return None
    if sentence == hypothesis or not is_valid(sentence) or not compatible(sentence, hypothesis):
        return None
    return sentence


# --- pairs and splits --------------------------------------------------------------------------


def premises_by_label(
    rng: random.Random, hypothesis: Sentence, count: int = 1, variants: int = 0
) -> dict[str, list[Sentence]]:
    """Distinct premises per gold label, found by editing ``hypothesis``.

    Up to ``count`` premises per label come from :func:`edit`; each then tries ``variants``
    one-word changes of itself (noun, attribute, adverb or place) that keep its label.
    """
    found: dict[str, list[Sentence]] = {label: [] for label in NLI_LABELS}
    for _ in range(EDITS_PER_HYPOTHESIS):
        premise = edit(rng, hypothesis)
        if premise is None:
            continue
        options = found[label(premise, hypothesis)]
        if len(options) < count and premise not in options:
            options.append(premise)
            if all(len(o) == count for o in found.values()):
                break
    for gold, premises in found.items():
        for premise in list(premises):
            variant_edits = [e for e in _edits_for(premise) if e in VARIANT_EDITS]
            for _ in range(variants):
                variant = rng.choice(variant_edits)(rng, premise)
                if (
                    variant is not None
                    and variant != hypothesis
                    and variant not in premises
                    and is_valid(variant)
                    and compatible(variant, hypothesis)
                    and label(variant, hypothesis) == gold
                ):
                    premises.append(variant)
    return found


def _features(text: str) -> set[str]:
    words = text.split()
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


class PremiseBalance:
    """Counts premise words and bigrams per label, to pick the premise that tells the least.

    Edits that make an entailment tend to add detail to the premise and edits that make a
    neutral pair tend to remove it; choosing, among premises that give the wanted label, the one
    whose words are least over-represented under that label so far keeps premises alone from
    predicting the label (``bench/nli_hypothesis_only.py`` measures both sides).
    """

    def __init__(self) -> None:
        self.per_label: dict[str, Counter[str]] = {label: Counter() for label in NLI_LABELS}
        self.total: Counter[str] = Counter()

    def excess(self, text: str, label: str) -> int:
        """How over-represented the text's features are under ``label`` (× the label count).

        Integer arithmetic: a float sum over a set would depend on the set's iteration order,
        which changes with PYTHONHASHSEED, and make the generated pairs differ between runs.
        """
        counts, labels = self.per_label[label], len(NLI_LABELS)
        return sum(labels * counts[f] - self.total[f] for f in _features(text))

    def add(self, text: str, label: str) -> None:
        features = _features(text)
        self.per_label[label].update(features)
        self.total.update(features)


def generate(split: str, seed: int = 0, size: int | None = None) -> list[NLIPair]:
    """``size`` labelled pairs of ``split`` (default 21k / 2.1k / 2.1k).

    Every hypothesis comes with one premise per label (the last one drawn may be cut short when
    ``size`` is not a multiple of 3), so labels are balanced and hypotheses alone tell nothing.
    Splits are decided by the hypothesis: no hypothesis appears in two splits.
    """
    if size is None:
        size = DEFAULT_SIZES.get(split, 0)
    rng = split_rng("nli", split, seed)
    collector = SplitCollector(
        split, size, key=lambda p: f"{p.premise} | {p.hypothesis}", split_key=lambda p: p.hypothesis
    )
    balance = PremiseBalance()
    used: set[str] = set()
    for _ in range(HYPOTHESES_PER_PAIR * size + 1000):
        if collector.full:
            break
        hypothesis = draw_hypothesis(rng)
        hypothesis_text = text(hypothesis)
        if hypothesis_text in used or split_of(hypothesis_text) != split:
            continue
        used.add(hypothesis_text)
        found = premises_by_label(rng, hypothesis, CANDIDATE_PREMISES, PREMISE_VARIANTS)
        if not all(found.values()):
            continue  # a label this hypothesis cannot have: drop it for every label
        for wanted in rng.sample(NLI_LABELS, len(NLI_LABELS)):
            pair = min(
                (make_pair(p, hypothesis) for p in found[wanted]),
                key=lambda pair: balance.excess(pair.premise, wanted),
            )
            if collector.offer(pair):
                balance.add(pair.premise, wanted)
    if not collector.full:
        raise RuntimeError(
            f"nli split '{split}': only {len(collector.items)} of {size} pairs found; "
            "ask for a smaller size"
        )
    pairs = collector.items
    rng.shuffle(pairs)
    return pairs
