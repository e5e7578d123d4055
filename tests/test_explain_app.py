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


# --- attention editing (what-if) and the ablation's changes in the views ------------------------


def bound_steps_view(qtbot, session):
    """The steps view bound to ``session`` as the views panel binds it, shown."""
    from app.panels.binding import ExtrasBinding
    from app.panels.views_panel import edited_run
    from app.views.steps import StepsView

    view = StepsView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    ExtrasBinding(view, session, lambda: True, extras=edited_run)
    view.set_state(session.record, session.selection, session.display)
    view.show()
    qtbot.waitExposed(view)
    return view


def click_bar(qtbot, view, key: int) -> None:
    """A user's click on source token ``key``'s bar of the step's attention row."""
    from PySide6 import QtCore

    plot = view.original.row_plot
    scene = plot.vb.mapViewToScene(QtCore.QPointF(key, 0.02))
    where = view.graphics.mapFromScene(scene)
    qtbot.mouseClick(view.graphics.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=where)


def test_clicking_a_bar_decodes_on_with_the_pin_and_shows_both_runs(qtbot, app_env, monkeypatch):
    import core_models.explain.editing as editing
    from core_models.explain.editing import AttentionEdit, what_if

    threads = []

    def recording_what_if(*args, **options):
        threads.append(threading.current_thread())
        return what_if(*args, **options)

    monkeypatch.setattr(editing, "what_if", recording_what_if)
    session = decoded_session(qtbot, app_env.transformer)
    try:
        translator, step = session.model, 1
        plain = translator.translate("a b c")
        keys = len(plain.source_pieces)

        def pinned(key):
            return what_if(translator, "a b c", AttentionEdit(step, pin_to=key, layers=(0,)))

        # a source token whose pin at this step changes the output (the test needs one)
        key = next(k for k in range(keys) if pinned(k).output_text != plain.output_text)
        expected = pinned(key)
        view = bound_steps_view(qtbot, session)
        with qtbot.waitSignal(session.sigSelectionChanged, timeout=WAIT_MS):
            view.slider.setValue(step)
        with qtbot.waitSignal(session.sigRecordChanged, timeout=WAIT_MS):
            click_bar(qtbot, view, key)
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert session.edited.result.output_text == expected.output_text
        assert session.result.output_text == plain.output_text  # the original stays on show
        assert view.edited_record is session.edited.result.record
        before, after = plain.output_pieces, expected.output_pieces
        changed = [t for t, p in enumerate(after) if t >= len(before) or before[t] != p]
        assert changed and view.changed_positions == changed
        assert all(t >= step for t in changed)  # the steps before the edit are untouched
        marked = f'<b style="color:{view.colors.highlight}">{after[changed[0]]}</b>'
        assert marked in view.compare_label.text()
        assert view.edited.row_plot.isVisible()
        np.testing.assert_allclose(view.edited.attention_row, np.eye(keys)[key])
        np.testing.assert_allclose(
            view.attention_row, plain.record.get("cross", 0).weights.mean(axis=0)[step]
        )
        with qtbot.waitSignal(session.sigRecordChanged, timeout=WAIT_MS):
            view.clear_button.click()
        assert session.edited is None and view.edited_record is None
        assert not view.edited.row_plot.isVisible()
    finally:
        session.shutdown()


@pytest.fixture(scope="module")
def hard_luong(tmp_path_factory):
    """A tiny Luong model with hard (one-hot) attention on the copy task."""
    from app_fixtures import train_tiny

    options = {"embed_size": 16, "hidden_size": 16, "num_layers": 1, "dropout": 0.0, "hard": True}
    return train_tiny(tmp_path_factory.mktemp("hard") / "hard-luong", "luong", "copy", options)


def test_pinning_to_the_token_already_attended_leaves_the_output_unchanged(qtbot, hard_luong):
    session = decoded_session(qtbot, hard_luong)
    try:
        view = bound_steps_view(qtbot, session)
        step = 1
        with qtbot.waitSignal(session.sigSelectionChanged, timeout=WAIT_MS):
            view.slider.setValue(step)
        attended = int(view.attention_row.argmax())
        assert view.attention_row[attended] == 1.0  # hard attention: weight 1 on one token
        with qtbot.waitSignal(session.sigRecordChanged, timeout=WAIT_MS):
            click_bar(qtbot, view, attended)
        edited, plain = session.edited.result, session.result
        assert edited.output_pieces == plain.output_pieces
        assert [s.prob for s in edited.record.steps] == [s.prob for s in plain.record.steps]
        assert view.changed_positions == []
        assert "pinned to" in view.compare_label.text()
    finally:
        session.shutdown()


def test_an_edit_under_beam_search_shows_the_beam_tree_of_each_run(qtbot, app_env):
    from app.panels.binding import BeamTreeBinding
    from app.views.beam_tree import BeamTreeView

    session = decoded_session(qtbot, app_env.transformer)
    try:
        with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
            session.set_beam(2)
        tree = BeamTreeView()
        qtbot.addWidget(tree)
        BeamTreeBinding(tree, session, lambda: True)
        with qtbot.waitSignal(session.sigRecordChanged, timeout=WAIT_MS):
            session.scale_attention(0, 0.0)
        assert session.edited.tree and session.edited.result.beam is not None
        assert set(tree.node_rects) == {
            (s, i) for s, nodes in enumerate(session.beam_tree) for i in range(len(nodes))
        }
        assert set(tree.edited_rects) == {
            (s, i) for s, nodes in enumerate(session.edited.tree) for i in range(len(nodes))
        }
        lowest = max(rect.bottom() for rect in tree.node_rects.values())
        assert min(rect.top() for rect in tree.edited_rects.values()) > lowest  # below it
        assert "scaled ×0" in session.edited.what
    finally:
        session.shutdown()


def test_a_head_switched_off_is_marked_in_the_grid_with_the_outputs_changes(qtbot, app_env):
    from app.panels.binding import ExtrasBinding
    from app.panels.views_panel import ablation
    from app.views.heads_grid import HeadsGridView

    session = decoded_session(qtbot, app_env.transformer)
    try:
        before = session.result
        grid = HeadsGridView()
        qtbot.addWidget(grid)
        grid.resize(500, 400)
        ExtrasBinding(grid, session, lambda: True, extras=ablation)
        kind = session.selection.kind
        with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
            session.toggle_head(kind, 0, 0)
        qtbot.waitUntil(lambda: bool(grid.heads_off), timeout=WAIT_MS)
        off = [t for t in grid.thumbnails if grid.is_off(t)]
        assert [(t.layer, t.head) for t in off] == [(0, 0)]
        after = session.result.record.steps
        assert [c.token for c in grid.changes] == [s.token for s in after]
        for change, old, new in zip(grid.changes, before.record.steps, after, strict=False):
            assert change.before == old.token and change.prob == new.prob
            if old.token == new.token:
                assert change.delta == pytest.approx(new.prob - old.prob)
    finally:
        session.shutdown()
