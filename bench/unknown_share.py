"""The share of <unk> tokens a model's text tokenizer gives ordinary English sentences (issue 14:
GloVe words in the vocabulary).

    python3 -m bench.unknown_share [MODEL ...]      # default: decomposable-nli

MODEL: a bundled model's name or a checkpoint directory. The sentences (two sets: everyday
words, and scenes with less common ones) were written for this measurement, not taken from any
training data.
"""

from __future__ import annotations

import sys

from core_models.inference import load_model
from core_models.models.base import UNK_ID

SENTENCES = [
    "A woman is reading a newspaper on the train.",
    "Two children are building a snowman in the winter.",
    "The old man walks his dog along the river every morning.",
    "A group of tourists is taking photos of the cathedral.",
    "Several tents were set up near the lake for the festival.",
    "The flags are waving in the strong wind.",
    "My brother doesn't like coffee, but he drinks tea every day.",
    "A chef is cutting vegetables in a busy kitchen.",
    "The students are listening carefully to their teacher.",
    "Nobody is swimming because the water is too cold.",
    "A man in a red jacket is riding a bicycle through the city.",
    "The baby is sleeping while her mother cooks dinner.",
    "Three friends are playing cards at a wooden table.",
    "It’s raining, so the football match was cancelled.",
    "A musician is playing the violin on a street corner.",
    "The farmer is feeding the cows before sunrise.",
    "Two dogs are chasing a ball across the grass.",
    "She bought a new computer for her daughter’s birthday.",
    "The police officer is talking to a young driver.",
    "People are waiting in line outside the bakery.",
    "A girl is painting a picture of the mountains.",
    "The airport was crowded during the holidays.",
    "An elderly couple is dancing at the wedding.",
    "The boy fell off his skateboard and hurt his knee.",
    "Workers are repairing the road near the school.",
]

# Less common everyday words (the second measurement of issue 14's larger GloVe subset).
SCENES = [
    "The archaeologists unearthed fragments of pottery beneath the medieval monastery.",
    "A cyclist in a fluorescent vest is weaving through congested traffic.",
    "Two toddlers are splashing in a puddle after the thunderstorm.",
    "The surgeon adjusted her goggles before the delicate operation began.",
    "A scruffy terrier is digging beneath the neighbour's hedge.",
    "The orchestra rehearsed the symphony until the conductor was satisfied.",
    "Volunteers are distributing blankets to refugees at the border crossing.",
    "A barista is pouring steamed milk into a ceramic mug.",
    "The hikers pitched their tents beside a glacier-fed stream.",
    "An auctioneer is selling antique furniture to eager collectors.",
    "The kitten is batting at a dangling shoelace.",
    "Fishermen are mending their nets on the pier at dawn.",
    "A skateboarder performs a flip over a row of traffic cones.",
    "The librarian scolded the teenagers for whispering too loudly.",
    "Commuters huddle under umbrellas while waiting for the delayed tram.",
    "A potter is shaping wet clay on a spinning wheel.",
    "The firefighters rescued a frightened cat from the chimney.",
    "Grandma is knitting a woollen scarf for her grandson.",
    "A juggler entertains the crowd with flaming torches.",
    "The toddler smeared strawberry jam across the tablecloth.",
    "Snowboarders are racing down the slope beneath the chairlift.",
    "A mechanic is tightening the bolts on a rusty tractor.",
    "The bride and groom are cutting a three-tiered cake.",
    "Pigeons gathered around the bench where crumbs had been scattered.",
    "A lifeguard blows her whistle at swimmers near the jetty.",
]
SETS = {"everyday": SENTENCES, "scenes": SCENES}


def unknown_share(model: str, sentences: list[str]) -> tuple[int, int]:
    """(<unk> tokens, all tokens) of ``sentences`` under the model's text (or source) tokenizer."""
    tokenizers = load_model(model).checkpoint.tokenizers
    tokenizer = tokenizers.get("text") or tokenizers["source"]
    ids = [token_id for sentence in sentences for token_id in tokenizer.encode(sentence)]
    return sum(token_id == UNK_ID for token_id in ids), len(ids)


def main(models: list[str]) -> None:
    for model in models or ["decomposable-nli"]:
        for name, sentences in SETS.items():
            unknown, total = unknown_share(model, sentences)
            print(
                f"{model}: {name}: {len(sentences)} sentences, {total} tokens, {unknown} <unk> "
                f"= {unknown / total:.1%}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
