"""The Transformer seq2seq family: capture path, KV-cached decoding, masks, beam reordering."""

import pytest
import torch
import torch.nn.functional as F

from core_models.models.base import BOS_ID, PAD_ID
from core_models.models.registry import build_model
from core_models.models.transformer import TransformerConfig, TransformerSeq2Seq

SRC_LENS = torch.tensor([7, 4, 2])


def make_model(**overrides) -> TransformerSeq2Seq:
    sizes = dict(
        src_vocab_size=23,
        tgt_vocab_size=19,
        d_model=16,
        heads=2,
        ff_size=32,
        encoder_layers=2,
        decoder_layers=2,
        dropout=0.0,
        max_len=16,
    )
    return TransformerSeq2Seq(TransformerConfig(**{**sizes, **overrides})).eval()


def padded_batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Three sources of lengths 7, 4, 2 (padded with PAD) and targets of 5 inputs."""
    src = torch.randint(6, 23, (3, 7))
    src[1, 4:] = PAD_ID
    src[2, 2:] = PAD_ID
    tgt_in = torch.cat([torch.full((3, 1), BOS_ID), torch.randint(6, 19, (3, 4))], dim=1)
    return src, SRC_LENS, tgt_in


@pytest.mark.parametrize("norm", ["pre", "post"])
@pytest.mark.parametrize("positions", ["sinusoidal", "learned"])
@pytest.mark.parametrize("tie", [True, False])
def test_capture_path_gives_the_same_logits_as_fast_path(norm, positions, tie):
    model = make_model(norm=norm, positions=positions, tie_embeddings=tie)
    src, src_lens, tgt_in = padded_batch()
    fast = model(src, src_lens, tgt_in)
    captured = model(src, src_lens, tgt_in, capture=True)
    assert fast.maps == []
    torch.testing.assert_close(captured.logits, fast.logits, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("capture", [False, True])
def test_dropout_acts_in_training_only(capture):
    model = make_model(dropout=0.3)
    src, src_lens, tgt_in = padded_batch()
    evaluated = model(src, src_lens, tgt_in, capture=capture).logits
    torch.testing.assert_close(model(src, src_lens, tgt_in, capture=capture).logits, evaluated)
    model.train()
    first, second = (model(src, src_lens, tgt_in, capture=capture).logits for _ in range(2))
    assert not torch.allclose(first, second) and not torch.allclose(first, evaluated)


def test_captured_maps_have_documented_kinds_sides_and_shapes():
    model = make_model(encoder_layers=3, decoder_layers=2)
    src, src_lens, tgt_in = padded_batch()
    maps = model(src, src_lens, tgt_in, capture=True).maps
    described = [(m.kind, m.layer, tuple(m.weights.shape), m.query_side, m.key_side) for m in maps]
    assert described == [
        ("encoder_self", 0, (3, 2, 7, 7), "source", "source"),
        ("encoder_self", 1, (3, 2, 7, 7), "source", "source"),
        ("encoder_self", 2, (3, 2, 7, 7), "source", "source"),
        ("decoder_self", 0, (3, 2, 5, 5), "target", "target_input"),
        ("decoder_self", 1, (3, 2, 5, 5), "target", "target_input"),
        ("cross", 0, (3, 2, 5, 7), "target", "source"),
        ("cross", 1, (3, 2, 5, 7), "target", "source"),
    ]


def test_padding_and_future_get_no_attention_and_rows_sum_to_one():
    model = make_model(norm="post")
    src, src_lens, tgt_in = padded_batch()
    maps = model(src, src_lens, tgt_in, capture=True).maps
    future = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    for attention_map in maps:
        weights = attention_map.weights
        torch.testing.assert_close(weights.sum(-1), torch.ones(weights.shape[:-1]))
        if attention_map.key_side == "source":
            for b, length in enumerate(src_lens.tolist()):
                assert weights[b, :, :, length:].eq(0).all(), attention_map.kind
                assert weights[b, :, :, :length].gt(0).all(), attention_map.kind
        else:
            assert weights[:, :, future].eq(0).all()
            assert weights[:, :, ~future].gt(0).all()


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_cached_decoding_matches_teacher_forcing(norm):
    model = make_model(norm=norm, positions="learned")
    src, src_lens, tgt_in = padded_batch()
    forced = model(src, src_lens, tgt_in, capture=True)
    forced_maps = {(m.kind, m.layer): m.weights for m in forced.maps}
    state = model.encode(src, src_lens)
    for t in range(tgt_in.shape[1]):
        step = model.decode_step(state, tgt_in[:, t], capture=True)
        state = step.state
        torch.testing.assert_close(step.logits, forced.logits[:, t], atol=1e-5, rtol=1e-5)
        for m in step.maps:
            expected = forced_maps[(m.kind, m.layer)][:, :, t : t + 1]
            if m.kind == "decoder_self":
                assert m.weights.shape == (3, 2, 1, t + 1)
                expected = expected[..., : t + 1]
            else:
                assert m.weights.shape == (3, 2, 1, 7)
            torch.testing.assert_close(m.weights, expected, atol=1e-5, rtol=1e-5)
    assert [k.shape[2] for k in state.self_keys] == [5, 5]


def test_encode_with_capture_keeps_encoder_maps_in_the_state():
    model = make_model()
    src, src_lens, tgt_in = padded_batch()
    forced_maps = model(src, src_lens, tgt_in, capture=True).maps
    state = model.encode(src, src_lens, capture=True)
    assert [(m.kind, m.layer) for m in state.encoder_maps] == [
        ("encoder_self", 0),
        ("encoder_self", 1),
    ]
    for kept, forced in zip(state.encoder_maps, forced_maps, strict=False):
        torch.testing.assert_close(kept.weights, forced.weights)
    assert model.encode(src, src_lens).encoder_maps == []


def test_reorder_state_follows_the_selected_hypotheses():
    model = make_model()
    src, src_lens, tgt_in = padded_batch()
    state = model.encode(src, src_lens, capture=True)
    for t in range(2):
        state = model.decode_step(state, tgt_in[:, t]).state
    indices = torch.tensor([2, 0, 2])
    reordered = model.reorder_state(state, indices)
    next_tokens = tgt_in[:, 2]
    expected = model.decode_step(state, next_tokens).logits[indices]
    got = model.decode_step(reordered, next_tokens[indices]).logits
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(reordered.memory_keep, state.memory_keep[indices])
    torch.testing.assert_close(
        reordered.encoder_maps[1].weights, state.encoder_maps[1].weights[indices]
    )
    assert reordered.steps == state.steps == 2


def test_tied_embeddings_share_one_weight():
    tied = make_model(src_vocab_size=19, share_source_embedding=True)
    target_weight = tied.target_embedding.tokens.weight
    assert tied.output_projection.weight is target_weight
    assert tied.source_embedding.tokens.weight is target_weight
    untied = make_model(tie_embeddings=False)
    assert untied.output_projection.weight is not untied.target_embedding.tokens.weight
    assert untied.source_embedding.tokens is not untied.target_embedding.tokens


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("norm", "middle", "norm = 'middle' is not valid; choose one of pre, post"),
        ("positions", "rotary", "choose one of sinusoidal, learned"),
        ("heads", 3, r"d_model \(16\) must be a positive multiple of heads \(3\)"),
        ("share_source_embedding", True, "src_vocab_size .23. == tgt_vocab_size .19."),
    ],
)
def test_bad_config_names_the_field_and_choices(field, value, message):
    with pytest.raises(ValueError, match=message):
        make_model(**{field: value})


def test_too_long_input_and_empty_source_are_clear_errors():
    model = make_model(max_len=6)
    src, src_lens, tgt_in = padded_batch()
    with pytest.raises(ValueError, match=r"7 positions is longer than the model's max_len \(6\)"):
        model(src, src_lens, tgt_in)
    with pytest.raises(ValueError, match="src_lens must lie in 1..7"):
        make_model()(src, torch.tensor([7, 0, 2]), tgt_in)


def test_registry_builds_the_transformer_from_a_dict():
    model = build_model("transformer", {"d_model": 8, "heads": 2, "src_vocab_size": 10})
    assert isinstance(model, TransformerSeq2Seq)
    assert model.family == "transformer"
    assert model.config.to_dict()["src_vocab_size"] == 10


def test_transformer_overfits_a_tiny_batch():
    model = make_model(src_vocab_size=19, encoder_layers=1, decoder_layers=1, d_model=32)
    model.train()
    src = torch.randint(6, 19, (8, 6))
    src_lens = torch.full((8,), 6)
    tgt_out = torch.cat([src.flip(1), torch.full((8, 1), 3)], dim=1)  # reversed source, then EOS
    tgt_in = torch.cat([torch.full((8, 1), BOS_ID), tgt_out[:, :-1]], dim=1)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(150):
        logits = model(src, src_lens, tgt_in).logits
        loss = F.cross_entropy(logits.reshape(-1, 19), tgt_out.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0], losses[::25]
