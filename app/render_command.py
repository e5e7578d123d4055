"""``attention-workbench render``: run a model on one input and draw one view offscreen to PNG or
SVG, with the same widgets the window shows (for slides, papers and tests)."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from app.render import Output, Prediction, parse_head, render_view
from app.state import records
from app.state.display import COLORMAPS, NORMALISATIONS, SCALES, THEMES, Display
from app.state.selection import Selection, TokenRef, default_selection
from core_models.inference import (
    Classifier,
    NLIResult,
    TranslationResult,
    Translator,
    load_model,
)
from core_models.record import NLI_LABELS, AttentionRecord

logger = logging.getLogger(__name__)

# The command's view names -> app.render's ("grid" is the name of the heads grid).
VIEW_NAMES = {
    "heatmap": "heatmap",
    "grid": "heads",
    "heads": "heads",
    "lines": "lines",
    "steps": "steps",
    "beam": "beam",
    "nli": "nli",
}
DEFAULT_BEAM = 3  # the beam view without --beam


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attention-workbench render",
        description="Run a model on one input and draw one attention view to PNG or SVG.",
    )
    parser.add_argument("model", help="bundled model name or checkpoint directory")
    parser.add_argument("text", nargs="?", help="the sentence to translate (translation models)")
    parser.add_argument("--premise", help="NLI models: the premise")
    parser.add_argument("--hypothesis", help="NLI models: the hypothesis")
    parser.add_argument("--reference", help="force-decode this reference translation")
    parser.add_argument("--view", default="heatmap", choices=list(VIEW_NAMES))
    parser.add_argument("--kind", help="map kind, e.g. cross, encoder_self (default: cross)")
    parser.add_argument("--layer", type=int, help="layer (default: the last)")
    parser.add_argument("--head", default="mean", help="head index or 'mean' (default)")
    parser.add_argument(
        "--beam", type=int, help=f"beam width (default 1; {DEFAULT_BEAM} for --view beam)"
    )
    parser.add_argument("--step", type=int, help="decoding step to show (steps, beam)")
    parser.add_argument("--token", metavar="SIDE:INDEX", help="selected token, e.g. target:2")
    parser.add_argument("--words", action="store_true", help="merge sub-word pieces into words")
    parser.add_argument("--theme", default="light", choices=THEMES)
    parser.add_argument("--colormap", default="viridis", choices=COLORMAPS)
    parser.add_argument("--scale", default="linear", choices=SCALES)
    parser.add_argument("--normalisation", default="global", choices=NORMALISATIONS)
    parser.add_argument("--size", default="900x600", help="WIDTHxHEIGHT in pixels")
    parser.add_argument("-o", "--output", required=True, help="out.png or out.svg")
    return parser


def parse_token(text: str | None) -> TokenRef | None:
    if text is None:
        return None
    side, _, index = text.partition(":")
    if not index.isdigit():
        raise ValueError(f"--token must be SIDE:INDEX, e.g. target:2; got '{text}'")
    return TokenRef(side, int(index))


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise ValueError(f"--size must be WIDTHxHEIGHT, e.g. 900x600; got '{text}'")
    return int(width), int(height)


def render(args: argparse.Namespace) -> Path:
    """Run the model on the arguments' input and draw the view; returns the file written."""
    view = VIEW_NAMES[args.view]
    model = load_model(args.model)
    output = Output(args.output, view, parse_size(args.size))
    if isinstance(model, Translator):
        result = translate(model, args, view)
        output = replace(output, beam=records.beam_tree(result))
        if view == "beam" and not output.beam:
            raise ValueError("the beam view needs beam search: use --beam 2 or more")
    else:
        result = classify(model, args, view)
        probabilities = [result.probs[label] for label in NLI_LABELS]
        output = replace(
            output, prediction=Prediction(probabilities, args.premise, args.hypothesis)
        )
    record = records.word_record(result.record, model) if args.words else result.record
    display = Display(
        units="words" if args.words else "pieces",
        colormap=args.colormap,
        scale=args.scale,
        normalisation=args.normalisation,
        theme=args.theme,
    )
    return render_view(record, chosen_selection(record, args), display, output)


def translate(model: Translator, args: argparse.Namespace, view: str) -> TranslationResult:
    if not args.text:
        raise ValueError(
            f'{model.name} translates: give the sentence, e.g. render {args.model} "a b c"'
        )
    if view == "nli":
        raise ValueError(f"{model.name} is a translation model: the 'nli' view needs an NLI model")
    beam = args.beam or (DEFAULT_BEAM if view == "beam" else 1)
    return model.translate(args.text, beam=beam, reference=args.reference)


def classify(model: Classifier, args: argparse.Namespace, view: str) -> NLIResult:
    if args.premise is None or args.hypothesis is None:
        raise ValueError(f"{model.name} is an NLI model: give --premise and --hypothesis")
    if view in ("steps", "beam"):
        raise ValueError(f"an NLI model has no decoding {view}: choose heatmap, grid, lines or nli")
    return model.classify(args.premise, args.hypothesis)


def chosen_selection(record: AttentionRecord, args: argparse.Namespace) -> Selection:
    """The map, step and token the arguments ask for (kind: cross, else the record's default;
    layer: the last)."""
    kind = args.kind or default_selection(record).kind
    if kind not in record.kinds():
        raise ValueError(f"the record has no '{kind}' maps; it has {', '.join(record.kinds())}")
    layer = args.layer if args.layer is not None else record.layers(kind)[-1]
    if layer not in record.layers(kind):
        raise ValueError(f"'{kind}' has layers {record.layers(kind)}, not {layer}")
    return Selection(kind, layer, parse_head(args.head), args.step, parse_token(args.token))


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        path = render(args)
    except (ValueError, OSError, KeyError, IndexError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(path)
    return 0
