"""The downloader: a catalogue of public corpora and vectors at their official URLs, fetched into a
per-user cache with resume (HTTP Range), verification (sha256 or size), atomic moves into place
and cancellation.

    directory = download("fra-eng", progress=lambda done, total: ...)
    pairs = read_tatoeba(directory / "fra-eng.zip")

A partial file is kept as ``<file>.part`` (after a cancel or a dropped connection) and the next
call resumes it; a file that fails verification is deleted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from core_models.paths import user_cache_dir as default_cache_dir  # the one cache lookup

logger = logging.getLogger(__name__)

USER_AGENT = "attention-workbench/0.1 (+urllib)"
CHUNK_BYTES = 1 << 16
TIMEOUT_S = 30

Progress = Callable[[int, int], None]  # (bytes done, bytes in all; 0 while unknown)
Cancel = Callable[[], bool] | threading.Event


class DownloadError(RuntimeError):
    """A download that failed: HTTP status (``status``), network, or a file that is not what was
    expected."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ChecksumError(DownloadError):
    """The downloaded file's sha256 or size is not the catalogue's."""


class DownloadCancelled(DownloadError):
    """The caller cancelled; the partial ``.part`` file is kept for resuming."""


@dataclass(frozen=True)
class RemoteFile:
    """One file at ``url``; verified by ``sha256`` or exact ``size`` when the file never changes,
    else by ``min_size`` (files that are updated over time)."""

    url: str
    size: int | None = None
    sha256: str | None = None
    min_size: int = 1

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[1]


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    license: str
    files: tuple[RemoteFile, ...]


_MANYTHINGS = "https://www.manythings.org/anki"
_MULTI30K = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw"
_MULTI30K_FILES = tuple(
    RemoteFile(f"{_MULTI30K}/{split}.{language}.gz", min_size=10_000 if split == "train" else 1_000)
    for split in ("train", "val", "test_2016_flickr")
    for language in ("en", "de", "fr", "cs")
)

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "fra-eng",
            "English-French sentence pairs from Tatoeba (manythings.org), as in d2l.ai: fra.txt",
            "CC-BY 2.0 (France); attribution kept per pair",
            (RemoteFile(f"{_MANYTHINGS}/fra-eng.zip", min_size=1_000_000),),
        ),
        Dataset(
            "cmn-eng",
            "English-Chinese (Mandarin) sentence pairs from Tatoeba (manythings.org): cmn.txt",
            "CC-BY 2.0 (France); attribution kept per pair",
            (RemoteFile(f"{_MANYTHINGS}/cmn-eng.zip", min_size=100_000),),
        ),
        Dataset(
            "snli",
            "Stanford Natural Language Inference 1.0: 570k premise/hypothesis pairs",
            "CC BY-SA 4.0",
            (
                RemoteFile(
                    "https://nlp.stanford.edu/projects/snli/snli_1.0.zip",
                    size=94_550_081,
                    sha256="afb3d70a5af5d8de0d9d81e2637e0fb8c22d1235c2749d83125ca43dab0dbd3e",
                ),
            ),
        ),
        Dataset(
            "multinli",
            "Multi-Genre NLI 1.0: 433k pairs, matched and mismatched dev sets",
            "mostly OANC (free); see the MultiNLI paper's data statement",
            (
                RemoteFile(
                    "https://cims.nyu.edu/~sbowman/multinli/multinli_1.0.zip",
                    sha256="049f507b9e36b1fcb756cfd5aeb3b7a0cfcb84bf023793652987f7e7e0957822",
                ),
            ),
        ),
        Dataset(
            "multi30k",
            "Multi30k task 1: image captions in English, German, French, Czech (29k train)",
            "research use; Flickr30k terms",
            _MULTI30K_FILES,
        ),
        Dataset(
            "glove.6B",
            "GloVe 6B word vectors (Wikipedia 2014 + Gigaword 5): 400k words, 50-300 dims, 822 MB",
            "PDDL 1.0",
            (RemoteFile("https://nlp.stanford.edu/data/glove.6B.zip", min_size=800_000_000),),
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset '{name}'; choose one of {', '.join(DATASETS)}")
    return DATASETS[name]


def dataset_dir(dataset: str | Dataset, cache_dir: str | Path | None = None) -> Path:
    """Where a dataset's files go: ``<cache_dir or default_cache_dir()>/<name>``."""
    name = dataset.name if isinstance(dataset, Dataset) else get_dataset(dataset).name
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / name


def is_downloaded(dataset: str | Dataset, cache_dir: str | Path | None = None) -> bool:
    dataset = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    directory = dataset_dir(dataset, cache_dir)
    return all((directory / remote.filename).is_file() for remote in dataset.files)


def _is_cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    return cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())


def _sha256_of(path: Path) -> Any:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest


def _open(url: str, offset: int):
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        return urlopen(Request(url, headers=headers), timeout=TIMEOUT_S)
    except HTTPError as error:
        error.close()  # its body is not needed
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}", error.code) from error
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"{url}: cannot connect ({reason})") from error


def _verify(remote: RemoteFile, url: str, part: Path, digest: Any) -> None:
    """Raise ChecksumError (deleting the corrupt part) unless the file is what was expected."""
    size = part.stat().st_size
    problem = None
    if remote.sha256 is not None and digest.hexdigest() != remote.sha256:
        problem = f"sha256 mismatch: expected {remote.sha256}, got {digest.hexdigest()}"
    elif remote.size is not None and size != remote.size:
        problem = f"size mismatch: expected {remote.size:,} bytes, got {size:,}"
    elif size < remote.min_size:
        problem = f"implausibly small: {size:,} bytes, expected at least {remote.min_size:,}"
    if problem:
        part.unlink()
        raise ChecksumError(f"{url}: {problem}; the file was deleted")


def _fetch(
    remote: RemoteFile,
    url: str,
    target: Path,
    report: Callable[[int, int | None], None],
    cancel: Cancel | None,
) -> None:
    """Download ``url`` into ``target`` via ``target.part``, resuming what the part holds."""
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    try:
        response = _open(url, offset)
    except DownloadError as error:
        if error.status != 416 or not offset:
            raise
        # Range not satisfiable: the part already holds the whole file.
        _verify(remote, url, part, _sha256_of(part))
        report(offset, offset)
        os.replace(part, target)
        return
    with response:
        if offset and response.status != 206:  # the server ignored the Range: start again
            logger.info("%s: server does not resume; downloading from the start", url)
            offset = 0
        content_range = response.headers.get("Content-Range", "")
        if offset and not content_range.startswith(f"bytes {offset}-"):
            raise DownloadError(f"{url}: asked for bytes {offset}- but got '{content_range}'")
        length = response.headers.get("Content-Length")
        expected = offset + int(length) if length is not None else remote.size
        report(offset, expected)
        digest = _sha256_of(part) if offset else hashlib.sha256()
        with open(part, "ab" if offset else "wb") as out:
            done = offset
            while True:
                if _is_cancelled(cancel):
                    raise DownloadCancelled(f"{url}: cancelled after {done:,} bytes; kept {part}")
                chunk = response.read(CHUNK_BYTES)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                report(len(chunk), None)
    if length is not None and done != expected:
        raise DownloadError(
            f"{url}: connection closed after {done:,} of {expected:,} bytes; run again to resume"
        )
    _verify(remote, url, part, digest)
    os.replace(part, target)


def download(
    dataset: str | Dataset,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    base_url_override: str | None = None,
) -> Path:
    """Fetch every file of ``dataset`` (a name from ``DATASETS`` or a ``Dataset``) that is not in
    the cache yet; returns the directory holding them (``cache_dir``, else
    ``default_cache_dir() / name``).

    progress(done_bytes, total_bytes) is called after each chunk (total 0 while unknown);
    cancel (a callable returning True, or a threading.Event) is checked between chunks;
    base_url_override replaces everything before each file name in its URL (mirrors, tests).
    """
    dataset = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    directory = dataset_dir(dataset, cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    pending = [remote for remote in dataset.files if not (directory / remote.filename).is_file()]
    known = {remote.filename: remote.size for remote in pending if remote.size is not None}
    done = 0

    for remote in pending:
        url = remote.url
        if base_url_override is not None:
            url = f"{base_url_override.rstrip('/')}/{remote.filename}"

        def report(delta: int, size: int | None, filename: str = remote.filename) -> None:
            nonlocal done
            done += delta
            if size is not None:
                known[filename] = size
            if progress is not None:
                progress(done, sum(known.values()))

        logger.info("downloading %s into %s", url, directory)
        _fetch(remote, url, directory / remote.filename, report, cancel)
    return directory
