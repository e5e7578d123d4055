"""The splits of a run on the user's files: a seeded, shuffled validation split, a test file,
archive members, paths relative to the config file, and the first lines that report them."""

import itertools
import json
import logging
import zipfile

import pytest
from tiny_training import TINY_MODELS, tiny_config

import core_models.training.trainer as trainer_module
from core_models.data.formats import DataFormatError
from core_models.training.config import ConfigError, TrainConfig
from core_models.training.data import load_pairs
from core_models.training.trainer import Trainer

SUBJECTS = [
    ("I", "Je"),
    ("We", "Nous"),
    ("The old man", "Le vieil homme"),
    ("My sister", "Ma sœur"),
]
VERBS = [("see", "vois"), ("like", "aime"), ("want", "veux"), ("find", "trouve")]
OBJECTS = [
    ("the house", "la maison"),
    ("a small red car near the station", "une petite voiture rouge près de la gare"),
    ("the book", "le livre"),
    ("the garden behind the school", "le jardin derrière l'école"),
    ("bread", "du pain"),
]
ENDINGS = [(".", "."), (" today.", " aujourd'hui."), (" every morning.", " chaque matin.")]


def sentence_pairs() -> list[tuple[str, str]]:
    """240 English-French pairs, sorted by length as many corpora are (Tatoeba's fra.txt)."""
    pairs = [
        (f"{s[0]} {v[0]} {o[0]}{e[0]}", f"{s[1]} {v[1]} {o[1]}{e[1]}")
        for s, v, o, e in itertools.product(SUBJECTS, VERBS, OBJECTS, ENDINGS)
    ]
    return sorted(pairs, key=lambda pair: len(pair[0]))


def write_tatoeba(path, pairs=None):
    rows = [f"{en}\t{fr}\tCC-BY 2.0 (France)" for en, fr in pairs or sentence_pairs()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def user_config(train, **data):
    return tiny_config(
        data={
            "task": "",
            "format": "tatoeba",
            "train": str(train),
            "train_size": 0,
            "valid_size": 24,
            "max_len": 20,
            **data,
        },
        run={"max_steps": 2, "batch_size": 8},
        model={"family": "transformer", "options": {**TINY_MODELS["transformer"], "max_len": 40}},
        tokenizer={"vocab_size": 200},
    )


def test_the_validation_split_is_drawn_from_the_whole_of_a_sorted_corpus(tmp_path):
    config = user_config(write_tatoeba(tmp_path / "pairs.txt"))
    splits = load_pairs(config.data, seed=0)
    assert (len(splits.train), len(splits.valid)) == (216, 24)
    assert set(splits.train).isdisjoint(splits.valid)
    lengths = sorted(len(pair.source) for pair in splits.valid)
    every = sorted(len(en) for en, _ in sentence_pairs())
    assert lengths[0] < every[len(every) // 4] and lengths[-1] > every[3 * len(every) // 4]
    assert load_pairs(config.data, seed=0).valid == splits.valid  # the seed decides
    assert load_pairs(config.data, seed=1).valid != splits.valid
    assert "validation: 24 pairs drawn at random (seed 0)" in splits.notes[0]


def test_a_test_file_is_read_held_out_and_reported(tmp_path, caplog):
    pairs = sentence_pairs()
    train = write_tatoeba(tmp_path / "train.txt", pairs[:200])
    test = write_tatoeba(tmp_path / "test.txt", pairs[200:])
    config = user_config(train, test=str(test))
    with caplog.at_level(logging.INFO, logger="core_models.training"):
        trainer = Trainer(config, tmp_path / "run")
    assert f"40 test pairs held out in {test}" in caplog.text
    assert len(trainer.data.train_set.encoded) + len(trainer.data.valid_set.encoded) == 200
    assert load_pairs(config.data, seed=0).test[0].source == pairs[200][0]


def test_a_test_file_for_a_bundled_task_is_refused():
    with pytest.raises(ConfigError, match=r"data.test: only for user files; task 'copy'"):
        tiny_config(data={"test": "mine.txt"})


def snli_rows(labels):
    premises = [en for en, _ in sentence_pairs()]
    return "".join(
        json.dumps({"sentence1": p, "sentence2": p.split()[0] + " is here", "gold_label": label})
        + "\n"
        for p, label in zip(premises, itertools.cycle(labels), strict=False)
    )


def write_snli_zip(path):
    """The layout of the official snli_1.0.zip: three jsonl files (and a txt of each)."""
    with zipfile.ZipFile(path, "w") as archive:
        for split in ("train", "dev", "test"):
            rows = snli_rows(["entailment", "neutral", "contradiction", "-"])
            archive.writestr(f"snli_1.0/snli_1.0_{split}.jsonl", rows)
            archive.writestr(f"snli_1.0/snli_1.0_{split}.txt", "tab separated copy\n")
    return path


def snli_config(archive, **data):
    return tiny_config(
        data={"task": "", "format": "snli", "train": str(archive), "train_size": 0, **data},
        model={"family": "decomposable", "options": TINY_MODELS["decomposable"]},
        run={"max_steps": 2},
        tokenizer={"vocab_size": 200},
    )


def test_archive_members_are_named_in_the_config_and_skipped_rows_reported(tmp_path, caplog):
    archive = write_snli_zip(tmp_path / "snli_1.0.zip")
    config = snli_config(
        archive,
        member="snli_1.0/snli_1.0_train.jsonl",
        valid=str(archive),
        valid_size=0,  # the whole file
        valid_member="snli_1.0/snli_1.0_dev.jsonl",
        test=str(archive),
        test_member="snli_1.0/snli_1.0_test.jsonl",
    )
    with caplog.at_level(logging.INFO, logger="core_models.training"):
        trainer = Trainer(config, tmp_path / "run")
    assert len(trainer.data.valid_set.encoded) == 180  # 240 rows, one in four without a label
    assert f"{archive}: 60 rows skipped: no gold label ('-')" in caplog.text
    assert "180 test pairs held out" in caplog.text


def test_an_archive_of_several_files_without_a_member_names_the_key(tmp_path):
    archive = write_snli_zip(tmp_path / "snli_1.0.zip")
    with pytest.raises(DataFormatError, match=r"found 3;.*\(data.train\): name one in data.member"):
        Trainer(snli_config(archive), tmp_path / "run")
    config = snli_config(archive, member="snli_1.0/train.jsonl")
    with pytest.raises(DataFormatError, match=r"no 'snli_1.0/train.jsonl' in the archive"):
        Trainer(config, tmp_path / "run")
    assert not (tmp_path / "run" / "model").exists()


def test_a_member_without_its_file_is_a_config_error():
    with pytest.raises(ConfigError, match=r"data.valid_member: names a file inside .*data.valid"):
        tiny_config(data={"valid_member": "dev.jsonl"})


def test_relative_paths_are_read_beside_the_config_file(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    write_tatoeba(folder / "data" / "pairs.txt")
    (folder / "data" / "glove.txt").write_text("house 0.1 0.2\n")
    path = folder / "run.toml"
    config = user_config("data/pairs.txt", test="data/pairs.txt", glove="data/glove.txt")
    config.to_toml(path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded = TrainConfig.from_toml(path)
    assert loaded.data.train == loaded.data.test == str(folder / "data" / "pairs.txt")
    assert loaded.data.glove == str(folder / "data" / "glove.txt")
    assert len(load_pairs(loaded.data, seed=0).train) == 216


def test_a_missing_relative_file_is_named_beside_the_config(tmp_path, monkeypatch):
    path = tmp_path / "run.toml"
    user_config("data/missing.txt").to_toml(path)
    monkeypatch.chdir(tmp_path.parent)
    loaded = TrainConfig.from_toml(path)
    assert loaded.data.train == str(tmp_path / "data" / "missing.txt")


def test_bundled_resource_paths_still_reach_the_bundled_files(tmp_path, monkeypatch):
    from core_models.cli import _config_file
    from core_models.paths import data_file

    monkeypatch.chdir(tmp_path)
    config = TrainConfig.from_toml(_config_file("decomposable-nli"))
    assert config.data.glove == "resources/glove/glove.6B.50d.50k.txt.gz"
    assert data_file(config.data.glove).is_file()


def test_validation_bleu_decodes_every_validation_pair(tmp_path, monkeypatch):
    seen = []
    real = trainer_module.evaluate

    def spy(model, dataset, *args, **kwargs):
        seen.append((len(dataset.encoded), kwargs.get("max_decode")))
        return real(model, dataset, *args, **kwargs)

    monkeypatch.setattr(trainer_module, "evaluate", spy)
    config = user_config(write_tatoeba(tmp_path / "pairs.txt"), valid_size=0)
    config.data.valid = config.data.train  # 240 validation pairs: more than the old cap of 200
    Trainer(config, tmp_path / "run").run()
    assert seen == [(240, 240)]
