"""Sentence plans of the controlled translation grammar.

A :class:`Sentence` is a language-free plan (which verb, which noun phrases, tense, negation,
relative and subordinate clauses); :func:`sample_sentence` draws one, ``english.realize_english``
writes it in English (``english.translation_pairs`` builds the pairs), and each target language (``en_fr``, ``en_de``) writes the same plan its own
way. Every word of either side carries *roles*: names of the plan parts it expresses, built as
``<clause>.<slot>`` — clauses ``m`` (main), ``b`` (subordinate), ``<clause>.c`` (that-complement),
``<noun phrase>.r`` (relative clause); slots ``s`` subject, ``o`` object, ``r`` recipient, ``p``
adjunct noun phrase, then ``.d`` determiner, ``.a0``/``.a1`` adjectives, ``.n`` noun or pronoun;
``v`` lexical verb, ``t`` tense-and-agreement carrier ("does", "did", the finite verb), ``neg``,
``x`` verb particle ("at" in "looks at"), ``adv`` mid adverb, ``adj`` predicate adjective,
``pp`` adjunct preposition, ``to`` recipient marker, ``rel`` relative pronoun, ``that``; and the
sentence-level ``adv``, ``conj``, ``comma``, ``end``. Target word j is aligned to source word i
when they share a role, so "did not see" / "n' a pas vu" gives did-a, not-n', not-pas, see-vu.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from functools import cache

from core_models.data.tasks import lexicon_en as en

Token = tuple[str, tuple[str, ...]]  # a word and the roles it expresses
DEFAULT_SIZES = {"train": 20_000, "valid": 1_000, "test": 1_000}
MAX_SOURCE_WORDS = 18


@dataclass(frozen=True)
class NounPhrase:
    noun: str = ""  # lexicon key; "" for a pronoun
    pronoun: str = ""  # one of lexicon_en.PRONOUNS
    determiner: str = "the"  # "the", "a", "this", a possessive, a number, "" (bare plural, mass)
    plural: bool = False
    adjectives: tuple[str, ...] = ()
    relative: Clause | None = None


@dataclass(frozen=True)
class PrepPhrase:
    preposition: str  # a key of lexicon_en.PREPOSITIONS
    object: NounPhrase


@dataclass(frozen=True)
class Clause:
    verb: str
    subject: NounPhrase | None  # None when the relative clause gaps its subject
    past: bool = False
    negated: bool = False
    obj: NounPhrase | None = None
    recipient: NounPhrase | None = None
    recipient_first: bool = False  # "gives the woman the apple" rather than "... to the woman"
    predicate: str = ""  # adjective of a copula
    pp: PrepPhrase | None = None
    complement: Clause | None = None
    adverb: str = ""  # often, always, sometimes
    gap: str = ""  # "subject" or "object" inside a relative clause

    @property
    def frame(self) -> str:
        return en.VERBS[self.verb].frame


@dataclass(frozen=True)
class Sentence:
    main: Clause
    adverb: str = ""  # fronted time adverbial, a key of lexicon_en.FRONT_ADVERBS
    conjunction: str = ""  # because, when, if
    subordinate: Clause | None = None
    fronted: bool = False  # "if ..., main" rather than "main if ..."


def agreement(np: NounPhrase) -> tuple[int, bool]:
    """(person, plural) of a subject noun phrase: "we" -> (1, True), "the cats" -> (3, True)."""
    if np.pronoun:
        index = en.PRONOUNS.index(np.pronoun)
        return (1, 2, 3, 3, 1, 3)[index], index >= 4
    return 3, np.plural


def is_indefinite(np: NounPhrase) -> bool:
    """A noun phrase that negation turns into French "de" / German "kein": a, bare, mass."""
    return np.determiner in ("a", "")


# --- sampling -------------------------------------------------------------------------------

_FRAME_WEIGHTS = {
    en.TRANSITIVE: 45, en.INTRANSITIVE: 14, en.MOTION: 8, en.DITRANSITIVE: 8, en.COPULA: 13,
    en.CLAUSAL: 5,
}  # fmt: skip
_DETERMINERS = {  # role -> (determiner, weight); "poss" stands for any possessive
    "subject": (("the", 45), ("a", 18), ("this", 10), ("poss", 15), ("number", 12)),
    "object": (("the", 40), ("a", 20), ("this", 8), ("poss", 14), ("number", 8), ("", 10)),
    "recipient": (("the", 50), ("a", 15), ("this", 10), ("poss", 25)),
    "adjunct": (("the", 60), ("a", 10), ("this", 10), ("poss", 20)),
    "without": (("the", 60), ("this", 10), ("poss", 30)),  # "sans un chien" is not French
    "to": (("the", 70), ("this", 10), ("poss", 20)),  # "à un jardin" is not French
}


@cache
def _cumulative(options: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    names, total, bounds = [], 0, []
    for name, weight in options:
        total += weight
        names.append(name)
        bounds.append(total)
    return tuple(names), tuple(bounds)


@cache
def _determiner_options(role: str, mass: bool, negated: bool) -> tuple[tuple[str, int], ...]:
    return tuple(
        (det, weight)
        for det, weight in _DETERMINERS[role]
        if not (mass and det in ("a", "number")) and not (negated and det == "number")
    )


@cache
def _nouns_for(selection: frozenset[str]) -> tuple[en.Noun, ...]:
    return tuple(noun for noun in en.NOUNS.values() if en.accepts(selection, noun))


@cache
def _adjectives_for(kind: str, tags: frozenset[str], groups: frozenset[str]) -> tuple[str, ...]:
    fits = tags | {kind}
    return tuple(
        adjective.key
        for adjective in en.ADJECTIVES.values()
        if adjective.group in groups and not adjective.modifies.isdisjoint(fits)
    )


@cache
def _verbs_for(frames: frozenset[str]) -> tuple[en.Verb, ...]:
    return tuple(verb for verb in en.VERBS.values() if verb.frame in frames)


@cache
def _relative_verbs(head: str) -> tuple[tuple[en.Verb, ...], tuple[en.Verb, ...]]:
    """Verbs for "the <head> that X <verb>s" and for "the <head> that <verb>s ..."."""
    noun = en.NOUNS[head]
    object_verbs = tuple(
        verb
        for verb in _verbs_for(frozenset({en.TRANSITIVE}))
        if "R" in verb.flags and en.accepts(verb.objects, noun)
    )
    frames = frozenset({en.TRANSITIVE, en.INTRANSITIVE, en.COPULA})
    subject_verbs = tuple(verb for verb in _verbs_for(frames) if en.accepts(verb.subjects, noun))
    return object_verbs, subject_verbs


_FRAMES = tuple(_FRAME_WEIGHTS.items())
_FRAMES_WITHOUT_CLAUSAL = tuple(item for item in _FRAMES if item[0] != en.CLAUSAL)
_FIRST_GROUPS = frozenset({"opinion", "size", "age"})
_SECOND_GROUPS = frozenset({"colour", "origin"})
_ALL_GROUPS = _FIRST_GROUPS | _SECOND_GROUPS | {"quality"}
_PERSON = frozenset({"person"})


class _Sampler:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def weighted(self, options: tuple[tuple[str, int], ...]) -> str:
        names, bounds = _cumulative(options)
        return names[bisect(bounds, self.rng.random() * bounds[-1])]

    def adjectives(self, noun: en.Noun) -> tuple[str, ...]:
        roll = self.rng.random()
        if roll < 0.6:
            return ()
        if roll < 0.92:
            choices = _adjectives_for(noun.kind, noun.tags, _ALL_GROUPS)
            return (self.rng.choice(choices),) if choices else ()
        first = _adjectives_for(noun.kind, noun.tags, _FIRST_GROUPS)
        second = _adjectives_for(noun.kind, noun.tags, _SECOND_GROUPS)
        if not first or not second:
            return ()
        return self.rng.choice(first), self.rng.choice(second)

    def noun_phrase(
        self, selection: frozenset[str], role: str, negated: bool = False, relative_p: float = 0.0
    ) -> NounPhrase:
        noun = self.rng.choice(_nouns_for(selection))
        determiner = self.weighted(_determiner_options(role, noun.mass, negated))
        if determiner == "poss":
            determiner = self.rng.choice(en.POSSESSIVES)
        if determiner == "number":
            determiner, plural = self.rng.choice(en.NUMBERS), True
        elif noun.mass or determiner == "a":
            plural = False
        else:
            plural = determiner == "" or self.rng.random() < 0.3
        relative = self.relative_clause(noun) if self.rng.random() < relative_p else None
        return NounPhrase(noun.key, "", determiner, plural, self.adjectives(noun), relative)

    def subject(self, verb: en.Verb, relative_p: float = 0.0) -> NounPhrase:
        if "person" in verb.subjects and self.rng.random() < 0.22:
            return NounPhrase(pronoun=self.rng.choice(en.PRONOUNS), determiner="")
        return self.noun_phrase(verb.subjects, "subject", relative_p=relative_p)

    def relative_clause(self, head: en.Noun) -> Clause:
        object_verbs, subject_verbs = _relative_verbs(head.key)
        if object_verbs and self.rng.random() < 0.4:
            return self.clause(self.rng.choice(object_verbs), gap="object")
        return self.clause(self.rng.choice(subject_verbs), gap="subject", head=head)

    def clause(
        self,
        verb: en.Verb,
        past: bool | None = None,
        gap: str = "",
        head: en.Noun | None = None,
        relative_p: float = 0.0,
    ) -> Clause:
        rng = self.rng
        past = rng.random() < 0.35 if past is None else past
        # "ne pense pas que" would want the French subjunctive: clausal verbs stay affirmative
        negated = verb.frame != en.CLAUSAL and rng.random() < (0.25 if not gap else 0.15)
        subject = None if gap == "subject" else self.subject(verb, relative_p)
        if (
            past
            and verb.past == verb.base
            and (subject is None or agreement(subject) != (3, False))
        ):
            past = False  # "they read" would be present and past at once
        obj = recipient = complement = None
        predicate = ""
        if verb.frame in (en.TRANSITIVE, en.DITRANSITIVE) and gap != "object":
            obj = self.noun_phrase(verb.objects, "object", negated, relative_p)
        if verb.frame == en.DITRANSITIVE:
            recipient = self.noun_phrase(_PERSON, "recipient")
        if verb.frame == en.COPULA:
            if head is None and subject is not None and subject.noun:
                head = en.NOUNS[subject.noun]
            kind, tags = (head.kind, head.tags) if head else ("person", frozenset())
            predicate = rng.choice(_adjectives_for(kind, tags, _ALL_GROUPS))
        if verb.frame == en.CLAUSAL:
            complement = self.clause(self.pick_verb(clausal=False))
        # no adjunct after an object's relative clause: "sees the dog that sleeps in the park"
        # would not say which verb "in the park" belongs to
        pp = self.adjunct(verb) if obj is None or obj.relative is None else None
        adverb = rng.choice(en.MID_ADVERBS) if not negated and rng.random() < 0.08 else ""
        # "gives the eggs that are cheap to the waiter" would hide whose "to" it is
        recipient_first = rng.random() < 0.3 or (obj is not None and obj.relative is not None)
        return Clause(
            verb.key, subject, past, negated, obj, recipient, recipient_first, predicate, pp,
            complement, adverb, gap,
        )  # fmt: skip

    def adjunct(self, verb: en.Verb) -> PrepPhrase | None:
        rng = self.rng
        roll = rng.random()
        if verb.frame == en.MOTION:
            to = roll < 0.7 or "D" in verb.flags
            preposition = "to" if to else ("with" if roll < 0.8 else "")
        elif "P" in verb.flags or ("L" in verb.flags and roll < 0.25):
            preposition = "in" if "W" in verb.flags else rng.choice(("in", "in", "on", "under", "next to", "behind", "in front of"))  # fmt: skip
        elif "C" in verb.flags and roll < 0.35:
            preposition = rng.choice(("with", "without"))
        elif "B" in verb.flags and roll < 0.45:
            preposition = "for"
        else:
            return None
        if not preposition:
            return None
        selection = frozenset(en.PREPOSITIONS[preposition][0].split())
        if "W" in verb.flags and preposition == "in":
            selection = frozenset({"water"})
        role = preposition if preposition in ("without", "to") else "adjunct"
        return PrepPhrase(preposition, self.noun_phrase(selection, role))

    def pick_verb(self, clausal: bool = True) -> en.Verb:
        frames = _FRAMES if clausal else _FRAMES_WITHOUT_CLAUSAL
        return self.rng.choice(_verbs_for(frozenset({self.weighted(frames)})))

    def sentence(self) -> Sentence:
        rng = self.rng
        conjunction = (
            rng.choice(("because", "because", "when", "if")) if rng.random() < 0.18 else ""
        )
        verb = self.pick_verb(clausal=not conjunction)
        # "says that ..." stays in the present: a past one would ask for French and English
        # sequence of tenses ("a dit qu'il avait vu")
        present_only = conjunction in ("when", "if") or verb.frame == en.CLAUSAL
        fronted = conjunction in ("when", "if") and rng.random() < 0.5
        adverb = ""
        if not fronted and rng.random() < 0.15:
            adverbs = [a for a, tenses in en.FRONT_ADVERBS.items() if not present_only or "present" in tenses]  # fmt: skip
            adverb = rng.choice(adverbs)
        if present_only:
            past = False
        elif adverb:
            past = rng.choice(en.FRONT_ADVERBS[adverb]) == "past"
        else:
            past = rng.random() < 0.4
        relative_p = 0.06 if conjunction else 0.14
        main = self.clause(verb, past, relative_p=relative_p)
        subordinate = None
        if conjunction:
            subordinate = self.clause(
                self.pick_verb(clausal=False), False if present_only else None
            )
        return Sentence(main, adverb, conjunction, subordinate, fronted)


def sample_sentence(rng: random.Random) -> Sentence:
    """Draw one sentence plan; every choice comes from ``rng``."""
    return _Sampler(rng).sentence()
