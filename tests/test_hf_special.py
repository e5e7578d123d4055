"""Special tokens ([CLS], [SEP], </s>, <pad>) hidden from the maps on show: in the window's
heatmap (the true weights, a sub-matrix of the model's map), with the selected token kept on its
word, rows renormalised only on request, and in ``render --hide-special``. Tiny random Hugging
Face models written by the test."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import numpy as np
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, window

from app import main as app_main
from app.render_command import build_parser, model_state
from app.state import special
from app.state.display import Display
from core_models.hf.classifier import HFClassifier
from core_models.hf.loading import load_hf
from core_models.hf.translator import HFTranslator
from core_models.inference import load_model
from tests.hf_fixtures import bert_dir, marian_dir


def translated(qtbot, window, folder, text):
    window.open_checkpoint(folder)
    session = window.session
    qtbot.waitUntil(lambda: isinstance(session.model, HFTranslator), timeout=WAIT_MS)
    session.set_source(text)
    qtbot.waitUntil(
        lambda: session.result is not None and "cat" in "".join(session.result.source_pieces),
        timeout=WAIT_MS,
    )
    return session


@pytest.mark.slow
def test_hidden_special_tokens_leave_the_true_sub_matrix_and_the_selected_word(
    qtbot, window, tmp_path
):
    session = translated(qtbot, window, marian_dir(tmp_path / "m"), "the cat sat on the mat")
    heatmap = window.views.heatmap
    session.select_kind("encoder_self")
    pieces = session.result.source_pieces
    assert pieces[-1] == "</s>"
    cat = pieces.index("c")  # the first piece of "cat"
    session.select_token("source", cat)
    heads = session.result.record.get("encoder_self", session.selection.layer).weights
    full = heads.mean(axis=0)

    session.choose_display("hide_special", True)
    kept = [i for i, piece in enumerate(pieces) if piece != "</s>"]
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == [pieces[i] for i in kept], timeout=WAIT_MS)
    assert heatmap.query_axis.tokens == [pieces[i] for i in kept]
    np.testing.assert_array_equal(heatmap.shown_weights, full[np.ix_(kept, kept)])
    assert not np.allclose(heatmap.shown_weights.sum(axis=1), 1.0)  # the true weights
    token = session.selection.token
    assert (
        heatmap.key_axis.tokens[token.index] == "c" and token.index == cat
    )  # the same word, selected

    session.choose_display("renormalise", True)
    qtbot.waitUntil(
        lambda: np.allclose(heatmap.shown_weights.sum(axis=1), 1.0, atol=1e-5), timeout=WAIT_MS
    )
    sub = heads[:, kept][:, :, kept]  # each head's rows rescaled, then the mean of heads
    expected = (sub / sub.sum(axis=-1, keepdims=True)).mean(axis=0)
    np.testing.assert_allclose(heatmap.shown_weights, expected, rtol=1e-5)

    session.choose_display("hide_special", False)
    qtbot.waitUntil(lambda: heatmap.key_axis.tokens == pieces, timeout=WAIT_MS)
    np.testing.assert_array_equal(heatmap.shown_weights, full)
    assert session.selection.token.index == cat


def test_a_classifier_pair_loses_cls_and_sep(tmp_path):
    model = load_hf(str(bert_dir(tmp_path / "b")))
    assert isinstance(model, HFClassifier)
    result = model.classify("the man is playing in the park", "a dog sleeps")
    record, kept = special.hide_special(result.record, model)
    pair = result.record.get("pair_self", 1)
    shown = record.get("pair_self", 1)
    assert "[CLS]" in pair.query_tokens and "[SEP]" in pair.key_tokens
    assert not {"[CLS]", "[SEP]"} & set(shown.query_tokens + shown.key_tokens)
    rows = kept["pair"]
    np.testing.assert_array_equal(shown.weights, pair.weights[:, rows][:, :, rows])


def test_hidden_special_tokens_drop_the_decoding_steps_that_wrote_them(tmp_path):
    model = load_hf(str(marian_dir(tmp_path / "m")))
    result = model.translate("the cat sat", reference="le chat")
    record, kept = special.hide_special(result.record, model)
    target = [step.token for step in result.record.steps]
    assert target[-1] == "</s>"
    assert [step.token for step in record.steps] == target[:-1]
    assert record.get("cross", 1).query_tokens == target[:-1]
    assert len(kept["target"]) == len(target) - 1


@pytest.mark.slow
def test_render_hide_special_draws_the_map_without_special_tokens(app_env, tmp_path, capsys):
    folder = marian_dir(tmp_path / "m")
    args = build_parser().parse_args(
        [str(folder), "the cat sat", "--hide-special", "--words", "-o", str(tmp_path / "x.png")]
    )
    display = Display(units="words", hide_special=True)
    state = model_state(str(folder), args, display)
    cross = state.record.get("cross", 1)
    assert "</s>" not in cross.key_tokens and "</s>" not in cross.query_tokens
    assert cross.key_tokens[:3] == ["the", "cat", "sat"]
    out = tmp_path / "hidden.png"
    status = app_main.main(["render", str(folder), "the cat sat", "--hide-special", "-o", str(out)])
    assert status == 0, capsys.readouterr().err
    assert out.stat().st_size > 0


def test_a_project_model_hides_its_own_eos_and_the_gold_alignment_follows(app_models):
    model = load_model(str(app_models.transformer))
    result = model.translate("a b c", reference="a b c", gold_alignment=[(0, 0), (1, 1), (2, 2)])
    source = result.record.get("cross", 0).key_tokens
    assert source[-1] == "<eos>" and result.output_pieces[-1] == "<eos>"
    gold = result.record.gold_alignment
    record, kept = special.hide_special(result.record, model)
    cross = record.get("cross", 0)
    assert "<eos>" not in cross.key_tokens + cross.query_tokens
    assert [step.token for step in record.steps] == result.output_pieces[:-1]
    np.testing.assert_array_equal(record.gold_alignment, gold[:-1, :-1])
    assert record.gold_alignment.shape == cross.weights.shape[1:]
