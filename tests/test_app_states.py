"""The window's states: every view empty with one line saying what to do, reset completely when the
model changes; each tab owns its status messages; the Train tab reads fully at 1280 × 800."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    open_and_wait,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore, QtWidgets

PAGES = ("heatmap", "heads", "lines", "steps", "beam")


def clear_source(qtbot, window) -> None:
    box = window.translate_panel.source_box
    box.selectAll()
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Delete)


def test_every_view_says_what_to_do_when_the_input_is_empty(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    clear_source(qtbot, window)
    for page in PAGES:
        window.views.show_page(page)
        view = window.views.pages[page]
        assert view.empty_notice.isVisible(), page
        assert view.empty_notice.geometry() == view.rect(), page
        assert view.empty_notice.text() == "Type a sentence to translate: its attention shows here"
    assert window.statusBar().currentMessage() == "type a sentence to translate"
    type_over(qtbot, window.translate_panel.source_box, "a b")
    wait_for_source(qtbot, window.session, ["a", "b"])
    assert not window.views.beam.empty_notice.isVisible()


def test_a_translation_model_after_an_nli_one_shows_nothing_of_it(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.nli)
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    heatmap = window.views.heatmap
    assert heatmap.key_axis.labelText.startswith("hypothesis")
    open_and_wait(qtbot, window, app_env.transformer)
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    clear_source(qtbot, window)
    assert heatmap.empty_notice.isVisible()  # no "hypothesis (keys)", no NLI layer, no scale
    type_over(qtbot, window.translate_panel.source_box, "a b c")
    wait_for_source(qtbot, window.session, ["a", "b", "c"])
    assert not heatmap.empty_notice.isVisible()
    assert heatmap.key_axis.labelText == "source (keys)"
    layers = [
        heatmap.controls.layer_box.itemText(i) for i in range(heatmap.controls.layer_box.count())
    ]
    assert layers == ["0"]  # the tiny Transformer's one layer


def test_the_compare_page_asks_for_a_second_model(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    window.views.show_page("compare")
    other = window.views.compare.other_heatmap
    qtbot.waitUntil(other.empty_notice.isVisible, timeout=WAIT_MS)
    assert other.empty_notice.text().startswith("Choose a second model above")


def test_each_tab_owns_its_status_messages(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    inspect_message = window.statusBar().currentMessage()
    assert inspect_message.startswith("translated in")
    window.modes.setCurrentWidget(window.train_view)
    assert window.statusBar().currentMessage() == ""
    type_over(qtbot, window.translate_panel.source_box, "a b c")  # Inspect decodes meanwhile
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == ""
    assert not window.busy_label.isVisible()
    window.modes.setCurrentIndex(0)
    assert window.statusBar().currentMessage().startswith("translated in")


def test_the_train_tab_reads_fully_at_1280_by_800(qtbot, window, app_env):
    window.resize(1280, 800)
    window.modes.setCurrentWidget(window.train_view)
    view = window.train_view
    for index in range(view.setup_tabs.count()):
        view.setup_tabs.setCurrentIndex(index)
        qtbot.wait(50)
        scroll = view.setup_area.currentWidget()
        assert isinstance(scroll, QtWidgets.QScrollArea)
        assert scroll.verticalScrollBar().maximum() == 0, view.setup_tabs.tabText(index)
        page = scroll.widget()  # and no row is cut on the right
        assert scroll.viewport().width() >= page.width(), view.setup_tabs.tabText(index)
    hint = view.probe.heatmap.hover_label
    assert hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.width()
