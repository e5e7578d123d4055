"""RNN encoder-decoder with a fixed context vector, no attention (Sutskever et al. 2014; Cho et al.
2014): the encoder's final state starts the decoder and, as c, is fed with every input embedding
(d2l.ai §10.7 Seq2SeqDecoder). The baseline that attention improves on, so it captures no maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core_models.models.base import PAD_ID, ModelConfig, Seq2SeqModel, Seq2SeqOutput, StepOutput
from core_models.models.dropout import Dropout
from core_models.models.recurrent import (
    CELLS,
    Hidden,
    RecurrentEncoder,
    check_choice,
    make_rnn,
    reverse_valid,
    select_hidden,
    top_layer,
)


@dataclass
class RNNConfig(ModelConfig):
    src_vocab_size: int = 1000
    tgt_vocab_size: int = 1000
    embed_size: int = 64
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.1
    cell: str = "gru"  # "gru" or "lstm"
    reverse_source: bool = False  # feed each source backwards, padding left in place (Sutskever)

    def __post_init__(self) -> None:
        check_choice("cell", self.cell, CELLS)


@dataclass
class RNNState:
    """hidden: the decoder state (layers, B, H) (h, or (h, c)); context: (B, H) the encoder's
    final top-layer h, the same at every step."""

    hidden: Hidden
    context: Tensor


class RNNSeq2Seq(Seq2SeqModel):
    """Encoder and decoder of the same cell, size and depth; the decoder input is [y_{t-1}; c]."""

    family = "rnn"

    def __init__(self, config: RNNConfig):
        super().__init__()
        self.config = config
        self.encoder = RecurrentEncoder(
            config.src_vocab_size,
            config.embed_size,
            config.hidden_size,
            config.num_layers,
            config.dropout,
            config.cell,
            bidirectional=False,
        )
        self.embedding = nn.Embedding(config.tgt_vocab_size, config.embed_size, padding_idx=PAD_ID)
        self.dropout = Dropout(config.dropout)
        self.decoder = make_rnn(
            config.cell,
            config.embed_size + config.hidden_size,
            config.hidden_size,
            config.num_layers,
            config.dropout,
        )
        self.output = nn.Linear(config.hidden_size, config.tgt_vocab_size)

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> RNNState:
        """src (B, S), src_lens (B,) -> the decoder's initial state (``capture``: no encoder maps)."""
        if self.config.reverse_source:
            src = reverse_valid(src, src_lens)
        _, final = self.encoder(src, src_lens)
        return RNNState(hidden=final, context=top_layer(final))

    def _decode(self, state: RNNState, tokens: Tensor) -> tuple[Tensor, RNNState]:
        """tokens (B, T) -> logits (B, T, V) and the state after the last token."""
        embedded = self.dropout(self.embedding(tokens))  # (B, T, E)
        context = state.context.unsqueeze(1).expand(-1, tokens.shape[1], -1)  # (B, T, H)
        outputs, hidden = self.decoder(torch.cat([embedded, context], dim=-1), state.hidden)
        logits = self.output(self.dropout(outputs))
        return logits, RNNState(hidden=hidden, context=state.context)

    def forward(
        self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False
    ) -> Seq2SeqOutput:
        """src (B, S), src_lens (B,), tgt_in (B, T) -> logits (B, T, V); maps always empty."""
        logits, _ = self._decode(self.encode(src, src_lens), tgt_in)
        return Seq2SeqOutput(logits=logits, maps=[])

    def decode_step(
        self, state: RNNState, prev_tokens: Tensor, capture: bool = False
    ) -> StepOutput:
        """prev_tokens (B,) -> logits (B, V); no maps: this model has no attention."""
        logits, state = self._decode(state, prev_tokens.unsqueeze(1))
        return StepOutput(logits=logits.squeeze(1), state=state, maps=[])

    def reorder_state(self, state: RNNState, indices: Tensor) -> RNNState:
        return RNNState(
            hidden=select_hidden(state.hidden, indices),
            context=state.context.index_select(0, indices),
        )
