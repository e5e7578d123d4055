"""What every figure shares: print palettes (light, dark, greyscale), the colour map and scale of
the maps, token labels that never overlap (rotated, then thinned), and writing the file (PNG at
the DPI asked, SVG with real text, PDF with embedded TrueType fonts).

matplotlib's object API only (``Figure``, never pyplot): no global state, no GUI backend, safe on
a worker thread.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app.figures.options import FigureOptions
from app.state.display import Display
from app.state.measures import gold_for, head_weights
from app.state.selection import MEAN, Head, Selection
from core_models.record import ATTRIBUTION_KINDS, AttentionMap, AttentionRecord

SAVING = threading.RLock()  # rcParams are global: one figure is written at a time
LOG_FLOOR = 1e-4  # weights below this are drawn as this on a log scale
MAX_LABEL_CHARS = 14  # longer tokens are cut with an ellipsis
FONT_PT = 8.0


@dataclass(frozen=True)
class Ink:
    """The colours of a figure: page, text, faint lines, the attention colour, the highlight
    (predicted label, best beam path), gold outlines, finished hypotheses."""

    page: str
    text: str
    muted: str
    accent: str
    highlight: str
    gold: str
    good: str


INKS = {
    "light": Ink("#ffffff", "#000000", "#888888", "#2166ac", "#d95f02", "#e7298a", "#1b9e77"),
    "dark": Ink("#1e1f22", "#e6e6e6", "#80868e", "#6cb4ff", "#ff922b", "#ff6b9a", "#69db7c"),
    "greyscale": Ink("#ffffff", "#000000", "#999999", "#555555", "#000000", "#000000", "#333333"),
}
CMAP_NAMES = {"viridis": "viridis", "magma": "magma", "cividis": "cividis", "greys": "Greys"}


def ink_for(display: Display, options: FigureOptions) -> Ink:
    return INKS["greyscale" if options.greyscale else display.theme]


def cmap_for(display: Display, options: FigureOptions) -> mcolors.Colormap:
    """The display's colour map (greys for greyscale print); "greys" runs page → text."""
    if options.greyscale or display.colormap == "greys":
        ink = ink_for(display, options)
        return mcolors.LinearSegmentedColormap.from_list("greys", [ink.page, ink.text])
    from matplotlib import colormaps

    return colormaps[CMAP_NAMES[display.colormap]]


def map_norm(display: Display, top: float) -> mcolors.Normalize:
    """The colour scale of maps whose strongest value is ``top``: linear from 0, or log10 from
    ``LOG_FLOOR`` (the colour bar then reads in decades)."""
    top = top if top > 0 else 1.0
    if display.scale == "log":
        return mcolors.LogNorm(vmin=LOG_FLOOR, vmax=max(top, LOG_FLOOR * 10), clip=True)
    return mcolors.Normalize(vmin=0.0, vmax=top)


def head_map(attention_map: AttentionMap, head: Head) -> np.ndarray:
    """The (queries, keys) weights of ``head``, or their mean over heads (a clear error naming
    the map for a head it does not have)."""
    try:
        return head_weights(attention_map.weights, head)
    except IndexError:
        raise ValueError(
            f"the {attention_map.kind} map of layer {attention_map.layer} has heads "
            f"0..{attention_map.heads - 1}, not {head}"
        ) from None


def shown(weights: np.ndarray, display: Display) -> np.ndarray:
    """``weights`` as drawn: each row divided by its maximum under "row" normalisation."""
    if display.normalisation != "row":
        return weights
    top = weights.max(axis=-1, keepdims=True)
    return np.divide(weights, top, out=np.zeros_like(weights), where=top > 0)


def gold_cells(record: AttentionRecord, attention_map: AttentionMap) -> np.ndarray | None:
    """The record's gold alignment oriented as ``attention_map``, or None (none known, or sized
    in words while the map is in pieces)."""
    gold = gold_for(record, attention_map)
    return gold if gold is not None and gold.shape == attention_map.weights.shape[1:] else None


def find_layer_map(record: AttentionRecord, selection: Selection) -> AttentionMap:
    """The selection's map, or a clear error naming what the record has."""
    if selection.kind not in record.kinds():
        raise ValueError(
            f"the record has no '{selection.kind}' maps; it has {', '.join(record.kinds())}"
        )
    if selection.layer not in record.layers(selection.kind):
        raise ValueError(
            f"'{selection.kind}' has layers {record.layers(selection.kind)}, not {selection.layer}"
        )
    return record.get(selection.kind, selection.layer)


def describe(kind: str, layer: int, head: Head) -> str:
    """ "cross · layer 1 · head 2"; an attribution map (no layers or heads): its kind alone."""
    if kind in ATTRIBUTION_KINDS:
        return kind.replace("_", " ")
    head_text = "mean of heads" if head == MEAN else f"head {head}"
    return f"{kind.replace('_', ' ')} · layer {layer} · {head_text}"


# --- the figure and its text ---------------------------------------------------------------------


def new_figure(options: FigureOptions, ink: Ink, natural: tuple[float, float]) -> Figure:
    """A figure of the size asked (else ``natural`` inches) with constrained layout, so that
    labels, titles and colour bars are never clipped."""
    width, height = options.size or natural
    figure = Figure(figsize=(width, height), dpi=options.dpi, facecolor=ink.page)
    FigureCanvasAgg(figure)  # measures text while labels are fitted; savefig picks the format's
    figure.set_layout_engine("constrained", w_pad=0.04, h_pad=0.04)
    return figure


def title(figure: Figure, options: FigureOptions, ink: Ink, default: str) -> None:
    """The options' title, else ``default``, broken at " · " into lines that fit the width."""
    text = default if options.title is None else options.title
    if not text:
        return
    size = FONT_PT + 2
    fits = max(int(figure.get_figwidth() * 72 / (size * 0.56)), 12)  # DejaVu Sans: mean advance
    lines: list[str] = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= fits:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    figure.suptitle("\n".join(lines), color=ink.text, fontsize=size)


def style_axes(axes: Axes, ink: Ink) -> None:
    axes.set_facecolor(ink.page)
    axes.tick_params(colors=ink.text, labelsize=FONT_PT, length=2, width=0.6)
    for spine in axes.spines.values():
        spine.set_color(ink.muted)
        spine.set_linewidth(0.6)


def short(token: str) -> str:
    return token if len(token) <= MAX_LABEL_CHARS else token[: MAX_LABEL_CHARS - 1] + "…"


def token_ticks(axes: Axes, which: str, tokens: list[str]) -> None:
    """Label positions 0..n-1 of axis ``which`` ("x" or "y") with ``tokens`` (cut when long);
    ``fit_labels`` later rotates and thins them so none overlap."""
    axis = axes.xaxis if which == "x" else axes.yaxis
    axis.set_ticks(range(len(tokens)), [short(t) for t in tokens])


def fit_labels(figure: Figure, rounds: int = 3) -> None:
    """Rotate the x token labels to vertical when two neighbours collide flat, then keep every
    k-th label of any axis whose labels still overlap (measured on the laid-out figure, so at
    its real size)."""
    for _ in range(rounds):
        figure.draw_without_rendering()
        renderer = figure.canvas.get_renderer()
        changed = False
        for axes in figure.axes:
            for which in ("x", "y"):
                changed |= _thin_axis(axes, which, renderer)
        if not changed:
            return


def _thin_axis(axes: Axes, which: str, renderer: object) -> bool:
    axis = axes.xaxis if which == "x" else axes.yaxis
    labels = [label for label in axis.get_ticklabels() if label.get_text()]
    if len(labels) < 2:
        return False
    boxes = [label.get_window_extent(renderer) for label in labels]
    first, second = axis.get_ticklocs()[:2]
    points = [(first, 0), (second, 0)] if which == "x" else [(0, first), (0, second)]
    pixels = axes.transData.transform(points)
    spacing = abs(pixels[1] - pixels[0])[0 if which == "x" else 1]
    sizes = [box.width if which == "x" else box.height for box in boxes]
    extent = max((a + b) / 2 for a, b in zip(sizes, sizes[1:], strict=False))  # neighbours
    if extent + 2 <= spacing:
        return False
    if which == "x" and labels[0].get_rotation() == 0:
        for label in axis.get_ticklabels():
            label.set_rotation(90)
        return True
    stride = max(2, math.ceil((extent + 2) / max(spacing, 1e-6)))
    if stride <= _stride(axis):
        return False
    for index, label in enumerate(axis.get_ticklabels()):
        label.set_visible(index % stride == 0)
    return True


def _stride(axis: object) -> int:
    labels = axis.get_ticklabels()
    hidden = [i for i, label in enumerate(labels) if not label.get_visible()]
    visible = [i for i, label in enumerate(labels) if label.get_visible()]
    return visible[1] - visible[0] if hidden and len(visible) > 1 else 1


def colour_bar(figure: Figure, image: object, axes: list[Axes], ink: Ink, log: bool) -> None:
    bar = figure.colorbar(image, ax=axes, shrink=0.9, pad=0.02, aspect=30)
    bar.set_label(
        "attention weight" + (" (log scale)" if log else ""), color=ink.text, size=FONT_PT
    )
    bar.ax.tick_params(colors=ink.text, labelsize=FONT_PT - 1, length=2)
    bar.outline.set_edgecolor(ink.muted)
    bar.outline.set_linewidth(0.6)


def save(figure: Figure, path: str | Path, options: FigureOptions) -> Path:
    """Write ``figure`` to ``path`` in the options' format: PNG at their DPI (its pixels are the
    size × DPI, no cropping), SVG with text kept as text, PDF with TrueType fonts embedded."""
    path = Path(path)
    fmt = options.format_for(path)
    fit_labels(figure)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Creator": "Attention Workbench"} if fmt in ("pdf", "svg") else None
    with (
        SAVING,
        rc_context({"pdf.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "workbench"}),
    ):
        figure.savefig(
            path, format=fmt, dpi=options.dpi, facecolor=figure.get_facecolor(), metadata=metadata
        )
    return path
