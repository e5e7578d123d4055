"""Gradient attribution in the app: the heatmap's map picker offers saliency, input × gradient
and integrated gradients of the result on show; choosing one computes it off the GUI thread and
the heatmap then shows it, one row per output token as shown (greedy, beam or forced)."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import threading

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, wait_for_source

from app.panels.binding import ViewBinding
from app.state.on_request import attribution_kinds
from app.state.session import Session
from app.state.session_state import Inputs
from app.views.heatmap import HeatmapView
from core_models.cli_explain import ATTRIBUTIONS
from core_models.explain import shown
from core_models.explain.attribution import METHODS, explain_nli, explain_translation
from core_models.inference import load_model

STEPS = 4  # integrated gradients' steps in these tests (the app's default is 64)


def bound_session(qtbot, path, **inputs) -> tuple[Session, HeatmapView]:
    """A Session of the model at ``path`` with a heatmap bound to it, as the window has."""
    session = Session()
    session.attribution_steps = STEPS
    heatmap = HeatmapView()
    qtbot.addWidget(heatmap)
    ViewBinding(heatmap, session, lambda: True)
    session.set_model(load_model(path))
    session.set_inputs(Inputs(**inputs))
    return session, heatmap


def offered(heatmap: HeatmapView) -> list[str]:
    box = heatmap.controls.kind_box
    return [box.itemText(i) for i in range(box.count())]


def pick(qtbot, session: Session, heatmap: HeatmapView, text: str) -> None:
    """Choose ``text`` in the heatmap's map picker, as a user does, and wait for the map."""
    box = heatmap.controls.kind_box
    index = offered(heatmap).index(text)
    box.setCurrentIndex(index)
    with qtbot.waitSignal(session.sigSelectionChanged, timeout=WAIT_MS):
        box.activated.emit(index)


def test_the_cli_names_the_cores_methods():
    assert ATTRIBUTIONS == METHODS  # the CLI's copy of the names (no numpy at its start)


def test_integrated_gradients_in_the_picker_computed_off_the_gui_thread(
    qtbot, app_env, monkeypatch
):
    threads, messages = [], []

    def recording(*args, **options):
        threads.append(threading.current_thread())
        return shown.result_attributions.__wrapped__(*args, **options)

    recording.__wrapped__ = shown.result_attributions
    monkeypatch.setattr(shown, "result_attributions", recording)
    session, heatmap = bound_session(qtbot, app_env.transformer, source="a b c")
    try:
        wait_for_source(qtbot, session, ["a", "b", "c"])
        assert {"saliency …", "input x gradient …", "integrated gradients …"} <= set(
            offered(heatmap)
        )
        session.sigMessage.connect(messages.append)
        pick(qtbot, session, heatmap, "integrated gradients …")
        assert session.selection.kind == "integrated_gradients"
        assert threads and all(t is not threading.main_thread() for t in threads)
        result = session.result
        ig = result.record.get("integrated_gradients")
        assert ig.query_tokens == result.output_pieces  # one row per output token on show
        assert ig.key_tokens == result.source_pieces
        expected = explain_translation(
            load_model(app_env.transformer), "a b c", methods=("integrated_gradients",), steps=STEPS
        )[0]
        np.testing.assert_allclose(ig.weights, expected.weights, atol=1e-5)
        assert heatmap.shown_weights.shape == (len(result.output_pieces), len(result.source_pieces))
        assert heatmap.colorbar.getAxis("left").labelText == "attribution (row-normalised)"
        assert heatmap.title.text() == "integrated gradients"  # no layers or heads to name
        gap = max(abs(d) for d in ig.info["convergence_delta"])
        assert messages[-1].startswith("integrated gradients in ")
        assert (
            f"completeness gap {gap:.2g} (largest |convergence delta|, {STEPS} steps)"
            in (messages[-1])
        )
        assert "integrated gradients …" not in offered(heatmap)  # computed once
        assert "integrated gradients" in offered(heatmap)
    finally:
        session.shutdown()


def test_a_beam_search_output_is_explained_as_shown(qtbot, app_env):
    session, heatmap = bound_session(qtbot, app_env.bahdanau, source="b a c a")
    try:
        session.set_beam(3)
        qtbot.waitUntil(
            lambda: session.result is not None and session.result.beam is not None,
            timeout=WAIT_MS,
        )
        pick(qtbot, session, heatmap, "saliency …")
        result = session.result
        saliency = result.record.get("saliency")
        assert saliency.query_tokens == result.output_pieces
        # the beam's output forced: the same map as explaining that output as a reference
        forced = " ".join(p for p in result.output_pieces if p != "<eos>")
        expected = explain_translation(
            load_model(app_env.bahdanau), "b a c a", reference=forced, methods=("saliency",)
        )[0]
        # (forcing adds an EOS the beam, cut at its length limit, did not reach: rows are causal)
        rows = len(saliency.query_tokens)
        assert expected.query_tokens[:rows] == saliency.query_tokens
        np.testing.assert_allclose(saliency.weights, expected.weights[:, :rows], atol=1e-5)
        assert heatmap.colorbar.getAxis("left").labelText == "attribution (row-normalised)"
    finally:
        session.shutdown()


def test_a_forced_reference_is_explained_as_forced(qtbot, app_env):
    session, heatmap = bound_session(qtbot, app_env.transformer, source="a b c", reference="c a")
    try:
        wait_for_source(qtbot, session, ["a", "b", "c"])
        pick(qtbot, session, heatmap, "input x gradient …")
        attribution = session.result.record.get("input_x_gradient")
        assert attribution.query_tokens == ["c", "a", "<eos>"]
        expected = explain_translation(
            load_model(app_env.transformer), "a b c", "c a", methods=("input_x_gradient",)
        )[0]
        np.testing.assert_allclose(attribution.weights, expected.weights, atol=1e-5)
    finally:
        session.shutdown()


def test_an_nli_model_offers_the_labels_attribution(qtbot, app_env):
    session, heatmap = bound_session(
        qtbot, app_env.nli, premise="a man runs", hypothesis="a person moves"
    )
    try:
        qtbot.waitUntil(lambda: session.result is not None, timeout=WAIT_MS)
        texts = offered(heatmap)
        assert "label integrated gradients …" in texts and "saliency …" not in texts
        pick(qtbot, session, heatmap, "label input x gradient …")
        result = session.result
        attribution = result.record.get("label_input_x_gradient")
        assert attribution.query_tokens == [result.label]
        expected = explain_nli(
            load_model(app_env.nli), "a man runs", "a person moves", methods=("input_x_gradient",)
        )[0]
        assert attribution.key_tokens == expected.key_tokens
        np.testing.assert_allclose(attribution.weights, expected.weights, atol=1e-5)
        assert session.selection.kind == "label_input_x_gradient"
        assert heatmap.colorbar.getAxis("left").labelText == "attribution"  # one row: it fits
    finally:
        session.shutdown()


def test_a_model_of_a_family_without_attribution_is_offered_none():
    from core_models.record import AttentionRecord

    record = AttentionRecord()
    assert attribution_kinds(record, "translation", "MarianMT") == []  # a Hugging Face model's
    assert attribution_kinds(record, "nli", "Bert") == []
    assert attribution_kinds(record, "translation", "luong") == list(METHODS)


def test_an_attribution_that_fails_is_a_status_message(qtbot, app_env, monkeypatch):
    def refuse(*args, **options):
        raise ValueError("no gradient attribution for family 'x'")

    monkeypatch.setattr(shown, "result_attributions", refuse)
    session, heatmap = bound_session(qtbot, app_env.transformer, source="a b c")
    try:
        wait_for_source(qtbot, session, ["a", "b", "c"])
        kind = session.selection.kind
        with qtbot.waitSignal(
            session.sigMessage,
            timeout=WAIT_MS,
            check_params_cb=lambda text: (
                text == "no saliency: no gradient attribution for family 'x'"
            ),
        ):
            session.select_map("saliency", 0, None)
        assert session.selection.kind == kind  # what was on show stays
        assert "saliency …" in offered(heatmap)  # still on offer
    finally:
        session.shutdown()


def test_a_new_sentence_typed_while_computing_drops_the_late_result(qtbot, app_env, monkeypatch):
    started, release = threading.Event(), threading.Event()
    produce = shown.result_attributions

    def slow(*args, **options):
        started.set()
        release.wait(WAIT_MS / 1000)
        return produce(*args, **options)

    monkeypatch.setattr(shown, "result_attributions", slow)
    session, heatmap = bound_session(qtbot, app_env.transformer, source="a b c")
    try:
        wait_for_source(qtbot, session, ["a", "b", "c"])
        session.select_map("integrated_gradients", 0, None)
        assert started.wait(WAIT_MS / 1000)
        session.set_source("c a")
        wait_for_source(qtbot, session, ["c", "a"])
        with qtbot.waitSignal(session.explainer.sigDone, timeout=WAIT_MS):  # the late result
            release.set()
        assert "integrated_gradients" not in session.result.record.kinds()
        assert session.selection.kind != "integrated_gradients"
        assert "integrated gradients …" in offered(heatmap)
    finally:
        release.set()
        session.shutdown()
