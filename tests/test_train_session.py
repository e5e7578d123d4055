"""The Train tab's state without its widgets: the probe follows the data until the user types one,
snapshots open on the map Inspect opens on and keep the user's map and token as Inspect does, the
destination of a run knows what it would replace, and the state modules load no widget toolkit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from record_factory import make_translation_record
from tiny_training import tiny_checkpoint

from app.state.display import Display
from app.state.selection import MEAN, TokenRef, default_selection
from app.state.train_probe import ProbeSession
from app.state.train_session import Destination, TrainSession
from app.workers.training_process import ProbeSnapshot, publish_checkpoint
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.inference import load_model
from core_models.record import AttentionMap, AttentionRecord


def pair_self_record(layers: int = 2) -> AttentionRecord:
    """An encoder classifier's record: [CLS] premise [SEP] hypothesis [SEP] attending to itself."""
    tokens = ["[CLS]", "a", "dog", "[SEP]", "an", "animal", "[SEP]"]
    weights = np.full((2, len(tokens), len(tokens)), 1 / len(tokens), dtype=np.float32)
    return AttentionRecord(
        maps=[AttentionMap("pair_self", layer, weights, tokens, tokens) for layer in range(layers)]
    )


def test_the_probe_follows_the_sample_until_the_user_types_one(qtbot):
    probe = ProbeSession()
    edited = []
    probe.sigProbeEdited.connect(edited.append)
    first = TranslationPair("a b c", "a b c", alignment=((0, 0), (1, 1), (2, 2)))
    probe.set_sample(first)
    assert probe.texts == ("a b c", "a b c") and probe.probe_input().gold == first.alignment
    assert edited[-1] == probe.probe_input()

    probe.set_texts("x y", "")  # typed: no gold, and no longer following the data
    assert probe.probe_input().text == "x y" and probe.probe_input().gold is None
    probe.set_sample(TranslationPair("d e", "d e"))
    assert probe.texts == ("x y", "")
    probe.use_sample()
    assert probe.texts == ("d e", "d e") and probe.follow_sample

    probe.set_task_kind("nli")
    probe.set_sample(NLIPair("a man sleeps", "a person rests", "entailment"))
    assert probe.probe_input().hypothesis == "a person rests" and probe.probe_input().gold is None
    count = len(edited)
    probe.set_texts("a man sleeps", "")  # an NLI probe needs both: nothing to send
    assert probe.probe_input() is None and len(edited) == count


def test_snapshots_open_on_inspects_default_map_and_keep_the_users_choice(qtbot):
    probe = ProbeSession()
    record = pair_self_record(layers=2)
    probe.add_snapshot(ProbeSnapshot(10, record, "entailment (80%)"))
    assert probe.shown == 0
    assert probe.selection == default_selection(record)
    assert (probe.selection.kind, probe.selection.layer) == ("pair_self", 1)  # the last layer

    probe.select_map("pair_self", 0, 1)
    probe.select_token("pair", 2)
    chosen = probe.selection
    assert (chosen.layer, chosen.head, chosen.token) == (0, 1, TokenRef("pair", 2))
    with qtbot.waitSignal(probe.sigSnapshotChanged):
        probe.add_snapshot(ProbeSnapshot(20, pair_self_record(layers=2), "neutral (50%)"))
    assert probe.shown == 1 and probe.selection == chosen  # the same map and token, a new record

    probe.show_snapshot(0)  # looking back: a new snapshot no longer takes the view
    probe.add_snapshot(ProbeSnapshot(30, AttentionRecord(), "neutral (60%)"))
    assert probe.shown == 0 and len(probe.snapshots) == 3
    probe.show_snapshot(2)  # a model without attention: nothing to select
    assert probe.record.maps == [] and probe.selection is None
    probe.show_snapshot(7)  # past the end: stays
    assert probe.shown == 2


def test_a_translation_probe_selects_a_target_piece_as_its_decoding_step(qtbot):
    probe = ProbeSession()
    record = make_translation_record(layers=3)
    probe.add_snapshot(ProbeSnapshot(5, record, "output"))
    assert (probe.selection.kind, probe.selection.layer, probe.selection.head) == ("cross", 2, MEAN)
    probe.select_token("target", 1)
    assert probe.selection.token == TokenRef("target", 1) and probe.selection.step == 1


def test_replay_shows_every_snapshot_from_the_first(qtbot):
    probe = ProbeSession()
    for step in (10, 20, 30):
        probe.add_snapshot(ProbeSnapshot(step, make_translation_record(seed=step), ""))
    shown = []
    probe.sigSnapshotChanged.connect(lambda: shown.append(probe.shown))
    probe.replay()
    qtbot.waitUntil(lambda: shown[-1:] == [2], timeout=10_000)
    assert shown == [0, 1, 2]
    probe.clear_snapshots()
    assert probe.record is None and probe.shown is None


def test_a_destination_names_what_a_run_would_replace(tmp_path):
    models, runs = tmp_path / "models", tmp_path / "runs"
    fresh = Destination("copy", runs / "copy-1", models)
    assert fresh.conflicts == [] and fresh.existing_model is None and fresh.free_name() == "copy"

    tiny_checkpoint(models / "copy")
    tiny_checkpoint(runs / "copy-1" / "model")  # a training run's checkpoint
    taken = Destination("copy", runs / "copy-1", models)
    assert taken.existing_model == models / "copy"
    assert taken.conflicts == [
        "your models already hold a model named 'copy'",
        f"the run directory {runs / 'copy-1'} already holds a checkpoint",
    ]
    assert taken.free_name() == "copy-2"


def test_the_session_picks_a_new_run_directory_in_the_user_home(home):
    session = TrainSession()
    destination = session.destination("copy")
    assert destination.run_dir.parent == home / "runs" and destination.run_dir.name.startswith(
        "copy-"
    )
    assert destination.models_dir == home / "models" and destination.conflicts == []
    changes = []
    session.sigDisplayChanged.connect(lambda: changes.append(session.display))
    session.set_display(Display(theme="dark"))
    session.set_display(Display(theme="dark"))  # the same display again: nothing to redraw
    assert session.display.theme == "dark" and len(changes) == 1


def test_publishing_over_a_model_replaces_it_whole(tmp_path):
    models = tmp_path / "models"
    old = tiny_checkpoint(models / "copy", meta={"task": "copy", "step": 1})
    run = tiny_checkpoint(tmp_path / "run" / "model", meta={"task": "copy", "step": 7})
    (run / "trainer_state.json").write_text("{}", encoding="utf-8")

    kept = publish_checkpoint(run, models, "copy")  # keep both: a free name
    assert kept == models / "copy-2" and load_model(old).checkpoint.meta["step"] == 1
    replaced = publish_checkpoint(run, models, "copy", overwrite=True)
    assert replaced == models / "copy" and load_model(replaced).checkpoint.meta["step"] == 7
    assert sorted(p.name for p in models.iterdir()) == ["copy", "copy-2"]  # nothing left over
    assert not (replaced / "trainer_state.json").exists()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_the_state_modules_load_no_widget_toolkit():
    code = (
        "import sys\n"
        "import app.state.train_session, app.state.catalogue\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6.QtWidgets', 'pyqtgraph'))]\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
