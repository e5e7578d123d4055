"""Time of each ``core_models.explain`` method for one sentence on the bundled transformer-en-fr,
against one forward + backward of the same sentence in the same process (the issue's goal for
integrated gradients, 64 steps batched: at most 10× that).

The reference: a teacher-forced forward over the model's own greedy output and one backward of
the sum of its tokens' log-probabilities. Saliency and input × gradient need one gradient per
output token (a batch of T copies, one backward); integrated gradients one forward over its
``steps`` interpolation points (``--ig-batch`` points per forward) and one backward through it per
explained output token (every one, or one selected). Rollout and flow read the captured record.
The last line puts integrated gradients of a whole sentence per row (one output token's map needs
its own gradient whatever the method) and against saliency of the same rows (one gradient each,
no interpolation steps).

    python3 -m bench.bench_explain --threads 1
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from bench.machine import describe_machine
from core_models.explain.attribution import seq2seq_attributions
from core_models.explain.editing import AttentionEdit, what_if
from core_models.explain.inputs import translation_ids
from core_models.explain.rollout import rollout_maps
from core_models.inference import load_model
from core_models.models.base import BOS_ID


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="transformer-en-fr")
    parser.add_argument("--tokens", type=int, default=20, help="source length, EOS included")
    parser.add_argument("--steps", type=int, default=64, help="integrated gradients steps")
    parser.add_argument(
        "--ig-batch", type=int, default=0, help="IG interpolation points per forward (0: all)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's own)")
    return parser.parse_args()


def sentence_of(translator, tokens: int) -> str:
    """A test-split source whose piece count (EOS included) is nearest ``tokens``."""
    samples = translator.samples(400)
    encode = translator.source_tokenizer.encode
    return min(samples, key=lambda pair: abs(len(encode(pair.source)) + 1 - tokens)).source


def timed_ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return 1000 * (time.perf_counter() - start)


def paired_ms(
    job: Callable[[], object], reference: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Medians (job, reference), the reference timed just before every job run (on a shared
    machine the load moves from second to second), its first call after a job left out (a big
    batch leaves the allocator and caches cold for the next small one)."""
    job()  # warm-up
    job_times, reference_times = [], []
    for _ in range(runs):
        reference()
        reference_times += [timed_ms(reference) for _ in range(2)]
        job_times.append(timed_ms(job))
    return statistics.median(job_times), statistics.median(reference_times)


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(describe_machine(), flush=True)
    translator = load_model(args.model)
    model = translator.model.eval()
    text = sentence_of(translator, args.tokens)
    src_ids, tgt_ids, result = translation_ids(translator, text)
    print(f"{args.model}: {len(src_ids)} source tokens → {len(tgt_ids)} output tokens: {text!r}")
    print(f"torch threads: {torch.get_num_threads()}")
    src, lens = torch.tensor([src_ids]), torch.tensor([len(src_ids)])
    tgt_in, gold = torch.tensor([[BOS_ID, *tgt_ids[:-1]]]), torch.tensor(tgt_ids)

    def forward_backward() -> None:
        model.zero_grad(set_to_none=True)
        logits = model(src, lens, tgt_in).logits[0].float()
        logits.log_softmax(-1)[torch.arange(len(tgt_ids)), gold].sum().backward()

    def attribution(method: str, rows: list[int] | None = None) -> Callable[[], object]:
        return lambda: seq2seq_attributions(
            model,
            src_ids,
            tgt_ids,
            result.source_pieces,
            result.output_pieces,
            methods=(method,),
            steps=args.steps,
            internal_batch_size=args.ig_batch or None,
            rows=rows,
        )

    record = result.record
    work = {
        "greedy decoding, every map captured": lambda: translator.translate(text),
        "saliency": attribution("saliency"),
        "input × gradient": attribution("input_x_gradient"),
        f"integrated gradients, {args.steps} steps, every output token": attribution(
            "integrated_gradients"
        ),
        f"integrated gradients, {args.steps} steps, one output token": attribution(
            "integrated_gradients", [len(tgt_ids) // 2]
        ),
        "rollout (encoder + cross)": lambda: rollout_maps(record, with_flow=False),
        "rollout + flow (encoder + cross)": lambda: rollout_maps(record, with_flow=True),
        "what-if: pin step 1, decode on": lambda: what_if(
            translator, text, AttentionEdit(step=1, pin_to=0)
        ),
    }
    ratios = {}
    for name, job in work.items():
        elapsed, reference = paired_ms(job, forward_backward, 1 if "flow" in name else args.runs)
        ratios[name] = elapsed / reference
        print(
            f"{name}: {elapsed:.1f} ms, {ratios[name]:.1f}× one forward + backward "
            f"({reference:.1f} ms)",
            flush=True,
        )
    every = ratios[f"integrated gradients, {args.steps} steps, every output token"]
    print(
        f"integrated gradients of a whole sentence ({len(tgt_ids)} rows, each its own gradient): "
        f"{every / len(tgt_ids):.1f}× one forward + backward per row; "
        f"{every / ratios['saliency']:.1f}× saliency of the same rows"
    )


if __name__ == "__main__":
    main()
