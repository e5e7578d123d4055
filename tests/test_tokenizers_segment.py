"""Chinese segmentation (the word tokenizer's ``segment = "jieba"``) and how the zh-en task's gold
word alignments map onto the units a model may use: jieba words, characters and sentencepiece
pieces (character-level links derived from the word-level ones through character spans)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core_models.data.tasks import get_task
from core_models.tokenizers import (
    load_tokenizer,
    suggest_tokenizer,
    train_tokenizer,
    use_task_words,
)
from core_models.tokenizers.text_options import TokenizerOptionError
from core_models.training.config import ConfigError, TrainConfig
from core_models.training.metrics import bleu
from core_models.words import group_words, merge_tokens

PAIRS = get_task("zh-en").generate("valid", size=200)
CHINESE = [pair.source for pair in PAIRS]


@pytest.fixture(scope="module")
def jieba_words():
    return train_tokenizer(
        "word", CHINESE, 2000, segment="jieba", user_words=get_task("zh-en").words()
    )


def test_jieba_tokenizer_cuts_chinese_into_words_and_joins_them_without_spaces(jieba_words):
    text = "我昨天在公园看见了一只猫。"
    assert jieba_words.words(text) == ["我", "昨天", "在", "公园", "看见", "了", "一只", "猫", "。"]
    assert jieba_words.decode(jieba_words.encode(text)) == text
    assert jieba_words.decode(jieba_words.encode("你是老师吗?")) == "你是老师吗?"
    english = train_tokenizer("word", ["he is here ."], 50, segment="jieba")
    assert english.decode(english.encode("he is here .")) == "he is here ."
    # jieba's own dictionary cuts what the task's lexicon does not hold
    assert jieba_words.words("我是中国人") == ["我", "是", "中国人"]
    assert jieba_words.words("北京大学") == ["北京大学"]


def test_segmenting_tokenizer_saves_its_options_and_user_words_as_json(jieba_words, tmp_path):
    path = jieba_words.save(tmp_path, "source")
    options = json.loads(path.read_text(encoding="utf-8"))["options"]
    assert options["segment"] == "jieba" and "一只" in options["user_words"]
    again = load_tokenizer(tmp_path, "source")
    for text in CHINESE[:50]:
        assert again.encode(text) == jieba_words.encode(text)


def test_bad_segment_options_are_clear_errors(tmp_path):
    with pytest.raises(TokenizerOptionError, match="segment must be one of jieba"):
        train_tokenizer("word", ["我"], 50, segment="pkuseg")
    with pytest.raises(TokenizerOptionError, match="user_words must be a list of words"):
        train_tokenizer("word", ["我"], 50, segment="jieba", user_words="一只")
    path = train_tokenizer("word", ["我"], 50, segment="jieba").save(tmp_path, "source")
    state = json.loads(path.read_text(encoding="utf-8"))
    state["options"]["segment"] = "thulac"
    path.write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(TokenizerOptionError, match=r"source\.tokenizer\.json: .*segment"):
        load_tokenizer(tmp_path, "source")
    config = {"data": {"task": "zh-en"}, "run": {"max_steps": 1}}
    with pytest.raises(ConfigError, match="tokenizer.segment: only for tokenizer.kind = 'word'"):
        TrainConfig.from_dict({**config, "tokenizer": {"kind": "bpe", "segment": "jieba"}})
    with pytest.raises(ConfigError, match="tokenizer.segment: 'x' is not one of jieba"):
        TrainConfig.from_dict({**config, "tokenizer": {"segment": "x"}})


def test_a_plain_word_tokenizer_is_still_refused_and_never_suggested_for_chinese():
    with pytest.raises(ValueError, match="segment = 'jieba'"):
        train_tokenizer("word", CHINESE, 2000)
    assert suggest_tokenizer(CHINESE) != "word"


@pytest.mark.slow
def test_segmentation_is_silent_on_stderr():
    script = (
        "from core_models.tokenizers import train_tokenizer\n"
        "print(train_tokenizer('word', ['我是中国人'], 50, segment='jieba').words('我是中国人'))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and "'中国', '人'" in done.stdout  # jieba's own dictionary
    assert done.stderr == ""


# --- gold alignments onto other units ----------------------------------------------------------


def char_alignment(alignment, words: list[str]) -> set[tuple[int, int]]:
    """Word-level (Chinese word i, English word j) links as (Chinese character, j) links, through
    each word's character span."""
    starts = [sum(map(len, words[:i])) for i in range(len(words))]
    return {(starts[i] + k, j) for i, j in alignment for k in range(len(words[i]))}


def unit_alignment(alignment, words: list[str], units: list[str]) -> set[tuple[int, int]]:
    """The links of units (pieces merged to words, chars...) that spell the same characters:
    a unit is linked to what any of its characters is linked to."""
    chars = char_alignment(alignment, words)
    owner = [u for u, unit in enumerate(units) for _ in unit]  # unit of each character
    return {(owner[c], j) for c, j in chars}


def test_word_alignments_map_onto_jieba_words_characters_and_pieces(jieba_words):
    chars = use_task_words({"source": train_tokenizer("char", CHINESE, 500)}, "zh-en")["source"]
    pieces = train_tokenizer("bpe", CHINESE * 5, 600)
    for pair in PAIRS:
        words = jieba_words.words(pair.source)
        assert "".join(words) == pair.source
        assert max(i for i, _ in pair.alignment) < len(words)
        # a zh-en char model's maps merged to words show the task's words
        assert chars.words(pair.source) == words
        links = char_alignment(pair.alignment, words)
        english = pair.target.split()
        # every character of a word carries the word's links, and only those
        for c in range(len(pair.source)):
            word = next(i for i in range(len(words)) if c < sum(map(len, words[: i + 1])))
            assert {j for k, j in links if k == c} == {j for i, j in pair.alignment if i == word}
        piece_list = pieces.pieces(pair.source)
        units = merge_tokens(piece_list, group_words(piece_list))
        assert "".join(units) == pair.source
        if "一只猫" in pair.source and "a cat" in pair.target:  # each of 一, 只 goes with "a"
            first = pair.source.index("一只猫")
            assert (first, english.index("a")) in links and (first + 1, english.index("a")) in links
        unit_links = unit_alignment(pair.alignment, words, units)
        assert {u for u, _ in unit_links} == set(range(len(units)))  # every unit is linked


def test_bleu_of_chinese_output_counts_characters_not_whole_sentences():
    reference = "我昨天在公园看见了一只猫。"
    assert bleu([reference], [reference]) == pytest.approx(100.0)
    one_wrong = bleu(["我昨天在公园看见了一只狗。"], [reference])
    assert 50 < one_wrong < 100  # 13a would see one token per sentence and give 0
    assert bleu(["i saw a dog ."], ["i saw a cat ."]) < 50  # English keeps 13a
