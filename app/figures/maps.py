"""Figures of attention maps: the heatmap (one map, or chosen heads side by side), the heads grid
(every layer × head of one kind, small multiples with their row entropy), compare (two models
side by side on one colour scale) and NLI (both alignment maps and the label bars).

Each draws a ``FigureState`` with ``FigureOptions`` onto a new matplotlib ``Figure``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from app.figures import paint
from app.figures.options import FigureOptions, FigureState
from app.state.measures import mean_row_entropy
from app.state.selection import MEAN, Head, Selection, shown_indices
from core_models.record import AttentionRecord


@dataclass(frozen=True)
class Panel:
    """One heatmap to draw: its weights as shown, token labels, sides, gold cells, caption."""

    weights: np.ndarray
    query_tokens: list[str]
    key_tokens: list[str]
    sides: tuple[str, str]
    gold: np.ndarray | None
    caption: str


def panel(record: AttentionRecord, selection: Selection, head: Head, state: FigureState) -> Panel:
    """The selection's map at ``head``, filtered to the selection's span, as drawn."""
    attention_map = paint.find_layer_map(record, selection)
    rows, columns = shown_indices(attention_map, selection.span)
    weights = paint.shown(paint.head_map(attention_map, head), state.display)
    gold = paint.gold_cells(record, attention_map) if state.display.gold else None
    return Panel(
        weights[np.ix_(rows, columns)],
        [attention_map.query_tokens[i] for i in rows],
        [attention_map.key_tokens[i] for i in columns],
        attention_map.sides,
        gold[np.ix_(rows, columns)] if gold is not None else None,
        paint.describe(attention_map.kind, attention_map.layer, head),
    )


def map_size(panels: list[Panel], extra_width: float = 0.9) -> tuple[float, float]:
    """Inches that give each cell about a fifth of an inch, labels and a colour bar."""
    rows = max(len(p.query_tokens) for p in panels)
    columns = sum(len(p.key_tokens) for p in panels)
    width = 1.1 + 0.2 * columns + 0.9 * len(panels) + extra_width
    height = 1.6 + 0.2 * rows
    return min(max(width, 3.5), 16.0), min(max(height, 2.5), 12.0)


def draw_panels(
    figure: Figure, grid: object, panels: list[Panel], state: FigureState, options: FigureOptions
) -> list[Axes]:
    """One heatmap per panel in the cells of ``grid`` (a SubplotSpec row), one colour scale
    and one colour bar for all of them; the query labels on the first panel only."""
    ink = paint.ink_for(state.display, options)
    cmap = paint.cmap_for(state.display, options)
    norm = paint.map_norm(state.display, max(float(p.weights.max()) for p in panels))
    ratios = [max(len(p.key_tokens), 1) for p in panels]
    axes_list = [
        figure.add_subplot(spec) for spec in grid.subgridspec(1, len(panels), width_ratios=ratios)
    ]
    image, first = None, (panels[0].sides[0], panels[0].query_tokens)
    for index, (axes, each) in enumerate(zip(axes_list, panels, strict=True)):
        paint.style_axes(axes, ink)
        image = axes.imshow(
            each.weights, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest"
        )
        axes.xaxis.tick_top()
        axes.xaxis.set_label_position("top")
        paint.token_ticks(axes, "x", each.key_tokens)
        paint.token_ticks(axes, "y", each.query_tokens)
        if index > 0 and (each.sides[0], each.query_tokens) == first:
            axes.tick_params(labelleft=False)
        else:
            axes.set_ylabel(f"{each.sides[0]} (queries)", color=ink.text, fontsize=paint.FONT_PT)
        axes.set_xlabel(f"{each.sides[1]} (keys)", color=ink.text, fontsize=paint.FONT_PT)
        if len(panels) > 1:  # above the key labels (matplotlib moves it clear of them)
            axes.set_title(each.caption, color=ink.text, fontsize=paint.FONT_PT, pad=4)
        if each.gold is not None:
            outline_gold(axes, each.gold, ink)
    paint.colour_bar(figure, image, axes_list, ink, state.display.scale == "log")
    return axes_list


def outline_gold(axes: Axes, gold: np.ndarray, ink: paint.Ink) -> None:
    for row, column in zip(*np.nonzero(gold), strict=True):
        axes.add_patch(
            Rectangle(
                (column - 0.5, row - 0.5),
                1,
                1,
                fill=False,
                edgecolor=ink.gold,
                linewidth=1.4,
                linestyle=(0, (2, 1)),
            )
        )


def require_maps(state: FigureState, view: str) -> tuple[AttentionRecord, Selection]:
    if state.record is None or not state.record.maps or state.selection is None:
        raise ValueError(f"the '{view}' figure needs an attention record with maps")
    return state.record, state.selection


def heatmap_figure(state: FigureState, options: FigureOptions) -> Figure:
    """One map, or the options' heads side by side on one colour scale."""
    record, selection = require_maps(state, "heatmap")
    heads = options.heads or (selection.head,)
    panels = [panel(record, selection, head, state) for head in heads]
    if len(panels) > 1:  # the title names the map: each panel its head
        panels = [replace(p, caption=p.caption.rsplit(" · ", 1)[-1]) for p in panels]
    ink = paint.ink_for(state.display, options)
    figure = paint.new_figure(options, ink, map_size(panels))
    draw_panels(figure, figure.add_gridspec(1, 1)[0, 0], panels, state, options)
    if len(panels) == 1:
        default = panels[0].caption
    else:
        default = f"{selection.kind.replace('_', ' ')} · layer {selection.layer}"
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, default))))
    return figure


def heads_figure(state: FigureState, options: FigureOptions) -> Figure:
    """Every head of the selection's layer side by side (or the options' heads)."""
    record, selection = require_maps(state, "heads")
    count = paint.find_layer_map(record, selection).heads
    return heatmap_figure(state, replace(options, heads=options.heads or tuple(range(count))))


def grid_figure(state: FigureState, options: FigureOptions) -> Figure:
    """Every layer × head of the selection's kind, with its mean row entropy under it."""
    record, selection = require_maps(state, "grid")
    layers = record.layers(selection.kind)
    if not layers:
        raise ValueError(
            f"the record has no '{selection.kind}' maps; it has {', '.join(record.kinds())}"
        )
    heads = max(record.get(selection.kind, layer).heads for layer in layers)
    ink = paint.ink_for(state.display, options)
    figure = paint.new_figure(
        options, ink, (min(1.3 + 1.35 * heads, 16.0), min(0.8 + 1.45 * len(layers), 14.0))
    )
    cmap = paint.cmap_for(state.display, options)
    norm = paint.map_norm(state.display, 1.0)
    axes_grid = figure.subplots(len(layers), heads, squeeze=False)
    image = None
    for row, layer in enumerate(layers):
        weights = record.get(selection.kind, layer).weights
        for head in range(heads):
            axes = axes_grid[row][head]
            paint.style_axes(axes, ink)
            axes.set_xticks([])
            axes.set_yticks([])
            if head >= weights.shape[0]:
                axes.set_visible(False)
                continue
            image = axes.imshow(
                paint.shown(weights[head], state.display),
                cmap=cmap,
                norm=norm,
                aspect="auto",
                interpolation="nearest",
            )
            axes.set_xlabel(
                f"{mean_row_entropy(weights[head]):.2f} bits",
                color=ink.muted,
                fontsize=paint.FONT_PT - 1,
                labelpad=2,
            )
            if head == 0:
                axes.set_ylabel(
                    f"L{layer}",
                    color=ink.text,
                    fontsize=paint.FONT_PT,
                    rotation=0,
                    ha="right",
                    va="center",
                )
            if row == 0:
                axes.set_title(f"H{head}", color=ink.text, fontsize=paint.FONT_PT, pad=3)
    paint.colour_bar(figure, image, list(axes_grid.flat), ink, state.display.scale == "log")
    kind = selection.kind.replace("_", " ")
    default = f"{kind} · {len(layers)} layers × {heads} heads · mean row entropy (bits) under each"
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, default))))
    return figure


def compare_figure(state: FigureState, options: FigureOptions) -> Figure:
    """This model's map beside the second model's (``state.other``), one colour scale."""
    record, selection = require_maps(state, "compare")
    other = state.other
    if other is None or other.record is None or other.selection is None:
        raise ValueError("the 'compare' figure needs a second model's record (compare with …)")
    names = (state.model or "model 1", other.model or "model 2")
    panels = [
        panel(record, selection, selection.head, state),
        panel(other.record, other.selection, other.selection.head, state),
    ]
    panels = [replace(p, caption=f"{n}\n{p.caption}") for p, n in zip(panels, names, strict=True)]
    ink = paint.ink_for(state.display, options)
    figure = paint.new_figure(options, ink, map_size(panels))
    draw_panels(figure, figure.add_gridspec(1, 1)[0, 0], panels, state, options)
    paint.title(figure, options, ink, f"{names[0]} vs {names[1]}")
    return figure


NLI_KINDS = ("premise_to_hypothesis", "hypothesis_to_premise")


def nli_figure(state: FigureState, options: FigureOptions) -> Figure:
    """Both alignment maps (premise → hypothesis, hypothesis → premise) at the selection's layer
    (the selection's map for models without them), the label bars under them."""
    if state.prediction is None:
        raise ValueError("the 'nli' figure needs the label probabilities (a Prediction)")
    labelled = state.prediction.labelled()
    record, selection = require_maps(state, "nli")
    kinds = [kind for kind in NLI_KINDS if kind in record.kinds()] or [selection.kind]
    panels = []
    for kind in kinds:
        layers = record.layers(kind)
        layer = selection.layer if selection.layer in layers else layers[-1]
        chosen = Selection(kind, layer, selection.head, span=selection.span)
        caption = kind.replace("_to_", " → ").replace("_", " ")  # the title names layer, head
        panels.append(replace(panel(record, chosen, selection.head, state), caption=caption))
    ink = paint.ink_for(state.display, options)
    width, height = map_size(panels)
    figure = paint.new_figure(options, ink, (max(width, 5.0), height + 1.0))
    grid = figure.add_gridspec(2, 1, height_ratios=[height, 1.0])  # bars: about an inch
    draw_panels(figure, grid[0, 0], panels, state, options)
    label_bars(figure.add_subplot(grid[1, 0]), labelled, state.prediction.gold_label, ink)
    predicted = max(labelled, key=lambda pair: pair[1])
    head = "mean of heads" if selection.head == MEAN else f"head {selection.head}"
    default = f"{predicted[0]} ({predicted[1]:.0%}) · layer {layer} · {head}"
    paint.title(figure, options, ink, " · ".join(filter(None, (state.model, default))))
    return figure


def label_bars(
    axes: Axes, labelled: list[tuple[str, float]], gold: str | None, ink: paint.Ink
) -> None:
    """One horizontal bar per label, the predicted one in the highlight colour, "gold" marked."""
    paint.style_axes(axes, ink)
    best = max(range(len(labelled)), key=lambda i: labelled[i][1])
    colours = [ink.highlight if i == best else ink.accent for i in range(len(labelled))]
    values = [p for _, p in labelled]
    axes.barh(range(len(labelled)), values, color=colours, height=0.7)
    axes.set_yticks(range(len(labelled)), [label for label, _ in labelled])
    axes.invert_yaxis()
    axes.set_xlim(0, 1.25)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.set_xlabel("probability", color=ink.text, fontsize=paint.FONT_PT)
    for index, (label, value) in enumerate(labelled):
        mark = "  (gold)" if label == gold else ""
        axes.text(
            value + 0.01,
            index,
            f"{value:.0%}{mark}",
            va="center",
            color=ink.text,
            fontsize=paint.FONT_PT,
        )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
