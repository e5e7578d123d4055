"""Gradient attribution (core_models.explain.attribution) on the bundled models: completeness of
integrated gradients, saliency against a gradient taken here, every family, the NLI pair."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from core_models.explain.attribution import (
    explain_nli,
    explain_translation,
    seq2seq_attributions,
    source_embedding_module,
)
from core_models.explain.inputs import nli_ids, translation_ids
from core_models.inference import load_model
from core_models.models.base import BOS_ID, PAD_ID
from core_models.record import NLI_LABELS

SENTENCE = "he hears the friendly aunt ."


def target_log_probs(model, src_ids, tgt_ids, src=None):
    """log p(tgt_ids[t] | tgt_ids[:t], src) for every t, computed directly."""
    src = torch.tensor([src_ids]) if src is None else src
    tgt_in = torch.tensor([[BOS_ID, *tgt_ids[:-1]]])
    with torch.no_grad():
        logits = model(src, torch.tensor([len(src_ids)]), tgt_in).logits[0].float()
    return logits.log_softmax(-1)[torch.arange(len(tgt_ids)), torch.tensor(tgt_ids)].numpy()


def test_integrated_gradients_are_complete_for_every_output_token():
    translator = load_model("rnn-en-fr")
    src_ids, tgt_ids, _ = translation_ids(translator, SENTENCE)
    (ig,) = explain_translation(translator, SENTENCE, methods=("integrated_gradients",), steps=64)
    # the baseline is the PAD embedding at every source position
    at_input = target_log_probs(translator.model, src_ids, tgt_ids)
    at_baseline = target_log_probs(
        translator.model, src_ids, tgt_ids, torch.full((1, len(src_ids)), PAD_ID)
    )
    assert ig.raw.shape == (1, len(tgt_ids), len(src_ids))
    assert np.abs(ig.raw[0].sum(axis=1) - (at_input - at_baseline)).max() < 1e-2
    assert ig.info["steps"] == 64
    assert len(ig.info["convergence_delta"]) == len(tgt_ids)
    assert max(abs(d) for d in ig.info["convergence_delta"]) < 1e-2


def test_integrated_gradients_are_complete_for_the_nli_label():
    classifier = load_model("encoder_classifier-nli")
    premise, hypothesis = "a man plays a guitar", "a person plays music"
    premise_ids, hypothesis_ids, pair, result = nli_ids(classifier, premise, hypothesis)
    (ig,) = explain_nli(classifier, premise, hypothesis, methods=("integrated_gradients",))
    label = NLI_LABELS.index(result.label)

    def log_prob(p, h):
        with torch.no_grad():
            logits = classifier.model(
                torch.tensor([p]), torch.tensor([len(p)]), torch.tensor([h]), torch.tensor([len(h)])
            ).logits
        return float(logits.float().log_softmax(-1)[0, label])

    expected = log_prob(premise_ids, hypothesis_ids) - log_prob(
        [PAD_ID] * len(premise_ids), [PAD_ID] * len(hypothesis_ids)
    )
    assert abs(ig.raw[0, 0].sum() - expected) < 1e-2
    assert ig.query_tokens == [result.label] and ig.key_tokens == pair
    specials = [0, len(premise_ids) + 1, len(pair) - 1]
    assert np.all(ig.weights[0, 0, specials] == 0.0)


def test_saliency_rows_are_each_output_tokens_own_gradient():
    translator = load_model("transformer-en-fr")
    model = translator.model
    src_ids, tgt_ids, result = translation_ids(translator, SENTENCE)
    (saliency,) = seq2seq_attributions(
        model, src_ids, tgt_ids, result.source_pieces, result.output_pieces, methods=("saliency",)
    )
    kept = []

    def keep_grad(_module, _inputs, output):
        output.retain_grad()
        kept.append(output)

    handle = source_embedding_module(model).register_forward_hook(keep_grad)
    try:
        tgt_in = torch.tensor([[BOS_ID, *tgt_ids[:-1]]])
        for t, token in enumerate(tgt_ids):
            logits = model(torch.tensor([src_ids]), torch.tensor([len(src_ids)]), tgt_in).logits
            logits[0, t].float().log_softmax(-1)[token].backward()
            norms = kept[-1].grad[0].norm(dim=-1).numpy()
            assert np.allclose(saliency.weights[0, t], norms / norms.sum(), atol=1e-4)
    finally:
        handle.remove()
    assert saliency.query_tokens == result.output_pieces
    assert saliency.key_tokens == result.source_pieces


@pytest.mark.parametrize(
    "name", ["rnn-en-fr", "bahdanau-en-fr", "luong-en-fr", "transformer-en-de"]
)
def test_every_translation_family_gives_three_normalised_maps(name):
    translator = load_model(name)
    result = translator.translate(SENTENCE)
    maps = explain_translation(translator, SENTENCE, steps=4)
    assert [m.kind for m in maps] == ["saliency", "input_x_gradient", "integrated_gradients"]
    for attribution in maps:
        assert attribution.weights.shape == (
            1,
            len(result.output_pieces),
            len(result.source_pieces),
        )
        assert np.allclose(attribution.weights.sum(axis=-1), 1.0, atol=1e-5)
        assert (attribution.weights >= 0).all()
        assert attribution.raw.shape == attribution.weights.shape


def test_a_given_reference_is_the_output_explained():
    translator = load_model("bahdanau-en-fr")
    maps = explain_translation(translator, SENTENCE, reference="il entend", steps=4)
    assert maps[0].query_tokens[-1] == "<eos>" and len(maps[0].query_tokens) == 3


def test_decomposable_attributes_premise_and_hypothesis_and_an_asked_label():
    classifier = load_model("decomposable-nli")
    premise, hypothesis = "a man plays a guitar", "a woman sleeps"
    maps = explain_nli(classifier, premise, hypothesis, label="neutral", steps=8)
    assert [m.kind for m in maps] == [
        "label_saliency",
        "label_input_x_gradient",
        "label_integrated_gradients",
    ]
    premise_len = len(maps[0].key_tokens) - 3 - len(hypothesis.split())
    for attribution in maps:
        assert attribution.query_tokens == ["neutral"]
        row = attribution.weights[0, 0]
        assert np.isclose(row.sum(), 1.0, atol=1e-5)
        assert row[1 : premise_len + 1].sum() > 0 and row[premise_len + 2 : -1].sum() > 0
        assert row[[0, premise_len + 1, len(row) - 1]].tolist() == [0.0, 0.0, 0.0]


def test_unknown_label_and_method_are_refused():
    classifier = load_model("decomposable-nli")
    with pytest.raises(ValueError, match="unknown NLI label 'maybe'"):
        explain_nli(classifier, "a man", "a person", label="maybe")
    with pytest.raises(ValueError, match="unknown attribution method 'lime'"):
        explain_nli(classifier, "a man", "a person", methods=("lime",))


def test_importing_core_models_needs_neither_captum_nor_scipy():
    code = (
        "import sys, core_models.inference, core_models.export, core_models.explain.rollout, "
        "core_models.explain.attribution, core_models.explain.ablation, "
        "core_models.explain.editing, core_models.explain.agreement; "
        "print(sorted(m for m in ('captum', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_explaining_chosen_rows_only_gives_those_rows_of_the_whole_map():
    translator = load_model("luong-en-fr")
    src_ids, tgt_ids, result = translation_ids(translator, SENTENCE)
    tokens = (result.source_pieces, result.output_pieces)
    whole = seq2seq_attributions(translator.model, src_ids, tgt_ids, *tokens, steps=16)
    chosen = seq2seq_attributions(translator.model, src_ids, tgt_ids, *tokens, steps=16, rows=[2])
    for full, part in zip(whole, chosen, strict=True):
        assert np.allclose(part.weights[0, 2], full.weights[0, 2], atol=1e-5)
        assert not part.weights[0, [0, 1, 3]].any()
    assert chosen[2].info["rows"] == [2] and len(chosen[2].info["convergence_delta"]) == 1
    chunked = seq2seq_attributions(
        translator.model, src_ids, tgt_ids, *tokens, steps=16, internal_batch_size=5
    )
    for full, part in zip(whole, chunked, strict=True):
        assert np.allclose(part.weights, full.weights, atol=1e-5)
    with pytest.raises(ValueError, match="rows \\[9\\] must be output positions in 0..6"):
        seq2seq_attributions(translator.model, src_ids, tgt_ids, *tokens, rows=[9])


def captum_integrated_gradients(model, src_ids, tgt_ids, row, steps):
    """Captum's IntegratedGradients of log p(tgt_ids[row] | tgt_ids[:row], src) with respect to
    the source embedding module's output (baseline: its output for PAD ids), the objective
    written out here: (attributions (S, d), convergence delta)."""
    from captum.attr import IntegratedGradients

    module = source_embedding_module(model)
    src, tgt_in = torch.tensor([src_ids]), torch.tensor([[BOS_ID, *tgt_ids[:-1]]])
    with torch.no_grad():
        embedded, baseline = module(src), module(torch.full_like(src, PAD_ID))

    def log_prob(embeddings):
        batch = embeddings.shape[0]
        handle = module.register_forward_hook(lambda _m, _i, _out: embeddings)
        try:
            logits = model(
                src.expand(batch, -1),
                torch.tensor([len(src_ids)] * batch),
                tgt_in.expand(batch, -1),
            ).logits
        finally:
            handle.remove()
        return logits.float().log_softmax(-1)[:, row, tgt_ids[row]]

    with torch.enable_grad():
        attributions, delta = IntegratedGradients(log_prob).attribute(
            embedded, baselines=baseline, n_steps=steps, return_convergence_delta=True
        )
    return attributions[0], float(delta[0])


@pytest.mark.parametrize("name", ["transformer-en-fr", "bahdanau-en-fr", "rnn-en-fr"])
def test_integrated_gradients_of_a_translation_are_captums_row_by_row(name):
    """The shared-forward IG (one forward over the steps, one backward per row; the Transformer's
    output layer at the explained rows only; the steps in chunks or not), of every row at once
    and of each row alone, gives Captum's IntegratedGradients of each token: raw values,
    normalised weights and completeness deltas."""
    translator = load_model(name)
    src_ids, tgt_ids, result = translation_ids(translator, "he hears the aunt .")
    tokens = (result.source_pieces, result.output_pieces)

    def explain(rows=None, points=None):
        (ig,) = seq2seq_attributions(
            translator.model,
            src_ids,
            tgt_ids,
            *tokens,
            methods=("integrated_gradients",),
            steps=16,
            rows=rows,
            internal_batch_size=points,
        )
        return ig

    together = explain()
    chunked = explain(points=5)  # 16 interpolation points in forwards of 5, 5, 5 and 1
    assert np.allclose(chunked.raw, together.raw, atol=1e-5)
    for row in range(len(tgt_ids)):
        alone = explain([row])
        captum, delta = captum_integrated_gradients(translator.model, src_ids, tgt_ids, row, 16)
        raw = captum.sum(-1).numpy()
        norms = captum.norm(dim=-1).numpy()
        for ig in (together, alone):
            assert np.allclose(ig.raw[0, row], raw, atol=1e-5)
            assert np.allclose(ig.weights[0, row], norms / norms.sum(), atol=1e-5)
        assert together.info["convergence_delta"][row] == pytest.approx(delta, abs=1e-5)
        assert alone.info["convergence_delta"] == [pytest.approx(delta, abs=1e-5)]
    assert np.abs(together.raw).sum(axis=-1).max() > 0.1  # rows with something to compare


def test_a_reversed_source_is_attributed_to_its_own_tokens():
    from core_models.models.rnn import RNNConfig, RNNSeq2Seq

    config = dict(src_vocab_size=20, tgt_vocab_size=20, embed_size=8, hidden_size=8)
    reversing = RNNSeq2Seq(RNNConfig(**config, reverse_source=True)).eval()
    plain = RNNSeq2Seq(RNNConfig(**config)).eval()
    plain.load_state_dict(reversing.state_dict())
    src_ids, tgt_ids = [7, 8, 9, 10, 3], [11, 12, 3]
    names = [str(i) for i in src_ids]
    backwards = seq2seq_attributions(reversing, src_ids, tgt_ids, names, ["a", "b", "c"], steps=8)
    forwards = seq2seq_attributions(
        plain, src_ids[::-1], tgt_ids, names[::-1], ["a", "b", "c"], steps=8
    )
    for a, b in zip(backwards, forwards, strict=True):
        assert np.allclose(a.weights[0], b.weights[0][:, ::-1], atol=1e-5)
        assert np.abs(a.weights[0] - a.weights[0][:, ::-1]).max() > 1e-3  # not symmetric
