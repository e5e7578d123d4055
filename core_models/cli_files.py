"""The command line on files: ``translate --file``, ``nli --file`` and ``evaluate --file`` (batch
inference and scoring with a progress bar on stderr), and the out-of-vocabulary note every
``translate`` / ``nli`` / ``evaluate --file`` prints on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports torch only for the commands that need it
    from core_models.oov import OOVReport


def print_unknown(report: OOVReport, what: str = "the input") -> None:
    """The out-of-vocabulary note (and warning) on stderr, when there is one."""
    note = report.note(what)
    if note:
        print(note, file=sys.stderr)


@contextmanager
def progress_bar(total: int, unit: str) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on stderr (shown after a moment only); yields ``update(n)``."""
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, file=sys.stderr, delay=0.5) as bar:
        yield bar.update


def write_lines(output: str | None, lines: list[str]) -> None:
    """The lines to stdout, or to ``output`` written whole: into a temporary sibling first,
    swapped into place, so a failure never leaves a half-written file."""
    text = "".join(f"{line}\n" for line in lines)
    if not output:
        sys.stdout.write(text)
        return
    path = Path(output)
    staging = path.with_name(f".{path.name}.writing")
    try:
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, path)
    except OSError as error:
        raise OSError(f"{path}: cannot be written: {error.strerror or error}") from None
    finally:
        staging.unlink(missing_ok=True)


def check_options(args) -> None:
    """--beam and --batch-size at least 1, --max-len not negative: checked before any work."""
    for option, low in (("beam", 1), ("batch_size", 1), ("max_len", 0)):
        value = getattr(args, option, low)
        if value < low:
            raise ValueError(f"--{option.replace('_', '-')} must be at least {low}; got {value}")


def translate_file(model, args) -> int:
    """``translate MODEL --file IN [-o OUT]``: one translation per input line."""
    from core_models.scoring import read_sentences

    if args.force or args.dump_attention:
        raise ValueError("--force and --dump-attention take one sentence: use them without --file")
    check_options(args)
    sentences = read_sentences(args.file)
    print_unknown(model.unknown(sentences), args.file)
    with progress_bar(len(sentences), "sentences") as update:
        results = model.translate_many(
            sentences,
            beam=args.beam,
            max_len=args.max_len,
            batch_size=args.batch_size,
            progress=update,
        )
    cut = [number for number, r in enumerate(results, start=1) if r.truncated]
    if cut:
        print(
            f"note: {len(cut)} source(s) were cut to the model's limit of {model.max_source_len} "
            f"tokens (lines {', '.join(map(str, cut[:10]))}{' …' if len(cut) > 10 else ''})",
            file=sys.stderr,
        )
    write_lines(args.output, [r.output_text for r in results])
    return 0


def nli_file(model, args) -> int:
    """``nli MODEL --file IN [-o OUT]``: ``label<TAB>p(entailment)<TAB>p(neutral)<TAB>
    p(contradiction)`` per pair."""
    from core_models.scoring import read_nli_inputs

    if args.dump_attention:
        raise ValueError("--dump-attention takes one pair: use it without --file")
    check_options(args)
    pairs = read_nli_inputs(args.file)
    print_unknown(model.unknown([text for pair in pairs for text in pair]), args.file)
    with progress_bar(len(pairs), "pairs") as update:
        results = model.classify_many(pairs, batch_size=args.batch_size, progress=update)
    lines = ["\t".join([r.label, *(f"{p:.4f}" for p in r.probs.values())]) for r in results]
    write_lines(args.output, lines)
    return 0


def evaluate_file(model, args) -> int:
    """``evaluate MODEL --file PATH``: every metric as JSON on stdout; ``--save`` keeps them in
    the checkpoint's config.json for the model card."""
    from core_models.scoring import check_savable, file_format_for, save_test_metrics, score_file

    check_options(args)
    file_format_for(model, args.format or "")  # a wrong --format fails before any work
    if args.save:
        check_savable(model.checkpoint.path)
    member = getattr(args, "member", None)  # set by split_file
    examples = None if member else _count_hint(args.file)
    with progress_bar(examples, "examples") as update:
        metrics = score_file(
            model,
            args.file,
            args.format or "",
            args.alignments,
            beam=args.beam,
            langs=args.langs or "",
            progress=update,
            member=member,
        )
    print_unknown(_report(metrics["unknown_words"]), args.file)
    if metrics["truncated"]:
        print(
            f"note: {metrics['truncated']} of {metrics['examples']} examples were cut to the "
            f"model's limit of {model.max_source_len} tokens (scored as cut)",
            file=sys.stderr,
        )
    if args.alignments and "aer" not in metrics:
        print(
            f"note: {model.name} has no cross attention to score against the alignments",
            file=sys.stderr,
        )
    elif args.alignments and metrics["aer_examples"] < metrics["examples"]:
        print(
            f"note: AER is of the {metrics['aer_examples']} pairs within the model's limit "
            f"({metrics['examples'] - metrics['aer_examples']} cut ones left out)",
            file=sys.stderr,
        )
    print(json.dumps(metrics, indent=1, ensure_ascii=False))
    if args.save:
        print(f"saved in {save_test_metrics(model.checkpoint.path, metrics)}", file=sys.stderr)
    return 0


def split_file(model, args) -> bool:
    """``evaluate MODEL --split S`` for a model trained on user files: point ``args`` at the file
    its config named for that split (``data.test``, ``data.valid``, ``data.train``, with the
    config's format, member and languages), to be scored as ``--file``. False for a model of a
    bundled task, whose splits are generated."""
    from core_models.data.tasks import TASKS
    from core_models.training.data import SPLIT_KEYS

    if model.task in TASKS:
        return False
    data = model.meta.get("train_config", {}).get("data", {})
    path_key, member_key = SPLIT_KEYS[args.split]
    if not data.get(path_key):
        raise ValueError(
            f"{model.name} was trained on user files and its config has no data.{path_key}: "
            "score a file with --file PATH"
        )
    if args.size or args.by_length:
        raise ValueError(
            f"--size and --by-length take a bundled task's split; {model.name}'s {args.split} "
            f"split is the file {data[path_key]}, scored whole"
        )
    args.file, args.format = data[path_key], data.get("format", "")
    args.member = data.get(member_key) or None
    if args.format == "parallel":
        args.langs = f"{data.get('source_lang', 'en')}-{data.get('target_lang', 'fr')}"
    return True


def _count_hint(path: str) -> int | None:
    """Lines of a plain file, for the progress bar's total (None: unknown)."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return None  # a parallel prefix: the reader names the missing files


def _report(values: dict) -> OOVReport:
    from core_models.oov import OOVReport

    return OOVReport(values["words"], values["unknown"], values["total"])
