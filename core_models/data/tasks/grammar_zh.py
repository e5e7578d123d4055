"""Sentence plans of the Chinese-English grammar and their sampler (see ``zh_en``).

A :class:`Clause` is one simple sentence: a subject, a verb (or 是 with a profession or
nationality), an object, tense (past or present), negation, a yes/no question, a time word and a
place. A noun phrase may carry one relative clause, subject-gapped ("the cat that sleeps",
睡觉的猫) or object-gapped ("the book that he likes", 他喜欢的书); relative clauses are in the
present and never negated, since Chinese does not mark their tense. Plans are drawn so that the
Chinese side determines the English one (zh→en has one right answer): "the cat" is always bare 猫,
plural nouns come only with a numeral (三只猫, "three cats").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core_models.data.tasks import lexicon_zh as zh

COPULA = "是"
_DETERMINERS = ("the",) * 4 + ("a",) * 2 + ("two", "three", "five", "this", "that", "my")


@dataclass(frozen=True)
class NounPhrase:
    noun: str = ""  # a key of lexicon_zh.NOUNS; "" for a pronoun
    pronoun: str = ""  # a key of lexicon_zh.PRONOUNS
    determiner: str = "the"  # "the", a key of NUMBERS or DEMONSTRATIVES, or "my" (possessive)
    owner: str = ""  # the possessive's pronoun ("i" for "my")
    relative: Relative | None = None

    @property
    def plural(self) -> bool:
        if self.pronoun:
            return zh.PRONOUNS[self.pronoun][1]
        return self.determiner in zh.NUMBERS and self.determiner != "a"

    @property
    def kind(self) -> str:
        return "person" if self.pronoun else zh.NOUNS[self.noun].kind


@dataclass(frozen=True)
class Relative:
    verb: str  # a key of lexicon_zh.VERBS
    gap: str  # "subject" or "object"
    other: NounPhrase | None = None  # the object (subject gap) or the subject (object gap)


@dataclass(frozen=True)
class Clause:
    subject: NounPhrase
    verb: str  # a key of lexicon_zh.VERBS, or COPULA
    obj: NounPhrase | None = None
    predicate: str = ""  # a job (lexicon_zh.JOBS) or nationality after 是
    past: bool = False
    negated: bool = False
    question: bool = False
    time: str = ""  # a key of PAST_TIMES (past) or PRESENT_TIMES (present)
    place: str = ""  # a key of PLACES


def _nouns_of(kinds: tuple[str, ...]) -> list[str]:
    return [key for key, noun in zh.NOUNS.items() if noun.kind in kinds]


def _simple_np(rng: random.Random, kinds: tuple[str, ...], pronoun_share: float) -> NounPhrase:
    if "person" in kinds and rng.random() < pronoun_share:
        return NounPhrase(pronoun=rng.choice(list(zh.PRONOUNS)))
    determiner = rng.choice(_DETERMINERS)
    owner = rng.choice(list(zh.PRONOUNS)) if determiner == "my" else ""
    return NounPhrase(noun=rng.choice(_nouns_of(kinds)), determiner=determiner, owner=owner)


def _relative(rng: random.Random, head: NounPhrase) -> Relative | None:
    """A relative clause that fits the head noun, or None when no verb does."""
    gap = rng.choice(("subject", "object"))
    role = "subjects" if gap == "subject" else "objects"
    verbs = [v for v in zh.VERBS.values() if head.kind in getattr(v, role)]
    if not verbs:  # nothing a book does: "the book that he likes" only
        return None
    verb = rng.choice(verbs)
    if gap == "subject":
        other = _simple_np(rng, verb.objects, 0.2) if verb.objects else None
        return Relative(verb.chinese, gap, other)
    subject = _simple_np(rng, verb.subjects, 0.5)
    if not subject.pronoun:  # "the book that the man likes": a plain subject
        subject = NounPhrase(noun=subject.noun)
    return Relative(verb.chinese, gap, subject)


def _noun_phrase(
    rng: random.Random, kinds: tuple[str, ...], relative: bool, negated: bool = False
) -> NounPhrase:
    np = _simple_np(rng, kinds, 0.35)
    if negated and np.determiner == "a":  # 没看见猫, not 没看见一只猫
        np = NounPhrase(noun=np.noun)
    if relative and not np.pronoun and not np.owner:
        return NounPhrase(np.noun, "", np.determiner, "", _relative(rng, np))
    return np


def _copula(rng: random.Random) -> Clause:
    subject = NounPhrase(pronoun=rng.choice(list(zh.PRONOUNS)))
    use_job = rng.random() < 0.6
    predicate = rng.choice(zh.JOBS if use_job else list(zh.NATIONALITIES))
    mood = rng.random()
    return Clause(subject, COPULA, predicate=predicate, negated=mood < 0.25, question=mood > 0.75)


def sample_clause(rng: random.Random) -> Clause:
    """One sentence plan: 15 % 是 sentences, the others with a verb; a quarter negated, a quarter
    questions, half in the past, half with a time word, 40 % with a place, a quarter with a
    relative clause on the subject or the object."""
    if rng.random() < 0.15:
        return _copula(rng)
    verb = rng.choice(list(zh.VERBS.values()))
    mood, past = rng.random(), rng.random() < 0.5
    negated, question = mood < 0.25, mood > 0.75
    relative = rng.choice(("subject", "object", "", "", "", "", "", ""))
    subject = _noun_phrase(rng, verb.subjects, relative == "subject")
    obj = _noun_phrase(rng, verb.objects, relative == "object", negated) if verb.objects else None
    times = zh.PAST_TIMES if past else zh.PRESENT_TIMES
    time = rng.choice(list(times)) if rng.random() < 0.5 else ""
    place = rng.choice(list(zh.PLACES)) if rng.random() < 0.4 else ""
    return Clause(subject, verb.chinese, obj, "", past, negated, question, time, place)
