"""The English side of the controlled translation grammar (en-fr, en-de): words and what they select.

Everything here is data plus the regular English inflection rules. Each word has a *key* (its
English base form, "look at" for a verb with its preposition); the French and German lexicons
(``lexicon_fr``, ``lexicon_de``) translate exactly these keys, so the three stay in step.

- Nouns belong to one *kind* (person, animal, food, ...); verbs and adjectives name the kinds they
  accept, which keeps sentences sensible ("the dog eats the apple", never "the apple eats the dog").
- Tags mark nouns that fit a construction: ``openable``, ``in`` (a place one can be in), ``to``
  (a destination), ``surface`` (on / under), ``water``, ``container``, ``mass`` (never plural,
  takes no "a": water, bread).
- Verb frames: intransitive, motion (with a destination "to the park"), transitive, ditransitive,
  copula (be + adjective), clausal (say that ...). Flags say which adjuncts a verb takes.
"""

from __future__ import annotations

from dataclasses import dataclass

INTRANSITIVE, MOTION, TRANSITIVE, DITRANSITIVE, COPULA, CLAUSAL = (
    "intransitive", "motion", "transitive", "ditransitive", "copula", "clausal",
)  # fmt: skip

_NOUNS: dict[str, str] = {
    "person": "man:men woman:women boy girl child:children father mother brother sister friend "
    "teacher doctor student king queen baker farmer cook uncle aunt neighbor soldier actor singer "
    "waiter nurse lawyer policeman:policemen writer painter pilot driver son daughter baby guest "
    "tourist prince princess engineer worker musician",
    "animal": "cat dog horse bird mouse:mice parrot cow pig lamb rabbit duck lion "
    "elephant monkey bear wolf:wolves fox tiger goat hen donkey bee spider owl snake frog",
    "food": "apple bread cake cheese egg banana orange pear soup salad carrot tomato:tomatoes "
    "cookie pizza strawberry lemon cherry onion mushroom",
    "drink": "water milk coffee tea juice wine beer lemonade",
    "thing": "key ball bag box cup glass bottle plate phone computer picture pen pencil umbrella "
    "toy map ticket photo stone knife:knives spoon fork mirror guitar piano candle wallet basket "
    "blanket gift ring",
    "furniture": "table chair bed sofa lamp clock door window shelf:shelves desk",
    "clothing": "hat coat shoe shirt dress jacket scarf:scarves sweater skirt sock",
    "vehicle": "car bus train bicycle boat plane truck taxi",
    "building": "house school station church library museum hospital hotel restaurant shop bank "
    "castle office cinema theater kitchen room garage",
    "place": "park garden forest beach city village market river lake mountain street bridge farm "
    "airport zoo",
    "text": "book letter newspaper magazine notebook",
    "work": "song story poem",
    "plant": "flower tree rose",
}

_TAGS: dict[str, str] = {
    "mass": "water milk coffee tea juice wine beer lemonade bread cheese soup",
    "openable": "door window box bag bottle book letter shop bank umbrella wallet",
    "container": "box bag cup glass bottle basket",
    "surface": "table chair bed sofa desk shelf",
    "under": "table chair bed sofa desk tree bridge",
    "water": "river lake",
    "in": "house school station church library museum hospital hotel restaurant shop bank castle "
    "office cinema theater kitchen room garage park garden forest city village lake river zoo "
    "car bus train boat plane taxi",
    "to": "house school station church library museum hospital hotel restaurant shop bank castle "
    "office cinema theater park garden forest beach city village market river lake mountain "
    "bridge farm airport zoo",
}

ANIMATE = "person animal"
CONCRETE = "person animal food drink thing furniture clothing vehicle building place text plant"
_PHYSICAL = "animal thing furniture clothing vehicle building plant"

_COLOURS = "red blue green black white yellow gray brown"
_ORIGINS = "french german english italian"
_ANIMATE_QUALITIES = (
    "intelligent happy sad tired angry kind strong sick brave lazy curious funny quiet loud"
)
_PERSON_QUALITIES = "friendly polite rich poor busy"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"

# group (for English adjective order: opinion, size, age before colour, origin), kinds it modifies
_ADJECTIVES: dict[str, tuple[str, str]] = {
    "beautiful": ("opinion", f"{_PHYSICAL} person place text work"),
    "pretty": ("opinion", "person animal clothing plant thing building place"),
    "good": ("opinion", "person food drink text work"),
    "bad": ("opinion", "person food drink text work"),
    "small": ("size", f"{_PHYSICAL} person food place text"),
    "big": ("size", f"{_PHYSICAL} food place text"),
    "long": ("size", "text work clothing place vehicle"),
    "fat": ("size", ANIMATE),
    "old": ("age", f"{_PHYSICAL} person place text"),
    "young": ("age", ANIMATE),
    "new": ("age", "thing furniture clothing vehicle building text work"),
    **{colour: ("colour", _PHYSICAL) for colour in _COLOURS.split()},
    **{origin: ("origin", "person food drink vehicle text work") for origin in _ORIGINS.split()},
    **{quality: ("quality", ANIMATE) for quality in _ANIMATE_QUALITIES.split()},
    **{quality: ("quality", "person") for quality in _PERSON_QUALITIES.split()},
    "famous": ("quality", "person building place work"),
    "fast": ("quality", "animal vehicle"),
    "slow": ("quality", "animal vehicle"),
    "delicious": ("quality", "food drink"),
    "fresh": ("quality", "food drink"),
    "sweet": ("quality", "food drink"),
    "hot": ("quality", "food drink"),
    "cold": ("quality", "food drink"),
    "heavy": ("quality", "thing furniture text"),
    "empty": ("quality", "container"),
    "full": ("quality", "container"),
    "clean": ("quality", "thing furniture clothing vehicle building"),
    "dirty": ("quality", "thing furniture clothing vehicle building"),
    "expensive": ("quality", "thing furniture clothing vehicle building food drink"),
    "round": ("quality", "thing furniture"),
    "modern": ("quality", "building vehicle furniture thing"),
    "dark": ("quality", "building place"),
    "open": ("quality", "openable"),
    "closed": ("quality", "openable"),
    "wet": ("quality", "clothing animal"),
    "dry": ("quality", "clothing animal"),
    "soft": ("quality", "clothing furniture"),
    "strange": ("quality", CONCRETE),
}  # fmt: skip

# key: past | frame | subject kinds | object kinds | flags. Flags: L locative adjunct ("in the
# park"), C comitative ("with the dog"), B beneficiary ("for the child"), R object relative
# clause allowed ("the bus that the woman waits for"), W the locative must be water, P a
# locative is required ("stays in the garden"), D a destination is required ("il va" alone is
# not French).
_VERBS: dict[str, str] = {
    "see": f"saw | transitive | {ANIMATE} | {CONCRETE} | L R",
    "eat": f"ate | transitive | {ANIMATE} | food | L C R",
    "drink": f"drank | transitive | {ANIMATE} | drink | L C R",
    "read": "read | transitive | person | text work | L R",
    "write": "wrote | transitive | person | text work | L B R",
    "buy": "bought | transitive | person | food drink thing furniture clothing vehicle text plant animal | B R",
    "sell": "sold | transitive | person | food thing furniture clothing vehicle text animal | R",
    "love": "loved | transitive | person | person animal | R",
    "find": f"found | transitive | {ANIMATE} | thing clothing text animal | L R",
    "lose": "lost | transitive | person | thing clothing text | R",
    "take": "took | transitive | person | thing food clothing text | R",
    "carry": "carried | transitive | person | thing furniture text food | R",
    "open": "opened | transitive | person | openable | R",
    "close": "closed | transitive | person | openable | R",
    "wash": "washed | transitive | person | thing clothing vehicle animal furniture | R",
    "draw": "drew | transitive | person | person animal thing furniture vehicle building plant | L B R",
    "cook": "cooked | transitive | person | food | C B R",
    "prepare": "prepared | transitive | person | food | C B R",
    "visit": "visited | transitive | person | building place | C R",
    "watch": f"watched | transitive | {ANIMATE} | person animal vehicle | L R",
    "hear": f"heard | transitive | {ANIMATE} | person animal vehicle work | L R",
    "meet": "met | transitive | person | person | L R",
    "call": "called | transitive | person | person | R",
    "invite": "invited | transitive | person | person | R",
    "help": "helped | transitive | person | person animal | R",
    "thank": "thanked | transitive | person | person | R",
    "follow": f"followed | transitive | {ANIMATE} | person animal vehicle | R",
    "answer": "answered | transitive | person | person | R",
    "look at": f"looked | transitive | {ANIMATE} | {CONCRETE} | L R",
    "wait for": f"waited | transitive | {ANIMATE} | person vehicle | L R",
    "look for": f"looked | transitive | {ANIMATE} | person animal thing clothing text | R",
    "listen to": f"listened | transitive | {ANIMATE} | person animal work | R",
    "talk to": "talked | transitive | person | person | R",
    "play with": f"played | transitive | {ANIMATE} | person animal | L",
    "give": "gave | ditransitive | person | thing food text clothing plant |",
    "show": "showed | ditransitive | person | thing text clothing animal vehicle plant |",
    "send": "sent | ditransitive | person | text thing |",
    "bring": "brought | ditransitive | person | thing food drink text clothing plant |",
    "lend": "lent | ditransitive | person | thing text vehicle clothing |",
    "sleep": f"slept | intransitive | {ANIMATE} | | L C",
    "swim": f"swam | intransitive | {ANIMATE} | | L W C",
    "sing": "sang | intransitive | person | | L C B",
    "dance": "danced | intransitive | person | | L C",
    "laugh": "laughed | intransitive | person | |",
    "cry": "cried | intransitive | person | |",
    "work": "worked | intransitive | person | | L C",
    "play": f"played | intransitive | {ANIMATE} | | L C",
    "wait": f"waited | intransitive | {ANIMATE} | | L C",
    "smile": "smiled | intransitive | person | |",
    "jump": f"jumped | intransitive | {ANIMATE} | |",
    "fall": f"fell | intransitive | {ANIMATE} | |",
    "arrive": "arrived | intransitive | person vehicle | |",
    "leave": "left | intransitive | person vehicle | |",
    "come back": f"came | intransitive | {ANIMATE} | |",
    "get up": "got | intransitive | person | |",
    "wake up": f"woke | intransitive | {ANIMATE} | |",
    "stay": f"stayed | intransitive | {ANIMATE} | | L P",
    "go out": "went | intransitive | person | | C",
    "go": f"went | motion | {ANIMATE} | | C D",
    "come": f"came | motion | {ANIMATE} | | C",
    "run": f"ran | motion | {ANIMATE} | | C",
    "be": f"was | copula | {CONCRETE} work | |",
    "say": "said | clausal | person | |",
    "think": "thought | clausal | person | |",
    "believe": "believed | clausal | person | |",
    "hope": "hoped | clausal | person | |",
}  # fmt: skip

# Prepositions of adjuncts: the tag or kinds their object must have, and the kind of adjunct.
PREPOSITIONS: dict[str, tuple[str, str]] = {
    "in": ("in", "locative"),
    "on": ("surface", "locative"),
    "under": ("under", "locative"),
    "next to": (f"{_PHYSICAL} person", "locative"),
    "behind": ("furniture vehicle building plant person", "locative"),
    "in front of": ("furniture vehicle building plant person", "locative"),
    "with": (ANIMATE, "comitative"),
    "without": (ANIMATE, "comitative"),
    "for": ("person", "beneficiary"),
    "to": ("to", "destination"),
}

# Fronted time adverbials and the tenses they go with.
FRONT_ADVERBS: dict[str, tuple[str, ...]] = {
    "today": ("present", "past"),
    "yesterday": ("past",),
    "now": ("present",),
    "this morning": ("present", "past"),
    "in the morning": ("present",),
    "in the evening": ("present",),
    "every day": ("present",),
    "last week": ("past",),
    **{f"on {day}": ("present", "past") for day in _DAYS.split()},
}  # fmt: skip
MID_ADVERBS = ("often", "always", "sometimes")
PRONOUNS = ("i", "you", "he", "she", "we", "they")  # "you" is singular (tu, du)
NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
POSSESSIVES = ("my", "your", "his", "her", "our", "their")
CONJUNCTIONS = ("because", "when", "if", "that")


@dataclass(frozen=True)
class Noun:
    key: str
    plural: str
    kind: str
    tags: frozenset[str]

    @property
    def mass(self) -> bool:
        return "mass" in self.tags


@dataclass(frozen=True)
class Adjective:
    key: str
    group: str  # opinion, size, age, colour, origin, quality
    modifies: frozenset[str]  # noun kinds or tags


@dataclass(frozen=True)
class Verb:
    key: str  # "see", "look at"
    base: str  # "look"
    particle: str  # "at", "" when none
    third: str  # "looks"
    past: str  # "looked"
    frame: str
    subjects: frozenset[str]
    objects: frozenset[str]
    flags: frozenset[str]


def english_plural(singular: str) -> str:
    """The regular plural: +es after a sibilant, consonant + y -> ies, else +s."""
    if singular.endswith(("s", "x", "z", "ch", "sh")):
        return singular + "es"
    if singular.endswith("y") and singular[-2] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


def english_third_person(base: str) -> str:
    """The -s form: "goes", "watches", "carries", "sees"."""
    if base.endswith(("s", "x", "z", "ch", "sh", "o")):
        return base + "es"
    return english_plural(base)


def _build_nouns() -> dict[str, Noun]:
    tags: dict[str, set[str]] = {}
    for tag, words in _TAGS.items():
        for word in words.split():
            tags.setdefault(word, set()).add(tag)
    nouns = {}
    for kind, words in _NOUNS.items():
        for entry in words.split():
            singular, _, plural = entry.partition(":")
            nouns[singular] = Noun(
                singular,
                plural or english_plural(singular),
                kind,
                frozenset(tags.get(singular, ())),
            )
    return nouns


def _build_verbs() -> dict[str, Verb]:
    verbs = {}
    for key, row in _VERBS.items():
        past, frame, subjects, objects, flags = (part.split() for part in row.split("|"))
        base, _, particle = key.partition(" ")
        verbs[key] = Verb(
            key, base, particle, english_third_person(base), past[0], frame[0],
            frozenset(subjects), frozenset(objects), frozenset(flags),
        )  # fmt: skip
    return verbs


NOUNS: dict[str, Noun] = _build_nouns()
ADJECTIVES: dict[str, Adjective] = {
    key: Adjective(key, group, frozenset(kinds.split()))
    for key, (group, kinds) in _ADJECTIVES.items()
}
VERBS: dict[str, Verb] = _build_verbs()


def accepts(selection: frozenset[str], noun: Noun) -> bool:
    """Whether a noun fits a selection of kinds and tags ("person animal", "openable")."""
    return noun.kind in selection or not selection.isdisjoint(noun.tags)
