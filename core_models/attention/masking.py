"""Masks and the masked softmax (d2l.ai §11.3): padded and future keys get exactly zero weight.

Conventions used across the project: a *keep* mask is boolean with True where a key may be attended;
``valid_lens`` counts the valid keys of each sequence ``(batch,)`` or of each query ``(batch, queries)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

# torch's CPU softmax over a last axis shorter than 16 is 5-20 times slower per row than over 16
# (torch 2.13 on AVX-512: 64 × 4 × 14 rows of 14 keys took 1.8 ms forward, of 16 keys 0.08 ms):
# ``_softmax`` pads such rows with -inf keys (weight exactly 0) when there are enough rows for
# the pad to pay (a training batch's attention; decoding's few rows are left alone).
PAD_KEYS_TO = 16
PAD_MIN_ROWS = 256


def sequence_mask(lengths: Tensor, max_len: int) -> Tensor:
    """True for the first ``lengths[b]`` positions. lengths (*,) int -> mask (*, max_len) bool."""
    positions = torch.arange(max_len, device=lengths.device)
    return positions < lengths.unsqueeze(-1)


def causal_mask(queries: int, keys: int, device: torch.device | None = None) -> Tensor:
    """Query ``i`` may see keys ``0..i + keys - queries``. Returns (queries, keys) bool.

    With ``keys > queries`` the queries are the last ones of the sequence (incremental decoding).
    """
    offset = keys - queries
    q = torch.arange(queries, device=device).unsqueeze(1)
    k = torch.arange(keys, device=device).unsqueeze(0)
    return k <= q + offset


def keep_mask_from_lens(valid_lens: Tensor, queries: int, keys: int, score_dim: int) -> Tensor:
    """Broadcastable keep mask for scores of ``score_dim`` dims (batch, [heads,] queries, keys).

    valid_lens (batch,) masks keys per sequence; (batch, queries) masks keys per query.
    Returns (batch, 1.., queries or 1, keys) bool.
    """
    if valid_lens.dim() == 1:
        mask = sequence_mask(valid_lens, keys).unsqueeze(-2)  # (B, 1, K)
    elif valid_lens.dim() == 2:
        if valid_lens.shape[1] != queries:
            raise ValueError(
                f"valid_lens has {valid_lens.shape[1]} per-query lengths but scores have "
                f"{queries} queries"
            )
        mask = sequence_mask(valid_lens, keys)  # (B, Q, K)
    else:
        raise ValueError(
            f"valid_lens must be (batch,) or (batch, queries); got {tuple(valid_lens.shape)}"
        )
    while mask.dim() < score_dim:
        mask = mask.unsqueeze(1)
    return mask


def masked_softmax(
    scores: Tensor, valid_lens: Tensor | None = None, keep: Tensor | None = None
) -> Tensor:
    """Softmax over the last axis of ``scores`` that gives masked keys exactly 0.

    scores: (batch, [heads,] queries, keys), no NaN or +inf. valid_lens: (batch,) or (batch,
    queries), or None. keep: bool, broadcastable to scores, True where a key may be attended, or
    None. A key scored -inf is masked too; a row with no valid key is all zeros (never NaN).
    Returns weights shaped like scores, float32 under autocast (mixed-precision training): the
    softmax of bfloat16 or float16 scores is taken in float32, so the weights a run trains and
    the maps it shows are those of its float32 model.
    """
    if torch.is_autocast_enabled(scores.device.type):
        scores = scores.float()
    if valid_lens is not None:
        lens_keep = keep_mask_from_lens(
            valid_lens, scores.shape[-2], scores.shape[-1], scores.dim()
        )
        keep = lens_keep if keep is None else keep & lens_keep
    if not scores.requires_grad:
        # Without autograd (decoding) in 2-3 operations instead of 7: an all -inf row's NaNs
        # become zeros afterwards. (With autograd those NaNs would reach the gradients.)
        if keep is not None:
            scores = torch.where(keep, scores, float("-inf"))
        return _softmax(scores).nan_to_num_(0.0)
    mask = scores > float("-inf")
    if keep is not None:
        mask = mask & keep
    filled = scores.masked_fill(~mask, float("-inf"))
    filled = filled.masked_fill(~mask.any(-1, keepdim=True), 0.0)  # no valid key: no -inf row
    return _softmax(filled) * mask


def _softmax(scores: Tensor) -> Tensor:
    """``torch.softmax(scores, -1)``, padded to ``PAD_KEYS_TO`` keys where that is faster."""
    keys = scores.shape[-1]
    if scores.device.type != "cpu" or keys >= PAD_KEYS_TO or scores.numel() < PAD_MIN_ROWS * keys:
        return torch.softmax(scores, dim=-1)
    padded = F.pad(scores, (0, PAD_KEYS_TO - keys), value=float("-inf"))
    return torch.softmax(padded, dim=-1)[..., :keys]
