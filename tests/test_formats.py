"""Corpus loaders: well-formed files load, each kind of malformed row names its file and line."""

import gzip
import json
import zipfile

import pytest
from corpus_samples import (
    FRA_LINES,
    SNLI_ROWS,
    jsonl,
    write_fra_eng_zip,
    write_multinli_zip,
    write_snli_zip,
)

from core_models.data.formats import DataFormatError, read_nli, read_parallel, read_tatoeba
from core_models.data.pairs import NLIPair, TranslationPair


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- Tatoeba / manythings.org -----------------------------------------------------------------


def test_tatoeba_file_gives_pairs_with_attribution(tmp_path):
    pairs = read_tatoeba(write(tmp_path / "fra.txt", "\n".join(FRA_LINES) + "\n"))
    assert len(pairs) == 4
    assert pairs[0] == TranslationPair(
        "Go.",
        "Va !",
        attribution="CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)",
    )
    assert pairs[2].target == "Cours\u202f!"
    assert pairs[3] == TranslationPair("I'm home.", "Je suis chez moi.")  # two columns


def test_tatoeba_reads_straight_from_the_release_zip(tmp_path):
    pairs = read_tatoeba(write_fra_eng_zip(tmp_path / "fra-eng.zip"))
    assert [p.source for p in pairs] == ["Go.", "Hi.", "Run!", "I'm home."]


def test_tatoeba_reverse_and_limit(tmp_path):
    pairs = read_tatoeba(write_fra_eng_zip(tmp_path / "fra-eng.zip"), reverse=True, limit=2)
    assert [(p.source, p.target) for p in pairs] == [("Va !", "Go."), ("Salut !", "Hi.")]


def test_tatoeba_skips_blank_lines_and_a_byte_order_mark(tmp_path):
    path = write(tmp_path / "fra.txt", "\ufeffGo.\tVa !\n\n\r\nHi.\tSalut !\r\n")
    assert [(p.source, p.target) for p in read_tatoeba(path)] == [
        ("Go.", "Va !"),
        ("Hi.", "Salut !"),
    ]


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("Go. Va !", "expected 2 or 3 tab-separated columns .* found 1"),
        ("Go.\tVa !\tCC-BY\textra", "found 4"),
        ("\tVa !", r"source \(column 1\) is empty"),
        ("Go.\t  ", r"target \(column 2\) is empty"),
    ],
)
def test_malformed_tatoeba_row_names_file_and_line(tmp_path, bad_line, expected):
    path = write(tmp_path / "fra.txt", f"{FRA_LINES[0]}\n{FRA_LINES[1]}\n{bad_line}\n")
    with pytest.raises(DataFormatError, match=expected) as caught:
        read_tatoeba(path)
    assert caught.value.line == 3
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}, line 3: ")


def test_tatoeba_line_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_bytes(b"Go.\tVa !\nCaf\xe9.\tCaf\xe9.\n")
    with pytest.raises(DataFormatError, match="line 2: not UTF-8 text .*0xe9") as caught:
        read_tatoeba(path)
    assert caught.value.line == 2


def test_tatoeba_zip_error_names_the_member(tmp_path):
    archive_path = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("_about.txt", "about")
        archive.writestr("fra.txt", "Go.\tVa !\nbroken\n")
    with pytest.raises(DataFormatError, match=r"fra-eng\.zip:fra\.txt, line 2"):
        read_tatoeba(archive_path)


def test_zip_without_a_pair_file_lists_what_it_holds(tmp_path):
    archive_path = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("_about.txt", "about")
        archive.writestr("readme.md", "hello")
    with pytest.raises(DataFormatError, match="found none; it holds _about.txt, readme.md"):
        read_tatoeba(archive_path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        read_tatoeba(tmp_path / "nowhere.txt")


# --- Line-aligned parallel text ---------------------------------------------------------------


def test_parallel_files_pair_line_by_line(tmp_path):
    source = write(tmp_path / "train.en", "Two dogs play.\nA man sleeps.\n")
    target = write(tmp_path / "train.fr", "Deux chiens jouent.\nUn homme dort.\n")
    assert read_parallel(source, target) == [
        TranslationPair("Two dogs play.", "Deux chiens jouent."),
        TranslationPair("A man sleeps.", "Un homme dort."),
    ]
    assert len(read_parallel(source, target, limit=1)) == 1


def test_gzipped_parallel_files_are_read(tmp_path):
    for name, text in (("val.en.gz", "A cat.\n"), ("val.de.gz", "Eine Katze.\n")):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as stream:
            stream.write(text)
    pairs = read_parallel(tmp_path / "val.en.gz", tmp_path / "val.de.gz")
    assert pairs == [TranslationPair("A cat.", "Eine Katze.")]


def test_parallel_files_of_different_lengths_name_both_files_and_counts(tmp_path):
    source = write(tmp_path / "train.en", "one\ntwo\nthree\n")
    target = write(tmp_path / "train.fr", "un\ndeux\n")
    with pytest.raises(DataFormatError, match=r"train\.en: has 3 lines .*train\.fr has 2"):
        read_parallel(source, target)


def test_empty_line_in_parallel_file_is_named(tmp_path):
    source = write(tmp_path / "train.en", "one\n\nthree\n")
    target = write(tmp_path / "train.fr", "un\ndeux\ntrois\n")
    with pytest.raises(DataFormatError, match=r"train\.en, line 2: empty line"):
        read_parallel(source, target)


def test_truncated_gzip_is_a_clear_error(tmp_path):
    data = gzip.compress(("A long line of text.\n" * 2000).encode())
    (tmp_path / "a.gz").write_bytes(data[: len(data) // 2])
    write(tmp_path / "b.txt", "x\n")
    with pytest.raises(DataFormatError, match="cannot be read to the end"):
        read_parallel(tmp_path / "a.gz", tmp_path / "b.txt")


# --- SNLI / MultiNLI --------------------------------------------------------------------------


def test_snli_jsonl_gives_pairs_and_counts_rows_without_gold_label(tmp_path):
    data = read_nli(write(tmp_path / "snli_1.0_dev.jsonl", jsonl(SNLI_ROWS)))
    assert data.skipped == 1
    assert data.pairs == [
        NLIPair(
            "A person on a horse jumps over a broken down airplane.",
            "A person is training his horse for a competition.",
            "neutral",
        ),
        NLIPair(
            "Children smiling and waving at camera", "There are children present", "entailment"
        ),
    ]


def test_snli_reads_each_split_straight_from_the_official_zip(tmp_path):
    archive = write_snli_zip(tmp_path / "snli_1.0.zip")
    assert len(read_nli(archive, split="train").pairs) == 2
    assert read_nli(archive, split="dev").pairs[0].label == "neutral"
    assert read_nli(archive, split="test").pairs[0].label == "entailment"
    assert read_nli(archive, member="snli_1.0/snli_1.0_train.jsonl").skipped == 1


def test_multinli_matched_and_mismatched_dev_splits_are_told_apart(tmp_path):
    archive = write_multinli_zip(tmp_path / "multinli_1.0.zip")
    assert len(read_nli(archive, split="dev_matched").pairs) == 2
    assert len(read_nli(archive, split="dev_mismatched").pairs) == 2
    with pytest.raises(DataFormatError, match="expected one '\\*_dev.jsonl' file"):
        read_nli(archive, split="dev")


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ('{"sentence1": "a", "sentence2": "b"', "not valid JSON"),
        ('["a", "b", "neutral"]', "expected a JSON object, found list"),
        ('{"sentence1": "a", "gold_label": "neutral"}', "missing field 'sentence2'"),
        (
            '{"sentence1": "a", "sentence2": 3, "gold_label": "neutral"}',
            "'sentence2' must be a string",
        ),
        (
            '{"sentence1": "a", "sentence2": "b", "gold_label": "maybe"}',
            "gold_label 'maybe' is not one of entailment, neutral, contradiction",
        ),
    ],
)
def test_malformed_nli_row_names_file_and_line(tmp_path, bad_row, expected):
    good = json.dumps({"sentence1": "a", "sentence2": "b", "gold_label": "neutral"})
    path = write(tmp_path / "dev.jsonl", f"{good}\n{good}\n{bad_row}\n")
    with pytest.raises(DataFormatError, match=expected) as caught:
        read_nli(path)
    assert (caught.value.path, caught.value.line) == (str(path), 3)
