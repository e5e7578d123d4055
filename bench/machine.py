"""What machine a benchmark ran on, in figures that travel between machines.

Latencies measured on one 2-core CPU mean little on another: the project's machines have differed
by 5× on the same code (JoeyNMT's greedy search: 16 ms on one, 88 ms on another). Every latency
benchmark prints ``describe_machine()`` first, so its figures can be read against the machine's own
speed at small, Python-bound work, which is what decoding one sentence is.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _median_seconds(work: Callable[[], None], repeats: int = 7) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def python_loop_ns() -> float:
    """Nanoseconds per iteration of a plain Python ``for`` loop adding integers."""
    iterations = 200_000

    def loop() -> None:
        total = 0
        for value in range(iterations):
            total += value

    return 1e9 * _median_seconds(loop) / iterations


def small_linear_us() -> float:
    """Microseconds for one (1, 128) × (128 → 512) ``F.linear``, a decoding step's typical call,
    on one torch thread (whatever the benchmark itself uses), so machines compare."""
    x, weight, bias = torch.randn(1, 128), torch.randn(512, 128), torch.randn(512)
    calls = 500

    def linears() -> None:
        with torch.inference_mode():
            for _ in range(calls):
                F.linear(x, weight, bias)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        linears()
        return 1e6 * _median_seconds(linears) / calls
    finally:
        torch.set_num_threads(threads)


def describe_machine() -> str:
    """One line: CPU, cores, load (print it before measuring: the benchmark's own load would
    count), and the two speed figures above."""
    return (
        f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"Python loop {python_loop_ns():.0f} ns/iteration, F.linear 1×128→512 on one thread "
        f"{small_linear_us():.1f} µs"
    )
