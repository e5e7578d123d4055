"""A run directory before training starts: is a checkpoint already there (ask before replacing
it), and does a resumed run's config differ from the one its checkpoint was trained with.

A run directory holds ``model/`` (the checkpoint of the last step, which a run resumes from),
``best/`` (the weights of the best validation BLEU or accuracy, else loss: see ``best``; export,
evaluate and the app load it from a run directory) and ``train_log.csv``. A new run never
silently replaces a checkpoint; a resumed run never silently keeps or drops a changed setting.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LOG_NAME = "train_log.csv"
BEST_NAME = "best"

# Fields a resumed run takes from the new config without asking: how long and how often it runs,
# where (device and threads change the last bits of the numbers, not what is learnt), its name.
FREE_ON_RESUME = (
    "name",
    "run.max_steps",
    "run.epochs",
    "run.eval_every",
    "run.checkpoint_every",
    "run.early_stopping_patience",
    "run.log_csv",
    "run.device",
    "run.threads",
    "run.precision",
)
# Fields that describe the saved model or its optimiser state: a change needs a new run.
FIXED_ON_RESUME = {
    "model.": "it describes the saved model (its shape and layers)",
    "tokenizer.": "it describes the saved model's vocabulary",
    "data.glove": "GloVe vectors only initialise a new model",
    "optim.optimizer": "the saved optimiser state belongs to the other optimiser",
}


class RunDirectoryError(ValueError):
    """The run directory already holds a checkpoint that a new run would replace."""


class ConfigChangedError(ValueError):
    """A resumed run's config differs from its checkpoint's; ``differences`` lists them."""

    def __init__(self, message: str, differences: list[Difference]):
        super().__init__(message)
        self.differences = differences


@dataclass(frozen=True)
class Difference:
    """One config field whose value differs between the checkpoint and the new config."""

    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.field}: {_shown(self.old)} → {_shown(self.new)}"


@dataclass(frozen=True)
class ExistingRun:
    """What a run directory already holds: its checkpoint and the step it was saved at."""

    checkpoint: Path
    step: int | None

    def describe(self) -> str:
        at = f" of step {self.step}" if self.step is not None else ""
        return f"a checkpoint{at} in {self.checkpoint}"


def existing_run(run_dir: str | Path) -> ExistingRun | None:
    """The checkpoint a new run in ``run_dir`` would replace, or None when there is none.

    The GUI calls this to ask before starting over a run; ``Trainer`` refuses such a start unless
    it is told to overwrite. Reads only (an interrupted checkpoint swap counts as a checkpoint).
    """
    run_dir = Path(run_dir)
    for candidate in (run_dir / "model", run_dir / ".model.old"):
        if candidate.is_dir():
            return ExistingRun(candidate, _saved_step(candidate / "config.json"))
    return None


def _saved_step(config_path: Path) -> int | None:
    try:
        step = json.loads(config_path.read_text(encoding="utf-8")).get("step")
    except (OSError, ValueError, AttributeError):
        return None
    return step if isinstance(step, int) else None


def check_new_run(run_dir: str | Path, overwrite: bool) -> None:
    """Refuse to start a new run over a checkpoint unless ``overwrite`` (nothing is removed here:
    ``clear_old_run`` does that when the run starts)."""
    found = existing_run(run_dir)
    if found is not None and not overwrite:
        raise RunDirectoryError(
            f"{run_dir} already holds {found.describe()}: continue it with --resume {run_dir}, "
            "replace it with --overwrite, or train into another --output directory"
        )


def clear_old_run(run_dir: str | Path) -> None:
    """Remove an old run's checkpoints and log before a new run replaces it (a later resume must
    never pair the old checkpoint with the new log, nor the new run with the old best)."""
    found = existing_run(run_dir)
    if found is not None:
        logger.warning("replacing %s (--overwrite)", found.describe())
        shutil.rmtree(found.checkpoint)
    for best in (Path(run_dir) / BEST_NAME, Path(run_dir) / f".{BEST_NAME}.old"):
        if best.is_dir():
            shutil.rmtree(best)
    (Path(run_dir) / LOG_NAME).unlink(missing_ok=True)


def config_differences(saved: dict[str, Any], current: dict[str, Any]) -> list[Difference]:
    """Every dotted field whose value differs (a field missing on one side shows as "unset")."""
    old, new = _flatten(saved), _flatten(current)
    return [
        Difference(key, old.get(key, _UNSET), new.get(key, _UNSET))
        for key in sorted(old.keys() | new.keys())
        if old.get(key, _UNSET) != new.get(key, _UNSET)
    ]


def check_resume_config(
    checkpoint: Path, saved: dict[str, Any], current: dict[str, Any], override: bool
) -> list[Difference]:
    """The differences a resumed run applies (beyond the free ones, which are only logged).

    Raises ConfigChangedError when a field cannot change on resume (model, tokenizer, ...), or when
    others changed and ``override`` is off; the message lists each field as ``old → new``.
    """
    differences = config_differences(saved, current)
    free = [d for d in differences if d.field in FREE_ON_RESUME]
    if free:
        logger.info("resuming with: %s", "; ".join(map(str, free)))
    changed = [d for d in differences if d.field not in FREE_ON_RESUME]
    fixed = [
        (d, why)
        for d in changed
        for prefix, why in FIXED_ON_RESUME.items()
        if d.field.startswith(prefix)
    ]
    if fixed:
        lines = "\n".join(f"  {d} ({why})" for d, why in fixed)
        raise ConfigChangedError(
            f"cannot resume {checkpoint}: these fields cannot change on resume:\n{lines}\n"
            "start a new run (--overwrite or another --output) to use them",
            [d for d, _ in fixed],
        )
    if changed and not override:
        lines = "\n".join(f"  {d}" for d in changed)
        raise ConfigChangedError(
            f"cannot resume {checkpoint}: the config differs from the one it was trained with:\n"
            f"{lines}\nresume with --override to apply the new values, or restore the old ones",
            changed,
        )
    if changed:
        logger.warning("applied on resume (--override): %s", "; ".join(map(str, changed)))
    return changed


class _Unset:
    def __repr__(self) -> str:
        return "unset"


_UNSET = _Unset()


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = list(value) if isinstance(value, tuple) else value
    return flat


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)
