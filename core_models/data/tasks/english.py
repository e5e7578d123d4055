"""The English side of a sentence plan (``grammar_en.Sentence``) and the pair builder: every
English word carries the roles it expresses (see ``grammar_en``), and a target word is aligned to
the source words that share one of its roles."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core_models.data.pairs import Alignment, TranslationPair
from core_models.data.tasks import lexicon_en as en
from core_models.data.tasks.grammar_en import (
    DEFAULT_SIZES,
    MAX_SOURCE_WORDS,
    Clause,
    NounPhrase,
    Sentence,
    Token,
    agreement,
    sample_sentence,
)
from core_models.data.tasks.splits import SplitCollector, split_rng


def _english_np(np: NounPhrase, prefix: str) -> list[Token]:
    if np.pronoun:
        return [(np.pronoun, (prefix + ".n",))]
    noun = en.NOUNS[np.noun]
    words: list[Token] = [(a, (f"{prefix}.a{i}",)) for i, a in enumerate(np.adjectives)]
    words.append((noun.plural if np.plural else noun.key, (prefix + ".n",)))
    determiner = np.determiner
    if determiner == "a" and words[0][0][0] in "aeiou":
        determiner = "an"
    elif determiner == "this" and np.plural:
        determiner = "these"
    if determiner:
        words.insert(0, (determiner, (prefix + ".d",)))
    if np.relative is not None:
        words += _english_clause(np.relative, prefix + ".r", head=np)
    return words


def _english_verb(clause: Clause, prefix: str, person: int, plural: bool) -> list[Token]:
    verb = en.VERBS[clause.verb]
    third = person == 3 and not plural
    finite_roles = (prefix + ".v", prefix + ".t")
    adverb = [(clause.adverb, (prefix + ".adv",))] if clause.adverb else []
    negation = [("not", (prefix + ".neg",))] if clause.negated else []
    if verb.frame == en.COPULA:
        if clause.past:
            finite = "were" if plural or person == 2 else "was"
        else:
            finite = "am" if (person, plural) == (1, False) else ("is" if third else "are")
        return [(finite, finite_roles), *negation, *adverb]
    particle = [(verb.particle, (prefix + ".x",))] if verb.particle else []
    if clause.negated:
        auxiliary = "did" if clause.past else ("does" if third else "do")
        return [(auxiliary, (prefix + ".t",)), *negation, (verb.base, (prefix + ".v",)), *particle]
    form = verb.past if clause.past else (verb.third if third else verb.base)
    return [*adverb, (form, finite_roles), *particle]


def _english_clause(clause: Clause, prefix: str, head: NounPhrase | None = None) -> list[Token]:
    words: list[Token] = []
    if clause.gap:
        assert head is not None, "a relative clause needs its head noun phrase"
        who = clause.gap == "subject" and en.NOUNS[head.noun].kind == "person"
        words.append(("who" if who else "that", (prefix + ".rel",)))
    if clause.subject is not None:
        words += _english_np(clause.subject, prefix + ".s")
    subject = clause.subject if clause.subject is not None else head
    assert subject is not None
    words += _english_verb(clause, prefix, *agreement(subject))
    if clause.recipient is not None and clause.recipient_first:
        words += _english_np(clause.recipient, prefix + ".r")
    if clause.obj is not None:
        words += _english_np(clause.obj, prefix + ".o")
    if clause.recipient is not None and not clause.recipient_first:
        words += [("to", (prefix + ".to",)), *_english_np(clause.recipient, prefix + ".r")]
    if clause.predicate:
        words.append((clause.predicate, (prefix + ".adj",)))
    if clause.pp is not None:
        words += [(w, (prefix + ".pp",)) for w in clause.pp.preposition.split()]
        words += _english_np(clause.pp.object, prefix + ".p")
    if clause.complement is not None:
        words += [
            ("that", (prefix + ".c.that",)),
            *_english_clause(clause.complement, prefix + ".c"),
        ]
    return words


def realize_english(sentence: Sentence) -> list[Token]:
    """The English words of ``sentence`` with their roles, ending with "."."""
    words: list[Token] = []
    if sentence.adverb:
        words += [(w, ("adv",)) for w in sentence.adverb.split()]
    main = _english_clause(sentence.main, "m")
    if sentence.subordinate is not None:
        subordinate = [
            (sentence.conjunction, ("conj",)),
            *_english_clause(sentence.subordinate, "b"),
        ]
        main = [*subordinate, (",", ("comma",)), *main] if sentence.fronted else main + subordinate
    return [*words, *main, (".", ("end",))]


# --- pairs --------------------------------------------------------------------------------


def align(source: Sequence[Token], target: Sequence[Token]) -> Alignment:
    """(i, j) for every source word i and target word j that share a role, sorted by (j, i)."""
    positions: dict[str, list[int]] = {}
    for i, (_, roles) in enumerate(source):
        for role in roles:
            positions.setdefault(role, []).append(i)
    return tuple(
        (i, j)
        for j, (_, roles) in enumerate(target)
        for i in sorted({i for role in roles for i in positions.get(role, ())})
    )


def translation_pairs(
    task: str,
    split: str,
    seed: int,
    size: int | None,
    translate: Callable[[Sentence], list[Token]],
) -> list[TranslationPair]:
    """``size`` distinct pairs of ``split`` (default 20k / 1k / 1k) whose targets come from
    ``translate``; which split a pair belongs to depends only on its English text."""
    if size is None:
        size = DEFAULT_SIZES.get(split, 0)
    rng = split_rng(task, split, seed)
    collector: SplitCollector[tuple[str, Sentence, list[Token]]] = SplitCollector(
        split, size, key=lambda item: item[0]
    )
    while not collector.full:
        sentence = sample_sentence(rng)
        source = realize_english(sentence)
        if len(source) <= MAX_SOURCE_WORDS:
            collector.offer((" ".join(word for word, _ in source), sentence, source))
    pairs = []
    for text, sentence, source in collector.items:
        target = translate(sentence)
        pairs.append(
            TranslationPair(text, " ".join(word for word, _ in target), align(source, target))
        )
    return pairs
