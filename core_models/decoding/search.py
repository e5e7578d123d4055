"""Greedy and forced decoding (Sutskever et al. 2014 §3.2) through ``encode`` / ``decode_step`` (the
KV-cached path) with batch 1, and ``greedy_without_cache``, which re-runs ``forward`` on the whole
prefix at every step: the reference that incremental decoding must agree with.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from core_models.decoding.hypothesis import (
    Hypothesis,
    assemble_step_maps,
    check_positive,
    evaluating,
    make_hypothesis,
    source_tensors,
)
from core_models.models.base import BOS_ID, EOS_ID, Seq2SeqModel
from core_models.record import CapturedMap


def greedy(
    model: Seq2SeqModel,
    src_ids: list[int],
    max_len: int = 50,
    capture: bool = True,
    id_to_piece: Callable[[int], str] = str,
    top_k: int = 5,
) -> Hypothesis:
    """Pick the most probable token at every step until EOS or ``max_len`` tokens.

    src_ids: source ids including the trailing EOS.
    """
    check_positive("max_len", max_len)
    with evaluating(model):
        src, src_lens = source_tensors(model, src_ids)
        token_ids, log_probs, maps = _step_through(
            model, src, src_lens, capture, max_len, lambda _, row: int(row.argmax())
        )
        return make_hypothesis(token_ids, log_probs, maps, id_to_piece, top_k)


def forced(
    model: Seq2SeqModel,
    src_ids: list[int],
    tgt_ids: list[int],
    capture: bool = True,
    id_to_piece: Callable[[int], str] = str,
    top_k: int = 5,
) -> Hypothesis:
    """Feed the reference ``tgt_ids`` (without BOS; include EOS to score the ending) one step at a
    time: steps report the reference token's probability and the model's own top-k."""
    if not tgt_ids:
        raise ValueError("forced decoding needs a non-empty reference target (tgt_ids is empty)")
    with evaluating(model):
        src, src_lens = source_tensors(model, src_ids)
        token_ids, log_probs, maps = _step_through(
            model, src, src_lens, capture, len(tgt_ids), lambda t, _: tgt_ids[t], stop_at_eos=False
        )
        return make_hypothesis(token_ids, log_probs, maps, id_to_piece, top_k)


def greedy_without_cache(
    model: Seq2SeqModel,
    src_ids: list[int],
    max_len: int = 50,
    capture: bool = True,
    id_to_piece: Callable[[int], str] = str,
    top_k: int = 5,
) -> Hypothesis:
    """Reference greedy decoding: re-run ``forward`` on BOS + the whole prefix at every step (no
    decoder state, no KV cache). Its maps are those of the last ``forward``, which covers every step.
    """
    check_positive("max_len", max_len)
    with evaluating(model):
        src, src_lens = source_tensors(model, src_ids)
        prefix = torch.full((1, 1), BOS_ID, dtype=torch.long, device=src.device)
        token_ids, rows = [], []
        for _ in range(max_len):
            output = model.forward(src, src_lens, prefix, capture=capture)
            rows.append(output.logits[0, -1].float().log_softmax(-1))
            token_ids.append(int(rows[-1].argmax()))
            if token_ids[-1] == EOS_ID:
                break
            prefix = F.pad(prefix, (0, 1), value=token_ids[-1])
        return make_hypothesis(token_ids, torch.stack(rows), output.maps, id_to_piece, top_k)


def _step_through(
    model: Seq2SeqModel,
    src: Tensor,
    src_lens: Tensor,
    capture: bool,
    steps: int,
    choose: Callable[[int, Tensor], int],
    stop_at_eos: bool = True,
) -> tuple[list[int], Tensor, list[CapturedMap]]:
    """Decode one hypothesis; ``choose(step, log_probs (V,))`` gives each step's token.

    Returns the tokens, their steps' log-probabilities (T, V) and the maps: the source's own
    (``model.source_maps``) then each kind/layer's step rows joined (``assemble_step_maps``).
    """
    state = model.encode(src, src_lens, capture=capture)
    source_maps = model.source_maps(state)
    prev = torch.full((1,), BOS_ID, dtype=torch.long, device=src.device)
    token_ids, rows, step_maps = [], [], []
    for step in range(steps):
        output = model.decode_step(state, prev, capture=capture)
        row = output.logits[0].float().log_softmax(-1)
        token = choose(step, row)
        token_ids.append(token)
        rows.append(row)
        step_maps.append(output.maps)
        if stop_at_eos and token == EOS_ID:
            break
        state, prev = output.state, torch.full_like(prev, token)
    return token_ids, torch.stack(rows), source_maps + assemble_step_maps(step_maps)
