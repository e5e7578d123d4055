"""One training step of a bundled translation config (transformer-en-fr unless ``--config``) in
float32 and under bfloat16 autocast on this CPU (issue 19), and what ``run.precision = "auto"``
picks here.

The model is the config's (transformer-en-fr: d_model 128, 4 heads, ff 512, 2+2 layers, a
2,000-word vocabulary on each side), untrained, on random batches of the config's 64 sentences of ~14 tokens; each step is
the trainer's: forward under autocast, float32 cross-entropy with the config's label smoothing,
backward, gradient clipping and an Adam step. The two precisions alternate step by step in one
process so that background load hits both alike; the config's thread count (1) is used.

    python3 -m bench.bench_precision            # 30 measured steps of each
    python3 -m bench.bench_precision --steps 60
    python3 -m bench.bench_precision --profile 12   # and where each step's time goes (top 12 ops)
    python3 -m bench.bench_precision --adam loop    # torch's default Adam on CPU, before issue 19
    python3 -m bench.bench_precision --config bahdanau-en-fr   # another family's step
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from bench.machine import describe_machine
from core_models.models.base import PAD_ID
from core_models.models.registry import build_model
from core_models.paths import bundled_config
from core_models.training.config import TrainConfig
from core_models.training.precision import auto_choice, cpu_bf16_is_faster

SENTENCE_TOKENS = 14  # a Tatoeba en-fr sentence with its <bos> / <eos>


def make_step(config: TrainConfig, dtype: torch.dtype | None, adam: str = "fused"):
    """A function taking one trainer-like step on (src, lens, tgt) in ``dtype`` autocast, with
    ``adam``: "fused" (the trainer's), "foreach" or "loop" (torch's default on CPU)."""
    torch.manual_seed(0)
    vocab = config.tokenizer.vocab_size
    options = {"src_vocab_size": vocab, "tgt_vocab_size": vocab, **config.model.options}
    model = build_model(config.model.family, options).train()
    optimizer = torch.optim.Adam(
        model.parameters(),
        lr=config.optim.lr,
        betas=config.optim.betas,
        fused=adam == "fused" or None,
        foreach=adam == "foreach" if adam != "fused" else None,
    )

    def step(src, lens, tgt) -> float:
        with torch.autocast("cpu", dtype=dtype or torch.float32, enabled=dtype is not None):
            logits = model(src, lens, tgt[:, :-1]).logits
            loss = F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]).float(),
                tgt[:, 1:].reshape(-1),
                ignore_index=PAD_ID,
                label_smoothing=config.optim.label_smoothing,
            )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.optim.clip_grad_norm)
        optimizer.step()
        return float(loss.detach())

    return step


def random_batch(config: TrainConfig, generator: torch.Generator):
    batch, vocab = config.run.batch_size, config.tokenizer.vocab_size
    src = torch.randint(4, vocab, (batch, SENTENCE_TOKENS), generator=generator)
    tgt = torch.randint(4, vocab, (batch, SENTENCE_TOKENS + 1), generator=generator)
    return src, torch.full((batch,), SENTENCE_TOKENS), tgt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="measured steps of each precision")
    parser.add_argument(
        "--config", default="transformer-en-fr", help="a bundled translation config's name"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then print each precision's top N ops"
    )
    parser.add_argument(
        "--adam", choices=("fused", "foreach", "loop"), default="fused",
        help="the Adam implementation (fused: the trainer's)",
    )  # fmt: skip
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    path = bundled_config(args.config)
    if path is None:
        raise SystemExit(f"no bundled config '{args.config}'")
    config = TrainConfig.from_toml(path)
    torch.set_num_threads(config.run.threads or torch.get_num_threads())
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}; bf16 probe faster: {cpu_bf16_is_faster()}; "
        f"run.precision = auto picks {auto_choice(torch.device('cpu'))} on this CPU; Adam: {args.adam}"
    )
    steps = {
        "fp32": make_step(config, None, args.adam),
        "bf16": make_step(config, torch.bfloat16, args.adam),
    }
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    losses: dict[str, float] = {}
    generator = torch.Generator().manual_seed(0)
    for index in range(args.steps + 3):  # 3 warm-up steps each
        batch = random_batch(config, generator)
        for name, step in steps.items():
            start = time.perf_counter()
            losses[name] = step(*batch)
            if index >= 3:
                seconds[name].append(time.perf_counter() - start)
    fp32, bf16 = (statistics.median(seconds[n]) * 1e3 for n in ("fp32", "bf16"))
    print(
        f"{args.config} step ({config.run.batch_size} × {SENTENCE_TOKENS} tokens), median of "
        f"{args.steps}: fp32 {fp32:.1f} ms, bf16 autocast {bf16:.1f} ms; "
        f"bf16 / fp32 time {bf16 / fp32:.2f} (speed-up {fp32 / bf16:.2f}×); last losses "
        f"fp32 {losses['fp32']:.4f}, bf16 {losses['bf16']:.4f}"
    )
    if args.profile:
        for name, step in steps.items():
            print(f"\n{name}: self CPU time of 5 steps by op")
            print(profile(step, [random_batch(config, generator) for _ in range(5)], args.profile))


def profile(step, batches, rows: int) -> str:
    """torch.profiler's table of the ops that took the most self CPU time over ``batches``."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profiler:
        for batch in batches:
            step(*batch)
    return profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)


if __name__ == "__main__":
    main()
