"""One change, one redraw: each change a user makes (scale, colour map, normalisation, gold, layer,
head, step, token) redraws every view on screen exactly once, and no view off screen."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    build_deep_transformer,
    open_and_wait,
    window,
)
from PySide6 import QtCore

from app.state.selection import TokenRef

PAGES = ("heatmap", "heads", "lines", "steps", "beam")
ALT, NONE = QtCore.Qt.KeyboardModifier.AltModifier, QtCore.Qt.KeyboardModifier.NoModifier


class PaintCounter(QtCore.QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.paints += event.type() == QtCore.QEvent.Type.Paint
        return False


@pytest.fixture
def deep_window(qtbot, window, app_env):
    """The window on a 2 + 2 layer Transformer showing its first sample (it has a gold
    alignment, so the gold box is on)."""
    open_and_wait(qtbot, window, build_deep_transformer(app_env.home))
    samples = window.model_panel.samples
    rect = samples.visualItemRect(samples.item(0))
    qtbot.mouseClick(samples.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.session.result_is_current, timeout=WAIT_MS)
    assert window.session.record.gold_alignment is not None
    return window


def count_redraws(monkeypatch, views) -> dict[str, int]:
    """Count each view's redraws (``_show``, what ``set_state`` draws with) by page name."""
    counts = dict.fromkeys(views, 0)
    for name, view in views.items():

        def counted(name=name, draw=view._show) -> None:
            counts[name] += 1
            draw()

        monkeypatch.setattr(view, "_show", counted)
    return counts


def press(qtbot, window, key, modifier) -> None:
    window.activateWindow()
    window.views.setFocus()
    qtbot.keyClick(window.views, key, modifier)


def changes(qtbot, window, page):
    """(what, the user's action) for every kind of change: the heatmap's own boxes where it is on
    show, the View menu elsewhere (the heatmap's boxes are not on screen there)."""
    session, actions = window.session, window.menu_actions
    heatmap = window.views.heatmap
    boxes = heatmap.display_boxes.boxes

    def display(name, value):
        if page == "heatmap" and name in boxes:
            return lambda: boxes[name].setCurrentText(value)
        return lambda: actions.display[(name, value)].trigger()

    return [
        ("scale", display("scale", "log")),
        ("colour map", display("colormap", "magma")),
        ("normalisation", display("normalisation", "row")),
        (
            "gold",
            (lambda: heatmap.display_boxes.gold_box.click())
            if page == "heatmap"
            else (lambda: session.choose_display("gold", False)),
        ),
        ("layer", lambda: press(qtbot, window, QtCore.Qt.Key.Key_Up, ALT)),
        ("head", lambda: press(qtbot, window, QtCore.Qt.Key.Key_Right, ALT)),
        ("step", lambda: press(qtbot, window, QtCore.Qt.Key.Key_PageDown, NONE)),
        (
            "token",
            lambda: qtbot.mouseClick(
                window.translate_panel.source_chips.chips[1], QtCore.Qt.MouseButton.LeftButton
            ),
        ),
    ]


@pytest.mark.parametrize("page", PAGES)
def test_every_change_redraws_the_view_on_show_once_and_no_other(
    qtbot, monkeypatch, deep_window, page
):
    views, session = deep_window.views, deep_window.session
    views.show_page(page)
    qtbot.wait(100)
    pages = {name: views.pages[name] for name in PAGES}
    pages.update(compare_left=views.compare.main_heatmap, compare_right=views.compare.other_heatmap)
    counts = count_redraws(monkeypatch, pages)
    paints = PaintCounter(views.heatmap.graphics.viewport())
    before = (session.display, session.selection)
    for what, change in changes(qtbot, deep_window, page):
        counts.update(dict.fromkeys(counts, 0))
        paints.paints = 0
        state = (session.display, session.selection)
        change()
        qtbot.wait(50)  # let the paints happen
        assert (session.display, session.selection) != state, f"the {what} did not change"
        expected = {name: int(name == page) for name in counts}
        assert counts == expected, f"a change of {what} redrew {counts}"
        if page == "heatmap":
            assert paints.paints == 1, f"a change of {what}: {paints.paints} heatmap paints"
    display, selection = session.display, session.selection
    assert (display.scale, display.colormap, display.normalisation) == ("log", "magma", "row")
    assert display.gold is False and before[1].layer == 1 and selection.layer == 0
    assert selection.token == TokenRef("source", 1) and selection.step == 0


@pytest.mark.parametrize("page", PAGES)
def test_a_new_result_redraws_the_view_on_show_once(qtbot, monkeypatch, deep_window, page):
    views, session = deep_window.views, deep_window.session
    views.show_page(page)
    qtbot.wait(100)
    counts = count_redraws(monkeypatch, {name: views.pages[name] for name in PAGES})
    record, box = session.record, deep_window.translate_panel.source_box
    box.setPlainText(box.toPlainText() + " a")  # one edit (a paste): one decode
    qtbot.waitUntil(
        lambda: session.result_is_current and session.record is not record, timeout=WAIT_MS
    )
    qtbot.wait(50)
    assert counts == {name: int(name == page) for name in PAGES}


def test_a_beam_node_click_redraws_the_beam_tree_once(qtbot, monkeypatch, deep_window):
    views, session = deep_window.views, deep_window.session
    deep_window.translate_panel.beam_box.setValue(3)
    qtbot.waitUntil(lambda: getattr(session.result, "beam", None) is not None, timeout=WAIT_MS)
    views.show_page("beam")
    qtbot.wait(100)
    counts = count_redraws(monkeypatch, {name: views.pages[name] for name in PAGES})
    beam = views.beam
    qtbot.mouseClick(
        beam.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=beam.node_center(1, 1)
    )
    assert session.beam_node == (1, 1) and session.selection.step == 1
    assert counts == {name: int(name == "beam") for name in PAGES}
