"""Unknown words are never silent: ``translate`` and ``nli`` name the out-of-vocabulary words and
their share on stderr, say plainly when the model does not know the text's vocabulary, and
``--dump-attention`` records them."""

from __future__ import annotations

import json

from core_models.cli import main
from core_models.oov import out_of_vocabulary
from core_models.tokenizers import train_tokenizer


def test_words_outside_a_capped_vocabulary_count_as_unknown():
    texts = ["the cat sleeps", "the cat eats", "the dog runs"] * 3 + ["a rare word"]
    tokenizer = train_tokenizer("word", texts, vocab_size=12)  # 6 specials + 6 words
    report = out_of_vocabulary(tokenizer, ["the cat sleeps on a zorglub", "the rare cat"])
    assert report.words == ["on", "a", "zorglub", "rare"]  # a, rare: seen but cut from the vocab
    assert (report.unknown, report.total) == (4, 9)
    assert "4 of 9 words of x (44 %)" in report.note("x") and "warning" not in report.note("x")
    assert out_of_vocabulary(tokenizer, ["the cat"]).note() is None


def test_translate_names_unknown_words_and_records_them(capsys, tmp_path):
    dump = tmp_path / "out.json"
    argv = ["translate", "transformer-en-fr", "the zorglub sleeps .", "--dump-attention", str(dump)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "note: 1 of 4 words of the input (25 %)" in captured.err
    assert "zorglub" in captured.err and "warning" not in captured.err
    assert captured.out.strip()  # the translation still comes, on stdout
    recorded = json.loads(dump.read_text())["unknown_words"]
    assert recorded == {"words": ["zorglub"], "unknown": 1, "total": 4, "share": 0.25}


def test_mostly_unknown_text_is_called_out(capsys, tmp_path):
    premise = "Two women are embracing while holding to go packages ."
    # encoder_classifier-nli knows only its task's ~490 words (decomposable-nli knows GloVe's)
    assert (
        main(["nli", "encoder_classifier-nli", premise, "The sisters are hugging goodbye ."]) == 0
    )
    err = capsys.readouterr().err
    assert "13 of 16 words of the input (81 %)" in err and ": Two, embracing, while," in err
    assert "warning: the model does not know this text's vocabulary" in err


def test_known_text_gets_no_note(capsys):
    assert main(["translate", "transformer-en-fr", "the cat sleeps ."]) == 0
    assert capsys.readouterr().err == ""


def test_translate_file_reports_the_whole_files_unknown_words(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("the cat sleeps .\nthe blorf eats the zorglub .\n")
    assert main(["translate", "transformer-en-fr", "--file", str(source)]) == 0
    err = capsys.readouterr().err
    assert f"2 of 10 words of {source} (20 %)" in err and "blorf, zorglub" in err
