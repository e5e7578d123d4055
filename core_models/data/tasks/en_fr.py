"""English to French from the controlled grammar of ``grammar_en``, with gold word alignments.

The French side follows the rules a learner meets first: determiners, adjectives and past
participles agree in gender and number; most adjectives follow the noun, a few (beau, bon, grand,
jeune, nouveau, petit, vieux, ...) precede it and take "bel / vieil / nouvel" before a vowel;
present and passé composé with "avoir" or "être" (être verbs and reflexives agree with the subject;
an avoir participle agrees with a direct object relativised by "que": "la pomme que l'homme a
mangée"); "ne ... pas" around the finite verb, with "de" replacing un / une / des / du under
negation; "à + le = au", "à + les = aux", "de + le = du", "de + les = des"; elision of le, la, je,
me, te, se, ne, que, de before a vowel or mute h, written as one word ("l'homme", "n'a", "qu'il");
relative clauses with qui, que and "à qui". The gender of "je", "tu", "nous" and "ils" is
masculine (the English gives none). Alignments link whole words: "l'homme" is aligned to both
"the" and "man", "n'a" to "not" and "did".
"""

from __future__ import annotations

from core_models.data.pairs import TranslationPair
from core_models.data.tasks import lexicon_fr as fr
from core_models.data.tasks.english import translation_pairs
from core_models.data.tasks.grammar_en import (
    Clause,
    NounPhrase,
    Sentence,
    Token,
    agreement,
    is_indefinite,
)

_ELIDED = frozenset({"le", "la", "je", "me", "te", "se", "ne", "que", "de"})
_CONTRACTIONS = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}

Agreement = tuple[int, bool, bool]  # person, plural, feminine


def _agreement(np: NounPhrase) -> Agreement:
    person, plural = agreement(np)
    feminine = np.pronoun == "she" if np.pronoun else fr.NOUNS[np.noun].feminine
    return person, plural, feminine


def _determiner(np: NounPhrase, feminine: bool, next_word: str, has_prenominal: bool) -> list[str]:
    vowel = fr.starts_with_vowel_sound(next_word)
    if np.determiner in fr.NUMBERS:
        return [fr.NUMBERS[np.determiner]]
    if np.determiner == "":
        if np.plural:
            return ["de" if has_prenominal else "des"]
        return ["de", "la" if feminine else "le"]  # partitive: du pain, de la soupe, de l'eau
    masculine, feminine_form, plural = fr.DETERMINERS[np.determiner]
    if np.plural:
        return [plural]
    if not feminine:
        return ["cet" if masculine == "ce" and vowel else masculine]
    if vowel and feminine_form in ("ma", "ta", "sa"):
        return [masculine]  # mon amie, son école
    return [feminine_form]


def _noun_phrase(np: NounPhrase, prefix: str, negation: str = "") -> list[Token]:
    """French words of a noun phrase; ``negation`` is the role of "not" when the phrase is a
    direct object of a negated verb (un / une / des / du become "de")."""
    if np.pronoun:
        return [(fr.PRONOUNS[np.pronoun], (prefix + ".n",))]
    noun = fr.NOUNS[np.noun]
    noun_word = noun.plural if np.plural else noun.singular
    before: list[Token] = []
    after: list[Token] = []
    masculine_before_vowel = not (noun.feminine or np.plural) and fr.starts_with_vowel_sound(
        noun_word
    )
    for i, key in enumerate(np.adjectives):
        adjective = fr.ADJECTIVES[key]
        word = adjective.form(noun.feminine, np.plural)
        if not adjective.prenominal:
            after.append((word, (f"{prefix}.a{i}",)))
            continue
        if masculine_before_vowel:  # un vieil homme, un bel arbre
            word = adjective.before_vowel
        before.append((word, (f"{prefix}.a{i}",)))
    body = [*before, (noun_word, (prefix + ".n",)), *after]
    if negation and is_indefinite(np):
        words = [("de", (prefix + ".d", negation))]
    else:
        determiner_roles = (prefix + ".d",) if np.determiner else (prefix + ".d", prefix + ".n")
        determiner = _determiner(np, noun.feminine, body[0][0], bool(before))
        words = [(word, determiner_roles) for word in determiner]
    words += body
    if np.relative is not None:
        words += _clause(np.relative, prefix + ".r", head=np)
    return words


def _verb_group(
    clause: Clause, prefix: str, subject: Agreement, object_agreement: Agreement | None
) -> list[Token]:
    verb = fr.VERBS[clause.verb]
    person, plural, feminine = subject
    index = person - 1 + 3 * plural
    lexical = (prefix + ".v", prefix + ".x")
    words: list[Token] = []
    if verb.reflexive:
        words.append((fr.REFLEXIVES[index], (prefix + ".v",)))
    participle: list[Token] = []
    if clause.past and clause.verb == "be":
        words.append((fr.ETRE_IMPERFECT[index], (prefix + ".t", *lexical)))
    elif clause.past:
        auxiliary = fr.VERBS["be"].present if verb.auxiliary == "être" else fr.AVOIR
        words.append((auxiliary[index], (prefix + ".t",)))
        agrees_with = subject if verb.auxiliary == "être" else object_agreement
        _, agree_plural, agree_feminine = agrees_with or (3, False, False)
        form = fr.participle_form(verb.participle, agree_feminine, agree_plural)
        participle.append((form, lexical))
    else:
        words.append((verb.present[index], (prefix + ".t", *lexical)))
    if clause.negated:
        words = [("ne", (prefix + ".neg",)), *words, ("pas", (prefix + ".neg",))]
    if clause.adverb:
        words.append((fr.MID_ADVERBS[clause.adverb], (prefix + ".adv",)))
    return words + participle


def _clause(clause: Clause, prefix: str, head: NounPhrase | None = None) -> list[Token]:
    verb = fr.VERBS[clause.verb]
    words: list[Token] = []
    object_agreement = None
    if clause.gap == "subject":
        words.append(("qui", (prefix + ".rel",)))
    elif clause.gap == "object":
        assert head is not None
        if verb.object_preposition:  # la femme à qui l'homme parle
            words.append((verb.object_preposition, (prefix + ".x", prefix + ".v")))
            words.append(("qui", (prefix + ".rel",)))
        else:
            words.append(("que", (prefix + ".rel",)))
            object_agreement = _agreement(head)
    if clause.subject is not None:
        words += _noun_phrase(clause.subject, prefix + ".s")
    subject = clause.subject if clause.subject is not None else head
    assert subject is not None, "a clause without a subject needs its head noun phrase"
    agreement_ = _agreement(subject)
    words += _verb_group(clause, prefix, agreement_, object_agreement)
    objects: list[Token] = []
    if clause.obj is not None:
        negation = ""
        if verb.object_preposition:
            objects.append((verb.object_preposition, (prefix + ".x", prefix + ".v")))
        elif clause.negated:
            negation = prefix + ".neg"
        objects += _noun_phrase(clause.obj, prefix + ".o", negation)
    if clause.recipient is not None:
        recipient = [("à", (prefix + ".to", prefix + ".r.d"))]
        recipient += _noun_phrase(clause.recipient, prefix + ".r")
        # a heavy object (with a relative clause) goes last: "donne à la femme la pomme qui ..."
        heavy = clause.obj is not None and clause.obj.relative is not None
        objects = recipient + objects if heavy else objects + recipient
    words += objects
    if clause.predicate:
        _, plural, feminine = agreement_
        words.append((fr.ADJECTIVES[clause.predicate].form(feminine, plural), (prefix + ".adj",)))
    if clause.pp is not None:
        words += [(w, (prefix + ".pp",)) for w in fr.PREPOSITIONS[clause.pp.preposition].split()]
        words += _noun_phrase(clause.pp.object, prefix + ".p")
    if clause.complement is not None:
        words.append(("que", (prefix + ".c.that",)))
        words += _clause(clause.complement, prefix + ".c")
    return words


def _spell(words: list[Token]) -> list[Token]:
    """Contractions (à le -> au) then elisions (le homme -> l'homme, si il -> s'il)."""
    contracted: list[Token] = []
    for i, (word, roles) in enumerate(words):
        following = words[i + 1][0] if i + 1 < len(words) else ""
        pair = (contracted[-1][0], word) if contracted else ("", "")
        if pair in _CONTRACTIONS and (word == "les" or not fr.starts_with_vowel_sound(following)):
            previous_roles = contracted.pop()[1]
            contracted.append((_CONTRACTIONS[pair], previous_roles + roles))
            continue
        contracted.append((word, roles))
    spelled: list[Token] = []
    for word, roles in contracted:
        if spelled:
            previous, previous_roles = spelled[-1]
            elides = previous in _ELIDED and fr.starts_with_vowel_sound(word)
            if elides or (previous == "si" and word in ("il", "ils")):
                spelled[-1] = (previous[:-1] + "'" + word, previous_roles + roles)
                continue
        spelled.append((word, roles))
    return spelled


def translate(sentence: Sentence) -> list[Token]:
    """The French words of ``sentence`` with their roles (see ``grammar_en``), ending with "."."""
    words: list[Token] = []
    if sentence.adverb:
        words += [(w, ("adv",)) for w in fr.FRONT_ADVERBS[sentence.adverb].split()]
    main = _clause(sentence.main, "m")
    if sentence.subordinate is not None:
        conjunction = [(w, ("conj",)) for w in fr.CONJUNCTIONS[sentence.conjunction].split()]
        subordinate = conjunction + _clause(sentence.subordinate, "b")
        main = [*subordinate, (",", ("comma",)), *main] if sentence.fronted else main + subordinate
    return _spell([*words, *main, (".", ("end",))])


def generate(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` English-French pairs of ``split`` (default 20k train, 1k valid, 1k test)."""
    return translation_pairs("en-fr", split, seed, size, translate)
