"""Text in, attention record out: finding models, translating (greedy, beam, forced) and
classifying, with token labels that match the tokenizers' own pieces."""

from pathlib import Path

import numpy as np
import pytest
from tiny_training import tiny_checkpoint, tiny_nli_checkpoint

from core_models.data.pairs import TranslationPair
from core_models.inference import Classifier, Translator, list_models, load_model
from core_models.models.base import NLI_LABELS
from core_models.training.checkpoint import CheckpointError

LIMITED = {"task": "copy", "train_config": {"data": {"max_len": 5}}}


@pytest.fixture(scope="module")
def translator(tmp_path_factory) -> Translator:
    model = load_model(tiny_checkpoint(tmp_path_factory.mktemp("inference") / "tiny", meta=LIMITED))
    assert isinstance(model, Translator)
    return model


def test_source_tokens_are_the_tokenizers_pieces_with_its_eos(translator):
    result = translator.translate("a b c")
    assert result.source_pieces == ["a", "b", "c", "<eos>"]
    assert result.record.get("cross").key_tokens == result.source_pieces
    assert result.record.get("encoder_self").query_tokens == result.source_pieces


def test_greedy_output_matches_its_record_and_text(translator):
    result = translator.translate("a b c", max_len=6)
    assert result.output_pieces == [step.token for step in result.record.steps]
    assert result.record.get("cross").query_tokens == result.output_pieces
    target = translator.target_tokenizer
    ids = [target.piece_to_id(piece) for piece in result.output_pieces]
    assert result.output_text == target.decode(ids)
    assert not result.forced and result.beam is None


def test_forced_decoding_produces_the_reference(translator):
    result = translator.translate("a b", reference="x y z")
    assert result.forced
    assert result.output_pieces == ["x", "y", "z", "<eos>"]
    assert result.output_text == "x y z"
    assert all(0.0 < step.prob <= 1.0 for step in result.record.steps)


def test_beam_search_keeps_the_beam_for_partial_records(translator):
    result = translator.translate("a b c", beam=3, max_len=5)
    assert result.beam is not None and result.output_pieces
    partial = translator.partial_record(result, 1, 0)
    assert partial.get("cross").weights.shape[1] == 2  # two steps of the partial hypothesis
    greedy = translator.translate("a b c", max_len=5)
    with pytest.raises(ValueError, match="not made with beam search"):
        translator.partial_record(greedy, 1, 0)


def test_a_source_longer_than_the_models_limit_is_cut_and_flagged(translator):
    result = translator.translate("a b c d e f a b")
    assert result.truncated and result.source_pieces == ["a", "b", "c", "d", "<eos>"]
    assert not translator.translate("a b c d").truncated


def test_decoding_stops_at_the_models_last_position(translator):
    result = translator.translate("a b c", max_len=100)  # the tiny model has 32 positions
    assert len(result.output_pieces) <= 32
    forced = translator.translate("a", reference=" ".join(["x"] * 40))
    assert forced.output_pieces == ["x"] * 31 + ["<eos>"]


def test_words_never_seen_in_training_are_reported(translator):
    assert translator.translate("a zebra b quokka").unknown_words == ["zebra", "quokka"]


def test_gold_alignment_is_sized_to_the_words_of_the_cross_map(tmp_path):
    model = load_model(tiny_checkpoint(tmp_path / "char", kind="char"))
    result = model.translate("a bc", reference="x yz", gold_alignment=((0, 1), (1, 0)))
    cross = result.record.get("cross")
    assert cross.key_tokens == ["a", "▁", "b", "c", "<eos>"]
    assert cross.query_tokens == ["x", "▁", "y", "z", "<eos>"]
    gold = result.record.gold_alignment  # (target words + EOS, source words + EOS)
    assert gold.shape == (3, 3)
    assert np.argwhere(gold).tolist() == [[0, 1], [1, 0]]


def test_classifier_gives_probabilities_over_the_labels_and_both_alignments(tmp_path):
    model = load_model(tiny_nli_checkpoint(tmp_path / "nli"))
    assert isinstance(model, Classifier)
    result = model.classify("a man sleeps", "a dog")
    assert list(result.probs) == list(NLI_LABELS)
    assert sum(result.probs.values()) == pytest.approx(1.0)
    assert result.label == max(result.probs, key=result.probs.get)
    assert result.record.get("premise_to_hypothesis").weights.shape[1:] == (3, 2)
    assert result.record.get("hypothesis_to_premise").weights.shape[1:] == (2, 3)


def test_an_empty_sentence_is_read_as_one_unknown_word(tmp_path):
    result = load_model(tiny_nli_checkpoint(tmp_path / "nli")).classify("", "a dog")
    assert result.premise_pieces == ["<unk>"]
    assert np.isfinite(list(result.probs.values())).all()


def test_encoder_classifier_labels_the_pair_with_the_tokenizers_specials(tmp_path):
    model = load_model(tiny_nli_checkpoint(tmp_path / "nli", family="encoder_classifier"))
    pair = model.classify("a man", "a dog").record.get("pair_self")
    assert pair.query_tokens == ["<cls>", "a", "man", "<sep>", "a", "dog", "<sep>"]


def test_card_and_samples_describe_the_model(translator):
    card = translator.card()
    assert card["family"] == "transformer" and card["task"] == "copy"
    assert card["parameters"] == sum(p.numel() for p in translator.model.parameters())
    samples = translator.samples(3)
    assert len(samples) == 3 and all(isinstance(s, TranslationPair) for s in samples)


def test_user_models_are_listed_and_found_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path))
    tiny_checkpoint(tmp_path / "models" / "beta")
    tiny_checkpoint(tmp_path / "models" / "alpha" / "model")  # a run directory
    (tmp_path / "models" / "broken").mkdir()  # no config.json: skipped
    user = [entry for entry in list_models() if entry.source == "user"]
    assert [(e.name, e.family, e.task) for e in user] == [
        ("alpha", "transformer", "copy"),
        ("beta", "transformer", "copy"),
    ]
    assert load_model("alpha").name == "alpha"


def test_unknown_model_name_lists_the_known_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path))
    tiny_checkpoint(tmp_path / "models" / "beta")
    with pytest.raises(CheckpointError, match=r"'gamma' is neither a checkpoint directory nor a"):
        load_model("gamma")
    with pytest.raises(CheckpointError, match="beta"):
        load_model(Path("gamma"))


def test_a_run_interrupted_between_renames_is_still_listed(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path))
    run = tmp_path / "models" / "gamma"
    tiny_checkpoint(run / "model").rename(run / ".model.old")  # as a writer killed mid-swap
    assert [entry.name for entry in list_models() if entry.source == "user"] == ["gamma"]
    assert load_model("gamma").family == "transformer"
