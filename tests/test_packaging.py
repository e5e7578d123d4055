"""The app as a user installs it. `python -m build` makes a wheel and an sdist that hold what a
user needs and no more; the wheel, installed into a fresh virtual environment (torch first, as the
README says) and run from a folder outside the repository with no source tree on the path, lists
the ten bundled models, translates, classifies, renders, trains a bundled config, opens the GUI
on transformer-en-fr with its samples, installs its menu entry, and works zipped as well.

The slow tests build and install once per module (a minute or two: pip installs torch from its
cache); deselect them with `-m "not slow"` while developing.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from setuptools import find_packages

from app.panels.model_panel import SAMPLE_COUNT

REPO = Path(__file__).resolve().parents[1]
TORCH = "torch==2.13.0"  # the README's pin
BUNDLED = [
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
]
PYPI_LIMIT = 100 * 2**20  # PyPI's default upload limit
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GUI_CHECK = Path(__file__).with_name("installed_gui_check.py")


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=900, **kwargs
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def test_pyproject_lists_every_package():
    """The packages are listed (resources/ is mapped, not found): a new subpackage must be too."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = find_packages(str(REPO), include=["app", "app.*", "core_models", "core_models.*"])
    assert sorted(setuptools["packages"]) == sorted([*found, "core_models.resources"])
    assert setuptools["package-dir"] == {"core_models.resources": "resources"}


def repo_files(folder: str) -> set[str]:
    root = REPO / folder
    return {
        path.relative_to(REPO).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(wheel, sdist) as `python -m build` makes them (no isolation: no network needed)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO])
    (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return wheel, sdist


@pytest.mark.slow
def test_the_wheel_holds_the_code_and_the_resources_and_no_more(built):
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    code = repo_files("app") | repo_files("core_models")
    resources = {f"core_models/{name}" for name in repo_files("resources")}
    dist_info = {name for name in names if name.split("/")[0].endswith(".dist-info")}
    compiled = {"app/i18n/workbench_zh_CN.qm"}  # built from the .ts by setup.py's build step
    assert names - dist_info == code | resources | compiled
    assert "app/assets/attention-workbench.svg" in names
    assert "core_models/resources/glove/glove.6B.50d.50k.txt.gz" in names
    assert wheel.stat().st_size < PYPI_LIMIT


@pytest.mark.slow
def test_the_wheel_holds_the_compiled_chinese_interface(built, tmp_path):
    """The .qm that setup.py compiled loads and translates (the .ts itself is no Qt catalogue)."""
    from PySide6 import QtCore

    wheel, _ = built
    qm = tmp_path / "workbench_zh_CN.qm"
    qm.write_bytes(zipfile.ZipFile(wheel).read("app/i18n/workbench_zh_CN.qm"))
    translator = QtCore.QTranslator()
    assert translator.load(str(qm))
    assert translator.language() == "zh_CN"
    assert translator.translate("MainWindow", "Inspect") == "检视"
    assert translator.translate("Terms", "cross") == "交叉注意力"


@pytest.mark.slow
def test_the_wheel_metadata_is_what_an_index_shows(built):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as zipped:
        (metadata,) = [n for n in zipped.namelist() if n.endswith(".dist-info/METADATA")]
        text = zipped.read(metadata).decode()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in zipped.namelist())
    headers, _, description = text.partition("\n\n")
    for line in (
        "Name: attention-workbench",
        "License-Expression: MIT AND PDDL-1.0",
        "Description-Content-Type: text/markdown",
        "Classifier: Environment :: X11 Applications :: Qt",
        "Classifier: Programming Language :: Python :: 3.11",
        "Classifier: Topic :: Scientific/Engineering :: Visualization",
        "Requires-Python: >=3.11",
    ):
        assert line in headers.splitlines(), line
    assert "Project-URL: Source, https://" in headers
    assert "Keywords: attention,transformer" in headers
    assert "Requires-Dist: platformdirs<5,>=4" in headers
    assert description.startswith("# Attention Workbench")
    # an index page shows only images with absolute addresses
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)|<img[^>]*\ssrc=[\"']([^\"']+)", description)
    assert [url for pair in images for url in pair if url and not url.startswith("https://")] == []


@pytest.mark.slow
def test_the_sdist_holds_what_builds_the_wheel_and_no_more(built):
    _, sdist = built
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tops = {name.split("/")[0] for name in names}
    assert tops == {
        "LICENSE", "MANIFEST.in", "PKG-INFO", "README.md", "pyproject.toml", "setup.cfg", "setup.py",
        "app", "core_models", "resources", "attention_workbench.egg-info",
    }  # fmt: skip
    assert repo_files("resources") <= names
    assert not {"tests", "bench", "runs"} & tops


@dataclass
class Installed:
    venv: Path
    wheel: Path
    cwd: Path  # a folder outside the repository
    env: dict[str, str]  # no PYTHONPATH, a fresh HOME

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def app(self, *args, **kwargs) -> subprocess.CompletedProcess:
        return run([self.venv / "bin" / "attention-workbench", *args], **self.options(kwargs))

    def options(self, kwargs) -> dict:
        return {"cwd": self.cwd, "env": self.env, **kwargs}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Installed:
    if sys.platform == "win32":
        pytest.fail("this check is written for POSIX virtual environments")
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", venv])
    pip_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # the README's Install command (torch pinned first); --no-compile: the .pyc of the modules
    # that run are written on first import instead of all of torch's at install time
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-compile"]
    run([*pip, "--disable-pip-version-check", TORCH, built[0]], env=pip_env)
    (root / "elsewhere").mkdir()
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(root / "home"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "OMP_NUM_THREADS": "1",
    }
    return Installed(venv, built[0], root / "elsewhere", env)


@pytest.mark.slow
def test_the_installed_app_is_imported_from_the_fresh_venv(installed):
    script = (
        "import json, sys, sysconfig, core_models, app, torch;"
        "print(json.dumps([sysconfig.get_paths()['purelib'], core_models.__file__, app.__file__,"
        " torch.__file__, sys.path]))"
    )
    done = run([installed.python, "-c", script], **installed.options({}))
    purelib, *modules, path = json.loads(done.stdout)
    assert Path(purelib).is_relative_to(installed.venv)
    for module in modules:
        assert Path(module).is_relative_to(purelib), module
    assert not [entry for entry in path if entry and Path(entry).is_relative_to(REPO)]


@pytest.mark.slow
def test_the_installed_cli_lists_translates_classifies_and_renders(installed):
    version = installed.wheel.name.split("-")[1]
    assert installed.app("--version").stdout == f"attention-workbench {version}\n"
    rows = [line.split() for line in installed.app("models").stdout.splitlines()]
    assert [row[:2] for row in rows] == [[name, "bundled"] for name in BUNDLED]
    assert all(Path(row[-1]).is_relative_to(installed.venv) for row in rows)
    translated = installed.app("translate", "transformer-en-fr", "the cat sleeps .")
    assert translated.stdout == "le chat dort .\n"
    classified = installed.app(
        "nli", "decomposable-nli", "a man plays a guitar", "a person plays an instrument"
    )
    assert classified.stdout.splitlines()[0] == "entailment"
    installed.app(
        "render", "transformer-en-fr", "the cat sleeps .", "--view", "heatmap", "-o", "map.png"
    )
    assert (installed.cwd / "map.png").read_bytes()[:8] == PNG_MAGIC


@pytest.mark.slow
def test_the_installed_app_trains_a_bundled_config(installed):
    """By name, from a folder without configs: the config and its GloVe file are package data."""
    done = installed.app(
        "train", "decomposable-nli", "--max-steps", "3", "--output", "run", "--quiet"
    )
    assert done.stdout == f"checkpoint: {Path('run') / 'model'}\n"
    classified = installed.app("nli", "run/model", "a man sleeps", "a person sleeps")
    assert classified.stdout.splitlines()[0] in ("entailment", "neutral", "contradiction")


@pytest.mark.slow
def test_the_installed_gui_opens_on_transformer_en_fr_with_its_samples(installed):
    done = run([installed.python, GUI_CHECK], **installed.options({}))
    shown = json.loads(done.stdout.splitlines()[-1])
    assert shown["model"] == "transformer-en-fr"
    assert Path(shown["checkpoint"]).is_relative_to(installed.venv)
    assert len(shown["samples"]) == SAMPLE_COUNT and all(shown["samples"])
    assert shown["output"]  # the first sample, translated
    assert shown["models_listed"] == len(BUNDLED)
    assert shown["app_icon"] and shown["window_icon"]
    assert shown["desktop_file"] == "attention-workbench"


@pytest.mark.slow
def test_the_installed_app_adds_its_menu_entry(installed, tmp_path):
    env = {**installed.env, "XDG_DATA_HOME": str(tmp_path)}
    installed.app("--install-desktop", env=env)
    entry = (tmp_path / "applications" / "attention-workbench.desktop").read_text()
    assert f"Exec={installed.python} -m app.main\n" in entry
    assert (tmp_path / "icons/hicolor/256x256/apps/attention-workbench.png").is_file()
    done = run([installed.python, "-m", "app.main", "--version"], **installed.options({}))
    assert done.stdout.startswith("attention-workbench ")


@pytest.mark.slow
def test_a_zipped_install_finds_its_resources(installed, tmp_path):
    """The wheel itself on sys.path (zipimport): the resources are extracted once into the
    cache, and models list and load from there."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import core_models; from core_models.inference import list_models, load_model;"
        "print(core_models.__file__); print(len(list_models()));"
        "model = load_model('transformer-en-fr'); print(model.checkpoint.path);"
        "print(model.translate('the cat sleeps .').output_text)"
    )
    env = {**installed.env, "ATTENTION_WORKBENCH_CACHE": str(tmp_path)}
    done = run([installed.python, "-c", script, installed.wheel], **installed.options({"env": env}))
    module, count, checkpoint, output = done.stdout.splitlines()
    assert Path(module).is_relative_to(installed.wheel)
    assert int(count) == len(BUNDLED)
    assert Path(checkpoint).is_relative_to(tmp_path / "resources")
    assert output == "le chat dort ."
