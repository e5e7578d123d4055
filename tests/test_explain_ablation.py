"""Head ablation (core_models.explain.ablation): the head gate, re-decoding with masked heads,
Michel et al.'s importance and the head-importance table."""

import pytest
import torch

from core_models import decoding
from core_models.explain.ablation import (
    PruneStep,
    all_heads,
    attention_modules,
    clean_copy,
    evaluate,
    example_loss,
    gate_gradients,
    gated,
    head_importance,
    masked_heads,
    prunable,
    prune_heads,
)
from core_models.inference import load_model
from core_models.models.base import BOS_ID

SOURCE_IDS = [40, 41, 42, 43, 44, 3]


def teacher_forced_logits(model):
    tgt_in = torch.tensor([[BOS_ID, 50, 51, 52, 53]])
    with torch.no_grad():
        return model(torch.tensor([SOURCE_IDS]), torch.tensor([len(SOURCE_IDS)]), tgt_in).logits


@pytest.fixture(scope="module")
def translator():
    return load_model("transformer-en-fr")


@pytest.mark.parametrize("kind", ["encoder_self", "decoder_self", "cross"])
def test_masking_every_head_of_a_layer_is_zeroing_its_attention_output(translator, kind):
    model = translator.model
    module = attention_modules(model)[(kind, 1)]
    every_head = [(kind, 1, head) for head in range(module.heads)]
    with masked_heads(model, every_head):
        masked_logits = teacher_forced_logits(model)
        masked_output = decoding.greedy(model, SOURCE_IDS, max_len=8).token_ids

    def zero_input(_module, inputs):
        return (torch.zeros_like(inputs[0]),)

    handle = module.out_proj.register_forward_pre_hook(zero_input)
    try:
        zeroed_logits = teacher_forced_logits(model)
        zeroed_output = decoding.greedy(model, SOURCE_IDS, max_len=8).token_ids
    finally:
        handle.remove()
    assert torch.equal(masked_logits, zeroed_logits)
    assert masked_output == zeroed_output
    assert not torch.equal(masked_logits, teacher_forced_logits(model))  # the layer mattered


def test_no_head_masked_is_the_identity(translator):
    model = translator.model
    before = teacher_forced_logits(model)
    text = "he hears the friendly aunt ."
    output = translator.translate(text).output_text
    with masked_heads(model, []):
        assert torch.equal(teacher_forced_logits(model), before)
    ones = {key: torch.ones(m.heads) for key, m in attention_modules(model).items()}
    with gated(model, ones):
        assert torch.equal(teacher_forced_logits(model), before)
        assert translator.translate(text).output_text == output
    assert all(m.head_gate is None for m in attention_modules(model).values())


def test_masked_heads_are_restored_even_after_an_error(translator):
    model = translator.model
    with pytest.raises(RuntimeError, match="inside"), masked_heads(model, [("cross", 0, 2)]):
        assert attention_modules(model)[("cross", 0)].head_gate.tolist() == [1, 1, 0, 1]
        raise RuntimeError("inside")
    assert attention_modules(model)[("cross", 0)].head_gate is None


def test_gate_gradients_match_finite_differences(translator):
    model = translator.model
    pair = translator.samples(1)[0]
    gradients = gate_gradients(translator, [pair])
    key, head, epsilon = ("cross", 1), 2, 1e-2
    losses = []
    for sign in (1, -1):
        gate = torch.ones(4, dtype=torch.float64)
        gate[head] += sign * epsilon
        with gated(model, {key: gate}), torch.no_grad():
            losses.append(float(example_loss(translator, pair)))
    estimate = abs(losses[0] - losses[1]) / (2 * epsilon)
    assert gradients[key][head].item() == pytest.approx(estimate, rel=2e-2, abs=1e-4)


def test_head_importance_table_over_examples(translator):
    pairs = translator.samples(2)
    baseline, rows = head_importance(translator, pairs)
    assert len(rows) == len(all_heads(translator.model)) == 3 * 2 * 4
    assert baseline == pytest.approx(translator.evaluate(size=2)["bleu"])
    gradients = gate_gradients(translator, pairs)
    for row in rows:
        assert row.metric_drop == pytest.approx(baseline - row.metric)
        assert row.importance == pytest.approx(float(gradients[(row.kind, row.layer)][row.head]))
    assert any(row.importance > 0 for row in rows)


def test_nli_head_importance_uses_accuracy():
    classifier = load_model("encoder_classifier-nli")
    pairs = classifier.samples(3)
    baseline, rows = head_importance(classifier, pairs)
    assert baseline == pytest.approx(classifier.evaluate(size=3)["accuracy"])
    assert {row.kind for row in rows} == {"pair_self"}
    assert all(0.0 <= row.metric <= 1.0 for row in rows)


def test_bad_heads_and_headless_families_are_refused(translator):
    with (
        pytest.raises(ValueError, match="no head 9 in cross layer 0"),
        masked_heads(translator.model, [("cross", 0, 9)]),
    ):
        pass
    with pytest.raises(ValueError, match="'bahdanau' model has no attention heads to mask"):
        attention_modules(load_model("bahdanau-en-fr").model)


def test_greedy_pruning_removes_the_least_important_head_still_on(translator):
    pairs = translator.samples(2)
    curve = prune_heads(translator, pairs, keep=21)
    assert [point.heads_kept for point in curve] == [24, 23, 22, 21]
    assert curve[0].removed is None and curve[0].metric == pytest.approx(
        evaluate(translator, pairs)
    )
    off = []
    for point in curve[1:]:
        gradients = gate_gradients(translator, pairs, off)
        normalised = {
            (kind, layer, head): float(values[head] / values.norm())
            for (kind, layer), values in gradients.items()
            for head in range(len(values))
        }
        still_on = {head: score for head, score in normalised.items() if head not in off}
        assert point.removed == min(still_on, key=still_on.get)
        off.append(point.removed)
        with masked_heads(translator.model, off):
            assert point.metric == pytest.approx(evaluate(translator, pairs))
    # the importance is recomputed on the pruned model, not kept from the full one
    pruned, full = gate_gradients(translator, pairs, off), gate_gradients(translator, pairs)
    assert any(not torch.allclose(pruned[key], full[key]) for key in full)


def test_prunable_counts_heads_removed_before_the_metric_first_falls_too_far(translator):
    curve = [PruneStep(4, None, 90.0), PruneStep(3, ("cross", 0, 1), 89.5)]
    curve += [PruneStep(2, ("cross", 0, 0), 88.0), PruneStep(1, ("cross", 1, 0), 89.9)]
    assert prunable(curve, 1.0) == 1
    assert prunable(curve, 2.0) == 3
    with pytest.raises(ValueError, match="keep must be between 0 and 23 heads; got 24"):
        prune_heads(translator, translator.samples(1), keep=24)


def test_a_clean_copy_decodes_unmasked_while_the_original_is_masked(translator):
    text = "he hears the friendly aunt ."
    plain = translator.translate(text)
    every = [("cross", 1, head) for head in range(4)]
    with masked_heads(translator.model, every):
        masked = translator.translate(text)
        twin = clean_copy(translator)
        assert twin.translate(text).output_text == plain.output_text
        assert translator.translate(text).output_text == masked.output_text
    assert masked.output_text != plain.output_text  # the mask mattered
    assert (
        twin.model is not translator.model and twin.source_tokenizer is translator.source_tokenizer
    )
