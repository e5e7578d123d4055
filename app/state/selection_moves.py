"""How the user's navigation moves the selection (``app.state.selection.Selection``) over a
record: the selection kept across a new record, a token (a target piece is also
the decoding step that produced it), a decoding step (its target piece becomes the token), the
next or previous head ("mean" first) and layer. Pure functions of (selection, record): no Qt.
"""

from __future__ import annotations

from dataclasses import replace

from app.state.records import side_tokens
from app.state.selection import MEAN, Head, Selection, TokenRef, default_selection
from core_models.record import AttentionRecord


def fit_selection(previous: Selection | None, record: AttentionRecord | None) -> Selection | None:
    """``previous`` kept as far as ``record`` allows (kind, layer, head, step, token), else the
    default; None when there is nothing to show."""
    if record is None or not record.maps:
        return None
    if previous is None or previous.kind not in record.kinds():
        return default_selection(record)
    layers = record.layers(previous.kind)
    layer = previous.layer if previous.layer in layers else layers[-1]
    heads = record.get(previous.kind, layer).heads
    head = previous.head if previous.head == MEAN or previous.head < heads else MEAN
    step = (
        previous.step if previous.step is not None and previous.step < len(record.steps) else None
    )
    token = fit_token(previous.token, record)
    return Selection(previous.kind, layer, head, step, token, previous.span)


def fit_token(token: TokenRef | None, record: AttentionRecord) -> TokenRef | None:
    """``token`` if ``record`` has that side and index, else None."""
    if token is None:
        return None
    tokens = side_tokens(record).get(token.side, [])
    return token if token.index < len(tokens) else None


def with_token(selection: Selection, record: AttentionRecord, side: str, index: int) -> Selection:
    """``selection`` with token ``index`` of ``side`` selected (dropped when the record has no
    such token); a target token is also its decoding step (pieces or merged words alike: a
    merged record's steps are its target words)."""
    chosen = selection.with_token(side, index)
    if side == "target" and index < len(record.steps):
        chosen = chosen.with_step(index)
    return fit_selection(chosen, record)


def with_step(selection: Selection, record: AttentionRecord, step: int) -> Selection:
    """``selection`` at decoding step ``step`` (clamped to the record's steps); the target token
    that step produced becomes the selected token."""
    step = min(max(int(step), 0), len(record.steps) - 1)
    chosen = selection.with_step(step)
    if "target" in side_tokens(record):
        chosen = replace(chosen, token=TokenRef("target", step))
    return chosen


def next_head(selection: Selection, record: AttentionRecord, delta: int) -> Selection:
    """The head ``delta`` places on, in the order mean, 0, 1, ... (wrapping around)."""
    heads = record.get(selection.kind, selection.layer).heads
    order: list[Head] = [MEAN, *range(heads)]
    head = order[(order.index(selection.head) + delta) % len(order)]
    return selection.with_map(selection.kind, selection.layer, head)


def next_layer(selection: Selection, record: AttentionRecord, delta: int) -> Selection:
    """The layer ``delta`` places on among the kind's layers (wrapping around)."""
    layers = record.layers(selection.kind)
    layer = layers[(layers.index(selection.layer) + delta) % len(layers)]
    return fit_selection(selection.with_map(selection.kind, layer, selection.head), record)
