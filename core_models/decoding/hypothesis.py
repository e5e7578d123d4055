"""What every decoder returns: a ``Hypothesis`` (tokens, scores, steps, attention maps), its
attention record, and the helpers the decoders share (per-step maps joined into whole maps, the
source as tensors, evaluation mode).

Maps are kept per step as the model returned them (batch, heads, 1, keys) and joined once at the
end into (1, heads, steps, keys); a decoder self-attention row of step t has t + 1 keys and is
zero-padded on the future keys.

Only ``Hypothesis``, ``BOS_LABEL``, ``assemble_step_maps``, ``length_penalty_factor`` and
``record_for`` are the package's interface (``core_models.decoding``); the other helpers serve
search.py and beam.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from core_models.models.base import EOS_ID, Seq2SeqModel
from core_models.record import AttentionRecord, CapturedMap, StepInfo, build_record

# The display label of the BOS that starts the decoder input ("target_input" side of the record).
BOS_LABEL = "<bos>"


@dataclass
class Hypothesis:
    """One decoded target.

    token_ids: produced ids without BOS, ending with EOS when the hypothesis finished;
    score: sum of the tokens' log-probabilities; ranking_score: score / GNMT length penalty (beam
    search ranks by it; equal to score for greedy and forced decoding);
    steps: per token its piece, probability and the model's top-k;
    maps: every kind and layer, weights (1, heads, T, keys) for decoder maps (T = len(token_ids)),
    (1, heads, S, S) for encoder maps; decoder_self rows are exactly 0 on future keys;
    log_probs: (T, V) the model's log-probabilities at every step.
    """

    token_ids: list[int]
    score: float
    ranking_score: float
    steps: list[StepInfo]
    maps: list[CapturedMap]
    log_probs: Tensor

    @property
    def finished(self) -> bool:
        """True when the hypothesis ended with EOS (not cut off by max_len)."""
        return bool(self.token_ids) and self.token_ids[-1] == EOS_ID


def length_penalty_factor(length: int, alpha: float) -> float:
    """GNMT: lp(Y) = ((5 + |Y|) / 6)^alpha; alpha = 0 means no penalty."""
    return ((5.0 + length) / 6.0) ** alpha


def record_for(
    hypothesis: Hypothesis, source_pieces: list[str], target_pieces: list[str] | None = None
) -> AttentionRecord:
    """The attention record of a decoded hypothesis.

    Token labels: "source" = ``source_pieces`` (one per source id, the trailing EOS included);
    "target" = ``target_pieces`` (default: the hypothesis's step pieces), one per produced token,
    EOS included when it finished; "target_input" = [BOS_LABEL] + target[:-1], the decoder inputs.
    Rows of decoder maps are the steps; keys of decoder_self are the target inputs.
    """
    target = [step.token for step in hypothesis.steps] if target_pieces is None else target_pieces
    tokens = {
        "source": list(source_pieces),
        "target": list(target),
        "target_input": [BOS_LABEL, *target[:-1]],
        "context": [*source_pieces, *target[:-1]],  # a causal language model's keys
    }
    for captured in hypothesis.maps:
        _, _, queries, keys = captured.weights.shape
        for side, size in ((captured.query_side, queries), (captured.key_side, keys)):
            if side not in tokens:
                raise ValueError(
                    f"{captured.kind} map (layer {captured.layer}) is on side '{side}'; a decoded "
                    f"hypothesis has only {', '.join(tokens)}"
                )
            if len(tokens[side]) != size:
                raise ValueError(
                    f"{captured.kind} map (layer {captured.layer}) has {size} {side} positions but "
                    f"{len(tokens[side])} {side} pieces were given: {tokens[side]}"
                )
    return build_record(hypothesis.maps, 0, tokens, hypothesis.steps)


def assemble_step_maps(step_maps: list[list[CapturedMap]]) -> list[CapturedMap]:
    """Join every kind/layer's step rows (B, heads, 1, keys_t) into (B, heads, steps, max keys_t),
    zero-padding rows with fewer keys (decoder self-attention: step t sees t + 1 keys)."""
    if not step_maps:
        return []
    assembled = []
    for index, first in enumerate(step_maps[0]):
        rows = []
        for step, maps in enumerate(step_maps):
            if len(maps) != len(step_maps[0]) or (maps[index].kind, maps[index].layer) != (
                first.kind,
                first.layer,
            ):
                raise ValueError(
                    f"decode_step returned maps {_names(maps)} at step {step} but "
                    f"{_names(step_maps[0])} at step 0; every step must return the same maps"
                )
            rows.append(maps[index].weights)
        keys = max(row.shape[-1] for row in rows)
        rows = [F.pad(row, (0, keys - row.shape[-1])) for row in rows]
        joined = torch.cat(rows, dim=2)
        assembled.append(
            CapturedMap(first.kind, first.layer, joined, first.query_side, first.key_side)
        )
    return assembled


def _names(maps: list[CapturedMap]) -> list[str]:
    return [f"{m.kind}/{m.layer}" for m in maps]


def check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")


@contextmanager
def evaluating(model: Seq2SeqModel) -> Iterator[None]:
    """Eval mode and no autograd for the duration; the model's own mode is restored after."""
    was_training = model.training
    if was_training:  # eval() walks every submodule: skip it when there is nothing to switch
        model.eval()
    try:
        with torch.inference_mode():
            yield
    finally:
        if was_training:
            model.train()


def source_tensors(model: Seq2SeqModel, src_ids: list[int]) -> tuple[Tensor, Tensor]:
    """src_ids -> src (1, S), src_lens (1,) on the model's device."""
    if not src_ids:
        raise ValueError("src_ids is empty: a source needs at least its trailing EOS id")
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    src = torch.tensor([list(src_ids)], dtype=torch.long, device=device)
    return src, torch.tensor([len(src_ids)], dtype=torch.long, device=device)


def make_hypothesis(
    token_ids: list[int],
    log_probs: Tensor,
    maps: list[CapturedMap],
    id_to_piece: Callable[[int], str],
    top_k: int,
    length_penalty: float = 0.0,
    length_factor: Callable[[int, float], float] = length_penalty_factor,
) -> Hypothesis:
    """Score ``token_ids`` under their steps' log_probs (T, V) and name every step's top-k;
    rank them by score / ``length_factor(|Y|, length_penalty)`` (GNMT unless a model has its
    own rule, ``beam_search``)."""
    ids = torch.tensor(token_ids, dtype=torch.long, device=log_probs.device)
    chosen = log_probs.gather(1, ids.unsqueeze(1)).squeeze(1).tolist()
    # top-k of the log-probabilities, then exp of those alone (not a second (T, V) tensor)
    top_log_probs, top_ids = log_probs.topk(max(0, min(top_k, log_probs.shape[1])), dim=1)
    top_probs = top_log_probs.exp()
    steps = [
        StepInfo(
            token=id_to_piece(token_id),
            token_id=token_id,
            prob=math.exp(log_prob),
            top_k=[(id_to_piece(i), p) for i, p in zip(row_ids, row_probs, strict=True)],
        )
        for token_id, log_prob, row_ids, row_probs in zip(
            token_ids, chosen, top_ids.tolist(), top_probs.tolist(), strict=True
        )
    ]
    score = sum(chosen)
    return Hypothesis(
        token_ids=list(token_ids),
        score=score,
        ranking_score=score / length_factor(len(token_ids), length_penalty),
        steps=steps,
        maps=maps,
        log_probs=log_probs,
    )
