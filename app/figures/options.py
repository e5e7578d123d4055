"""What a figure is made of (``FigureState``: the state the views draw) and how it is written
(``FigureOptions``: format, size, DPI, greyscale, title, heads, step). Plain data: no matplotlib
here, so the window's menu and the command line read them without loading it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.state.beam_tree import BeamTree
from app.state.display import Display
from app.state.selection import MEAN, Head, Selection
from core_models.record import NLI_LABELS, AttentionRecord

FORMATS = ("png", "svg", "pdf")
# heatmap: the selection's map (or chosen heads side by side); heads: every head of its layer;
# grid: every layer × head of its kind; compare: two models' maps on one colour scale
VIEWS = ("heatmap", "heads", "grid", "lines", "steps", "beam", "nli", "compare")
UNITS_PER_INCH = {"px": None, "in": 1.0, "cm": 2.54}  # px: divided by the DPI
DEFAULT_DPI = 200
MAX_INCHES = 60.0  # past this a figure is a mistake (and takes minutes to write)


@dataclass(frozen=True)
class Prediction:
    """The NLI label probabilities (``NLI_LABELS`` order, or a mapping label -> probability), the
    pair and the gold label when known."""

    probabilities: Sequence[float] | Mapping[str, float]
    premise: str = ""
    hypothesis: str = ""
    gold_label: str | None = None

    def labelled(self) -> list[tuple[str, float]]:
        """(label, probability) pairs, checked: one per label, a known gold label."""
        if isinstance(self.probabilities, Mapping):
            pairs = [(str(k), float(v)) for k, v in self.probabilities.items()]
        else:
            if len(self.probabilities) != len(NLI_LABELS):
                raise ValueError(
                    f"expected {len(NLI_LABELS)} probabilities ({', '.join(NLI_LABELS)}), "
                    f"got {len(self.probabilities)}"
                )
            pairs = [
                (label, float(p)) for label, p in zip(NLI_LABELS, self.probabilities, strict=True)
            ]
        labels = [label for label, _ in pairs]
        if self.gold_label is not None and self.gold_label not in labels:
            raise ValueError(
                f"unknown gold label '{self.gold_label}'; choose one of {', '.join(labels)}"
            )
        return pairs


@dataclass(frozen=True)
class FigureState:
    """What a figure draws: the views' (record, selection, display), the model's name (for the
    title), the beam tree ("beam"), the NLI prediction ("nli") and, for "compare", the second
    model's state (its own record and selection; its display is this one's)."""

    record: AttentionRecord | None
    selection: Selection | None
    display: Display = Display()
    model: str = ""
    beam: BeamTree | None = None
    beam_node: tuple[int, int] | None = None
    prediction: Prediction | None = None
    other: FigureState | None = None


@dataclass(frozen=True)
class FigureOptions:
    """How a figure is written. ``size``: (width, height) in inches, None for a size that fits
    the tokens; ``fmt``: one of ``FORMATS``, None to take it from the file's suffix; ``heads``:
    the heads drawn side by side ("heatmap"; None: the selection's head, "heads": every head);
    ``all_steps``: "steps" draws one panel per decoding step (else the selection's step);
    ``title``: None for the default (model, kind, layer, head), "" for none."""

    fmt: str | None = None
    dpi: int = DEFAULT_DPI
    size: tuple[float, float] | None = None
    greyscale: bool = False
    title: str | None = None
    heads: tuple[Head, ...] | None = None
    all_steps: bool = False

    def __post_init__(self) -> None:
        if self.fmt is not None and self.fmt not in FORMATS:
            raise ValueError(
                f"unknown figure format '{self.fmt}'; choose one of {', '.join(FORMATS)}"
            )
        if not 10 <= self.dpi <= 1200:
            raise ValueError(f"DPI must be between 10 and 1200, got {self.dpi}")
        if self.size is not None and not all(0.5 <= side <= MAX_INCHES for side in self.size):
            width, height = self.size
            raise ValueError(
                f"a figure must be 0.5 to {MAX_INCHES:g} inches a side, got {width:g}×{height:g} in"
            )
        for head in self.heads or ():
            if head != MEAN and not (isinstance(head, int) and head >= 0):
                raise ValueError(f"head must be an index >= 0 or '{MEAN}', got {head!r}")

    def format_for(self, path: str | Path) -> str:
        """The format to write ``path`` in: ``fmt``, else the suffix's (checked)."""
        if self.fmt is not None:
            return self.fmt
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in FORMATS:
            raise ValueError(
                f"cannot tell the format of '{Path(path).name}': choose a name ending in "
                f"{', '.join('.' + f for f in FORMATS)} (or give the format)"
            )
        return suffix


SIZE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(px|in|cm)?\s*$")


def parse_size(text: str, dpi: int) -> tuple[float, float]:
    """ "900x600" (pixels at ``dpi``), "6x4in" or "15x10cm" -> (width, height) in inches."""
    match = SIZE_PATTERN.match(text.lower())
    if match is None:
        raise ValueError(
            f"a size is WIDTHxHEIGHT in px (the default), in or cm, e.g. 1800x1200, 6.5x4in "
            f"or 16x10cm; got '{text}'"
        )
    width, height, unit = float(match[1]), float(match[2]), match[3] or "px"
    per_inch = UNITS_PER_INCH[unit] or dpi
    return width / per_inch, height / per_inch


def parse_heads(text: str) -> tuple[Head, ...]:
    """ "0,2,3" or "mean,1" -> the heads to draw side by side."""
    heads: list[Head] = []
    for part in text.split(","):
        part = part.strip()
        if part == MEAN:
            heads.append(MEAN)
        elif part.isdigit():
            heads.append(int(part))
        else:
            raise ValueError(f"heads are indices or '{MEAN}' separated by commas, got '{text}'")
    return tuple(heads)
