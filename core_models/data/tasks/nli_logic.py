"""Gold NLI labels by natural logic: lexical relations (MacCartney & Manning 2009) and their joins.

Words relate by one of MacCartney's basic relations, read off ``nli_lexicon``:
``equivalence`` (dog, dog), ``forward`` (poodle, dog: the first entails the second), ``reverse``
(dog, poodle), ``alternation`` (dog, cat: exclusive), ``negation`` (open, closed: exclusive and
exhaustive) and ``independence`` (big, hungry).

Two kinds of sentence get a label:

- A sentence about one entity ("the big dog is not running") is a conjunction of literals
  (dog, big, not running). With the SNLI convention that premise and hypothesis describe the same
  entity at the same time, the lexicon is a set of two-literal clauses, so the pairwise checks of
  :func:`entity_label` are exact: contradiction when a premise literal excludes a hypothesis
  literal, entailment when every hypothesis literal follows from some premise literal.
- A quantified sentence ("all dogs are big", "some", "no") is a relation between two sets, and
  :func:`quantified_label` model-checks it: every way the four sets (two restrictors, two
  predicates) can overlap, given the lexical relations and that restrictors are non-empty.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from core_models.data.tasks import nli_lexicon as lex
from core_models.models.base import NLI_LABELS

ENTAILMENT, NEUTRAL, CONTRADICTION = NLI_LABELS
EQUIVALENCE, FORWARD, REVERSE = "equivalence", "forward", "reverse"
ALTERNATION, NEGATION, INDEPENDENCE = "alternation", "negation", "independence"
_RELATED = (EQUIVALENCE, FORWARD, REVERSE)
QUANTIFIERS = ("all", "some", "no")


class Taxonomy:
    """Parent links from ``{"parent[/facet]": "child child ..."}``; facets default to one per parent."""

    def __init__(self, children: dict[str, str]) -> None:
        self.parent: dict[str, str] = {}
        self.facet: dict[str, str] = {}
        nodes: dict[str, None] = {}
        for key, words in children.items():
            parent, _, facet = key.partition("/")
            nodes[parent] = None
            for child in words.split():
                self.parent[child] = parent
                self.facet[child] = f"{parent}/{facet}"
                nodes[child] = None
        self.nodes = tuple(nodes)
        self.children: dict[str, tuple[str, ...]] = {
            node: tuple(c for c in self.nodes if self.parent.get(c) == node) for node in self.nodes
        }
        self._paths = {node: self._walk_up(node) for node in self.nodes}

    def _walk_up(self, node: str) -> tuple[str, ...]:
        path = [node]
        while path[-1] in self.parent:
            path.append(self.parent[path[-1]])
        return tuple(reversed(path))

    def path(self, node: str) -> tuple[str, ...]:
        """Root first, ``node`` last."""
        if node not in self._paths:
            raise KeyError(f"'{node}' is not in the taxonomy")
        return self._paths[node]

    def is_under(self, node: str, ancestor: str) -> bool:
        """True when ``ancestor`` is ``node`` or one of its ancestors."""
        return ancestor in self.path(node)

    def descendants(self, node: str) -> tuple[str, ...]:
        below = self.children[node]
        return below + tuple(d for child in below for d in self.descendants(child))

    def hierarchy_relation(self, a: str, b: str) -> str | None:
        """equivalence / forward / reverse when one of a, b lies under the other, else None."""
        if a == b:
            return EQUIVALENCE
        if self.is_under(a, b):
            return FORWARD
        if self.is_under(b, a):
            return REVERSE
        return None

    def fits(self, node: str, allowed: tuple[str, ...] | str) -> bool:
        """``node`` lies under, or above, one of the ``allowed`` nodes ("the animal is barking")."""
        allowed = allowed.split() if isinstance(allowed, str) else allowed
        return any(self.is_under(node, a) or self.is_under(a, node) for a in allowed)

    def nearest_entry(self, node: str, table: dict[str, str]) -> str:
        """``table``'s value for ``node`` or its nearest ancestor listed there ('' if none)."""
        for ancestor in reversed(self.path(node)):
            if ancestor in table:
                return table[ancestor]
        return ""


NOUNS = Taxonomy(lex.NOUN_TAXONOMY)
VERBS = Taxonomy(lex.VERB_TAXONOMY)
_VERB_GROUPS = {
    root: frozenset(g for g, roots in lex.VERB_GROUPS.items() if root in roots.split())
    for root in VERBS.nodes
    if root not in VERBS.parent
}


class ScaleWord(NamedTuple):
    scale: lex.Scale
    word: str
    pole: int
    is_head: bool


def _index_scales(scales: tuple[lex.Scale, ...]) -> dict[str, ScaleWord]:
    """Concept id "scale:word" -> its place on the scale; poles written "head(stronger,...)"."""
    index = {}
    for scale in scales:
        for pole, text in enumerate(scale.poles):
            head, _, stronger = text.rstrip(")").partition("(")
            for word in (head, *filter(None, stronger.split(","))):
                index[f"{scale.name}:{word}"] = ScaleWord(scale, word, pole, word == head)
    return index


ADJECTIVES = _index_scales(lex.ADJECTIVE_SCALES)
ADVERBS = _index_scales(lex.ADVERB_SCALES)
IMPLIED_ADVERBS = {
    verb: next(c for c, w in ADVERBS.items() if w.word == adverb)
    for verb, adverb in lex.IMPLIED_ADVERBS.items()
}


def noun_relation(a: str, b: str) -> str:
    """Nouns under one another are forward/reverse; others exclude unless in different facets."""
    related = NOUNS.hierarchy_relation(a, b)
    if related:
        return related
    path_a, path_b = NOUNS.path(a), NOUNS.path(b)
    if path_a[0] != path_b[0]:
        return ALTERNATION  # distinct roots: a dog is not a guitar
    depth = next(i for i, (x, y) in enumerate(zip(path_a, path_b, strict=False)) if x != y)
    same_facet = NOUNS.facet[path_a[depth]] == NOUNS.facet[path_b[depth]]
    return ALTERNATION if same_facet else INDEPENDENCE


@functools.cache
def verb_relation(a: str, b: str) -> str:
    """Verbs under one another are forward/reverse; verbs sharing an activity group exclude."""
    related = VERBS.hierarchy_relation(a, b)
    if related:
        return related
    shared = _VERB_GROUPS[VERBS.path(a)[0]] & _VERB_GROUPS[VERBS.path(b)[0]]
    return ALTERNATION if shared else INDEPENDENCE


def scale_relation(index: dict[str, ScaleWord], a: str, b: str) -> str:
    """Relation of two scale concepts ("size:huge", "size:big") of ``index``."""
    word_a, word_b = index[a], index[b]
    if word_a.scale != word_b.scale:
        return INDEPENDENCE
    if a == b:
        return EQUIVALENCE
    if word_a.pole != word_b.pole:
        complement = word_a.scale.complementary and word_a.is_head and word_b.is_head
        return NEGATION if complement else ALTERNATION
    if word_b.is_head:
        return FORWARD
    return REVERSE if word_a.is_head else INDEPENDENCE


def place_relation(a: str, b: str) -> str:
    """Places and the two regions "outside" / "inside" (complementary)."""
    if a == b:
        return EQUIVALENCE
    if a in lex.REGIONS and b in lex.REGIONS:
        return NEGATION
    if b in lex.REGIONS:
        region = lex.PLACES[a][1]
        return FORWARD if region == b else (ALTERNATION if region else INDEPENDENCE)
    if a in lex.REGIONS:
        return {FORWARD: REVERSE, ALTERNATION: ALTERNATION}.get(place_relation(b, a), INDEPENDENCE)
    return ALTERNATION


_RELATIONS = {
    "noun": noun_relation,
    "adjective": functools.partial(scale_relation, ADJECTIVES),
    "verb": verb_relation,
    "adverb": functools.partial(scale_relation, ADVERBS),
    "place": place_relation,
}


@functools.cache
def relation(field: str, a: str, b: str) -> str:
    """The lexical relation of concepts ``a`` and ``b`` of ``field`` (noun, adjective, ...)."""
    return _RELATIONS[field](a, b)


class Literal(NamedTuple):
    """One conjunct about the entity: (field, concept, positive); adverbs name their verb (event)."""

    field: str
    concept: str
    positive: bool = True
    event: str | None = None


def literal_relation(p: Literal, h: Literal) -> str:
    """The lexical relation of two literals' concepts (independence across fields or actions)."""
    if p.field != h.field:
        return INDEPENDENCE
    if p.field == "adverb" and verb_relation(p.event, h.event) not in _RELATED:
        return INDEPENDENCE  # manners of two different actions
    return relation(p.field, p.concept, h.concept)


def literal_entails(p: Literal, h: Literal) -> bool:
    """Premise literal ``p`` alone entails hypothesis literal ``h``."""
    rel = literal_relation(p, h)
    if p.positive and h.positive:
        return rel in (EQUIVALENCE, FORWARD)
    if not p.positive and not h.positive:
        return rel in (EQUIVALENCE, REVERSE)
    if p.positive:
        return rel in (ALTERNATION, NEGATION)  # big -> not small
    return rel == NEGATION  # not open -> closed


def literal_contradicts(p: Literal, h: Literal) -> bool:
    """``p`` and ``h`` cannot both hold of one entity."""
    rel = literal_relation(p, h)
    if p.positive and h.positive:
        return rel in (ALTERNATION, NEGATION)
    if p.positive != h.positive:
        return rel in (EQUIVALENCE, FORWARD if p.positive else REVERSE)
    return rel == NEGATION  # not open and not closed


def entity_label(premise: list[Literal], hypothesis: list[Literal]) -> str:
    """Label of two consistent conjunctions of literals about the same entity."""
    if any(literal_contradicts(p, h) for p in premise for h in hypothesis):
        return CONTRADICTION
    if all(any(literal_entails(p, h) for p in premise) for h in hypothesis):
        return ENTAILMENT
    return NEUTRAL


def _optional_adjective_relation(a: str | None, b: str | None) -> str:
    if a is None:
        return EQUIVALENCE if b is None else REVERSE  # dogs / big dogs
    if b is None:
        return FORWARD  # big dogs / dogs
    return relation("adjective", a, b)


def restrictor_relation(
    noun_p: str, adjective_p: str | None, noun_h: str, adjective_h: str | None
) -> str:
    """Relation of the sets "adjective_p noun_p" and "adjective_h noun_h" (adjective optional)."""
    nouns = noun_relation(noun_p, noun_h)
    adjectives = _optional_adjective_relation(adjective_p, adjective_h)
    if ALTERNATION in (nouns, adjectives) or NEGATION in (nouns, adjectives):
        return ALTERNATION  # disjoint sets: dogs / cats, big dogs / small dogs
    narrower = nouns in (EQUIVALENCE, FORWARD) and adjectives in (EQUIVALENCE, FORWARD)
    wider = nouns in (EQUIVALENCE, REVERSE) and adjectives in (EQUIVALENCE, REVERSE)
    if narrower and wider:
        return EQUIVALENCE
    return FORWARD if narrower else REVERSE if wider else INDEPENDENCE


# Model checking over four sets: bit 0 premise restrictor, 1 hypothesis restrictor, 2 premise
# predicate, 3 hypothesis predicate. A Venn region is one 4-bit pattern; a world says which of the
# 16 regions are non-empty (one bit each), so 2**16 worlds cover every possible arrangement.
_WORLDS = np.arange(1 << 16, dtype=np.int64)


def _regions(condition) -> int:
    return sum(1 << k for k in range(16) if condition(k & 1, k & 2, k & 4, k & 8))


def _none_in(condition) -> np.ndarray:
    return (_WORLDS & _regions(condition)) == 0


def _sentence_true(quantifier: str, restrictor_bit: int, predicate_bit: int) -> np.ndarray:
    def both(*bits):
        return bool(bits[restrictor_bit]) and bool(bits[predicate_bit])

    def outside_predicate(*bits):
        return bool(bits[restrictor_bit]) and not bits[predicate_bit]

    if quantifier == "all":
        return _none_in(outside_predicate)
    if quantifier == "some":
        return ~_none_in(both)
    if quantifier == "no":
        return _none_in(both)
    raise ValueError(f"unknown quantifier '{quantifier}'; choose one of {', '.join(QUANTIFIERS)}")


def _set_constraints(rel: str, first: int, second: int) -> np.ndarray:
    def only_first(*bits):
        return bool(bits[first]) and not bits[second]

    def only_second(*bits):
        return bool(bits[second]) and not bits[first]

    def both(*bits):
        return bool(bits[first]) and bool(bits[second])

    holds = np.ones_like(_WORLDS, dtype=bool)
    if rel in (EQUIVALENCE, FORWARD):
        holds &= _none_in(only_first)
    if rel in (EQUIVALENCE, REVERSE):
        holds &= _none_in(only_second)
    if rel in (ALTERNATION, NEGATION):
        holds &= _none_in(both)
    return holds


@functools.cache
def quantified_label(
    quantifier_p: str, quantifier_h: str, restrictors: str, predicates: str
) -> str:
    """Label of "Q_p R_p are P_p" / "Q_h R_h are P_h" given the R and P lexical relations."""
    worlds = _set_constraints(restrictors, 0, 1) & _set_constraints(predicates, 2, 3)
    worlds &= ~_none_in(lambda rp, rh, pp, ph: rp) & ~_none_in(lambda rp, rh, pp, ph: rh)
    if predicates == NEGATION:  # open / closed: every restricted thing is one or the other
        worlds &= _none_in(lambda rp, rh, pp, ph: (rp or rh) and not pp and not ph)
    premise = worlds & _sentence_true(quantifier_p, 0, 2)
    hypothesis = _sentence_true(quantifier_h, 1, 3)
    if not (premise & hypothesis).any():
        return CONTRADICTION
    return ENTAILMENT if hypothesis[premise].all() else NEUTRAL
