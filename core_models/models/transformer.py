"""The Transformer encoder-decoder (Vaswani et al. 2017, "Attention Is All You Need", §3), with a
KV cache for incremental decoding and a capture path that keeps every layer's and head's weights.

Captured maps (``capture=True``), for every layer l:

- ``CapturedMap("encoder_self", l, (B, H, S, S), "source", "source")``
- ``CapturedMap("decoder_self", l, (B, H, T, T), "target", "target_input")``
- ``CapturedMap("cross", l, (B, H, T, S), "target", "source")``

``decode_step`` reports the step's rows: decoder_self (B, H, 1, t + 1) and cross (B, H, 1, S).
``encode(src, src_lens, capture=True)`` keeps the encoder_self maps in ``state.encoder_maps``, so a
decoder can report them beside the steps' maps (``reorder_state`` keeps them in step with the beam).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from torch import Tensor, nn

from core_models.attention.masking import causal_mask, sequence_mask
from core_models.models.base import ModelConfig, Seq2SeqModel, Seq2SeqOutput, StepOutput
from core_models.models.transformer_layers import (
    NORMS,
    POSITIONS,
    DecoderLayer,
    InputEmbedding,
    TransformerEncoder,
    check_choice,
    check_transformer_sizes,
    init_transformer_weights,
    make_positions,
)
from core_models.record import CapturedMap


@dataclass
class TransformerConfig(ModelConfig):
    src_vocab_size: int = 8000
    tgt_vocab_size: int = 8000
    d_model: int = 256
    heads: int = 4
    ff_size: int = 1024  # inner size of the position-wise feed-forward network
    encoder_layers: int = 3
    decoder_layers: int = 3
    dropout: float = 0.1
    positions: str = "sinusoidal"  # or "learned"
    max_len: int = 256  # longest source or target, in tokens
    norm: str = "pre"  # "pre": LayerNorm inside each residual branch; "post": after the sum (paper)
    tie_embeddings: bool = True  # decoder input embedding = output projection weight
    share_source_embedding: bool = False  # also use it for the source (needs equal vocab sizes)

    def __post_init__(self) -> None:
        check_choice("positions", self.positions, POSITIONS)
        check_choice("norm", self.norm, NORMS)
        check_transformer_sizes(self.d_model, self.heads, self.max_len)
        if self.share_source_embedding and self.src_vocab_size != self.tgt_vocab_size:
            raise ValueError(
                f"share_source_embedding needs src_vocab_size ({self.src_vocab_size}) == "
                f"tgt_vocab_size ({self.tgt_vocab_size})"
            )


@dataclass
class TransformerState:
    """What the decoder carries between steps: the encoder memory and the KV cache.

    memory_keys / memory_values: per decoder layer, cross-attention keys/values of the encoder
    memory (B, H, S, head_size), computed once by ``encode``; memory_keep (B, 1, 1, S) bool.
    self_keys / self_values: per decoder layer, self-attention keys/values of the t tokens fed so
    far (B, H, t, head_size), one position longer after every ``decode_step``.
    encoder_maps: the encoder_self maps when ``encode`` was asked to capture, else empty.
    """

    memory_keys: list[Tensor]
    memory_values: list[Tensor]
    memory_keep: Tensor
    self_keys: list[Tensor]
    self_values: list[Tensor]
    steps: int = 0
    encoder_maps: list[CapturedMap] = field(default_factory=list)


class TransformerSeq2Seq(Seq2SeqModel):
    """Source embedding → encoder stack; target embedding → decoder stack → output projection."""

    family = "transformer"

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = config
        c = config
        target_tokens = nn.Embedding(c.tgt_vocab_size, c.d_model)
        source_tokens = (
            target_tokens if c.share_source_embedding else nn.Embedding(c.src_vocab_size, c.d_model)
        )
        self.source_embedding = InputEmbedding(
            source_tokens, make_positions(c.positions, c.d_model, c.max_len), c.dropout
        )
        self.target_embedding = InputEmbedding(
            target_tokens, make_positions(c.positions, c.d_model, c.max_len), c.dropout
        )
        self.encoder = TransformerEncoder(
            c.d_model, c.heads, c.ff_size, c.encoder_layers, c.dropout, c.norm
        )
        self.decoder_layers = nn.ModuleList(
            DecoderLayer(c.d_model, c.heads, c.ff_size, c.dropout, c.norm)
            for _ in range(c.decoder_layers)
        )
        self.decoder_norm = nn.LayerNorm(c.d_model) if c.norm == "pre" else nn.Identity()
        self.output_projection = nn.Linear(c.d_model, c.tgt_vocab_size)
        if c.tie_embeddings:
            self.output_projection.weight = target_tokens.weight
        init_transformer_weights(self)

    def forward(
        self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False
    ) -> Seq2SeqOutput:
        """src (B, S), src_lens (B,), tgt_in (B, T) starting with BOS -> logits (B, T, V)."""
        memory, memory_keep, encoder_weights = self._encode(src, src_lens, capture)
        x = self.target_embedding(tgt_in)
        length = tgt_in.shape[1]
        self_keep = causal_mask(length, length, tgt_in.device)  # (T, T)
        memory_keys_values = [
            layer.cross_attention.project_keys_values(memory, memory)
            for layer in self.decoder_layers
        ]
        x, _, _, self_weights, cross_weights = self._decode(
            x, memory_keys_values, memory_keep, self_keep, None, capture
        )
        maps = (  # empty unless captured: the weight lists are
            _maps("encoder_self", encoder_weights, "source", "source")
            + _maps("decoder_self", self_weights, "target", "target_input")
            + _maps("cross", cross_weights, "target", "source")
        )
        return Seq2SeqOutput(self.output_projection(x), maps)

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> TransformerState:
        """src (B, S), src_lens (B,) -> the state before the first step (empty KV cache).

        With ``capture`` the encoder_self maps (B, H, S, S) are kept in ``state.encoder_maps``.
        """
        memory, memory_keep, encoder_weights = self._encode(src, src_lens, capture)
        memory_keys, memory_values, self_keys, self_values = [], [], [], []
        for layer in self.decoder_layers:
            keys, values = layer.cross_attention.project_keys_values(memory, memory)
            memory_keys.append(keys)
            memory_values.append(values)
            empty = keys.new_zeros(keys.shape[0], keys.shape[1], 0, keys.shape[3])
            self_keys.append(empty)
            self_values.append(empty)
        encoder_maps = _maps("encoder_self", encoder_weights, "source", "source")
        return TransformerState(
            memory_keys, memory_values, memory_keep, self_keys, self_values, 0, encoder_maps
        )

    def source_maps(self, state: TransformerState) -> list[CapturedMap]:
        """The encoder_self maps (B, H, S, S) per layer, when ``encode`` captured them."""
        return state.encoder_maps

    def decode_step(
        self, state: TransformerState, prev_tokens: Tensor, capture: bool = False
    ) -> StepOutput:
        """prev_tokens (B,) -> logits (B, V) for the next token and a new state (one position
        longer KV cache); ``state`` itself is left unchanged."""
        x = self.target_embedding(prev_tokens.unsqueeze(1), start=state.steps)  # (B, 1, d)
        memory = list(zip(state.memory_keys, state.memory_values, strict=True))
        past = list(zip(state.self_keys, state.self_values, strict=True))
        x, self_keys, self_values, self_weights, cross_weights = self._decode(
            x, memory, state.memory_keep, None, past, capture
        )
        new_state = dataclasses.replace(
            state, self_keys=self_keys, self_values=self_values, steps=state.steps + 1
        )
        maps = _maps("decoder_self", self_weights, "target", "target_input") + _maps(
            "cross", cross_weights, "target", "source"
        )
        return StepOutput(self.output_projection(x)[:, 0], new_state, maps)

    def reorder_state(self, state: TransformerState, indices: Tensor) -> TransformerState:
        """Keep the hypotheses at ``indices`` (B',): every cached tensor is index-selected."""

        def pick(tensors: list[Tensor]) -> list[Tensor]:
            return [t.index_select(0, indices) for t in tensors]

        return TransformerState(
            memory_keys=pick(state.memory_keys),
            memory_values=pick(state.memory_values),
            memory_keep=state.memory_keep.index_select(0, indices),
            self_keys=pick(state.self_keys),
            self_values=pick(state.self_values),
            steps=state.steps,
            encoder_maps=[
                dataclasses.replace(m, weights=m.weights.index_select(0, indices))
                for m in state.encoder_maps
            ],
        )

    def _encode(
        self, src: Tensor, src_lens: Tensor, capture: bool
    ) -> tuple[Tensor, Tensor, list[Tensor]]:
        """-> memory (B, S, d), memory_keep (B, 1, 1, S), encoder weights per layer if captured."""
        if src_lens.min() < 1 or src_lens.max() > src.shape[1]:
            raise ValueError(
                f"src_lens must lie in 1..{src.shape[1]} (the padded source length); "
                f"got {src_lens.tolist()}"
            )
        memory_keep = sequence_mask(src_lens, src.shape[1])[:, None, None, :]
        memory, weights = self.encoder(self.source_embedding(src), memory_keep, capture)
        return memory, memory_keep, weights

    def _decode(
        self,
        x: Tensor,
        memory: list[tuple[Tensor, Tensor]],
        memory_keep: Tensor,
        self_keep: Tensor | None,
        past: list[tuple[Tensor, Tensor]] | None,
        capture: bool,
    ) -> tuple[Tensor, list[Tensor], list[Tensor], list[Tensor], list[Tensor]]:
        """Run the decoder stack on x (B, T, d) -> (normalised x, per-layer self keys and values,
        per-layer self and cross weights, empty unless captured)."""
        self_keys, self_values, self_weights, cross_weights = [], [], [], []
        for index, layer in enumerate(self.decoder_layers):
            memory_keys, memory_values = memory[index]
            out = layer(
                x,
                memory_keys,
                memory_values,
                memory_keep,
                self_keep,
                past[index] if past is not None else None,
                capture,
            )
            x = out.x
            self_keys.append(out.self_keys)
            self_values.append(out.self_values)
            if capture:
                self_weights.append(out.self_weights)
                cross_weights.append(out.cross_weights)
        return self.decoder_norm(x), self_keys, self_values, self_weights, cross_weights


def _maps(kind: str, weights: list[Tensor], query_side: str, key_side: str) -> list[CapturedMap]:
    return [
        CapturedMap(kind, layer, layer_weights, query_side, key_side)
        for layer, layer_weights in enumerate(weights)
    ]
