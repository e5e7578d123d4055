"""Frozen embeddings from the bundled GloVe file are referenced by the checkpoint (file name and
sha256 in config.json), not stored in it; a user's own GloVe file keeps its table in the checkpoint;
a referenced file that is missing or changed is a clear error naming the checkpoint and the file."""

import json

import numpy as np
import pytest
import safetensors
import torch
from tiny_training import TINY_MODELS, tiny_config

from core_models import paths
from core_models.cli import main
from core_models.data import glove
from core_models.data.glove import read_glove
from core_models.training import checkpoint_glove
from core_models.training.checkpoint import (
    CheckpointError,
    export_for_inference,
    load_checkpoint,
)
from core_models.training.checkpoint_glove import KEY, file_sha256
from core_models.training.trainer import Trainer

DIM = 8
WORDS = ["the", "a", "man", "is", "dog", "winter", "tents", "flags", "woman", "sleeping"]
BUNDLED = "resources/glove/tiny.50d.txt"


def glove_text() -> str:
    generator = torch.Generator().manual_seed(1)
    vectors = torch.randn(len(WORDS), DIM, generator=generator)
    return "".join(
        f"{word} {' '.join(f'{v:.5f}' for v in vector.tolist())}\n"
        for word, vector in zip(WORDS, vectors, strict=True)
    )


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """The user cache directory (where loading caches the file's table): in tmp_path."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A bundled resources folder holding a small GloVe file; returns that file."""
    root = tmp_path / "installed"
    (root / "glove").mkdir(parents=True)
    glove = root / "glove" / "tiny.50d.txt"
    glove.write_text(glove_text())
    monkeypatch.setattr(paths, "resources_dir", lambda: root)
    return glove


def train(run, glove: str, freeze: bool = True):
    options = {**TINY_MODELS["decomposable"], "freeze_embeddings": freeze}
    config = tiny_config(
        task="nli",
        data={"glove": glove},
        tokenizer={"vocab_size": 200, "glove_words": True, "lowercase": True},
        model={"family": "decomposable", "options": options},
        run={"max_steps": 2},
    )
    Trainer(config, run).run()
    return run / "model"


def tensor_names(checkpoint) -> set[str]:
    with safetensors.safe_open(str(checkpoint / "model.safetensors"), framework="pt") as weights:
        return set(weights.keys())


def test_a_model_on_the_bundled_glove_references_it_and_loads_the_same_table(tmp_path, bundled):
    referenced = train(tmp_path / "bundled", BUNDLED)
    user_copy = tmp_path / "mine.txt"
    user_copy.write_text(bundled.read_text())
    stored = train(tmp_path / "user", str(user_copy))

    reference = json.loads((referenced / "config.json").read_text())[KEY]
    assert reference["file"] == "glove/tiny.50d.txt"
    assert reference["sha256"] == file_sha256(bundled)
    assert "embedding.weight" not in tensor_names(referenced)
    assert KEY not in json.loads((stored / "config.json").read_text())
    assert "embedding.weight" in tensor_names(stored)

    loaded, kept = load_checkpoint(referenced).model, load_checkpoint(stored).model
    assert torch.equal(loaded.embedding.weight, kept.embedding.weight)
    for name, value in kept.state_dict().items():  # the same seed: the same run
        assert torch.equal(loaded.state_dict()[name], value), name
    with safetensors.safe_open(str(referenced / "model.safetensors"), framework="pt") as weights:
        rows = weights.get_tensor("embedding.weight.rows").tolist()
    vocabulary = load_checkpoint(referenced).tokenizers["text"].vocabulary()
    assert {vocabulary[row] for row in rows} == set(vocabulary) - set(WORDS)  # only theirs stored


def test_an_export_references_the_file_in_float16_and_a_trained_table_is_stored(tmp_path, bundled):
    slim = export_for_inference(train(tmp_path / "run", BUNDLED), tmp_path / "slim")
    assert "embedding.weight" not in tensor_names(slim)
    original = load_checkpoint(tmp_path / "run").model.embedding.weight
    assert torch.equal(load_checkpoint(slim).model.embedding.weight, original.half().float())
    unfrozen = train(tmp_path / "unfrozen", BUNDLED, freeze=False)
    assert "embedding.weight" in tensor_names(unfrozen)  # it trained its table: stored
    assert "embedding.weight" in tensor_names(export_for_inference(unfrozen, tmp_path / "u"))


def test_a_missing_or_changed_bundled_file_names_the_checkpoint_and_the_file(
    tmp_path, bundled, capsys
):
    checkpoint = train(tmp_path / "run", BUNDLED)
    recorded = file_sha256(bundled)
    bundled.write_text(glove_text().replace("0", "1", 1))
    with pytest.raises(CheckpointError) as changed:
        load_checkpoint(checkpoint)
    message = str(changed.value)
    assert str(checkpoint / "config.json") in message and str(bundled) in message
    assert recorded in message and file_sha256(bundled) in message

    bundled.unlink()
    assert main(["nli", str(checkpoint), "a man is sleeping", "a man sleeps"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1
    assert str(checkpoint / "config.json") in error and f"{bundled} (sha256 {recorded})" in error
    assert "which is missing" in error


def test_a_damaged_reference_is_a_checkpoint_error(tmp_path, bundled):
    checkpoint = train(tmp_path / "run", BUNDLED)
    config_path = checkpoint / "config.json"
    config = json.loads(config_path.read_text())
    for damage, expected in (
        ({"table_sha256": "0" * 64}, "embedding table rebuilt from .* is not the one saved"),
        ({"file": "../../etc/passwd"}, "'pretrained_embeddings.file' must name a bundled file"),
        ({"sha256": 7}, "'pretrained_embeddings' must be an object of strings"),
    ):
        config_path.write_text(json.dumps({**config, KEY: {**config[KEY], **damage}}))
        with pytest.raises(CheckpointError, match=expected):
            load_checkpoint(checkpoint)


def cache_files(cache) -> list:
    return sorted((cache / "glove").glob("*"))


def test_a_loaded_table_is_cached_in_the_cache_dir_and_filled_from_it_as_parsed(
    tmp_path, bundled, cache, monkeypatch
):
    checkpoint = train(tmp_path / "run", BUNDLED)
    resources = sorted(bundled.parent.parent.rglob("*"))
    parsed = load_checkpoint(checkpoint).model.embedding.weight
    [cached] = cache_files(cache)
    assert cached.name.startswith(file_sha256(bundled)) and cached.suffix == ".npy"
    assert sorted(bundled.parent.parent.rglob("*")) == resources  # nothing beside the resources

    def no_parsing(*args):
        raise AssertionError("the file was parsed although its table is cached")

    checkpoint_glove._file_rows.cache_clear()
    monkeypatch.setattr(glove, "glove_rows", no_parsing)
    assert torch.equal(load_checkpoint(checkpoint).model.embedding.weight, parsed)
    vocabulary = load_checkpoint(checkpoint).tokenizers["text"].vocabulary()
    table = np.load(cached)
    for word, vector in read_glove(bundled).items():
        assert np.array_equal(table[vocabulary.index(word)], vector), word
    assert np.isnan(table[0]).all()  # pad: not a GloVe word


def truncated(good: bytes, cached) -> None:
    cached.write_bytes(good[: len(good) // 2])


def wrong_shape(good: bytes, cached) -> None:
    np.save(cached, np.zeros((3, DIM), np.float32))


def other_values(good: bytes, cached) -> None:
    table = np.load(cached)
    table[np.isfinite(table).all(axis=1).nonzero()[0][0], 0] += 1.0  # one GloVe word's vector
    np.save(cached, table)


def not_numpy(good: bytes, cached) -> None:
    cached.write_text("cat's vectors")


@pytest.mark.parametrize("damage", [truncated, wrong_shape, other_values, not_numpy])
def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path, bundled, cache, damage):
    checkpoint = train(tmp_path / "run", BUNDLED)
    expected = load_checkpoint(checkpoint).model.embedding.weight
    [cached] = cache_files(cache)
    good = cached.read_bytes()
    damage(good, cached)
    assert cached.read_bytes() != good
    checkpoint_glove._file_rows.cache_clear()
    assert torch.equal(load_checkpoint(checkpoint).model.embedding.weight, expected)
    assert cache_files(cache) == [cached] and cached.read_bytes() == good


def test_a_cache_dir_that_cannot_be_written_only_costs_speed(
    tmp_path, bundled, monkeypatch, caplog
):
    checkpoint = train(tmp_path / "run", BUNDLED)
    expected = load_checkpoint(checkpoint).model.embedding.weight
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    monkeypatch.setenv(paths.CACHE_ENV, str(blocked))
    checkpoint_glove._file_rows.cache_clear()
    assert torch.equal(load_checkpoint(checkpoint).model.embedding.weight, expected)
    assert f"GloVe table not cached at {blocked / 'glove'}" in caplog.text
    assert blocked.read_text() == "a file where the cache directory should be"
