"""Tiny corpus files in the official layouts (manythings.org zip, SNLI / MultiNLI zips), built by
the loader and downloader tests."""

import json
import zipfile
from pathlib import Path

FRA_LINES = [
    "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)",
    "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)",
    "Run!\tCours\u202f!\tCC-BY 2.0 (France) Attribution: tatoeba.org #906328 (papabear) & #906331 (sacredceltic)",
    "I'm home.\tJe suis chez moi.",
]

SNLI_ROWS = [
    {
        "annotator_labels": ["neutral"],
        "captionID": "3416050480.jpg#4",
        "gold_label": "neutral",
        "pairID": "3416050480.jpg#4r1n",
        "sentence1": "A person on a horse jumps over a broken down airplane.",
        "sentence2": "A person is training his horse for a competition.",
    },
    {
        "annotator_labels": ["contradiction", "neutral", "entailment"],
        "gold_label": "-",
        "sentence1": "A person on a horse jumps over a broken down airplane.",
        "sentence2": "A person is at a diner, ordering an omelette.",
    },
    {
        "annotator_labels": ["entailment"],
        "gold_label": "entailment",
        "sentence1": "Children smiling and waving at camera",
        "sentence2": "There are children present ",
    },
]


def write_fra_eng_zip(path: Path) -> Path:
    """A manythings.org release: fra.txt and _about.txt."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_about.txt", "** Info **\nCheck for newest version here: ...\n")
        archive.writestr("fra.txt", "\n".join(FRA_LINES) + "\n")
    return path


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def write_snli_zip(path: Path) -> Path:
    """The SNLI 1.0 layout: snli_1.0/snli_1.0_{train,dev,test}.{jsonl,txt} and __MACOSX entries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for split, rows in (("train", SNLI_ROWS), ("dev", SNLI_ROWS[:1]), ("test", SNLI_ROWS[2:])):
            archive.writestr(f"snli_1.0/snli_1.0_{split}.jsonl", jsonl(rows))
            archive.writestr(f"snli_1.0/snli_1.0_{split}.txt", "gold_label\tsentence1\n")
            archive.writestr(f"__MACOSX/snli_1.0/._snli_1.0_{split}.jsonl", b"\x00\x05\x16\x07")
    return path


def write_multinli_zip(path: Path) -> Path:
    """The MultiNLI 1.0 layout: multinli_1.0/multinli_1.0_{train,dev_matched,dev_mismatched}.jsonl."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for split in ("train", "dev_matched", "dev_mismatched"):
            rows = [dict(row, genre="fiction") for row in SNLI_ROWS]
            archive.writestr(f"multinli_1.0/multinli_1.0_{split}.jsonl", jsonl(rows))
    return path
