"""Pieces shared by the recurrent seq2seq families (rnn, bahdanau, luong): a packed embedding + GRU /
LSTM encoder (Cho et al. 2014; Sutskever et al. 2014), source reversal, a tanh bridge from encoder
to decoder states, the cross map of a decoding step, and teacher forcing by stepping the decoder
(for decoders whose every step depends on the previous one: Bahdanau et al. 2015, Luong et al. 2015
input feeding). The attention keys are prepared once per source by the scorer itself
(``Score.prepare_keys``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from core_models.models.base import PAD_ID, Seq2SeqModel, Seq2SeqOutput
from core_models.models.dropout import Dropout
from core_models.record import CapturedMap

CELLS = ("gru", "lstm")

# A GRU's state h, or an LSTM's (h, c); each (layers, batch, hidden).
Hidden = Tensor | tuple[Tensor, Tensor]


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a ValueError naming the config field and its valid choices."""
    if value not in choices:
        raise ValueError(f"unknown {field} '{value}'; choose one of {', '.join(choices)}")


def make_rnn(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    dropout: float,
    bidirectional: bool = False,
) -> nn.RNNBase:
    """A batch-first ``nn.GRU`` or ``nn.LSTM``; dropout only between layers (torch warns otherwise)."""
    check_choice("cell", cell, CELLS)
    rnn_class = nn.GRU if cell == "gru" else nn.LSTM
    return rnn_class(
        input_size,
        hidden_size,
        num_layers=num_layers,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
        batch_first=True,
    )


def check_lengths(src: Tensor, src_lens: Tensor) -> None:
    """src (B, S) ids, src_lens (B,): every length in 1..S, or a ValueError naming the row."""
    if src.dim() != 2 or src_lens.shape != (src.shape[0],):
        raise ValueError(
            f"expected src (batch, source_len) and src_lens (batch,); got src "
            f"{tuple(src.shape)} and src_lens {tuple(src_lens.shape)}"
        )
    bad = ((src_lens < 1) | (src_lens > src.shape[1])).nonzero()
    if len(bad):
        row = int(bad[0, 0])
        raise ValueError(
            f"src_lens[{row}] = {int(src_lens[row])} is outside 1..{src.shape[1]} "
            "(the padded source length)"
        )


def reverse_valid(src: Tensor, src_lens: Tensor) -> Tensor:
    """Reverse the first ``src_lens[b]`` positions of each row, leaving the padding where it is.

    src (B, S) ids or (B, S, H) states, src_lens (B,) -> the same shape. Sutskever et al. 2014
    feed the source backwards; attention models turn their encoder states back with it, so that
    attention weights still index the source in its own order.
    """
    check_lengths(src if src.dim() == 2 else src.flatten(2)[:, :, 0], src_lens)
    positions = torch.arange(src.shape[1], device=src.device).unsqueeze(0)  # (1, S)
    lens = src_lens.to(src.device).unsqueeze(1)  # (B, 1)
    index = torch.where(positions < lens, lens - 1 - positions, positions)  # (B, S)
    if src.dim() > 2:
        index = index.view(*index.shape, *[1] * (src.dim() - 2)).expand_as(src)
    return src.gather(1, index)


def encode_source(
    encoder: nn.Module, src: Tensor, src_lens: Tensor, reverse: bool
) -> tuple[Tensor, Hidden]:
    """The encoder's (B, S, D) outputs and final state; with ``reverse`` the encoder reads each
    source backwards (Sutskever et al. 2014) and its outputs come back in source order."""
    if not reverse:
        return encoder(src, src_lens)
    outputs, final = encoder(reverse_valid(src, src_lens), src_lens)
    return reverse_valid(outputs, src_lens), final


def map_hidden(hidden: Hidden, fn: Callable[[Tensor], Tensor]) -> Hidden:
    """Apply ``fn`` to h (GRU) or to each of (h, c) (LSTM)."""
    if isinstance(hidden, tuple):
        return tuple(fn(part) for part in hidden)
    return fn(hidden)


def top_layer(hidden: Hidden) -> Tensor:
    """The last layer's h: (layers, B, H) -> (B, H)."""
    return (hidden[0] if isinstance(hidden, tuple) else hidden)[-1]


def select_hidden(hidden: Hidden, indices: Tensor) -> Hidden:
    """Keep batch rows ``indices`` (B',) of every (layers, B, H) state."""
    return map_hidden(hidden, lambda part: part.index_select(1, indices))


class RecurrentEncoder(nn.Module):
    """Embedding + (bi)GRU / LSTM over packed sources, so padding never reaches a state."""

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        hidden_size: int,
        num_layers: int,
        dropout: float,
        cell: str,
        bidirectional: bool,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=PAD_ID)
        self.dropout = Dropout(dropout)
        self.rnn = make_rnn(cell, embed_size, hidden_size, num_layers, dropout, bidirectional)
        self.num_layers = num_layers
        self.directions = 2 if bidirectional else 1

    @property
    def output_size(self) -> int:
        return self.directions * self.rnn.hidden_size

    def forward(self, src: Tensor, src_lens: Tensor) -> tuple[Tensor, Hidden]:
        """src (B, S), src_lens (B,) -> outputs (B, S, D·H), exactly 0 on padding, and the final
        state of every layer with both directions concatenated, (layers, B, D·H) (h, or (h, c)).
        """
        check_lengths(src, src_lens)
        embedded = self.dropout(self.embedding(src))  # (B, S, E)
        packed = pack_padded_sequence(
            embedded, src_lens.cpu(), batch_first=True, enforce_sorted=False
        )
        packed_outputs, final = self.rnn(packed)
        outputs, _ = pad_packed_sequence(
            packed_outputs, batch_first=True, total_length=src.shape[1]
        )
        return outputs, map_hidden(final, self._join_directions)

    def _join_directions(self, state: Tensor) -> Tensor:
        """(layers·D, B, H) -> (layers, B, D·H)."""
        _, batch, hidden = state.shape
        state = state.view(self.num_layers, self.directions, batch, hidden)
        return state.permute(0, 2, 1, 3).reshape(self.num_layers, batch, self.directions * hidden)


class StateBridge(nn.Module):
    """Decoder's initial state from the encoder's final one: h0 = tanh(W_h h_enc) per layer
    (Bahdanau et al. 2015 App. A.2.2: s0 = tanh(W_s h1_backward)), and c0 = W_c c_enc for an LSTM."""

    def __init__(self, encoder_size: int, decoder_size: int, cell: str):
        super().__init__()
        self.hidden_proj = nn.Linear(encoder_size, decoder_size)
        self.cell_proj = nn.Linear(encoder_size, decoder_size) if cell == "lstm" else None

    def forward(self, final: Hidden) -> Hidden:
        """final (layers, B, encoder_size) h or (h, c) -> same layout with decoder_size."""
        if isinstance(final, tuple):
            hidden, cell = final
            return torch.tanh(self.hidden_proj(hidden)), self.cell_proj(cell)
        return torch.tanh(self.hidden_proj(final))


def cross_map(weights: Tensor) -> CapturedMap:
    """The decoder's attention over the source: weights (B, 1, T, S), row t produced target t."""
    return CapturedMap(
        kind="cross", layer=0, weights=weights, query_side="target", key_side="source"
    )


def step_through(
    model: Seq2SeqModel, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool
) -> Seq2SeqOutput:
    """Teacher forcing as a loop of ``decode_step``: src (B, S), tgt_in (B, T) -> logits (B, T, V);
    each captured map's step rows (B, heads, 1, S) are joined into (B, heads, T, S)."""
    state = model.encode(src, src_lens)
    logits, step_maps = [], []
    for t in range(tgt_in.shape[1]):
        step = model.decode_step(state, tgt_in[:, t], capture=capture)
        logits.append(step.logits)
        step_maps.append(step.maps)
        state = step.state
    maps = []
    if capture and step_maps:
        for index, first in enumerate(step_maps[0]):
            rows = torch.cat([maps_t[index].weights for maps_t in step_maps], dim=2)
            maps.append(
                CapturedMap(first.kind, first.layer, rows, first.query_side, first.key_side)
            )
    return Seq2SeqOutput(logits=torch.stack(logits, dim=1), maps=maps)
