"""The seq2seq contract for the recurrent families (rnn, bahdanau, luong), every variant: shapes,
capture == fast path, stepping == teacher forcing, attention rows over the valid source only,
padding that changes nothing, reorder_state, and overfitting a tiny batch."""

import json

import pytest
import torch

from core_models.models.base import BOS_ID, EOS_ID, PAD_ID
from core_models.models.luong import ATTENTION_TYPES, LUONG_SCORES
from core_models.models.registry import build_model

VOCAB = 12
SIZES = dict(src_vocab_size=VOCAB, tgt_vocab_size=VOCAB, embed_size=8, hidden_size=10)

VARIANTS = {
    "rnn-gru": ("rnn", dict(cell="gru")),
    "rnn-lstm": ("rnn", dict(cell="lstm", num_layers=2)),
    "rnn-gru-reversed": ("rnn", dict(cell="gru", reverse_source=True)),
    "rnn-lstm-reversed": ("rnn", dict(cell="lstm", reverse_source=True)),
    "bahdanau-uni": ("bahdanau", dict(bidirectional=False)),
    "bahdanau-bi": ("bahdanau", dict(bidirectional=True, num_layers=2)),
    "bahdanau-uni-reversed": ("bahdanau", dict(bidirectional=False, reverse_source=True)),
    "luong-reversed": ("luong", dict(score="general", reverse_source=True)),
    "luong-hard": ("luong", dict(score="general", hard=True)),
    "luong-hard-local-p": ("luong", dict(score="dot", attention_type="local-p", hard=True)),
}
for score in LUONG_SCORES:
    for attention_type in ATTENTION_TYPES:
        VARIANTS[f"luong-{score}-{attention_type}"] = (
            "luong",
            dict(score=score, attention_type=attention_type, window=1, max_len=10),
        )


def make_model(name: str, **overrides):
    family, options = VARIANTS[name]
    return build_model(family, {**SIZES, "dropout": 0.1, **options, **overrides}).eval()


def padded_batch(batch=4, src_len=7, tgt_len=5):
    """Random ids with artificial padding: source lengths 7, 4, 1, 6 (PAD after each)."""
    src_lens = torch.tensor([7, 4, 1, 6])[:batch]
    src = torch.randint(6, VOCAB, (batch, src_len))
    src[torch.arange(src_len) >= src_lens.unsqueeze(1)] = PAD_ID
    tgt_in = torch.randint(6, VOCAB, (batch, tgt_len))
    tgt_in[:, 0] = BOS_ID
    return src, src_lens, tgt_in


def step_logits(model, src, src_lens, tgt_in):
    state = model.encode(src, src_lens)
    logits, rows = [], []
    for t in range(tgt_in.shape[1]):
        step = model.decode_step(state, tgt_in[:, t], capture=True)
        state = step.state
        logits.append(step.logits)
        rows.append([m.weights for m in step.maps])
    return torch.stack(logits, dim=1), rows


@pytest.mark.parametrize("name", VARIANTS)
def test_output_and_maps_have_documented_shapes(name):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    output = model(src, src_lens, tgt_in, capture=True)
    assert output.logits.shape == (4, 5, VOCAB)
    step = model.decode_step(model.encode(src, src_lens), tgt_in[:, 0], capture=True)
    assert step.logits.shape == (4, VOCAB)
    if model.family == "rnn":
        assert output.maps == [] and step.maps == []  # the fixed-context baseline has no attention
        return
    (cross,) = output.maps
    assert (cross.kind, cross.layer, cross.query_side, cross.key_side) == (
        "cross",
        0,
        "target",
        "source",
    )
    assert cross.weights.shape == (4, 1, 5, 7)
    assert step.maps[0].weights.shape == (4, 1, 1, 7)


@pytest.mark.parametrize("name", VARIANTS)
def test_capture_does_not_change_logits(name):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    fast = model(src, src_lens, tgt_in)
    captured = model(src, src_lens, tgt_in, capture=True)
    assert fast.maps == []
    torch.testing.assert_close(captured.logits, fast.logits)


@pytest.mark.parametrize("name", VARIANTS)
def test_stepping_the_decoder_matches_teacher_forcing(name):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    output = model(src, src_lens, tgt_in, capture=True)
    logits, rows = step_logits(model, src, src_lens, tgt_in)
    torch.testing.assert_close(logits, output.logits, rtol=1e-5, atol=1e-6)
    for index, captured in enumerate(output.maps):
        stepped = torch.cat([maps_t[index] for maps_t in rows], dim=2)
        torch.testing.assert_close(stepped, captured.weights)


@pytest.mark.parametrize("name", [n for n in VARIANTS if not n.startswith("rnn")])
@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
def test_attention_rows_sum_to_one_and_padding_gets_none(name, training):
    model = make_model(name).train(training)
    src, src_lens, tgt_in = padded_batch()
    weights = model(src, src_lens, tgt_in, capture=True).maps[0].weights  # (B, 1, T, S)
    valid = torch.arange(7) < src_lens.view(4, 1, 1, 1)
    assert torch.all(weights[~valid.expand_as(weights)] == 0)
    assert torch.all(weights >= 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(4, 1, 5))


@pytest.mark.parametrize("name", VARIANTS)
def test_padding_tokens_do_not_change_the_output(name):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    other = src.clone()
    padding = torch.arange(7) >= src_lens.unsqueeze(1)
    other[padding] = torch.randint(6, VOCAB, (int(padding.sum()),))
    longer = torch.cat([src, torch.zeros(4, 3, dtype=torch.long)], dim=1)  # extra padding columns
    reference = model(src, src_lens, tgt_in, capture=True)
    for variant in (other, longer):
        output = model(variant, src_lens, tgt_in, capture=True)
        torch.testing.assert_close(output.logits, reference.logits, rtol=1e-5, atol=1e-6)
        for captured, expected in zip(output.maps, reference.maps, strict=True):
            torch.testing.assert_close(captured.weights[..., :7], expected.weights)
            assert torch.all(captured.weights[..., 7:] == 0)


@pytest.mark.parametrize("name", VARIANTS)
def test_reordered_state_steps_like_the_selected_rows(name):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    indices = torch.tensor([2, 0, 0, 3])
    state = model.encode(src, src_lens)
    state = model.decode_step(state, tgt_in[:, 0]).state
    full = model.decode_step(state, tgt_in[:, 1], capture=True)
    reordered = model.decode_step(
        model.reorder_state(state, indices), tgt_in[indices, 1], capture=True
    )
    torch.testing.assert_close(reordered.logits, full.logits[indices])
    for got, expected in zip(reordered.maps, full.maps, strict=True):
        torch.testing.assert_close(got.weights, expected.weights[indices])
    # and the state carries on: one more step still matches
    after_full = model.decode_step(full.state, tgt_in[:, 2])
    after_reordered = model.decode_step(reordered.state, tgt_in[indices, 2])
    torch.testing.assert_close(after_reordered.logits, after_full.logits[indices])


@pytest.mark.parametrize("name", VARIANTS)
def test_config_round_trips_through_json(name):
    model = make_model(name)
    values = json.loads(json.dumps(model.config.to_dict()))
    rebuilt = build_model(model.family, values)
    assert rebuilt.config == model.config
    assert sum(p.numel() for p in rebuilt.parameters()) == sum(
        p.numel() for p in model.parameters()
    )


@pytest.mark.parametrize("name", ["rnn-gru", "rnn-lstm-reversed", "bahdanau-uni", "luong-hard"])
@pytest.mark.parametrize("bad_length", [0, 8])
def test_source_length_out_of_range_is_a_clear_error(name, bad_length):
    model = make_model(name)
    src, src_lens, tgt_in = padded_batch()
    src_lens[2] = bad_length
    with pytest.raises(ValueError, match=rf"src_lens\[2\] = {bad_length} is outside 1\.\.7"):
        model(src, src_lens, tgt_in)


@pytest.mark.parametrize(
    "name",
    [
        "rnn-gru",
        "rnn-lstm-reversed",
        "bahdanau-bi",
        "luong-general-global",
        "luong-dot-local-p",
        "luong-location-global",
        "luong-hard",
    ],
)
def test_model_overfits_a_tiny_batch(name):
    model = make_model(name, hidden_size=32, embed_size=16, dropout=0.0).train()
    src, src_lens, tgt_in = padded_batch(batch=4, src_len=7, tgt_len=6)
    tgt_out = torch.cat([tgt_in[:, 1:], torch.full((4, 1), EOS_ID)], dim=1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        logits = model(src, src_lens, tgt_in).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), tgt_out.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0], f"loss went {losses[0]:.3f} -> {losses[-1]:.3f}"
