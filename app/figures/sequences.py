"""Figures that follow the tokens rather than a matrix: token lines (queries left, keys right,
one line per pair, opacity = weight), decoding steps (small multiples: one panel per step, or one
step with its top-k candidates) and the beam-search tree.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from app.figures import paint
from app.figures.maps import require_maps
from app.figures.options import FigureOptions, FigureState
from app.state.beam_tree import BeamTree
from app.state.measures import step_rows_map
from app.state.selection import MEAN, shown_indices
from core_models.record import AttentionMap, AttentionRecord

MIN_ALPHA = 0.05  # fainter lines are left out (invisible in print)
STEP_COLUMNS = 4


def lines_figure(state: FigureState, options: FigureOptions) -> Figure:
    """Token lines of the selection's map: all of them, or the selected token's only."""
    record, selection = require_maps(state, "lines")
    attention_map = paint.find_layer_map(record, selection)
    rows, columns = shown_indices(attention_map, selection.span)
    weights = paint.head_map(attention_map, selection.head)[np.ix_(rows, columns)]
    queries = [attention_map.query_tokens[i] for i in rows]
    keys = [attention_map.key_tokens[i] for i in columns]
    ink = paint.ink_for(state.display, options)
    count = max(len(queries), len(keys))
    figure = paint.new_figure(options, ink, (4.5, min(max(1.0 + 0.2 * count, 2.5), 14.0)))
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xlim(0, 1)
    axes.set_ylim(count - 0.5, -1.5)
    height_pt = figure.get_figheight() * 72 * 0.8
    font = min(paint.FONT_PT + 1, max(height_pt / (count + 2) * 0.8, 3.0))
    focus = focused(selection.token, attention_map.sides, rows, columns)
    offset_q, offset_k = (count - len(queries)) / 2, (count - len(keys)) / 2
    segments, colours = [], []
    colour = ink.highlight if focus else ink.accent
    for q, k in zip(*np.nonzero(weights >= MIN_ALPHA), strict=True):
        if focus and focus != ("query", q) and focus != ("key", k):
            continue
        segments.append([(0.33, q + offset_q), (0.67, k + offset_k)])
        colours.append(to_rgba(colour, min(1.0, float(weights[q, k]))))
    axes.add_collection(LineCollection(segments, colors=colours, linewidths=1.2 if focus else 0.9))
    for x, tokens, offset, align, side in (
        (0.31, queries, offset_q, "right", f"{attention_map.sides[0]} (queries)"),
        (0.69, keys, offset_k, "left", f"{attention_map.sides[1]} (keys)"),
    ):
        axes.text(x, -1.2, side, ha=align, va="center", color=ink.muted, fontsize=font)
        for index, token in enumerate(tokens):
            axes.text(
                x,
                index + offset,
                paint.short(token),
                ha=align,
                va="center",
                color=ink.text,
                fontsize=font,
            )
    default = paint.describe(attention_map.kind, attention_map.layer, selection.head)
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, default))))
    return figure


def focused(
    token: object, sides: tuple[str, str], rows: list[int], columns: list[int]
) -> tuple[str, int] | None:
    """("query" | "key", position) of the selected token among those drawn, or None."""
    if token is None:
        return None
    if token.side == sides[0] and token.index in rows:
        return "query", rows.index(token.index)
    if token.side == sides[1] and token.index in columns:
        return "key", columns.index(token.index)
    return None


def row_map(record: AttentionRecord, state: FigureState) -> AttentionMap:
    """The map whose rows are decoding steps: the selection's if it is one, else cross attention
    at the selection's layer (or the last)."""
    attention_map = step_rows_map(record, state.selection)
    if attention_map is None:
        raise ValueError("the 'steps' figure needs decoder attention (a translation model)")
    return attention_map


def steps_figure(state: FigureState, options: FigureOptions) -> Figure:
    """One small panel per decoding step (its attention row over the keys), or, for the
    selection's step unless all steps are asked for, that step's row and its top-k candidates."""
    record, selection = require_maps(state, "steps")
    attention_map = row_map(record, state)
    head = (
        selection.head if selection.head == MEAN or selection.head < attention_map.heads else MEAN
    )
    weights = paint.head_map(attention_map, head)
    ink = paint.ink_for(state.display, options)
    caption = paint.describe(attention_map.kind, attention_map.layer, head)
    if options.all_steps or selection.step is None:
        figure = all_steps(weights, record, attention_map, options, ink)
    else:
        figure = one_step(
            weights, record, attention_map, min(selection.step, len(weights) - 1), options, ink
        )
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, caption))))
    return figure


def step_caption(record: AttentionRecord, attention_map: AttentionMap, step: int) -> str:
    if step < len(record.steps):
        info = record.steps[step]
        return f"step {step + 1}: {paint.short(info.token)} (p = {info.prob:.2f})"
    return f"step {step + 1}: {paint.short(attention_map.query_tokens[step])}"


def attention_bars(
    axes: Axes, row: np.ndarray, keys: list[str], ink: paint.Ink, labels: bool
) -> None:
    paint.style_axes(axes, ink)
    axes.bar(range(len(row)), row, width=0.8, color=ink.accent)
    axes.set_ylim(0, 1)
    axes.set_xlim(-0.6, len(row) - 0.4)
    if labels:
        paint.token_ticks(axes, "x", keys)
    else:
        axes.set_xticks(range(len(row)), [""] * len(row))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def all_steps(
    weights: np.ndarray,
    record: AttentionRecord,
    attention_map: AttentionMap,
    options: FigureOptions,
    ink: paint.Ink,
) -> Figure:
    steps = len(weights)
    columns = min(STEP_COLUMNS, steps)
    rows = math.ceil(steps / columns)
    keys = attention_map.key_tokens
    width = columns * max(1.6, 0.17 * len(keys) + 0.6)
    figure = paint.new_figure(options, ink, (min(width, 16.0), min(0.8 + 1.7 * rows, 20.0)))
    grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for index, axes in enumerate(grid.flat):
        if index >= steps:
            axes.set_visible(False)
            continue
        bottom = index + columns >= steps  # the last panel of its column: keys labelled
        attention_bars(axes, weights[index], keys, ink, labels=bottom)
        axes.set_title(
            step_caption(record, attention_map, index),
            color=ink.text,
            fontsize=paint.FONT_PT,
            pad=3,
        )
        if index % columns == 0:
            axes.set_ylabel("weight", color=ink.text, fontsize=paint.FONT_PT)
    return figure


def one_step(
    weights: np.ndarray,
    record: AttentionRecord,
    attention_map: AttentionMap,
    step: int,
    options: FigureOptions,
    ink: paint.Ink,
) -> Figure:
    keys = attention_map.key_tokens
    figure = paint.new_figure(options, ink, (min(max(5.0, 2.8 + 0.22 * len(keys)), 16.0), 3.0))
    row_axes, top_axes = figure.subplots(1, 2, width_ratios=[3, 2])
    attention_bars(row_axes, weights[step], keys, ink, labels=True)
    row_axes.set_ylabel("weight", color=ink.text, fontsize=paint.FONT_PT)
    row_axes.set_title(
        step_caption(record, attention_map, step) + " looked at",
        color=ink.text,
        fontsize=paint.FONT_PT,
    )
    paint.style_axes(top_axes, ink)
    info = record.steps[step] if step < len(record.steps) else None
    candidates = list(info.top_k) if info is not None else []
    colours = [
        ink.highlight if info is not None and token == info.token else ink.accent
        for token, _ in candidates
    ]
    top_axes.barh(range(len(candidates)), [p for _, p in candidates], color=colours, height=0.7)
    top_axes.set_yticks(range(len(candidates)), [paint.short(t) for t, _ in candidates])
    top_axes.invert_yaxis()
    top_axes.set_xlim(0, 1.2)
    top_axes.set_xlabel("probability", color=ink.text, fontsize=paint.FONT_PT)
    top_axes.set_title(
        f"top-{len(candidates)} next tokens" if candidates else "no candidates recorded",
        color=ink.text,
        fontsize=paint.FONT_PT,
    )
    for index, (_, p) in enumerate(candidates):
        top_axes.text(
            p + 0.02, index, f"{p:.2f}", va="center", color=ink.text, fontsize=paint.FONT_PT - 1
        )
    for side in ("top", "right"):
        top_axes.spines[side].set_visible(False)
    return figure


# --- the beam tree -------------------------------------------------------------------------------


def alive(tree: BeamTree, step: int, index: int) -> bool:
    """Whether the beam kept extending this hypothesis (or it finished, or is in the last step)."""
    node = tree[step][index]
    if node.finished or step == len(tree) - 1:
        return True
    return any(child.parent == index for child in tree[step + 1])


def beam_figure(state: FigureState, options: FigureOptions) -> Figure:
    """One column per step, one box per hypothesis (token, log-probability), edges to the
    hypothesis it extends; the returned one's path bold, finished ones in green, dropped dashed,
    the selected one (``state.beam_node``) in the highlight colour."""
    tree = state.beam
    if not tree or not any(tree):
        raise ValueError("the 'beam' figure needs a beam tree: decode with a beam of 2 or more")
    ink = paint.ink_for(state.display, options)
    rows = max(len(nodes) for nodes in tree)
    figure = paint.new_figure(
        options, ink, (min(1.2 + 1.05 * len(tree), 20.0), min(0.9 + 0.5 * rows, 12.0))
    )
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xlim(-0.6, len(tree) + 0.6)
    axes.set_ylim(rows - 0.5, -0.6)
    box(axes, 0, 0, "<s>", ink.muted, ink, 0.8)
    for step, nodes in enumerate(tree):
        for index, node in enumerate(nodes):
            living = alive(tree, step, index)
            parent_y = 0 if node.parent is None else node.parent
            colour = ink.accent if node.on_best_path else ink.muted
            axes.plot(
                [step + 0.38, step + 0.62],
                [parent_y, index],
                color=colour,
                linewidth=2.0 if node.on_best_path else 0.8,
                linestyle="-" if living else (0, (3, 2)),
                alpha=1.0 if living else 0.6,
            )
            edge = ink.good if node.finished else ink.accent if node.on_best_path else ink.muted
            if (step, index) == state.beam_node:  # the hypothesis the user selected
                edge = ink.highlight
            box(
                axes,
                step + 1,
                index,
                f"{paint.short(node.token)}\n{node.score:.2f}",
                edge,
                ink,
                1.6 if node.on_best_path else 0.8,
                faded=not living,
            )
    default = (
        f"beam search · {len(tree)} steps · bold: returned · green: finished · dashed: dropped"
    )
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, default))))
    return figure


def box(
    axes: Axes,
    x: float,
    y: float,
    text: str,
    edge: str,
    ink: paint.Ink,
    width: float,
    faded: bool = False,
) -> None:
    axes.add_patch(
        FancyBboxPatch(
            (x - 0.36, y - 0.3),
            0.72,
            0.6,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=ink.page,
            edgecolor=edge,
            linewidth=width,
        )
    )
    axes.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=paint.FONT_PT - 1,
        color=ink.muted if faded else ink.text,
        linespacing=1.1,
    )
