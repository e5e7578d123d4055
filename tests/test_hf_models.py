"""Hugging Face models opened through the real loading path (``load_model`` on a
``save_pretrained`` directory): their records hold what the model's own forward returns, beam
search is ``generate``'s, and the pieces merge to the right words. Tiny random models, no hub."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from core_models.hf.classifier import HFClassifier
from core_models.inference import load_model
from core_models.models.base import EOS_ID
from core_models.words import merge_tokens
from tests.hf_fixtures import (
    bart_dir,
    bert_dir,
    deberta_v2_dir,
    electra_dir,
    gpt2_dir,
    marian_dir,
    mbart_dir,
    roberta_dir,
    t5_dir,
)

SEQ2SEQ = {"marian": marian_dir, "bart": bart_dir, "t5": t5_dir, "mbart": mbart_dir}


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return load_model(str(marian_dir(tmp_path_factory.mktemp("marian"))))


@pytest.fixture(scope="module", params=list(SEQ2SEQ))
def seq2seq(request, tmp_path_factory):
    """MarianMT (starts with its pad id, ends with id 0), BART (starts with its EOS id), T5
    (relative positions, ends with id 1) and mBART (a language code after the source's EOS)."""
    return load_model(str(SEQ2SEQ[request.param](tmp_path_factory.mktemp(request.param))))


@pytest.fixture(scope="module")
def bert(tmp_path_factory):
    return load_model(str(bert_dir(tmp_path_factory.mktemp("bert"))))


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    return load_model(str(gpt2_dir(tmp_path_factory.mktemp("gpt2"))))


def words(tokenizer, pieces):
    return merge_tokens(pieces, tokenizer.word_groups(pieces))


def check_rows(record):
    for attention_map in record.maps:
        sums = attention_map.weights.sum(-1)
        assert np.allclose(sums, 1.0, atol=1e-5), (attention_map.kind, attention_map.layer)


def test_seq2seq_record_equals_the_models_own_forward(seq2seq):
    result = seq2seq.translate("the cat sat on the mat", max_len=8)
    hf = seq2seq.model.hf
    source = torch.tensor([seq2seq.source_tokenizer.encode("the cat sat on the mat")])
    produced = seq2seq.model.swap_ids([s.token_id for s in result.record.steps])
    decoder_in = torch.tensor([[seq2seq.model.start_id, *produced[:-1]]])
    with torch.inference_mode():
        own = hf(input_ids=source, decoder_input_ids=decoder_in, output_attentions=True)
    record = result.record
    assert record.layers("encoder_self") == record.layers("cross") == [0, 1]
    for layer in (0, 1):
        for kind, expected in (
            ("encoder_self", own.encoder_attentions[layer]),
            ("decoder_self", own.decoder_attentions[layer]),
            ("cross", own.cross_attentions[layer]),
        ):
            got = record.get(kind, layer).weights
            assert got.shape == tuple(expected[0].shape)
            np.testing.assert_allclose(got, expected[0].numpy(), atol=1e-5)
    check_rows(record)


def eos_biased(seq2seq, bias: float) -> None:
    """The model's output layer with a bias on its end-of-sequence logit (in place): hypotheses
    then end at different lengths, and the length penalty decides between them."""
    hf = seq2seq.model.hf
    old = hf.get_output_embeddings()
    head = torch.nn.Linear(old.in_features, old.out_features, bias=True)
    with torch.no_grad():
        head.weight.copy_(old.weight)
        head.bias.zero_()
        head.bias[seq2seq.model.eos_id] = bias
    hf.set_output_embeddings(head)


def generated(seq2seq, text: str, beam: int, penalty: float, max_len: int) -> list[int]:
    hf = seq2seq.model.hf
    source = torch.tensor([seq2seq.source_tokenizer.encode(text)])
    output = hf.generate(
        source,
        num_beams=beam,
        max_new_tokens=max_len,
        length_penalty=penalty,
        early_stopping=True,
        do_sample=False,
    )[0].tolist()[1:]
    return [t for t in output if t != hf.config.pad_token_id]


@pytest.mark.parametrize("model", list(SEQ2SEQ))
def test_seq2seq_greedy_and_beam_equal_generate(model, tmp_path):
    """Token for token, under generate's own ranking (sum of log-probs / |Y|^length_penalty),
    on a model whose hypotheses end at different lengths (a bias on EOS)."""
    seq2seq = load_model(str(SEQ2SEQ[model](tmp_path)))
    eos_biased(seq2seq, 2.0)
    text, outputs = "the dog is in the garden", set()
    for beam, penalty in ((1, 1.0), (3, 0.0), (3, 1.0), (3, 2.0), (4, 0.5)):
        result = seq2seq.translate(text, beam=beam, max_len=12, length_penalty=penalty)
        expected = generated(seq2seq, text, beam, penalty, 12)
        produced = seq2seq.model.swap_ids([s.token_id for s in result.record.steps])
        assert produced == expected, (beam, penalty)
        outputs.add(tuple(expected))
        if beam > 1:
            assert result.beam is not None and len(result.beam.history) >= len(produced)
    assert len(outputs) > 1  # the penalty changed the winner: the ranking rule was tested


def test_marian_forced_decoding_follows_the_reference(marian):
    result = marian.translate("the cat", reference="le chat est assis")
    assert result.forced
    assert words(marian.target_tokenizer, result.output_pieces) == [
        "le", "chat", "est", "assis", "</s>",
    ]  # fmt: skip
    assert result.record.steps[-1].token_id == EOS_ID
    assert result.record.get("cross", 1).weights.shape[1] == len(result.output_pieces)


def test_sentencepiece_pieces_merge_to_words(marian):
    result = marian.translate("the cat sat on the mat", max_len=3)
    assert words(marian.source_tokenizer, result.source_pieces) == [
        "the", "cat", "sat", "on", "the", "mat", "</s>",
    ]  # fmt: skip


def test_mbart_keeps_its_language_codes_and_forces_through_the_first_eos(tmp_path):
    mbart = load_model(str(mbart_dir(tmp_path)))
    result = mbart.translate("the cat sat", reference="le chat")
    assert words(mbart.source_tokenizer, result.source_pieces) == [
        "the", "cat", "sat", "</s>", "en_XX",
    ]  # fmt: skip
    assert words(mbart.target_tokenizer, result.output_pieces) == ["le", "chat", "</s>"]
    cross = result.record.get("cross", 1).weights
    assert result.output_pieces[-1] == "</s>"  # the steps stop at the reference's EOS
    assert cross.shape[1:] == (len(result.output_pieces), len(result.source_pieces))


@pytest.mark.parametrize("make", [electra_dir, deberta_v2_dir], ids=["electra", "deberta-v2"])
def test_electra_and_deberta_v2_pair_classifiers_are_their_own_forward(make, tmp_path):
    """ELECTRA (WordPiece) and DeBERTa-v2 (sentencepiece, disentangled attention)."""
    model = load_model(str(make(tmp_path)))
    assert isinstance(model, HFClassifier)
    premise, hypothesis = "the cat sat on the mat", "a dog is in the garden"
    result = model.classify(premise, hypothesis)
    assert list(result.probs) == ["entailment", "neutral", "contradiction"]
    if make is deberta_v2_dir:  # the WordPiece vocabulary has no "cat", "garden", ...
        assert words(model.tokenizer, result.premise_pieces) == premise.split()
        assert words(model.tokenizer, result.hypothesis_pieces) == hypothesis.split()
    pair = words(model.tokenizer, result.record.get("pair_self", 0).key_tokens)
    assert pair[0] == "[CLS]" and pair.count("[SEP]") == 2
    encoded = model.tokenizer.hf(premise, hypothesis, return_tensors="pt")
    with torch.inference_mode():
        own = model.model(**encoded, output_attentions=True)
    assert len(own.attentions) == 2
    for layer, expected in enumerate(own.attentions):
        np.testing.assert_allclose(
            result.record.get("pair_self", layer).weights, expected[0].numpy(), atol=1e-5
        )
    check_rows(result.record)


def test_bert_pair_classifier_labels_maps_and_words(bert):
    assert isinstance(bert, HFClassifier)
    result = bert.classify("the man is playing in the park .", "a dog sleeps")
    assert set(result.probs) == {"entailment", "neutral", "contradiction"}
    assert abs(sum(result.probs.values()) - 1) < 1e-5
    assert words(bert.tokenizer, result.premise_pieces) == [
        "the", "man", "is", "playing", "in", "the", "park", ".",
    ]  # fmt: skip
    assert words(bert.tokenizer, result.hypothesis_pieces) == ["a", "dog", "sleeps"]
    pair = result.record.get("pair_self", 0).key_tokens
    assert words(bert.tokenizer, pair)[0] == "[CLS]" and pair.count("[SEP]") == 2
    encoded = bert.tokenizer.hf(
        "the man is playing in the park .", "a dog sleeps", return_tensors="pt"
    )
    with torch.inference_mode():
        own = bert.model(**encoded, output_attentions=True)
    assert result.label == ("entailment", "neutral", "contradiction")[int(own.logits.argmax())]
    for layer, expected in enumerate(own.attentions):
        np.testing.assert_allclose(
            result.record.get("pair_self", layer).weights, expected[0].numpy(), atol=1e-5
        )
    check_rows(result.record)


def test_roberta_pair_classifier_reads_byte_level_pieces_as_words(tmp_path):
    roberta = load_model(str(roberta_dir(tmp_path)))
    result = roberta.classify("the cat sat.", "a cat")
    assert list(result.probs) == ["contradiction", "entailment", "neutral"]  # id2label's order
    assert words(roberta.tokenizer, result.premise_pieces) == ["the", "cat", "sat."]
    assert words(roberta.tokenizer, result.hypothesis_pieces) == ["a", "cat"]
    pair = result.record.get("pair_self", 1).key_tokens
    assert pair[0] == "<s>" and pair.count("</s>") == 3
    encoded = roberta.tokenizer.hf("the cat sat.", "a cat", return_tensors="pt")
    with torch.inference_mode():
        own = roberta.model(**encoded, output_attentions=True)
    for layer, expected in enumerate(own.attentions):
        np.testing.assert_allclose(
            result.record.get("pair_self", layer).weights, expected[0].numpy(), atol=1e-5
        )
    check_rows(result.record)


def test_gpt2_continuation_is_generate_and_maps_are_the_forward(gpt2):
    hf = gpt2.model.hf
    prompt = gpt2.source_tokenizer.encode("the cat sat")
    result = gpt2.translate("the cat sat", max_len=6)
    continuation = gpt2.model.swap_ids([s.token_id for s in result.record.steps])
    expected = hf.generate(torch.tensor([prompt]), max_new_tokens=6, do_sample=False)[0].tolist()
    assert prompt + continuation == expected[: len(prompt) + len(continuation)]
    with torch.inference_mode():
        own = hf(input_ids=torch.tensor([prompt + continuation[:-1]]), output_attentions=True)
    size = len(prompt)
    for layer, expected_map in enumerate(own.attentions):
        full = expected_map[0].numpy()
        np.testing.assert_allclose(
            result.record.get("prompt_self", layer).weights, full[:, :size, :size], atol=1e-5
        )
        np.testing.assert_allclose(
            result.record.get("causal_self", layer).weights, full[:, size - 1 :], atol=1e-5
        )
    assert words(gpt2.source_tokenizer, result.source_pieces) == ["the", "cat", "sat"]
    assert all(len(step.top_k) == 5 for step in result.record.steps)
    check_rows(result.record)
    for prompt in ("the cat " * 10, "the cat " * 40):  # within, and past, the 64 positions
        long = gpt2.translate(prompt)
        assert len(long.source_pieces) <= 63
        assert len(long.output_pieces) == 64 - len(long.source_pieces)  # the positions left


def test_cli_translates_and_classifies_with_a_saved_model(tmp_path):
    marian_path = marian_dir(tmp_path / "m")
    bert_path = bert_dir(tmp_path / "b")
    run = [sys.executable, "-m", "core_models"]
    translated = subprocess.run(
        [*run, "translate", str(marian_path), "the cat sat"], capture_output=True, text=True
    )
    assert translated.returncode == 0, translated.stderr
    assert "</s>" in translated.stdout or translated.stdout.strip()
    classified = subprocess.run(
        [*run, "nli", str(bert_path), "a man is playing", "a dog sleeps"],
        capture_output=True,
        text=True,
    )
    assert classified.returncode == 0, classified.stderr
    assert any(label in classified.stdout for label in ("entailment", "neutral", "contradiction"))


def test_an_unknown_hf_name_offline_is_one_clear_error(tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    import os

    env = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-m", "core_models", "translate", "hf:nobody/no-model", "hello"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "nobody/no-model" in done.stderr
    assert "local cache: none" in done.stderr and "Traceback" not in done.stderr


def test_import_core_models_does_not_import_transformers():
    code = "import core_models, core_models.inference, core_models.hf, sys; "
    code += "print('transformers' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_source_past_the_positions_is_cut_keeping_its_end_token(marian):
    result = marian.translate("the cat sat " * 30, max_len=2)
    assert result.truncated and len(result.source_pieces) == 64  # the model's positions
    assert result.source_pieces[-1] == "</s>"
    assert result.record.get("encoder_self", 0).weights.shape[1:] == (64, 64)


def test_known_words_are_not_reported_unknown_whatever_id_the_model_gives_unk(seq2seq, capsys):
    """T5 gives id 1 to ``</s>`` and 2 to ``<unk>``: the project's own UNK id must not be read
    as unknown in a Hugging Face vocabulary."""
    report = seq2seq.unknown(["the cat sat on the mat"])
    assert report.unknown == 0 and report.total == 6
