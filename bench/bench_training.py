"""Training throughput of our Transformer (capture off) against ``torch.nn.Transformer``.

Both models have the same size (d_model, heads, feed-forward, layers, pre-norm, embeddings with
sinusoidal positions and an output projection), train with Adam on the same random batches in one
process, and alternate step by step so that background load hits both alike. Prints target tokens
per second for each and the ratio ours / reference, by wall clock and by CPU time. On a shared,
busy machine two OpenMP threads mostly wait for each other: use ``--threads 1`` and read the CPU-time
figures there.

    python3 -m bench.bench_training            # d=256, 4 heads, ff 1024, 3+3 layers, 64 × ~20
    python3 -m bench.bench_training --small    # the bundled size: d=128, ff 512, 2+2 layers
    python3 -m bench.bench_training --precision auto --joeynmt   # ours as run.precision = "auto"

``--joeynmt`` adds a third model to the same steps: JoeyNMT 2.3's Transformer of the same size
(``bench/joeynmt_reference.py``; ``pip install joeynmt==2.3.0``), its ratio printed beside.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from bench.joeynmt_reference import build_joeynmt, joeynmt_ids, joeynmt_mask
from bench.machine import describe_machine
from core_models.attention.masking import causal_mask, sequence_mask
from core_models.models.base import BOS_ID, PAD_ID
from core_models.models.transformer import TransformerConfig, TransformerSeq2Seq
from core_models.models.transformer_layers import InputEmbedding, SinusoidalPositions
from core_models.training.precision import PRECISIONS, recorded_name, resolve_precision

Batch = tuple[Tensor, Tensor, Tensor, Tensor]  # src, src_lens, tgt_in, tgt_out


class ReferenceTransformer(nn.Module):
    """``torch.nn.Transformer`` (pre-norm, batch first) with the same embeddings and output layer."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        c = config
        self.source_embedding = InputEmbedding(
            nn.Embedding(c.src_vocab_size, c.d_model),
            SinusoidalPositions(c.d_model, c.max_len),
            c.dropout,
        )
        target_tokens = nn.Embedding(c.tgt_vocab_size, c.d_model)
        self.target_embedding = InputEmbedding(
            target_tokens, SinusoidalPositions(c.d_model, c.max_len), c.dropout
        )
        with warnings.catch_warnings():  # "enable_nested_tensor is True, but ... norm_first"
            warnings.simplefilter("ignore", UserWarning)
            self.transformer = nn.Transformer(
                d_model=c.d_model,
                nhead=c.heads,
                num_encoder_layers=c.encoder_layers,
                num_decoder_layers=c.decoder_layers,
                dim_feedforward=c.ff_size,
                dropout=c.dropout,
                batch_first=True,
                norm_first=c.norm == "pre",
            )
        self.output_projection = nn.Linear(c.d_model, c.tgt_vocab_size)
        if c.tie_embeddings:
            self.output_projection.weight = target_tokens.weight

    def forward(self, src: Tensor, src_lens: Tensor, tgt_in: Tensor) -> Tensor:
        source_padding = ~sequence_mask(src_lens, src.shape[1])  # True where padded
        length = tgt_in.shape[1]
        decoded = self.transformer(
            self.source_embedding(src),
            self.target_embedding(tgt_in),
            tgt_mask=~causal_mask(length, length),  # True where a key is hidden
            src_key_padding_mask=source_padding,
            memory_key_padding_mask=source_padding,
            tgt_is_causal=True,
        )
        return self.output_projection(decoded)


def joeynmt_step(args: argparse.Namespace) -> Callable[[Batch], tuple[float, float]]:
    """A training step of JoeyNMT's Transformer of the benchmarked size on our batches."""
    model = build_joeynmt(args.d_model, args.heads, args.ff_size, args.layers, args.vocab)

    def logits_of(batch: Batch) -> Tensor:
        src, tgt_in = joeynmt_ids(batch[0]), joeynmt_ids(batch[2])
        return model._encode_decode(
            src=src,
            trg_input=tgt_in,
            src_mask=joeynmt_mask(src),
            src_length=batch[1],
            trg_mask=joeynmt_mask(tgt_in),
        )[0]

    return make_step(model, logits_of)


def random_batches(config: TransformerConfig, count: int, batch: int, length: int) -> list[Batch]:
    """``count`` batches of ``batch`` sentence pairs, lengths uniform in length ± 25 %."""
    spread = max(1, length // 4)
    batches = []
    for _ in range(count):
        src_lens = torch.randint(length - spread, length + spread + 1, (batch,))
        tgt_lens = torch.randint(length - spread, length + spread + 1, (batch,))
        src = torch.randint(6, config.src_vocab_size, (batch, int(src_lens.max())))
        src = src.masked_fill(~sequence_mask(src_lens, src.shape[1]), PAD_ID)
        tgt = torch.randint(6, config.tgt_vocab_size, (batch, int(tgt_lens.max())))
        tgt = tgt.masked_fill(~sequence_mask(tgt_lens, tgt.shape[1]), PAD_ID)
        tgt_in = torch.cat([torch.full((batch, 1), BOS_ID), tgt[:, :-1]], dim=1)
        batches.append((src, src_lens, tgt_in, tgt))
    return batches


def make_step(
    model: nn.Module, logits_of: Callable[[Batch], Tensor], autocast: torch.dtype | None = None
) -> Callable[[Batch], tuple[float, float]]:
    """One Adam training step on a batch, the forward under ``autocast`` (None: float32) and the
    loss in float32 as the trainer computes it; returns the wall-clock and CPU seconds it took."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()

    def step(batch: Batch) -> tuple[float, float]:
        start, cpu_start = time.perf_counter(), time.process_time()
        with torch.autocast("cpu", dtype=autocast, enabled=autocast is not None):
            logits = logits_of(batch)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(), batch[3].reshape(-1), ignore_index=PAD_ID
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return time.perf_counter() - start, time.process_time() - cpu_start

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="d=128, ff 512, 2+2 layers")
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ff-size", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=3, help="encoder and decoder layers each")
    parser.add_argument("--vocab", type=int, default=8000)
    parser.add_argument("--batch", type=int, default=64, help="sentence pairs per batch")
    parser.add_argument("--length", type=int, default=20, help="mean sentence length")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument(
        "--joeynmt", action="store_true", help="also train JoeyNMT 2.3's, same size"
    )
    parser.add_argument(
        "--precision",
        default="fp32",
        choices=PRECISIONS,
        help="ours only, as run.precision (the references stay float32, as they train by default)",
    )
    args = parser.parse_args()
    if args.small:
        args.d_model, args.ff_size, args.layers = 128, 512, 2
    if args.threads:
        torch.set_num_threads(args.threads)
    print(describe_machine(), flush=True)
    autocast = resolve_precision(args.precision, torch.device("cpu"), None)
    print(f"ours: run.precision = {args.precision} ({recorded_name(autocast)})", flush=True)

    torch.manual_seed(0)
    config = TransformerConfig(
        src_vocab_size=args.vocab,
        tgt_vocab_size=args.vocab,
        d_model=args.d_model,
        heads=args.heads,
        ff_size=args.ff_size,
        encoder_layers=args.layers,
        decoder_layers=args.layers,
        dropout=0.1,
    )
    ours = TransformerSeq2Seq(config)
    reference = ReferenceTransformer(config)
    steps = {
        "ours": make_step(ours, lambda b: ours(b[0], b[1], b[2]).logits, autocast),
        "torch.nn.Transformer": make_step(reference, lambda b: reference(b[0], b[1], b[2])),
    }
    if args.joeynmt:
        steps["JoeyNMT 2.3"] = joeynmt_step(args)
    batches = random_batches(config, args.warmup + args.steps, args.batch, args.length)
    wall: dict[str, list[float]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    for index, batch in enumerate(batches):
        for name, step in steps.items():  # alternate, so background load hits both alike
            wall_seconds, cpu_seconds = step(batch)
            if index >= args.warmup:
                wall[name].append(wall_seconds)
                cpu[name].append(cpu_seconds)
        if index >= args.warmup:
            print(
                f"step {index - args.warmup + 1:3d}: "
                + ", ".join(f"{name} {1000 * times[-1]:.0f} ms" for name, times in wall.items()),
                flush=True,
            )

    tokens = sum(int((b[3] != PAD_ID).sum()) for b in batches[args.warmup :])
    parameters = {
        name: sum(p.numel() for p in model.parameters())
        for name, model in (("ours", ours), ("torch.nn.Transformer", reference))
    }
    print(
        f"d_model={args.d_model} heads={args.heads} ff={args.ff_size} layers={args.layers}+"
        f"{args.layers} vocab={args.vocab} batch={args.batch} length~{args.length} "
        f"(parameters: "
        + ", ".join(f"{name} {count:,}" for name, count in parameters.items())
        + f") threads={torch.get_num_threads()} "
        f"steps={args.steps} (after {args.warmup} warm-up), {tokens} target tokens"
    )
    report("wall clock", wall, tokens)
    report("CPU time", cpu, tokens)


def report(clock: str, seconds: dict[str, list[float]], tokens: int) -> None:
    """Tokens/s of each model by ``clock``, the ratio ours / reference over the whole run and the
    median of the per-step ratios (robust to a burst of background load)."""
    print(f"by {clock}:")
    for name, times in seconds.items():
        print(
            f"{name:>22}: {tokens / sum(times):7.0f} target tokens/s "
            f"({1000 * sum(times) / len(times):6.0f} ms/step)"
        )
    ours = seconds["ours"]
    for name, label in (("torch.nn.Transformer", "reference"), ("JoeyNMT 2.3", "JoeyNMT")):
        if name in seconds:
            other = seconds[name]
            paired = statistics.median(r / o for r, o in zip(other, ours, strict=True))
            print(
                f"{'ratio ours / ' + label:>22}: {sum(other) / sum(ours):.2f} "
                f"(median of per-step ratios {paired:.2f})"
            )


if __name__ == "__main__":
    main()
