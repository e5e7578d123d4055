"""Load time of a bundled model in one process, imports done: cold (no cached GloVe table, the
referenced file parsed and hashed) and warm (the table in the cache directory, as from the second
launch on), medians over runs. A model with no GloVe reference measures its plain load twice.

    python3 -m bench.bench_load [--runs N] [NAME ...]      (default: decomposable-nli)

Each cold run gets a new, empty cache directory (``ATTENTION_WORKBENCH_CACHE``) and the in-process
memos (the parsed file, the file's sha256) are emptied before every run, cold or warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.machine import describe_machine
from core_models.paths import CACHE_ENV, bundled_models_dir
from core_models.training import checkpoint_glove
from core_models.training.checkpoint import load_checkpoint


def timed_load(checkpoint: Path) -> float:
    checkpoint_glove._file_rows.cache_clear()
    checkpoint_glove._file_sha256.cache_clear()
    started = time.perf_counter()
    load_checkpoint(checkpoint)
    return time.perf_counter() - started


def measure(checkpoint: Path, runs: int, scratch: Path) -> tuple[float, float]:
    """(cold, warm) median seconds."""
    cold, warm = [], []
    for run in range(runs):
        os.environ[CACHE_ENV] = str(scratch / f"cold-{run}")
        cold.append(timed_load(checkpoint))
        warm.append(timed_load(checkpoint))
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("names", nargs="*", default=["decomposable-nli"])
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as scratch:
        os.environ[CACHE_ENV] = str(Path(scratch) / "imports")
        load_checkpoint(bundled_models_dir() / args.names[0])  # imports, first-call set-up
        for name in args.names:
            cold, warm = measure(bundled_models_dir() / name, args.runs, Path(scratch))
            print(f"{name}: cold (no cache) {cold:.3f} s, warm (cached table) {warm:.3f} s")


if __name__ == "__main__":
    main()
