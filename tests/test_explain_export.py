"""Every map kind core_models.explain adds round-trips through the JSON and NPZ export, with its
raw values and info (IG's convergence delta), and merges to words like the attention kinds."""

import numpy as np
import pytest

from core_models.explain.attribution import explain_nli, explain_translation
from core_models.explain.rollout import rollout_maps
from core_models.export import load_record, save_record
from core_models.inference import load_model
from core_models.record import KIND_SIDES, AttentionRecord
from core_models.words import merge_record

ATTENTION_KINDS = {
    "encoder_self",
    "decoder_self",
    "cross",
    "premise_to_hypothesis",
    "hypothesis_to_premise",
    "premise_self",
    "hypothesis_self",
    "pair_self",
    "prompt_self",  # a causal language model's (core_models.hf), not a producer of explain
    "causal_self",
}


@pytest.fixture(scope="module")
def explained() -> list[tuple[AttentionRecord, dict]]:
    """A translation record and an NLI record with every explain kind added."""
    translator = load_model("transformer-en-fr")
    text = "he hears the aunt ."
    result = translator.translate(text)
    record = result.record
    record.maps += rollout_maps(record) + explain_translation(translator, text, steps=8)
    translation = {
        "model": translator.name,
        "family": translator.family,
        "inputs": {"source": result.source_pieces},
        "output": {"tokens": result.output_pieces},
    }
    classifier = load_model("encoder_classifier-nli")
    premise, hypothesis = "a man plays a guitar", "a person plays music"
    nli = classifier.classify(premise, hypothesis)
    nli.record.maps += rollout_maps(nli.record) + explain_nli(
        classifier, premise, hypothesis, steps=8
    )
    classification = {
        "model": classifier.name,
        "family": classifier.family,
        "inputs": {"premise": nli.premise_pieces, "hypothesis": nli.hypothesis_pieces},
        "output": {"label": nli.label, "probs": nli.probs},
    }
    return [(record, translation), (nli.record, classification)]


def test_the_records_hold_every_new_kind(explained):
    kinds = {m.kind for record, _ in explained for m in record.maps}
    assert kinds - ATTENTION_KINDS == set(KIND_SIDES) - ATTENTION_KINDS


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_every_new_kind_round_trips(explained, tmp_path, suffix):
    for index, (record, document) in enumerate(explained):
        path = save_record(tmp_path / f"record{index}{suffix}", record, **document)
        loaded, _ = load_record(path)
        assert [(m.kind, m.layer) for m in loaded.maps] == [(m.kind, m.layer) for m in record.maps]
        for original, again in zip(record.maps, loaded.maps, strict=True):
            assert again.query_tokens == original.query_tokens
            assert again.key_tokens == original.key_tokens
            assert np.allclose(again.weights, original.weights, atol=1e-6)
            assert (again.raw is None) == (original.raw is None)
            if original.raw is not None:
                assert np.allclose(again.raw, original.raw, atol=1e-6)
            assert again.info == original.info
    ig = next(m for m in loaded.maps if m.kind == "label_integrated_gradients")
    assert ig.info["steps"] == 8 and len(ig.info["convergence_delta"]) == 1


def test_new_kinds_merge_to_words(explained):
    record, _ = explained[0]
    words = merge_record(record)
    for attention_map in words.maps:
        rows = attention_map.weights.sum(axis=-1)
        assert np.allclose(rows[rows > 0], 1.0, atol=1e-5)
