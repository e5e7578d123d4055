"""The downloader: fetches the catalogue's files (``core_models.data.catalogue``) into a per-user
cache with resume (HTTP Range), verification, atomic moves into place and prompt cancellation.

    directory = download("fra-eng", progress=lambda done, total: ...)
    pairs = read_tatoeba(directory / "fra-eng.zip")

Nothing unverified is used: a download must have the catalogue's sha256 and size (or, for a file
with no published hash, a plausible size and intact content); a web page in place of the file (a
captive portal) is refused on its first bytes. A file already in the cache is size-checked on
every use and hashed once; the result is kept in ``<file>.verified`` beside it and the file is
hashed again whenever it changes. A cached file that fails is downloaded again.

A partial file is kept as ``<file>.part`` (after a cancel or a broken connection) and the next
call resumes it; a file that fails verification is deleted.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request

from core_models.data.cancellable import Cancel, CancellableOpener, is_cancelled
from core_models.data.catalogue import DATASETS, Dataset, RemoteFile, get_dataset
from core_models.errors import WorkbenchError
from core_models.paths import user_cache_dir as default_cache_dir  # the one cache lookup

__all__ = [  # the catalogue's names are re-exported: callers import everything from here
    "DATASETS",
    "ChecksumError",
    "Dataset",
    "DownloadCancelled",
    "DownloadError",
    "RemoteFile",
    "WebPageError",
    "dataset_dir",
    "default_cache_dir",
    "download",
    "get_dataset",
    "is_downloaded",
]

logger = logging.getLogger(__name__)

USER_AGENT = "attention-workbench/0.1 (+urllib)"
CHUNK_BYTES = 1 << 16
TIMEOUT_S = 30
MARKER_SUFFIX = ".verified"

Progress = Callable[[int, int], None]  # (bytes done, bytes in all; 0 while unknown)


class DownloadError(WorkbenchError):
    """A download that failed: HTTP status (``status``), network, or a file that is not what was
    expected."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ChecksumError(DownloadError):
    """The file's sha256, size or content is not the catalogue's."""


class WebPageError(ChecksumError):
    """The network answered with a web page (a captive portal, a login or error page)."""


class DownloadCancelled(DownloadError):
    """The caller cancelled; the partial ``.part`` file is kept for resuming."""


def dataset_dir(dataset: str | Dataset, cache_dir: str | Path | None = None) -> Path:
    """Where a dataset's files go: ``<cache_dir or default_cache_dir()>/<name>``."""
    name = dataset.name if isinstance(dataset, Dataset) else get_dataset(dataset).name
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / name


def is_downloaded(dataset: str | Dataset, cache_dir: str | Path | None = None) -> bool:
    """Every file is in the cache, verified and unchanged since (no hashing: cheap enough for a
    GUI thread)."""
    dataset = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    directory = dataset_dir(dataset, cache_dir)
    return all(_still_verified(remote, directory / remote.filename) for remote in dataset.files)


def _sha256_of(path: Path) -> Any:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return start.startswith((b"<!doctype", b"<html", b"<head", b"<?xml")) or b"<html" in start


def _start_problem(remote: RemoteFile, head: bytes) -> str | None:
    """What rules ``head`` (a file's first bytes) out as the start of ``remote``, or None."""
    if _looks_like_html(head):
        return (
            f"the network returned a web page instead of {remote.filename} (a captive portal or "
            "a login page? open any web site in a browser to see it, then run again)"
        )
    if remote.magic is not None and not head.startswith(remote.magic[: len(head)]):
        return f"not a .{remote.filename.rsplit('.', 1)[-1]} file (it starts with {head[:8]!r})"
    return None


def _problem(remote: RemoteFile, path: Path, digest: Any) -> str | None:
    """What is wrong with the whole file at ``path`` (its sha256 in ``digest``), or None."""
    size = path.stat().st_size
    if remote.sha256 is not None and digest.hexdigest() != remote.sha256:
        return f"sha256 mismatch: expected {remote.sha256}, got {digest.hexdigest()}"
    if remote.size is not None and size != remote.size:
        return f"size mismatch: expected {remote.size:,} bytes, got {size:,}"
    if size < remote.min_size:
        return f"implausibly small: {size:,} bytes, expected at least {remote.min_size:,}"
    with open(path, "rb") as stream:
        problem = _start_problem(remote, stream.read(512))
    if problem is None and remote.filename.endswith(".zip") and not zipfile.is_zipfile(path):
        problem = "not a complete zip archive (cut short?)"
    return problem


def _write_marker(remote: RemoteFile, path: Path, digest: Any) -> None:
    """Record that ``path``, as it is now, passed verification."""
    stat = path.stat()
    marker = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}
    _marker(path).write_text(json.dumps(marker) + "\n")
    if not remote.hash_known:
        logger.warning(
            "%s: no published sha256 to check it against (its publisher updates it); this copy "
            "has sha256 %s, %s bytes",
            path.name,
            marker["sha256"],
            f"{stat.st_size:,}",
        )


def _marker(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def _still_verified(remote: RemoteFile, path: Path) -> bool:
    """``path`` exists, has a plausible size and is unchanged since it was verified."""
    try:
        stat = path.stat()
        marker = json.loads(_marker(path).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or stat.st_size < remote.min_size:
        return False
    if remote.size is not None and stat.st_size != remote.size:
        return False
    recorded = (marker.get("size"), marker.get("mtime_ns"), marker.get("sha256"))
    return recorded == (stat.st_size, stat.st_mtime_ns, remote.sha256 or recorded[2])


def _usable_in_cache(remote: RemoteFile, path: Path) -> bool:
    """True when the cached ``path`` is the catalogue's file: checked by size every time, hashed
    when it has no marker or changed since. A corrupt file (and its marker) is deleted."""
    if not path.is_file():
        return False
    if _still_verified(remote, path):
        return True
    digest = _sha256_of(path)
    problem = _problem(remote, path, digest)
    if problem is None:
        _write_marker(remote, path, digest)
        return True
    logger.warning("%s in the cache is corrupt (%s); downloading it again", path, problem)
    path.unlink()
    _marker(path).unlink(missing_ok=True)
    return False


def _open(opener: CancellableOpener, url: str, offset: int):
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        return opener.open(Request(url, headers=headers), timeout=TIMEOUT_S)
    except HTTPError as error:
        error.close()  # its body is not needed
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}", error.code) from error
    except (URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"{url}: cannot connect ({reason})") from error


def _finish(remote: RemoteFile, url: str, part: Path, target: Path, digest: Any) -> None:
    """Move a verified ``part`` into place with its marker; delete it if it is not the file."""
    problem = _problem(remote, part, digest)
    if problem:
        part.unlink()
        raise ChecksumError(f"{url}: {problem}; the file was deleted")
    os.replace(part, target)
    _write_marker(remote, target, digest)


def _why(error: BaseException) -> str:
    if isinstance(error, http.client.IncompleteRead):
        return "the server ended the response early"
    if isinstance(error, TimeoutError):
        return f"no data for {TIMEOUT_S} s"
    return str(error) or type(error).__name__


def _receive(
    remote: RemoteFile, response, url: str, part: Path, offset: int, report, cancel
) -> tuple[int, Any]:
    """Append the response body to ``part`` (from ``offset``); return the size and sha256. A
    body that starts as a web page (or not as the file's type) is refused on its first chunk."""
    digest = _sha256_of(part) if offset else hashlib.sha256()
    done = offset
    with open(part, "ab" if offset else "wb") as out:
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except (http.client.HTTPException, OSError) as error:
                if is_cancelled(cancel):
                    break
                raise DownloadError(
                    f"{url}: the connection broke after {done:,} bytes ({_why(error)}); "
                    f"{part.name} is kept: run again to resume"
                ) from error
            problem = _start_problem(remote, chunk) if done == offset == 0 else None
            if problem is not None:
                out.close()
                part.unlink()
                error_type = WebPageError if _looks_like_html(chunk) else ChecksumError
                raise error_type(f"{url}: {problem}")
            if not chunk or is_cancelled(cancel):
                break
            out.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            report(len(chunk), None)
    if is_cancelled(cancel):
        raise DownloadCancelled(f"{url}: cancelled after {done:,} bytes; kept {part}")
    return done, digest


def _resumed_from(response, url: str, offset: int) -> tuple[int, int | None]:
    """Where the response's body starts in the file, and the file's size if the server said."""
    if offset and response.status != 206:  # the server ignored the Range: start again
        logger.info("%s: server does not resume; downloading from the start", url)
        offset = 0
    content_range = response.headers.get("Content-Range", "")
    if offset and not content_range.startswith(f"bytes {offset}-"):
        raise DownloadError(f"{url}: asked for bytes {offset}- but got '{content_range}'")
    length = response.headers.get("Content-Length")
    return offset, (offset + int(length) if length is not None else None)


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
    with CancellableOpener(cancel) as opener:
        try:
            response = _open(opener, url, offset)
        except DownloadError as error:
            if is_cancelled(cancel):
                raise DownloadCancelled(f"{url}: cancelled before the download began") from None
            if error.status != 416 or not offset:
                raise
            # Range not satisfiable: the part already holds the whole file.
            report(offset, offset)
            _finish(remote, url, part, target, _sha256_of(part))
            return
        with response:
            offset, expected = _resumed_from(response, url, offset)
            report(offset, expected if expected is not None else remote.size)
            done, digest = _receive(remote, response, url, part, offset, report, cancel)
    if expected is not None and done != expected:
        raise DownloadError(
            f"{url}: connection closed after {done:,} of {expected:,} bytes; run again to resume"
        )
    _finish(remote, url, part, target, digest)


def download(
    dataset: str | Dataset,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    base_url_override: str | None = None,
) -> Path:
    """Fetch every file of ``dataset`` (a name from ``DATASETS`` or a ``Dataset``) that is not in
    the cache, verified, yet; returns the directory holding them (``cache_dir``, else
    ``default_cache_dir() / name``).

    progress(done_bytes, total_bytes) is called after each chunk (total 0 while unknown);
    cancel (a callable returning True, or a threading.Event) stops the download within
    cancellable.POLL_S, even while the server sends nothing;
    base_url_override replaces everything before each file name in its URL (mirrors, tests).
    """
    dataset = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    directory = dataset_dir(dataset, cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    pending = [r for r in dataset.files if not _usable_in_cache(r, directory / r.filename)]
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
