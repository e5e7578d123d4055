"""The Session and its workers, without a window: decoding off the GUI thread, keystrokes
coalesced, stale results dropped, the selection following the user's intents."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from app_fixtures import WAIT_MS, app_env, app_models, wait_for_source
from PySide6 import QtCore

from app.state.selection import MEAN, TokenRef
from app.state.session import Session
from app.workers.latest_job import LatestJobWorker
from core_models.inference import load_model


@pytest.fixture
def session(qtbot, app_env):
    session = Session()
    session.set_model(load_model(app_env.transformer))
    # a new model opens on one of its samples: let that decode land before a test types
    qtbot.waitUntil(
        lambda: session.result is not None or not session.inputs.source, timeout=WAIT_MS
    )
    yield session
    session.shutdown()


def type_text(session: Session, text: str) -> None:
    """What the source box does: one set_source per keystroke."""
    for end in range(1, len(text) + 1):
        session.set_source(text[:end])


def test_typing_while_a_decode_runs_keeps_the_event_loop_running(qtbot, session, monkeypatch):
    release = threading.Event()
    started = threading.Event()
    decoded: list[str] = []
    translate = session.model.translate

    def slow_translate(text, **options):
        decoded.append(text)
        started.set()
        release.wait(WAIT_MS / 1000)
        return translate(text, **options)

    monkeypatch.setattr(session.model, "translate", slow_translate)
    sample_result = session.result  # the sample's, decoded when the model opened
    session.set_source("a")
    assert started.wait(WAIT_MS / 1000)
    timer = QtCore.QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=WAIT_MS):
        timer.start(10)  # fires while the first decode is still blocked on the worker thread
    type_text(session, "a b c d")
    assert session.inputs.source == "a b c d"
    assert session.result is sample_result and decoded == ["a"]  # nothing new has landed
    release.set()
    wait_for_source(qtbot, session, ["a", "b", "c", "d"])
    assert decoded == ["a", "a b c d"]  # the keystrokes in between were never decoded
    assert session.stale_results == 1  # the result for "a" came back too late and was dropped


@pytest.fixture
def worker():
    worker = LatestJobWorker("test")
    yield worker
    worker.stop()


def test_only_the_latest_submitted_job_runs_after_the_current_one(qtbot, worker):
    started, gate, ran, done = threading.Event(), threading.Event(), [], []
    worker.sigDone.connect(lambda request_id, result: done.append((request_id, result)))

    def job(value):
        def run():
            if value == 0:
                started.set()
                gate.wait(WAIT_MS / 1000)
            ran.append(value)
            return value * 10

        return run

    worker.submit(0, job(0))
    assert started.wait(WAIT_MS / 1000)
    for value in range(1, 5):
        worker.submit(value, job(value))
    assert worker.busy
    gate.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT_MS)
    assert ran == [0, 4]
    assert done == [(0, 0), (4, 40)]
    assert worker.superseded == 3


def test_a_failing_job_is_reported_and_the_worker_keeps_going(qtbot, worker):
    failures, results = [], []
    worker.sigFailed.connect(lambda request_id, error: failures.append((request_id, str(error))))
    worker.sigDone.connect(lambda request_id, result: results.append(result))

    def broken():
        raise ValueError("no such token")

    worker.submit(1, broken)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    worker.submit(2, lambda: "fine")
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert failures == [(1, "no such token")] and results == ["fine"]


def test_empty_text_clears_the_result_and_gives_a_hint(qtbot, session):
    type_text(session, "a b")
    wait_for_source(qtbot, session, ["a", "b"])
    session.set_source("   ")
    assert session.result is None and session.record is None and session.selection is None
    assert session.hint == "type a sentence to translate"


def test_clicking_a_target_token_also_moves_to_its_decoding_step(qtbot, session):
    session.set_source("a b c")
    wait_for_source(qtbot, session, ["a", "b", "c"])
    session.select_token("target", 1)
    assert session.selection.token == TokenRef("target", 1) and session.selection.step == 1
    session.step_by(1)
    assert session.selection.step == 2 and session.selection.token == TokenRef("target", 2)
    session.select_token("source", 0)
    assert session.selection.token == TokenRef("source", 0)
    session.select_token("source", 99)  # past the end: nothing selected, nothing raised
    assert session.selection.token is None


def test_head_and_layer_navigation_wraps_around_with_mean_first(qtbot, session):
    session.set_source("a b")
    wait_for_source(qtbot, session, ["a", "b"])
    assert session.selection.kind == "cross" and session.selection.head == MEAN
    session.head_by(1)
    assert session.selection.head == 0
    session.head_by(1)
    session.head_by(1)
    assert session.selection.head == MEAN  # two heads: mean, 0, 1, mean
    session.select_kind("encoder_self")
    session.layer_by(1)
    assert session.selection.kind == "encoder_self" and session.selection.layer == 0


def test_the_selected_map_survives_the_next_keystroke(qtbot, session):
    session.set_source("a b")
    wait_for_source(qtbot, session, ["a", "b"])
    session.select_map("decoder_self", 0, 1)
    session.set_source("a b c")
    wait_for_source(qtbot, session, ["a", "b", "c"])
    assert (session.selection.kind, session.selection.layer, session.selection.head) == (
        "decoder_self",
        0,
        1,
    )


def test_clicking_a_beam_node_shows_that_partial_hypothesis(qtbot, session):
    session.set_beam(3)
    session.set_source("a b c")
    wait_for_source(qtbot, session, ["a", "b", "c"])
    assert session.result.beam is not None and len(session.beam_tree) >= 2
    session.select_beam_node(1, len(session.beam_tree[1]) - 1)
    assert len(session.record.steps) == 2  # a hypothesis two tokens long
    assert session.record.get("cross", 0).weights.shape[1] == 2
    assert session.selection.step == 1
    session.select_beam_node(None)
    assert session.record is session.result.record


def test_words_mode_shows_merged_words_and_clears_the_token(qtbot, session):
    session.set_source("a b")
    wait_for_source(qtbot, session, ["a", "b"])
    session.select_token("source", 1)
    session.choose_display("units", "words")
    assert session.selection.token is None
    assert session.record is not session.result.record
    assert session.record.get("cross", 0).key_tokens == ["a", "b", "<eos>"]


def test_a_model_that_fails_to_open_keeps_the_current_one(qtbot, session, tmp_path):
    with qtbot.waitSignal(session.sigModelFailed, timeout=WAIT_MS) as failure:
        session.open_model(tmp_path / "not-a-checkpoint")
    assert "not-a-checkpoint" in failure.args[0]
    assert session.model_name == "tiny-copy"


def test_nli_session_classifies_and_uses_the_samples_gold_label(qtbot, app_env):
    session = Session()
    try:
        session.set_model(load_model(app_env.nli))
        assert session.task_kind == "nli"
        sample = session.samples(1)[0]
        session.use_sample(sample)
        qtbot.waitUntil(lambda: session.result is not None, timeout=WAIT_MS)
        assert set(session.result.probs) == {"entailment", "neutral", "contradiction"}
        assert session.gold_label() == sample.label
        assert session.selection.kind == "premise_to_hypothesis"
        session.set_inputs(replace(session.inputs, premise=""))
        assert session.result is None and session.hint == "type a premise and a hypothesis"
        assert session.gold_label() is None
    finally:
        session.shutdown()


def test_an_nli_gold_alignment_is_kept_as_hypothesis_words_by_premise_words(app_env):
    classifier = load_model(app_env.nli)
    links = ((0, 0), (1, 1), (3, 2))  # (premise word, hypothesis word)
    result = classifier.classify("the dog is sleeping", "the animal sleeps", gold_alignment=links)
    gold = result.record.gold_alignment
    assert gold.shape == (3, 4)  # 3 hypothesis words × 4 premise words
    assert {(int(j), int(i)) for j, i in zip(*gold.nonzero(), strict=True)} == {
        (0, 0),
        (1, 1),
        (2, 3),
    }
    shorter = classifier.classify("the dog", "the animal sleeps", gold_alignment=links)
    assert (
        shorter.record.gold_alignment.shape == (3, 2) and shorter.record.gold_alignment.sum() == 2
    )
    assert classifier.classify("a", "b").record.gold_alignment is None
