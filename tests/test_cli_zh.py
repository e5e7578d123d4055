"""The command line on the bundled zh-en models: the tasks are listed, a Chinese sentence typed
without spaces is translated, and evaluate scores the test split (BLEU, chrF and AER)."""

from __future__ import annotations

import json

import pytest

from core_models.cli import main

MODELS = ("transformer-zh-en", "bahdanau-zh-en")


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_lists_zh_en_and_en_zh(capsys):
    code, out, _ = run_main(capsys, "tasks")
    rows = [line.split()[:2] for line in out.splitlines()]
    assert code == 0 and ["zh-en", "translation"] in rows and ["en-zh", "translation"] in rows


@pytest.mark.parametrize("name", MODELS)
def test_translate_reads_chinese_written_without_spaces(capsys, name):
    code, out, err = run_main(capsys, "translate", name, "我是中国人。")
    assert (code, out.strip(), err) == (0, "i am chinese .", "")
    code, out, _ = run_main(capsys, "translate", name, "你昨天在公园看见了三只猫吗?")
    assert (code, out.strip()) == (0, "did you see three cats in the park yesterday ?")


@pytest.mark.parametrize("name", MODELS)
def test_evaluate_scores_the_test_split(capsys, name):
    code, out, _ = run_main(
        capsys, "evaluate", name, "--split", "test", "--size", "30", "--by-length"
    )
    figures = json.loads(out)
    assert code == 0 and (figures["model"], figures["split"], figures["examples"]) == (
        name, "test", 30,
    )  # fmt: skip
    assert figures["bleu"] > 80 and figures["chrf"] > 80 and figures["aer"] < 0.3
    # sentences bucketed by their jieba words, not as one whitespace word each
    assert len(figures["bleu_by_length"]) > 1
