"""The Train view on the Chinese tasks, driven like a user: zh-en and en-zh are in the task list;
picking one ticks jieba for the word tokenizer; a plain word tokenizer is refused with a message;
a tiny char-level run starts and its probe shows Chinese characters."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from train_fixtures import WAIT_MS, click, home, train_to_the_end, view

from core_models.words import is_unspaced


def pick_task(view, name: str) -> None:
    """Choose ``name`` in the task list, as a user does."""
    tasks = view.data_panel.task_tab.task_box
    index = tasks.findData(name)
    assert index >= 0, f"{name} is not in the task list"
    tasks.setCurrentIndex(index)


def test_chinese_tasks_tick_jieba_and_a_plain_word_tokenizer_is_refused(qtbot, view):
    tasks = view.data_panel.task_tab.task_box
    names = [tasks.itemData(i) for i in range(tasks.count())]
    assert {"zh-en", "en-zh"} <= set(names)
    panel = view.model_panel
    for name in ("zh-en", "en-zh"):
        pick_task(view, name)
        assert panel.tokenizer_box.currentText() == "word" and panel.segment_box.isChecked()
        assert view.train_config().tokenizer.segment == "jieba"
    panel.segment_box.setChecked(False)  # the user unticks it: Chinese would be one word
    panel.update_estimate()
    label = panel.estimate_label.text()
    assert "cannot build" in label and "needs spaces between words" in label and "jieba" in label
    click(qtbot, view.controls.start_button)
    status = view.controls.status.text()
    assert "cannot start" in status and "jieba" in status
    assert not view.session.active
    panel.tokenizer_box.setCurrentText("char")  # characters need no segmenter
    assert not panel.segment_box.isEnabled()
    assert view.train_config().tokenizer.segment == ""
    pick_task(view, "copy")
    assert not panel.segment_box.isChecked()


@pytest.mark.slow
def test_a_tiny_char_level_zh_en_run_probes_chinese_tokens(qtbot, view):
    pick_task(view, "zh-en")
    view.model_panel.tokenizer_box.setCurrentText("char")
    view.model_panel.vocab_size.setValue(1000)
    view.data_panel.max_len.setValue(72)  # English characters
    view.settings.max_steps.setValue(4)
    view.settings.eval_every.setValue(2)
    train_to_the_end(qtbot, view)
    qtbot.waitUntil(lambda: bool(view.probe.heatmap.key_axis.tokens), timeout=WAIT_MS)
    keys = view.probe.heatmap.key_axis.tokens
    sample = view.data_panel.probe_pair()
    assert keys == [*sample.source, "<eos>"]  # one column per Chinese character
    assert sum(map(is_unspaced, sample.source)) >= 3
