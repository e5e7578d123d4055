"""Transformer building blocks (Vaswani et al. 2017 §3.1–3.5), shared by the seq2seq Transformer and
the encoder classifier: positions, input embedding, feed-forward, residual + layer norm, encoder and
decoder layers, and the encoder stack.

Every layer returns its attention weights (batch, heads, queries, keys) when ``capture`` is set and
None otherwise; masks are *keep* masks (True where a key may be attended, see
``core_models.attention.masking``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import Tensor, nn

from core_models.attention.multihead import MultiHeadAttention
from core_models.models.dropout import Dropout

NORMS = ("pre", "post")
POSITIONS = ("sinusoidal", "learned")


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a ValueError naming the config field and its valid choices."""
    if value not in choices:
        raise ValueError(f"{field} = {value!r} is not valid; choose one of {', '.join(choices)}")


def check_transformer_sizes(d_model: int, heads: int, max_len: int) -> None:
    """Raise a ValueError naming the config field when a size cannot build a Transformer."""
    if heads < 1 or d_model % heads:
        raise ValueError(f"d_model ({d_model}) must be a positive multiple of heads ({heads})")
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")


class SinusoidalPositions(nn.Module):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...) (§3.5). No parameters."""

    def __init__(self, d_model: int, max_len: int):
        super().__init__()
        self.max_len = max_len
        if torch.get_default_device().type == "meta":  # a skeleton (``build_skeleton``): shapes
            # only; the meta arange would import torch._dynamo (~1 s)
            self.register_buffer("table", torch.empty(max_len, d_model), persistent=False)
            return
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)  # (max_len, 1)
        frequency = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(position * frequency)
        table[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
        self.register_buffer("table", table, persistent=False)  # (max_len, d_model)

    def forward(self, start: int, length: int) -> Tensor:
        """Positions start .. start + length - 1 -> (length, d_model)."""
        check_length(start + length, self.max_len)
        return self.table[start : start + length]


class LearnedPositions(nn.Module):
    """One trained vector per position (Gehring et al. 2017; Devlin et al. 2019)."""

    def __init__(self, d_model: int, max_len: int):
        super().__init__()
        self.table = nn.Embedding(max_len, d_model)
        self.max_len = max_len

    def forward(self, start: int, length: int) -> Tensor:
        """Positions start .. start + length - 1 -> (length, d_model)."""
        check_length(start + length, self.max_len)
        return self.table.weight[start : start + length]


def check_length(length: int, max_len: int) -> None:
    if length > max_len:
        raise ValueError(
            f"a sequence of {length} positions is longer than the model's max_len ({max_len}); "
            "shorten the input or train a model with a larger max_len"
        )


def make_positions(kind: str, d_model: int, max_len: int) -> SinusoidalPositions | LearnedPositions:
    """``kind``: "sinusoidal" or "learned"."""
    check_choice("positions", kind, POSITIONS)
    return (
        SinusoidalPositions(d_model, max_len)
        if kind == "sinusoidal"
        else LearnedPositions(d_model, max_len)
    )


class InputEmbedding(nn.Module):
    """Token embedding × √d_model + positions (+ optional extra, e.g. segments), then dropout (§3.4).

    ``tokens`` is passed in so that a model can share one embedding between inputs and outputs.
    """

    def __init__(self, tokens: nn.Embedding, positions: nn.Module, dropout: float):
        super().__init__()
        self.tokens = tokens
        self.positions = positions
        self.scale = math.sqrt(tokens.embedding_dim)
        self.dropout = Dropout(dropout)

    def forward(self, ids: Tensor, start: int = 0, extra: Tensor | None = None) -> Tensor:
        """ids (B, T) at positions start.. -> (B, T, d_model); extra (B, T, d_model) is added."""
        embedded = self.tokens(ids) * self.scale + self.positions(start, ids.shape[1])
        if extra is not None:
            embedded = embedded + extra
        return self.dropout(embedded) if self.training else embedded


class FeedForward(nn.Module):
    """Position-wise FFN(x) = max(0, x W1 + b1) W2 + b2 (§3.3). (B, T, d_model) -> same."""

    def __init__(self, d_model: int, ff_size: int, dropout: float):
        super().__init__()
        self.expand = nn.Linear(d_model, ff_size)
        self.contract = nn.Linear(ff_size, d_model)
        self.dropout = Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        hidden = torch.relu(self.expand(x))
        return self.contract(self.dropout(hidden) if self.training else hidden)


class SublayerConnection(nn.Module):
    """Residual connection with layer norm around a sublayer (§3.1; pre-norm: Xiong et al. 2020).

    post: ``x ← LayerNorm(x + Dropout(f(x)))``; pre: ``x ← x + Dropout(f(LayerNorm(x)))``.
    Use as ``after(x, f(before(x)))``.
    """

    def __init__(self, d_model: int, dropout: float, norm: str):
        super().__init__()
        check_choice("norm", norm, NORMS)
        self.pre_norm = norm == "pre"
        self.norm = nn.LayerNorm(d_model)
        self.dropout = Dropout(dropout)

    def before(self, x: Tensor) -> Tensor:
        """The sublayer's input: x normalised (pre-norm) or x itself (post-norm)."""
        return self.norm(x) if self.pre_norm else x

    def after(self, x: Tensor, sublayer_output: Tensor) -> Tensor:
        """Add the sublayer's output to the residual stream x (and normalise, post-norm)."""
        if self.training:  # in eval, dropout is the identity: skip its call (decoding steps)
            sublayer_output = self.dropout(sublayer_output)
        summed = x + sublayer_output
        return summed if self.pre_norm else self.norm(summed)


class EncoderLayer(nn.Module):
    """Self-attention then feed-forward, each inside a SublayerConnection (§3.1, encoder)."""

    def __init__(self, d_model: int, heads: int, ff_size: int, dropout: float, norm: str):
        super().__init__()
        self.self_attention = MultiHeadAttention(d_model, heads, dropout)
        self.self_attention_block = SublayerConnection(d_model, dropout, norm)
        self.feed_forward = FeedForward(d_model, ff_size, dropout)
        self.feed_forward_block = SublayerConnection(d_model, dropout, norm)

    def forward(
        self, x: Tensor, keep: Tensor, capture: bool = False
    ) -> tuple[Tensor, Tensor | None]:
        """x (B, S, d_model); keep broadcastable to (B, heads, S, S).

        Returns x (B, S, d_model) and the weights (B, heads, S, S) or None.
        """
        h = self.self_attention_block.before(x)
        attended, weights = self.self_attention(h, h, h, keep, capture)
        x = self.self_attention_block.after(x, attended)
        x = self.feed_forward_block.after(x, self.feed_forward(self.feed_forward_block.before(x)))
        return x, weights


class TransformerEncoder(nn.Module):
    """A stack of encoder layers, with a final layer norm when the layers are pre-norm."""

    def __init__(
        self, d_model: int, heads: int, ff_size: int, layers: int, dropout: float, norm: str
    ):
        super().__init__()
        self.layers = nn.ModuleList(
            EncoderLayer(d_model, heads, ff_size, dropout, norm) for _ in range(layers)
        )
        self.final_norm = nn.LayerNorm(d_model) if norm == "pre" else nn.Identity()

    def forward(
        self, x: Tensor, keep: Tensor, capture: bool = False
    ) -> tuple[Tensor, list[Tensor]]:
        """x (B, S, d_model) -> (B, S, d_model) and, when captured, each layer's (B, heads, S, S)."""
        weights = []
        for layer in self.layers:
            x, layer_weights = layer(x, keep, capture)
            if capture:
                weights.append(layer_weights)
        return self.final_norm(x), weights


class DecoderLayerOutput(NamedTuple):
    """x (B, T, d_model); self_keys / self_values (B, heads, past + T, head_size), the KV cache to
    pass back as ``past`` at the next step; weights (B, heads, T, keys) or None."""

    x: Tensor
    self_keys: Tensor
    self_values: Tensor
    self_weights: Tensor | None
    cross_weights: Tensor | None


class DecoderLayer(nn.Module):
    """Masked self-attention, encoder-decoder (cross) attention, feed-forward (§3.1, decoder).

    The same code serves teacher forcing (all T target positions, ``past`` None, a causal
    ``self_keep``) and incremental decoding (T = 1, ``past`` the cached keys/values of the earlier
    steps, ``self_keep`` None because every cached key is in the past).
    """

    def __init__(self, d_model: int, heads: int, ff_size: int, dropout: float, norm: str):
        super().__init__()
        self.self_attention = MultiHeadAttention(d_model, heads, dropout)
        self.self_attention_block = SublayerConnection(d_model, dropout, norm)
        self.cross_attention = MultiHeadAttention(d_model, heads, dropout)
        self.cross_attention_block = SublayerConnection(d_model, dropout, norm)
        self.feed_forward = FeedForward(d_model, ff_size, dropout)
        self.feed_forward_block = SublayerConnection(d_model, dropout, norm)

    def forward(
        self,
        x: Tensor,
        memory_keys: Tensor,
        memory_values: Tensor,
        memory_keep: Tensor,
        self_keep: Tensor | None,
        past: tuple[Tensor, Tensor] | None = None,
        capture: bool = False,
    ) -> DecoderLayerOutput:
        """x (B, T, d_model); memory_keys / memory_values (B, heads, S, head_size) from
        ``cross_attention.project_keys_values(memory, memory)``; memory_keep broadcastable to
        (B, heads, T, S); self_keep broadcastable to (B, heads, T, past + T) or None;
        past: cached (keys, values), each (B, heads, past, head_size), or None."""
        h = self.self_attention_block.before(x)
        queries, keys, values = self.self_attention.project_self(h)
        if past is not None:
            keys = torch.cat([past[0], keys], dim=2)
            values = torch.cat([past[1], values], dim=2)
        attended, self_weights = self.self_attention.attend_projected(
            queries, keys, values, self_keep, capture
        )
        x = self.self_attention_block.after(x, attended)

        h = self.cross_attention_block.before(x)
        attended, cross_weights = self.cross_attention.attend(
            h, memory_keys, memory_values, memory_keep, capture
        )
        x = self.cross_attention_block.after(x, attended)

        x = self.feed_forward_block.after(x, self.feed_forward(self.feed_forward_block.before(x)))
        return DecoderLayerOutput(x, keys, values, self_weights, cross_weights)


def init_transformer_weights(model: nn.Module) -> None:
    """Xavier-uniform linear weights (as the annotated Transformer); embeddings N(0, 1/d_model),
    which the ×√d_model input scaling brings to unit variance. Embeddings go last so that an
    output projection tied to an embedding keeps the embedding's initialisation."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=module.embedding_dim**-0.5)
