"""The models a user can open (bundled, then the user's), listed from their config.json files
without importing torch: ``attention-workbench models`` answers at once. ``inference.list_models``
lists the same directories with every field of each model checked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core_models.paths import bundled_models_dir, user_models_dir
from core_models.training.checkpoint_config import read_summary
from core_models.training.checkpoint_files import CheckpointError


@dataclass
class ModelEntry:
    """A model the user can open: its name, where it lives, and config.json's summary."""

    name: str
    path: Path
    source: str  # "bundled" or "user"
    family: str
    task: str
    metrics: dict[str, Any]


def model_roots() -> list[tuple[str, Path]]:
    """Where models live: ("bundled", directory), ("user", directory)."""
    return [("bundled", bundled_models_dir()), ("user", user_models_dir())]


def list_models(
    roots: Sequence[tuple[str, Path]] | None = None,
    read: Callable[[Path], dict[str, Any]] = read_summary,
) -> list[ModelEntry]:
    """The models in ``roots`` (default ``model_roots()``) in order, each sorted by name; a
    directory whose config ``read`` rejects is skipped (opening it by path says why)."""
    entries = []
    for source, root in model_roots() if roots is None else roots:
        if not root.is_dir():
            continue
        for directory in sorted(
            p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        ):
            try:
                meta = read(directory)
            except CheckpointError:
                continue
            entries.append(
                ModelEntry(
                    directory.name,
                    directory,
                    source,
                    meta["family"],
                    meta.get("task", ""),
                    meta.get("metrics", {}),
                )
            )
    return entries
