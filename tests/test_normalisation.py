"""Word tokenizer text options: lowercase, folded punctuation, Moses splitting and
detokenisation; saved with the tokenizer, and old files (no options) load exactly as before."""

import json

import pytest

from core_models.models.base import UNK_ID
from core_models.tokenizers import load_tokenizer, train_tokenizer
from core_models.tokenizers.text_options import TokenizerOptionError

FRENCH = [
    "C'est la vie.",
    "c'est l'homme qu'il a vu, d'accord ?",
    "Je sais.",
    "L'enfant joue dans le jardin.",
    "Il dit qu'elle est partie.",
    "J'aime le café et le thé.",
] * 20
ENGLISH = [
    "I'm not rich.",
    "He said “yes” – twice.",
    "It’s raining in the city.",
    "Don't go there!",
    "The dog isn't sleeping.",
] * 20


def test_french_elisions_are_words_of_their_own():
    tokenizer = train_tokenizer("word", FRENCH, 200, moses="fr", lowercase=True)
    assert tokenizer.pieces("C'est l'homme qu'il a vu.") == [
        "c'", "est", "l'", "homme", "qu'", "il", "a", "vu", ".",
    ]  # fmt: skip
    vocabulary = tokenizer.vocabulary()
    assert "c'" in vocabulary and "C'est" not in vocabulary and "c'est" not in vocabulary


def test_italian_elisions_split_the_moses_way():
    tokenizer = train_tokenizer("word", ["l'uomo dell'anno", "un'amica"], 50, moses="it")
    assert tokenizer.pieces("l'uomo dell'anno") == ["l'", "uomo", "dell'", "anno"]


def test_moses_output_is_detokenised():
    tokenizer = train_tokenizer("word", FRENCH, 200, moses="fr")
    assert tokenizer.decode(tokenizer.encode("Je sais.")) == "Je sais."
    assert tokenizer.decode(tokenizer.encode("C'est la vie.")) == "C'est la vie."
    plain = train_tokenizer("word", FRENCH, 200)
    assert plain.decode(plain.encode("Je sais.")) == "Je sais ."  # the historical output


def test_lowercase_makes_one_word_of_every_case():
    tokenizer = train_tokenizer("word", ENGLISH, 200, lowercase=True, moses="en")
    assert UNK_ID not in tokenizer.encode("I'M NOT RICH.")
    assert tokenizer.encode("i'm not rich.") == tokenizer.encode("I'm Not Rich.")
    cased = train_tokenizer("word", ENGLISH, 200)
    assert UNK_ID in cased.encode("i'm NOT rich.")


def test_curly_apostrophes_quotes_and_dashes_fold():
    tokenizer = train_tokenizer("word", ENGLISH, 200, fold_punctuation=True, moses="en")
    assert tokenizer.pieces("It’s") == tokenizer.pieces("It's") == ["It", "'s"]
    assert "“" not in tokenizer.vocabulary() and "–" not in tokenizer.vocabulary()
    assert UNK_ID not in tokenizer.encode("He said “yes” – It’s raining.")
    unfolded = train_tokenizer("word", ["It's here."], 50)
    assert UNK_ID in unfolded.encode("It’s here.")


def test_options_are_saved_with_the_tokenizer(tmp_path):
    tokenizer = train_tokenizer(
        "word", FRENCH, 200, lowercase=True, fold_punctuation=True, moses="fr"
    )
    tokenizer.save(tmp_path, "target")
    state = json.loads((tmp_path / "target.tokenizer.json").read_text(encoding="utf-8"))
    assert state["options"] == {
        "split_punctuation": True,
        "lowercase": True,
        "fold_punctuation": True,
        "moses": "fr",
        "segment": "",
        "user_words": [],
    }
    loaded = load_tokenizer(tmp_path, "target")
    text = "C’EST l’homme, d’accord ?"
    assert loaded.encode(text) == tokenizer.encode(text)
    assert loaded.decode(loaded.encode("Je sais.")) == "je sais."


def test_a_file_without_the_options_loads_and_splits_as_before(tmp_path):
    """A tokenizer file written before the options existed: only split_punctuation."""
    pieces = ["<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>", "C'est", "la", "vie", "."]
    state = {
        "format_version": 1,
        "kind": "word",
        "vocab_size": len(pieces),
        "options": {"split_punctuation": True},
        "pieces": pieces,
        "training_words": {"C'est": 1, "la": 1, "vie": 1, ".": 1},
    }
    (tmp_path / "old.tokenizer.json").write_text(json.dumps(state), encoding="utf-8")
    old = load_tokenizer(tmp_path, "old")
    assert old.pieces("C'est la vie.") == ["C'est", "la", "vie", "."]
    assert old.encode("c'est") == [UNK_ID]  # still case-sensitive
    assert old.decode(old.encode("C'est la vie.")) == "C'est la vie ."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"moses": "f r"}, "language code"),
        ({"lowercase": "yes"}, "lowercase must be true or false"),
    ],
)
def test_bad_options_are_clear_errors(options, message):
    with pytest.raises(TokenizerOptionError, match=message):
        train_tokenizer("word", FRENCH, 200, **options)


def test_bad_options_in_a_saved_file_name_the_file(tmp_path):
    tokenizer = train_tokenizer("word", FRENCH, 200)
    path = tokenizer.save(tmp_path, "text")
    state = json.loads(path.read_text(encoding="utf-8"))
    state["options"]["moses"] = 3
    path.write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(ValueError, match=r"text\.tokenizer\.json.*moses"):
        load_tokenizer(tmp_path, "text")


def test_a_config_with_a_bad_tokenizer_option_names_the_file_and_key(tmp_path):
    from core_models.training.config import ConfigError, TrainConfig

    path = tmp_path / "run.toml"
    path.write_text('[data]\ntask = "copy"\n\n[tokenizer]\nkind = "word"\nmoses = "yes"\n')
    with pytest.raises(ConfigError, match=r"run.toml: tokenizer.moses: expected bool, got str"):
        TrainConfig.from_toml(path)
    path.write_text('[data]\ntask = "copy"\n\n[tokenizer]\nkind = "char"\nmoses = true\n')
    with pytest.raises(ConfigError, match=r"tokenizer.moses: only for tokenizer.kind = 'word'"):
        TrainConfig.from_toml(path)


def test_a_translation_run_splits_and_detokenises_each_side_in_its_language(tmp_path):
    from tiny_training import tiny_config

    from core_models.data.pairs import TranslationPair
    from core_models.training.data import train_tokenizers

    config = tiny_config(tokenizer={"moses": True, "lowercase": True})
    pairs = [TranslationPair(en, fr) for en, fr in zip(ENGLISH, FRENCH[:100], strict=True)]
    tokenizers = train_tokenizers(config.tokenizer, "translation", pairs, config.data)
    assert tokenizers["source"].text_options.moses == "en"
    assert tokenizers["target"].text_options.moses == "fr"
    target = tokenizers["target"]
    assert target.decode(target.encode("C'est la vie.")) == "c'est la vie."
