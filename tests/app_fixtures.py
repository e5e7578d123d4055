"""Fixtures of the app tests: tiny trained models in an isolated user home, an isolated settings
file, the main window, and helpers that wait the way a user waits.

The models (a Transformer and a Bahdanau model on the copy task, a decomposable-attention NLI
model) train for a few dozen steps once per test session (a few seconds each) into
``$ATTENTION_WORKBENCH_HOME/models``; bundled models are hidden so the tests never depend on them.
Import the fixtures into a test module: ``from app_fixtures import app_env, app_models, window``.
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from PySide6 import QtCore

from app.panels.compare_panel import ComparePanel
from app.panels.views_panel import ViewsPanel
from core_models import inference
from core_models.training.config import TrainConfig
from core_models.training.trainer import Trainer

WAIT_MS = 30_000  # generous: the machine is shared; nothing here is timed

TINY_FAMILIES = {
    "transformer": {
        "d_model": 32,
        "heads": 2,
        "ff_size": 64,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "dropout": 0.0,
        "max_len": 40,
    },
    "bahdanau": {"embed_size": 16, "hidden_size": 24, "dropout": 0.0},
    "decomposable": {"embed_size": 16, "hidden_size": 16, "dropout": 0.0},
}
MAX_SOURCE = 16  # the models' input limit (data.max_len): longer inputs are truncated


@dataclass(frozen=True)
class TinyModels:
    """Checkpoint directories (each a training run's ``model/``) inside the user home."""

    home: Path
    transformer: Path  # copy task, 1+1 layers, 2 heads
    bahdanau: Path  # copy task
    nli: Path  # decomposable attention


def train_tiny(run_dir: Path, family: str, task: str, options: dict | None = None) -> Path:
    """Train ``family`` (``TINY_FAMILIES``' size unless ``options`` says) on ``task`` for 30
    steps into ``run_dir``; returns the checkpoint."""
    if (run_dir / "model" / "config.json").is_file():
        return run_dir / "model"
    config = TrainConfig.from_dict(
        {
            "name": run_dir.name,
            "data": {"task": task, "train_size": 400, "valid_size": 8, "max_len": MAX_SOURCE},
            "tokenizer": {"kind": "word", "vocab_size": 100},
            "model": {"family": family, "options": dict(options or TINY_FAMILIES[family])},
            "optim": {"lr": 0.01},
            "run": {
                "batch_size": 32,
                "max_steps": 30,
                "eval_every": 1000,
                "checkpoint_every": 1000,
                "device": "cpu",
                "seed": 3,
            },
        },
        source="app test config",
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        path = Trainer(config, run_dir).run()
    finally:
        torch.set_num_threads(threads)
    assert path is not None, f"training the tiny {family} model failed"
    return path


@functools.cache
def build_tiny_models(home: Path) -> TinyModels:
    """Train the three models once per test session (cached by home directory)."""
    models = home / "models"
    return TinyModels(
        home=home,
        transformer=train_tiny(models / "tiny-copy", "transformer", "copy"),
        bahdanau=train_tiny(models / "tiny-bahdanau", "bahdanau", "copy"),
        nli=train_tiny(models / "tiny-nli", "decomposable", "nli"),
    )


@functools.cache
def build_deep_transformer(home: Path) -> Path:
    """A copy-task Transformer with 2 + 2 layers (for tests that move between layers), trained
    once per test session on first use."""
    deep = dict(TINY_FAMILIES["transformer"], encoder_layers=2, decoder_layers=2)
    return train_tiny(home / "models" / "tiny-deep", "transformer", "copy", deep)


@pytest.fixture(scope="session")
def app_models(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    """The tiny models, trained once per test session; QSettings' user files in a temp folder."""
    base = tmp_path_factory.getbasetemp()
    QtCore.QSettings.setPath(
        QtCore.QSettings.Format.IniFormat, QtCore.QSettings.Scope.UserScope, str(base / "aw-qt")
    )
    return build_tiny_models(base / "aw-home")


@pytest.fixture
def app_env(app_models: TinyModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TinyModels:
    """For one test: the user home holding the tiny models, and no bundled models (so the tests
    never depend on, or load, the real ones)."""
    no_bundled = tmp_path / "no-bundled-models"
    no_bundled.mkdir()
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(app_models.home))
    monkeypatch.setattr(inference, "bundled_models_dir", lambda: no_bundled)
    return app_models


def shown_window(qtbot, tmp_path):
    """The main window, 1400×900, shown offscreen with its own settings file; closed after
    (a generator for fixtures to ``yield from``)."""
    from app.window import MainWindow

    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    main_window = MainWindow(settings)
    main_window.resize(1400, 900)
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    yield main_window
    main_window.close()


@pytest.fixture
def window(qtbot, app_env, tmp_path):
    """The main window over the tiny models (see ``shown_window``)."""
    yield from shown_window(qtbot, tmp_path)


def copy_checkpoint(source: Path, destination: Path) -> Path:
    """A copy of checkpoint ``source`` (to break, or to open from outside the user home)."""
    shutil.copytree(source, destination)
    return destination


def open_and_wait(qtbot, window, path: Path) -> None:
    """Open a checkpoint through the window (as the file dialog does) and wait until it is on."""
    window.open_checkpoint(path)
    qtbot.waitUntil(
        lambda: (
            window.session.model is not None
            and Path(window.session.model.checkpoint.path).resolve() == Path(path).resolve()
        ),
        timeout=WAIT_MS,
    )


def type_over(qtbot, box, text: str) -> None:
    """Select everything in ``box`` and type ``text`` over it, as a user replaces the sample a
    newly opened model shows."""
    box.selectAll()
    qtbot.keyClicks(box, text)


def wait_for_source(qtbot, session, words: list[str]) -> None:
    """Wait until the result on show is the decoding of ``words`` (pieces of a word model)."""
    qtbot.waitUntil(
        lambda: (
            session.result is not None
            and getattr(session.result, "source_pieces", None) == [*words, "<eos>"]
        ),
        timeout=WAIT_MS,
    )


def compare_with(views: ViewsPanel, family: str) -> ComparePanel:
    """Open the Compare page and pick the first model of ``family`` in its picker, as a user does;
    returns the compare view (its second session, ``other``, loads in the background)."""
    views.show_page("compare")
    compare = views.compare
    index = next(i for i in range(compare.picker.count()) if family in compare.picker.itemText(i))
    compare.picker.setCurrentIndex(index)
    compare.picker.activated.emit(index)
    return compare
