"""GRU encoder-decoder with additive attention (Bahdanau et al. 2015, §3 and App. A): at step t the
previous decoder state s_{t-1} scores every encoder state h_j, e_tj = v · tanh(W s_{t-1} + U h_j),
the masked softmax gives a_t, the context c_t = Σ_j a_tj h_j joins the input y_{t-1}, and
p(y_t) = softmax(W_o [s_t; c_t; y_{t-1}]).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn

from core_models.attention import make_score, masked_softmax
from core_models.models.base import PAD_ID, ModelConfig, Seq2SeqModel, Seq2SeqOutput, StepOutput
from core_models.models.dropout import Dropout
from core_models.models.recurrent import (
    RecurrentEncoder,
    StateBridge,
    cross_map,
    encode_source,
    make_rnn,
    select_hidden,
    step_through,
)


@dataclass
class BahdanauConfig(ModelConfig):
    src_vocab_size: int = 1000
    tgt_vocab_size: int = 1000
    embed_size: int = 64
    hidden_size: int = 128  # per encoder direction, and the decoder's
    num_layers: int = 1
    dropout: float = 0.1
    bidirectional: bool = True  # the paper's encoder reads the source both ways
    reverse_source: bool = False  # the encoder reads each source backwards (Sutskever et al.)


@dataclass
class BahdanauState:
    """hidden (layers, B, H): s_{t-1}; memory (B, S, D·H): the encoder states, 0 on padding;
    keys (B, S, H): U h_j, the scorer's prepared keys, computed once; src_lens (B,)."""

    hidden: Tensor
    memory: Tensor
    keys: Tensor
    src_lens: Tensor


class BahdanauSeq2Seq(Seq2SeqModel):
    family = "bahdanau"

    def __init__(self, config: BahdanauConfig):
        super().__init__()
        self.config = config
        self.encoder = RecurrentEncoder(
            config.src_vocab_size,
            config.embed_size,
            config.hidden_size,
            config.num_layers,
            config.dropout,
            "gru",
            config.bidirectional,
        )
        memory_size = self.encoder.output_size
        self.bridge = StateBridge(memory_size, config.hidden_size, "gru")
        self.attention_score = make_score(
            "additive", config.hidden_size, memory_size, config.hidden_size
        )
        self.embedding = nn.Embedding(config.tgt_vocab_size, config.embed_size, padding_idx=PAD_ID)
        self.dropout = Dropout(config.dropout)
        self.decoder = make_rnn(
            "gru",
            config.embed_size + memory_size,
            config.hidden_size,
            config.num_layers,
            config.dropout,
        )
        self.output = nn.Linear(
            config.hidden_size + memory_size + config.embed_size, config.tgt_vocab_size
        )
        # core_models.explain's attention editing: a function of the step's weights (B, 1, 1, S)
        self.cross_edit: Callable[[Tensor], Tensor] | None = None

    def forward(
        self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False
    ) -> Seq2SeqOutput:
        """src (B, S), src_lens (B,), tgt_in (B, T) -> logits (B, T, V); with capture, one
        ``cross`` map (B, 1, T, S)."""
        return step_through(self, src, src_lens, tgt_in, capture)

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> BahdanauState:
        """src (B, S), src_lens (B,) -> the decoder's initial state (``capture``: no encoder maps)."""
        memory, final = encode_source(self.encoder, src, src_lens, self.config.reverse_source)
        return BahdanauState(
            hidden=self.bridge(final),
            memory=memory,
            keys=self.attention_score.prepare_keys(memory),
            src_lens=src_lens.to(memory.device),
        )

    def decode_step(
        self, state: BahdanauState, prev_tokens: Tensor, capture: bool = False
    ) -> StepOutput:
        """prev_tokens (B,) -> logits (B, V); with capture, the step's ``cross`` row (B, 1, 1, S)."""
        query = state.hidden[-1].unsqueeze(1)  # (B, 1, H): s_{t-1}
        scores = self.attention_score.score_prepared(query, state.keys)  # (B, 1, S)
        weights = masked_softmax(scores, valid_lens=state.src_lens)  # (B, 1, S)
        if self.cross_edit is not None:
            weights = self.cross_edit(weights.unsqueeze(1)).squeeze(1)
        context = torch.bmm(weights, state.memory)  # (B, 1, D·H)
        embedded = self.dropout(self.embedding(prev_tokens.unsqueeze(1)))  # (B, 1, E)
        output, hidden = self.decoder(torch.cat([embedded, context], dim=-1), state.hidden)
        features = torch.cat([output, context, embedded], dim=-1).squeeze(1)
        logits = self.output(self.dropout(features))
        maps = [cross_map(weights.unsqueeze(1))] if capture else []
        new_state = replace(state, hidden=hidden)
        return StepOutput(logits=logits, state=new_state, maps=maps)

    def reorder_state(self, state: BahdanauState, indices: Tensor) -> BahdanauState:
        return BahdanauState(
            hidden=select_hidden(state.hidden, indices),
            memory=state.memory.index_select(0, indices),
            keys=state.keys.index_select(0, indices),
            src_lens=state.src_lens.index_select(0, indices),
        )
