"""The Agreement tab: "Compute" makes the agreement table of the model on show off the GUI thread
(the sentence on show, or the first N test examples) and draws each method's AER and the rank
correlations between methods, as ``core_models.explain.agreement`` computes them."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import threading

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, train_tiny
from hf_fixtures import bert_dir

import core_models.explain.agreement as core
from app.state.agreement_study import AgreementStudy
from app.state.session import Session
from app.views.agreement import AgreementView
from core_models.data.pairs import TranslationPair
from core_models.inference import load_model

STEPS = 4  # integrated gradients' steps: the table's numbers, not IG's precision, are tested


@pytest.fixture
def agreement_view(qtbot, app_env):
    """A Session on the tiny copy Transformer showing its first sample, the study and its view
    (shut down after)."""
    session = Session()
    model = load_model(app_env.transformer)
    session.set_model(model)
    session.use_sample(model.samples(1)[0])
    study = AgreementStudy(session)
    study.steps = STEPS
    view = AgreementView(study)
    qtbot.addWidget(view)
    view.resize(940, 460)  # the tab's size in a 1280 x 800 window
    view.show()
    yield session, study, view
    study.shutdown()
    session.shutdown()


def compute(qtbot, study, button) -> None:
    with qtbot.waitSignal(study.sigDone, timeout=WAIT_MS):
        button.click()


def column(view, index: int) -> list[str]:
    return [view.table.item(row, index).text() for row in range(view.table.rowCount())]


def row_names(view) -> list[str]:
    return [view.table.verticalHeaderItem(row).text() for row in range(view.table.rowCount())]


def shown_matrix(view) -> np.ndarray:
    """The correlation cells as numbers (NaN for "–" and for the blank diagonal)."""
    cells = [column(view, index) for index in range(1, view.table.columnCount())]
    return np.array(
        [[float(text) if text not in ("–", "") else np.nan for text in c] for c in cells]
    ).T


def drawn(matrix: np.ndarray) -> np.ndarray:
    """What the grid shows of a correlation matrix: 2 decimals, the diagonal (1) left blank."""
    shown = np.round(matrix, 2)
    np.fill_diagonal(shown, np.nan)
    return shown


def test_a_sample_sentence_shows_every_methods_aer_and_correlations(
    qtbot, agreement_view, monkeypatch
):
    session, study, view = agreement_view
    threads, original = [], core.agreement

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(core, "agreement", recording)
    compute(qtbot, study, view.sentence_button)
    assert threads and all(t is not threading.main_thread() for t in threads)
    pair = session.model.samples(1)[0]
    expected = original(session.model, [pair], steps=STEPS)
    heads = [f"cross L0 H{head}" for head in (0, 1)]
    assert expected.methods == [
        *heads,
        "cross L0 mean",
        "rollout L0",
        "flow L0",
        "saliency",
        "input_x_gradient",
        "integrated_gradients",
    ]
    assert row_names(view) == [
        "cross L0 H0",
        "cross L0 H1",
        "cross L0 mean",
        "rollout L0",
        "flow L0",
        "saliency",
        "input x gradient",
        "integrated gradients",
    ]
    assert column(view, 0) == [f"{expected.aer[name]:.3f}" for name in expected.methods]
    lowest = min(expected.aer.values())
    bold = [view.table.item(row, 0).font().bold() for row in range(8)]
    assert bold == [expected.aer[name] == lowest for name in expected.methods]
    assert np.allclose(shown_matrix(view), drawn(expected.spearman), equal_nan=True)
    assert all(view.table.item(row, row + 1).text() == "" for row in range(8))  # ρ = 1
    assert pair.source in view.status.text() and not view.note.isVisible()

    view.measure.setCurrentIndex(view.measure.findData("kendall"))  # no new computation
    assert np.allclose(shown_matrix(view), drawn(expected.kendall), equal_nan=True)
    assert len(threads) == 1

    view.groups["raw"].setChecked(False)  # the filter hides the heads' rows and columns
    hidden = [view.table.isRowHidden(row) for row in range(8)]
    assert hidden == [True, True, False, False, False, False, False, False]
    assert [view.table.isColumnHidden(c) for c in range(1, 9)] == hidden


def test_a_typed_sentence_without_gold_shows_correlations_only(qtbot, agreement_view):
    session, study, view = agreement_view
    typed = " ".join(reversed(session.inputs.source.split()))
    with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
        session.set_source(typed)
    compute(qtbot, study, view.sentence_button)
    output = session.model.translate(typed).output_text
    expected = core.agreement(session.model, [TranslationPair(typed, output)], steps=STEPS)
    assert expected.aer == {}
    assert set(column(view, 0)) == {"–"} and view.table.isColumnHidden(0)
    assert np.allclose(shown_matrix(view), drawn(expected.spearman), equal_nan=True)
    assert view.note.isVisible()
    assert "no gold alignment for this sentence: rank correlations only" in view.note.text()
    assert f"{typed} → {output}" in view.status.text()


def test_the_test_split_scope_over_two_examples(qtbot, agreement_view):
    session, study, view = agreement_view
    view.size_box.setValue(2)
    view.ig_box.setChecked(False)  # the slow one: left out on request
    compute(qtbot, study, view.split_button)
    expected = core.agreement(
        session.model,
        session.model.samples(2),
        steps=STEPS,
        attributions=["saliency", "input_x_gradient"],
    )
    assert "integrated_gradients" not in study.result.table.methods
    assert column(view, 0) == [f"{expected.aer[name]:.3f}" for name in expected.methods]
    assert np.allclose(shown_matrix(view), drawn(expected.spearman), equal_nan=True)
    assert "first 2 examples of the test split" in view.status.text()
    assert view.progress.value() == view.progress.maximum()
    assert view.sentence_button.isEnabled() and view.split_button.isEnabled()


def test_an_nli_model_compares_its_hypothesis_to_premise_maps(qtbot, agreement_view, app_env):
    session, study, view = agreement_view
    classifier = load_model(app_env.nli)
    session.set_model(classifier)
    pair = next(pair for pair in classifier.samples(8) if pair.alignment)
    session.use_sample(pair)
    assert not view.ig_box.isEnabled() and not view.flow_box.isEnabled()
    compute(qtbot, study, view.sentence_button)
    expected = core.agreement(classifier, [pair])
    assert row_names(view) == ["hypothesis to premise L0 H0", "hypothesis to premise L0 mean"]
    assert column(view, 0) == [f"{expected.aer[name]:.3f}" for name in expected.methods]
    assert "NLI gradient maps" in view.note.text()
    assert not view.group_actions["gradients"].isVisible()
    assert view.group_actions["raw"].isVisible()


def test_opening_another_model_clears_the_table(qtbot, agreement_view, app_env):
    session, study, view = agreement_view
    compute(qtbot, study, view.sentence_button)
    assert view.table.isVisible() and view.table.rowCount() == 8
    session.set_model(load_model(app_env.bahdanau))
    assert study.result is None and not view.table.isVisible()
    assert view.status.text() == view.intro
    assert view.flow_box.isEnabled() is False and view.ig_box.isEnabled()
    compute(qtbot, study, view.sentence_button)  # a recurrent model: raw attention + gradients
    assert row_names(view) == [
        "cross L0 H0",
        "cross L0 mean",
        "saliency",
        "input x gradient",
        "integrated gradients",
    ]


def test_a_failure_is_a_message_in_the_view(qtbot, agreement_view, monkeypatch):
    session, study, view = agreement_view

    def broken(*args, **kwargs):
        raise ValueError("attention flow needs at most 40 tokens")

    monkeypatch.setattr(core, "agreement", broken)
    with qtbot.waitSignal(study.sigFailed, timeout=WAIT_MS):
        view.sentence_button.click()
    assert view.status.text() == "No agreement table: attention flow needs at most 40 tokens"
    assert study.result is None and not view.table.isVisible()
    assert view.sentence_button.isEnabled() and not view.progress.isVisible()


def test_a_model_without_attention_has_gradient_rows_only(qtbot, agreement_view, app_env):
    session, study, view = agreement_view
    options = {"embed_size": 16, "hidden_size": 24, "dropout": 0.0}
    session.set_model(
        load_model(train_tiny(app_env.home / "models" / "tiny-rnn", "rnn", "copy", options))
    )
    compute(qtbot, study, view.sentence_button)
    assert row_names(view) == ["saliency", "input x gradient", "integrated gradients"]
    assert "has no attention maps (a fixed context): gradient methods only" in view.note.text()
    assert column(view, 0)[0] != "–"  # a sample: the gradients' AER


def test_a_hugging_face_model_is_refused_with_a_message(qtbot, agreement_view, tmp_path):
    session, study, view = agreement_view
    session.set_model(load_model(bert_dir(tmp_path / "bert")))
    with qtbot.waitSignal(study.sigFailed, timeout=WAIT_MS):
        view.split_button.click()
    assert "is a Hugging Face model" in view.status.text()
    assert not view.table.isVisible()
