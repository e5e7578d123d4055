"""The main window driven like a user would: type, wait for the heatmap, pick maps, click tokens in
the chips and in the heatmap, step through decoding, search with a beam, switch to NLI, compare."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    compare_with,
    open_and_wait,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore, QtGui, QtWidgets
from tiny_training import tiny_checkpoint

from app.state.selection import MEAN, TokenRef
from app.train import model_panel
from app.train.presets import count_parameters

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def translating(qtbot, window, app_env):
    """The window on the tiny copy Transformer with "a b c d" typed in."""
    open_and_wait(qtbot, window, app_env.transformer)
    type_over(qtbot, window.translate_panel.source_box, "a b c d")
    wait_for_source(qtbot, window.session, ["a", "b", "c", "d"])
    return window


def choose(box, data) -> None:
    """Pick the item of a combo box whose data is ``data``, as a user's click does."""
    index = box.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    box.setCurrentIndex(index)
    box.activated.emit(index)


def press(qtbot, main_window, key, modifier) -> None:
    """A key press with the views focused (shortcuts are the window's)."""
    main_window.activateWindow()
    main_window.views.setFocus()
    qtbot.keyClick(main_window.views, key, modifier)


def test_typed_sentence_shows_in_the_heatmap(qtbot, translating):
    heatmap, session = translating.views.heatmap, translating.session
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == ["a", "b", "c", "d", "<eos>"])
    assert heatmap.query_axis.tokens == session.result.output_pieces
    cross = session.record.get("cross", 0).weights.mean(axis=0)
    np.testing.assert_allclose(heatmap.shown_weights, cross)
    assert translating.translate_panel.output_text.text() == session.result.output_text
    assert [
        c.text().split("\n")[0] for c in translating.translate_panel.source_chips.chips[:5]
    ] == [
        "a",
        "b",
        "c",
        "d",
        "<eos>",
    ]
    assert translating.statusBar().currentMessage().startswith("translated in")


class EventCounter(QtCore.QObject):
    """Counts the paint and resize events a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = self.resizes = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.paints += event.type() == QtCore.QEvent.Type.Paint
        self.resizes += event.type() == QtCore.QEvent.Type.Resize
        return False


def test_typing_repaints_the_heatmap_once_per_result_and_never_resizes_it(qtbot, translating):
    session, heatmap = translating.session, translating.views.heatmap
    box = translating.translate_panel.source_box
    qtbot.wait(200)  # the first result's layout settles
    counter = EventCounter(heatmap.graphics.viewport())
    for text in (" zebra", " e"):  # an unknown word brings notices and marked chips
        counter.paints = 0
        qtbot.keyClicks(box, text)
        qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
        qtbot.wait(200)
        assert counter.paints == 1, f"{counter.paints} heatmap paints for one result"
    assert translating.translate_panel.notice.notices()  # "zebra" is unknown: a notice shows
    assert counter.resizes == 0


def test_kind_layer_and_head_follow_the_heatmap_controls_and_the_shortcuts(qtbot, translating):
    heatmap, session = translating.views.heatmap, translating.session
    choose(heatmap.controls.kind_box, "encoder_self")
    assert session.selection.kind == "encoder_self"
    assert heatmap.query_axis.tokens == heatmap.key_axis.tokens == ["a", "b", "c", "d", "<eos>"]
    choose(heatmap.controls.head_box, 1)
    encoder = session.record.get("encoder_self", 0).weights
    np.testing.assert_allclose(heatmap.shown_weights, encoder[1])
    press(qtbot, translating, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.AltModifier)
    assert session.selection.head == MEAN
    assert heatmap.controls.head_box.currentData() == MEAN
    press(qtbot, translating, QtCore.Qt.Key.Key_Left, QtCore.Qt.KeyboardModifier.AltModifier)
    assert session.selection.head == 1
    press(qtbot, translating, QtCore.Qt.Key.Key_Down, QtCore.Qt.KeyboardModifier.AltModifier)
    assert session.selection.layer == 0  # one layer: stays
    assert "encoder self · layer 0 · head 1" in heatmap.title.text()


def test_clicking_an_output_chip_selects_the_token_in_every_view(qtbot, translating):
    session, views = translating.session, translating.views
    chip = translating.translate_panel.output_chips.chips[1]
    qtbot.mouseClick(chip, LEFT)
    assert session.selection.token == TokenRef("target", 1)
    assert views.heatmap.selected_cells() == ([1], [])
    views.show_page("lines")
    assert views.lines.focus() == ("query", 1)
    views.show_page("steps")
    assert views.steps.step == 1 and views.steps.slider.value() == 1
    source_chips = translating.translate_panel.source_chips
    qtbot.mouseClick(source_chips.chips[2], LEFT)
    assert session.selection.token == TokenRef("source", 2)
    assert chip.isChecked() is False and source_chips.selected() == 2
    views.show_page("heatmap")
    assert views.heatmap.selected_cells() == ([], [2])


def test_clicking_a_heatmap_cell_and_an_axis_token_selects_them(qtbot, translating):
    heatmap, session = translating.views.heatmap, translating.session
    viewport = heatmap.graphics.viewport()
    cell = heatmap.plot.vb.mapViewToScene(QtCore.QPointF(0, 2))  # row 2, column 0
    qtbot.mouseClick(viewport, LEFT, pos=heatmap.graphics.mapFromScene(cell))
    assert session.selection.token == TokenRef("target", 2)
    assert translating.translate_panel.output_chips.selected() == 2
    axis = heatmap.key_axis
    label = axis.mapToScene(QtCore.QPointF(axis.position_of(3), axis.size().height() - 12))
    qtbot.mouseClick(viewport, LEFT, pos=heatmap.graphics.mapFromScene(label))
    assert session.selection.token == TokenRef("source", 3)
    assert heatmap.selected_cells() == ([], [3])


def test_stepping_through_decoding_moves_the_selected_row(qtbot, translating):
    views, session = translating.views, translating.session
    views.show_page("steps")
    views.steps.slider.setValue(2)  # what dragging the slider does
    assert session.selection.step == 2 and session.selection.token == TokenRef("target", 2)
    cross = session.record.get("cross", 0).weights.mean(axis=0)
    np.testing.assert_allclose(views.steps.attention_row, cross[2])
    press(qtbot, translating, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert session.selection.step == 3 and views.steps.slider.value() == 3
    views.steps.slider.setValue(0)
    qtbot.mouseClick(views.steps.play_button, LEFT)
    qtbot.waitUntil(lambda: session.selection.step == 1, timeout=WAIT_MS)
    qtbot.mouseClick(views.steps.play_button, LEFT)  # pause
    views.show_page("heatmap")
    assert views.heatmap.selected_cells()[0] == [session.selection.step]


def test_page_keys_step_through_decoding_while_the_cursor_is_in_the_source_box(qtbot, translating):
    session, box = translating.session, translating.translate_panel.source_box
    translating.activateWindow()
    box.setFocus()
    qtbot.keyClick(box, QtCore.Qt.Key.Key_PageDown)
    qtbot.keyClick(box, QtCore.Qt.Key.Key_PageDown)
    assert session.selection.step == 1 and session.selection.token == TokenRef("target", 1)
    qtbot.keyClick(box, QtCore.Qt.Key.Key_PageUp)
    assert session.selection.step == 0
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.AltModifier)
    assert session.selection.head == 0  # Alt+arrows (heads) work in the box too
    cursor = box.textCursor().position()
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Left, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert box.textCursor().position() < cursor  # Ctrl+← stays the box's: a word back
    assert session.selection.step == 0
    assert box.toPlainText() == "a b c d"
    assert "PgUp/PgDn" in translating.translate_panel.notice.full_text()


def test_help_lists_every_shortcut_of_the_window(qtbot, window):
    with_shortcuts = [a for a in window.findChildren(QtGui.QAction) if a.shortcuts()]
    assert len(with_shortcuts) >= 10
    qtbot.keyClick(window, QtCore.Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.text.text()
    for action in with_shortcuts:
        assert action.text().replace("&", "").rstrip("…") in text
        for key in action.shortcuts():
            assert key.toString(QtGui.QKeySequence.SequenceFormat.NativeText) in text
    assert "PgDown" in text and "Ctrl+Right" in text


@pytest.fixture
def parameter_counts(monkeypatch):
    """Every parameter count the Train tab makes, from before the window is built."""
    counted: list[str] = []

    def count_and_record(family, options):
        counted.append(family)
        return count_parameters(family, options)

    monkeypatch.setattr(model_panel, "count_parameters", count_and_record)
    return counted


def test_the_train_tab_counts_its_model_only_once_it_is_shown(
    qtbot, parameter_counts, window, app_env
):
    open_and_wait(qtbot, window, app_env.transformer)
    qtbot.wait(200)
    assert parameter_counts == []  # nothing counted behind the Inspect tab
    estimate_label = window.train_view.model_panel.estimate_label
    window.modes.setCurrentWidget(window.train_view)
    qtbot.wait(200)
    assert parameter_counts == []  # nor behind the Train tab's Data page
    window.train_view.setup_tabs.setCurrentIndex(1)  # the "Model and run" page
    qtbot.waitUntil(lambda: "parameters" in estimate_label.text(), timeout=WAIT_MS)
    assert parameter_counts == ["transformer"] and window.train_view.model_panel.estimate > 0


def test_the_beam_tree_offers_a_search_only_where_one_would_run(qtbot, translating):
    session, views = translating.session, translating.views
    views.show_page("beam")
    assert views.beam.search_button.isVisible()  # greedy decoding
    qtbot.keyClicks(translating.translate_panel.reference_box, "a b")
    qtbot.waitUntil(lambda: "reference forces" in views.beam.title.text(), timeout=WAIT_MS)
    assert session.inputs.reference == "a b" and not views.beam.search_button.isVisible()


def test_about_shows_the_version_and_what_the_app_does(qtbot, window, monkeypatch):
    from app.help import DESCRIPTION
    from core_models import __version__

    shown = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "about", lambda parent, title, text: shown.append(text)
    )
    window.menu_actions.about.trigger()
    assert f"Attention Workbench {__version__}" in shown[0]
    assert DESCRIPTION.split(",")[0] in shown[0] and "PySide6" in shown[0]


def test_beam_search_tree_node_click_shows_the_partial_hypothesis(qtbot, translating):
    session, views = translating.session, translating.views
    translating.translate_panel.beam_box.setValue(3)
    qtbot.waitUntil(lambda: getattr(session.result, "beam", None) is not None, timeout=WAIT_MS)
    views.show_page("beam")
    beam = views.beam
    assert len(beam.node_rects) == sum(len(nodes) for nodes in session.beam_tree)
    step, index = 1, len(session.beam_tree[1]) - 1
    qtbot.mouseClick(beam.canvas.viewport(), LEFT, pos=beam.node_center(step, index))
    assert session.beam_node == (step, index)
    assert len(session.record.steps) == step + 1 and session.selection.step == step
    views.show_page("heatmap")
    partial = session.model.partial_record(session.result, step, index)
    assert views.heatmap.query_axis.tokens == partial.get("cross", 0).query_tokens


def test_the_empty_beam_tree_offers_a_beam_search_and_runs_it(qtbot, translating):
    session, views = translating.session, translating.views
    views.show_page("beam")
    button = views.beam.search_button
    assert session.options.beam == 1 and button.isVisible()
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: getattr(session.result, "beam", None) is not None, timeout=WAIT_MS)
    assert session.options.beam == translating.translate_panel.beam_box.value() == 4
    assert views.beam.node_rects and not button.isVisible()


def test_heads_grid_click_opens_that_head_in_the_heatmap(qtbot, translating):
    views, session = translating.views, translating.session
    views.show_page("heads")
    grid = views.heads
    assert len(grid.thumbnails) == 2  # one cross layer × two heads
    target = next(t for t in grid.thumbnails if t.head == 1)
    qtbot.mouseClick(grid, LEFT, pos=target.rect.center().toPoint())
    assert session.selection.head == 1
    assert views.current_page() == "heatmap"
    np.testing.assert_allclose(
        views.heatmap.shown_weights, session.record.get("cross", 0).weights[1]
    )


def test_a_sample_fills_the_source_and_brings_its_gold_alignment(qtbot, translating):
    samples = translating.model_panel.samples
    item = samples.item(1)
    rect = samples.visualItemRect(item)
    qtbot.mouseClick(samples.viewport(), LEFT, pos=rect.center())
    source = item.data(QtCore.Qt.ItemDataRole.UserRole).source
    assert translating.translate_panel.source_box.toPlainText() == source
    session = translating.session
    wait_for_source(qtbot, session, source.split())
    assert session.record.gold_alignment is not None
    assert "AER" in translating.views.heatmap.title.text()


def test_view_menu_options_reach_the_views(qtbot, translating):
    actions, views = translating.menu_actions, translating.views
    actions.display[("theme", "dark")].trigger()
    assert views.heatmap.theme == "dark"
    window_role = QtGui.QPalette.ColorRole.Window
    assert translating.palette().color(window_role).name() == "#1e1f22"
    assert views.heatmap.palette() == translating.palette()  # one palette, shared
    # the chip rows show the dark window behind them, not the light grey a scroll area fills
    # itself with (seen on screen captures, issue 15)
    chips = translating.translate_panel.source_chips
    QtWidgets.QApplication.processEvents()
    beside = chips.chips[0].mapTo(translating, chips.chips[0].rect().center())
    beside.setX(chips.mapTo(translating, chips.rect().topRight()).x() - 5)
    image = translating.grab().toImage()
    assert image.pixelColor(beside).name() == "#1e1f22"
    actions.display[("colormap", "greys")].trigger()
    boxes = views.heatmap.display_boxes.boxes
    assert boxes["colormap"].currentText() == "greys"
    boxes["scale"].setCurrentText("log")  # the heatmap's own box tells the Session
    assert translating.session.display.scale == "log"
    assert actions.display[("scale", "log")].isChecked()
    actions.display[("units", "words")].trigger()
    assert translating.session.display.units == "words"
    views.show_page("heads")
    assert views.heads.theme == "dark"


def test_nli_model_classifies_a_typed_pair(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    picker = window.model_panel.picker
    index = next(i for i in range(picker.count()) if "tiny-nli" in picker.itemText(i))
    picker.setCurrentIndex(index)
    picker.activated.emit(index)
    qtbot.waitUntil(lambda: window.session.task_kind == "nli", timeout=WAIT_MS)
    panel, session, views = window.nli_panel, window.session, window.views
    assert panel.isVisible() and not window.translate_panel.isVisible()
    assert not views.isTabVisible(views.indexOf(views.steps))
    sample = session.samples(1)[0]  # the translation input did not suit it: its sample shows
    assert panel.premise_box.toPlainText() == sample.premise
    assert panel.hypothesis_box.toPlainText() == sample.hypothesis
    type_over(qtbot, panel.premise_box, "the dog is sleeping")
    type_over(qtbot, panel.hypothesis_box, "the animal is sleeping")
    qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
    tokenizer = session.model.tokenizer
    pieces = [tokenizer.id_to_piece(i) for i in tokenizer.encode("the animal is sleeping")]
    assert session.result.hypothesis_pieces == pieces
    assert panel.bars.predicted == session.result.label
    assert panel.bars.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert views.heatmap.query_axis.tokens == session.result.premise_pieces
    qtbot.mouseClick(panel.chips[1].chips[1], LEFT)  # hypothesis "animal"
    assert session.selection.token == TokenRef("hypothesis", 1)
    assert views.heatmap.selected_cells() == ([], [1])


def test_an_nli_sample_shows_its_gold_cells_and_aer_both_ways(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.nli)
    samples, session, heatmap = window.model_panel.samples, window.session, window.views.heatmap
    item = samples.item(0)
    qtbot.mouseClick(samples.viewport(), LEFT, pos=samples.visualItemRect(item).center())
    pair = item.data(QtCore.Qt.ItemDataRole.UserRole)
    assert pair.alignment, "the first NLI sample should have gold links"
    qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
    assert session.selection.kind == "premise_to_hypothesis" and "AER" in heatmap.title.text()
    outline = heatmap.gold_outline.path()
    for premise_word, hypothesis_word in pair.alignment:  # premise rows, hypothesis columns
        assert outline.contains(QtCore.QPointF(hypothesis_word, premise_word))
    session.select_kind("hypothesis_to_premise")
    outline = heatmap.gold_outline.path()
    for premise_word, hypothesis_word in pair.alignment:
        assert outline.contains(QtCore.QPointF(premise_word, hypothesis_word))
    assert "AER" in heatmap.title.text()


def test_compare_runs_a_second_model_on_the_same_input(qtbot, translating):
    views = translating.views
    compare = compare_with(views, "bahdanau")
    other = compare.other
    qtbot.waitUntil(lambda: other.result is not None, timeout=WAIT_MS)
    assert other.model.family == "bahdanau" and other.inputs == translating.session.inputs
    assert compare.other_heatmap.key_axis.tokens == ["a", "b", "c", "d", "<eos>"]
    assert compare.main_heatmap.key_axis.tokens == ["a", "b", "c", "d", "<eos>"]
    qtbot.keyClicks(translating.translate_panel.source_box, " e")
    wait_for_source(qtbot, other, ["a", "b", "c", "d", "e"])
    assert "bahdanau" in compare.other_title.text()
    assert views.current_view() is compare.other_heatmap


def test_compare_with_the_same_model_shows_every_head_on_beside_the_ablated(qtbot, translating):
    session = translating.session
    before = session.result.record
    with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
        session.toggle_head("encoder_self", 0, 0)
    compare = compare_with(translating.views, "transformer")
    other = compare.other
    qtbot.waitUntil(lambda: other.result is not None, timeout=WAIT_MS)
    assert other.model.name == session.model.name and not other.heads_off
    for kind in ("encoder_self", "cross"):  # every head on: the maps from before the switch
        for layer in before.layers(kind):
            shown, unablated = other.record.get(kind, layer), before.get(kind, layer)
            np.testing.assert_allclose(shown.weights, unablated.weights, atol=1e-6)
    first_row = session.record.get("cross", 0).weights[
        :, 0
    ]  # the first step's (the outputs differ)
    assert not np.allclose(first_row, other.record.get("cross", 0).weights[:, 0], atol=1e-4)
    assert "heads off: encoder self L0 H0" in compare.main_title.text()
    assert "heads off" not in compare.other_title.text()
    with qtbot.waitSignal(session.sigResultChanged, timeout=WAIT_MS):
        session.toggle_head("encoder_self", 0, 0)  # on again
    assert "heads off" not in compare.main_title.text()


def test_the_compared_model_shows_the_gold_alignment_of_the_sample_on_show(qtbot, translating):
    samples = translating.model_panel.samples
    item = samples.item(0)
    qtbot.mouseClick(samples.viewport(), LEFT, pos=samples.visualItemRect(item).center())
    views = translating.views
    # the second model loads after the sample was chosen
    compare = compare_with(views, "bahdanau")
    other = compare.other
    qtbot.waitUntil(lambda: other.model is not None and other.result_is_current, timeout=WAIT_MS)
    assert other.inputs.source == item.data(QtCore.Qt.ItemDataRole.UserRole).source
    assert other.record.gold_alignment is not None
    assert "AER" in compare.other_heatmap.title.text()


def test_a_model_trained_in_the_train_tab_appears_in_the_picker_and_opens_for_inspection(
    qtbot, window, app_env, tmp_path
):
    from app_fixtures import copy_checkpoint

    from core_models.inference import user_models_dir

    assert [window.modes.tabText(i) for i in range(window.modes.count())] == ["Inspect", "Train"]
    window.modes.setCurrentWidget(window.train_view)
    trained = copy_checkpoint(app_env.transformer, user_models_dir() / "just-trained")
    window.train_view.sigModelSaved.emit(str(trained))
    picker = window.model_panel.picker
    assert "just-trained" in [picker.itemText(i).split()[0] for i in range(picker.count())]
    window.train_view.sigOpenModel.emit(str(trained))
    qtbot.waitUntil(
        lambda: window.session.model is not None and window.session.model_name == "just-trained",
        timeout=WAIT_MS,
    )
    assert window.modes.currentIndex() == 0


def test_closing_while_training_can_be_refused(qtbot, window, monkeypatch):
    monkeypatch.setattr(window.train_view, "close_requested", lambda: False)
    window.close()
    assert window.isVisible()
    monkeypatch.setattr(window.train_view, "close_requested", lambda: True)
    window.close()
    assert not window.isVisible()


def test_display_choices_in_inspect_reach_compare_and_the_train_probe(qtbot, translating):
    views, session = translating.views, translating.session
    boxes = views.heatmap.display_boxes
    boxes.boxes["colormap"].setCurrentText("magma")
    views.show_page("compare")
    compare = views.compare
    assert compare.main_heatmap.display.colormap == "magma"
    assert compare.other.display == session.display  # the second model draws the same way
    compare.other_heatmap.display_boxes.boxes["scale"].setCurrentText("log")  # hidden there,
    assert session.display.scale == "log"  # but a choice made on either side is the Session's
    assert compare.other_heatmap.display.scale == compare.main_heatmap.display.scale == "log"
    probe = translating.train_view.probe.heatmap
    assert probe.display == session.display
    probe.display_boxes.boxes["normalisation"].setCurrentText("row")  # the probe's own box
    assert session.display.normalisation == probe.display.normalisation == "row"


def test_in_word_units_the_steps_view_steps_through_words(qtbot, window, tmp_path):
    """A char model forced to write "xy z": in word units each step is a word, and its row is
    the word's row of the merged cross map."""
    path = tiny_checkpoint(tmp_path / "char-model", kind="char")
    open_and_wait(qtbot, window, path)
    session, views = window.session, window.views
    session.set_reference("xy z")
    session.set_source("ab c")
    qtbot.waitUntil(lambda: session.result is not None and session.result.forced, timeout=WAIT_MS)
    assert session.result.output_pieces == ["x", "y", "▁", "z", "<eos>"]
    session.choose_display("units", "words")
    views.show_page("steps")
    views.steps.slider.setValue(1)
    cross = session.record.get("cross", 0)
    assert cross.query_tokens == ["xy", "z", "<eos>"]
    assert views.steps.step_count() == 3 and session.selection.step == 1
    np.testing.assert_allclose(views.steps.attention_row, cross.weights.mean(axis=0)[1])
    assert "chose 'z'" in views.steps.step_label.text()
