"""Launch time of the app: from its first import in a new process (the interpreter's own start
not included) to the first translation on show, and the Train tab's first parameter estimate
(from the click on the tab: the tab is built then, and the count runs off the GUI thread) with the
longest time the GUI thread went without handling events meanwhile.

Each run is a new process (imports are part of what is measured) with settings of its own in a
new directory: a first launch (the bundled model, the Inspect tab, ``window_memory.DEFAULT_SIZE``),
whatever the user's last session left, and the user's settings are left alone. Figures are medians
over runs.

    QT_QPA_PLATFORM=offscreen python3 -m bench.bench_startup --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6 import QtWidgets

TIMEOUT_S = 120  # a launch that shows nothing by then has failed


def wait_a_little(app: QtWidgets.QApplication, since: float, failure: str) -> None:
    """Handle the window's events for a moment; give up after TIMEOUT_S with ``failure``."""
    app.processEvents()
    time.sleep(0.002)
    if time.perf_counter() - since > TIMEOUT_S:
        raise SystemExit(f"{failure} after {TIMEOUT_S} s")


def one_launch(settings_dir: str) -> dict[str, float]:
    """Launch the window in this process, as ``attention-workbench`` does the first time (its
    settings in the empty ``settings_dir``), and time it (s)."""
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtCore, QtWidgets

    from app.main import start
    from app.window import TRAIN, MainWindow

    app = QtWidgets.QApplication(sys.argv[:1])
    imported = time.perf_counter()
    ini = QtCore.QSettings.Format.IniFormat
    QtCore.QSettings.setPath(ini, QtCore.QSettings.Scope.UserScope, settings_dir)
    window = MainWindow()  # sized as a first launch is (window_memory.DEFAULT_SIZE)
    window.show()
    start(window)
    shown = time.perf_counter()
    while window.session.result is None:
        wait_a_little(app, shown, "no translation")
    translated = time.perf_counter()

    train_shown = last = time.perf_counter()
    window.modes.setCurrentIndex(TRAIN)  # as a click on the tab: the Train tab is built now
    window.train_view.setup_tabs.setCurrentIndex(1)  # "Model and run", where the estimate shows
    label = window.train_view.model_panel.estimate_label
    longest_gap = 0.0
    while "parameters" not in label.text():
        wait_a_little(app, train_shown, f"no parameter estimate (the label says {label.text()!r})")
        now = time.perf_counter()
        longest_gap, last = max(longest_gap, now - last), now
        time.sleep(0.002)
    estimated = time.perf_counter()
    window.close()
    return {
        "imports": imported - started,
        "window": shown - imported,
        "first translation": translated - shown,
        "launch total": translated - started,
        "Train tab estimate": estimated - train_shown,
        "longest GUI gap meanwhile": longest_gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="launches, each a new process")
    parser.add_argument("--once", action="store_true", help="one launch here; print JSON")
    args = parser.parse_args()
    if args.once:
        with tempfile.TemporaryDirectory() as settings_dir:
            print(json.dumps(one_launch(settings_dir)))
        return
    from bench.machine import describe_machine

    print(describe_machine(), flush=True)
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_startup", "--once"],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"a launch failed (exit {done.returncode}):\n{done.stderr}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"launch of the app on its bundled model, median of {args.runs} new processes:")
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(
            f"  {name:28s} {statistics.median(values):6.2f} s "
            f"(from {min(values):.2f} to {max(values):.2f})"
        )


if __name__ == "__main__":
    main()
