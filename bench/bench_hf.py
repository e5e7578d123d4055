"""Hugging Face models in the workbench (issue 17), measured on random-weight models built here
(nothing is downloaded):

- decode: our capture (``core_models.decoding.greedy`` through ``HFSeq2Seq`` + the record) over
  the model's own ``generate(output_attentions=True, return_dict_in_generate=True)`` on a
  Marian-sized model (6+6 layers, d=512, 8 heads, 58 101 pieces), 20 -> 20 tokens (goal ≤ 1.1×);
- memory: peak RSS of a 512 -> 512-token decode of that model with every map captured, in a fresh
  process (goal < 2 GB);
- views: a 512 × 512 heatmap's frame time for a hover move, a pan and a zoom (goal: median
  ≤ 16 ms), and a heads grid of 12 layers × 12 heads of 64 × 64 maps redrawn (goal ≤ 50 ms);
- keystroke: in the window, a keystroke in the premise -> heatmap painted, on a BERT-base-sized
  pair classifier (12 layers, 12 heads, d=768) reading 128 tokens: the median, and the share that
  is the model's forward.

Run from the repository root:  python3 -m bench.bench_hf [--runs 10] [--parts decode,memory,...]
Ratios are of one run on one machine (its line is printed first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import torch  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402

from bench.machine import describe_machine  # noqa: E402
from core_models import decoding  # noqa: E402
from core_models.models.base import EOS_ID  # noqa: E402

MARIAN = {"vocab": 58101, "layers": 6, "width": 512, "heads": 8, "ffn": 2048}


def marian_model(positions: int = 512):
    """A Marian-sized MarianMT with random weights, eager attention, eval mode."""
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=MARIAN["vocab"],
        d_model=MARIAN["width"],
        encoder_layers=MARIAN["layers"],
        decoder_layers=MARIAN["layers"],
        encoder_attention_heads=MARIAN["heads"],
        decoder_attention_heads=MARIAN["heads"],
        encoder_ffn_dim=MARIAN["ffn"],
        decoder_ffn_dim=MARIAN["ffn"],
        max_position_embeddings=positions,
        pad_token_id=MARIAN["vocab"] - 1,
        eos_token_id=0,
        decoder_start_token_id=MARIAN["vocab"] - 1,
        forced_eos_token_id=None,
        attn_implementation="eager",
    )
    return MarianMTModel(config).eval()


def our_decode(adapter, source: list[int], length: int):
    """Greedy decoding of exactly ``length`` tokens (EOS never chosen) and its record."""
    hypothesis = decoding.greedy(adapter, source, max_len=length)
    return decoding.record_for(hypothesis, [str(i) for i in source])


def bench_decode(runs: int) -> dict[str, float]:
    """Median ms of ``generate`` with attentions and of our capture, interleaved, and the ratio."""
    from core_models.hf.seq2seq import HFSeq2Seq

    model = marian_model()
    adapter = HFSeq2Seq(model)
    adapter.banned.append(EOS_ID)  # 20 tokens, like min_new_tokens below
    source = [int(i) for i in torch.randint(5, 5000, (19,))] + [0]
    tensor = torch.tensor([source])
    theirs, ours = [], []
    with torch.inference_mode():
        for run in range(runs + 2):
            if run % 2:  # alternate which goes first
                ours_first = time.perf_counter()
                record = our_decode(adapter, source, 20)
                ours_extra = time.perf_counter() - ours_first
            start = time.perf_counter()
            output = model.generate(
                tensor,
                max_new_tokens=20,
                min_new_tokens=20,
                num_beams=1,
                do_sample=False,
                output_attentions=True,
                return_dict_in_generate=True,
            )
            middle = time.perf_counter()
            if not run % 2:
                record = our_decode(adapter, source, 20)
                ours_extra = time.perf_counter() - middle
            if run >= 2:  # warm-up
                theirs.append((middle - start) * 1000)
                ours.append(ours_extra * 1000)
    assert len(record.steps) == 20 == output.sequences.shape[1] - 1
    generate, capture = statistics.median(theirs), statistics.median(ours)
    return {"generate_ms": generate, "ours_ms": capture, "ratio": capture / generate}


def memory_child() -> None:
    """In a fresh process: RSS after building the model, and the peak after a 512-token decode."""
    from core_models.hf.seq2seq import HFSeq2Seq

    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    model = marian_model()
    adapter = HFSeq2Seq(model)
    adapter.banned.append(EOS_ID)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    source = [int(i) for i in torch.randint(5, 5000, (511,))] + [0]
    start = time.perf_counter()
    record = our_decode(adapter, source, 512)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    maps_mb = sum(m.weights.nbytes for m in record.maps) / 2**20
    print(json.dumps({"model_mb": before, "peak_mb": peak, "maps_mb": maps_mb, "seconds": seconds}))


def bench_memory() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_hf", "--memory-child"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class PaintCount(QtCore.QObject):
    """Counts the paint events of every widget (installed on the application)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.paints += event.type() == QtCore.QEvent.Type.Paint
        return False


def frame_ms(view, act, runs: int) -> float:
    """Median ms of ``act(run)`` and the event processing it causes, its repaint included (a
    frame that did not repaint the view is an error: it would measure nothing)."""
    counter = PaintCount(QtWidgets.QApplication.instance())  # hover repaints a label: any widget
    times = []
    for run in range(runs + 2):
        before = counter.paints
        start = time.perf_counter()
        act(run)
        while counter.paints == before:  # until the frame is painted (a move arrives queued)
            QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if time.perf_counter() - start > 2:
                raise RuntimeError("the view was not repainted: the frame measured nothing")
        if run >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_views(runs: int) -> dict[str, float]:
    """512 × 512 heatmap: hover, pan, zoom frames; heads grid 12 × 12 of 64 × 64 redrawn."""
    from PySide6 import QtTest
    from record_factory import make_square_record

    from app.state.display import Display
    from app.state.selection import Selection
    from app.views.heads_grid import HeadsGridView
    from app.views.heatmap import HeatmapView
    from bench.bench_views import bench_view

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    heatmap = HeatmapView()
    heatmap.resize(1200, 900)
    heatmap.show()
    heatmap.set_state(make_square_record(512, 1, 2), Selection("cross", 0, 0), Display())
    app.processEvents()
    viewport = heatmap.graphics.viewport()
    box = heatmap.plot.getViewBox()

    def hover(run: int) -> None:
        point = QtCore.QPoint(300 + (run * 37) % 500, 200 + (run * 53) % 500)
        QtTest.QTest.mouseMove(viewport, point)

    figures = {
        "heatmap 512×512 hover frame ms": frame_ms(heatmap, hover, runs),
        "heatmap 512×512 pan frame ms": frame_ms(
            heatmap, lambda run: box.translateBy(x=1 if run % 2 else -1), runs
        ),
        "heatmap 512×512 zoom frame ms": frame_ms(
            heatmap, lambda run: box.scaleBy((0.9, 0.9) if run % 2 else (1 / 0.9, 1 / 0.9)), runs
        ),
        "heads grid 12×12 of 64×64 redraw ms": bench_view(
            HeadsGridView(), "encoder_self", 64, 12, 12, runs
        ),
    }
    heatmap.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="repeats per figure (median)")
    parser.add_argument("--parts", default="decode,memory,views,keystroke")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child()
        return 0
    print(describe_machine(), flush=True)
    parts = args.parts.split(",")
    if "decode" in parts:
        figures = bench_decode(args.runs)
        print(
            f"decode 20 -> 20, Marian-sized: generate(output_attentions) {figures['generate_ms']:.1f}"
            f" ms, ours {figures['ours_ms']:.1f} ms, ratio {figures['ratio']:.3f} (goal ≤ 1.1)",
            flush=True,
        )
    if "memory" in parts:
        figures = bench_memory()
        print(
            f"decode 512 -> 512, every map: peak RSS {figures['peak_mb']:.0f} MB (model built: "
            f"{figures['model_mb']:.0f} MB; maps {figures['maps_mb']:.0f} MB; "
            f"{figures['seconds']:.1f} s) (goal < 2048 MB)",
            flush=True,
        )
    if "views" in parts:
        for name, value in bench_views(args.runs).items():
            print(f"{name:<40} {value:8.2f}", flush=True)
    if "keystroke" in parts:
        from bench.bench_hf_window import bench_keystroke

        with tempfile.TemporaryDirectory() as folder:
            for name, value in bench_keystroke(Path(folder), args.runs).items():
                print(f"{name:<40} {value:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
