"""Rows/columns filtered by selecting text: which tokens a text selection stands for (word, BPE and
character tokenizers, the NLI pair sequence, truncated inputs, merged words), without Qt."""

from __future__ import annotations

import pytest
from record_factory import make_translation_record

from app.state.selection import TokenSpan
from app.state.text_filter import TextSelection, token_span, word_bounds
from core_models.record import AttentionMap, AttentionRecord
from core_models.tokenizers import train_tokenizer

CORPUS = [
    "the cat sat on the mat",
    "unbelievable things happen",
    "a dog, runs home .",
    "the black cat sleeps",
] * 20


@pytest.fixture(scope="module")
def tokenizers():
    return {
        "word": train_tokenizer("word", CORPUS, vocab_size=60),
        "bpe": train_tokenizer("bpe", CORPUS, vocab_size=300),
        "char": train_tokenizer("char", CORPUS, vocab_size=300),
    }


def source_record(tokenizer, text: str, limit: int | None = None) -> AttentionRecord:
    """A translation record whose source is ``text`` as ``tokenizer`` reads it (cut to
    ``limit`` pieces), then EOS."""
    pieces = tokenizer.pieces(text)[:limit]
    return make_translation_record(source=[*pieces, "<eos>"], target=["x", "y", "<eos>"])


def select(text: str, words: str, box: str = "source") -> TextSelection:
    """The selection of the characters of ``words`` in ``text``."""
    start = text.index(words)
    return TextSelection(box, start, start + len(words))


def span_of(tokenizer, record, chosen, text, words=False):
    return token_span(lambda side: tokenizer, record, chosen, text, words)


def test_a_selection_grows_to_the_whole_words_it_touches():
    assert word_bounds("the black cat", 5, 7) == (4, 9)  # "la" of "black"
    assert word_bounds("the black cat", 2, 5) == (0, 9)  # "e b": two words
    assert word_bounds("the  black", 3, 5) is None  # only spaces


def test_punctuation_the_word_tokenizer_splits_off_is_a_token_of_its_own(tokenizers):
    text = "a dog, runs home ."
    record = source_record(tokenizers["word"], text)  # a dog , runs home .
    assert span_of(tokenizers["word"], record, select(text, "runs"), text) == TokenSpan(
        "source", 3, 3
    )
    assert span_of(tokenizers["word"], record, select(text, "dog,"), text) == TokenSpan(
        "source", 1, 2
    )


@pytest.mark.parametrize("kind", ["bpe", "char"])
def test_a_word_split_into_pieces_keeps_all_of_its_pieces(tokenizers, kind):
    tokenizer = tokenizers[kind]
    text = "an unbelievable dog"
    record = source_record(tokenizer, text)
    span = span_of(tokenizer, record, select(text, "believ"), text)
    pieces = record.get("cross", 0).key_tokens[span.first : span.last + 1]
    assert "".join(pieces).replace("▁", " ").strip() == "unbelievable"


def test_in_merged_words_the_span_counts_words(tokenizers):
    tokenizer = tokenizers["bpe"]
    text = "an unbelievable dog"
    record = source_record(tokenizer, text)
    chosen = select(text, "unbelievable dog")
    assert span_of(tokenizer, record, chosen, text, words=True) == TokenSpan("source", 1, 2)


def test_words_past_a_truncated_input_are_left_out(tokenizers):
    tokenizer = tokenizers["word"]
    text = "the cat sat on the mat"
    record = source_record(tokenizer, text, limit=3)  # the cat sat <eos>
    assert span_of(tokenizer, record, select(text, "sat on"), text) == TokenSpan("source", 2, 2)
    assert span_of(tokenizer, record, select(text, "mat"), text) is None


def test_selected_output_words_are_the_word_groups_of_the_target_pieces(tokenizers):
    tokenizer = tokenizers["bpe"]
    output = "the unbelievable cat"
    pieces = [*tokenizer.pieces(output), "<eos>"]
    record = make_translation_record(source=["a", "<eos>"], target=pieces)
    span = span_of(tokenizer, record, select(output, "cat", box="output"), output)
    assert span.side == "target" and span.last == len(pieces) - 2  # EOS is not text
    assert "".join(pieces[span.first : span.last + 1]) == "▁cat"


def test_premise_and_hypothesis_words_land_in_their_part_of_the_pair_sequence(tokenizers):
    tokenizer = tokenizers["word"]
    premise, hypothesis = "the black cat sleeps", "a cat sleeps"
    pair = ["<cls>", *tokenizer.pieces(premise), "<sep>", *tokenizer.pieces(hypothesis), "<sep>"]
    weights = make_translation_record(source=pair, target=pair).get("encoder_self", 0).weights
    record = AttentionRecord(maps=[AttentionMap("pair_self", 0, weights, pair, pair)])
    chosen = select(premise, "black cat", box="premise")
    assert span_of(tokenizer, record, chosen, premise) == TokenSpan("pair", 2, 3)
    chosen = select(hypothesis, "sleeps", box="hypothesis")
    assert span_of(tokenizer, record, chosen, hypothesis) == TokenSpan("pair", 8, 8)


def test_a_text_selection_names_a_known_box_and_a_real_range():
    with pytest.raises(ValueError, match="choose one of source"):
        TextSelection("title", 0, 2)
    with pytest.raises(ValueError, match="start < end"):
        TextSelection("source", 3, 3)
