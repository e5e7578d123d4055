"""The zh-en and en-zh tasks: the Chinese grammar's rules checked over sampled plans (measure
words, time and place before the verb, 的 before its noun, 不 / 没, 吗 questions), golden pairs
with their alignments (crossing where the word orders differ), segmentation of every sentence into
the generator's words, and the splits (sizes, determinism, no shared sentence)."""

from __future__ import annotations

import random

import pytest

from core_models.data.tasks import get_task
from core_models.data.tasks import lexicon_zh as zh
from core_models.data.tasks.grammar_zh import Clause, NounPhrase, Relative, sample_clause
from core_models.data.tasks.zh_en import generate, realize_chinese, realize_english
from core_models.tokenizers import train_tokenizer

PREFIXES = {**zh.NUMBERS, **zh.DEMONSTRATIVES}


@pytest.fixture(scope="module")
def plans() -> list[Clause]:
    rng = random.Random(1)
    return [sample_clause(rng) for _ in range(3000)]


@pytest.fixture(scope="module")
def segmenter():
    return train_tokenizer(
        "word", ["我"], 2000, segment="jieba", user_words=get_task("zh-en").words()
    )


def words(tokens) -> list[str]:
    return [word for word, _ in tokens]


def position(sentence: list[str], phrase: str) -> int:
    """Where the words of ``phrase`` last occur together in ``sentence``."""
    part = phrase.split()
    starts = [i for i in range(len(sentence)) if sentence[i : i + len(part)] == part]
    return starts[-1]


def noun_phrases(clause: Clause) -> list[NounPhrase]:
    found = []
    for np in (clause.subject, clause.obj):
        while np is not None:
            found.append(np)
            np = np.relative.other if np.relative else None
    return found


def test_every_counted_noun_takes_its_own_measure_word(plans):
    assert (zh.NOUNS["cat"].measure, zh.NOUNS["book"].measure, zh.NOUNS["car"].measure) == (
        "只", "本", "辆",
    )  # fmt: skip
    assert len(zh.NOUNS) > 90 and len({noun.measure for noun in zh.NOUNS.values()}) > 20
    counted = 0
    for clause in plans:
        chinese = words(realize_chinese(clause))
        for np in noun_phrases(clause):
            if np.noun and np.determiner in PREFIXES and not np.owner:
                noun = zh.NOUNS[np.noun]
                alone = words(realize_chinese(Clause(np, "睡觉")))[:-2]  # the phrase + 睡觉。
                assert (
                    alone[0] == PREFIXES[np.determiner] + noun.measure and alone[-1] == noun.chinese
                )
                assert any(chinese[i : i + len(alone)] == alone for i in range(len(chinese)))
                counted += 1
    assert counted > 500
    # no measure word is ever written without its numeral or demonstrative
    measures = {noun.measure for noun in zh.NOUNS.values()}
    assert not any(set(words(realize_chinese(c))) & measures for c in plans)


def test_time_and_place_come_before_the_verb_in_chinese_and_after_it_in_english(plans):
    checked = 0
    for clause in plans:
        if not (clause.time and clause.place and clause.verb in zh.VERBS):
            continue
        chinese, english = words(realize_chinese(clause)), words(realize_english(clause))
        time = (zh.PAST_TIMES if clause.past else zh.PRESENT_TIMES)[clause.time]
        at = chinese.index("在")
        assert chinese.index(time) < at and chinese[at + 2] == clause.verb  # 在 公园 看见
        verb = zh.VERBS[clause.verb]
        english_verb = max(
            english.index(f) for f in (verb.base, verb.third, verb.past) if f in english
        )
        place, time = position(english, clause.place), position(english, clause.time)
        assert english_verb < place < time == len(english) - 1 - len(clause.time.split())
        checked += 1
    assert checked > 100


def test_relative_clause_with_de_precedes_its_noun(plans):
    checked = 0
    for clause in plans:
        for np in noun_phrases(clause):
            if np.relative is None:
                continue
            alone = Clause(np, "睡觉")  # the phrase as the subject of 睡觉
            chinese, english = words(realize_chinese(alone)), words(realize_english(alone))
            noun = zh.NOUNS[np.noun]
            assert chinese[-4:-2] == ["的", noun.chinese]  # ... 的猫 睡觉 。
            english_noun = english.index(noun.plural if np.plural else noun.english)
            assert english[english_noun + 1] in ("who", "that")
            checked += 1
    assert checked > 200


def test_negation_is_bu_in_the_present_and_mei_without_le_in_the_past(plans):
    for clause in plans:
        chinese = words(realize_chinese(clause))
        if clause.negated:
            assert ("没" if clause.past else "不") in chinese
            assert "了" not in chinese
            assert "not" in words(realize_english(clause))
        else:
            assert "不" not in chinese and "没" not in chinese
            assert ("了" in chinese) == clause.past


def test_questions_end_with_ma_and_a_question_mark(plans):
    questions = [c for c in plans if c.question]
    assert len(questions) > 500
    for clause in questions:
        chinese, english = words(realize_chinese(clause)), words(realize_english(clause))
        assert chinese[-2:] == ["吗", "?"]
        assert english[0] in ("do", "does", "did", "am", "is", "are") and english[-1] == "?"
    assert not any("吗" in words(realize_chinese(c)) for c in plans if not c.question)


def test_golden_pairs_and_their_crossing_alignments():
    park = Clause(
        NounPhrase(pronoun="i"),
        "看见",
        NounPhrase("cat", determiner="a"),
        past=True,
        time="yesterday",
        place="in the park",
    )
    assert "".join(words(realize_chinese(park))) == "我昨天在公园看见了一只猫。"
    assert " ".join(words(realize_english(park))) == "i saw a cat in the park yesterday ."
    relative = Clause(NounPhrase("cat", relative=Relative("睡觉", "subject")), "吃",
                      NounPhrase("fish"), question=True)  # fmt: skip
    assert "".join(words(realize_chinese(relative))) == "睡觉的猫吃鱼吗?"
    assert " ".join(words(realize_english(relative))) == "does the cat that sleeps eat the fish ?"
    copula = Clause(NounPhrase(pronoun="i"), "是", predicate="chinese")
    assert "".join(words(realize_chinese(copula))) == "我是中国人。"
    three = Clause(NounPhrase(pronoun="she"), "买", NounPhrase("book", determiner="three"),
                   negated=True, past=True)  # fmt: skip
    assert "".join(words(realize_chinese(three))) == "她没买三本书。"
    assert " ".join(words(realize_english(three))) == "she did not buy three books ."


def linked(pair, segmenter, source_is_chinese=True) -> set[tuple[str, str]]:
    """(Chinese word, English word) of every link of ``pair``."""
    chinese, english = pair.source, pair.target
    if not source_is_chinese:
        chinese, english = english, chinese
    chinese, english = segmenter.words(chinese), english.split()
    if source_is_chinese:
        return {(chinese[i], english[j]) for i, j in pair.alignment}
    return {(chinese[j], english[i]) for i, j in pair.alignment}


def test_alignments_link_the_words_that_translate_each_other_and_cross(segmenter):
    pairs = generate("test", size=300)
    for pair in pairs:
        links = linked(pair, segmenter)
        if "在" in pair.source:
            assert ("在", "in") in links or ("在", "at") in links, (pair, links)
        if "yesterday" in pair.target.split():
            assert ("昨天", "yesterday") in links
        if pair.target.endswith("?"):
            assert ("?", "?") in links and any(c == "吗" for c, _ in links)
    crossing = 0
    for pair in pairs:
        links = sorted(pair.alignment, key=lambda link: link[1])
        crossing += any(a[0] > b[0] for a, b in zip(links, links[1:], strict=False))
    assert crossing > len(pairs) // 2  # Chinese puts time, place and relatives first


def test_every_sentence_segments_into_the_generators_words(plans, segmenter):
    for clause in plans:
        chinese = words(realize_chinese(clause))
        assert segmenter.words("".join(chinese)) == chinese


@pytest.mark.slow
def test_splits_are_deterministic_disjoint_and_full_size():
    train = generate("train")
    assert len(train) == 20_000
    assert generate("train", size=50) == train[:50]
    assert generate("train", seed=1, size=50) != train[:50]
    valid, test = generate("valid"), generate("test")
    assert (len(valid), len(test)) == (1000, 1000)
    sources = [{p.source for p in split} for split in (train, valid, test)]
    assert not (sources[0] & sources[1] or sources[0] & sources[2] or sources[1] & sources[2])


def test_the_reverse_task_swaps_sides_and_links(segmenter):
    pairs = get_task("en-zh").generate("test", size=200)
    for pair in pairs:
        assert not any("\u4e00" <= char <= "\u9fff" for char in pair.source)
        links = linked(pair, segmenter, source_is_chinese=False)
        if "yesterday" in pair.source.split():
            assert ("昨天", "yesterday") in links
        assert ("。", ".") in links or ("?", "?") in links
