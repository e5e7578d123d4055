"""Gold word alignments in the Pharaoh format that fast_align, eflomal and awesome-align write:
one line per sentence pair, ``i-j`` links separated by spaces (source word i aligned to target word
j, both 0-based whitespace-separated words); an empty line is a pair without links.

Links become ``TranslationPair.alignment`` (source word, target word) tuples; a malformed link or
one past a sentence's end is a ``DataFormatError`` naming the file, the line and the link.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core_models.data.formats import DataFormatError, numbered_lines, open_corpus
from core_models.data.pairs import Alignment, TranslationPair


def read_pharaoh(path: str | Path, pairs: Sequence[TranslationPair]) -> list[Alignment]:
    """One alignment per pair of ``pairs``, checked against the pair's word counts."""
    alignments = []
    with open_corpus(Path(path), None, "") as (name, stream):
        for number, line in numbered_lines(name, stream):
            if number > len(pairs):
                if line.strip():
                    raise DataFormatError(
                        name, number, f"more alignment lines than the {len(pairs)} sentence pairs"
                    )
                continue
            pair = pairs[number - 1]
            limits = (len(pair.source.split()), len(pair.target.split()))
            alignments.append(tuple(_link(name, number, link, limits) for link in line.split()))
    if len(alignments) < len(pairs):
        raise DataFormatError(
            name,
            None,
            f"has {len(alignments)} lines but there are {len(pairs)} sentence pairs: "
            "expected one line of links per pair",
        )
    return alignments


def _link(name: str, number: int, link: str, limits: tuple[int, int]) -> tuple[int, int]:
    parts = link.split("-")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise DataFormatError(
            name, number, f"'{link}' is not a link: expected source-target word indices like 0-1"
        )
    source, target = int(parts[0]), int(parts[1])
    for side, index, count in (("source", source, limits[0]), ("target", target, limits[1])):
        if index >= count:
            raise DataFormatError(
                name,
                number,
                f"link '{link}': {side} word {index} is past the end of the {side} sentence, "
                f"which has {count} words (indices are 0-based)",
            )
    return source, target
