"""Bad input in the window never crashes or freezes it: empty text, text over the model's limit,
words the model never saw, a model that fails on an input. (Broken checkpoints: test_app_files.)"""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from app_fixtures import (
    MAX_SOURCE,
    WAIT_MS,
    app_env,
    app_models,
    open_and_wait,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore


@pytest.fixture
def translating(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    type_over(qtbot, window.translate_panel.source_box, "a b")
    wait_for_source(qtbot, window.session, ["a", "b"])
    return window


def clear_box(qtbot, box) -> None:
    box.selectAll()
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Delete)


def test_emptying_the_source_clears_the_views_and_shows_a_hint(qtbot, translating):
    panel, views = translating.translate_panel, translating.views
    clear_box(qtbot, panel.source_box)
    assert translating.session.result is None
    assert views.heatmap.shown_weights.size == 0
    assert views.heatmap.title.text() == "no attention record"
    assert panel.notice.notices() == ["Type a sentence to translate"]
    assert not panel.output_chips.isVisible() and not panel.output_text.isVisible()
    qtbot.keyClicks(panel.source_box, "c")
    wait_for_source(qtbot, translating.session, ["c"])
    assert panel.notice.notices() == []


def test_text_longer_than_the_limit_is_cut_with_a_visible_notice(qtbot, translating):
    panel, session = translating.translate_panel, translating.session
    letters = " ".join("abcdefghijklmnopqrstuvwxyz")  # 26 words; the limit is MAX_SOURCE tokens
    panel.source_box.setPlainText(letters)  # a paste
    kept = letters.split()[: MAX_SOURCE - 1]
    wait_for_source(qtbot, session, kept)
    assert session.result.truncated
    assert panel.notice.isVisible() and "Truncated" in panel.notice.notices()[0]
    assert f"limit of {MAX_SOURCE} tokens" in panel.notice.text()
    assert translating.views.heatmap.key_axis.tokens == [*kept, "<eos>"]
    assert "cut to the model's limit" in translating.statusBar().currentMessage()


def test_words_the_model_never_saw_are_marked(qtbot, translating):
    panel, session = translating.translate_panel, translating.session
    panel.source_box.setPlainText("a ☃ zebra b")
    qtbot.waitUntil(lambda: session.result_is_current, timeout=WAIT_MS)
    assert session.result.unknown_words == ["☃", "zebra"]
    chips = panel.source_chips
    marked = [chip.property("unknown") for chip in chips.chips[: len(chips.tokens)]]
    assert marked == [False, True, True, False, False]  # a, <unk>, <unk>, b, <eos>
    assert "2 unknown word(s), never seen in training (marked): ☃, zebra" in panel.notice.text()
    assert "· 2 unknown word(s)" in translating.statusBar().currentMessage()  # the same count
    underlined = [s.cursor.selectedText() for s in panel.source_box.extraSelections()]
    assert underlined == ["☃", "zebra"]


def test_a_decode_that_fails_is_a_message_not_a_crash(qtbot, translating, monkeypatch):
    session = translating.session

    def broken(text, **options):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(session.model, "translate", broken)
    qtbot.keyClicks(translating.translate_panel.source_box, " c")
    qtbot.waitUntil(lambda: session.result is None, timeout=WAIT_MS)
    assert "RuntimeError: out of memory" in translating.translate_panel.notice.text()
    monkeypatch.undo()
    qtbot.keyClicks(translating.translate_panel.source_box, " d")
    wait_for_source(qtbot, session, ["a", "b", "c", "d"])


def test_nli_with_an_empty_hypothesis_waits_with_a_hint(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.nli)
    panel = window.nli_panel
    clear_box(qtbot, panel.hypothesis_box)  # the model opened on one of its samples
    type_over(qtbot, panel.premise_box, "a man sleeps")
    assert window.session.result is None
    assert panel.notice.text() == "Type a premise and a hypothesis"
    assert panel.bars.predicted is None
    assert window.views.heatmap.title.text() == "no attention record"
