"""The BERT-style encoder classifier for NLI: pair layout, padding, capture path, training."""

import pytest
import torch
import torch.nn.functional as F

from core_models.models.base import CLS_ID, PAD_ID, SEP_ID
from core_models.models.encoder_classifier import (
    EncoderClassifier,
    EncoderClassifierConfig,
    build_pair,
    pair_tokens,
)
from core_models.models.registry import build_model

PREMISE_LENS = torch.tensor([5, 2, 3])
HYPOTHESIS_LENS = torch.tensor([2, 4, 1])


def make_model(**overrides) -> EncoderClassifier:
    sizes = dict(vocab_size=29, d_model=16, heads=2, ff_size=32, layers=2, dropout=0.0, max_len=16)
    return EncoderClassifier(EncoderClassifierConfig(**{**sizes, **overrides})).eval()


def padded_pairs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Premises of lengths 5, 2, 3 and hypotheses of lengths 2, 4, 1, padded with PAD."""
    premise = torch.randint(6, 29, (3, 5)).masked_fill(
        torch.arange(5) >= PREMISE_LENS[:, None], PAD_ID
    )
    hypothesis = torch.randint(6, 29, (3, 4)).masked_fill(
        torch.arange(4) >= HYPOTHESIS_LENS[:, None], PAD_ID
    )
    return premise, PREMISE_LENS, hypothesis, HYPOTHESIS_LENS


def test_pair_is_cls_premise_sep_hypothesis_sep_with_segments():
    premise = torch.tensor([[10, 11, 12], [20, PAD_ID, PAD_ID]])
    hypothesis = torch.tensor([[30, PAD_ID], [40, 41]])
    pair, segments, pair_lens = build_pair(
        premise, torch.tensor([3, 1]), hypothesis, torch.tensor([1, 2])
    )
    assert pair.tolist() == [
        [CLS_ID, 10, 11, 12, SEP_ID, 30, SEP_ID],
        [CLS_ID, 20, SEP_ID, 40, 41, SEP_ID, PAD_ID],
    ]
    assert segments[0].tolist() == [0, 0, 0, 0, 0, 1, 1]
    assert segments[1, :6].tolist() == [0, 0, 0, 1, 1, 1]
    assert pair_lens.tolist() == [7, 6]
    assert pair_tokens(["a", "b"], ["c"]) == ["[CLS]", "a", "b", "[SEP]", "c", "[SEP]"]


@pytest.mark.parametrize("norm", ["pre", "post"])
@pytest.mark.parametrize("positions", ["sinusoidal", "learned"])
def test_capture_path_gives_the_same_logits_as_fast_path(norm, positions):
    model = make_model(norm=norm, positions=positions)
    inputs = padded_pairs()
    fast = model(*inputs)
    captured = model(*inputs, capture=True)
    assert fast.maps == []
    torch.testing.assert_close(captured.logits, fast.logits, atol=1e-5, rtol=1e-5)


def test_pair_self_maps_sum_to_one_and_skip_padding():
    model = make_model(layers=3)
    maps = model(*padded_pairs(), capture=True).maps
    assert [(m.kind, m.layer, m.query_side, m.key_side) for m in maps] == [
        ("pair_self", layer, "pair", "pair") for layer in range(3)
    ]
    pair_lens = (PREMISE_LENS + HYPOTHESIS_LENS + 3).tolist()  # 10, 9, 7
    for attention_map in maps:
        weights = attention_map.weights
        assert weights.shape == (3, 2, 10, 10)
        torch.testing.assert_close(weights.sum(-1), torch.ones(3, 2, 10))
        for b, length in enumerate(pair_lens):
            assert weights[b, :, :, length:].eq(0).all()
            assert weights[b, :, :, :length].gt(0).all()


def test_padding_does_not_change_an_examples_logits():
    model = make_model()
    premise, premise_lens, hypothesis, hypothesis_lens = padded_pairs()
    batch = model(premise, premise_lens, hypothesis, hypothesis_lens).logits
    for b in range(3):
        alone = model(
            premise[b : b + 1, : premise_lens[b]],
            premise_lens[b : b + 1],
            hypothesis[b : b + 1, : hypothesis_lens[b]],
            hypothesis_lens[b : b + 1],
        ).logits
        torch.testing.assert_close(alone[0], batch[b], atol=1e-5, rtol=1e-5)


def test_bad_config_names_the_field_and_choices():
    with pytest.raises(ValueError, match="positions = 'rope' is not valid; choose one of"):
        make_model(positions="rope")
    with pytest.raises(ValueError, match=r"10 positions is longer than the model's max_len \(8\)"):
        make_model(max_len=8)(*padded_pairs())


def test_registry_builds_the_encoder_classifier_from_a_dict():
    model = build_model("encoder_classifier", {"d_model": 8, "heads": 2, "vocab_size": 10})
    assert isinstance(model, EncoderClassifier)
    assert model.family == "encoder_classifier"


def test_encoder_classifier_overfits_a_tiny_batch():
    model = make_model(layers=1, d_model=32)
    model.train()
    premise, hypothesis = torch.randint(6, 29, (8, 5)), torch.randint(6, 29, (8, 4))
    inputs = (premise, torch.full((8,), 5), hypothesis, torch.full((8,), 4))
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(60):
        loss = F.cross_entropy(model(*inputs).logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0], losses[::10]
