"""The sentences of the NLI task: templates, their words, their gold label and gold alignment.

Three templates over ``nli_lexicon`` (each slot filled only where the lexicon says it makes sense):

- "the [adjective] noun is [not] adjective"                  ("the old man is not tall")
- "the [adjective] noun is [not] verb [adverb] [place]"     ("the dog is running slowly in the park")
- "all|some|no [adjective] nouns are adjective"              ("all poodles are small")

The gold alignment links premise word i to hypothesis word j when both are content words with a
lexical relation (dog / animal, big / small, running / sprinting, park / outside) or fill the same
function slot (the, is, not, all / some, in the).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from core_models.data.pairs import NLIPair
from core_models.data.tasks import nli_lexicon as lex
from core_models.data.tasks import nli_logic as logic


@dataclass(frozen=True)
class EntitySentence:
    """ "the [attribute] noun is [not] predicate [adverb] [place]": predicate an adjective or verb."""

    noun: str
    predicate: str  # adjective concept ("size:big") or verb ("running")
    attribute: str | None = None  # adjective concept
    negated: bool = False
    adverb: str | None = None  # adverb concept; verbs only, never negated
    place: str | None = None  # place or region; verbs only, never negated

    @property
    def has_verb(self) -> bool:
        return self.predicate in logic.VERBS.children


@dataclass(frozen=True)
class QuantifiedSentence:
    """ "all|some|no [attribute] nouns are predicate"."""

    quantifier: str
    noun: str
    predicate: str  # adjective concept
    attribute: str | None = None


Sentence = EntitySentence | QuantifiedSentence


class Word(NamedTuple):
    """A rendered word: its text, its slot, and for content words its lexical field and concept."""

    text: str
    role: str
    field: str | None = None
    concept: str | None = None


def plural(noun: str) -> str | None:
    """The plural of ``noun``; None for mass nouns ("furniture")."""
    if noun in lex.IRREGULAR_PLURALS:
        return lex.IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _adjective(concept: str | None, role: str) -> list[Word]:
    return (
        []
        if concept is None
        else [Word(logic.ADJECTIVES[concept].word, role, "adjective", concept)]
    )


def render(sentence: Sentence) -> list[Word]:
    """The words of ``sentence``, in order."""
    if isinstance(sentence, QuantifiedSentence):
        return [
            Word(sentence.quantifier, "quantifier"),
            *_adjective(sentence.attribute, "attribute"),
            Word(plural(sentence.noun) or sentence.noun, "noun", "noun", sentence.noun),
            Word("are", "copula"),
            *_adjective(sentence.predicate, "predicate"),
        ]
    words = [
        Word("the", "determiner"),
        *_adjective(sentence.attribute, "attribute"),
        Word(sentence.noun, "noun", "noun", sentence.noun),
        Word("is", "copula"),
    ]
    if sentence.negated:
        words.append(Word("not", "negation"))
    if not sentence.has_verb:
        return words + _adjective(sentence.predicate, "predicate")
    words.append(Word(sentence.predicate, "predicate", "verb", sentence.predicate))
    if sentence.adverb:
        words.append(Word(logic.ADVERBS[sentence.adverb].word, "adverb", "adverb", sentence.adverb))
    if sentence.place in lex.REGIONS:
        words.append(Word(sentence.place, "place", "place", sentence.place))
    elif sentence.place:
        preposition, determiner, place = lex.PLACES[sentence.place][0].split()
        words += [Word(preposition, "preposition"), Word(determiner, "place determiner")]
        words.append(Word(place, "place", "place", sentence.place))
    return words


def literals(sentence: EntitySentence) -> list[logic.Literal]:
    """The conjuncts that ``sentence`` asserts about its entity (implied manners included)."""
    result = [logic.Literal("noun", sentence.noun)]
    if sentence.attribute:
        result.append(logic.Literal("adjective", sentence.attribute))
    if not sentence.has_verb:
        return result + [logic.Literal("adjective", sentence.predicate, not sentence.negated)]
    verb = sentence.predicate
    result.append(logic.Literal("verb", verb, not sentence.negated))
    if sentence.adverb:
        result.append(logic.Literal("adverb", sentence.adverb, True, verb))
    if verb in logic.IMPLIED_ADVERBS and not sentence.negated:
        result.append(logic.Literal("adverb", logic.IMPLIED_ADVERBS[verb], True, verb))
    if sentence.place:
        result.append(logic.Literal("place", sentence.place))
    return result


def label(premise: Sentence, hypothesis: Sentence) -> str:
    """The gold label of a pair of sentences of the same template family."""
    if isinstance(premise, EntitySentence) and isinstance(hypothesis, EntitySentence):
        return logic.entity_label(literals(premise), literals(hypothesis))
    if isinstance(premise, QuantifiedSentence) and isinstance(hypothesis, QuantifiedSentence):
        restrictors = logic.restrictor_relation(
            premise.noun, premise.attribute, hypothesis.noun, hypothesis.attribute
        )
        predicates = logic.relation("adjective", premise.predicate, hypothesis.predicate)
        return logic.quantified_label(
            premise.quantifier, hypothesis.quantifier, restrictors, predicates
        )
    raise ValueError(f"cannot compare {premise} with {hypothesis}: one quantified, one not")


def alignment(premise: list[Word], hypothesis: list[Word]) -> tuple[tuple[int, int], ...]:
    """(i, j) for related content words and for words filling the same function slot."""
    pairs = []
    for i, p in enumerate(premise):
        for j, h in enumerate(hypothesis):
            if p.field is not None and p.field == h.field:
                related = logic.relation(p.field, p.concept, h.concept) != logic.INDEPENDENCE
            else:
                related = p.field is None and h.field is None and p.role == h.role
            if related:
                pairs.append((i, j))
    return tuple(pairs)


def text(sentence: Sentence) -> str:
    """The sentence as space-separated words."""
    return " ".join(w.text for w in render(sentence))


def make_pair(premise: Sentence, hypothesis: Sentence) -> NLIPair:
    """The NLIPair of two sentences: texts, gold label and gold alignment."""
    premise_words, hypothesis_words = render(premise), render(hypothesis)
    return NLIPair(
        " ".join(w.text for w in premise_words),
        " ".join(w.text for w in hypothesis_words),
        label(premise, hypothesis),
        alignment(premise_words, hypothesis_words),
    )


# --- what may go with what -------------------------------------------------------------------


def _scale(concept: str | None) -> str | None:
    return None if concept is None else logic.ADJECTIVES[concept].scale.name


@functools.cache
def adjectives_for(noun: str) -> tuple[str, ...]:
    """Adjective concepts that can describe ``noun``."""
    return tuple(
        c for c, w in logic.ADJECTIVES.items() if logic.NOUNS.fits(noun, w.scale.applies_to)
    )


@functools.cache
def attributes_for(noun: str) -> tuple[str, ...]:
    """Adjective concepts that can stand before ``noun``."""
    return tuple(
        c for c in adjectives_for(noun) if logic.ADJECTIVES[c].word not in lex.PREDICATIVE_ONLY
    )


@functools.cache
def verbs_for(noun: str) -> tuple[str, ...]:
    """Verbs that ``noun`` can do."""
    return tuple(
        v
        for v in logic.VERBS.nodes
        if logic.NOUNS.fits(noun, logic.VERBS.nearest_entry(v, lex.VERB_SUBJECTS))
    )


@functools.cache
def adverbs_for(verb: str) -> tuple[str, ...]:
    """Adverb concepts that can modify ``verb`` (none that clash with its own manner)."""
    implied = logic.IMPLIED_ADVERBS.get(verb)
    implied_scale = None if implied is None else logic.ADVERBS[implied].scale
    return tuple(
        c
        for c, w in logic.ADVERBS.items()
        if w.scale != implied_scale
        and any(logic.VERBS.is_under(verb, a) for a in w.scale.applies_to)
    )


@functools.cache
def places_for(verb: str, noun: str) -> tuple[str, ...]:
    """Places (and regions holding one of them) where ``noun`` can be ``verb``-ing."""
    for_verb = logic.VERBS.nearest_entry(verb, lex.VERB_PLACES).split()
    for_noun = set(logic.NOUNS.nearest_entry(noun, lex.NOUN_PLACES).split())
    places = tuple(p for p in for_verb if p in for_noun)
    regions = tuple(r for r in lex.REGIONS if any(lex.PLACES[p][1] == r for p in places))
    return places + regions


def is_valid(sentence: Sentence) -> bool:
    """Grammatical, meaningful (selectional restrictions) and not self-contradictory."""
    adjectives = adjectives_for(sentence.noun)
    if sentence.attribute is not None and sentence.attribute not in attributes_for(sentence.noun):
        return False
    if isinstance(sentence, QuantifiedSentence):
        return (
            plural(sentence.noun) is not None
            and sentence.predicate in adjectives
            and _scale(sentence.attribute) != _scale(sentence.predicate)
        )
    if not sentence.has_verb:
        return (
            sentence.predicate in adjectives
            and _scale(sentence.attribute) != _scale(sentence.predicate)
            and sentence.adverb is None
            and sentence.place is None
        )
    if sentence.negated and (sentence.adverb or sentence.place):
        return False
    verb = sentence.predicate
    return (
        verb in verbs_for(sentence.noun)
        and (sentence.adverb is None or sentence.adverb in adverbs_for(verb))
        and (sentence.place is None or sentence.place in places_for(verb, sentence.noun))
    )


def compatible(premise: Sentence, hypothesis: Sentence) -> bool:
    """Quantified pairs keep restrictor adjectives off the predicates' scales (sets stay independent)."""
    if not isinstance(premise, QuantifiedSentence):
        return True
    predicate_scales = {_scale(premise.predicate), _scale(hypothesis.predicate)}
    return not predicate_scales & {_scale(premise.attribute), _scale(hypothesis.attribute)}
