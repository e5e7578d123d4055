"""Luong et al. 2015 §3.2 local attention: a window [p_t - D, p_t + D] of source positions.

Positions count from 0, so a source of S tokens has positions 0..S-1, and every centre stays
inside them:

``local-m`` (monotonic) centres the window on the decoding step, p_t = min(t, S - 1) (the paper's
p_t = t, held at the last source token once t passes it).
``local-p`` (predictive) predicts p_t = (S - 1) · sigmoid(v_p · tanh(W_p h_t)) (the paper's S · σ(·)
for 0-based positions), keeps the integer window around round(p_t), and favours positions near
p_t with a Gaussian of sigma = D / 2, held at >= 0.5 so that D = 0 (a window of one position)
divides by no zero. Luong multiplies the aligned weights by that Gaussian; we add its log to the
scores before the masked softmax, which is the same weights renormalised, so every row still
sums to 1 over the window.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from core_models.attention.masking import sequence_mask

LOCAL_MODES = ("local-m", "local-p")


class LocalWindow(nn.Module):
    """Which source positions each decoder query may see, and (local-p) a Gaussian log-prior."""

    def __init__(self, mode: str, window: int, query_size: int):
        super().__init__()
        if mode not in LOCAL_MODES:
            raise ValueError(
                f"unknown local attention '{mode}'; choose one of {', '.join(LOCAL_MODES)}"
            )
        if window < 0:
            raise ValueError(f"local attention window D must be >= 0, got {window}")
        self.mode = mode
        self.window = window
        if mode == "local-p":
            self.position_proj = nn.Linear(query_size, query_size, bias=False)
            self.position_v = nn.Linear(query_size, 1, bias=False)

    def forward(
        self, queries: Tensor, steps: Tensor, src_lens: Tensor, num_keys: int
    ) -> tuple[Tensor, Tensor | None, Tensor]:
        """queries (B, Q, d); steps (Q,) decoding step of each query; src_lens (B,).

        Returns keep (B, Q, K) bool (window ∩ valid source), log_prior (B, Q, K) or None, and the
        window centres p_t (B, Q) as floats.
        """
        last = (src_lens - 1).clamp(min=0).to(queries.dtype).unsqueeze(1)  # (B, 1)
        if self.mode == "local-m":
            centres = torch.minimum(steps.to(queries.dtype).unsqueeze(0), last)
            centres = centres.expand(queries.shape[0], -1)
        else:
            gate = torch.sigmoid(self.position_v(torch.tanh(self.position_proj(queries)))).squeeze(
                -1
            )
            centres = last * gate  # (B, Q) in [0, S - 1]
        positions = torch.arange(num_keys, device=queries.device, dtype=queries.dtype)
        distance = positions.view(1, 1, -1) - centres.unsqueeze(-1)  # (B, Q, K)
        # local-p: the integer window around the rounded centre, as in the paper
        window_centres = centres if self.mode == "local-m" else centres.round()
        keep = (positions.view(1, 1, -1) - window_centres.unsqueeze(-1)).abs() <= self.window
        keep = keep & sequence_mask(src_lens, num_keys).unsqueeze(1)
        log_prior = None
        if self.mode == "local-p":
            sigma = max(self.window / 2.0, 0.5)
            log_prior = -(distance**2) / (2 * sigma**2)
        return keep, log_prior, centres
