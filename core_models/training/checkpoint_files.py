"""The files of a checkpoint directory: atomic replacement, reading while a writer works, JSON, and
the errors either side reports.

A checkpoint is written into a hidden staging sibling (``.name.XXXX.tmp``) and swapped into place
in two renames (``name`` -> ``.name.old``, staging -> ``name``). A writer killed between the two
leaves only ``.name.old``: readers then read that directory where it is, and only the next writer
renames it back. Readers never rename, delete or create anything, so a window or a script polling
a run directory cannot disturb the run that writes it.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import safetensors
from tqdm import tqdm

from core_models.errors import WorkbenchError

logger = logging.getLogger(__name__)

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
# safetensors reports an OS error in its own type: "I/O error: No space left on device (os error 28)"
SAFETENSORS_DISK_FULL = re.compile(rf"\(os error ({'|'.join(str(code) for code in DISK_FULL)})\)")
BLOCK_BYTES = 4096  # what a new directory or a line added to a small file takes on disk
MAX_JSON_BYTES = 64 * 2**20  # config.json and tokenizer files are KBs, a large vocabulary MBs


class CheckpointError(WorkbenchError, ValueError):
    """A checkpoint that cannot be loaded; the message says which file and why."""


class DiskFullError(OSError):
    """A write that ran out of disk space; the message names the path and the space it needed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.errno = errno.ENOSPC


def size_text(count: int) -> str:
    """``1.18MB`` for 1234567 bytes."""
    return tqdm.format_sizeof(count, "B", 1024)


@contextmanager
def disk_space_errors(path: Path, needed: int, kept: str = "") -> Iterator[None]:
    """Turn running out of space (ENOSPC, EDQUOT) while writing ``path`` into a DiskFullError
    naming the path, the ``needed`` bytes (an estimate: the size of what was being written) and
    the free space, followed by ``kept`` (what is left as it was)."""
    try:
        yield
    except (OSError, safetensors.SafetensorError) as error:
        if isinstance(error, DiskFullError) or not _is_disk_full(error):
            raise
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        free = f", {size_text(shutil.disk_usage(existing).free)} free" if existing else ""
        raise DiskFullError(
            f"{path}: no space left on the disk: writing it needs about {size_text(needed)}"
            f"{free}{'; ' + kept if kept else ''}"
        ) from error


def _is_disk_full(error: Exception) -> bool:
    if isinstance(error, OSError):
        return error.errno in DISK_FULL
    return bool(SAFETENSORS_DISK_FULL.search(str(error)))


def readable_dir(path: Path) -> Path:
    """``path``, or the ``.name.old`` a writer killed mid-swap left in its place (read there,
    never renamed: only the writer recovers it)."""
    old = path.with_name(f".{path.name}.old")
    return old if not path.exists() and old.is_dir() else path


@contextmanager
def replacing_directory(path: Path, needed: int) -> Iterator[Path]:
    """Yield an empty staging directory beside ``path``; when the block ends without an error,
    make its files durable and swap it into place as ``path``. On any error the staging
    directory is removed and ``path`` keeps what it had; running out of disk space is raised as
    a DiskFullError. ``needed``: an estimate of the bytes about to be written, for that message
    (at least the size of the checkpoint being replaced, which holds the same files)."""
    previous = readable_dir(path)
    kept = "the checkpoint there is kept" if previous.exists() else "nothing was written"
    if previous.is_dir():
        needed = max(needed, sum(f.stat().st_size for f in previous.iterdir() if f.is_file()))
    with disk_space_errors(path, needed, kept):
        path.parent.mkdir(parents=True, exist_ok=True)
        _recover_interrupted_swap(path)
        _remove_stale_staging(path)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        try:
            yield staging
            _make_durable(staging)
            _swap_into_place(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _recover_interrupted_swap(path: Path) -> None:
    """A writer killed between the two renames of ``_swap_into_place`` left only ``.name.old``."""
    old = path.with_name(f".{path.name}.old")
    if not path.exists() and old.is_dir():
        logger.warning("restoring %s from an interrupted checkpoint write", path)
        os.replace(old, path)


def _remove_stale_staging(path: Path) -> None:
    """Staging directories left behind by a writer that was killed mid-write."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        logger.info("removing %s, left by an interrupted checkpoint write", stale)
        shutil.rmtree(stale, ignore_errors=True)


def _make_durable(staging: Path) -> None:
    """Usual permissions (mkdtemp makes the directory private) and every file on disk."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    for file in staging.iterdir():
        file.chmod(0o666 & ~umask)
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())


def _swap_into_place(staging: Path, path: Path) -> None:
    old = path.with_name(f".{path.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if path.exists():
        os.replace(path, old)
    os.replace(staging, path)
    _fsync_directory(path.parent)
    if old.exists():
        shutil.rmtree(old)


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable (POSIX; directories cannot be opened on Windows)."""
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_json(path: Path, value: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=1, ensure_ascii=False)


def read_json(path: Path) -> Any:
    """The JSON value in ``path``; a CheckpointError naming the file for anything unreadable."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise CheckpointError(
                f"{path}: {size_text(path.stat().st_size)}, too large for a checkpoint's JSON file "
                f"(at most {size_text(MAX_JSON_BYTES)})"
            )
        return json.loads(path.read_bytes().decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: not valid JSON: {error}") from None
    except RecursionError:
        raise CheckpointError(f"{path}: not a checkpoint's JSON: nested too deeply") from None
    except OSError as error:
        raise CheckpointError(f"{path}: cannot be read: {error.strerror or error}") from None
