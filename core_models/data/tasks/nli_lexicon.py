"""The word lists of the NLI task: taxonomies and scales of ordinary English words (WordNet-style).

Everything here is data; the relations between words are computed in ``nli_logic``.

- Nouns form a taxonomy: ``NOUN_TAXONOMY[parent]`` lists its children (poodle < dog < mammal <
  animal). A key "parent/facet" groups children that exclude each other; children in different
  facets of one parent do not (a man may be a doctor). All roots exclude each other.
- Adjectives and adverbs come in scales: each scale has poles that exclude each other (big / small),
  each pole a head word and stronger words that entail it (huge < big). A scale marked
  complementary has two poles that also cover everything they apply to (open / closed).
- Verbs form a taxonomy (sprinting < running < moving); verbs sharing an activity group exclude
  each other for one entity at one time (running / sleeping), other verbs are independent.
- Places are regions: "outside" and "inside" are complementary; each place lies in one of them
  (or, like "pool", in neither) and distinct places exclude each other.
"""

from __future__ import annotations

from dataclasses import dataclass

NOUN_TAXONOMY: dict[str, str] = {
    "animal": "mammal bird fish insect",
    "mammal": "dog cat horse cow sheep goat pig rabbit mouse squirrel bear wolf fox deer monkey "
    "elephant lion tiger",
    "dog": "poodle beagle terrier collie bulldog",
    "horse": "pony",
    "bird": "sparrow robin eagle parrot owl pigeon crow duck swan",
    "fish": "salmon trout shark",
    "insect": "bee ant butterfly beetle",
    "person/age": "child adult",
    "child": "boy girl",
    "adult": "man woman",
    "person/job": "doctor nurse teacher farmer chef pilot soldier student musician athlete",
    "musician": "guitarist violinist pianist drummer singer",
    "athlete": "swimmer cyclist boxer skater",
    "instrument": "guitar violin piano drum flute trumpet cello harp",
    "vehicle": "car truck bus bicycle motorcycle van tractor boat",
    "furniture": "chair table sofa bed desk bench shelf",
    "tool": "hammer saw drill wrench shovel knife",
    "clothing": "shirt jacket coat dress hat scarf sweater skirt",
    "building": "house school church hospital hotel barn castle",
    "food": "fruit vegetable bread cake cheese soup pizza sandwich",
    "fruit": "apple banana orange pear grape cherry peach lemon mango strawberry",
    "vegetable": "carrot potato tomato onion cabbage",
    "container": "box bag bottle cup jar basket bucket",
    "plant": "flower tree",
    "flower": "rose tulip daisy lily sunflower",
    "tree": "oak pine maple birch willow",
    "door": "",
    "window": "",
    "gate": "",
}

# Plurals that the regular rules (+s, +es, y -> ies) get wrong; None: a mass noun, never plural.
IRREGULAR_PLURALS: dict[str, str | None] = {
    "man": "men",
    "woman": "women",
    "child": "children",
    "person": "people",
    "mouse": "mice",
    "sheep": "sheep",
    "deer": "deer",
    "fish": "fish",
    "salmon": "salmon",
    "trout": "trout",
    "wolf": "wolves",
    "shelf": "shelves",
    "knife": "knives",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "mango": "mangoes",
    "furniture": None,
    "clothing": None,
    "food": None,
    "bread": None,
    "cheese": None,
    "soup": None,
}


@dataclass(frozen=True)
class Scale:
    """Exclusive poles, each "head(stronger stronger)"; ``applies_to``: noun or verb taxonomy nodes."""

    name: str
    poles: tuple[str, ...]
    applies_to: tuple[str, ...]
    complementary: bool = False


def _scale(name: str, poles: str, applies_to: str, complementary: bool = False) -> Scale:
    return Scale(name, tuple(poles.split()), tuple(applies_to.split()), complementary)


_ANIMATE = "person animal"
_SENTIENT = "person mammal bird"  # feelings and moods
_OBJECTS = "vehicle building furniture instrument clothing tool container"
_OPENINGS = "door window gate"

ADJECTIVE_SCALES: tuple[Scale, ...] = (
    _scale("size", "big(huge,enormous) small(tiny)", f"{_ANIMATE} {_OBJECTS} {_OPENINGS} fruit vegetable plant"),
    _scale("height", "tall short", "person tree building"),
    _scale("age", "old young", _ANIMATE),
    _scale("wear", "old(ancient) new", f"{_OBJECTS} {_OPENINGS}"),
    _scale("wetness", "wet(soaked,drenched) dry", f"{_SENTIENT} clothing", complementary=True),
    _scale("cleanliness", "clean(spotless) dirty(filthy)", f"{_SENTIENT} clothing vehicle furniture container", complementary=True),
    _scale("temperature", "hot(boiling) cold(freezing)", "food"),
    _scale("hunger", "hungry(starving)", _SENTIENT),
    _scale("fatigue", "tired(exhausted)", _SENTIENT),
    _scale("mood", "happy(delighted,thrilled) sad(miserable)", _SENTIENT),
    _scale("temper", "angry(furious) calm", _SENTIENT),
    _scale("courage", "brave scared(terrified)", _SENTIENT),
    _scale("strength", "strong weak", _SENTIENT),
    _scale("wealth", "rich poor", "person"),
    _scale("speed", "fast slow", "vehicle mammal bird athlete"),
    _scale("loudness", "loud(deafening) quiet(silent)", "instrument vehicle person mammal bird"),
    _scale("weight", "heavy light", "furniture tool container instrument"),
    _scale("price", "expensive cheap", f"{_OBJECTS} food"),
    _scale("softness", "soft hard", "furniture food clothing"),
    _scale("ripeness", "ripe rotten", "fruit vegetable"),
    _scale("openness", "open closed", f"{_OPENINGS} container building", complementary=True),
    _scale("fullness", "full empty", "container"),
    _scale("colour", "red(crimson,scarlet) blue(navy) green yellow black white brown pink purple grey", "vehicle clothing furniture container flower door gate"),
    _scale("life", "alive dead", "plant", complementary=True),
    _scale("beauty", "beautiful(gorgeous) ugly(hideous)", "building flower clothing"),
    _scale("sharpness", "sharp blunt", "tool"),
)  # fmt: skip

# Adjectives that only follow "is" ("the tree is alive", never "the alive tree").
PREDICATIVE_ONLY = frozenset({"alive"})

VERB_TAXONOMY: dict[str, str] = {
    "moving": "running walking swimming climbing dancing cycling flying",
    "running": "sprinting jogging",
    "walking": "strolling marching hiking",
    "sleeping": "napping dozing",
    "eating": "nibbling munching",
    "drinking": "sipping gulping",
    "talking": "whispering shouting mumbling chatting",
    "laughing": "giggling chuckling",
    "crying": "sobbing weeping",
    "writing": "scribbling",
    "drawing": "sketching",
    "singing": "",
    "barking": "",
    "reading": "",
    "painting": "",
}

# Verbs of one group exclude each other (one body, one mouth, one face, two hands at a time).
VERB_GROUPS: dict[str, str] = {
    "body": "moving sleeping",
    "mouth": "eating drinking talking singing barking sleeping",
    "face": "laughing crying sleeping",
    "hands": "reading writing drawing painting sleeping",
}

# Who can do what (a noun qualifies when it lies under, or above, one of these nodes).
VERB_SUBJECTS: dict[str, str] = {
    "moving": "person animal",
    "running": "person mammal",
    "walking": "person mammal bird",
    "marching": "person",
    "hiking": "person",
    "strolling": "person",
    "jogging": "person",
    "sipping": "person",
    "swimming": "person dog fish duck swan",
    "climbing": "person monkey cat squirrel bear",
    "dancing": "person",
    "cycling": "person",
    "flying": "bird bee butterfly",
    "sleeping": "person mammal bird",
    "eating": "person animal",
    "drinking": "person mammal",
    "talking": "person",
    "singing": "person bird",
    "barking": "dog",
    "laughing": "person",
    "crying": "person",
    "reading": "person",
    "writing": "person",
    "drawing": "person",
    "painting": "person",
}

ADVERB_SCALES: tuple[Scale, ...] = (
    _scale("pace", "quickly slowly", "running walking swimming climbing dancing cycling flying moving eating drinking reading writing drawing painting talking"),
    _scale("volume", "loudly quietly", "talking singing laughing crying barking eating"),
    _scale("manner", "happily sadly", "singing dancing walking talking eating reading painting"),
)  # fmt: skip

# Verbs that carry a manner: sprinting is running quickly, whispering is talking quietly.
IMPLIED_ADVERBS: dict[str, str] = {
    "sprinting": "quickly",
    "strolling": "slowly",
    "gulping": "quickly",
    "sipping": "slowly",
    "whispering": "quietly",
    "mumbling": "quietly",
    "shouting": "loudly",
}

# Place -> its words and its region ("outside", "inside" or "" for neither).
PLACES: dict[str, tuple[str, str]] = {
    "park": ("in the park", "outside"),
    "garden": ("in the garden", "outside"),
    "forest": ("in the forest", "outside"),
    "field": ("in the field", "outside"),
    "beach": ("on the beach", "outside"),
    "street": ("on the street", "outside"),
    "mountains": ("in the mountains", "outside"),
    "river": ("in the river", "outside"),
    "lake": ("in the lake", "outside"),
    "sea": ("in the sea", "outside"),
    "sky": ("in the sky", "outside"),
    "kitchen": ("in the kitchen", "inside"),
    "bedroom": ("in the bedroom", "inside"),
    "office": ("in the office", "inside"),
    "classroom": ("in the classroom", "inside"),
    "library": ("in the library", "inside"),
    "gym": ("in the gym", "inside"),
    "restaurant": ("in the restaurant", "inside"),
    "museum": ("in the museum", "inside"),
    "pool": ("in the pool", ""),
}
REGIONS = ("outside", "inside")

_LAND_OUT = "park garden forest field beach street mountains"
_INDOOR = "kitchen bedroom office classroom library gym restaurant museum"
_WATER = "river lake sea pool"
# Where each kind of creature can be found (a sentence's places fit both its verb and its noun).
NOUN_PLACES: dict[str, str] = {
    "person": f"{_LAND_OUT} {_INDOOR} {_WATER}",
    "animal": f"{_LAND_OUT} {_WATER} sky",
    "dog": f"{_LAND_OUT} river lake sea kitchen bedroom",
    "cat": f"{_LAND_OUT} kitchen bedroom",
    "bird": f"{_LAND_OUT} river lake sea sky",
    "fish": "river lake sea",
    "insect": f"{_LAND_OUT} kitchen sky",
}
# Where each verb (and the verbs under it) can happen.
VERB_PLACES: dict[str, str] = {
    "moving": f"{_LAND_OUT} {_INDOOR} {_WATER} sky",
    "running": f"{_LAND_OUT} gym",
    "walking": f"{_LAND_OUT} museum",
    "hiking": "forest field mountains",
    "marching": "street field park",
    "swimming": _WATER,
    "climbing": "mountains forest gym",
    "dancing": f"{_INDOOR} park street beach garden",
    "cycling": "street park forest mountains field",
    "flying": "sky",
    "sleeping": f"{_LAND_OUT} {_INDOOR}",
    "eating": "kitchen restaurant park garden beach office classroom",
    "drinking": "kitchen restaurant park garden beach office classroom",
    "talking": f"{_LAND_OUT} {_INDOOR}",
    "singing": f"{_LAND_OUT} {_INDOOR}",
    "barking": _LAND_OUT,
    "laughing": f"{_LAND_OUT} {_INDOOR}",
    "crying": f"{_LAND_OUT} {_INDOOR}",
    "reading": "library office classroom bedroom kitchen park garden beach",
    "writing": "office classroom library bedroom kitchen park garden",
    "drawing": "office classroom library bedroom kitchen park garden",
    "painting": "office classroom library bedroom kitchen park garden",
}
