"""The Head importance tab: "Compute" studies the model on show off the GUI thread and draws its
head-importance grid (layers × heads per kind) and the greedy pruning curve."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import threading

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models

import app.state.head_study as head_study
from app.state.head_study import HeadStudy
from app.state.session import Session
from app.views.head_importance import HeadImportanceView
from core_models.explain.ablation import all_heads, evaluate, masked_heads
from core_models.inference import load_model


def study_view(qtbot, path):
    session = Session()
    session.set_model(load_model(path))
    study = HeadStudy(session)
    view = HeadImportanceView(study)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return session, study, view


def test_compute_draws_every_heads_cell_and_the_pruning_curve(qtbot, app_env, monkeypatch):
    threads, original = [], head_study.study

    def recording_study(*args):
        threads.append(threading.current_thread())
        return original(*args)

    monkeypatch.setattr(head_study, "study", recording_study)
    session, study, view = study_view(qtbot, app_env.transformer)
    try:
        view.size_box.setValue(3)
        with qtbot.waitSignal(study.sigDone, timeout=WAIT_MS):
            view.run_button.click()
        assert threads and all(t is not threading.main_thread() for t in threads)
        result = study.result
        model = session.model
        qtbot.waitUntil(lambda: bool(view.grid.cells), timeout=WAIT_MS)  # at the next paint
        assert set(view.grid.cells) == set(all_heads(model.model))
        assert len(view.grid.cells) == 6  # 1 + 1 layers, 2 heads: encoder, decoder self, cross
        kept, metric = view.curve_item.getData()
        assert list(kept) == list(range(6, -1, -1))
        examples = model.samples(3)
        removed = [point.removed for point in result.curve[1:]]
        assert sorted(removed) == sorted(all_heads(model.model))  # every head, once
        with masked_heads(model.model, removed[:2]):
            assert metric[2] == pytest.approx(evaluate(model, examples))
        assert metric[0] == pytest.approx(evaluate(model, examples))
        assert "over 3 examples" in view.status.text()
        assert view.plot.isVisible() and view.run_button.isEnabled()
        assert view.progress.value() == view.progress.maximum()
        image = view.grab().toImage()
        assert not image.isNull()
        # the drawn study fits under an NLI model's panel at 1280 x 800 (its minimum, 418 px,
        # pushed the window's bottom and status bar off the screen)
        assert view.minimumSizeHint().height() <= 300

        session.set_model(load_model(app_env.nli))  # another model: nothing left of the study
        assert view.status.text() == view.intro and "examples" not in view.status.text()
        assert not view.plot.isVisible() and not view.progress.isVisible()
    finally:
        study.shutdown()
        session.shutdown()


def test_a_model_without_heads_says_so(qtbot, app_env):
    session, study, view = study_view(qtbot, app_env.bahdanau)
    assert not view.progress.isVisible()  # no empty bar before the first run
    try:
        with qtbot.waitSignal(study.sigFailed, timeout=WAIT_MS):
            view.run_button.click()
        assert "no attention heads to mask" in view.status.text()
        assert study.result is None and not view.plot.isVisible()
    finally:
        study.shutdown()
        session.shutdown()
