"""Multi-head attention (Vaswani et al. 2017 §3.2.2), keeping every head's weights when asked.

Fast path (``capture=False``): ``torch.nn.functional.scaled_dot_product_attention`` (except in
training on the CPU with dropout, where SDPA itself would fall back to the explicit path: that
path then, with the cheaper masks of ``core_models.models.dropout``).
Capture path (``capture=True``): explicit ``softmax(QKᵀ/√d_k) V`` that also returns the weights
(batch, heads, queries, keys). Both give the same outputs (dropout aside).

Two optional hooks serve ``core_models.explain`` (head ablation, attention editing); both are None
by default and then cost nothing. ``head_gate`` (heads,): each head's output is multiplied by its
gate before the heads are merged and projected (Michel et al. 2019's ξ_h; 0 switches a head off,
a tensor that requires grad gives ∂loss/∂ξ_h). ``weights_edit``: a function applied to the weights
(B, heads, Q, K) after the softmax (it forces the explicit path); the weights returned are the
edited ones.

Projections that read the same input share one matrix product (self-attention's queries, keys and
values; cross attention's keys and values): ``F.linear`` on the separate ``query_proj`` /
``key_proj`` / ``value_proj`` weights concatenated. The parameters, the checkpoint format and the
gradients stay those of the separate projections; outside autograd (decoding) the concatenation is
cached and rebuilt when any of those parameters changes (an optimizer step, a loaded checkpoint,
``.to()``), so a decoding step pays one call per attention block instead of three. Fused
optimizers (``torch.optim.Adam(fused=True)``, which the trainer uses) update the weights without
bumping their version counters, so the cache is also emptied whenever the module is switched to
training or evaluation (``train()`` / ``eval()``): an evaluation after training steps starts with
``eval()``, and the trainer calls ``train()`` before every step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core_models.attention.masking import masked_softmax
from core_models.models.dropout import dropout as fast_dropout


class MultiHeadAttention(nn.Module):
    """Projects queries, keys and values into ``heads`` subspaces of size d_model / heads.

    ``project_keys_values`` and ``attend`` are exposed so a decoder can cache projected keys and
    values between decoding steps (the KV cache).
    """

    def __init__(self, d_model: int, heads: int, dropout: float = 0.0, bias: bool = True):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by heads ({heads})")
        self.d_model, self.heads, self.head_size = d_model, heads, d_model // heads
        self.query_proj = nn.Linear(d_model, d_model, bias=bias)
        self.key_proj = nn.Linear(d_model, d_model, bias=bias)
        self.value_proj = nn.Linear(d_model, d_model, bias=bias)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        self.dropout = dropout
        self.head_gate: Tensor | None = None
        self.weights_edit: Callable[[Tensor], Tensor] | None = None
        self._packed: dict[tuple[str, ...], tuple] = {}

    def train(self, mode: bool = True) -> MultiHeadAttention:
        """Switch the mode and empty the fused projection's cache (see the module docstring)."""
        self._packed.clear()
        return super().train(mode)

    def packed_projection(self, names: tuple[str, ...]) -> tuple[Tensor, Tensor | None]:
        """The weights (and biases) of the named projections stacked along the output dimension.

        Under autograd the concatenation is built at each call, so gradients reach the separate
        parameters; otherwise it is cached, keyed by each parameter's identity, storage and
        version counter (bumped by every in-place update), so it is never stale. (The parameters
        are read from ``_parameters`` directly: ``Module.__getattr__`` costs more than the rest
        of a cache hit.)
        """
        parameters = [
            p
            for name in names
            for p in self._modules[name]._parameters.values()  # weight, bias
            if p is not None
        ]
        if torch.is_grad_enabled() and any(p.requires_grad for p in parameters):
            return _concatenated(parameters, len(names))
        key = [(id(p), p.data_ptr(), p._version) for p in parameters]
        cached = self._packed.get(names)
        if cached is None or cached[0] != key:
            # a plain tensor even inside inference_mode, so a later autograd call may use it
            with torch.inference_mode(False), torch.no_grad():
                # the parameters are kept too, so that their ids stay theirs
                cached = (key, *_concatenated(parameters, len(names)), parameters)
            self._packed[names] = cached
        return cached[1], cached[2]

    def project(self, x: Tensor, names: tuple[str, ...]) -> list[Tensor]:
        """x (B, T, d_model) through the named projections in one matrix product -> one
        (B, heads, T, head_size) tensor per name."""
        weight, bias = self.packed_projection(names)
        batch, length, _ = x.shape
        heads = F.linear(x, weight, bias).view(batch, length, len(names), self.heads, -1)
        return list(heads.permute(2, 0, 3, 1, 4).unbind(0))

    def project_self(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Self-attention's queries, keys and values of x (B, T, d_model), each
        (B, heads, T, head_size), from one matrix product."""
        q, k, v = self.project(x, ("query_proj", "key_proj", "value_proj"))
        return q, k, v

    def split_heads(self, x: Tensor) -> Tensor:
        """(B, T, d_model) -> (B, heads, T, head_size)."""
        batch, length, _ = x.shape
        return x.view(batch, length, self.heads, self.head_size).transpose(1, 2)

    def project_keys_values(self, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
        """key, value (B, K, d_model) -> per-head keys and values, each (B, heads, K, head_size)."""
        if key is value:
            k, v = self.project(key, ("key_proj", "value_proj"))
            return k, v
        return self.split_heads(self.key_proj(key)), self.split_heads(self.value_proj(value))

    def attend(
        self,
        query: Tensor,
        keys: Tensor,
        values: Tensor,
        keep: Tensor | None = None,
        capture: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """query (B, Q, d_model); keys, values (B, heads, K, head_size) already projected;
        keep: bool broadcastable to (B, heads, Q, K), True where a key may be attended.

        Returns the output (B, Q, d_model) and, when ``capture``, the weights (B, heads, Q, K).
        """
        return self.attend_projected(
            self.split_heads(self.query_proj(query)), keys, values, keep, capture
        )

    def attend_projected(
        self,
        q: Tensor,
        keys: Tensor,
        values: Tensor,
        keep: Tensor | None = None,
        capture: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """``attend`` with the queries already projected: q (B, heads, Q, head_size)."""
        dropout = self.dropout if self.training else 0.0
        if capture or self.weights_edit is not None or (dropout and q.device.type == "cpu"):
            scores = q @ keys.transpose(-2, -1) / math.sqrt(self.head_size)  # (B, H, Q, K)
            weights = masked_softmax(scores, keep=keep)
            if self.weights_edit is not None:
                weights = self.weights_edit(weights)
            attended = (fast_dropout(weights, dropout) if dropout else weights) @ values
        else:
            weights = None
            attended = F.scaled_dot_product_attention(
                q, keys, values, attn_mask=keep, dropout_p=dropout
            )
        if self.head_gate is not None:
            attended = attended * self.head_gate.view(1, -1, 1, 1).to(attended.dtype)
        batch, _, length, _ = attended.shape
        merged = attended.transpose(1, 2).reshape(batch, length, self.d_model)
        return self.out_proj(merged), weights if capture else None

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        keep: Tensor | None = None,
        capture: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """query (B, Q, d_model), key/value (B, K, d_model). See ``attend``."""
        if query is key and key is value:
            return self.attend_projected(*self.project_self(query), keep, capture)
        keys, values = self.project_keys_values(key, value)
        return self.attend(query, keys, values, keep, capture)


def _concatenated(parameters: list[Tensor], count: int) -> tuple[Tensor, Tensor | None]:
    """The weights of ``count`` projections concatenated along the output dimension, and their
    biases (None when they have none); ``parameters``: each projection's weight [and bias]."""
    if len(parameters) == count:
        return torch.cat(parameters), None
    return torch.cat(parameters[0::2]), torch.cat(parameters[1::2])
