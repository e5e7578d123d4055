"""Rollout and flow in the app: a Transformer's decode brings its rollout maps, the map picker
offers flow, and choosing it computes flow off the GUI thread and shows it."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import threading

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, wait_for_source

import app.state.explain as explain_state
from app.state.session import Session
from app.views.controls import MapControls
from core_models.explain.rollout import rollout_maps
from core_models.inference import load_model
from core_models.record import AttentionRecord


def decoded_session(qtbot, path) -> Session:
    session = Session()
    session.set_model(load_model(path))
    session.set_source("a b c")
    wait_for_source(qtbot, session, ["a", "b", "c"])
    return session


def test_a_transformer_decode_brings_its_rollout_maps(qtbot, app_env):
    session = decoded_session(qtbot, app_env.transformer)
    try:
        record = session.result.record
        assert {"encoder_self_rollout", "cross_rollout"} <= set(record.kinds())
        assert not {"encoder_self_flow", "cross_flow"} & set(record.kinds())  # only on request
        attention = AttentionRecord([m for m in record.maps if not m.kind.endswith("rollout")])
        expected = {(m.kind, m.layer): m.weights for m in rollout_maps(attention, with_flow=False)}
        for (kind, layer), weights in expected.items():
            np.testing.assert_allclose(record.get(kind, layer).weights, weights)
    finally:
        session.shutdown()


def test_a_recurrent_decode_has_no_rollout_and_offers_no_flow(qtbot, app_env):
    session = decoded_session(qtbot, app_env.bahdanau)
    try:
        assert not any("rollout" in kind for kind in session.result.record.kinds())
        controls = MapControls()
        qtbot.addWidget(controls)
        controls.set_state(session.record, session.selection)
        offered = [controls.kind_box.itemData(i) for i in range(controls.kind_box.count())]
        assert offered == session.record.kinds()
    finally:
        session.shutdown()


def test_choosing_flow_in_the_picker_computes_it_off_the_gui_thread(qtbot, app_env, monkeypatch):
    threads = []

    def recording_rollout_maps(record, **options):
        threads.append(threading.current_thread())
        return rollout_maps(record, **options)

    monkeypatch.setattr(explain_state, "rollout_maps", recording_rollout_maps)
    session = decoded_session(qtbot, app_env.transformer)
    try:
        controls = MapControls()
        qtbot.addWidget(controls)
        controls.sigMapChosen.connect(session.select_map)
        controls.set_state(session.record, session.selection)
        texts = [controls.kind_box.itemText(i) for i in range(controls.kind_box.count())]
        assert "cross flow …" in texts and "encoder self flow …" in texts
        index = texts.index("cross flow …")
        controls.kind_box.setCurrentIndex(index)
        with qtbot.waitSignal(session.sigSelectionChanged, timeout=WAIT_MS):
            controls.kind_box.activated.emit(index)  # what a user's pick sends
        assert session.selection.kind == "cross_flow"
        assert threads and all(t is not threading.main_thread() for t in threads)
        record = session.result.record
        attention = AttentionRecord([m for m in record.maps if m.kind in ("encoder_self", "cross")])
        expected = rollout_maps(attention, kinds=("cross_flow",))
        for flow_map in expected:
            np.testing.assert_allclose(
                record.get("cross_flow", flow_map.layer).weights, flow_map.weights
            )
        controls.set_state(session.record, session.selection)
        texts = [controls.kind_box.itemText(i) for i in range(controls.kind_box.count())]
        assert "cross flow" in texts and "cross flow …" not in texts  # computed once
        assert controls.kind_box.currentData() == "cross_flow"
    finally:
        session.shutdown()


def test_a_flow_that_cannot_be_computed_is_a_status_message(qtbot, app_env, monkeypatch):
    def refuse(record, **options):
        raise ValueError("attention flow over 41 tokens would run 41² max-flows")

    session = decoded_session(qtbot, app_env.transformer)
    monkeypatch.setattr(explain_state, "rollout_maps", refuse)
    try:
        kind = session.selection.kind
        with qtbot.waitSignal(
            session.sigMessage,
            timeout=WAIT_MS,
            check_params_cb=lambda text: text.startswith("no attention flow: attention flow over"),
        ):
            session.select_map("encoder_self_flow", 0, None)
        assert session.selection.kind == kind  # what was on show stays
    finally:
        session.shutdown()


def test_ctrl_click_on_a_head_switches_it_off_and_the_status_says_so(qtbot, app_env):
    from PySide6 import QtCore

    from app.panels.binding import ViewBinding
    from app.views.heads_grid import HeadsGridView
    from core_models.explain.ablation import masked_heads

    session = decoded_session(qtbot, app_env.transformer)
    try:
        grid = HeadsGridView()
        qtbot.addWidget(grid)
        grid.resize(400, 300)
        ViewBinding(grid, session, lambda: True)
        grid.set_state(session.record, session.selection, session.display)
        grid.show()
        tile = next(t for t in grid.thumbnails if (t.layer, t.head) == (0, 1))
        messages = []
        session.sigMessage.connect(messages.append)
        with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
            qtbot.mouseClick(
                grid,
                QtCore.Qt.MouseButton.LeftButton,
                QtCore.Qt.KeyboardModifier.ControlModifier,
                tile.rect.center().toPoint(),
            )
        kind = session.selection.kind
        assert session.heads_off == {(kind, 0, 1)}
        with masked_heads(session.model.model, [(kind, 0, 1)]):
            expected = session.model.translate("a b c")
        assert session.result.output_text == expected.output_text
        np.testing.assert_allclose(
            session.result.record.get("cross", 0).weights, expected.record.get("cross", 0).weights
        )
        assert any(f"heads off: {kind.replace('_', ' ')} L0 H1 · output" in m for m in messages)
        with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
            session.toggle_head(kind, 0, 1)  # on again
        assert session.heads_off == frozenset()
        assert session.result.output_text == session.model.translate("a b c").output_text
    finally:
        session.shutdown()


def test_a_recurrent_model_has_no_heads_to_switch_off(qtbot, app_env):
    session = decoded_session(qtbot, app_env.bahdanau)
    try:
        with qtbot.waitSignal(
            session.sigMessage,
            timeout=WAIT_MS,
            check_params_cb=lambda text: text.startswith("no heads to switch off"),
        ):
            session.toggle_head("cross", 0, 0)
        assert session.heads_off == frozenset()
    finally:
        session.shutdown()
