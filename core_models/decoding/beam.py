"""Beam search (Sutskever et al. 2014 §3.2) with the GNMT length penalty (Wu et al. 2016 eq. 14),
keeping the whole beam tree: every step's hypotheses, their parents and attention rows, so that any
partial hypothesis can be shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from core_models.decoding.hypothesis import (
    Hypothesis,
    assemble_step_maps,
    check_positive,
    evaluating,
    length_penalty_factor,
    make_hypothesis,
    source_tensors,
)
from core_models.models.base import BOS_ID, EOS_ID, Seq2SeqModel
from core_models.record import CapturedMap


@dataclass
class BeamNode:
    """One hypothesis kept at one step of the beam (a node of the beam tree).

    parent: index into ``history[step - 1]`` (-1 at step 0); log_prob: this token's log-probability;
    score: the cumulative log-probability of the hypothesis ending here; finished: token is EOS;
    maps: this step's attention rows (1, heads, 1, keys); distribution: (V,) log-probabilities of
    every token at this step, given the parent hypothesis.
    """

    step: int
    parent: int
    token_id: int
    token: str
    log_prob: float
    score: float
    finished: bool
    maps: list[CapturedMap]
    distribution: Tensor = field(repr=False)


@dataclass
class BeamResult:
    """The best hypothesis, every finished one (best first) and the beam tree, step by step;
    ``partial(*best_node)`` is ``best``."""

    best: Hypothesis
    best_node: tuple[int, int]  # (step, index) in history of the best hypothesis's last token
    finished: list[Hypothesis]
    history: list[list[BeamNode]]
    source_maps: list[CapturedMap] = field(repr=False)
    length_penalty: float
    id_to_piece: Callable[[int], str] = field(repr=False)
    top_k: int
    length_factor: Callable[[int, float], float] = field(default=length_penalty_factor, repr=False)

    def partial(self, step: int, index: int) -> Hypothesis:
        """The hypothesis ending at node ``history[step][index]``, with its steps and maps."""
        return _path_hypothesis(
            self.history,
            step,
            index,
            self.source_maps,
            self.id_to_piece,
            self.top_k,
            self.length_penalty,
            self.length_factor,
        )


def beam_search(
    model: Seq2SeqModel,
    src_ids: list[int],
    width: int = 5,
    length_penalty: float = 1.0,
    max_len: int = 50,
    capture: bool = True,
    id_to_piece: Callable[[int], str] = str,
    top_k: int = 5,
) -> BeamResult:
    """Keep the ``width`` best unfinished hypotheses (by summed log-probability) at every step.

    A candidate ending in EOS among the step's ``width`` best finishes; the search stops when
    ``width`` hypotheses have finished, when no unfinished one can still outrank the best finished
    one, or after ``max_len`` tokens. Finished hypotheses are ranked by score / lp (GNMT,
    alpha = ``length_penalty``, |Y| counting EOS, or the model's own ``length_factor(|Y|, alpha)``
    where it has one: a Hugging Face model ranks as its ``generate`` does); ``best`` is the top
    finished one, or, when none finished within ``max_len``, the best cut-off one.
    """
    check_positive("width", width)
    check_positive("max_len", max_len)
    if length_penalty < 0:
        raise ValueError(f"length_penalty must be >= 0 (GNMT alpha); got {length_penalty}")
    factor = getattr(model, "length_factor", length_penalty_factor)
    with evaluating(model):
        src, src_lens = source_tensors(model, src_ids)
        history, source_maps = _beam_history(
            model, src, src_lens, width, length_penalty, max_len, capture, id_to_piece
        )

        def hypothesis_at(step: int, index: int) -> Hypothesis:
            return _path_hypothesis(
                history, step, index, source_maps, id_to_piece, top_k, length_penalty, factor
            )

        ends = _ends(history, width, max_len, getattr(model, "ranks_cut_off", False))
        hypotheses = [hypothesis_at(*end) for end in ends]
        order = sorted(range(len(ends)), key=lambda i: hypotheses[i].ranking_score, reverse=True)
        best = hypotheses[order[0]]
        finished = [hypotheses[i] for i in order] if best.finished else []
        return BeamResult(
            best,
            ends[order[0]],
            finished,
            history,
            source_maps,
            length_penalty,
            id_to_piece,
            top_k,
            factor,
        )


def _ends(
    history: list[list[BeamNode]], width: int, max_len: int, ranks_cut_off: bool
) -> list[tuple[int, int]]:
    """The (step, index) of every hypothesis the beam ranks: each finished one; the best one cut
    off by ``max_len`` when none finished; with ``ranks_cut_off`` (as Hugging Face's
    ``generate`` does) every unfinished one among the last step's ``width`` best candidates,
    when the beam ran to ``max_len``."""
    ends = [
        (step, index)
        for step, nodes in enumerate(history)
        for index, node in enumerate(nodes)
        if node.finished
    ]
    last, step = history[-1], len(history) - 1
    if ranks_cut_off and len(history) == max_len:  # a step's nodes are in candidate rank order
        ends += [(step, i) for i in range(min(width, len(last))) if not last[i].finished]
    if not ends:  # cut off by max_len: the last step's hypotheses all have max_len tokens
        ends = [(step, max(range(len(last)), key=lambda i: last[i].score))]
    return ends


def _beam_history(
    model: Seq2SeqModel,
    src: Tensor,
    src_lens: Tensor,
    width: int,
    alpha: float,
    max_len: int,
    capture: bool,
    id_to_piece: Callable[[int], str],
) -> tuple[list[list[BeamNode]], list[CapturedMap]]:
    """Run the beam; returns the nodes kept at every step (see ``beam_search``) and the source's
    own maps (``model.source_maps``). One loop over decoding steps that owns the beam's state
    (rows, scores, parents, the best finished score): longer than 60 lines, since split up that
    state would travel between functions on every step."""
    state = model.encode(src, src_lens, capture=capture)
    source_maps = model.source_maps(state)
    prev = torch.full((1,), BOS_ID, dtype=torch.long, device=src.device)
    cumulative = torch.zeros(1, device=src.device)  # (rows,) summed log-probs of each live row
    parents = [-1]  # the history[step - 1] index each row continues
    history: list[list[BeamNode]] = []
    best_finished = -math.inf  # best ranking score among finished hypotheses
    factor = getattr(model, "length_factor", length_penalty_factor)
    finished_count = 0
    for step in range(max_len):
        output = model.decode_step(state, prev, capture=capture)
        log_probs = output.logits.float().log_softmax(-1)  # (rows, V)
        vocab = log_probs.shape[1]
        candidates = (cumulative.unsqueeze(1) + log_probs).view(-1)
        scores, flat = candidates.topk(min(2 * width, candidates.numel()))
        token_log_probs = log_probs.view(-1)[flat].tolist()
        row_maps: dict[int, list[CapturedMap]] = {}
        nodes, live_rows, live_tokens, live_scores = [], [], [], []
        for rank, (score, index, log_prob) in enumerate(
            zip(scores.tolist(), flat.tolist(), token_log_probs, strict=True)
        ):
            row, token = divmod(index, vocab)
            is_eos = token == EOS_ID
            if (is_eos and rank >= width) or (not is_eos and len(live_rows) == width):
                continue
            if row not in row_maps:
                row_maps[row] = [_row_map(m, row) for m in output.maps]
            nodes.append(
                BeamNode(
                    step,
                    parents[row],
                    token,
                    id_to_piece(token),
                    log_prob,
                    score,
                    is_eos,
                    row_maps[row],
                    log_probs[row],
                )
            )
            if is_eos:
                finished_count += 1
                best_finished = max(best_finished, score / factor(step + 1, alpha))
            else:
                live_rows.append(row)
                live_tokens.append(token)
                live_scores.append(score)
        history.append(nodes)
        # A live hypothesis's ranking score can at best reach its score / lp(max_len).
        if (
            finished_count >= width
            or not live_rows
            or live_scores[0] / factor(max_len, alpha) <= best_finished
        ):
            break
        indices = torch.tensor(live_rows, dtype=torch.long, device=src.device)
        state = model.reorder_state(output.state, indices)
        prev = torch.tensor(live_tokens, dtype=torch.long, device=src.device)
        cumulative = torch.tensor(live_scores, device=src.device)
        parents = [i for i, node in enumerate(nodes) if not node.finished]
    return history, source_maps


def _path_hypothesis(
    history: list[list[BeamNode]],
    step: int,
    index: int,
    source_maps: list[CapturedMap],
    id_to_piece: Callable[[int], str],
    top_k: int,
    length_penalty: float,
    length_factor: Callable[[int, float], float] = length_penalty_factor,
) -> Hypothesis:
    """The hypothesis ending at node ``history[step][index]``: its path back to step 0."""
    if not 0 <= step < len(history) or not 0 <= index < len(history[step]):
        raise IndexError(
            f"no beam node ({step}, {index}); the beam kept "
            f"{[len(nodes) for nodes in history]} nodes at its {len(history)} steps"
        )
    path = []
    while index >= 0:
        node = history[step][index]
        path.append(node)
        index, step = node.parent, step - 1
    path.reverse()
    return make_hypothesis(
        [node.token_id for node in path],
        torch.stack([node.distribution for node in path]),
        source_maps + assemble_step_maps([node.maps for node in path]),
        id_to_piece,
        top_k,
        length_penalty,
        length_factor,
    )


def _row_map(captured: CapturedMap, row: int) -> CapturedMap:
    """Batch row ``row`` of a step map: (1, heads, 1, keys)."""
    return CapturedMap(
        captured.kind,
        captured.layer,
        captured.weights[row : row + 1],
        captured.query_side,
        captured.key_side,
    )
