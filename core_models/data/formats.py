"""Loaders for real corpora: Tatoeba / manythings.org pair files, line-aligned parallel text
(Multi30k), and SNLI / MultiNLI jsonl, each read plain, gzipped or straight from its release zip.

Every malformed row raises ``DataFormatError`` naming the file, the line and what was expected.
Sentences are stripped of surrounding whitespace and otherwise kept as given.
"""

from __future__ import annotations

import gzip
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from core_models.data.pairs import NLIPair, TranslationPair
from core_models.errors import WorkbenchError
from core_models.models.base import NLI_LABELS

NO_GOLD_LABEL = "-"  # SNLI / MultiNLI rows whose annotators did not agree
ZIP_SIGNATURE = b"PK\x03\x04"
CHUNK_BYTES = 2**20
# What reading a damaged compressed stream raises: a bad CRC or header (BadZipFile, BadGzipFile
# is an OSError), data cut short (EOFError), an invalid deflate stream (zlib.error).
DAMAGED_STREAM = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


class DataFormatError(WorkbenchError, ValueError):
    """A corpus file that does not have the expected format; ``line`` is 1-based, or None."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class NLIData:
    """The pairs of an NLI file and how many rows were skipped for having no gold label ("-")."""

    pairs: list[NLIPair]
    skipped: int


def _zip_member(archive: zipfile.ZipFile, path: Path, member: str | None, suffix: str) -> str:
    """``member`` if given, else the one file of the archive ending with ``suffix``."""
    names = [
        name
        for name in archive.namelist()
        if not name.endswith("/") and "__MACOSX" not in name and not Path(name).name.startswith(".")
    ]
    if member is not None:
        if member not in names:
            raise DataFormatError(path, None, f"no '{member}' in the archive; it has {names}")
        return member
    matches = [
        name for name in names if name.endswith(suffix) and not Path(name).name.startswith("_")
    ]
    if len(matches) != 1:
        found = "none" if not matches else f"{len(matches)}"
        raise DataFormatError(
            path,
            None,
            f"expected one '*{suffix}' file in the archive, found {found}; "
            f"it holds {', '.join(names)}",
        )
    return matches[0]


@contextmanager
def open_corpus(path: Path, member: str | None, suffix: str) -> Iterator[tuple[str, IO[bytes]]]:
    """The file (or a zip member, or a gzip stream) as binary lines, with its display name
    (``archive.zip:member`` for a member).

    A compressed stream is checked (CRC, complete data) when the file is read to the end; if
    reading stops early on a format error, the rest is checked first, so a damaged download is
    reported as damaged rather than by the garbage it decompressed to.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise DataFormatError(path, None, f"not a readable zip archive: {error}") from error
        with archive:
            name = _zip_member(archive, path, member, suffix)
            try:
                opened = archive.open(name)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
                # a damaged member header, an unsupported compression, an encrypted member
                raise DataFormatError(f"{path}:{name}", None, f"cannot be read: {error}") from error
            with _checked(f"{path}:{name}", opened) as stream:
                yield f"{path}:{name}", stream
    elif path.suffix.lower() == ".zip" or _starts_with(path, ZIP_SIGNATURE):
        raise DataFormatError(
            path, None, "not a readable zip archive: truncated or damaged (no table of contents)"
        )
    elif member is not None:
        raise DataFormatError(path, None, f"member '{member}' given, but this is not a zip archive")
    elif path.suffix == ".gz":
        with _checked(str(path), gzip.open(path, "rb")) as stream:
            yield str(path), stream
    else:
        with open(path, "rb") as stream:
            yield str(path), stream


def _starts_with(path: Path, signature: bytes) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(signature)) == signature


@contextmanager
def _checked(name: str, stream: IO[bytes]) -> Iterator[IO[bytes]]:
    """A compressed ``stream``; a format error raised while reading it stands only once the rest
    of the stream decompresses intact (else the damage is the error)."""
    with stream:
        try:
            yield stream
        except DataFormatError as error:
            if error.line is not None:  # a row's error: does the rest of the data hold?
                try:
                    while stream.read(CHUNK_BYTES):
                        pass
                except DAMAGED_STREAM as damage:
                    raise _damaged(name, error.line, damage) from damage
            raise


def _damaged(name: str, line: int, error: Exception) -> DataFormatError:
    """The data from ``line`` on does not decompress intact."""
    return DataFormatError(
        name,
        None,
        f"damaged or truncated from line {line} on ({error}); the file cannot be read to the "
        "end: download or copy it again",
    )


def numbered_lines(name: str, stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """(line number, text without the newline) for each line, decoded as UTF-8; a NUL byte is an
    error (a binary file, or UTF-16 text)."""
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(
                    name,
                    number,
                    f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})",
                ) from error
            nul = text.find("\x00") + 1  # its column; 0: none
            if nul:
                raise DataFormatError(
                    name,
                    number,
                    f"a NUL byte at column {nul}: not a text file "
                    "(binary, or UTF-16 text: save it as UTF-8)",
                )
            if number == 1:
                text = text.removeprefix("\ufeff")
            yield number, text.rstrip("\r\n")
    except DAMAGED_STREAM as error:  # a truncated or corrupt gzip file or zip member
        raise _damaged(name, number + 1, error) from error


def read_tatoeba(
    path: str | Path, member: str | None = None, reverse: bool = False, limit: int | None = None
) -> list[TranslationPair]:
    """Tab-separated pairs ``source<TAB>target[<TAB>attribution]`` (manythings.org / Tatoeba,
    d2l's ``fra.txt``), from the ``.txt`` or straight from the release zip (``fra-eng.zip``).

    The first column is the source (English in manythings files); ``reverse`` swaps the columns.
    Blank lines are skipped.
    """
    pairs = []
    with open_corpus(Path(path), member, ".txt") as (name, stream):
        for number, line in numbered_lines(name, stream):
            if not line.strip():
                continue
            columns = line.split("\t")
            if len(columns) not in (2, 3):
                raise DataFormatError(
                    name,
                    number,
                    "expected 2 or 3 tab-separated columns (source, target, attribution), "
                    f"found {len(columns)}",
                )
            source, target = columns[0].strip(), columns[1].strip()
            for column, text in (("source (column 1)", source), ("target (column 2)", target)):
                if not text:
                    raise DataFormatError(name, number, f"the {column} is empty")
            if reverse:
                source, target = target, source
            attribution = columns[2].strip() if len(columns) == 3 else None
            pairs.append(TranslationPair(source, target, attribution=attribution or None))
            if limit is not None and len(pairs) >= limit:
                break
    return pairs


def _read_sentences(path: Path) -> tuple[str, list[str]]:
    with open_corpus(path, None, "") as (name, stream):
        sentences = []
        for number, line in numbered_lines(name, stream):
            if not line.strip():
                raise DataFormatError(name, number, "empty line: expected one sentence per line")
            sentences.append(line.strip())
    return name, sentences


def read_parallel(
    source_path: str | Path, target_path: str | Path, limit: int | None = None
) -> list[TranslationPair]:
    """Line-aligned parallel files (Multi30k's ``train.en`` / ``train.fr``, plain or ``.gz``):
    line i of the source translates to line i of the target."""
    source_name, sources = _read_sentences(Path(source_path))
    target_name, targets = _read_sentences(Path(target_path))
    if len(sources) != len(targets):
        raise DataFormatError(
            source_name,
            None,
            f"has {len(sources)} lines but its parallel file {target_name} has {len(targets)}: "
            "the files must be line-aligned",
        )
    pairs = [
        TranslationPair(source, target) for source, target in zip(sources, targets, strict=True)
    ]
    return pairs[:limit] if limit is not None else pairs


def _nli_pair(name: str, number: int, line: str) -> NLIPair | None:
    """One jsonl row as a pair; None for a row without a gold label."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataFormatError(
            name, number, f"not valid JSON: {error.msg} at column {error.colno}"
        ) from error
    if not isinstance(row, dict):
        raise DataFormatError(name, number, f"expected a JSON object, found {type(row).__name__}")
    for field in ("sentence1", "sentence2", "gold_label"):
        if field not in row:
            raise DataFormatError(name, number, f"missing field '{field}'")
        if not isinstance(row[field], str):
            raise DataFormatError(
                name, number, f"field '{field}' must be a string, found {type(row[field]).__name__}"
            )
    label = row["gold_label"]
    if label == NO_GOLD_LABEL:
        return None
    if label not in NLI_LABELS:
        raise DataFormatError(
            name,
            number,
            f"gold_label '{label}' is not one of {', '.join(NLI_LABELS)} (or '{NO_GOLD_LABEL}')",
        )
    return NLIPair(row["sentence1"].strip(), row["sentence2"].strip(), label)


def read_nli(
    path: str | Path, split: str | None = None, member: str | None = None, limit: int | None = None
) -> NLIData:
    """SNLI 1.0 / MultiNLI 1.0 jsonl (``sentence1``, ``sentence2``, ``gold_label``).

    path: a ``.jsonl`` file or the official zip, where ``split`` picks the member ending in
    ``_<split>.jsonl`` ("train", "dev", "test" for SNLI; "train", "dev_matched",
    "dev_mismatched" for MultiNLI). Rows labelled "-" are skipped and counted.
    """
    member_suffix = f"_{split}.jsonl" if split is not None else ".jsonl"
    pairs: list[NLIPair] = []
    skipped = 0
    with open_corpus(Path(path), member, member_suffix) as (name, stream):
        for number, line in numbered_lines(name, stream):
            if not line.strip():
                continue
            pair = _nli_pair(name, number, line)
            if pair is None:
                skipped += 1
                continue
            pairs.append(pair)
            if limit is not None and len(pairs) >= limit:
                break
    return NLIData(pairs, skipped)
