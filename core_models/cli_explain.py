"""The command line's "is the attention telling the truth?" commands (issue 18):

- ``ablate MODEL``: the head-importance table of a Transformer (``core_models.explain.ablation``):
  per head, the metric (BLEU, NLI accuracy) lost when that head alone is masked, and Michel et
  al.'s importance score; with ``--prune CURVE``, greedy pruning instead: the metric against
  heads kept, written to CURVE (.csv or .json);
- ``agreement MODEL``: how well each method's map (raw attention per head, mean of heads, rollout,
  flow, saliency, input × gradient, integrated gradients) agrees with the gold alignments (AER)
  and with the others (Spearman / Kendall; ``core_models.explain.agreement``).

Both read a split of the model's bundled task or a test file (``--file``, ``--format``), show a
progress bar on stderr, print a table on stdout and write it as JSON with ``--json OUT``.

And the ``--explain METHODS`` option of ``translate`` and ``nli`` (``add_explain_options``): the
rollout and flow of the record's attention and the gradient attribution maps of the one output
decoded (``core_models.explain.shown``) added to the record that ``--dump-attention OUT`` writes:
every map kind the app shows.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path

from core_models.cli_files import progress_bar, write_lines

ATTRIBUTIONS = ("saliency", "input_x_gradient", "integrated_gradients")
ROLLOUTS = ("rollout", "flow")  # of a Transformer's attention (core_models.explain.rollout)
EXPLAIN_METHODS = (*ROLLOUTS, *ATTRIBUTIONS)
IG_STEPS = 64  # core_models.explain.attribution.IG_STEPS (that module imports torch)
METHOD_GROUPS = ("raw", "mean", "rollout", "flow", *ATTRIBUTIONS)
CURVE_FORMATS = (".csv", ".json")
LOSS_THRESHOLD = 1.0  # "harmless" heads: masked alone, they lose at most this much of the metric


def add_parsers(commands) -> None:
    ablate = commands.add_parser(
        "ablate", help="head importance: the metric lost when each head alone is masked"
    )
    _add_example_options(ablate)
    ablate.add_argument(
        "--prune",
        metavar="CURVE",
        help="prune heads greedily, least important first (Michel et al.), and write the metric "
        "against heads kept to CURVE (.csv or .json) instead of the one-head table",
    )
    agreement = commands.add_parser(
        "agreement", help="do attention, rollout, flow and gradients agree (AER, rank correlation)"
    )
    _add_example_options(agreement)
    agreement.add_argument(
        "--methods",
        nargs="+",
        choices=METHOD_GROUPS,
        default=list(METHOD_GROUPS),
        metavar="METHOD",
        help=f"the methods to compare (default: all of {', '.join(METHOD_GROUPS)})",
    )
    _add_steps_option(agreement)


def _add_steps_option(command) -> None:
    command.add_argument(
        "--steps",
        type=int,
        default=IG_STEPS,
        help=f"integrated gradients' steps (default {IG_STEPS})",
    )


def add_explain_options(command) -> None:
    """``--explain METHODS`` and ``--steps N`` of a command that decodes one input."""
    command.add_argument(
        "--explain",
        metavar="METHODS",
        help="add maps of the output to the --dump-attention record: a comma list of "
        f"{','.join(EXPLAIN_METHODS)}, or all (every one but flow, which takes seconds and "
        "at most 40 tokens)",
    )
    _add_steps_option(command)


def explain_methods(args) -> tuple[str, ...]:
    """The ``--explain`` methods (none without it), checked before any model is loaded."""
    if not args.explain:
        return ()
    if args.file:
        raise ValueError("--explain explains one input: it cannot be used with --file")
    if not args.dump_attention:
        raise ValueError("--explain adds maps to the record written by --dump-attention OUT")
    if args.steps < 1:
        raise ValueError(f"--steps must be at least 1; got {args.steps}")
    methods = args.explain.split(",")
    methods = (
        ("rollout", *ATTRIBUTIONS) if methods == ["all"] else tuple(m.strip() for m in methods)
    )
    unknown = [method for method in methods if method not in EXPLAIN_METHODS]
    if unknown:
        raise ValueError(
            f"unknown --explain method '{unknown[0]}'; choose one or more of "
            f"{', '.join(EXPLAIN_METHODS)}, or all"
        )
    return methods


def add_explanations(model, result, methods: tuple[str, ...], steps: int) -> None:
    """Add ``methods``' maps of ``result`` (as decoded) to its record: rollout and flow of its
    attention (a Transformer's: a ValueError for the others), the gradient attribution maps;
    integrated gradients' completeness gap on stderr."""
    from core_models.explain.rollout import rollout_maps
    from core_models.explain.shown import largest_gap, result_attributions
    from core_models.record import KINDS

    record = result.record
    rolled = [method for method in methods if method in ROLLOUTS]
    if rolled:
        kinds = [kind for kind in KINDS if kind.endswith(tuple(f"_{m}" for m in rolled))]
        record.maps.extend(rollout_maps(record, with_flow="flow" in rolled, kinds=kinds))
    attributions = tuple(method for method in methods if method in ATTRIBUTIONS)
    maps = result_attributions(model, result, attributions, steps) if attributions else []
    record.maps.extend(maps)
    for attention_map in maps:
        gap = largest_gap(attention_map)
        if gap is not None:
            print(
                f"note: {attention_map.kind}: completeness gap {gap:.2g} "
                f"(largest |convergence delta| of its rows, {steps} steps)",
                file=sys.stderr,
            )


def _add_example_options(command) -> None:
    command.add_argument("model", help="bundled model name or checkpoint directory")
    command.add_argument("--split", default="test", choices=("train", "valid", "test"))
    command.add_argument("--size", type=int, default=0, help="examples (0: all of them)")
    command.add_argument("--file", metavar="PATH", help="examples from this test file, not a split")
    command.add_argument(
        "--format",
        choices=("tatoeba", "parallel", "snli", "mnli"),
        help="the file's format (default: the model's training format, else tatoeba / snli)",
    )
    command.add_argument("--json", metavar="OUT", help="also write the table as JSON here")


def examples(model, args) -> list:
    """The first ``--size`` examples (all for 0) of ``--file`` or of the bundled task's split."""
    from core_models.data.tasks import TASKS
    from core_models.scoring import file_format_for, read_test_file

    if args.size < 0:
        raise ValueError(f"--size must be at least 0; got {args.size}")
    if args.file:
        pairs, _ = read_test_file(model, args.file, file_format_for(model, args.format or ""))
        pairs = pairs[: args.size or None]
    elif args.format:
        raise ValueError("--format applies to a test file: use it with --file PATH")
    elif model.task not in TASKS:
        raise ValueError(
            f"{model.name} was trained on '{model.task or 'user files'}', not a bundled task: "
            "give --file PATH"
        )
    else:
        pairs = TASKS[model.task].generate(args.split, seed=0, size=args.size or None)
    if not pairs:
        raise ValueError(f"{args.file or args.split}: no examples to score")
    return pairs


def ablate(args) -> int:
    from core_models.explain.ablation import all_heads, head_importance
    from core_models.inference import Translator, load_model

    if args.prune and Path(args.prune).suffix.lower() not in CURVE_FORMATS:
        raise ValueError(f"--prune {args.prune}: the curve is written as .csv or .json")
    model = load_model(args.model)
    heads = all_heads(model.model)  # a recurrent or decomposable model fails here, at once
    pairs = examples(model, args)
    metric = "BLEU" if isinstance(model, Translator) else "accuracy"
    if args.prune:
        return _prune(model, pairs, metric, args.prune)
    with progress_bar(len(heads) + 2, "steps") as update:
        baseline, rows = head_importance(model, pairs, progress=update)
    table = {
        "model": model.name,
        "examples": len(pairs),
        "metric": metric,
        "baseline": baseline,
        "heads": [vars(row) for row in rows],
    }
    lines = [
        f"{model.name}: {metric} {baseline:.2f} with every head on, {len(pairs)} examples",
        f"{'kind':<14} {'layer':>5} {'head':>4} {metric:>9} {'drop':>7} {'importance':>10}",
        *(
            f"{r.kind:<14} {r.layer:>5} {r.head:>4} {r.metric:>9.2f} {r.metric_drop:>7.2f} "
            f"{r.importance:>10.3f}"
            for r in rows
        ),
    ]
    harmless = sum(row.metric_drop <= _threshold(metric) for row in rows)
    lines.append(
        f"{harmless} of {len(rows)} heads can be masked alone losing at most "
        f"{_threshold(metric):g} {metric}{' (fraction)' if metric == 'accuracy' else ''}"
    )
    write_lines(None, lines)
    _write_json(args.json, table)
    return 0


def _prune(model, pairs, metric: str, path: str) -> int:
    """The greedy pruning curve: printed, and written to ``path`` (.csv or .json)."""
    from core_models.explain.ablation import all_heads, prunable, prune_heads

    with progress_bar(len(all_heads(model.model)) + 1, "steps") as update:
        curve = prune_heads(model, pairs, progress=update)
    rows = [
        {
            "heads_kept": point.heads_kept,
            "removed": " ".join(map(str, point.removed)) if point.removed else "",
            metric: point.metric,
        }
        for point in curve
    ]
    threshold = _threshold(metric)
    lines = [
        f"{model.name}: greedy head pruning, {len(pairs)} examples",
        f"{'heads kept':>10}  {'removed':<18} {metric:>9}",
        *(f"{r['heads_kept']:>10}  {r['removed']:<18} {r[metric]:>9.2f}" for r in rows),
        f"{prunable(curve, threshold)} of {curve[0].heads_kept} heads pruned before {metric} "
        f"fell more than {threshold:g} below {curve[0].metric:.2f}",
    ]
    write_lines(None, lines)
    if Path(path).suffix.lower() == ".json":
        table = {"model": model.name, "examples": len(pairs), "metric": metric, "curve": rows}
        _write_json(path, table)
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_lines(path, buffer.getvalue().splitlines())
        print(f"written: {path}", file=sys.stderr)
    return 0


def _threshold(metric: str) -> float:
    """1 BLEU point; one point of accuracy (0.01, accuracy being a fraction)."""
    return LOSS_THRESHOLD if metric == "BLEU" else LOSS_THRESHOLD / 100


def method_group(name: str) -> str:
    """The --methods group of an agreement method name ("cross L0 H1" -> "raw")."""
    if name in ATTRIBUTIONS:
        return name
    first = name.split()[0]
    if first in ("rollout", "flow"):
        return first
    return "mean" if name.endswith(" mean") else "raw"


def agreement(args) -> int:
    from core_models.explain.agreement import agreement as agreement_table
    from core_models.inference import Translator, load_model

    if args.steps < 1:
        raise ValueError(f"--steps must be at least 1; got {args.steps}")
    model = load_model(args.model)
    pairs = examples(model, args)
    wanted = set(args.methods)
    if not isinstance(model, Translator) and wanted <= set(ATTRIBUTIONS):
        raise ValueError("the NLI gradient maps have one row (the label): compare attention maps")
    with progress_bar(len(pairs), "examples") as update:
        table = agreement_table(
            model,
            pairs,
            with_flow="flow" in wanted,
            steps=args.steps,
            attributions=[name for name in ATTRIBUTIONS if name in wanted],
            progress=update,
        )
    keep = [i for i, name in enumerate(table.methods) if method_group(name) in wanted]
    if not keep:
        raise ValueError(f"{model.name} has none of the methods {', '.join(args.methods)}")
    methods = [table.methods[i] for i in keep]
    spearman = table.spearman[keep][:, keep]
    kendall = table.kendall[keep][:, keep]
    aer = {name: table.aer[name] for name in methods if name in table.aer}
    write_lines(None, _agreement_lines(model.name, len(pairs), methods, aer, spearman, kendall))
    _write_json(
        args.json,
        {
            "model": model.name,
            "examples": len(pairs),
            "methods": methods,
            "aer": aer,
            "spearman": _nan_to_none(spearman),
            "kendall": _nan_to_none(kendall),
        },
    )
    return 0


def _agreement_lines(name, count, methods, aer, spearman, kendall) -> list[str]:
    """AER per method, then each correlation matrix with numbered columns."""
    width = max(len(method) for method in methods)
    lines = [f"{name}: {count} examples"]
    if aer:
        lines.append(f"{'method':<{width}}  AER (lower: closer to the gold alignments)")
        lines += [f"{method:<{width}}  {aer[method]:.3f}" for method in methods if method in aer]
    else:
        lines.append("no gold alignments in these examples: no AER")
    for title, matrix in (("Spearman ρ", spearman), ("Kendall τ-b", kendall)):
        lines += ["", f"{title} (mean over output tokens)"]
        lines.append(" " * (width + 4) + "".join(f"{i:>7}" for i in range(len(methods))))
        for i, method in enumerate(methods):
            cells = "".join("      –" if math.isnan(v) else f"{v:>7.2f}" for v in matrix[i])
            lines.append(f"{i:>2} {method:<{width}} {cells}")
    return lines


def _nan_to_none(matrix) -> list[list[float | None]]:
    return [[None if math.isnan(v) else float(v) for v in row] for row in matrix]


def _write_json(path: str | None, table: dict) -> None:
    if path:
        write_lines(path, [json.dumps(table, indent=1, ensure_ascii=False)])
        print(f"written: {path}", file=sys.stderr)


COMMANDS = {"ablate": ablate, "agreement": agreement}
