"""Time to quality (issue 19): the bundled transformer-en-fr config trained towards a validation
BLEU target in float32 and with ``run.precision = "auto"``, and JoeyNMT 2.3's Transformer of the
same sizes, on the same data, batches, loss, optimiser and schedule, in one process.

The three take their steps in turn (so background load hits them alike) on the config's training
batches (its tokenizers, bucketing, shuffle and seed); each is evaluated every ``--eval-every``
steps by greedy decoding of the validation pairs (BLEU as the trainer computes it, on the first
``--valid-size`` pairs) and stops once it reaches ``--target-bleu`` or after ``--max-steps``. The
learning-rate schedule is always the config's whole run (``run.max_steps``), so a run cut short by
``--max-steps`` takes the same first steps as the full one. Printed for each: training tokens/s
(wall clock and CPU time of the steps alone), the training time to the first evaluation at or
above the target (evaluations not counted), and the final BLEU.

    python3 -m bench.bench_time_to_quality                       # the full run: slow on 2 cores
    python3 -m bench.bench_time_to_quality --target-bleu 50 --max-steps 600 --eval-every 100
    python3 -m bench.bench_time_to_quality --no-joeynmt ...      # JoeyNMT not installed

JoeyNMT: ``pip install joeynmt==2.3.0`` next to the same torch (``bench/joeynmt_reference.py``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import torch
from torch import Tensor, nn

from bench.joeynmt_reference import build_joeynmt, joeynmt_ids, joeynmt_mask
from bench.machine import describe_machine
from core_models.decoding import decode_many
from core_models.models.base import EOS_ID
from core_models.paths import bundled_config, bundled_models_dir
from core_models.training.build import (
    RunData,
    build_optimisation,
    epoch_batches,
    load_data,
    new_model,
)
from core_models.training.config import TrainConfig
from core_models.training.evaluate import batch_loss, output_text
from core_models.training.metrics import bleu
from core_models.training.precision import recorded_name, resolve_precision

CONFIG = "transformer-en-fr"
SHORT = {None: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}
Decode = Callable[[list[list[int]], list[int]], list[list[int]]]  # sources, max lens -> outputs


@dataclass
class Contestant:
    """One model in training: its step's autocast dtype, how it decodes, and what it measured."""

    name: str
    model: nn.Module
    optimisation: object
    autocast: torch.dtype | None
    decode: Decode
    wall: float = 0.0  # seconds of training steps
    cpu: float = 0.0
    tokens: int = 0
    steps: int = 0
    reached: tuple[int, float] | None = None  # (step, training seconds) at the target
    evaluations: list[tuple[int, float]] = field(default_factory=list)  # (step, BLEU)


class JoeyNMTAdapter(nn.Module):
    """JoeyNMT's model behind our seq2seq interface: ``forward(src, src_lens, tgt_in).logits``."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.joey = model

    def forward(self, src: Tensor, src_lens: Tensor, tgt_in: Tensor) -> SimpleNamespace:
        src, tgt_in = joeynmt_ids(src), joeynmt_ids(tgt_in)
        logits = self.joey._encode_decode(
            src=src,
            trg_input=tgt_in,
            src_mask=joeynmt_mask(src),
            src_length=src_lens,
            trg_mask=joeynmt_mask(tgt_in),
        )[0]
        return SimpleNamespace(logits=logits)

    @torch.inference_mode()
    def greedy(self, sources: list[list[int]], max_lens: list[int]) -> list[list[int]]:
        """JoeyNMT's own batched greedy search (``transformer_greedy``), in our ids, cut after
        each row's EOS."""
        from joeynmt.search import transformer_greedy

        self.eval()
        outputs: list[list[int]] = []
        for start in range(0, len(sources), 64):
            chunk = sources[start : start + 64]
            src = torch.full((len(chunk), max(map(len, chunk))), 0, dtype=torch.long)
            for row, source in enumerate(chunk):
                src[row, : len(source)] = torch.tensor(source)
            src = joeynmt_ids(src)
            src_mask, src_length = joeynmt_mask(src), torch.tensor([len(s) for s in chunk])
            memory, hidden, _, _ = self.joey(
                return_type="encode", src=src, src_length=src_length, src_mask=src_mask
            )
            ids = transformer_greedy(
                src_mask, max(max_lens[start : start + 64]), self.joey, memory, hidden
            )[0]
            for row in joeynmt_ids(torch.as_tensor(ids)).tolist():
                outputs.append(row[: row.index(EOS_ID) + 1] if EOS_ID in row else row)
        self.train()
        return outputs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target-bleu", type=float, help="default: the bundled model's validation BLEU"
    )
    parser.add_argument("--max-steps", type=int, help="default: the config's run.max_steps")
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--valid-size", type=int, default=300, help="validation pairs decoded")
    parser.add_argument("--threads", type=int, help="default: the config's run.threads")
    parser.add_argument("--no-joeynmt", action="store_true", help="ours only (fp32 and auto)")
    return parser.parse_args()


def bundled_bleu() -> float:
    meta = json.loads((bundled_models_dir() / CONFIG / "config.json").read_text())
    return float(meta["metrics"]["bleu"])


def contestants(config: TrainConfig, data: RunData, args) -> list[Contestant]:
    """ours fp32, ours auto (the same initial weights) and, unless ``--no-joeynmt``, JoeyNMT."""
    total, cpu = config.run.max_steps, torch.device("cpu")

    def ours(name: str, precision: str) -> Contestant:
        torch.manual_seed(config.run.seed)
        model = new_model(config, data)
        dtype = resolve_precision(precision, cpu, None)
        optimisation = build_optimisation(config, model, total, dtype)
        return Contestant(
            f"{name} ({SHORT[dtype]})",
            model,
            optimisation,
            dtype,
            lambda sources, lens: decode_many(model, sources, lens),
        )

    chosen = [ours("ours fp32", "fp32"), ours("ours auto", "auto")]
    if not args.no_joeynmt:
        o = config.model.options
        torch.manual_seed(config.run.seed)
        joey = JoeyNMTAdapter(
            build_joeynmt(
                o["d_model"], o["heads"], o["ff_size"], o["encoder_layers"],
                data.tokenizers["target"].vocab_size, o["dropout"],
                src_vocab=data.tokenizers["source"].vocab_size,
            )
        )  # fmt: skip
        if o["encoder_layers"] != o["decoder_layers"]:
            raise SystemExit("the JoeyNMT reference has as many decoder layers as encoder ones")
        optimisation = build_optimisation(config, joey, total, None)
        chosen.append(Contestant("JoeyNMT 2.3 (fp32)", joey, optimisation, None, joey.greedy))
    for contestant in chosen:
        print(f"{contestant.name}: {recorded_name(contestant.autocast)}")
    return chosen


def train_step(contestant: Contestant, batch, config: TrainConfig) -> None:
    """The trainer's step (``Trainer._train_step`` without DDP or a gradient scaler), timed."""
    model, optimisation = contestant.model, contestant.optimisation
    start, cpu_start = time.perf_counter(), time.process_time()
    model.train()
    with torch.autocast("cpu", dtype=contestant.autocast, enabled=contestant.autocast is not None):
        loss, _ = batch_loss(model, batch, config.optim.label_smoothing)
    optimisation.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if config.optim.clip_grad_norm > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.optim.clip_grad_norm)
    optimisation.optimizer.step()
    optimisation.scheduler.step()
    contestant.wall += time.perf_counter() - start
    contestant.cpu += time.process_time() - cpu_start
    contestant.tokens += batch.num_tokens
    contestant.steps += 1


def validation_bleu(contestant: Contestant, data: RunData, size: int) -> float:
    """BLEU of greedy decoding on the first ``size`` validation pairs, as ``evaluate`` scores."""
    pairs = data.valid_set.encoded[:size]
    sources = [source + [EOS_ID] for source, _ in pairs]
    outputs = contestant.decode(sources, [2 * len(source) + 8 for source in sources])
    target = data.tokenizers["target"]
    hypotheses = [output_text(target, ids) for ids in outputs]
    references = [output_text(target, ids) for _, ids in pairs]
    return bleu(hypotheses, references)


def run(config: TrainConfig, data: RunData, racers: list[Contestant], args) -> None:
    """Steps in turn until every contestant has reached the target or run out of steps."""
    epoch, max_steps = 0, args.max_steps or config.run.max_steps
    running = list(racers)
    while running:
        for indices in epoch_batches(config.run, data.train_set, epoch, (0, 1)):
            batch = data.train_set.collate(indices)
            for contestant in list(running):
                train_step(contestant, batch, config)
                step = contestant.steps
                if step % args.eval_every and step < max_steps:
                    continue
                score = validation_bleu(contestant, data, args.valid_size)
                contestant.evaluations.append((step, score))
                print(f"{contestant.name:>18} step {step:5d}: validation BLEU {score:5.1f}, "
                      f"{contestant.wall:7.1f} s of training", flush=True)  # fmt: skip
                if score >= args.target_bleu and contestant.reached is None:
                    contestant.reached = (step, contestant.wall)
                if contestant.reached is not None or step >= max_steps:
                    running.remove(contestant)
            if not running:
                return
        epoch += 1


def report(racers: list[Contestant], target: float) -> None:
    print(f"\n{'':>18}  tokens/s (wall, CPU)  time to BLEU {target:g}      final BLEU")
    for c in racers:
        reached = (
            f"{c.reached[1]:7.1f} s (step {c.reached[0]:5d})" if c.reached else "not reached       "
        )
        final = c.evaluations[-1][1] if c.evaluations else float("nan")
        print(
            f"{c.name:>18}  {c.tokens / c.wall:8.0f} {c.tokens / c.cpu:8.0f}     {reached}   "
            f"{final:5.1f} (step {c.steps})"
        )
    base = racers[-1]
    for c in racers[:-1]:
        ratio = (c.tokens / c.wall) / (base.tokens / base.wall)
        print(f"tokens/s {c.name} / {base.name}: {ratio:.2f}")


def main() -> None:
    args = parse_args()
    config = TrainConfig.from_toml(bundled_config(CONFIG))
    torch.set_num_threads(args.threads or config.run.threads or torch.get_num_threads())
    if args.target_bleu is None:
        args.target_bleu = bundled_bleu()
    print(describe_machine(), flush=True)
    data = load_data(config, "translation", None)
    racers = contestants(config, data, args)
    print(
        f"{CONFIG}: {len(data.train_set.encoded)} training pairs, batches of "
        f"{config.run.batch_size}; target validation BLEU {args.target_bleu:g} on "
        f"{min(args.valid_size, len(data.valid_set.encoded))} pairs; at most "
        f"{args.max_steps or config.run.max_steps} steps, evaluated every {args.eval_every}; "
        f"{torch.get_num_threads()} thread(s)",
        flush=True,
    )
    run(config, data, racers, args)
    report(racers, args.target_bleu)


if __name__ == "__main__":
    main()
