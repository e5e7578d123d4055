"""Frozen embeddings from the bundled GloVe subset are referenced by a checkpoint, not stored in it.

A run whose ``data.glove`` is the bundled file (``resources/glove/…``) and whose model freezes its
embeddings keeps that file's vectors unchanged: its checkpoints' config.json carries
``"pretrained_embeddings": {"file", "sha256", "tensor", "tokenizer", "table_sha256"}`` (the file
under the bundled resources and its hash; the embedding tensor; the tokenizer whose vocabulary
indexes it; the hash of the whole table) and model.safetensors holds, in place of the table,
``<tensor>.rows`` and ``<tensor>.values``: the rows that are not the file's vector of their word
(pad, special pieces, words the file lacks). Loading rebuilds the table from the file
(``glove.glove_rows``, in the stored dtype) and checks it against ``table_sha256``. The vectors
thus live in resources once, not in every model and every checkpoint of every run.

Parsing the file's text takes most of a second, so the file's rows of a vocabulary are kept in the
user cache directory (``glove/<file sha256>-<vocabulary hash>.npy``, written atomically). The
cache is never trusted: a table filled from it must match ``table_sha256``, else the file is
parsed again and the cache rewritten; an unreadable or misshapen cache file is ignored likewise.

A model trained on any other GloVe file (the user's own) stores its table: a checkpoint never
depends on a file that can move or change. A referenced file that is missing, or whose hash
differs, is a CheckpointError naming the checkpoint and the file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import safetensors
import torch
from torch import nn

from core_models.tokenizers import Tokenizer
from core_models.training.checkpoint_check import Header
from core_models.training.checkpoint_files import CheckpointError

KEY = "pretrained_embeddings"
TENSOR = "embedding.weight"  # the table ``load_pretrained_embeddings`` fills
ROLE = "text"
FIELDS = ("file", "sha256", "tensor", "tokenizer", "table_sha256")
FLOAT_DTYPES = ("F16", "BF16", "F32")  # what the stored rows may be
CACHE_FOLDER = "glove"  # under the user cache directory

logger = logging.getLogger(__name__)


def bundled_reference(glove: str, member: str, model: nn.Module) -> dict[str, str] | None:
    """The reference a run's checkpoints carry (``table_sha256`` is added when one is saved), or
    None when they store the table: the GloVe file is not the bundled one, or the model trains
    its embeddings."""
    from core_models.paths import data_file, resources_dir

    frozen = getattr(getattr(model, "config", None), "freeze_embeddings", False)
    if not glove or member or not frozen or TENSOR not in model.state_dict():
        return None
    path = data_file(glove).resolve()
    try:
        relative = path.relative_to(resources_dir().resolve())
    except (ValueError, FileNotFoundError):  # the user's own file, or no bundled resources
        return None
    return {
        "file": relative.as_posix(),
        "sha256": file_sha256(path),
        "tensor": TENSOR,
        "tokenizer": ROLE,
    }


def file_sha256(path: Path) -> str:
    """The file's sha256, hashed once per process while the file stays as it is."""
    stat = os.stat(path)
    return _file_sha256(Path(path).resolve(), stat.st_ino, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _file_sha256(path: Path, inode: int, size: int, mtime_ns: int) -> str:
    del inode, size, mtime_ns  # part of the cache key only: a changed file is hashed again
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_sha256(table: torch.Tensor) -> str:
    return hashlib.sha256(table.detach().cpu().contiguous().view(torch.uint8).numpy()).hexdigest()


@functools.lru_cache(maxsize=2)
def _file_rows(path: Path, sha256: str, vocabulary: tuple[str, ...]):
    """The file's rows of a vocabulary (cached: a run saves its checkpoints many times)."""
    from core_models.data.glove import glove_rows

    del sha256  # part of the cache key only: a replaced file is read again
    return glove_rows(path, vocabulary)


def _cache_path(reference: dict, vocabulary: tuple[str, ...]) -> Path:
    from core_models.paths import user_cache_dir

    words = hashlib.sha256("\n".join(vocabulary).encode("utf-8", "surrogatepass")).hexdigest()
    return user_cache_dir() / CACHE_FOLDER / f"{reference['sha256']}-{words[:16]}.npy"


def _read_cache(cache: Path, shape: tuple[int, int]) -> torch.Tensor | None:
    """The cached table, or None when there is none or it is not a float32 array of ``shape``."""
    try:
        array = np.load(cache, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if not isinstance(array, np.ndarray) or array.shape != shape or array.dtype != np.float32:
        return None
    return torch.from_numpy(array)


def _write_cache(cache: Path, table: torch.Tensor) -> None:
    """Write the cache file whole or not at all (a temporary file renamed over it); a cache
    directory that cannot be written only costs the next load its speed."""
    scratch = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".tmp", delete=False) as handle:
            scratch = Path(handle.name)
            np.save(handle, table.numpy())
        os.replace(scratch, cache)
    except OSError as error:
        logger.warning("GloVe table not cached at %s: %s", cache, error)
        if scratch is not None:
            scratch.unlink(missing_ok=True)


def _file_table(
    path: Path, reference: dict, vocabulary: tuple[str, ...], dim: int, cached: bool
) -> torch.Tensor:
    """(len(vocabulary), dim) float32: row i the file's vector of piece i, NaN where the file
    has none; from the cache when ``cached`` and it holds such a table, else from the file (and
    then cached)."""
    cache = _cache_path(reference, vocabulary)
    table = _read_cache(cache, (len(vocabulary), dim)) if cached else None
    if table is None:
        found = _file_rows(path, reference["sha256"], vocabulary)
        table = torch.full((len(vocabulary), found.vectors.shape[1]), float("nan"))
        table[found.rows] = found.vectors
        _write_cache(cache, table)
    return table


def _expected(path: Path, reference: dict, tokenizer: Tokenizer, table: torch.Tensor):
    """``table`` with the file's vectors (in its dtype) in the rows they fill, and those rows."""
    found = _file_rows(path, reference["sha256"], tuple(tokenizer.vocabulary()))
    expected = table.detach().clone()
    expected[found.rows] = found.vectors.to(table.dtype)
    return expected, found.rows


def stored_tensors(
    model: nn.Module, tokenizers: dict[str, Tokenizer], reference: dict[str, Any]
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The tensors model.safetensors holds for a referenced table (on the CPU), and the reference
    with the file's hash as it is now and the table's."""
    from core_models.paths import resources_dir

    tensors = {name: t.detach().cpu().contiguous() for name, t in model.state_dict().items()}
    name = reference["tensor"]
    table = tensors.pop(name)
    path = resources_dir() / reference["file"]
    reference = {**reference, "sha256": file_sha256(path)}
    expected, rows = _expected(path, reference, tokenizers[reference["tokenizer"]], table)
    from_file = torch.zeros(len(table), dtype=torch.bool)
    from_file[rows] = True
    own_rows = (~from_file | (expected != table).any(dim=1)).nonzero().flatten()
    tensors[f"{name}.rows"] = own_rows
    tensors[f"{name}.values"] = table[own_rows].contiguous()
    return tensors, {**reference, "table_sha256": table_sha256(table)}


def referenced_file(config_path: Path, reference: Any) -> Path:
    """The bundled file a checkpoint's reference names, once its fields are checked and its
    sha256 is the one recorded."""
    from core_models.paths import resources_dir

    if not isinstance(reference, dict) or not all(
        isinstance(reference.get(field), str) for field in FIELDS
    ):
        raise CheckpointError(
            f"{config_path}: '{KEY}' must be an object of strings {', '.join(FIELDS)}"
        )
    relative = PurePosixPath(reference["file"])
    if relative.is_absolute() or ".." in relative.parts:
        raise CheckpointError(
            f"{config_path}: '{KEY}.file' must name a bundled file, found {reference['file']!r}"
        )
    expected = reference["sha256"]
    path = resources_dir() / relative
    if not path.is_file():
        raise CheckpointError(
            f"{config_path}: its frozen embeddings are the bundled GloVe file {path} "
            f"(sha256 {expected}), which is missing: this model needs the attention-workbench "
            "release it was trained with"
        )
    actual = file_sha256(path)
    if actual != expected:
        raise CheckpointError(
            f"{config_path}: its frozen embeddings are the bundled GloVe file {path} with sha256 "
            f"{expected}, but that file's sha256 is {actual} (another GloVe subset): this model "
            "needs the attention-workbench release it was trained with"
        )
    return path


def table_header(
    config_path: Path, header: Header, reference: dict, tokenizers: dict[str, Tokenizer]
) -> Header:
    """The header as the model sees it: the table in place of its stored rows."""
    name, role = reference["tensor"], reference["tokenizer"]
    rows, values = f"{name}.rows", f"{name}.values"
    if role not in tokenizers or rows not in header.shapes or values not in header.shapes:
        raise CheckpointError(
            f"{config_path}: '{KEY}' needs the tensors {rows} and {values} and the tokenizer "
            f"'{role}'; the checkpoint lacks one"
        )
    value_shape, dtype = header.shapes[values], header.dtypes[values]
    if len(value_shape) != 2 or dtype not in FLOAT_DTYPES or header.dtypes[rows] != "I64":
        raise CheckpointError(f"{config_path}: '{KEY}': {rows} or {values} is damaged")
    shapes = {k: v for k, v in header.shapes.items() if k not in (rows, values)}
    dtypes = {k: v for k, v in header.dtypes.items() if k not in (rows, values)}
    shapes[name] = (tokenizers[role].vocab_size, value_shape[1])
    dtypes[name] = dtype
    return Header(shapes, dtypes)


def fill_table(
    model: nn.Module,
    weights_path: Path,
    reference: dict,
    path: Path,
    tokenizers: dict[str, Tokenizer],
) -> None:
    """Rebuild the referenced table in ``model`` from the file at ``path`` and the rows stored in
    ``weights_path`` (whose header ``table_header`` checked)."""
    name = reference["tensor"]
    with safetensors.safe_open(str(weights_path), framework="pt") as weights:
        rows, values = weights.get_tensor(f"{name}.rows"), weights.get_tensor(f"{name}.values")
    parameter = model.get_parameter(name)
    vocabulary = tuple(tokenizers[reference["tokenizer"]].vocabulary())
    for cached in (True, False):  # a table from the cache that does not match: parse the file
        from_file = _file_table(path, reference, vocabulary, parameter.shape[1], cached)
        table = torch.zeros(parameter.shape, dtype=values.dtype)
        found = ~from_file.isnan().any(dim=1)
        try:
            table[found] = from_file[found].to(values.dtype)
            table[rows] = values
        except (IndexError, RuntimeError) as error:
            raise CheckpointError(
                f"{weights_path}: {name}.rows does not fit the table: {error}"
            ) from None
        if table_sha256(table) == reference["table_sha256"]:
            break
    else:
        raise CheckpointError(
            f"{weights_path}: the embedding table rebuilt from {path} is not the one saved "
            f"(table_sha256 differs): the checkpoint or the file is damaged"
        )
    with torch.no_grad():
        parameter.copy_(table)
