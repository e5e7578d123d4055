"""lowercase and fold_punctuation for the sentencepiece (bpe, unigram) and character tokenizers:
applied when they are trained and when they encode, saved with them, and files written before
the options load and encode as they did."""

import json

import pytest
from tiny_training import TINY_MODELS, tiny_config

from core_models.tokenizers import load_tokenizer, train_tokenizer
from core_models.tokenizers.text_options import TokenizerOptionError
from core_models.training.checkpoint import load_checkpoint
from core_models.training.config import TrainConfig
from core_models.training.trainer import Trainer
from core_models.words import SPECIAL_PIECES, is_byte_piece

TEXTS = [
    "It’s RAINING in the City.",
    "He said “Yes” – twice, didn’t he?",
    "The Dog isn’t sleeping.",
    "«Non», dit-elle — c’est fini.",
] * 20
OPTIONS = {"lowercase": True, "fold_punctuation": True}
SIZES = {"bpe": 300, "unigram": 300, "char": 330}
FOLDED = "\u2019\u201c\u201d\u2013\u2014\u00ab\u00bb"  # ’ “ ” – — « »


@pytest.mark.parametrize("kind", SIZES)
def test_text_is_lowercased_and_folded_in_training_and_encoding(kind):
    tokenizer = train_tokenizer(kind, TEXTS, SIZES[kind], **OPTIONS)
    learnt = [p for p in tokenizer.vocabulary() if p not in SPECIAL_PIECES and not is_byte_piece(p)]
    assert not any(char.isupper() or char in FOLDED for piece in learnt for char in piece)
    assert tokenizer.encode("IT’S raining") == tokenizer.encode("it's raining")
    folded = 'the dog isn\'t "here."'  # Moses puts the full stop inside the quotes, in English
    assert tokenizer.decode(tokenizer.encode("The DOG isn’t “here”.")) == folded
    assert set(tokenizer.training_words) >= {"it's", "raining", "city."}
    assert tokenizer.unknown_words("THE DOG") == []  # seen as "The Dog"
    plain = train_tokenizer(kind, TEXTS, SIZES[kind])
    assert plain.decode(plain.encode("It’s RAINING")) == "It’s RAINING"  # off: as before
    assert plain.unknown_words("THE DOG") == ["THE", "DOG"]


@pytest.mark.parametrize("kind", SIZES)
def test_the_options_are_saved_with_the_tokenizer_and_old_files_load_as_before(tmp_path, kind):
    tokenizer = train_tokenizer(kind, TEXTS, SIZES[kind], **OPTIONS)
    tokenizer.save(tmp_path, "source")
    path = tmp_path / "source.tokenizer.json"
    state = json.loads(path.read_text())
    assert {key: state["options"][key] for key in OPTIONS} == OPTIONS
    loaded = load_tokenizer(tmp_path, "source")
    for text in ("It’s RAINING", "“Non” — dit-elle"):
        assert loaded.encode(text) == tokenizer.encode(text)
    for key in OPTIONS:  # a file written before the options
        del state["options"][key]
    if not state["options"]:
        del state["options"]
    path.write_text(json.dumps(state))
    old = load_tokenizer(tmp_path, "source")
    assert not old.text_options.lowercase and not old.text_options.fold_punctuation
    assert old.decode(old.encode("It’s RAINING")) == "It’s RAINING"


def test_bad_options_are_clear_errors(tmp_path):
    with pytest.raises(TokenizerOptionError, match="option moses is for word tokenizers, not bpe"):
        train_tokenizer("bpe", TEXTS, 300, moses="en")
    tokenizer = train_tokenizer("char", TEXTS, 330, lowercase=True)
    tokenizer.save(tmp_path, "text")
    path = tmp_path / "text.tokenizer.json"
    state = json.loads(path.read_text())
    state["options"]["lowercase"] = "yes"
    path.write_text(json.dumps(state))
    with pytest.raises(TokenizerOptionError, match=r"text\.tokenizer\.json: .*lowercase must be"):
        load_tokenizer(tmp_path, "text")
    config = tmp_path / "run.toml"
    config.write_text('[data]\ntask = "copy"\n\n[tokenizer]\nkind = "bpe"\nmoses = true\n')
    with pytest.raises(ValueError, match=r"run.toml: tokenizer.moses: only for tokenizer.kind"):
        TrainConfig.from_toml(config)


def test_a_run_with_a_bpe_tokenizer_lowercases_what_its_model_reads(tmp_path):
    config = tiny_config(
        tokenizer={"kind": "bpe", "vocab_size": 300, "lowercase": True},
        model={"family": "transformer", "options": {**TINY_MODELS["transformer"], "max_len": 64}},
    )
    Trainer(config, tmp_path / "run").run()
    source = load_checkpoint(tmp_path / "run").tokenizers["source"]
    assert source.text_options.lowercase
    assert source.encode("A B C") == source.encode("a b c")
