"""Bi-LSTM encoder, LSTM decoder with input feeding and global / local, soft / hard attention
(Luong et al. 2015): h_t = LSTM([y_{t-1}; h~_{t-1}]), a_t = align(h_t, h̄_s) (eq. 7, scores dot /
general / concat of eq. 8 and location of §3.1, or additive / scaled dot to compare; local-m /
local-p windows of §3.2), c_t = Σ_s a_ts h̄_s,
h~_t = tanh(W_c [c_t; h_t]) (eq. 5), p(y_t) = softmax(W_s h~_t) (eq. 6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn

from core_models.attention import (
    LOCAL_MODES,
    SCORE_NAMES,
    LocalWindow,
    hard_attention,
    make_score,
    masked_softmax,
    sequence_mask,
)
from core_models.models.base import PAD_ID, ModelConfig, Seq2SeqModel, Seq2SeqOutput, StepOutput
from core_models.models.dropout import Dropout
from core_models.models.recurrent import (
    RecurrentEncoder,
    StateBridge,
    check_choice,
    cross_map,
    encode_source,
    make_rnn,
    select_hidden,
    step_through,
)

LUONG_SCORES = SCORE_NAMES
ATTENTION_TYPES = ("global", *LOCAL_MODES)


@dataclass
class LuongConfig(ModelConfig):
    src_vocab_size: int = 1000
    tgt_vocab_size: int = 1000
    embed_size: int = 64
    hidden_size: int = 128  # per encoder direction, and the decoder's
    num_layers: int = 2
    dropout: float = 0.2
    score: str = (
        "general"  # one of SCORE_NAMES: "dot", "general", "concat" (eq. 8), "location", ...
    )
    max_len: int = 0  # longest source in tokens, EOS included (0: any); "location" needs it
    attention_type: str = "global"  # "global", "local-m" or "local-p" (§3.2)
    window: int = 5  # local attention half-width D: positions |s - p_t| <= D
    hard: bool = False  # one-hot attention (straight-through Gumbel-softmax when training)
    reverse_source: bool = False  # the encoder reads each source backwards (Sutskever et al.)

    def __post_init__(self) -> None:
        check_choice("score", self.score, LUONG_SCORES)
        check_choice("attention_type", self.attention_type, ATTENTION_TYPES)
        if self.window < 0:
            raise ValueError(f"window (local attention D) must be >= 0, got {self.window}")
        if self.max_len < 0 or (self.score == "location" and self.max_len < 1):
            raise ValueError(
                f"max_len (the longest source in tokens, EOS included) must be >= 1 for score "
                f"'location' (it scores source positions 0..max_len-1), else >= 0; got {self.max_len}"
            )


@dataclass
class LuongState:
    """hidden: (h, c) each (layers, B, H); memory (B, S, H): the bridged encoder states h̄_s;
    keys (B, S, d): the scorer's prepared keys (``Score.prepare_keys``), computed once;
    src_lens (B,); attentional (B, H): h~_{t-1}, fed back with the next input; step: t."""

    hidden: tuple[Tensor, Tensor]
    memory: Tensor
    keys: Tensor
    src_lens: Tensor
    attentional: Tensor
    step: int


class LuongSeq2Seq(Seq2SeqModel):
    family = "luong"

    def __init__(self, config: LuongConfig):
        super().__init__()
        self.config = config
        size = config.hidden_size
        self.encoder = RecurrentEncoder(
            config.src_vocab_size,
            config.embed_size,
            size,
            config.num_layers,
            config.dropout,
            "lstm",
            bidirectional=True,
        )
        self.bridge = StateBridge(self.encoder.output_size, size, "lstm")
        self.memory_proj = nn.Linear(self.encoder.output_size, size, bias=False)
        self.attention_score = make_score(config.score, size, size, size, config.max_len)
        self.window = (
            LocalWindow(config.attention_type, config.window, size)
            if config.attention_type != "global"
            else None
        )
        self.embedding = nn.Embedding(config.tgt_vocab_size, config.embed_size, padding_idx=PAD_ID)
        self.dropout = Dropout(config.dropout)
        self.decoder = make_rnn(
            "lstm", config.embed_size + size, size, config.num_layers, config.dropout
        )
        self.combine = nn.Linear(2 * size, size, bias=False)  # W_c
        self.output = nn.Linear(size, config.tgt_vocab_size)  # W_s
        # core_models.explain's attention editing: a function of the step's weights (B, 1, 1, S)
        self.cross_edit: Callable[[Tensor], Tensor] | None = None

    def forward(
        self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False
    ) -> Seq2SeqOutput:
        """src (B, S), src_lens (B,), tgt_in (B, T) -> logits (B, T, V); with capture, one
        ``cross`` map (B, 1, T, S)."""
        return step_through(self, src, src_lens, tgt_in, capture)

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> LuongState:
        """src (B, S), src_lens (B,) -> the decoder's initial state (``capture``: no encoder maps)."""
        outputs, final = encode_source(
            self.encoder, src, src_lens, self.config.reverse_source
        )  # (B, S, 2H), (layers, B, 2H) x2
        hidden = self.bridge(final)
        memory = self.memory_proj(outputs)  # bias-free: padding rows stay 0
        return LuongState(
            hidden=hidden,
            memory=memory,
            keys=self.attention_score.prepare_keys(memory),
            src_lens=src_lens.to(memory.device),
            attentional=torch.zeros_like(hidden[0][-1]),
            step=0,
        )

    def align(self, query: Tensor, keys: Tensor, src_lens: Tensor, step: int) -> Tensor:
        """a_t: query (B, 1, H) = h_t, prepared keys (B, S, d) -> weights (B, 1, S), rows
        summing to 1 over the valid source (inside the window if local), exactly 0 elsewhere."""
        scores = self.attention_score.score_prepared(query, keys)  # (B, 1, S)
        num_keys = keys.shape[1]
        if self.window is None:
            keep = sequence_mask(src_lens, num_keys).unsqueeze(1)  # (B, 1, S)
        else:
            steps = torch.tensor([step], device=query.device)
            keep, log_prior, _ = self.window(query, steps, src_lens, num_keys)
            if log_prior is not None:
                scores = scores + log_prior
        if self.config.hard:
            return hard_attention(scores, keep, self.training)
        return masked_softmax(scores, keep=keep)

    def decode_step(
        self, state: LuongState, prev_tokens: Tensor, capture: bool = False
    ) -> StepOutput:
        """prev_tokens (B,) -> logits (B, V); with capture, the step's ``cross`` row (B, 1, 1, S)."""
        embedded = self.dropout(self.embedding(prev_tokens))  # (B, E)
        inputs = torch.cat([embedded, state.attentional], dim=-1).unsqueeze(1)  # input feeding
        output, hidden = self.decoder(inputs, state.hidden)  # (B, 1, H)
        weights = self.align(output, state.keys, state.src_lens, state.step)  # (B, 1, S)
        if self.cross_edit is not None:
            weights = self.cross_edit(weights.unsqueeze(1)).squeeze(1)
        context = torch.bmm(weights, state.memory)  # (B, 1, H)
        attentional = torch.tanh(self.combine(torch.cat([context, output], dim=-1))).squeeze(1)
        attentional = self.dropout(attentional)  # h~_t, (B, H)
        logits = self.output(attentional)
        maps = [cross_map(weights.unsqueeze(1))] if capture else []
        new_state = replace(state, hidden=hidden, attentional=attentional, step=state.step + 1)
        return StepOutput(logits=logits, state=new_state, maps=maps)

    def reorder_state(self, state: LuongState, indices: Tensor) -> LuongState:
        return LuongState(
            hidden=select_hidden(state.hidden, indices),
            memory=state.memory.index_select(0, indices),
            keys=state.keys.index_select(0, indices),
            src_lens=state.src_lens.index_select(0, indices),
            attentional=state.attentional.index_select(0, indices),
            step=state.step,
        )
