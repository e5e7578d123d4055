"""Chinese maps merged from characters or sentencepiece pieces to words: a tokenizer trained for a
bundled zh-en model groups its pieces into the generator's words (jieba with the task's lexicon),
any other tokenizer into jieba's dictionary words; merged maps keep rows summing to 1 and the gold
alignment (over the generator's words) is sized like the merged cross map."""

from __future__ import annotations

import numpy as np
import pytest

from core_models.data.tasks import zh_en
from core_models.inference import load_model
from core_models.tokenizers import train_tokenizer
from core_models.training.config import DataConfig, TokenizerConfig, TrainConfig
from core_models.training.data import train_tokenizers
from core_models.training.trainer import Trainer
from core_models.words import merge_map, merge_record, merge_tokens

COUNT = 300


@pytest.fixture(scope="module")
def pairs_and_words():
    """zh-en training pairs, with the generator's Chinese and English words of each."""
    pairs = zh_en.generate("train", seed=0, size=COUNT)
    tokens = zh_en._pairs("zh-en", "train", 0, COUNT)
    words = [([w for w, _ in chinese], [w for w, _ in english]) for english, chinese in tokens]
    assert ["".join(chinese) for chinese, _ in words] == [pair.source for pair in pairs]
    return pairs, words


@pytest.mark.parametrize("kind, vocab", [("char", 2000), ("bpe", 700)])
def test_pieces_merge_into_the_generators_words(pairs_and_words, kind, vocab):
    pairs, words = pairs_and_words
    data = DataConfig(task="zh-en", source_lang="zh", target_lang="en")
    tokenizers = train_tokenizers(TokenizerConfig(kind=kind, vocab_size=vocab), "translation",
                                  pairs, data)  # fmt: skip
    source, target = tokenizers["source"], tokenizers["target"]
    rng = np.random.default_rng(0)
    split_pieces = exact = 0
    for pair, (chinese, english) in zip(pairs, words, strict=True):
        source_pieces = [*source.pieces(pair.source), "<eos>"]
        target_pieces = [*target.pieces(pair.target), "<eos>"]
        source_groups = source.word_groups(source_pieces)
        target_groups = target.word_groups(target_pieces)
        merged_words = merge_tokens(source_pieces, source_groups)
        # each generator word is in one merged word: itself, or (a BPE piece spanning two words,
        # "游泳的") the words that piece spans
        of_word = source.word_positions(source_pieces)
        assert len(of_word) == len(chinese)
        assert [
            "".join(w for w, g in zip(chinese, of_word, strict=True) if g == i)
            for i in range(len(merged_words) - 1)
        ] == merged_words[:-1]
        exact += merged_words == [*chinese, "<eos>"]
        assert merge_tokens(target_pieces, target_groups) == [*english, "<eos>"]
        split_pieces += len(source_pieces) - len(source_groups)
        logits = rng.normal(size=(2, len(target_pieces), len(source_pieces)))
        weights = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        merged = merge_map(weights, target_groups, source_groups)
        assert merged.shape == (2, len(english) + 1, len(merged_words))
        np.testing.assert_allclose(merged.sum(axis=-1), 1.0, atol=1e-9)
    assert split_pieces > 0  # words of several pieces were merged, not pieces already words
    assert exact == COUNT if kind == "char" else exact > 0


def test_without_a_task_jieba_s_dictionary_groups_the_characters():
    tokenizer = train_tokenizer("char", ["我昨天在公园看见了一只猫。", "他不喂猪。"], 400)
    pieces = tokenizer.pieces("我昨天在公园看见了一只猫。")
    words = merge_tokens(pieces, tokenizer.word_groups(pieces))
    assert words == ["我", "昨天", "在", "公园", "看见", "了", "一只", "猫", "。"]


def test_a_piece_across_two_jieba_words_keeps_them_in_one_word():
    tokenizer = train_tokenizer("char", ["我看见了", "我 看见"], 400)
    pieces = ["▁我", "看见了", "猫", "<eos>"]  # as a BPE vocabulary could cut them
    assert merge_tokens(pieces, tokenizer.word_groups(pieces)) == ["我", "看见了", "猫", "<eos>"]
    spaced = tokenizer.pieces("我 看见")  # a space is a word boundary jieba cannot remove
    assert merge_tokens(spaced, tokenizer.word_groups(spaced)) == ["我", "看见"]


@pytest.fixture(scope="module")
def char_model(tmp_path_factory):
    """A char-level zh-en Transformer trained for 3 steps (its maps are near uniform)."""
    run = tmp_path_factory.mktemp("zh-char") / "run"
    config = TrainConfig.from_dict(
        {
            "name": "zh-char",
            "data": {"task": "zh-en", "train_size": COUNT, "valid_size": 8, "max_len": 72},
            "tokenizer": {"kind": "char", "vocab_size": 2000},
            "model": {"family": "transformer", "options": {"d_model": 16, "heads": 2,
                      "encoder_layers": 1, "decoder_layers": 1, "ff_size": 16, "dropout": 0.0}},
            "run": {"batch_size": 16, "max_steps": 3, "eval_every": 1000,
                    "checkpoint_every": 1000, "device": "cpu", "seed": 1},
        },
        source="test config",
    )  # fmt: skip
    return load_model(Trainer(config, run).run())


def test_a_char_model_s_record_merges_to_words_and_matches_its_gold(char_model):
    pair = zh_en.generate("test", seed=0, size=1)[0]
    result = char_model.translate(pair.source, reference=pair.target, gold_alignment=pair.alignment)
    words = merge_record(result.record, {
        "source": char_model.source_tokenizer.word_groups(result.source_pieces),
        "target": char_model.target_tokenizer.word_groups(result.record.get("cross", 0).query_tokens),
    })  # fmt: skip
    cross = words.get("cross", 0)
    assert cross.key_tokens[:-1] == char_model.source_tokenizer.words(pair.source)
    assert "".join(cross.key_tokens[:-1]) == pair.source and len(cross.key_tokens) < len(
        pair.source
    )
    assert cross.query_tokens[:-1] == pair.target.split()
    np.testing.assert_allclose(cross.weights.sum(axis=-1), 1.0, atol=1e-5)
    gold = result.record.gold_alignment
    assert gold.shape == cross.weights.shape[1:]
    assert {(s, t) for t, s in zip(*np.nonzero(gold), strict=True)} == set(pair.alignment)


def test_a_hugging_face_tokenizer_s_chinese_characters_merge_into_jieba_words(tmp_path):
    from transformers import BertTokenizer

    from core_models.hf.tokens import HFTokenizer

    sentence = "我昨天在公园看见了一只猫。"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *dict.fromkeys(sentence)]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = HFTokenizer(BertTokenizer(str(tmp_path / "vocab.txt")))
    pieces = tokenizer.pieces(tokenizer.encode(sentence))
    # BERT reads Chinese character by character, each a word of its own (▁: a word's start)
    assert pieces == ["[CLS]", *(f"▁{char}" for char in sentence), "[SEP]"]
    words = merge_tokens(pieces, tokenizer.word_groups(pieces))
    assert words == ["[CLS]", "我", "昨天", "在", "公园", "看见", "了", "一只", "猫", "。", "[SEP]"]
