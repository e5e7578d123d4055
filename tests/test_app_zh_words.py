"""Inspect on a char-level zh-en model: the maps show one column per Chinese character, and
switching the display to merged words shows the jieba words of the task (its lexicon added to
jieba's dictionary) on the heatmap's axis, each row still summing to 1."""

# pytest fixtures imported from app_fixtures and train_fixtures look unused (F401) and shadowed
# (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import WAIT_MS, open_and_wait, shown_window
from tiny_training import TINY_MODELS
from train_fixtures import home

from core_models.data.tasks import get_task
from core_models.models.registry import build_model
from core_models.tokenizers import train_tokenizer
from core_models.training.checkpoint import save_checkpoint

SENTENCE = ["我", "昨天", "在", "公园", "看见", "了", "一只", "猫", "。"]
ENGLISH = "i saw a cat in the park yesterday ."


@pytest.fixture
def window(qtbot, home, tmp_path):
    yield from shown_window(qtbot, tmp_path)


def char_zh_en_checkpoint(path):
    """An untrained Transformer over char tokenizers trained on 200 zh-en pairs."""
    pairs = get_task("zh-en").generate("train", size=200)
    source = train_tokenizer("char", [p.source for p in pairs] + ["".join(SENTENCE)], 600)
    target = train_tokenizer("char", [p.target for p in pairs], 300)
    options = {
        **TINY_MODELS["transformer"],
        "max_len": 64,  # the English reference, letter by letter
        "src_vocab_size": source.vocab_size,
        "tgt_vocab_size": target.vocab_size,
    }
    model = build_model("transformer", options)
    tokenizers = {"source": source, "target": target}
    return save_checkpoint(path, model, tokenizers, {"task": "zh-en", "step": 1})


def test_merged_words_show_the_jieba_words_of_a_char_model(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, char_zh_en_checkpoint(tmp_path / "char-zh-en"))
    session, heatmap = window.session, window.views.heatmap
    session.set_reference(ENGLISH)
    session.set_source("".join(SENTENCE))
    characters = [*"".join(SENTENCE), "<eos>"]
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == characters, timeout=WAIT_MS)
    session.choose_display("units", "words")
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == [*SENTENCE, "<eos>"], timeout=WAIT_MS)
    english = ENGLISH.split(" ")
    assert heatmap.query_axis.tokens == [*english, "<eos>"]
    shown = heatmap.shown_weights
    assert shown.shape == (len(english) + 1, len(SENTENCE) + 1)
    np.testing.assert_allclose(shown.sum(axis=1), 1.0, atol=1e-4)
