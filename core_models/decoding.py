"""Greedy, beam (Sutskever et al. 2014 §3.2; GNMT length penalty, Wu et al. 2016 eq. 14) and forced
decoding for every ``Seq2SeqModel``, each returning the tokens, step scores and attention maps that
an ``AttentionRecord`` needs.

All three drive ``encode`` / ``decode_step`` (the KV-cached path) with batch 1, or the beam's width;
``greedy_without_cache`` re-runs ``forward`` on the whole prefix at every step, the reference that
incremental decoding must agree with. Maps are kept per step as the model returned them
(batch, heads, 1, keys) and joined once at the end into (1, heads, steps, keys); a decoder
self-attention row of step t has t + 1 keys and is zero-padded on the future keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor

from core_models.models.base import BOS_ID, EOS_ID, Seq2SeqModel
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
        )


def length_penalty_factor(length: int, alpha: float) -> float:
    """GNMT: lp(Y) = ((5 + |Y|) / 6)^alpha; alpha = 0 means no penalty."""
    return ((5.0 + length) / 6.0) ** alpha


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
    _check_positive("max_len", max_len)
    with _evaluating(model):
        src, src_lens = _source_tensors(model, src_ids)
        token_ids, log_probs, maps = _step_through(
            model, src, src_lens, capture, max_len, lambda _, row: int(row.argmax())
        )
        return _hypothesis(token_ids, log_probs, maps, id_to_piece, top_k)


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
    with _evaluating(model):
        src, src_lens = _source_tensors(model, src_ids)
        token_ids, log_probs, maps = _step_through(
            model, src, src_lens, capture, len(tgt_ids), lambda t, _: tgt_ids[t], stop_at_eos=False
        )
        return _hypothesis(token_ids, log_probs, maps, id_to_piece, top_k)


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
    _check_positive("max_len", max_len)
    with _evaluating(model):
        src, src_lens = _source_tensors(model, src_ids)
        prefix = torch.full((1, 1), BOS_ID, dtype=torch.long, device=src.device)
        token_ids, rows = [], []
        for _ in range(max_len):
            output = model.forward(src, src_lens, prefix, capture=capture)
            rows.append(output.logits[0, -1].float().log_softmax(-1))
            token_ids.append(int(rows[-1].argmax()))
            if token_ids[-1] == EOS_ID:
                break
            prefix = F.pad(prefix, (0, 1), value=token_ids[-1])
        return _hypothesis(token_ids, torch.stack(rows), output.maps, id_to_piece, top_k)


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
    alpha = ``length_penalty``, |Y| counting EOS); ``best`` is the top finished one, or, when none
    finished within ``max_len``, the best cut-off one.
    """
    _check_positive("width", width)
    _check_positive("max_len", max_len)
    if length_penalty < 0:
        raise ValueError(f"length_penalty must be >= 0 (GNMT alpha); got {length_penalty}")
    with _evaluating(model):
        src, src_lens = _source_tensors(model, src_ids)
        history, source_maps = _beam_history(
            model, src, src_lens, width, length_penalty, max_len, capture, id_to_piece
        )

        def hypothesis_at(step: int, index: int) -> Hypothesis:
            return _path_hypothesis(
                history, step, index, source_maps, id_to_piece, top_k, length_penalty
            )

        ends = [
            (step, index)
            for step, nodes in enumerate(history)
            for index, node in enumerate(nodes)
            if node.finished
        ]
        if not ends:  # cut off by max_len: the last step's hypotheses all have max_len tokens
            last = history[-1]
            ends = [(len(history) - 1, max(range(len(last)), key=lambda i: last[i].score))]
        hypotheses = [hypothesis_at(*end) for end in ends]
        order = sorted(range(len(ends)), key=lambda i: hypotheses[i].ranking_score, reverse=True)
        best = hypotheses[order[0]]
        finished = [hypotheses[i] for i in order] if best.finished else []
        return BeamResult(
            best, ends[order[0]], finished, history, source_maps, length_penalty, id_to_piece, top_k
        )


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


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")


@contextmanager
def _evaluating(model: Seq2SeqModel) -> Iterator[None]:
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


def _source_tensors(model: Seq2SeqModel, src_ids: list[int]) -> tuple[Tensor, Tensor]:
    """src_ids -> src (1, S), src_lens (1,) on the model's device."""
    if not src_ids:
        raise ValueError("src_ids is empty: a source needs at least its trailing EOS id")
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    src = torch.tensor([list(src_ids)], dtype=torch.long, device=device)
    return src, torch.tensor([len(src_ids)], dtype=torch.long, device=device)


def _step_through(
    model: Seq2SeqModel,
    src: Tensor,
    src_lens: Tensor,
    capture: bool,
    steps: int,
    choose: Callable[[int, Tensor], int],
    stop_at_eos: bool = True,
) -> tuple[list[int], Tensor, list[list[CapturedMap]]]:
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


def _hypothesis(
    token_ids: list[int],
    log_probs: Tensor,
    maps: list[CapturedMap],
    id_to_piece: Callable[[int], str],
    top_k: int,
    length_penalty: float = 0.0,
) -> Hypothesis:
    """Score ``token_ids`` under their steps' log_probs (T, V) and name every step's top-k."""
    ids = torch.tensor(token_ids, dtype=torch.long, device=log_probs.device)
    chosen = log_probs.gather(1, ids.unsqueeze(1)).squeeze(1).tolist()
    top_probs, top_ids = log_probs.exp().topk(max(0, min(top_k, log_probs.shape[1])), dim=1)
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
        ranking_score=score / length_penalty_factor(len(token_ids), length_penalty),
        steps=steps,
        maps=maps,
        log_probs=log_probs,
    )


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
    own maps (``model.source_maps``)."""
    state = model.encode(src, src_lens, capture=capture)
    source_maps = model.source_maps(state)
    prev = torch.full((1,), BOS_ID, dtype=torch.long, device=src.device)
    cumulative = torch.zeros(1, device=src.device)  # (rows,) summed log-probs of each live row
    parents = [-1]  # the history[step - 1] index each row continues
    history: list[list[BeamNode]] = []
    best_finished = -math.inf  # best ranking score among finished hypotheses
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
                best_finished = max(best_finished, score / length_penalty_factor(step + 1, alpha))
            else:
                live_rows.append(row)
                live_tokens.append(token)
                live_scores.append(score)
        history.append(nodes)
        # A live hypothesis's ranking score can at best reach its score / lp(max_len).
        if (
            finished_count >= width
            or not live_rows
            or live_scores[0] / length_penalty_factor(max_len, alpha) <= best_finished
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
    return _hypothesis(
        [node.token_id for node in path],
        torch.stack([node.distribution for node in path]),
        source_maps + assemble_step_maps([node.maps for node in path]),
        id_to_piece,
        top_k,
        length_penalty,
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
