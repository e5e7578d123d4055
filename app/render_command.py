"""``attention-workbench render``: run a model on one input and write one view as a figure (PNG,
SVG or PDF) with ``app.figures``: maps, token labels, colour bar, title; no window, no Qt."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from app.figures.options import (
    DEFAULT_DPI,
    FORMATS,
    VIEWS,
    FigureOptions,
    FigureState,
    Prediction,
    parse_heads,
    parse_size,
)
from app.state import records, special
from app.state.display import COLORMAPS, NORMALISATIONS, SCALES, THEMES, Display
from app.state.selection import MEAN, Head, Selection, TokenRef, default_selection
from core_models.inference import Classifier, Translator, load_model
from core_models.record import NLI_LABELS, AttentionRecord

logger = logging.getLogger(__name__)
DEFAULT_BEAM = 3  # the beam figure without --beam


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attention-workbench render",
        description="Run a model on one input and write one view as a figure (PNG, SVG or PDF).",
        epilog="views: heatmap (one map, or --heads side by side), heads (every head of a "
        "layer), grid (every layer × head), lines, steps (every step, or --step), beam, nli "
        "(alignment maps and label bars), compare (--compare MODEL, one colour scale)",
    )
    parser.add_argument("model", help="bundled model name or checkpoint directory")
    parser.add_argument("text", nargs="?", help="the sentence to translate (translation models)")
    parser.add_argument("--premise", help="NLI models: the premise")
    parser.add_argument("--hypothesis", help="NLI models: the hypothesis")
    parser.add_argument(
        "--sample", type=int, metavar="N", help="use test sample N of the model's task (its "
        "input, gold alignment and gold label) instead of a text"
    )  # fmt: skip
    parser.add_argument("--reference", help="force-decode this reference translation")
    parser.add_argument("--view", default="heatmap", choices=VIEWS)
    parser.add_argument("--compare", metavar="MODEL", help="the second model of --view compare")
    parser.add_argument("--kind", help="map kind, e.g. cross, encoder_self (default: cross)")
    parser.add_argument("--layer", type=int, help="layer (default: the last)")
    parser.add_argument("--head", default="mean", help="head index or 'mean' (default)")
    parser.add_argument("--heads", help="heads side by side, e.g. 0,1,3 (heatmap, heads)")
    parser.add_argument(
        "--beam", type=int, help=f"beam width (default 1; {DEFAULT_BEAM} for --view beam)"
    )
    parser.add_argument("--step", type=int, help="decoding step to show (steps: default all)")
    parser.add_argument("--token", metavar="SIDE:INDEX", help="selected token, e.g. target:2")
    parser.add_argument("--words", action="store_true", help="merge sub-word pieces into words")
    parser.add_argument("--theme", default="light", choices=THEMES)
    parser.add_argument("--colormap", default="viridis", choices=COLORMAPS)
    parser.add_argument("--greyscale", action="store_true", help="greys only, for print")
    parser.add_argument("--scale", default="linear", choices=SCALES)
    parser.add_argument("--normalisation", default="global", choices=NORMALISATIONS)
    parser.add_argument("--no-gold", action="store_true", help="leave out the gold alignment")
    parser.add_argument(
        "--hide-special", action="store_true", help="leave out the rows and columns of special "
        "tokens ([CLS], </s>, <pad>, ...); rows keep the model's weights (summing to < 1)"
    )  # fmt: skip
    parser.add_argument(
        "--renormalise", action="store_true", help="with --hide-special: rows rescaled to sum to 1"
    )
    parser.add_argument("--title", help="the figure's title (default: model, kind, layer, head)")
    parser.add_argument("--no-title", action="store_true", help="no title (caption it yourself)")
    parser.add_argument(
        "--size", help="WIDTHxHEIGHT in px (at --dpi), in or cm: 1800x1200, 6.5x4in, 16x10cm "
        "(default: fitted to the tokens)"
    )  # fmt: skip
    parser.add_argument("--dpi", type=int, default=DEFAULT_DPI, help="PNG resolution")
    parser.add_argument("--format", choices=FORMATS, help="default: the output's suffix")
    parser.add_argument("-o", "--output", required=True, help="out.png, out.svg or out.pdf")
    return parser


def parse_head(text: str) -> Head:
    """ "mean" or a head index."""
    heads = parse_heads(text)
    if len(heads) != 1:
        raise ValueError(
            f"--head is one head index or '{MEAN}' (--heads takes several), got '{text}'"
        )
    return heads[0]


def parse_token(text: str | None) -> TokenRef | None:
    if text is None:
        return None
    side, _, index = text.partition(":")
    if not index.isdigit():
        raise ValueError(f"--token must be SIDE:INDEX, e.g. target:2; got '{text}'")
    return TokenRef(side, int(index))


def figure_options(args: argparse.Namespace) -> FigureOptions:
    return FigureOptions(
        fmt=args.format,
        dpi=args.dpi,
        size=parse_size(args.size, args.dpi) if args.size else None,
        greyscale=args.greyscale,
        title="" if args.no_title else args.title,
        heads=parse_heads(args.heads) if args.heads else None,
    )


def render(args: argparse.Namespace) -> Path:
    """Run the model on the arguments' input and write the figure; returns the file written."""
    options = figure_options(args)
    options.format_for(args.output)  # a bad name is refused before the model runs
    if args.view == "compare" and not args.compare:
        raise ValueError("--view compare needs the second model: --compare MODEL")
    display = Display(
        units="words" if args.words else "pieces",
        colormap=args.colormap,
        scale=args.scale,
        normalisation=args.normalisation,
        theme=args.theme,
        gold=not args.no_gold,
        hide_special=args.hide_special,
        renormalise=args.renormalise,
    )
    state = model_state(args.model, args, display)
    if args.view == "compare":
        other = model_state(args.compare, args, display)
        state = replace(state, other=other)
    from app.figures.draw import write_figure  # matplotlib: loaded only to draw

    return write_figure(args.view, state, options, args.output)


def model_state(name: str, args: argparse.Namespace, display: Display) -> FigureState:
    """Run model ``name`` on the arguments' input: the state its figure draws."""
    if args.sample is not None and args.sample < 0:
        raise ValueError(f"--sample is a sample's index (0 or more), got {args.sample}")
    model = load_model(name)
    sample = model.samples(args.sample + 1)[args.sample :] if args.sample is not None else None
    if sample == []:
        raise ValueError(f"{model.name} has no test sample {args.sample} (try a smaller --sample)")
    pair = sample[0] if sample else None
    gold = pair.alignment if pair is not None else None
    if isinstance(model, Translator):
        if args.view == "nli":
            raise ValueError(
                f"{model.name} is a translation model: the 'nli' view needs an NLI model"
            )
        text = pair.source if pair is not None else args.text
        if not text:
            raise ValueError(
                f'{model.name} translates: give the sentence, e.g. render {name} "a b c"'
            )
        beam = args.beam or (DEFAULT_BEAM if args.view == "beam" else 1)
        result = model.translate(text, beam=beam, reference=args.reference, gold_alignment=gold)
        beam_tree, prediction = records.beam_tree(result), None
        if args.view == "beam" and not beam_tree:
            raise ValueError("the beam view needs beam search: use --beam 2 or more")
    else:
        result, prediction = classify(model, args, pair)
        beam_tree = None
    record = records.word_record(result.record, model) if args.words else result.record
    if display.hide_special:
        record, kept = special.hide_special(record, model, display.renormalise, result.record)
        if kept and not display.renormalise:
            logger.warning("note: special tokens hidden; rows no longer sum to 1")
    selection = chosen_selection(record, args)
    return FigureState(record, selection, display, model.name, beam_tree, None, prediction)


def classify(model: Classifier, args: argparse.Namespace, pair: object) -> tuple:
    """(result, prediction) of the NLI model on the pair given or the sample."""
    if args.view in ("steps", "beam"):
        raise ValueError(f"an NLI model has no decoding {args.view}: choose another view")
    premise = pair.premise if pair is not None else args.premise
    hypothesis = pair.hypothesis if pair is not None else args.hypothesis
    if premise is None or hypothesis is None:
        raise ValueError(f"{model.name} is an NLI model: give --premise and --hypothesis")
    result = model.classify(premise, hypothesis, pair.alignment if pair is not None else None)
    gold_label = pair.label if pair is not None else None
    probabilities = [result.probs[label] for label in NLI_LABELS]
    return result, Prediction(probabilities, premise, hypothesis, gold_label)


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
