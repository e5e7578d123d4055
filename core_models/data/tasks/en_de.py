"""English to German from the controlled grammar of ``grammar_en``, with gold word alignments.

German word order is built from the classic topological fields: the finite verb comes second in a
main clause (after the subject, a fronted adverbial "heute sieht der mann ..." or a fronted
"wenn ..." clause), last in subordinate clauses ("..., weil der mann den hund sieht") and relative
clauses ("der mann , der den hund sieht , ..."); participles and separable particles close the main
clause ("der mann hat den hund gesehen", "der mann ruft die frau an"), and a relative clause on the
last noun phrase moves behind them ("... angerufen , die ..."). Inside the middle field: mid
adverb, dative recipient, object, place, "nicht", prepositional object, other adjuncts,
predicate. Articles, adjectives and nouns are declined for case (nominative subject, the object
case of each verb, dative recipient, the case of each preposition); a negated indefinite object
takes "kein" instead of "nicht". Commas, which English has not, are aligned to nothing.
"""

from __future__ import annotations

from core_models.data.pairs import TranslationPair
from core_models.data.tasks import lexicon_de as de
from core_models.data.tasks import lexicon_en as en
from core_models.data.tasks.english import translation_pairs
from core_models.data.tasks.grammar_en import (
    Clause,
    NounPhrase,
    Sentence,
    Token,
    agreement,
    is_indefinite,
)

Phrase = tuple[list[Token], list[Token]]  # words, and the relative clause that belongs to them
_COMMA: Token = (",", ())


def _column(np: NounPhrase) -> int:
    return 3 if np.plural else de.GENDER_COLUMN[de.NOUNS[np.noun].gender]


def _noun_phrase(
    np: NounPhrase, prefix: str, case: str, negation: str = "", marker: str = ""
) -> Phrase:
    """German words of ``np`` in ``case``; ``negation`` (the role of "not") turns an indefinite
    into "kein"; ``marker`` is an extra role of the article (the "to" of a recipient)."""
    if np.pronoun:
        return [(de.PRONOUNS[np.pronoun], (prefix + ".n",))], []
    column = _column(np)
    determiner_roles = (prefix + ".d", marker) if marker else (prefix + ".d",)
    if negation and is_indefinite(np):
        determiner, endings = "kein" + de.EIN_ENDINGS[case][column], de.MIXED_ADJECTIVE
        determiner_roles = (prefix + ".d", negation)
    elif np.determiner == "the":
        determiner, endings = de.DEFINITE[case][column], de.WEAK_ADJECTIVE
    elif np.determiner == "this":
        determiner, endings = "dies" + de.DER_ENDINGS[case][column], de.WEAK_ADJECTIVE
    elif np.determiner in de.EIN_WORDS:
        determiner = de.EIN_WORDS[np.determiner] + de.EIN_ENDINGS[case][column]
        endings = de.MIXED_ADJECTIVE
    else:  # a number, a bare plural, a mass noun
        determiner, endings = de.NUMBERS.get(np.determiner, ""), de.STRONG_ADJECTIVE
    words: list[Token] = [(determiner, determiner_roles)] if determiner else []
    for i, key in enumerate(np.adjectives):
        words.append((de.ADJECTIVES[key].inflect(endings[case][column]), (f"{prefix}.a{i}",)))
    words.append((de.NOUNS[np.noun].form(case, np.plural), (prefix + ".n",)))
    relative = _relative_clause(np.relative, prefix + ".r", np) if np.relative else []
    return words, relative


def _prepositional(
    preposition: str, case: str, np: NounPhrase, prefix: str, roles: tuple[str, ...]
) -> Phrase:
    """ "mit dem hund", contracted where German must: "zum park", "im garten", "zur schule"."""
    words, relative = _noun_phrase(np, prefix, case)
    contraction = (
        de.CONTRACTIONS.get((preposition, words[0][0])) if np.determiner == "the" else None
    )
    if contraction:
        return [(contraction, roles + words[0][1]), *words[1:]], relative
    return [(preposition, roles), *words], relative


def _finite_index(subject: NounPhrase) -> int:
    person, plural = agreement(subject)
    return person - 1 + 3 * plural


class _Fields:
    """The parts of one clause: subject, finite verb, middle field, verb-final pieces."""

    def __init__(self, clause: Clause, prefix: str, head: NounPhrase | None) -> None:
        verb = de.VERBS[clause.verb]
        subject = clause.subject if clause.subject is not None else head
        assert subject is not None, "a clause without a subject needs its head noun phrase"
        index = _finite_index(subject)
        self.subject: list[Token] = []
        if clause.subject is not None:
            words, relative = _noun_phrase(clause.subject, prefix + ".s", "nom")
            self.subject = words + relative
        lexical = (prefix + ".v", prefix + ".x")
        self.particle: list[Token] = []  # main-clause right bracket
        self.participle: list[Token] = []
        if clause.past and clause.verb == "be":
            self.finite: Token = (de.SEIN_PAST[index], (prefix + ".t", *lexical))
        elif clause.past:
            auxiliary = de.VERBS["be"].present if verb.auxiliary == "sein" else de.HABEN
            self.finite = (auxiliary[index], (prefix + ".t",))
            self.participle = [(verb.participle, lexical)]
        else:
            self.finite = (verb.present[index], (prefix + ".t", *lexical))
            if verb.particle:
                self.particle = [(verb.particle, lexical)]
        self.middle: list[Phrase] = self._middle(clause, prefix, verb)

    @staticmethod
    def _middle(clause: Clause, prefix: str, verb: de.GermanVerb) -> list[Phrase]:
        preposition, _, object_case = verb.object_case.rpartition("+")
        kein = (
            clause.negated
            and clause.obj is not None
            and not preposition
            and is_indefinite(clause.obj)
        )
        pp = clause.pp
        locative = pp is not None and en.PREPOSITIONS[pp.preposition][1] == "locative"
        middle: list[Phrase] = []
        if clause.adverb:
            middle.append(([(de.MID_ADVERBS[clause.adverb], (prefix + ".adv",))], []))
        if clause.recipient is not None:
            middle.append(
                _noun_phrase(clause.recipient, prefix + ".r", "dat", marker=prefix + ".to")
            )
        if clause.obj is not None and not preposition:
            middle.append(_noun_phrase(clause.obj, prefix + ".o", object_case, prefix + ".neg" if kein else ""))  # fmt: skip
        if pp is not None and locative:
            middle.append(_adjunct(clause, prefix))
        if clause.negated and not kein:
            middle.append(([("nicht", (prefix + ".neg",))], []))
        if clause.obj is not None and preposition:
            middle.append(_prepositional(preposition, object_case, clause.obj, prefix + ".o", (prefix + ".x",)))  # fmt: skip
        if pp is not None and not locative:
            middle.append(_adjunct(clause, prefix))
        if clause.predicate:
            adjective = de.ADJECTIVES[clause.predicate].predicative
            middle.append(([(adjective, (prefix + ".adj",))], []))
        return middle

    def main(self, inverted: bool, complement: list[Token]) -> list[Token]:
        """Verb-second order; ``inverted`` when something else fills the first position."""
        right = self.participle or self.particle
        extraposed: list[Token] = []
        middle = list(self.middle)
        # a relative clause that would stand before "nicht" or the verb's last part moves to the
        # end: "... nicht angerufen , die im garten schläft"
        last = max((i for i, (_, relative) in enumerate(middle) if relative), default=-1)
        after = middle[last + 1 :]
        if last >= 0 and (after or right) and all(words[0][0] == "nicht" for words, _ in after):
            words, extraposed = middle[last]
            middle[last] = (words, [])
        middle_words = [w for words, relative in middle for w in (*words, *relative)]
        if inverted:
            words = [self.finite, *self.subject, *middle_words]
        else:
            words = [*self.subject, self.finite, *middle_words]
        return words + right + extraposed + complement

    def final(self) -> list[Token]:
        """Verb-final order of subordinate and relative clauses: "... den hund gesehen hat"."""
        middle_words = [w for words, relative in self.middle for w in (*words, *relative)]
        word, roles = self.finite
        if self.particle:  # "anruft": the particle joins the finite verb
            particle, particle_roles = self.particle[0]
            word, roles = particle + word, tuple(dict.fromkeys(particle_roles + roles))
        return [*self.subject, *middle_words, *self.participle, (word, roles)]


def _adjunct(clause: Clause, prefix: str) -> Phrase:
    assert clause.pp is not None
    preposition, case = de.PREPOSITIONS[clause.pp.preposition]
    return _prepositional(preposition, case, clause.pp.object, prefix + ".p", (prefix + ".pp",))


def _complement(clause: Clause, prefix: str) -> list[Token]:
    if clause.complement is None:
        return []
    fields = _Fields(clause.complement, prefix + ".c", None)
    return [_COMMA, ("dass", (prefix + ".c.that",)), *fields.final()]


def _relative_clause(clause: Clause, prefix: str, head: NounPhrase) -> list[Token]:
    """ ", der den hund sieht ," / ", auf den die frau wartet ," with the pronoun's case from its role."""
    column = _column(head)
    if clause.gap == "subject":
        pronoun = [(de.RELATIVE["nom"][column], (prefix + ".rel",))]
    else:
        preposition, _, case = de.VERBS[clause.verb].object_case.rpartition("+")
        pronoun = [(de.RELATIVE[case][column], (prefix + ".rel",))]
        if preposition:
            pronoun.insert(0, (preposition, (prefix + ".x",)))
    return [_COMMA, *pronoun, *_Fields(clause, prefix, head).final(), _COMMA]


def _tidy_commas(words: list[Token]) -> list[Token]:
    """No comma right before another comma or the final full stop."""
    tidy: list[Token] = []
    for word in words:
        if tidy and tidy[-1][0] == "," and word[0] in (",", "."):
            tidy.pop()
        tidy.append(word)
    return tidy


def translate(sentence: Sentence) -> list[Token]:
    """The German words of ``sentence`` with their roles (see ``grammar_en``), ending with "."."""
    main = _Fields(sentence.main, "m", None)
    complement = _complement(sentence.main, "m")
    subordinate: list[Token] = []
    if sentence.subordinate is not None:
        conjunction = (de.CONJUNCTIONS[sentence.conjunction], ("conj",))
        subordinate = [conjunction, *_Fields(sentence.subordinate, "b", None).final()]
    if sentence.fronted:
        words = [*subordinate, (",", ("comma",)), *main.main(True, complement)]
    elif sentence.adverb:
        adverb = [(w, ("adv",)) for w in de.FRONT_ADVERBS[sentence.adverb].split()]
        words = [*adverb, *main.main(True, complement)]
        words += [_COMMA, *subordinate] if subordinate else []
    else:
        words = main.main(False, complement) + ([_COMMA, *subordinate] if subordinate else [])
    return _tidy_commas([*words, (".", ("end",))])


def generate(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` English-German pairs of ``split`` (default 20k train, 1k valid, 1k test)."""
    return translation_pairs("en-de", split, seed, size, translate)
