"""The decoding fast paths of the attention code. The fused query/key/value projection of
MultiHeadAttention: one matrix product on the separate projections' weights concatenated, equal to
the separate products, cached outside autograd and rebuilt when a weight changes, and trained
through the separate parameters. The masked softmax without autograd: the same weights as with."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from core_models.attention.masking import masked_softmax
from core_models.attention.multihead import MultiHeadAttention
from core_models.models.transformer import TransformerConfig, TransformerSeq2Seq

NAMES = ("query_proj", "key_proj", "value_proj")


def unfused_self_attention(attention: MultiHeadAttention, x: torch.Tensor) -> torch.Tensor:
    """Self-attention through three separate F.linear calls (the path before fusing)."""
    q, k, v = (attention.split_heads(getattr(attention, name)(x)) for name in NAMES)
    return attention.attend_projected(q, k, v)[0]


def attention_and_input() -> tuple[MultiHeadAttention, torch.Tensor]:
    torch.manual_seed(0)
    attention = MultiHeadAttention(d_model=16, heads=4)
    return attention, torch.randn(3, 5, 16)


def test_fused_self_attention_equals_separate_projections_with_and_without_autograd():
    attention, x = attention_and_input()
    expected = unfused_self_attention(attention, x)
    torch.testing.assert_close(attention(x, x, x)[0], expected)
    with torch.inference_mode():
        torch.testing.assert_close(attention(x, x, x)[0], expected)
        torch.testing.assert_close(attention(x, x, x)[0], expected)  # from the cache


def test_fused_keys_values_equal_separate_projections():
    attention, memory = attention_and_input()
    with torch.no_grad():
        keys, values = attention.project_keys_values(memory, memory)
    torch.testing.assert_close(keys, attention.split_heads(attention.key_proj(memory)))
    torch.testing.assert_close(values, attention.split_heads(attention.value_proj(memory)))


def test_cached_weights_follow_an_optimizer_step_and_a_loaded_state():
    attention, x = attention_and_input()
    with torch.no_grad():
        before = attention(x, x, x)[0]
    optimizer = torch.optim.SGD(attention.parameters(), lr=0.5)
    attention(x, x, x)[0].square().sum().backward()
    optimizer.step()
    with torch.no_grad():
        after_step = attention(x, x, x)[0]
        assert not torch.allclose(after_step, before)
        torch.testing.assert_close(after_step, unfused_self_attention(attention, x))

    other = MultiHeadAttention(d_model=16, heads=4)
    attention.load_state_dict(other.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(attention(x, x, x)[0], other(x, x, x)[0])


def test_cached_weights_follow_a_fused_adam_step_once_the_model_is_switched_to_eval():
    # fused Adam (the trainer's) updates weights without bumping their version counters
    attention, x = attention_and_input()
    attention.eval()
    with torch.no_grad():
        before = attention(x, x, x)[0]
    attention.train()
    optimizer = torch.optim.Adam(attention.parameters(), lr=0.1, fused=True)
    attention(x, x, x)[0].square().sum().backward()
    optimizer.step()
    attention.eval()
    with torch.no_grad():
        after = attention(x, x, x)[0]
    assert not torch.allclose(after, before)
    torch.testing.assert_close(after, unfused_self_attention(attention, x))


def test_training_updates_the_separate_parameters_with_the_unfused_gradients():
    attention, x = attention_and_input()
    target = torch.randn(3, 5, 16)
    F.mse_loss(attention(x, x, x)[0], target).backward()
    fused_grads = {name: getattr(attention, name).weight.grad.clone() for name in NAMES}
    attention.zero_grad()
    F.mse_loss(unfused_self_attention(attention, x), target).backward()
    for name in NAMES:
        assert fused_grads[name].abs().sum() > 0
        torch.testing.assert_close(fused_grads[name], getattr(attention, name).weight.grad)

    before = {name: getattr(attention, name).weight.detach().clone() for name in NAMES}
    torch.optim.SGD(attention.parameters(), lr=0.1).step()
    for name in NAMES:
        assert not torch.equal(getattr(attention, name).weight, before[name])
    assert set(attention.state_dict()) == {
        f"{name}.{part}" for name in (*NAMES, "out_proj") for part in ("weight", "bias")
    }


def test_a_cache_built_in_inference_mode_serves_a_later_gradient_through_the_input():
    attention, x = attention_and_input()
    with torch.inference_mode():
        attention(x, x, x)
    attention.requires_grad_(False)
    x = x.clone().requires_grad_(True)
    attention(x, x, x)[0].sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_step_by_step_decoding_equals_teacher_forcing_after_training_steps():
    torch.manual_seed(0)
    config = TransformerConfig(
        src_vocab_size=20, tgt_vocab_size=20, d_model=16, heads=2, ff_size=32,
        encoder_layers=1, decoder_layers=2, dropout=0.0,
    )  # fmt: skip
    model = TransformerSeq2Seq(config)
    src, src_lens = torch.randint(4, 20, (2, 6)), torch.tensor([6, 4])
    tgt_in = torch.randint(4, 20, (2, 5))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(2):  # the cache must follow the weights between decodes
        model.eval()
        with torch.inference_mode():
            state = model.encode(src, src_lens)
            steps = []
            for position in range(tgt_in.shape[1]):
                step = model.decode_step(state, tgt_in[:, position])
                steps.append(step.logits)
                state = step.state
            torch.testing.assert_close(
                torch.stack(steps, 1), model(src, src_lens, tgt_in).logits, atol=1e-5, rtol=1e-4
            )
        model.train()
        model(src, src_lens, tgt_in).logits.square().mean().backward()
        optimizer.step()
        optimizer.zero_grad()


def test_masked_softmax_without_autograd_equals_the_autograd_path():
    torch.manual_seed(0)
    scores = torch.randn(4, 3, 5, 6) * 10
    scores[0, 0, 1] = float("-inf")  # a row with no key left
    scores[1, :, :, 2] = float("-inf")
    keep = torch.rand(4, 1, 5, 6) > 0.3
    keep[2, 0, 3] = False  # another empty row, by the mask
    lens = torch.tensor([6, 3, 1, 5])
    for arguments in ({}, {"keep": keep}, {"valid_lens": lens}, {"keep": keep, "valid_lens": lens}):
        expected = masked_softmax(scores.clone().requires_grad_(True), **arguments).detach()
        fast = masked_softmax(scores, **arguments)
        torch.testing.assert_close(fast, expected)
        assert torch.equal(fast == 0, expected == 0)  # masked keys exactly 0, empty rows zeros
    assert masked_softmax(scores)[0, 0, 1].abs().sum() == 0


@pytest.mark.parametrize("keys", [1, 5, 14, 15, 16, 21])
def test_the_softmax_of_many_short_rows_padded_to_16_keys_equals_torchs(keys):
    """masked_softmax pads rows of fewer than 16 keys with -inf (torch's CPU kernel is slow on
    them): weights and gradients as torch.softmax's, masked keys exactly 0, the shape kept."""
    torch.manual_seed(keys)
    scores = (torch.randn(64, 4, 3, keys) * 5).requires_grad_(True)  # 768 rows: padded if < 16
    keep = torch.rand(64, 1, 1, keys) > 0.2
    keep[..., 0] = True
    weights = masked_softmax(scores, keep=keep)
    reference = torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)
    assert weights.shape == scores.shape
    torch.testing.assert_close(weights, reference)
    assert torch.equal(weights == 0, (reference == 0) | ~keep.expand_as(weights))
    cotangent = torch.randn_like(weights)
    (grad,) = torch.autograd.grad(weights, scores, cotangent)
    (expected,) = torch.autograd.grad(reference, scores, cotangent)
    torch.testing.assert_close(grad, expected)
    torch.testing.assert_close(masked_softmax(scores.detach(), keep=keep), reference.detach())
