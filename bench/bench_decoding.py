"""Decoding latency of the Transformer with every attention weight captured: greedy with the KV
cache (``core_models.decoding.greedy``) against the no-cache reference that re-runs ``forward`` on
the whole prefix at every step (``greedy_without_cache``), in the same process, and beam search.

The model is untrained (random weights) and EOS is masked out of its output bias, so each run
decodes exactly ``--target-len`` tokens from a ``--source-len`` token source.

The variants alternate run by run, so background load hits them alike. With ``--joeynmt`` the same
runs include JoeyNMT 2.3's own greedy search (``joeynmt.search.transformer_greedy``, which re-runs
its decoder on the whole prefix at every step and returns the last layer's cross attention) on a
JoeyNMT Transformer of the same size with random weights (``pip install joeynmt==2.3.0``; it is
not a dependency of this project).

    python3 -m bench.bench_decoding                   # the bundled size: d=128, 4 heads, ff 512, 2+2
    python3 -m bench.bench_decoding --d-model 256 --ff-size 1024 --layers 6   # JoeyNMT's IWSLT14 size
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from bench.joeynmt_reference import build_joeynmt, joeynmt_ids, joeynmt_mask
from bench.machine import describe_machine
from core_models.decoding import beam_search, greedy, greedy_without_cache
from core_models.models.base import EOS_ID
from core_models.models.registry import build_model


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ff-size", type=int, default=512)
    parser.add_argument("--layers", type=int, default=2, help="encoder and decoder layers each")
    parser.add_argument("--vocab", type=int, default=2000, help="source and target vocab size")
    parser.add_argument("--source-len", type=int, default=20)
    parser.add_argument("--target-len", type=int, default=20)
    parser.add_argument("--width", type=int, default=5, help="beam width")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's own)")
    parser.add_argument(
        "--joeynmt", action="store_true", help="also time JoeyNMT 2.3's greedy search, same size"
    )
    return parser.parse_args()


def joeynmt_greedy(args: argparse.Namespace, source: list[int]) -> Callable[[], object]:
    """JoeyNMT's greedy search of ``args.target_len`` tokens (EOS held back by its
    min_output_length) over ``source`` with a JoeyNMT Transformer of the benchmarked size."""
    model = build_joeynmt(args.d_model, args.heads, args.ff_size, args.layers, args.vocab).eval()
    from joeynmt.search import transformer_greedy

    src = joeynmt_ids(torch.tensor([source]))
    src_mask, src_length = joeynmt_mask(src), torch.tensor([len(source)])

    def run() -> object:
        with torch.inference_mode():
            memory, hidden, _, _ = model(
                return_type="encode", src=src, src_length=src_length, src_mask=src_mask
            )
            return transformer_greedy(
                src_mask,
                args.target_len,
                model,
                memory,
                hidden,
                return_attention=True,
                min_output_length=args.target_len,
            )

    return run


def time_interleaved(
    variants: dict[str, Callable[[], object]], runs: int, warmup: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall-clock and CPU milliseconds of ``runs`` calls of every variant, one call of each in
    turn, after ``warmup`` rounds. CPU time (this process, all threads) shows what a run costs
    when other processes share the cores."""
    for _ in range(warmup):
        for run in variants.values():
            run()
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in variants}
    for _ in range(runs):
        for name, run in variants.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            times[name][0].append((time.perf_counter() - wall) * 1000)
            times[name][1].append((time.process_time() - cpu) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[round(fraction * (len(ordered) - 1))]


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(describe_machine(), flush=True)
    torch.manual_seed(0)
    model = build_model(
        "transformer",
        {
            "src_vocab_size": args.vocab,
            "tgt_vocab_size": args.vocab,
            "d_model": args.d_model,
            "heads": args.heads,
            "ff_size": args.ff_size,
            "encoder_layers": args.layers,
            "decoder_layers": args.layers,
            "max_len": max(128, args.source_len, args.target_len + 1),
        },
    )
    with torch.no_grad():
        model.output_projection.bias[EOS_ID] = -1e4  # never finish early: decode target-len tokens
    source = torch.randint(6, args.vocab, (args.source_len - 1,)).tolist() + [EOS_ID]

    cached = greedy(model, source, max_len=args.target_len)
    reference = greedy_without_cache(model, source, max_len=args.target_len)
    if cached.token_ids != reference.token_ids:
        raise SystemExit("the KV-cached and the no-cache greedy decodings disagree")
    beam = beam_search(model, source, width=args.width, max_len=args.target_len)

    print(
        f"Transformer d={args.d_model} heads={args.heads} ff={args.ff_size} "
        f"{args.layers}+{args.layers} layers, vocab {args.vocab}, torch threads "
        f"{torch.get_num_threads()}; source {len(source)} tokens -> {len(cached.token_ids)} "
        f"tokens (beam: {len(beam.best.token_ids)}), every map captured, {args.runs} runs"
    )
    variants = {
        "greedy, KV cache": lambda: greedy(model, source, max_len=args.target_len),
        "greedy, no cache (forward on prefix)": lambda: greedy_without_cache(
            model, source, max_len=args.target_len
        ),
        f"beam {args.width}, KV cache": lambda: beam_search(
            model, source, width=args.width, max_len=args.target_len
        ),
        "greedy, KV cache, capture off": lambda: greedy(
            model, source, max_len=args.target_len, capture=False
        ),
    }
    if args.joeynmt:
        variants["JoeyNMT 2.3 greedy (no cache)"] = joeynmt_greedy(args, source)
    medians = {}
    for name, (wall, cpu) in time_interleaved(variants, args.runs, args.warmup).items():
        medians[name] = statistics.median(wall)
        print(
            f"  {name:38s} median {medians[name]:7.2f} ms   p95 {percentile(wall, 0.95):7.2f} ms"
            f"   (CPU median {statistics.median(cpu):7.2f} ms)"
        )
    ratio = medians["greedy, no cache (forward on prefix)"] / medians["greedy, KV cache"]
    print(f"  no-cache / KV-cache median ratio: {ratio:.2f}")
    if args.joeynmt:
        joeynmt = medians["JoeyNMT 2.3 greedy (no cache)"] / medians["greedy, KV cache"]
        print(
            f"  JoeyNMT greedy (last layer's cross attention) / ours (every map) median: {joeynmt:.2f}"
        )


if __name__ == "__main__":
    main()
