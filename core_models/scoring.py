"""Scoring a model on the user's test file (``attention-workbench evaluate MODEL --file PATH``):
BLEU and chrF of every example (sacrebleu, on the detokenised outputs), the attention's AER when
gold alignments are given (Pharaoh), accuracy and the confusion matrix for NLI; and the figures
kept in the checkpoint's config.json under ``metrics["test"]`` for the model card.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core_models.data import formats
from core_models.data.alignments import read_pharaoh
from core_models.errors import WorkbenchError
from core_models.inference import Classifier, Translator
from core_models.paths import bundled_models_dir
from core_models.training.checkpoint import checkpoint_dir, read_config
from core_models.training.data import encode
from core_models.training.evaluate import evaluate

FILE_FORMATS = {"tatoeba": "translation", "parallel": "translation", "snli": "nli", "mnli": "nli"}


class ScoringError(WorkbenchError, ValueError):
    """An option of ``evaluate --file`` that cannot be used with this model or file."""


def file_format_for(model: Translator | Classifier, file_format: str = "") -> str:
    """``file_format`` checked against the model's kind; "" takes the model's training format,
    else tatoeba (translation) or snli (NLI)."""
    kind = _kind(model)
    trained_on = model.meta.get("train_config", {}).get("data", {}).get("format", "")
    file_format = file_format or _default_format(kind, trained_on)
    if file_format not in FILE_FORMATS:
        raise ScoringError(f"--format {file_format}: expected one of {', '.join(FILE_FORMATS)}")
    if FILE_FORMATS[file_format] != kind:
        raise ScoringError(
            f"--format {file_format} holds {FILE_FORMATS[file_format]} examples but {model.name} "
            f"is a {kind} model"
        )
    return file_format


def read_test_file(
    model: Translator | Classifier,
    path: str | Path,
    file_format: str,
    langs: str = "",
    member: str | None = None,
) -> tuple[list, int]:
    """The examples of ``path`` in ``file_format`` (see ``file_format_for``) and how many rows
    were skipped (NLI rows without a gold label). Parallel files: ``path`` is the prefix of
    ``path.<source>`` and ``path.<target>`` (or either file), the languages the model was trained
    on or ``langs`` ("en-fr"). ``member``: the file to read in a zip holding several."""
    if langs and file_format != "parallel":
        raise ScoringError(f"--langs names parallel files' suffixes: not for {file_format} files")
    if file_format == "tatoeba":
        return formats.read_tatoeba(path, member=member), 0
    if file_format == "parallel":
        data = model.meta.get("train_config", {}).get("data", {})
        source, target = _languages(langs, data)
        prefix = Path(path)
        if prefix.suffix in (f".{source}", f".{target}"):  # one of the two files was named
            prefix = prefix.with_suffix("")
        return formats.read_parallel(f"{prefix}.{source}", f"{prefix}.{target}"), 0
    nli = formats.read_nli(path, member=member)
    return nli.pairs, nli.skipped


def _kind(model: Translator | Classifier) -> str:
    return "nli" if isinstance(model, Classifier) else "translation"


def _default_format(kind: str, trained_on: str) -> str:
    if trained_on in FILE_FORMATS and FILE_FORMATS[trained_on] == kind:
        return trained_on
    return "snli" if kind == "nli" else "tatoeba"


def _languages(langs: str, data: dict) -> tuple[str, str]:
    if not langs:
        return data.get("source_lang", "en"), data.get("target_lang", "fr")
    parts = langs.split("-")
    if len(parts) != 2 or not all(parts):
        raise ScoringError(f"--langs {langs}: expected SOURCE-TARGET file suffixes, e.g. en-fr")
    return parts[0], parts[1]


def score_file(
    model: Translator | Classifier,
    path: str | Path,
    file_format: str = "",
    alignments: str | Path | None = None,
    beam: int = 1,
    langs: str = "",
    progress: Callable[[int], None] | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """Every metric of ``model`` on the test file (see the module docstring); examples longer
    than the model's input limit are cut to it and counted in ``truncated``, none is left out."""
    file_format = file_format_for(model, file_format)
    pairs, skipped = read_test_file(model, path, file_format, langs, member)
    if not pairs:
        raise ScoringError(f"{path}: no examples to score")
    kind = _kind(model)
    if alignments is not None:
        if kind == "nli":
            raise ScoringError("--alignments: gold word alignments score translation models only")
        links = read_pharaoh(alignments, pairs)
        pairs = [dataclasses.replace(p, alignment=a) for p, a in zip(pairs, links, strict=True)]
    tokenizers, limit = model.checkpoint.tokenizers, model.max_source_len
    whole = encode(kind, pairs, tokenizers, max_len=10**9, drop_long=False)
    metrics = evaluate(
        model.model,
        encode(kind, pairs, tokenizers, limit, drop_long=False),
        tokenizers,
        max_decode=len(pairs),
        beam=beam,
        progress=progress,
    )
    texts = [p.source for p in pairs] if kind == "translation" else _nli_texts(pairs)
    header = {
        "model": model.name,
        "file": str(Path(path).resolve()),
        "format": file_format,
        "examples": len(pairs),
        # encode cuts a pair whose longer side, with its end token, exceeds the limit
        "truncated": sum(max(len(row[0]), len(row[1])) + 1 > limit for row in whole.encoded),
    }
    if kind == "translation":
        header["beam"] = beam
    if "aer" in metrics:  # attention_aer leaves out the pairs cut to the limit
        header["aer_examples"] = header["examples"] - header["truncated"]
    if skipped:
        header["skipped_without_gold_label"] = skipped
    return {**header, **metrics, "unknown_words": model.unknown(texts).to_dict()}


def _nli_texts(pairs: list) -> list[str]:
    return [text for pair in pairs for text in (pair.premise, pair.hypothesis)]


TEST_FIGURES = ("file", "format", "examples", "truncated", "beam", "loss", "bleu", "chrf")
TEST_FIGURES += ("aer", "aer_layer", "aer_examples", "accuracy", "confusion", "labels")


def check_savable(model_path: str | Path) -> Path:
    """The checkpoint directory, unless it is a bundled model's (read-only)."""
    directory = checkpoint_dir(model_path).resolve()
    if directory.is_relative_to(bundled_models_dir().resolve()):
        raise ScoringError(
            f"{directory.name} is a bundled model: its figures are not saved (--save is for "
            "your own models)"
        )
    return directory


def save_test_metrics(model_path: str | Path, metrics: dict[str, Any]) -> Path:
    """Keep the figures in the checkpoint's config.json as ``metrics["test"]`` (the model card
    shows them). Only config.json is rewritten, through a temporary file swapped into place; the
    weights are never touched. Bundled models are read-only."""
    directory = check_savable(model_path)
    meta = read_config(directory)
    meta.setdefault("metrics", {})["test"] = {
        key: metrics[key] for key in TEST_FIGURES if key in metrics
    }
    path = directory / "config.json"
    staging = path.with_name("config.json.saving")
    staging.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(staging, path)
    return path


def read_sentences(path: str | Path) -> list[str]:
    """One sentence per line (``translate --file``); blank lines are kept as empty sentences so
    that output line i translates input line i."""
    with formats.open_corpus(Path(path), None, "") as (name, stream):
        return [line.strip() for _, line in formats.numbered_lines(name, stream)]


def read_nli_inputs(path: str | Path) -> list[tuple[str, str]]:
    """(premise, hypothesis) pairs for ``nli --file``: SNLI / MultiNLI jsonl (``sentence1``,
    ``sentence2``; a ``gold_label`` is not needed) or, for any other name, ``premise<TAB>
    hypothesis`` lines. Blank lines are skipped."""
    pairs = []
    with formats.open_corpus(Path(path), None, "") as (name, stream):
        for number, line in formats.numbered_lines(name, stream):
            if line.strip():
                pairs.append(_nli_input(name, number, line, name.endswith(".jsonl")))
    if not pairs:
        raise ScoringError(f"{path}: no premise / hypothesis pairs")
    return pairs


def _nli_input(name: str, number: int, line: str, jsonl: bool) -> tuple[str, str]:
    if not jsonl:
        columns = line.split("\t")
        if len(columns) != 2:
            raise formats.DataFormatError(
                name, number, f"expected premise<TAB>hypothesis, found {len(columns)} columns"
            )
        return columns[0].strip(), columns[1].strip()
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise formats.DataFormatError(name, number, f"not valid JSON: {error.msg}") from error
    if not isinstance(row, dict):
        raise formats.DataFormatError(name, number, "expected a JSON object")
    for key in ("sentence1", "sentence2"):
        if not isinstance(row.get(key), str):
            raise formats.DataFormatError(name, number, f"missing or non-string field '{key}'")
    return row["sentence1"].strip(), row["sentence2"].strip()
