"""The Train view while a model trains: the longest stall of the GUI's event loop, and training
throughput in the GUI's worker process against the same config run in-process (as the CLI does).

A QTimer firing every 10 ms records the gap between its ticks from Start until the run ends; a gap
well above 10 ms is time the event loop was busy (handling the worker's messages, redrawing the
curves and the probe heatmap) or, on a loaded machine, waiting for a core: the GUI thread's CPU time
within each gap tells the two apart, and 5 s of the idle window first give the machine's noise
floor. Throughput is the trainer's own tokens/s (from its StepEvents, the
median over the run's second half), so the queue and the GUI cannot blur it; as other processes
load the machine, the training process's CPU seconds from its first step to the end are compared
too (same batches, evaluations and checkpoints in both runs). Both runs use one torch thread (the
worker sets it; the in-process run here too). Goals: stall < 100 ms, GUI/CLI >= 0.90.

    QT_QPA_PLATFORM=offscreen python3 -m bench.bench_train_gui            # small Transformer, copy
    QT_QPA_PLATFORM=offscreen python3 -m bench.bench_train_gui --size tiny --steps 600
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TICK_MS = 10
IDLE_S = 5
STALL_GOAL_MS = 100
SPEED_GOAL = 0.90


class TrainingWatch:
    """A run's step events, and the CPU seconds its training process spent from the first step to
    the end of the run (``cpu_of()`` reads that process's CPU time; None where it cannot)."""

    def __init__(self, cpu_of: Callable[[], float | None]) -> None:
        self.cpu_of = cpu_of
        self.steps: list = []
        self.cpu: float | None = None
        self._first: float | None = None

    def __call__(self, event: object) -> None:
        from core_models.training.events import DoneEvent, StepEvent

        if isinstance(event, StepEvent):
            if not self.steps:
                self._first = self.cpu_of()
            self.steps.append(event)
        elif isinstance(event, DoneEvent) and self._first is not None:
            end = self.cpu_of()
            self.cpu = end - self._first if end is not None else None

    def speed(self) -> float:
        """Median tokens/s of the second half of the steps (the first half includes the warm-up)."""
        speeds = [e.tokens_per_second for e in self.steps[len(self.steps) // 2 :]]
        return statistics.median(speeds) if speeds else 0.0


def process_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TickProbe:
    """A QTimer every TICK_MS recording, per tick, the wall-clock gap since the previous tick and
    the GUI thread's CPU time in that gap: a long gap with little CPU is the machine's load (the
    thread waited for a core), a long gap full of CPU is the event loop's own work."""

    def __init__(self) -> None:
        from PySide6 import QtCore

        self.gaps: list[float] = []  # ms
        self.busy: list[float] = []  # ms of GUI-thread CPU within each gap
        self.timer = QtCore.QTimer()
        self.timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.busy.clear()
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append((wall - self._wall) * 1000)
        self.busy.append((cpu - self._cpu) * 1000)
        self._wall, self._cpu = wall, cpu

    def run_idle(self, seconds: float) -> None:
        from PySide6 import QtCore

        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(int(seconds * 1000), loop.quit)
        self.start()
        loop.exec()
        self.stop()
        self.idle_gaps = list(self.gaps)

    def summary(self, gaps: list[float] | None = None) -> str:
        gaps = sorted(self.gaps if gaps is None else gaps)
        p99 = gaps[int(0.99 * (len(gaps) - 1))]
        return (
            f"longest {gaps[-1]:.0f} ms, p99 {p99:.0f} ms, median {statistics.median(gaps):.0f} ms"
        )


def gui_run(args: argparse.Namespace) -> tuple[dict, TrainingWatch, TickProbe]:
    """Train from the Train view; returns (the config dict, the run, the tick probe)."""
    from PySide6 import QtCore, QtWidgets

    from app.train.view import TrainView

    QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    view = TrainView()
    view.resize(1400, 900)
    view.show()
    view.data_panel.use_task(args.task)
    view.data_panel.train_size.setValue(args.train_size)
    view.data_panel.valid_size.setValue(args.valid_size)
    view.model_panel.set_family(args.family)
    view.model_panel.set_size(args.size)
    settings = view.settings
    settings.device_box.setCurrentIndex(settings.device_box.findData("cpu"))
    settings.max_steps.setValue(args.steps)
    settings.eval_every.setValue(args.eval_every)
    settings.checkpoint_every.setValue(args.eval_every)
    config = view.train_config().to_dict()

    watch = TrainingWatch(lambda: process_cpu_seconds(view.session.process.pid))
    view.session.process.sigMessages.connect(lambda batch: [watch(message) for message in batch])
    probe = TickProbe()
    probe.run_idle(IDLE_S)  # the noise floor: the same window, nothing training

    loop = QtCore.QEventLoop()
    view.session.process.sigStateChanged.connect(lambda state: state == "idle" and loop.quit())
    probe.start()
    cpu = time.process_time()
    if not view.start():
        raise SystemExit(f"the view did not start: {view.controls.status.text()}")
    loop.exec()
    cpu = time.process_time() - cpu
    probe.stop()
    print(f"  GUI: {view.controls.status.text()}")
    print(
        f"  GUI: {len(watch.steps)} steps, {len(view.session.probe.snapshots)} probe snapshots; "
        f"the GUI process itself used {cpu:.1f} s of CPU"
    )
    view.shutdown()
    return config, watch, probe


def cli_run(config_dict: dict, run_dir: Path) -> TrainingWatch:
    """The same config trained in this process with one torch thread, as the CLI does."""
    import torch

    from core_models.training.config import TrainConfig
    from core_models.training.trainer import Trainer

    torch.set_num_threads(1)
    watch = TrainingWatch(time.process_time)
    Trainer(TrainConfig.from_dict(config_dict, source="bench"), run_dir, [watch]).run()
    print(f"  CLI: {len(watch.steps)} steps")
    return watch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", default="copy")
    parser.add_argument("--family", default="transformer")
    parser.add_argument("--size", default="small", choices=("tiny", "small", "base"))
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--train-size", type=int, default=3000)
    parser.add_argument("--valid-size", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-train-gui-") as scratch:
        os.environ["ATTENTION_WORKBENCH_HOME"] = str(Path(scratch) / "home")
        print(
            f"{args.family} ({args.size}) on {args.task}: {args.steps} steps, eval every {args.eval_every}"
        )
        started = time.perf_counter()
        config, gui, probe = gui_run(args)
        gui_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cli = cli_run(config, Path(scratch) / "cli-run")
        cli_seconds = time.perf_counter() - started
    worst = max(probe.gaps)
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"event loop, window idle ({IDLE_S} s): {probe.summary(probe.idle_gaps)}")
    busiest = max(probe.busy)
    print(
        f"event loop while training ({gui_seconds:.1f} s, {len(probe.gaps)} ticks of {TICK_MS} ms): "
        f"{probe.summary()} (goal < {STALL_GOAL_MS} ms: {'met' if worst < STALL_GOAL_MS else 'MISSED'})"
    )
    print(
        f"  GUI-thread CPU in the longest gap {probe.busy[probe.gaps.index(worst)]:.0f} ms; the most "
        f"work the event loop did between two ticks: {busiest:.0f} ms of CPU "
        f"(goal < {STALL_GOAL_MS} ms: {'met' if busiest < STALL_GOAL_MS else 'MISSED'}); a gap much "
        "longer than its CPU is time spent waiting for a core on a loaded machine"
    )
    ratio = gui.speed() / cli.speed() if cli.speed() else 0.0
    print(
        f"tokens/s: GUI worker {gui.speed():,.0f}, in-process (CLI) {cli.speed():,.0f} "
        f"({cli_seconds:.1f} s); ratio {ratio:.3f} "
        f"(goal >= {SPEED_GOAL}: {'met' if ratio >= SPEED_GOAL else 'MISSED'})"
    )
    if gui.cpu and cli.cpu:
        print(
            f"CPU seconds from the first step to the end (same batches, evaluations, checkpoints): "
            f"GUI worker {gui.cpu:.1f} s, in-process {cli.cpu:.1f} s; in-process / worker "
            f"{cli.cpu / gui.cpu:.3f} (the worker's own overhead, whatever the machine's load)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
