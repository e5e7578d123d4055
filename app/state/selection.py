"""What the user is looking at: map kind, layer, head (or the mean of heads), decoding step,
selected token and the span of tokens the maps are filtered to. Plain data (no Qt): the Session
owns one and hands it to every view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from core_models.record import KINDS, SIDES, AttentionMap, AttentionRecord

MEAN = "mean"
Head = int | Literal["mean"]


@dataclass(frozen=True)
class TokenRef:
    """One token: its side (one of ``core_models.record.SIDES``) and its index on that side."""

    side: str
    index: int

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"unknown token side '{self.side}'; choose one of {', '.join(SIDES)}")
        if self.index < 0:
            raise ValueError(f"token index must be >= 0, got {self.index}")


@dataclass(frozen=True)
class TokenSpan:
    """Tokens ``first``..``last`` (inclusive) of one side: the rows or columns a filter keeps."""

    side: str
    first: int
    last: int

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"unknown token side '{self.side}'; choose one of {', '.join(SIDES)}")
        if not 0 <= self.first <= self.last:
            raise ValueError(
                f"a token span needs 0 <= first <= last, got {self.first}..{self.last}"
            )


@dataclass(frozen=True)
class Selection:
    """The map on show (kind, layer, head or "mean"), the decoding step, the selected token and
    the span the maps are filtered to (None: every row and column)."""

    kind: str
    layer: int = 0
    head: Head = MEAN
    step: int | None = None
    token: TokenRef | None = None
    span: TokenSpan | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown map kind '{self.kind}'; choose one of {', '.join(KINDS)}")
        if self.head != MEAN and not (isinstance(self.head, int) and self.head >= 0):
            raise ValueError(f"head must be an index >= 0 or '{MEAN}', got {self.head!r}")

    def with_token(self, side: str, index: int) -> Selection:
        return replace(self, token=TokenRef(side, index))

    def with_map(self, kind: str, layer: int, head: Head) -> Selection:
        return replace(self, kind=kind, layer=layer, head=head)

    def with_step(self, step: int | None) -> Selection:
        return replace(self, step=step)


def find_map(record: AttentionRecord | None, selection: Selection | None) -> AttentionMap | None:
    """The map ``selection`` points at in ``record``, or None when the record lacks it."""
    if record is None or selection is None:
        return None
    try:
        return record.get(selection.kind, selection.layer)
    except KeyError:
        return None


def shown_indices(
    attention_map: AttentionMap, span: TokenSpan | None
) -> tuple[list[int], list[int]]:
    """(rows, columns) of ``attention_map`` a view draws under ``span``: a span on the query side
    keeps those rows (self-attention too: what the chosen tokens attend to, over every key), a
    span on the key side keeps those columns; a span on neither side, or past the map's tokens,
    keeps everything."""
    queries, keys = attention_map.weights.shape[1:]
    rows, columns = list(range(queries)), list(range(keys))
    if span is None:
        return rows, columns
    query_side, key_side = attention_map.sides
    if span.side == query_side and span.first < queries:
        rows = list(range(span.first, min(span.last, queries - 1) + 1))
    elif span.side == key_side and span.first < keys:
        columns = list(range(span.first, min(span.last, keys - 1) + 1))
    return rows, columns


# The map a first-time user most wants to see, in order of preference.
PREFERRED_KINDS = ("cross", "causal_self", "premise_to_hypothesis", "pair_self")


def default_selection(record: AttentionRecord) -> Selection:
    """Cross attention (or the NLI alignment) at the last layer, mean of heads, nothing selected."""
    kinds = record.kinds()
    kind = next((k for k in PREFERRED_KINDS if k in kinds), kinds[0])
    return Selection(kind, record.layers(kind)[-1], MEAN)
