"""Dropout (Srivastava et al. 2014) with half the random draws on the CPU.

``torch.nn.functional.dropout`` draws one 32-bit number of the CPU's Mersenne Twister per element
(``bernoulli_``); in a training step of the bundled Transformer under bf16 autocast those draws
were a fifth of the step's time (``python3 -m bench.bench_precision --profile 12``:
``aten::bernoulli_``, 22 calls a step). Here every 32-bit draw gives two 16-bit uniform numbers,
so a mask costs half the draws: element i is kept when its number is at least ``p`` of the way
through the 65,536 values. The drop probability is thus ``p`` rounded to a multiple of 2^-16
(0.1 → 0.100006), and the kept elements are scaled by 1 / (1 − that rounded p), so the expected
output equals the input exactly, as with ``F.dropout``. Off the CPU (CUDA's Philox generator
and fused kernel), and in evaluation, this is ``F.dropout`` itself.

The masks come from torch's default generator, so ``torch.manual_seed`` and a checkpoint's saved
RNG state reproduce them as they do ``F.dropout``'s; they are different masks from
``F.dropout``'s for the same seed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LEVELS = 1 << 16  # uniform 16-bit numbers, two per 32-bit draw


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """``F.dropout(x, p, training)`` with half the random draws on the CPU (module docstring)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or x.device.type != "cpu":
        return F.dropout(x, p, training)
    dropped = round(p * LEVELS)
    if dropped >= LEVELS:
        return x * 0.0
    count = x.numel()
    halves = torch.randint(-(1 << 31), (1 << 31) - 1, ((count + 1) // 2,), dtype=torch.int32)
    uniform = halves.view(torch.int16)[:count].view(x.shape)  # -32768 .. 32767
    keep = uniform >= dropped - LEVELS // 2
    return x * (keep.to(x.dtype) * (LEVELS / (LEVELS - dropped)))


class Dropout(nn.Dropout):
    """``nn.Dropout`` drawing its masks with ``dropout`` above (same arguments and state)."""

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)
