"""Tokenizers: round trips, special ids, save/load identity, word groups, unspaced scripts."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core_models.models.base import BOS_ID, CLS_ID, EOS_ID, PAD_ID, SEP_ID, UNK_ID
from core_models.tokenizers import (
    KINDS,
    Tokenizer,
    load_tokenizer,
    normalize_text,
    suggest_tokenizer,
    train_tokenizer,
)
from core_models.tokenizers.base import SPECIAL_PIECES
from core_models.words import merge_tokens

SUBJECTS = ["the cat", "a dog", "my sister", "the old man", "our teacher", "le chat", "la fille"]
VERBS = ["sees", "likes", "eats", "wants", "mange", "regarde"]
OBJECTS = ["the apple.", "a red ball!", "bread, cheese and milk.", "la pomme verte ?", "un café."]
ENGLISH_FRENCH = [" ".join(p) for p in itertools.product(SUBJECTS, VERBS, OBJECTS)]
CHINESE = [
    "我喜欢吃苹果。",
    "他每天早上喝咖啡。",
    "我们明天去北京。",
    "这本书很有意思。",
    "她在学校学习中文。",
    "今天天气很好。",
    "我的朋友住在上海。",
    "你想吃什么？",
]
CORPUS = ENGLISH_FRENCH + CHINESE * 3


@pytest.fixture(scope="module")
def tokenizers() -> dict[str, Tokenizer]:
    return {kind: train_tokenizer(kind, CORPUS, vocab_size=400) for kind in KINDS}


@pytest.mark.parametrize("kind", ["bpe", "unigram", "char"])
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40))
def test_decode_of_encode_gives_back_the_normalised_text(tokenizers, kind, text):
    tokenizer = tokenizers[kind]
    assert tokenizer.decode(tokenizer.encode(text)) == normalize_text(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_normalising_twice_changes_nothing(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "  " not in once and once == once.strip()


@pytest.mark.parametrize("kind", ["bpe", "unigram", "char"])
@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab c我喜欢é\u0301!?▁ \t"), max_size=30))
def test_words_match_the_grouped_pieces(tokenizers, kind, text):
    tokenizer = tokenizers[kind]
    pieces = tokenizer.pieces(text)
    assert tokenizer.words(text) == merge_tokens(pieces, tokenizer.word_groups(pieces))


def test_special_pieces_are_listed_by_their_ids():
    ids = [PAD_ID, UNK_ID, BOS_ID, EOS_ID, CLS_ID, SEP_ID]
    assert [SPECIAL_PIECES[i] for i in ids] == [
        "<pad>",
        "<unk>",
        "<bos>",
        "<eos>",
        "<cls>",
        "<sep>",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_special_ids_are_the_same_in_every_tokenizer(tokenizers, kind):
    tokenizer = tokenizers[kind]
    assert [tokenizer.id_to_piece(i) for i in range(6)] == SPECIAL_PIECES
    assert tokenizer.piece_to_id("<eos>") == EOS_ID
    assert tokenizer.piece_to_id("<sep>") == SEP_ID


@pytest.mark.parametrize("kind", KINDS)
def test_encode_adds_no_bos_or_eos_and_decode_skips_them(tokenizers, kind):
    tokenizer = tokenizers[kind]
    ids = tokenizer.encode("the cat likes the apple.")
    assert BOS_ID not in ids and EOS_ID not in ids
    padded = [BOS_ID, *ids, EOS_ID, PAD_ID, PAD_ID]
    assert tokenizer.decode(padded) == tokenizer.decode(ids)
    assert tokenizer.decode(ids).replace(" ", "") == "thecatlikestheapple."


@pytest.mark.parametrize("kind", KINDS)
def test_saved_tokenizer_gives_the_same_ids_and_vocabulary(tokenizers, kind, tmp_path):
    tokenizer = tokenizers[kind]
    tokenizer.save(tmp_path, "source")
    loaded = load_tokenizer(tmp_path, "source")
    assert loaded.kind == kind
    assert loaded.vocabulary() == tokenizer.vocabulary()
    for text in [*CORPUS[:20], "zebras 吃 xyz!", "我们喝茶。"]:
        assert loaded.encode(text) == tokenizer.encode(text)
        assert loaded.unknown_words(text) == tokenizer.unknown_words(text)


def test_sentencepiece_tokenizer_saves_its_model_beside_the_json(tokenizers, tmp_path):
    tokenizers["bpe"].save(tmp_path, "target")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.model", "target.tokenizer.json"]
    (tmp_path / "target.model").unlink()
    with pytest.raises(FileNotFoundError, match="target.model"):
        load_tokenizer(tmp_path, "target")


@pytest.mark.parametrize("kind", KINDS)
def test_word_groups_cover_each_whitespace_word(tokenizers, kind):
    tokenizer = tokenizers[kind]
    text = "our teacher regarde bread , cheese and la pomme verte ?"
    pieces = [*tokenizer.pieces(text), "<eos>"]
    groups = tokenizer.word_groups(pieces)
    assert sorted(i for group in groups for i in group) == list(range(len(pieces)))
    assert merge_tokens(pieces, groups) == [*text.split(), "<eos>"]
    assert groups[-1] == [len(pieces) - 1]  # <eos> is a word of its own


@pytest.mark.parametrize("kind", ["bpe", "unigram", "char"])
def test_chinese_sentence_is_several_words_not_one_unknown_word(tokenizers, kind):
    tokenizer = tokenizers[kind]
    sentence = "我们每天喝咖啡。"  # every character occurs in the training text
    assert len(tokenizer.words(sentence)) >= 3
    assert "".join(tokenizer.words(sentence)) == sentence
    assert tokenizer.unknown_words(sentence) == []
    # 茶 never occurs in training: the jieba word holding it (喝茶, drink tea) is unknown
    assert tokenizer.unknown_words("我们喝茶。") == ["喝茶"]


def test_unknown_words_are_those_missing_from_the_training_text(tokenizers):
    for kind in KINDS:
        unknown = tokenizers[kind].unknown_words("the zebra sees the zebra and a giraffe")
        assert unknown == ["zebra", "giraffe"], kind


def test_unseen_characters_fall_back_to_bytes_not_unk(tokenizers):
    for kind in ("bpe", "unigram", "char"):
        ids = tokenizers[kind].encode("Ωmega 🙂")
        assert UNK_ID not in ids, kind
        assert "<0xF0>" in tokenizers[kind].pieces("🙂"), kind


def test_word_tokenizer_keeps_the_most_frequent_words_and_maps_the_rest_to_unk():
    texts = ["a a a a b b b c c d"]
    tokenizer = train_tokenizer("word", texts, vocab_size=len(SPECIAL_PIECES) + 2)
    assert tokenizer.vocabulary()[len(SPECIAL_PIECES) :] == ["a", "b"]
    assert tokenizer.encode("a c b") == [6, UNK_ID, 7]
    assert tokenizer.decode(tokenizer.encode("a c b")) == "a <unk> b"


def test_word_tokenizer_splits_punctuation_off_words():
    tokenizer = train_tokenizer("word", ["(yes), don't stop!"])
    assert tokenizer.pieces("(yes), don't stop!") == ["(", "yes", ")", ",", "don't", "stop", "!"]
    whole = train_tokenizer("word", ["(yes), don't"], split_punctuation=False)
    assert whole.pieces("(yes), don't") == ["(yes),", "don't"]


def test_word_tokenizer_refuses_text_written_without_spaces():
    with pytest.raises(ValueError, match="'bpe', 'unigram' or 'char'"):
        train_tokenizer("word", CHINESE)


def test_suggested_tokenizer_is_never_word_for_chinese():
    assert suggest_tokenizer(CHINESE) == "char"
    assert suggest_tokenizer(CHINESE * 400) == "bpe"
    assert suggest_tokenizer(ENGLISH_FRENCH) == "word"
    assert suggest_tokenizer(ENGLISH_FRENCH, vocab_size=20) == "bpe"


def test_unknown_kind_names_the_valid_kinds():
    with pytest.raises(ValueError, match="bpe, unigram, char, word"):
        train_tokenizer("wordpiece", CORPUS)


def test_unknown_option_names_the_valid_options():
    with pytest.raises(ValueError, match="valid options: extra_words, fold_punctuation, lowercase"):
        train_tokenizer("word", CORPUS, stem=True)
    with pytest.raises(ValueError, match="cannot be changed"):
        train_tokenizer("bpe", CORPUS, pad_id=7)


def test_too_small_vocabulary_says_the_minimum():
    with pytest.raises(ValueError, match=r"needs at least \d+"):
        train_tokenizer("bpe", CORPUS, vocab_size=100)
    with pytest.raises(ValueError, match="too small"):
        train_tokenizer("char", CORPUS, vocab_size=200)


def test_small_corpus_gives_a_smaller_vocabulary_instead_of_failing():
    for kind in ("bpe", "unigram"):
        tokenizer = train_tokenizer(kind, ["a tiny corpus", "of two lines"], vocab_size=8000)
        assert 262 < tokenizer.vocab_size < 8000
        assert tokenizer.decode(tokenizer.encode("a tiny corpus")) == "a tiny corpus"


def test_sentencepiece_training_is_silent(capfd):
    train_tokenizer("unigram", CORPUS, vocab_size=400)
    assert capfd.readouterr().err == ""


def test_id_outside_the_vocabulary_is_a_clear_error(tokenizers):
    for kind in KINDS:
        with pytest.raises(IndexError, match="outside"):
            tokenizers[kind].id_to_piece(10**6)


def test_missing_tokenizer_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.tokenizer.json"):
        load_tokenizer(tmp_path, "nothing")
