"""Hard attention (Xu et al. 2015, Luong et al. 2015): one key per query.

At inference the row is one-hot at the arg-max score. In training it is the straight-through
Gumbel-softmax (Jang et al. 2017): the forward pass is one-hot, the gradient that of the soft sample.
"""

from __future__ import annotations

import torch
from torch import Tensor


def hard_attention(
    scores: Tensor, keep: Tensor, training: bool, temperature: float = 1.0
) -> Tensor:
    """scores (..., K), keep bool broadcastable to scores. Returns one-hot weights shaped like scores.

    A row with no valid key is all zeros.
    """
    filled = scores.masked_fill(~keep, torch.finfo(scores.dtype).min)
    if training:
        gumbel = -torch.log(-torch.log(torch.rand_like(filled).clamp(1e-10, 1 - 1e-10)))
        soft = torch.softmax((filled + gumbel) / temperature, dim=-1)
        index = soft.argmax(dim=-1, keepdim=True)
    else:
        soft = None
        index = filled.argmax(dim=-1, keepdim=True)
    one_hot = torch.zeros_like(filled).scatter_(-1, index, 1.0)
    if soft is not None:
        one_hot = one_hot - soft.detach() + soft
    return one_hot * keep
