"""Chinese to English (and English to Chinese) from the grammar of ``grammar_zh``, with gold word
alignments.

The Chinese side follows the rules a learner meets first: every counted noun takes its own measure
word after a numeral or demonstrative (一只猫, 三本书, 两个人, 那辆车); time words and places come
before the verb (我昨天在公园看见了一只猫 / "i saw a cat in the park yesterday"); relative clauses
end in 的 and precede their noun ("the cat that sleeps" / 睡觉的猫); 不 negates the present, 没
the past (without 了), both before the place; the past takes 了 after the verb; yes/no questions end in 吗 and "?";
possessives are pronoun + 的 (我的猫). Chinese text is written without spaces; its words are those
of ``chinese_words`` (jieba with the task's lexicon, ``lexicon_zh.words``), which the alignments
count. English is lowercase with punctuation apart, like the en-fr task.

Every word of either side carries roles (names of the plan parts it expresses, as in
``grammar_en``); words that share one are aligned: "did" and "not" with 没, "saw" with 看见 and 了,
"the" with the bare noun it determines, "a" with 一只, "that" / "who" with the relative 的.
"""

from __future__ import annotations

import random

from core_models.data.pairs import TranslationPair
from core_models.data.tasks import lexicon_zh as zh
from core_models.data.tasks.english import align
from core_models.data.tasks.grammar_en import DEFAULT_SIZES, Token
from core_models.data.tasks.grammar_zh import COPULA, Clause, NounPhrase, Relative, sample_clause
from core_models.data.tasks.splits import SplitCollector, split_rng

# --- English ---------------------------------------------------------------------------------


def _english_np(np: NounPhrase, prefix: str, case: int = 0) -> list[Token]:
    """``case`` 0: subject form of a pronoun, 2: object form."""
    if np.pronoun:
        forms = (np.pronoun, None, zh.PRONOUNS[np.pronoun][2])
        return [(forms[case], (prefix + ".n",))]
    noun = zh.NOUNS[np.noun]
    words: list[Token] = [(noun.plural if np.plural else noun.english, (prefix + ".n",))]
    determiner = zh.PRONOUNS[np.owner][4] if np.owner else np.determiner
    if determiner == "a" and noun.english[0] in "aeiou":
        determiner = "an"
    words.insert(0, (determiner, (prefix + ".d",)))
    if np.relative is not None:
        words += _english_relative(np.relative, prefix + ".r", np)
    return words


def _english_relative(relative: Relative, prefix: str, head: NounPhrase) -> list[Token]:
    verb = zh.VERBS[relative.verb]
    who = relative.gap == "subject" and head.kind == "person"
    words: list[Token] = [("who" if who else "that", (prefix + ".rel",))]
    subject = head if relative.gap == "subject" else relative.other
    assert subject is not None
    if relative.gap == "object":
        words += _english_np(subject, prefix + ".s")
    third = subject.pronoun in ("he", "she") or not (subject.pronoun or subject.plural)
    words.append((verb.third if third else verb.base, (prefix + ".v",)))
    if relative.gap == "subject" and relative.other is not None:
        words += _english_np(relative.other, prefix + ".o", case=2)
    return words


def _finite(clause: Clause) -> tuple[str, bool]:
    """The English finite verb form of the clause's subject ("sees", "saw", "is", ...), and
    whether it is an auxiliary (do / does / did) before the base form."""
    subject = clause.subject
    third = subject.pronoun in ("he", "she") or not (subject.pronoun or subject.plural)
    if clause.verb == COPULA:
        first_singular = subject.pronoun == "i"
        return ("am" if first_singular else "is" if third else "are"), False
    verb = zh.VERBS[clause.verb]
    if clause.negated or clause.question:
        return ("did" if clause.past else "does" if third else "do"), True
    return (verb.past if clause.past else verb.third if third else verb.base), False


def realize_english(clause: Clause) -> list[Token]:
    """The English words of ``clause`` with their roles, ending with "." or "?"."""
    finite, auxiliary = _finite(clause)
    finite_roles = ("m.t", "m.q") if clause.question else ("m.t",)
    if not auxiliary:
        finite_roles += ("m.v",)
    words = _english_np(clause.subject, "s")
    if clause.question:
        words = [(finite, finite_roles), *words]
    else:
        words.append((finite, finite_roles))
    if clause.negated:
        words.append(("not", ("m.neg",)))
    if auxiliary:
        words.append((zh.VERBS[clause.verb].base, ("m.v",)))
    if clause.obj is not None:
        words += _english_np(clause.obj, "o", case=2)
    if clause.predicate in zh.NATIONALITIES:
        words.append((clause.predicate, ("pred.n",)))
    elif clause.predicate:
        job = zh.NOUNS[clause.predicate]
        words += [(job.plural, ("pred.n",))] if clause.subject.plural else [
            ("an" if job.english[0] in "aeiou" else "a", ("pred.d",)),
            (job.english, ("pred.n",)),
        ]  # fmt: skip
    if clause.place:
        preposition, *rest = clause.place.split()
        words += [(preposition, ("pl.pp",)), *[(w, (f"pl.{'dn'[w != 'the']}",)) for w in rest]]
    words += [(word, ("time",)) for word in clause.time.split()]
    return [*words, ("?" if clause.question else ".", ("end",))]


# --- Chinese ---------------------------------------------------------------------------------


def _chinese_np(np: NounPhrase, prefix: str) -> list[Token]:
    if np.pronoun:
        return [(zh.PRONOUNS[np.pronoun][3], (prefix + ".n",))]
    noun = zh.NOUNS[np.noun]
    words: list[Token] = []
    if np.owner:
        words += [(zh.PRONOUNS[np.owner][3], (prefix + ".d",)), ("的", (prefix + ".d",))]
    elif np.determiner != "the":
        prefixes = {**zh.NUMBERS, **zh.DEMONSTRATIVES}
        words.append((prefixes[np.determiner] + noun.measure, (prefix + ".d",)))
    if np.relative is not None:
        words += _chinese_relative(np.relative, prefix + ".r", np)
    bare = np.determiner == "the" and not np.owner
    return [*words, (noun.chinese, (prefix + ".n", prefix + ".d") if bare else (prefix + ".n",))]


def _chinese_relative(relative: Relative, prefix: str, head: NounPhrase) -> list[Token]:
    words: list[Token] = []
    if relative.gap == "object":
        assert relative.other is not None
        words += _chinese_np(relative.other, prefix + ".s")
    words.append((relative.verb, (prefix + ".v",)))
    if relative.gap == "subject" and relative.other is not None:
        words += _chinese_np(relative.other, prefix + ".o")
    return [*words, ("的", (prefix + ".rel",))]


def realize_chinese(clause: Clause) -> list[Token]:
    """The Chinese words of ``clause`` with their roles, ending with "。" or "?"."""
    words = _chinese_np(clause.subject, "s")
    if clause.time:
        times = zh.PAST_TIMES if clause.past else zh.PRESENT_TIMES
        words.append((times[clause.time], ("time",)))
    auxiliary = clause.verb != COPULA and (clause.negated or clause.question)
    if clause.negated:  # aligned with "not", and with "do" / "does" / "did"
        words.append(("没" if clause.past else "不", ("m.neg", "m.t") if auxiliary else ("m.neg",)))
    if clause.place:  # after the negation: 我没在公园看见猫
        words += [("在", ("pl.pp",)), (zh.PLACES[clause.place], ("pl.n", "pl.d"))]
    carries_tense = not (clause.past or auxiliary)  # "sees", "is"; "saw" goes with 了 too
    words.append((clause.verb, ("m.v", "m.t") if carries_tense else ("m.v",)))
    if clause.past and not clause.negated:
        words.append(("了", ("m.t",)))
    if clause.obj is not None:
        words += _chinese_np(clause.obj, "o")
    if clause.predicate in zh.NATIONALITIES:
        words.append((zh.NATIONALITIES[clause.predicate], ("pred.n",)))
    elif clause.predicate:
        words.append((zh.NOUNS[clause.predicate].chinese, ("pred.n", "pred.d")))
    if clause.question:
        words.append(("吗", ("m.q",)))
    return [*words, ("?" if clause.question else "。", ("end",))]


# --- pairs -----------------------------------------------------------------------------------

MAX_ENGLISH_WORDS = 18


def _sample(rng: random.Random) -> tuple[list[Token], list[Token]]:
    while True:
        clause = sample_clause(rng)
        english = realize_english(clause)
        if len(english) <= MAX_ENGLISH_WORDS:
            return english, realize_chinese(clause)


def _pairs(task: str, split: str, seed: int, size: int | None) -> list[tuple[list[Token], ...]]:
    """(english, chinese) token lists of ``split``; the split depends on the Chinese text only."""
    if size is None:
        size = DEFAULT_SIZES.get(split, 0)
    rng = split_rng(task, split, seed)
    collector: SplitCollector[tuple[list[Token], list[Token]]] = SplitCollector(
        split, size, key=lambda item: "".join(word for word, _ in item[1])
    )
    while not collector.full:
        collector.offer(_sample(rng))
    return collector.items


def generate(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` Chinese-English pairs of ``split`` (default 20k train, 1k valid, 1k test)."""
    return [
        TranslationPair("".join(w for w, _ in chinese), " ".join(w for w, _ in english),
                        align(chinese, english))
        for english, chinese in _pairs("zh-en", split, seed, size)
    ]  # fmt: skip


def generate_reverse(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` English-Chinese pairs of ``split`` (default 20k train, 1k valid, 1k test)."""
    return [
        TranslationPair(" ".join(w for w, _ in english), "".join(w for w, _ in chinese),
                        align(english, chinese))
        for english, chinese in _pairs("en-zh", split, seed, size)
    ]  # fmt: skip
