"""Where the app's files are: bundled resources through importlib.resources (also from a zip),
the user's data and cache directories from platformdirs with the app's variables overriding,
bundled configs by name, and the bundled files a config names."""

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from core_models import paths
from core_models.cli import main
from core_models.data.download import dataset_dir
from core_models.inference import list_models, resolve_model
from core_models.training.checkpoint import CheckpointError

BUNDLED_NAMES = {
    "bahdanau-dates",
    "bahdanau-en-fr",
    "bahdanau-zh-en",
    "decomposable-nli",
    "encoder_classifier-nli",
    "luong-en-fr",
    "rnn-en-fr",
    "transformer-en-de",
    "transformer-en-fr",
    "transformer-zh-en",
}
GLOVE = "resources/glove/glove.6B.50d.50k.txt.gz"


def test_bundled_resources_are_the_installed_package_data():
    import core_models.resources

    root = paths.resources_dir()
    assert root == Path(core_models.resources.__file__).parent
    assert {p.name for p in paths.bundled_models_dir().iterdir() if p.is_dir()} == BUNDLED_NAMES
    assert set(paths.bundled_config_names()) == BUNDLED_NAMES
    assert (root / "glove" / "glove.6B.50d.50k.txt.gz").is_file()


def test_user_dirs_follow_the_platform_and_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    monkeypatch.delenv(paths.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if sys.platform.startswith("linux"):
        assert paths.user_home() == tmp_path / "data" / "attention-workbench"
        assert paths.user_cache_dir() == tmp_path / "cache" / "attention-workbench"
    assert paths.user_models_dir() == paths.user_home() / "models"
    assert dataset_dir("fra-eng") == paths.user_cache_dir() / "fra-eng"


def test_the_app_variables_override_the_user_dirs(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    assert paths.user_models_dir() == tmp_path / "home" / "models"
    assert dataset_dir("snli") == tmp_path / "cache" / "snli"


def test_a_user_model_is_listed_after_the_bundled_ones(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    mine = tmp_path / "models" / "mine"
    shutil.copytree(paths.bundled_models_dir() / "transformer-en-fr", mine)
    entries = list_models()
    assert [e.source for e in entries] == ["bundled"] * len(BUNDLED_NAMES) + ["user"]
    assert resolve_model("mine") == mine
    with pytest.raises(CheckpointError, match="transformer-en-fr, .*mine"):
        resolve_model("nobody")


def test_a_zipped_install_is_extracted_once_without_its_modules(tmp_path):
    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pkg/resources/__init__.py", "")
        zipped.writestr("pkg/resources/models/m/config.json", "{}")
        zipped.writestr("pkg/resources/glove/g.txt", "the 0.1")
    target = tmp_path / "cache" / "resources" / "1.0"
    root = zipfile.Path(archive, "pkg/resources/")
    assert paths._extracted(root, target) == target
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == ["glove/g.txt", "models/m/config.json"]
    (target / "glove" / "g.txt").write_text("kept")  # a second call does not copy again
    assert paths._extracted(root, target) == target
    assert (target / "glove" / "g.txt").read_text() == "kept"
    assert [p.name for p in target.parent.iterdir()] == ["1.0"]  # no scratch folder left


def test_a_config_names_bundled_files_from_any_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert paths.data_file(GLOVE) == paths.resources_dir() / "glove" / "glove.6B.50d.50k.txt.gz"
    local = tmp_path / "resources" / "glove" / "glove.6B.50d.50k.txt.gz"
    local.parent.mkdir(parents=True)
    local.write_text("mine")
    assert paths.data_file(GLOVE) == Path(GLOVE)  # a file in the current folder wins
    assert paths.data_file("data/train.tsv") == Path("data/train.tsv")
    assert paths.data_file("resources/nothing.txt") == Path("resources/nothing.txt")


def test_train_takes_a_bundled_config_by_name(monkeypatch, tmp_path, capsys):
    """`attention-workbench train decomposable-nli` works from any folder: the config is found
    by name and its GloVe file among the bundled resources."""
    monkeypatch.chdir(tmp_path)
    code = main(["train", "decomposable-nli", "--max-steps", "2", "--output", "run", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip() == f"checkpoint: {Path('run') / 'model'}"
    meta = json.loads((tmp_path / "run" / "model" / "config.json").read_text())
    assert meta["train_config"]["run"]["max_steps"] == 2
    assert meta["train_config"]["data"]["glove"] == GLOVE


def test_train_names_the_bundled_configs_when_the_name_is_unknown(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "transformer-en-es"]) == 2
    err = capsys.readouterr().err
    assert "transformer-en-es: neither a config file nor a bundled config" in err
    assert "transformer-en-fr" in err and "decomposable-nli" in err
    assert main(["train", "missing.toml"]) == 2
    assert "missing.toml: no such config file" in capsys.readouterr().err
    assert main(["train", "rnn-en-fr", "--max-steps", "0"]) == 2
    assert "with --max-steps 0: run: set max_steps or epochs" in capsys.readouterr().err
