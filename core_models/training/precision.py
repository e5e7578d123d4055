"""The numeric precision a run's steps compute in: ``run.precision`` = auto | fp32 | bf16 | fp16.

Under bf16 or fp16 the forward pass runs in ``torch.autocast``; the weights, the optimiser state,
the loss and the attention softmax stay float32, so checkpoints are float32 whatever the run
computed in. ``auto`` picks bfloat16 on a CUDA GPU that has it (float16 with a gradient scaler on
older GPUs), bfloat16 on a CPU where a quick probe finds bfloat16 matrix products clearly faster
than float32 ones, and float32 elsewhere (MPS included).
"""

from __future__ import annotations

import functools
import statistics
import time

import torch
import torch.distributed as dist

PRECISIONS = ("auto", "fp32", "bf16", "fp16")
_DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
# What checkpoints record (``recorded_name``), back to the choice that computes that way.
_RECORDED = {"float32": "fp32", "bfloat16 autocast": "bf16", "float16 autocast": "fp16"}
# bf16 is chosen on a CPU only when its products take at most this share of float32's time.
CPU_BF16_SPEEDUP = 0.8


def legacy_precision(mixed_precision: bool) -> str:
    """The ``run.precision`` of a config or checkpoint written with the old boolean
    ``run.mixed_precision``: true → "auto", false → "fp32"."""
    return "auto" if mixed_precision else "fp32"


def resolve_precision(
    choice: str, device: torch.device, recorded: str | None = None
) -> torch.dtype | None:
    """The autocast dtype of ``choice`` on ``device``; None computes in float32 throughout.

    ``recorded``: the precision a resumed checkpoint recorded (``recorded_name``). Under "auto"
    a resumed run keeps it where the device can compute that way, so a resume continues the run
    exactly. Raises ValueError for a precision the device cannot compute in.
    """
    if choice == "auto":
        kept = _RECORDED.get(recorded or "")
        if kept is not None and _supported(kept, device):
            return _DTYPES[kept]
        return _DTYPES[auto_choice(device)]
    if choice not in _DTYPES:
        raise ValueError(f"run.precision: '{choice}' is not one of {', '.join(PRECISIONS)}")
    if not _supported(choice, device):
        raise ValueError(
            f"run.precision: {choice} cannot run on {device.type}"
            + (": float16 autocast needs a CUDA GPU" if choice == "fp16" else "")
            + "; use auto or fp32"
        )
    return _DTYPES[choice]


def shared_by_ranks(dtype: torch.dtype | None) -> torch.dtype | None:
    """Under DDP on CPUs (gloo), rank 0's precision on every rank: "auto" probes each process's
    CPU, and ranks that disagreed would each compute their gradients their own way. Elsewhere
    (one process; CUDA, where "auto" reads the GPU and not a timing) ``dtype`` as it is."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_backend() != "gloo":
        return dtype
    choices = (None, torch.bfloat16, torch.float16)
    code = torch.tensor([choices.index(dtype)])
    dist.broadcast(code, src=0)
    return choices[int(code)]


def auto_choice(device: torch.device) -> str:
    """What "auto" picks on ``device``: bf16, fp16 or fp32."""
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device.type == "cpu" and cpu_bf16_is_faster():
        return "bf16"
    return "fp32"


def _supported(choice: str, device: torch.device) -> bool:
    if choice == "fp16":
        return device.type == "cuda"
    if choice == "bf16":
        return device.type == "cpu" or (device.type == "cuda" and torch.cuda.is_bf16_supported())
    return True


def cpu_bf16_is_faster() -> bool:
    """Whether bfloat16 matrix products of a training-sized shape (a batch of 1280 tokens through
    a 256 → 1024 feed-forward layer) take at most ``CPU_BF16_SPEEDUP`` of float32's time on this
    CPU with torch's current thread count. Measured once per process and thread count (about
    0.1 s), not read from the CPU's name: the same name can hide different vector units."""
    return _probe(torch.get_num_threads())


@functools.cache
def _probe(threads: int) -> bool:  # threads: the cache key (the products use torch's threads)
    generator = torch.Generator().manual_seed(0)
    tokens = torch.randn(1280, 256, generator=generator)
    weight = torch.randn(256, 1024, generator=generator)
    return _matmul_seconds(tokens, weight, torch.bfloat16) <= CPU_BF16_SPEEDUP * _matmul_seconds(
        tokens, weight, torch.float32
    )


def _matmul_seconds(tokens: torch.Tensor, weight: torch.Tensor, dtype: torch.dtype) -> float:
    tokens, weight = tokens.to(dtype), weight.to(dtype)
    tokens @ weight  # warm-up: the first product picks its kernel
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        tokens @ weight
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def recorded_name(dtype: torch.dtype | None) -> str:
    """How a run's steps compute, as recorded in its checkpoint."""
    return "float32" if dtype is None else f"{str(dtype).removeprefix('torch.')} autocast"
