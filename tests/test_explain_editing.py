"""Attention edits (core_models.explain.editing): pin a cross-attention row or scale a head at one
decoding step and decode on, for Bahdanau, Luong and the Transformer."""

import numpy as np
import pytest
import torch

from core_models import decoding
from core_models.explain.editing import AttentionEdit, attention_edit, what_if
from core_models.inference import load_model
from core_models.models.luong import LuongConfig, LuongSeq2Seq

SOURCE_IDS = [7, 8, 9, 10, 11, 3]


def hard_luong() -> LuongSeq2Seq:
    """A tiny Luong model with hard (one-hot) attention: every cross row is one-hot."""
    torch.manual_seed(1)
    config = LuongConfig(
        src_vocab_size=16, tgt_vocab_size=16, embed_size=8, hidden_size=8, num_layers=1, hard=True
    )
    return LuongSeq2Seq(config).eval()


def cross_rows(hypothesis) -> np.ndarray:
    (cross,) = [m for m in hypothesis.maps if m.kind == "cross"]
    return cross.weights[0].numpy()  # (heads, steps, S)


@pytest.mark.parametrize("step", [0, 2])
def test_pinning_to_the_token_already_attended_changes_nothing(step):
    model = hard_luong()
    plain = decoding.greedy(model, SOURCE_IDS, max_len=6)
    attended = int(cross_rows(plain)[0, step].argmax())
    assert cross_rows(plain)[0, step, attended] == 1.0  # hard attention: one-hot rows
    with attention_edit(model, AttentionEdit(step=step, pin_to=attended)):
        edited = decoding.greedy(model, SOURCE_IDS, max_len=6)
    assert edited.token_ids == plain.token_ids
    assert torch.equal(edited.log_probs, plain.log_probs)


def test_pinning_elsewhere_changes_that_row_and_nothing_before_it():
    model = hard_luong()
    plain = decoding.greedy(model, SOURCE_IDS, max_len=6)
    other = (int(cross_rows(plain)[0, 1].argmax()) + 1) % len(SOURCE_IDS)
    with attention_edit(model, AttentionEdit(step=1, pin_to=other)):
        edited = decoding.greedy(model, SOURCE_IDS, max_len=6)
    rows = cross_rows(edited)
    assert rows[0, 1, other] == 1.0 and rows[0, 1].sum() == 1.0
    assert edited.token_ids[0] == plain.token_ids[0]
    assert torch.equal(edited.log_probs[0], plain.log_probs[0])
    assert not torch.equal(edited.log_probs[1], plain.log_probs[1])


@pytest.mark.parametrize("name", ["bahdanau-en-fr", "luong-en-fr", "transformer-en-fr"])
def test_what_if_on_every_family_with_cross_attention(name):
    translator = load_model(name)
    text = "he hears the friendly aunt ."
    plain = translator.translate(text)
    edited = what_if(translator, text, AttentionEdit(step=1, pin_to=0))
    for layer in edited.record.layers("cross"):
        rows = edited.record.get("cross", layer).weights[:, 1]  # (heads, S)
        assert np.array_equal(rows, np.eye(len(plain.source_pieces))[[0] * len(rows)])
    assert edited.output_pieces[0] == plain.output_pieces[0]
    first = plain.record.get("cross", 0).weights[:, 0]
    assert np.allclose(edited.record.get("cross", 0).weights[:, 0], first)
    assert translator.translate(text).output_text == plain.output_text  # the edit is gone


def test_scaling_a_head_by_one_is_the_identity_and_by_zero_silences_it():
    translator = load_model("transformer-en-fr")
    text = "he hears the friendly aunt ."
    plain = translator.translate(text)
    same = what_if(translator, text, AttentionEdit(step=0, scale=1.0, head=2, persist=True))
    assert same.output_text == plain.output_text
    assert np.allclose(same.record.get("cross", 1).weights, plain.record.get("cross", 1).weights)
    silenced = what_if(translator, text, AttentionEdit(step=2, scale=0.0, head=2, layers=(1,)))
    rows = silenced.record.get("cross", 1).weights
    assert np.all(rows[2, 2] == 0.0) and rows[2, 1].sum() > 0.99 and rows[1, 2].sum() > 0.99
    assert np.allclose(silenced.record.get("cross", 0).weights[:, 2].sum(axis=-1), 1.0)


def test_teacher_forcing_applies_the_edit_to_its_step_row():
    model = hard_luong()
    src = torch.tensor([SOURCE_IDS])
    tgt_in = torch.tensor([[2, 5, 6, 7]])
    with attention_edit(model, AttentionEdit(step=2, pin_to=4, persist=True)):
        output = model(src, torch.tensor([len(SOURCE_IDS)]), tgt_in, capture=True)
    rows = output.maps[0].weights[0, 0]
    assert rows[2:, 4].tolist() == [1.0, 1.0]


def test_bad_edits_are_refused_with_what_and_where():
    translator = load_model("transformer-en-fr")
    with pytest.raises(ValueError, match="cannot pin attention to source position 40"):
        what_if(translator, "the cat .", AttentionEdit(step=0, pin_to=40))
    with pytest.raises(ValueError, match="no decoder layer 5"):
        what_if(translator, "the cat .", AttentionEdit(step=0, pin_to=0, layers=(5,)))
    with pytest.raises(ValueError, match="pins a row .* or scales a head"):
        AttentionEdit(step=0)
    with pytest.raises(ValueError, match="no cross attention to edit"):
        what_if(load_model("rnn-en-fr"), "the cat .", AttentionEdit(step=0, pin_to=0))


def test_under_beam_search_the_edit_applies_to_every_hypothesis_at_its_step():
    translator = load_model("transformer-en-fr")
    text = "he hears the friendly aunt ."
    plain = translator.translate(text, beam=3)
    same = what_if(translator, text, AttentionEdit(step=2, scale=1.0), beam=3)
    assert same.output_text == plain.output_text
    assert [[n.score for n in nodes] for nodes in same.beam.history] == [
        [n.score for n in nodes] for nodes in plain.beam.history
    ]
    edited = what_if(translator, text, AttentionEdit(step=2, pin_to=0), beam=3)
    history, before = edited.beam.history, plain.beam.history
    assert [n.score for n in history[1]] == [n.score for n in before[1]]  # before the step
    assert [n.score for n in history[2]] != [n.score for n in before[2]]
    for node in history[2]:  # every hypothesis of the step looked at source token 0 only
        cross = [m for m in node.maps if m.kind == "cross"]
        assert cross and all(float(m.weights[..., 1:].abs().sum()) == 0.0 for m in cross)
        assert all(float(m.weights[..., 0].min()) == 1.0 for m in cross)
