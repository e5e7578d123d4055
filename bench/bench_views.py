"""How fast the attention views redraw offscreen: a new 20×20 record on the heatmap until painted,
and a full heads-grid redraw for 3 layers × 4 heads and 6 layers × 8 heads (goal: < 30 ms).

Run from the repository root:  python3 -m bench.bench_views [--runs 30]
Each figure is the median over ``--runs`` redraws, each of a different record of the same shape
(so nothing is served from a cache), painted with ``grab()`` at 900×600.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from PySide6 import QtWidgets  # noqa: E402
from record_factory import make_square_record  # noqa: E402

from app.state.display import Display  # noqa: E402
from app.state.selection import Selection  # noqa: E402
from app.views.heads_grid import HeadsGridView  # noqa: E402
from app.views.heatmap import HeatmapView  # noqa: E402
from app.views.token_lines import TokenLinesView  # noqa: E402
from bench.machine import describe_machine  # noqa: E402

SIZE = (900, 600)


def median_ms(redraw: Callable[[int], None], runs: int) -> float:
    """Median wall time (ms) of ``redraw(run)`` over ``runs`` calls, after two warm-up calls."""
    redraw(-1)
    redraw(-2)
    times = []
    for run in range(runs):
        start = time.perf_counter()
        redraw(run)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_view(
    view: QtWidgets.QWidget, kind: str, length: int, layers: int, heads: int, runs: int
) -> float:
    """Set a fresh record (``runs`` + 2 distinct ones, pre-built) and grab the painted widget."""
    records = {
        seed: make_square_record(length, layers, heads, seed=seed + 2) for seed in range(-2, runs)
    }
    view.resize(*SIZE)
    view.show()
    QtWidgets.QApplication.processEvents()
    selection = Selection(kind, layers - 1, 0)

    def redraw(run: int) -> None:
        view.set_state(records[run], selection, Display())
        view.grab()

    return median_ms(redraw, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="redraws per figure (median)")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    figures = {
        "heatmap, new 20×20 record, painted": bench_view(
            HeatmapView(), "cross", 20, 1, 4, args.runs
        ),
        "token lines, new 20×20 record, painted": bench_view(
            TokenLinesView(), "cross", 20, 1, 4, args.runs
        ),
        "heads grid 3 layers × 4 heads (20×20), painted": bench_view(
            HeadsGridView(), "encoder_self", 20, 3, 4, args.runs
        ),
        "heads grid 6 layers × 8 heads (20×20), painted": bench_view(
            HeadsGridView(), "encoder_self", 20, 6, 8, args.runs
        ),
    }
    print(
        f"offscreen at {SIZE[0]}×{SIZE[1]}, median of {args.runs} redraws (goal for the grid: < 30 ms)"
    )
    for name, ms in figures.items():
        print(f"  {name:<50} {ms:7.2f} ms")
    app.quit()


if __name__ == "__main__":
    main()
