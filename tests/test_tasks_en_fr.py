"""The en-fr task's French: golden translations, alignments across reordering and elision, and a
checker of French agreement run over every training sentence (the properties en-fr shares with
en-de, such as determinism and disjoint splits, are in test_tasks_translation.py).

The checker parses each French target with the lexicon's word lists only (which forms exist, their
gender, number, person, position class, auxiliary) and its own statement of the rules: determiner,
adjective and noun agree; pre-/post-nominal position; bel / vieil / nouvel, cet, mon before a
vowel; subject-verb agreement; ne ... pas around the finite verb; être / avoir and participle
agreement (subject for être, "que"-relativised object for avoir); "de" for an indefinite object
under negation; elision and à / de contractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from core_models.data.tasks import lexicon_en as en
from core_models.data.tasks import lexicon_fr as fr
from core_models.data.tasks.en_fr import generate, translate
from core_models.data.tasks.english import align, realize_english
from core_models.data.tasks.grammar_en import (
    Clause,
    NounPhrase,
    PrepPhrase,
    Sentence,
)

ALL = frozenset({(False, False), (True, False), (False, True), (True, True)})  # (feminine, plural)
MASC_SG, FEM_SG = (False, False), (True, False)
SG = frozenset({MASC_SG, FEM_SG})
PL = frozenset({(False, True), (True, True)})


@pytest.fixture(scope="module")
def train():
    return generate("train")


# --- the checker ------------------------------------------------------------------------------


def _forms_table() -> dict[str, set]:
    nouns: dict[str, set] = {}
    for noun in fr.NOUNS.values():
        nouns.setdefault(noun.singular, set()).add((noun.feminine, False))
        nouns.setdefault(noun.plural, set()).add((noun.feminine, True))
    return nouns


NOUN_FORMS = _forms_table()
ADJECTIVE_FORMS: dict[str, set] = {}  # form -> {(key, feminine, plural)}
for _key, _adjective in fr.ADJECTIVES.items():
    for _i, _form in enumerate(_adjective.forms):
        ADJECTIVE_FORMS.setdefault(_form, set()).add((_key, bool(_i % 2), _i >= 2))
    ADJECTIVE_FORMS.setdefault(_adjective.before_vowel, set()).add((_key, False, False))
FINITE: dict[str, set] = {}  # form -> {(verb key or "avoir" / "imparfait", person index 0..5)}
PARTICIPLES: dict[str, set] = {}  # form -> {(verb key, feminine, plural)}
for _key, _verb in fr.VERBS.items():
    for _i, _form in enumerate(_verb.present):
        FINITE.setdefault(_form, set()).add((_key, _i))
    for _feminine in (False, True):
        for _plural in (False, True):
            _form = fr.participle_form(_verb.participle, _feminine, _plural)
            PARTICIPLES.setdefault(_form, set()).add((_key, _feminine, _plural))
for _i, _form in enumerate(fr.AVOIR):
    FINITE.setdefault(_form, set()).add(("avoir", _i))
for _i, _form in enumerate(fr.ETRE_IMPERFECT):
    FINITE.setdefault(_form, set()).add(("imparfait", _i))

SUBJECT_PRONOUNS = {"je": (0, MASC_SG), "j'": (0, MASC_SG), "tu": (1, MASC_SG), "il": (2, MASC_SG),
                    "elle": (2, FEM_SG), "nous": (3, (False, True)), "ils": (5, (False, True))}  # fmt: skip
REFLEXIVE_PERSON = {"me": {0}, "te": {1}, "se": {2, 5}, "nous": {3}}
POSSESSIVES = {"mon": "m", "ton": "m", "son": "m", "ma": "f", "ta": "f", "sa": "f", "notre": "s",
               "leur": "s", "mes": "p", "tes": "p", "ses": "p", "nos": "p", "leurs": "p"}  # fmt: skip
NUMBER_WORDS = set(fr.NUMBERS.values())
SIMPLE_PREPOSITIONS = {"dans", "sur", "sous", "derrière", "devant", "avec", "sans", "pour"}
FRONT_ADVERBS = sorted((a.split() for a in fr.FRONT_ADVERBS.values()), key=len, reverse=True)
ELIDABLE = {"le", "la", "je", "me", "te", "se", "ne", "que", "de"}


class FrenchError(AssertionError):
    pass


@dataclass
class Phrase:
    """A parsed noun phrase: the (feminine, plural) readings left, its determiner, its noun."""

    readings: frozenset
    determiner: str
    noun: str
    person: int = 2  # index 0..5 of the finite verb it takes as a subject
    partitive: bool = False
    prenominal: bool = False


@dataclass
class Parser:
    tokens: list[str]
    i: int = 0
    verbs: list[str] = field(default_factory=list)

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        self.i += 1
        return token

    def fail(self, message: str) -> None:
        raise FrenchError(f"{message} at word {self.i} ({self.peek()!r})")

    # noun phrases

    def determiner(self) -> tuple[str, frozenset, bool]:
        """(determiner, readings, partitive) of the determiner at the cursor."""
        word, following = self.take(), self.peek()
        vowel = fr.starts_with_vowel_sound(following)
        if word in ("de", "d'") and following in ("la", "l'"):  # partitive: de la soupe
            self.take()
            return "de la", frozenset({FEM_SG} if following == "la" else SG), True
        table = {"le": {MASC_SG}, "la": {FEM_SG}, "l'": SG, "les": PL, "un": {MASC_SG},
                 "une": {FEM_SG}, "des": PL, "de": ALL, "d'": ALL, "du": {MASC_SG},
                 "ce": {MASC_SG}, "cet": {MASC_SG}, "cette": {FEM_SG}, "ces": PL}  # fmt: skip
        if word in table:
            if word == "cet" and not vowel or word == "ce" and vowel:
                self.fail(f"'{word}' before {following!r}")
            return word, frozenset(table[word]), word == "du"
        if word in POSSESSIVES:
            kind = POSSESSIVES[word]
            if kind == "f" and vowel:
                self.fail(f"'{word}' before a vowel must be mon / ton / son")
            readings = {"m": SG if vowel else {MASC_SG}, "f": {FEM_SG}, "s": SG, "p": PL}[kind]
            return word, frozenset(readings), False
        if word in NUMBER_WORDS:
            return word, PL, False
        self.fail(f"expected a determiner, found {word!r}")
        raise AssertionError

    def noun_phrase(self, determiner: tuple[str, frozenset, bool] | None = None) -> Phrase:
        if self.peek() in SUBJECT_PRONOUNS:
            person, reading = SUBJECT_PRONOUNS[self.take()]
            return Phrase(frozenset({reading}), "", "", person)
        word, readings, partitive = determiner or self.determiner()
        prenominal: list[str] = []
        while self.peek() in ADJECTIVE_FORMS and self.peek() not in NOUN_FORMS:
            prenominal.append(self.take())
        noun = self.take()
        if noun not in NOUN_FORMS:
            self.fail(f"expected a noun, found {noun!r}")
        readings &= NOUN_FORMS[noun]
        for adjective in prenominal:
            keys = {key for key, _, _ in ADJECTIVE_FORMS[adjective]}
            if not all(fr.ADJECTIVES[key].prenominal for key in keys):
                self.fail(f"'{adjective}' must follow the noun")
            readings &= {(f, p) for _, f, p in ADJECTIVE_FORMS[adjective]}
        if prenominal and readings == {MASC_SG} and fr.starts_with_vowel_sound(noun):
            last = prenominal[-1]
            key = next(iter(ADJECTIVE_FORMS[last]))[0]
            if last != fr.ADJECTIVES[key].before_vowel:
                self.fail(f"'{last} {noun}' needs the pre-vowel form")
        if word == "des" and prenominal:
            self.fail("'des' before an adjective must be 'de'")
        while self.peek() in ADJECTIVE_FORMS and self.peek() not in FINITE:
            adjective = self.take()
            if any(fr.ADJECTIVES[key].prenominal for key, _, _ in ADJECTIVE_FORMS[adjective]):
                self.fail(f"'{adjective}' must precede the noun")
            readings &= {(f, p) for _, f, p in ADJECTIVE_FORMS[adjective]}
        if not readings:
            self.fail(f"determiner, noun and adjectives of '{noun}' disagree")
        plural = all(p for _, p in readings)
        phrase = Phrase(
            frozenset(readings), word, noun, 5 if plural else 2, partitive, bool(prenominal)
        )
        self.relative(phrase)
        return phrase

    def relative(self, head: Phrase) -> None:
        if self.peek() == "qui":
            self.take()
            self.clause(head=head, gap="subject")
        elif self.peek() in ("que", "qu'"):
            self.take()
            self.clause(head=head, gap="object")
        elif self.peek() in ("à", "avec") and self.peek(1) == "qui":
            preposition = self.take()
            self.take()
            self.clause(head=head, gap=preposition)

    # clauses

    def starts_verb_group(self) -> bool:
        word = self.peek()
        return (
            word in ("ne", "n'")
            or word in FINITE
            or (word in REFLEXIVE_PERSON or word in ("m'", "t'", "s'"))
            and self.peek(1) in FINITE
        )

    def clause(self, head: Phrase | None = None, gap: str = "") -> None:
        subject = head if gap == "subject" else self.noun_phrase()
        assert subject is not None
        negated = self.peek() in ("ne", "n'")
        if negated:
            self.take()
        reflexive = ""
        if self.peek() in REFLEXIVE_PERSON or self.peek() in ("m'", "t'", "s'"):
            reflexive = self.take().replace("'", "e")
            if subject.person not in REFLEXIVE_PERSON[reflexive]:
                self.fail(f"reflexive '{reflexive}' does not match the subject")
        finite = self.take()
        readings = {(verb, person) for verb, person in FINITE.get(finite, ()) if person == subject.person}  # fmt: skip
        if not readings:
            self.fail(f"'{finite}' does not agree with its subject (person {subject.person})")
        if negated and self.take() != "pas":
            self.fail("'ne' without 'pas' after the finite verb")
        if self.peek() == "pas":
            self.fail("'pas' without 'ne'")
        if self.peek() in fr.MID_ADVERBS.values():
            self.take()
        verbs = {verb for verb, _ in readings}
        verbs = self.verb_and_participle(verbs, subject, head if gap == "object" else None)
        verbs = {verb for verb in verbs if fr.VERBS[verb].reflexive == bool(reflexive)}
        if not verbs:
            self.fail("the verb and its reflexive pronoun disagree")
        if gap == "object":
            verbs = {verb for verb in verbs if fr.VERBS[verb].object_preposition == ""}
        elif gap in ("à", "avec"):
            verbs = {verb for verb in verbs if fr.VERBS[verb].object_preposition == gap}
        if not verbs:
            self.fail(f"the relative pronoun does not fit the verb ({gap})")
        self.complements(verbs, subject, negated, object_done=gap not in ("", "subject"))

    def verb_and_participle(
        self, verbs: set[str], subject: Phrase, object_head: Phrase | None
    ) -> set[str]:
        """The candidate lexical verbs; checks the auxiliary and the participle's agreement."""
        etre = verbs & {"be"}
        following = PARTICIPLES.get(self.peek(), set())
        if "avoir" in verbs or (etre and any(fr.VERBS[v].auxiliary == "être" for v, _, _ in following)):  # fmt: skip
            participle = self.take()
            readings = PARTICIPLES.get(participle)
            if not readings:
                self.fail(f"expected a past participle, found {participle!r}")
            auxiliary = "avoir" if "avoir" in verbs else "être"
            candidates = {v for v, _, _ in readings if fr.VERBS[v].auxiliary == auxiliary}
            if not candidates:
                self.fail(f"'{participle}' does not take '{auxiliary}'")
            if auxiliary == "être":
                expected = subject.readings
            elif object_head is not None:
                expected = object_head.readings
            else:
                expected = frozenset({MASC_SG})
            if not {(f, p) for _, f, p in readings} & expected:
                self.fail(f"participle '{participle}' does not agree")
            return candidates
        if "imparfait" in verbs:
            return {"be"}
        return verbs - {"avoir"}

    def complements(
        self, verbs: set[str], subject: Phrase, negated: bool, object_done: bool
    ) -> None:
        stops = {".", ",", "parce", "quand", "si", "s'"}
        frames = {en.VERBS[verb].frame for verb in verbs}
        takes_object = any(
            en.VERBS[verb].frame in (en.TRANSITIVE, en.DITRANSITIVE)
            and fr.VERBS[verb].object_preposition == ""
            for verb in verbs
        )
        while self.peek() and self.peek() not in stops and not self.starts_verb_group():
            word = self.peek()
            if word in ("que", "qu'") and en.CLAUSAL in frames:
                self.take()
                self.clause()
            elif word in SIMPLE_PREPOSITIONS:
                self.take()
                self.noun_phrase()
            elif word == "à" and self.peek(1) == "côté":
                self.take(), self.take()
                self.adjunct_after_de()
            elif word in ("à", "au", "aux"):
                self.take()
                if word == "à":
                    self.noun_phrase()
                else:
                    self.noun_phrase(("le" if word == "au" else "les", frozenset({MASC_SG}) if word == "au" else PL, False))  # fmt: skip
            elif "be" in verbs and word in ADJECTIVE_FORMS:
                self.take()
                if not {(f, p) for _, f, p in ADJECTIVE_FORMS[word]} & subject.readings:
                    self.fail(f"predicate '{word}' does not agree with its subject")
            elif takes_object and not object_done:
                phrase = self.noun_phrase()
                self.check_negated_object(phrase, negated)
                object_done = True
            else:
                self.fail(f"unexpected {word!r}")

    def adjunct_after_de(self) -> None:
        word = self.take()
        if word == "du":
            self.noun_phrase(("le", frozenset({MASC_SG}), False))
        elif word == "des":
            self.noun_phrase(("les", PL, False))
        elif word in ("de", "d'"):
            self.noun_phrase()
        else:
            self.fail("'à côté' must be followed by de / du / des")

    def check_negated_object(self, phrase: Phrase, negated: bool) -> None:
        indefinite = phrase.determiner in ("un", "une", "des") or phrase.partitive
        if negated and indefinite:
            self.fail(f"'{phrase.determiner}' under negation must be 'de'")
        bare_de = phrase.determiner in ("de", "d'") and not phrase.partitive
        if not negated and bare_de and not (phrase.prenominal and phrase.readings & PL):
            self.fail("'de' for an object of an affirmative verb")

    def sentence(self) -> None:
        for adverb in FRONT_ADVERBS:
            if self.tokens[: len(adverb)] == adverb:
                self.i = len(adverb)
                break
        if self.peek() in ("si", "s'", "quand"):
            self.take()
            self.clause()
            if self.take() != ",":
                self.fail("a fronted clause ends with a comma")
        self.clause()
        if self.peek() == "parce":
            self.take()
            if self.take() not in ("que", "qu'"):
                self.fail("'parce' without 'que'")
            self.clause()
        elif self.peek() in ("si", "s'", "quand"):
            self.take()
            self.clause()
        if self.take() != "." or self.peek():
            self.fail("the sentence must end with one full stop")


def split_elisions(target: str) -> list[str]:
    """Words with their elided first part split off ("l'homme" -> "l'", "homme"), after checking
    that elision and contraction were applied exactly where French needs them."""
    words = target.split()
    tokens: list[str] = []
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word in ELIDABLE and fr.starts_with_vowel_sound(following):
            raise FrenchError(f"'{word} {following}' must be elided")
        if word == "si" and following in ("il", "ils"):
            raise FrenchError(f"'si {following}' must be elided")
        if "'" in word and word != "aujourd'hui":
            first, rest = word.split("'", 1)
            if not (fr.starts_with_vowel_sound(rest) or (first == "s" and rest in ("il", "ils"))):
                raise FrenchError(f"'{word}' elides before a consonant")
            tokens += [first + "'", rest]
        else:
            tokens.append(word)
    for first, second in zip(tokens, tokens[1:], strict=False):
        if first in ("à", "de") and second in ("le", "les"):
            raise FrenchError(f"'{first} {second}' must be contracted")
    return tokens


def check_french(target: str) -> None:
    Parser(split_elisions(target)).sentence()


# --- tests ------------------------------------------------------------------------------------


def test_every_training_sentence_passes_the_french_agreement_checker(train):
    failures = []
    for pair in train:
        try:
            check_french(pair.target)
        except FrenchError as error:
            failures.append(f"{pair.target}  <-  {error}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    "target",
    [
        "le petite chat dort .",  # determiner / adjective gender
        "la chat dort .",
        "les chat dorment .",
        "le chat rouge petit dort .",
        "le rouge chat dort .",  # colour before the noun
        "le chat dorment .",  # subject-verb agreement
        "le beau homme dort .",  # needs "bel"
        "la femme est allé au parc .",  # être participle agreement
        "la femme a allée au parc .",  # wrong auxiliary
        "la pomme que l'homme a mangé est rouge .",  # preceding direct object agreement
        "l'homme ne mange pas une pomme .",  # "de" under negation
        "l'homme ne mange une pomme .",
        "l'homme mange pas la pomme .",
        "le homme dort .",  # elision
        "l'chat dort .",
        "l'homme va à le parc .",  # contraction
        "ce homme dort .",
        "ma amie dort .",
        "elle se suis levée .",
        "les hommes mangent des petites pommes .",
    ],
)
def test_checker_rejects_broken_french(target):
    with pytest.raises(FrenchError):
        check_french(target)


NP = NounPhrase


@pytest.mark.parametrize(
    "plan, english, french",
    [
        (Clause("eat", NP("cat", adjectives=("small",)), obj=NP("apple", adjectives=("red",))),
         "the small cat eats the red apple .", "le petit chat mange la pomme rouge ."),
        (Clause("see", NP("man"), past=True, negated=True, obj=NP("dog")),
         "the man did not see the dog .", "l'homme n'a pas vu le chien ."),
        (Clause("go", NP("woman", plural=True), past=True, pp=PrepPhrase("to", NP("park"))),
         "the women went to the park .", "les femmes sont allées au parc ."),
        (Clause("give", NP(pronoun="she"), obj=NP("book", determiner="a"), recipient=NP("child", plural=True)),  # fmt: skip
         "she gives a book to the children .", "elle donne un livre aux enfants ."),
        (Clause("drink", NP(pronoun="i"), negated=True, obj=NP("water", determiner="")),
         "i do not drink water .", "je ne bois pas d'eau ."),
        (Clause("eat", NP(pronoun="we"), obj=NP("bread", determiner="")),
         "we eat bread .", "nous mangeons du pain ."),
        (Clause("be", NP("man", adjectives=("old",)), predicate="tired"),
         "the old man is tired .", "le vieil homme est fatigué ."),
        (Clause("be", NP("apple", relative=Clause("eat", NP("man"), past=True, gap="object")), predicate="red"),  # fmt: skip
         "the apple that the man ate is red .", "la pomme que l'homme a mangée est rouge ."),
        (Clause("get up", NP("girl", determiner="my"), past=True, negated=True),
         "my girl did not get up .", "ma fille ne s'est pas levée ."),
        (Clause("talk to", NP(pronoun="he"), obj=NP("woman", relative=Clause("call", NP(pronoun="i"), gap="object"))),  # fmt: skip
         "he talks to the woman that i call .", "il parle à la femme que j'appelle ."),
        (Clause("look for", NP("tree", determiner="this", adjectives=("beautiful",)), obj=NP("school")),  # fmt: skip
         "this beautiful tree looks for the school .", "ce bel arbre cherche l'école ."),
        (Clause("buy", NP(pronoun="they"), obj=NP("shoe", determiner="", plural=True, adjectives=("new",))),  # fmt: skip
         "they buy new shoes .", "ils achètent de nouvelles chaussures ."),
        (Clause("sleep", NP("dog", determiner="a"), pp=PrepPhrase("next to", NP("hotel"))),
         "a dog sleeps next to the hotel .", "un chien dort à côté de l'hôtel ."),
        (Clause("answer", NP("student", determiner="two", plural=True), obj=NP("teacher", plural=True)),
         "two students answer the teachers .", "deux étudiants répondent aux professeurs ."),
    ],
)  # fmt: skip
def test_golden_translations(plan, english, french):
    sentence = Sentence(plan)
    assert " ".join(w for w, _ in realize_english(sentence)) == english
    assert " ".join(w for w, _ in translate(sentence)) == french


def test_golden_subordinate_clauses_and_fronted_adverbs():
    sentence = Sentence(
        Clause("see", NP(pronoun="he"), past=True, obj=NP("dog")),
        adverb="yesterday",
        conjunction="because",
        subordinate=Clause("be", NP(pronoun="he"), predicate="happy"),
    )
    assert " ".join(w for w, _ in realize_english(sentence)) == (
        "yesterday he saw the dog because he is happy ."
    )
    assert " ".join(w for w, _ in translate(sentence)) == (
        "hier il a vu le chien parce qu'il est heureux ."
    )
    fronted = Sentence(
        Clause("sleep", NP("cat")),
        conjunction="if",
        subordinate=Clause("be", NP(pronoun="he"), predicate="tired"),
        fronted=True,
    )
    assert " ".join(w for w, _ in translate(fronted)) == "s'il est fatigué , le chat dort ."


def test_alignment_links_words_across_reordering_and_elision():
    sentence = Sentence(Clause("see", NP("man"), past=True, negated=True, obj=NP("dog", adjectives=("black",))))  # fmt: skip
    source, target = realize_english(sentence), translate(sentence)
    # the man did not see the black dog . / l'homme n'a pas vu le chien noir .
    assert [w for w, _ in target] == ["l'homme", "n'a", "pas", "vu", "le", "chien", "noir", "."]
    assert set(align(source, target)) == {
        (0, 0), (1, 0), (2, 1), (3, 1), (3, 2), (4, 3), (5, 4), (6, 6), (7, 5), (8, 7),
    }  # fmt: skip


def test_regular_conjugation_and_agreement_rules():
    assert fr.regular_present("manger")[3] == "mangeons"
    assert fr.regular_present("attendre") == ("attends", "attends", "attend", "attendons", "attendez", "attendent")  # fmt: skip
    assert fr.regular_present("obéir")[5] == "obéissent"
    assert fr.participle_form("pris", True, True) == "prises"
    assert fr.ADJECTIVES["happy"].forms == ("heureux", "heureuse", "heureux", "heureuses")
    assert fr.NOUNS["castle"].plural == "châteaux"
