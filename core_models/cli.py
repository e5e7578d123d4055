"""The command line: train, translate, nli, evaluate, tasks, models, download (and ablate,
agreement: ``cli_explain``).

``python -m core_models`` runs it without Qt; ``attention-workbench`` adds the GUI (no command) and
``render``. Bad input ends with ``error: …`` on stderr and exit status 2, never a traceback; an
unexpected exception (a bug) ends with a short message naming the crash log that holds its
traceback, and exit status 70.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from core_models import cli_explain
from core_models.cli_files import (
    evaluate_file,
    nli_file,
    print_unknown,
    split_file,
    translate_file,
)
from core_models.data.tasks import TASKS
from core_models.errors import WorkbenchError, describe_bug

logger = logging.getLogger(__name__)


def build_parser(prog: str = "attention-workbench") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Train small sequence models and look at their attention."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    _add_train_parser(commands)

    translate = commands.add_parser(
        "translate", help="translate a sentence and show where attention goes"
    )
    translate.add_argument("model", help="bundled model name or checkpoint directory")
    translate.add_argument("text", nargs="?", help="the sentence (or --file)")
    _add_file_options(translate, "sentences, one per line")
    translate.add_argument("--beam", type=int, default=1, help="beam width (1: greedy)")
    translate.add_argument(
        "--force", metavar="REF", help="forced decoding of this reference translation"
    )
    translate.add_argument("--max-len", type=int, default=0)
    translate.add_argument(
        "--dump-attention", metavar="OUT", help="write the record as .json or .npz"
    )
    cli_explain.add_explain_options(translate)

    nli = commands.add_parser("nli", help="classify a premise / hypothesis pair")
    nli.add_argument("model")
    nli.add_argument("premise", nargs="?")
    nli.add_argument("hypothesis", nargs="?")
    nli.add_argument("--dump-attention", metavar="OUT")
    cli_explain.add_explain_options(nli)
    _add_file_options(nli, "SNLI / MultiNLI .jsonl, or premise<TAB>hypothesis lines")

    evaluate = commands.add_parser(
        "evaluate", help="metrics on a task split (a user model: the file its config named for it)"
    )
    evaluate.add_argument("model")
    evaluate.add_argument("--split", default="test", choices=("train", "valid", "test"))
    evaluate.add_argument("--size", type=int, default=0, help="examples (0: the whole split)")
    evaluate.add_argument("--by-length", action="store_true", help="BLEU by source length bucket")
    _add_evaluate_file_options(evaluate)

    export = commands.add_parser(
        "export", help="write a slim copy of a model (float16 weights, no trainer state)"
    )
    export.add_argument("model", help="checkpoint or run directory")
    export.add_argument("output", help="directory to write (e.g. resources/models/NAME)")

    commands.add_parser("tasks", help="list the bundled tasks")
    commands.add_parser("models", help="list bundled and user models")

    download = commands.add_parser("download", help="download a public corpus into the cache")
    download.add_argument("name")
    download.add_argument("--cache-dir")
    download.add_argument(
        "--mirror", metavar="URL", help="fetch each file from URL/<file name> instead"
    )
    cli_explain.add_parsers(commands)
    return parser


def _add_file_options(command, what: str) -> None:
    command.add_argument("--file", metavar="IN", help=f"decode a whole file: {what}")
    command.add_argument(
        "-o", "--output", metavar="OUT", help="with --file: write here, not stdout"
    )
    command.add_argument("--batch-size", type=int, default=64, help="with --file (default 64)")


def _add_evaluate_file_options(evaluate) -> None:
    evaluate.add_argument("--file", metavar="PATH", help="score on this test file, not a split")
    evaluate.add_argument(
        "--format",
        choices=("tatoeba", "parallel", "snli", "mnli"),
        help="the file's format (default: the model's training format, else tatoeba / snli)",
    )
    evaluate.add_argument(
        "--alignments", metavar="PATH", help="gold word alignments, Pharaoh i-j, one line a pair"
    )
    evaluate.add_argument("--langs", metavar="SRC-TGT", help="parallel files' suffixes, e.g. en-fr")
    evaluate.add_argument("--beam", type=int, default=1, help="beam width (1: greedy)")
    evaluate.add_argument(
        "--save", action="store_true", help="keep the figures in the model's config.json"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    if args.command is None:
        parser.print_help()
        return 0
    return guarded(lambda: COMMANDS[args.command](args), argv)


# Raised on bad input by the library's argument checks and by file access (each message names the
# value or the path); a WorkbenchError is the project's own.
USER_ERRORS = (WorkbenchError, ValueError, OSError)
EXIT_BAD_INPUT = 2
EXIT_BUG = 70  # EX_SOFTWARE: an internal error, its traceback in the crash log


def guarded(command: Callable[[], int], argv: list[str] | None = None) -> int:
    """Run ``command``: bad input ends in one ``error: …`` line and exit status 2; an unexpected
    exception in a short message naming the crash log that holds its traceback, and status 70."""
    try:
        return command()
    except USER_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: the user gets the crash log's path, not a traceback
        print(f"error: {describe_bug(error, argv)}", file=sys.stderr)
        return EXIT_BUG


def _add_train_parser(commands) -> None:
    train = commands.add_parser("train", help="train a model from a TOML config")
    train.add_argument(
        "config", help="TrainConfig TOML file, or a bundled config's name (e.g. transformer-en-fr)"
    )
    train.add_argument("--output", help="run directory (default: runs/<name>)")
    train.add_argument(
        "--max-steps", type=int, metavar="N", help="stop after N steps (overrides run.max_steps)"
    )
    train.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16", "fp16"),
        help="what the steps compute in (overrides run.precision): auto picks bf16 where it is "
        "faster (CUDA GPUs, CPUs with fast bfloat16), fp16 on older GPUs, else fp32",
    )
    train.add_argument(
        "--resume", metavar="DIR", help="resume the run in DIR from its last checkpoint"
    )
    train.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a checkpoint already in the run directory (else training refuses to start)",
    )
    train.add_argument(
        "--override",
        action="store_true",
        help="with --resume: apply the config's values that differ from the checkpoint's",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")


def _train(args) -> int:
    from core_models.training.config import TrainConfig
    from core_models.training.events import DoneEvent, FailedEvent
    from core_models.training.progress import ProgressBar
    from core_models.training.trainer import Trainer

    if args.override and not args.resume:
        raise ValueError("--override applies to a resumed run: use it with --resume DIR")
    if args.overwrite and args.resume:
        raise ValueError("--overwrite starts a new run: it cannot be used with --resume")
    logging.getLogger("core_models.training").setLevel(logging.INFO)  # data sizes, what changed
    config = TrainConfig.from_toml(_config_file(args.config))
    if args.max_steps is not None:
        config.run.max_steps = args.max_steps
        config.validate(f"{args.config} with --max-steps {args.max_steps}")
    if args.precision is not None:
        config.run.precision = args.precision
    output = Path(args.resume or args.output or Path("runs") / config.name)
    endings: list[DoneEvent | FailedEvent] = []
    listeners = [] if args.quiet else [ProgressBar()]
    listeners.append(
        lambda event: endings.append(event) if isinstance(event, DoneEvent | FailedEvent) else None
    )
    with _StopOnSignal() as stop:
        trainer = Trainer(
            config,
            output,
            listeners,
            resume=bool(args.resume),
            overwrite=args.overwrite,
            override=args.override,
        )
        stop.trainer = trainer
        path = trainer.run()
    if path is None:  # stopped on a non-finite or diverging loss (else an exception was raised)
        print(f"error: {endings[-1].reason if endings else 'training failed'}", file=sys.stderr)
        return 1
    print(f"checkpoint: {path}")
    if endings and isinstance(endings[-1], DoneEvent) and endings[-1].cancelled:
        print(
            f"interrupted at step {trainer.step}; continue with --resume {output}", file=sys.stderr
        )
        return 128 + (stop.signal or signal.SIGINT)
    return 0


class _StopOnSignal:
    """While training, Ctrl-C (SIGINT) and SIGTERM (sent by ``timeout``, systemd, a desktop
    session's logout, cluster schedulers) stop the run after the current step with a checkpoint;
    a second signal quits at once. Before the trainer exists a signal quits at once too. The exit
    status of a run stopped so is 128 + the signal: 130 (SIGINT), 143 (SIGTERM)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.trainer = None
        self.signal: int | None = None
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _StopOnSignal:
        if threading.current_thread() is threading.main_thread():
            self.previous = {sig: signal.signal(sig, self._stop) for sig in self.SIGNALS}
        return self

    def __exit__(self, *exc_info) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def _stop(self, signum, frame) -> None:
        if self.trainer is None or self.trainer.cancelling:
            raise KeyboardInterrupt
        self.signal = signum
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        print(
            f"{name}: stopping after this step to save a checkpoint (Ctrl-C again to quit now)",
            file=sys.stderr,
        )
        self.trainer.cancel(save=True)


def _config_file(name: str) -> Path:
    """``name`` as a file path, or the bundled config of that name (``train transformer-en-fr``)."""
    from core_models.paths import bundled_config, bundled_config_names

    path = Path(name)
    if path.exists() or path.suffix == ".toml":
        return path  # from_toml names a missing file
    bundled = bundled_config(name)
    if bundled is None:
        raise ValueError(
            f"{name}: neither a config file nor a bundled config "
            f"({', '.join(bundled_config_names())})"
        )
    return bundled


def _translate(args) -> int:
    from core_models.export import save_record
    from core_models.inference import Translator, load_model

    methods = cli_explain.explain_methods(args)
    model = load_model(args.model)
    if not isinstance(model, Translator):
        raise ValueError(f"{args.model} is an NLI model: use `nli MODEL PREMISE HYPOTHESIS`")
    if _one_input(args, args.text is not None, "TEXT"):
        return translate_file(model, args)
    print_unknown(model.unknown([args.text]))
    result = model.translate(args.text, beam=args.beam, max_len=args.max_len, reference=args.force)
    if result.truncated:
        print(
            f"note: the source was cut to the model's limit of {model.max_source_len} tokens",
            file=sys.stderr,
        )
    print(result.output_text)
    if args.force:  # how likely the model finds each token of the reference
        for step in result.record.steps:
            print(f"  {step.token:>14}  p={step.prob:.3f}")
    if methods:
        cli_explain.add_explanations(model, result, methods, args.steps)
    if args.dump_attention:
        save_record(
            args.dump_attention,
            result.record,
            model=model.name,
            family=model.family,
            inputs={"source": result.source_pieces},
            output={"tokens": result.output_pieces},
            unknown_words=model.unknown([args.text]).to_dict(),
        )
    return 0


def _nli(args) -> int:
    from core_models.export import save_record
    from core_models.inference import Classifier, load_model

    methods = cli_explain.explain_methods(args)
    model = load_model(args.model)
    if not isinstance(model, Classifier):
        raise ValueError(f"{args.model} is a translation model: use `translate MODEL TEXT`")
    given = (args.premise, args.hypothesis)
    if _one_input(args, any(text is not None for text in given), "PREMISE HYPOTHESIS"):
        return nli_file(model, args)
    if args.hypothesis is None:
        raise ValueError("nli needs a PREMISE and a HYPOTHESIS (or --file)")
    unknown = model.unknown(list(given))
    print_unknown(unknown)
    result = model.classify(args.premise, args.hypothesis)
    print(result.label)
    for label, prob in result.probs.items():
        print(f"  {label:<14} {prob:.3f}")
    if methods:
        cli_explain.add_explanations(model, result, methods, args.steps)
    if args.dump_attention:
        save_record(
            args.dump_attention,
            result.record,
            model=model.name,
            family=model.family,
            inputs={"premise": result.premise_pieces, "hypothesis": result.hypothesis_pieces},
            output={"label": result.label, "probs": result.probs},
            unknown_words=unknown.to_dict(),
        )
    return 0


def _evaluate(args) -> int:
    from core_models.inference import load_model

    model = load_model(args.model)
    if args.file:
        return evaluate_file(model, args)
    for option in ("format", "alignments", "langs"):
        if getattr(args, option):
            raise ValueError(f"--{option} applies to a test file: use it with --file PATH")
    if split_file(model, args):  # a user model: the file its config named for the split
        return evaluate_file(model, args)
    if args.save:
        raise ValueError("--save applies to a test file: use it with --file PATH")
    metrics = model.evaluate(args.split, args.size, args.by_length)
    print(json.dumps(metrics, indent=1))
    return 0


def _one_input(args, given: bool, name: str) -> bool:
    """True for ``--file``; an error when both or neither the text and ``--file`` are given,
    or ``-o`` without ``--file``."""
    if given and args.file:
        raise ValueError(f"give {name} or --file, not both")
    if not given and not args.file:
        raise ValueError(f"give {name} or --file IN")
    if args.output and not args.file:
        raise ValueError("-o/--output writes a --file's results: use it with --file IN")
    return bool(args.file)


def _export(args) -> int:
    from core_models.inference import resolve_model
    from core_models.training.checkpoint import export_for_inference

    print(export_for_inference(resolve_model(args.model), args.output))
    return 0


def _tasks(args) -> int:
    for task in TASKS.values():
        print(f"{task.name:<10} {task.kind:<12} {task.description}")
    return 0


def _models(args) -> int:
    from core_models import model_list  # not inference: the list is read without torch

    entries = model_list.list_models()
    if not entries:
        print("no models found")
    for entry in entries:
        print(f"{entry.name:<28} {entry.source:<8} {entry.family:<19} {entry.task:<8} {entry.path}")
    return 0


def _download(args) -> int:
    from tqdm import tqdm

    from core_models.data.download import download

    # Shown after a moment only, and closed before any error line: an offline run prints one line.
    with tqdm(unit="B", unit_scale=True, file=sys.stderr, delay=0.5) as bar:

        def update(done: int, total: int) -> None:
            bar.total = total or None
            bar.update(done - bar.n)

        path = download(
            args.name, cache_dir=args.cache_dir, progress=update, base_url_override=args.mirror
        )
    print(path)
    return 0


COMMANDS = {
    "train": _train,
    "translate": _translate,
    "nli": _nli,
    "evaluate": _evaluate,
    "export": _export,
    "tasks": _tasks,
    "models": _models,
    "download": _download,
    **cli_explain.COMMANDS,
}
