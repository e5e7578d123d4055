"""Decomposable attention NLI model (Parikh et al. 2016): capture path, masking, padding, training."""

import pytest
import torch
from torch import nn

from core_models.models.base import NLIOutput
from core_models.models.decomposable import (
    DecomposableAttention,
    DecomposableConfig,
    IntraSentenceAttention,
)
from core_models.models.registry import build_model

VOCAB = 20


def tiny_model(intra: bool, **overrides) -> DecomposableAttention:
    values = dict(
        vocab_size=VOCAB,
        embed_size=6,
        hidden_size=5,
        dropout=0.1,
        intra_attention=intra,
        max_distance=2,
    )
    values.update(overrides)
    return DecomposableAttention(DecomposableConfig(**values))


def padded_batch():
    """Two pairs with padding in both sentences: premise lens (5, 3), hypothesis lens (2, 4)."""
    premise = torch.tensor([[6, 7, 8, 9, 10], [11, 12, 13, 0, 0]])
    hypothesis = torch.tensor([[14, 15, 0, 0], [16, 17, 18, 19]])
    return premise, torch.tensor([5, 3]), hypothesis, torch.tensor([2, 4])


def non_embedding_parameters(model: nn.Module) -> int:
    return sum(
        p.numel() for name, p in model.named_parameters() if not name.startswith("embedding.")
    )


@pytest.mark.parametrize("intra", [False, True])
def test_capture_and_fast_paths_give_identical_logits(intra):
    model = tiny_model(intra).eval()
    fast = model(*padded_batch())
    captured = model(*padded_batch(), capture=True)
    assert fast.maps == []
    assert torch.equal(fast.logits, captured.logits)


@pytest.mark.parametrize("intra", [False, True])
def test_captured_maps_have_documented_kinds_sides_and_shapes(intra):
    model = tiny_model(intra).eval()
    output = model(*padded_batch(), capture=True)
    assert isinstance(output, NLIOutput)
    assert output.logits.shape == (2, 3)
    found = {
        m.kind: (m.layer, tuple(m.weights.shape), m.query_side, m.key_side) for m in output.maps
    }
    expected = {
        "premise_to_hypothesis": (0, (2, 1, 5, 4), "premise", "hypothesis"),
        "hypothesis_to_premise": (0, (2, 1, 4, 5), "hypothesis", "premise"),
    }
    if intra:
        expected["premise_self"] = (0, (2, 1, 5, 5), "premise", "premise")
        expected["hypothesis_self"] = (0, (2, 1, 4, 4), "hypothesis", "hypothesis")
    assert found == expected


@pytest.mark.parametrize("intra", [False, True])
def test_padding_gets_no_attention_and_valid_rows_sum_to_one(intra):
    model = tiny_model(intra).eval()
    premise, premise_lens, hypothesis, hypothesis_lens = padded_batch()
    output = model(premise, premise_lens, hypothesis, hypothesis_lens, capture=True)
    lens = {"premise": premise_lens, "hypothesis": hypothesis_lens}
    assert len(output.maps) == (4 if intra else 2)
    for captured in output.maps:
        for example in range(2):
            weights = captured.weights[example, 0]  # (queries, keys)
            valid_queries = int(lens[captured.query_side][example])
            valid_keys = int(lens[captured.key_side][example])
            row_sums = weights[:valid_queries, :valid_keys].sum(-1)
            assert torch.allclose(row_sums, torch.ones(valid_queries), atol=1e-6), captured.kind
            assert torch.all(weights[:, valid_keys:] == 0), f"{captured.kind}: padded key attended"
            assert torch.all(weights[valid_queries:] == 0), f"{captured.kind}: padded query row"


@pytest.mark.parametrize("intra", [False, True])
def test_padding_does_not_change_an_examples_logits(intra):
    model = tiny_model(intra).eval()
    premise, premise_lens, hypothesis, hypothesis_lens = padded_batch()
    batched = model(premise, premise_lens, hypothesis, hypothesis_lens).logits
    # the second pair alone, without any padding
    alone = model(premise[1:, :3], premise_lens[1:], hypothesis[1:], hypothesis_lens[1:]).logits
    assert torch.allclose(batched[1:], alone, atol=1e-6)
    # the first pair with extra padding (garbage ids) on both sentences
    extra_premise = torch.cat([premise[:1], torch.tensor([[3, 4]])], dim=1)
    extra_hypothesis = torch.cat([hypothesis[:1, :2], torch.tensor([[5, 6, 7]])], dim=1)
    padded = model(extra_premise, premise_lens[:1], extra_hypothesis, hypothesis_lens[:1]).logits
    assert torch.allclose(batched[:1], padded, atol=1e-6)


def test_frozen_pretrained_embeddings_stay_fixed_while_the_rest_trains():
    model = tiny_model(True, freeze_embeddings=True)
    vectors = torch.randn(VOCAB, 6)
    model.load_pretrained_embeddings(vectors)
    assert torch.equal(model.embedding.weight, vectors)
    assert not model.embedding.weight.requires_grad
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss = nn.functional.cross_entropy(model(*padded_batch()).logits, torch.tensor([0, 2]))
    loss.backward()
    optimizer.step()
    assert torch.equal(model.embedding.weight, vectors)
    changed = [name for name, p in model.named_parameters() if not torch.equal(p, before[name])]
    assert "projection.weight" in changed
    assert "intra_attention.distance_bias" in changed
    assert "classifier.weight" in changed


def test_unfrozen_pretrained_embeddings_are_fine_tuned():
    model = tiny_model(False, freeze_embeddings=False)
    vectors = torch.randn(VOCAB, 6)
    model.load_pretrained_embeddings(vectors)
    assert model.embedding.weight.requires_grad
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    nn.functional.cross_entropy(model(*padded_batch()).logits, torch.tensor([1, 2])).backward()
    optimizer.step()
    assert not torch.equal(model.embedding.weight, vectors)


def test_pretrained_embeddings_of_the_wrong_shape_are_rejected():
    model = tiny_model(False)
    with pytest.raises(ValueError, match=r"\(vocab_size, embed_size\) = \(20, 6\); got \(20, 5\)"):
        model.load_pretrained_embeddings(torch.zeros(VOCAB, 5))


@pytest.mark.parametrize("intra", [False, True])
def test_overfits_a_tiny_fixed_batch(intra):
    model = tiny_model(intra, embed_size=16, hidden_size=16, dropout=0.0)
    generator = torch.Generator().manual_seed(1)
    premise = torch.randint(6, VOCAB, (8, 6), generator=generator)
    hypothesis = torch.randint(6, VOCAB, (8, 4), generator=generator)
    premise_lens = torch.tensor([6, 5, 4, 3, 6, 2, 5, 6])
    hypothesis_lens = torch.tensor([4, 3, 2, 4, 1, 4, 3, 2])
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(150):
        optimizer.zero_grad()
        logits = model(premise, premise_lens, hypothesis, hypothesis_lens).logits
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] <= 0.1 * losses[0], f"loss {losses[0]:.3f} -> {losses[-1]:.3f}"


@pytest.mark.parametrize(("intra", "paper_count"), [(False, 382_000), (True, 582_000)])
def test_paper_size_parameter_count_matches_parikh(intra, paper_count):
    """Parikh et al. 2016 Table 1: 382K parameters (582K with intra attention), embeddings aside."""
    model = DecomposableAttention(
        DecomposableConfig(vocab_size=10, embed_size=300, hidden_size=200, intra_attention=intra)
    )
    assert abs(non_embedding_parameters(model) - paper_count) < 0.005 * paper_count


def test_intra_attention_distances_beyond_max_share_one_bias_per_direction():
    intra = IntraSentenceAttention(hidden_size=4, dropout=0.0, max_distance=2)
    buckets = intra.distance_buckets(7, torch.device("cpu"))  # bucket of i - j
    assert buckets[3, 3] == 3  # distance 0 sits in the middle of 2 * 2 + 3 = 7 buckets
    assert buckets[5, 3] == 5 and buckets[1, 3] == 1  # distances +2, -2: their own buckets
    assert buckets[6, 3] == buckets[6, 0] == 6  # +3 and +6 share the far bucket
    assert buckets[3, 6] == buckets[0, 6] == 0  # -3 and -6 share the other far bucket
    assert int(buckets.max()) == intra.distance_bias.numel() - 1


def test_registry_builds_the_decomposable_family_from_a_dict():
    model = build_model("decomposable", {"vocab_size": VOCAB, "embed_size": 8, "hidden_size": 8})
    assert isinstance(model, DecomposableAttention)
    assert model.family == "decomposable"
    assert isinstance(model.projection, nn.Identity)  # no projection when sizes already match


@pytest.mark.parametrize(
    ("field", "value"), [("hidden_size", 0), ("dropout", 1.0), ("max_distance", -1)]
)
def test_bad_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=f"DecomposableConfig.{field}"):
        DecomposableConfig(vocab_size=VOCAB, **{field: value})


def test_lengths_longer_than_the_padded_batch_are_rejected():
    model = tiny_model(False)
    premise, premise_lens, hypothesis, _ = padded_batch()
    with pytest.raises(ValueError, match=r"hypothesis_lens must lie in \[0, 4\]"):
        model(premise, premise_lens, hypothesis, torch.tensor([2, 5]))
