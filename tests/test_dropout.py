"""core_models.models.dropout: the masks with two 16-bit numbers per random draw behave as
F.dropout's do (rate, scaling, gradient, independence, seeding), and the models use them."""

import pytest
import torch
import torch.nn.functional as F

from core_models.models.dropout import LEVELS, Dropout, dropout
from core_models.models.transformer import TransformerConfig, TransformerSeq2Seq

COUNT = 1_000_000


def sigmas(p: float, count: int) -> float:
    """Five binomial standard deviations of a rate measured over ``count`` elements."""
    return 5 * (p * (1 - p) / count) ** 0.5


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])
def test_drops_the_rate_asked_and_scales_the_rest_to_keep_the_mean(p):
    torch.manual_seed(0)
    out = dropout(torch.ones(COUNT), p)
    dropped = (out == 0).double().mean().item()
    assert abs(dropped - p) < sigmas(p, COUNT)
    rounded = round(p * LEVELS) / LEVELS
    assert torch.equal(out.unique(), torch.tensor([0.0, 1 / (1 - rounded)]))
    assert abs(out.double().mean().item() - 1.0) < sigmas(p, COUNT) / (1 - p)


def test_the_two_halves_of_one_draw_drop_independently():
    """Elements 2k and 2k + 1 share a 32-bit draw: both dropped at rate p², not p."""
    torch.manual_seed(1)
    p = 0.3
    dropped = dropout(torch.ones(COUNT), p) == 0
    both = (dropped[0::2] & dropped[1::2]).double().mean().item()
    assert abs(both - p * p) < sigmas(p * p, COUNT // 2)
    after = (dropped[1:-1:2] & dropped[2::2]).double().mean().item()  # across draws too
    assert abs(after - p * p) < sigmas(p * p, COUNT // 2)


def test_the_gradient_is_the_mask_scaled_as_the_output():
    torch.manual_seed(2)
    x = torch.randn(64, 14, 128, requires_grad=True)
    out = dropout(x, 0.1)
    out.sum().backward()
    assert torch.allclose(x.grad * x.detach(), out.detach())
    scale = torch.tensor(1 / (1 - 6554 / LEVELS))  # 0.1 is 6554 of the 65,536 levels
    assert torch.equal(x.grad.unique(), torch.stack([torch.tensor(0.0), scale]))


def test_a_seed_repeats_the_masks_and_the_next_call_draws_new_ones():
    x = torch.randn(3, 7, 5)  # an odd number of elements: the last draw is half used
    torch.manual_seed(3)
    first, second = dropout(x, 0.5), dropout(x, 0.5)
    torch.manual_seed(3)
    assert torch.equal(dropout(x, 0.5), first)
    assert not torch.equal(first, second)


def test_identity_in_evaluation_and_at_zero_zeros_at_one_and_keeps_the_dtype():
    x = torch.randn(100, 10)
    assert torch.equal(dropout(x, 0.5, training=False), x)
    assert torch.equal(dropout(x, 0.0), x)
    assert torch.equal(dropout(x, 1.0), torch.zeros_like(x))
    assert dropout(x.bfloat16(), 0.2).dtype == torch.bfloat16
    with pytest.raises(ValueError, match="between 0 and 1"):
        dropout(x, 1.5)


def test_the_module_is_an_nn_dropout_and_follows_train_and_eval():
    module = Dropout(0.4)
    assert isinstance(module, torch.nn.Dropout) and module.p == 0.4
    x = torch.ones(10_000)
    assert ((module(x) == 0).float().mean() - 0.4).abs() < 0.03
    module.eval()
    assert torch.equal(module(x), x)


def test_the_transformer_trains_with_these_masks_and_evaluates_without_them():
    torch.manual_seed(4)
    model = TransformerSeq2Seq(TransformerConfig(src_vocab_size=30, tgt_vocab_size=30, d_model=16,
                                                 heads=2, ff_size=32, encoder_layers=1,
                                                 decoder_layers=1, dropout=0.3))  # fmt: skip
    src, lens, tgt = (
        torch.randint(4, 30, (2, 6)),
        torch.tensor([6, 6]),
        torch.randint(4, 30, (2, 5)),
    )
    dropouts = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    assert dropouts and all(isinstance(m, Dropout) for m in dropouts)
    model.train()
    torch.manual_seed(5)
    trained = model(src, lens, tgt).logits
    torch.manual_seed(5)
    assert torch.equal(model(src, lens, tgt).logits, trained)  # seeded masks repeat
    assert not torch.equal(model(src, lens, tgt).logits, trained)
    model.eval()
    evaluated = model(src, lens, tgt).logits
    assert torch.equal(model(src, lens, tgt).logits, evaluated)
    loss = F.cross_entropy(trained.reshape(-1, 30), tgt.reshape(-1))
    loss.backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
