"""The Train view driven like a user: pick the copy task and a tiny Transformer, start, watch the
progress, curves and probe heatmap, pause and resume, stop, find the model in the model list and
inspect it; close the window mid-run. Each run trains in a spawned worker process."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets
from train_fixtures import (
    WAIT_MS,
    click,
    drawn_points,
    home,
    train_to_the_end,
    view,
    wait_for_steps,
)

from app.state.display import Display
from app.train import model_panel
from app.train.presets import count_parameters, preset_options, vocab_options
from app.views.style import palette_for
from core_models.inference import list_models, load_model, user_models_dir
from core_models.models.registry import build_model


def test_parameter_estimate_is_the_built_models_count_and_follows_edits(view):
    panel = view.model_panel
    tiny = panel.update_estimate()
    source_vocab, target_vocab = panel.vocabularies()
    assert source_vocab == target_vocab == 6 + 26  # special pieces + the copy task's letters
    options = {
        **preset_options("transformer", "tiny"),
        **vocab_options("translation", source_vocab, target_vocab),
    }
    built = build_model("transformer", options)
    assert (
        tiny
        == sum(p.numel() for p in built.parameters())
        == count_parameters("transformer", options)
    )
    assert "parameters" in panel.estimate_label.text()

    panel.set_option("d_model", 64)
    assert panel.size == "custom"
    assert panel.update_estimate() > tiny
    panel.set_option("heads", 3)  # 64 is not divisible by 3
    assert panel.update_estimate() is None
    assert "cannot build" in panel.estimate_label.text()
    assert not view.start()
    assert "cannot start" in view.controls.status.text()
    assert not view.session.active


def test_an_edit_is_counted_off_the_gui_thread_and_shown(qtbot, view, monkeypatch):
    panel = view.model_panel
    counted_on = []

    def count_and_note_the_thread(family, options):
        counted_on.append(threading.current_thread())
        return count_parameters(family, options)

    monkeypatch.setattr(model_panel, "count_parameters", count_and_note_the_thread)
    view.setup_tabs.setCurrentIndex(1)  # the "Model and run" page: the estimate counts on show
    tiny = panel.current_estimate()
    panel.set_option("d_model", 64)
    assert "estimating" in panel.estimate_label.text()
    qtbot.waitUntil(lambda: "parameters" in panel.estimate_label.text(), timeout=WAIT_MS)
    assert panel.estimate > tiny and counted_on[-1] is not threading.main_thread()
    assert f"({panel.estimate:,})" in panel.estimate_label.text()
    panel.set_option("heads", 3)
    qtbot.waitUntil(lambda: "cannot build" in panel.estimate_label.text(), timeout=WAIT_MS)
    assert panel.estimate is None and "multiple of heads (3)" in panel.estimate_label.text()


def test_a_late_background_count_never_overwrites_a_newer_one(qtbot, view, monkeypatch):
    panel = view.model_panel
    view.setup_tabs.setCurrentIndex(1)  # the "Model and run" page
    panel.current_estimate()
    started, release = threading.Event(), threading.Event()

    def slow_for_d_model_64(family, options):
        if options["d_model"] == 64:
            started.set()
            release.wait(WAIT_MS / 1000)  # until a newer count was shown
        return count_parameters(family, options)

    monkeypatch.setattr(model_panel, "count_parameters", slow_for_d_model_64)
    with qtbot.waitSignal(panel._counter.sigDone, timeout=WAIT_MS) as late:
        panel.set_option("d_model", 64)
        qtbot.waitUntil(started.is_set, timeout=WAIT_MS)  # counting d_model 64 in the background
        panel.set_option("d_model", 96)
        newest = panel.current_estimate()  # Start asks now: counted at once, not the 64 one
        source, target = panel.vocabularies()
        options = {**panel.options(), **vocab_options("translation", source, target)}
        assert options["d_model"] == 96 and newest == count_parameters("transformer", options)
        release.set()
    assert late.args[1][0] != newest  # the late count of d_model 64, delivered to the GUI thread
    assert panel.estimate == newest and f"({newest:,})" in panel.estimate_label.text()


def test_family_list_and_probe_follow_the_data_kind(view):
    view.data_panel.use_task("nli")
    families = [
        view.model_panel.family_box.itemData(i) for i in range(view.model_panel.family_box.count())
    ]
    assert families == ["decomposable", "encoder_classifier"]
    assert view.probe.text_label.text() == "premise"
    sample = view.data_panel.probe_pair()
    assert view.probe.text_edit.text() == sample.premise
    assert view.session.probe.probe_input().text == sample.premise
    assert view.session.probe.probe_input().hypothesis == sample.hypothesis
    assert view.settings.name() == "decomposable-nli"
    assert view.data_panel.task_tab.table.cell_texts()[0][2] in (
        "entailment",
        "neutral",
        "contradiction",
    )


@pytest.mark.slow
def test_training_shows_progress_pauses_resumes_stops_and_opens_in_inspect(qtbot, view, home):
    session, curves = view.session, view.session.curves
    view.settings.max_steps.setValue(100_000)  # runs until stopped
    click(qtbot, view.controls.start_button)
    assert session.active
    wait_for_steps(qtbot, view, 12)
    qtbot.waitUntil(lambda: len(curves.eval_steps) >= 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: drawn_points(view.curves.loss_curve) > 0, timeout=WAIT_MS)
    seen = drawn_points(view.curves.loss_curve)
    qtbot.waitUntil(lambda: drawn_points(view.curves.loss_curve) > seen, timeout=WAIT_MS)
    assert view.controls.progress.value() > 0
    assert "tok/s" in view.controls.progress.text() and "ETA" in view.controls.progress.text()
    assert 0 < drawn_points(view.curves.lr_curve) <= len(curves.steps)
    qtbot.waitUntil(lambda: len(session.probe.snapshots) >= 1, timeout=WAIT_MS)
    assert view.probe.heatmap.shown_weights.size > 0  # the probe's cross attention is drawn

    click(qtbot, view.controls.pause_button)
    assert view.controls.pause_button.text() == "Resume"
    assert view.controls.progress.text().endswith("· paused")
    # the step under way when the pause arrived may still come in; after it, no step does
    qtbot.waitSignal(session.sigProgressed, timeout=1000, raising=False).wait()
    paused_at = len(curves.steps)
    with qtbot.waitSignal(
        session.sigProgressed,
        timeout=1500,
        raising=False,
        check_params_cb=lambda: len(curves.steps) > paused_at,
    ) as stepped:
        pass
    assert not stepped.signal_triggered and len(curves.steps) == paused_at

    probe = view.probe  # a probe of one's own, typed while paused: used from the next evaluation
    for edit, text in ((probe.text_edit, "a b"), (probe.second_edit, "")):
        edit.clear()
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)
    typed = session.probe.probe_input()
    assert typed.text == "a b" and typed.gold is None

    click(qtbot, view.controls.pause_button)
    wait_for_steps(qtbot, view, paused_at + 3)
    qtbot.waitUntil(
        lambda: (
            session.probe.snapshots[-1].record.get("cross", 0).key_tokens == ["a", "b", "<eos>"]
        ),
        timeout=WAIT_MS,
    )

    with qtbot.waitSignal(view.sigModelSaved, timeout=WAIT_MS) as saved:
        click(qtbot, view.controls.stop_button)
    qtbot.waitUntil(lambda: not session.active, timeout=WAIT_MS)
    path = saved.args[0]
    assert path == str(user_models_dir() / "transformer-copy")
    assert [(e.name, str(e.path)) for e in list_models() if e.source == "user"] == [
        ("transformer-copy", path)
    ]
    assert "stopped at step" in view.log.toPlainText()
    with qtbot.waitSignal(view.sigOpenModel) as opened:
        click(qtbot, view.controls.inspect_button)
    assert opened.args == [path]
    model = load_model(path)
    # the published model is the run's best checkpoint (lowest validation loss), not its last step
    best = json.loads((session.run_dir / "best" / "config.json").read_text())["step"]
    assert model.checkpoint.meta["step"] == best <= curves.steps[-1]
    assert "cross" in model.translate("a b c").record.kinds()


@pytest.mark.slow
def visible_texts(widget: QtWidgets.QWidget) -> list[str]:
    """The texts of the labels shown in ``widget`` (the empty heatmap's notice among them)."""
    return [
        label.text().lower()
        for label in widget.findChildren(QtWidgets.QLabel)
        if label.isVisibleTo(widget) and label.text()
    ]


def test_before_the_first_evaluation_the_probe_says_what_to_wait_for_once(qtbot, view):
    """The waiting line is the empty heatmap's notice; the snapshot slider, replay button and
    snapshot line appear with the first snapshot (they repeated the notice under an empty map)."""
    probe = view.probe
    waiting = [t for t in visible_texts(probe) if "appears at the first evaluation" in t]
    assert waiting == ["the heatmap appears at the first evaluation"]
    assert not probe.snapshot_row.isVisibleTo(probe)
    train_to_the_end(qtbot, view)
    assert probe.snapshot_row.isVisibleTo(probe) and "snapshot 3 / 3" in probe.snapshot_label.text()
    assert not [t for t in visible_texts(probe) if "appears at the first evaluation" in t]


def test_each_evaluation_adds_a_probe_snapshot_the_slider_replays(qtbot, view):
    train_to_the_end(qtbot, view)
    probe, snapshots = view.probe, view.session.probe.snapshots
    assert [s.step for s in snapshots] == [10, 20, 30]
    assert view.session.curves.eval_steps == [10, 20, 30]
    assert view.controls.progress.value() == view.controls.progress.maximum() == 30
    assert probe.slider.maximum() == 2 and probe.slider.value() == 2
    sample = view.data_panel.probe_pair()
    first = snapshots[0].record.get("cross", 0)
    assert first.key_tokens == [*sample.source.split(), "<eos>"]  # forced on the sample's target

    probe.slider.setValue(0)
    np.testing.assert_allclose(probe.heatmap.shown_weights, first.weights.mean(axis=0))
    assert "step 10" in probe.snapshot_label.text()
    latest = snapshots[-1].record.get("cross", 0).weights.mean(axis=0)
    assert not np.allclose(first.weights.mean(axis=0), latest)  # the attention moved
    assert "finished at step 30" in view.log.toPlainText()
    assert view.controls.inspect_button.isEnabled()

    probe.slider.setValue(2)
    click(qtbot, probe.replay_button)  # from the first snapshot, one after another
    assert probe.slider.value() == 0 and "snapshot 1 / 3" in probe.snapshot_label.text()
    qtbot.waitUntil(lambda: probe.slider.value() == 2, timeout=WAIT_MS)
    assert "snapshot 3 / 3" in probe.snapshot_label.text()


@pytest.mark.slow
def test_closing_during_training_stops_it_and_leaves_a_loadable_checkpoint(
    qtbot, view, home, monkeypatch
):
    answers = [QtWidgets.QMessageBox.StandardButton.No, QtWidgets.QMessageBox.StandardButton.Yes]
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2])
        return answers[len(asked) - 1]

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)
    view.settings.max_steps.setValue(100_000)
    click(qtbot, view.controls.start_button)
    wait_for_steps(qtbot, view, 5)

    session = view.session
    assert not view.close_requested()  # "No": keep training
    assert session.active
    assert view.close_requested()  # "Yes": stop, checkpoint first
    assert "checkpointed" in asked[0]
    assert not session.active
    saved = user_models_dir() / "transformer-copy"
    assert session.saved_path == str(saved)
    assert load_model(saved).checkpoint.meta["step"] >= 5
    assert load_model(session.run_dir).checkpoint.meta["step"] >= 5
    leftovers = [
        p.name
        for p in (*saved.parent.iterdir(), *session.run_dir.iterdir())
        if p.name.startswith(".")
    ]
    assert leftovers == []
    assert not (saved / "trainer_state.json").exists()  # the run dir keeps what resuming needs
    assert (session.run_dir / "model" / "trainer_state.json").is_file()


def test_dark_theme_recolours_curves_and_probe(view):
    view.set_display(Display(theme="dark"))
    assert view.curves.theme == view.probe.heatmap.theme == "dark"
    background = view.curves.graphics.backgroundBrush().color().name()
    assert background == palette_for("dark").background
    assert view.session.display.theme == "dark"


def test_the_probes_display_choices_go_to_the_owner_and_come_back(qtbot, view):
    boxes = view.probe.heatmap.display_boxes.boxes
    with qtbot.waitSignal(view.sigDisplayChosen) as chosen:
        boxes["colormap"].setCurrentText("magma")  # as the user picks it
    assert chosen.args == ["colormap", "magma"]
    view.set_display(Display(scale="log"))  # the window's Session answers with its display
    assert boxes["scale"].currentText() == "log"
    assert view.session.display.scale == "log"


def test_probe_follows_the_data_until_the_user_types_one(qtbot, view):
    probe = view.probe
    view.data_panel.use_task("reverse")
    reverse = view.data_panel.probe_pair()
    assert (probe.text_edit.text(), probe.second_edit.text()) == (reverse.source, reverse.target)
    assert view.session.probe.probe_input().gold == reverse.alignment

    probe.text_edit.clear()
    qtbot.keyClicks(probe.text_edit, "x y z")
    qtbot.keyClick(probe.text_edit, QtCore.Qt.Key.Key_Return)
    view.data_panel.use_task("dates")
    assert probe.text_edit.text() == "x y z" and view.session.probe.probe_input().gold is None

    qtbot.mouseClick(probe.sample_button, QtCore.Qt.MouseButton.LeftButton)
    assert probe.text_edit.text() == view.data_panel.probe_pair().source
