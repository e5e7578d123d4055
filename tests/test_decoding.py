"""Greedy, beam and forced decoding (core_models.decoding) on two test doubles that implement the
Seq2SeqModel interface for real, and on every registered translation family."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pytest
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core_models.attention.masking import causal_mask, masked_softmax, sequence_mask
from core_models.decoding import (
    BOS_LABEL,
    beam_search,
    forced,
    greedy,
    greedy_without_cache,
    length_penalty_factor,
    record_for,
)
from core_models.models.base import EOS_ID, Seq2SeqModel, Seq2SeqOutput, StepOutput
from core_models.models.registry import FAMILIES, build_model
from core_models.record import CapturedMap

VOCAB = 12
SOURCE = [6, 9, 7, 11, 8, EOS_ID]


def _map(kind: str, weights: Tensor, query_side: str, key_side: str) -> CapturedMap:
    return CapturedMap(kind, 0, weights, query_side, key_side)


@dataclass
class TinyState:
    """hidden (B, H); memory (B, S, H); memory_keep (B, 1, S); past (B, t, H) decoder states;
    encoder_weights (B, 2, S, S) when ``encode`` captured them."""

    hidden: Tensor
    memory: Tensor
    memory_keep: Tensor
    past: Tensor
    encoder_weights: Tensor | None


class TinyAttentionGRU(Seq2SeqModel):
    """GRU encoder with one self-attention layer; GRU-cell decoder with two-head dot attention over
    its own past states (decoder_self) and over the source (cross). ``forward`` computes every
    attention at once with causal / padding masks, ``decode_step`` one row at a time. EOS grows
    likelier by ``eos_per_step`` every step, so hypotheses end at different lengths."""

    family = "tiny"

    def __init__(self, hidden: int = 16, dropout: float = 0.3, eos_per_step: float = 0.5):
        super().__init__()
        self.eos_per_step = eos_per_step
        self.source_embedding = nn.Embedding(VOCAB, hidden)
        self.encoder = nn.GRU(hidden, hidden, batch_first=True)
        self.target_embedding = nn.Embedding(VOCAB, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(3 * hidden, VOCAB)

    @staticmethod
    def _attend(queries: Tensor, keys: Tensor, keep: Tensor) -> tuple[Tensor, Tensor]:
        """queries (B, Q, H), keys (B, K, H), keep (B, Q or 1, K) -> context (B, Q, H), weights
        (B, 2, Q, K): two heads, each on half of the features."""
        q = queries.unflatten(-1, (2, -1)).transpose(1, 2)  # (B, 2, Q, H/2)
        k = keys.unflatten(-1, (2, -1)).transpose(1, 2)
        weights = masked_softmax(q @ k.transpose(-2, -1), keep=keep.unsqueeze(1))
        return (weights @ k).transpose(1, 2).flatten(2), weights

    def _memory(self, src: Tensor, src_lens: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        outputs, _ = self.encoder(self.dropout(self.source_embedding(src)))
        keep = sequence_mask(src_lens, src.shape[1]).unsqueeze(1)  # (B, 1, S)
        attended, weights = self._attend(outputs, outputs, keep)
        return outputs + attended, keep, weights

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> TinyState:
        memory, keep, weights = self._memory(src, src_lens)
        hidden = memory.new_zeros(src.shape[0], memory.shape[2])
        past = memory.new_zeros(src.shape[0], 0, memory.shape[2])
        return TinyState(hidden, memory, keep, past, weights if capture else None)

    def source_maps(self, state: TinyState) -> list[CapturedMap]:
        if state.encoder_weights is None:
            return []
        return [_map("encoder_self", state.encoder_weights, "source", "source")]

    def _logits(self, states: Tensor, contexts: list[Tensor], steps: Tensor) -> Tensor:
        """states and contexts (B, [T,] H), steps ([T,] 1) -> logits (B, [T,] V)."""
        logits = self.output(self.dropout(torch.cat([states, *contexts], dim=-1)))
        eos = F.one_hot(torch.tensor(EOS_ID), VOCAB) * self.eos_per_step * (steps - 4)
        return logits + eos

    def decode_step(self, state: TinyState, prev_tokens: Tensor, capture: bool = False):
        hidden = self.cell(self.target_embedding(prev_tokens), state.hidden)
        past = torch.cat([state.past, hidden.unsqueeze(1)], dim=1)  # (B, t + 1, H)
        query = hidden.unsqueeze(1)
        self_context, self_weights = self._attend(
            query, past, torch.ones_like(past[:, None, :, 0], dtype=torch.bool)
        )
        cross_context, cross_weights = self._attend(query, state.memory, state.memory_keep)
        maps = []
        if capture:
            maps = [
                _map("decoder_self", self_weights, "target", "target_input"),
                _map("cross", cross_weights, "target", "source"),
            ]
        steps = torch.full((1,), past.shape[1] - 1.0)
        logits = self._logits(hidden, [self_context[:, 0], cross_context[:, 0]], steps)
        return StepOutput(logits, replace(state, hidden=hidden, past=past), maps)

    def forward(self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False):
        memory, memory_keep, encoder_weights = self._memory(src, src_lens)
        hidden = memory.new_zeros(src.shape[0], memory.shape[2])
        states = []
        for token in self.target_embedding(tgt_in).unbind(1):
            hidden = self.cell(token, hidden)
            states.append(hidden)
        states = torch.stack(states, dim=1)  # (B, T, H)
        length = tgt_in.shape[1]
        self_context, self_weights = self._attend(
            states, states, causal_mask(length, length).unsqueeze(0)
        )
        cross_context, cross_weights = self._attend(states, memory, memory_keep)
        maps = []
        if capture:
            maps = [
                _map("encoder_self", encoder_weights, "source", "source"),
                _map("decoder_self", self_weights, "target", "target_input"),
                _map("cross", cross_weights, "target", "source"),
            ]
        steps = torch.arange(length, dtype=torch.float).unsqueeze(1)
        return Seq2SeqOutput(self._logits(states, [self_context, cross_context], steps), maps)

    def reorder_state(self, state: TinyState, indices: Tensor) -> TinyState:
        return TinyState(
            *(
                None if part is None else part.index_select(0, indices)
                for part in vars(state).values()
            )
        )


class ScriptedModel(Seq2SeqModel):
    """Next-token probabilities looked up by the prefix produced so far: ``table[prefix]`` gives
    {token: probability}, the rest of the mass spread over every other token; unlisted prefixes
    use ``default``. Maps: uniform attention over the source (cross) and over the prefix
    (decoder_self)."""

    family = "scripted"

    def __init__(self, table: dict[tuple[int, ...], dict[int, float]], default: dict[int, float]):
        super().__init__()
        self.table, self.default = table, default

    def _logits(self, prefix: tuple[int, ...]) -> Tensor:
        listed = self.table.get(prefix, self.default)
        rest = (1.0 - sum(listed.values())) / (VOCAB - len(listed))
        probs = torch.full((VOCAB,), rest)
        for token, prob in listed.items():
            probs[token] = prob
        return probs.log()

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> tuple[Tensor, Tensor]:
        return src_lens, src.new_zeros(src.shape[0], 0)

    def decode_step(self, state, prev_tokens: Tensor, capture: bool = False) -> StepOutput:
        src_lens, prefix = state
        inputs = torch.cat([prefix, prev_tokens.unsqueeze(1)], dim=1)  # (B, t + 1) with BOS
        logits = torch.stack([self._logits(tuple(row[1:].tolist())) for row in inputs])
        batch, length = inputs.shape
        maps = []
        if capture:
            source_keys = int(src_lens.max())
            maps = [
                _map(
                    "decoder_self",
                    torch.full((batch, 1, 1, length), 1 / length),
                    "target",
                    "target_input",
                ),
                _map(
                    "cross",
                    torch.full((batch, 1, 1, source_keys), 1 / source_keys),
                    "target",
                    "source",
                ),
            ]
        return StepOutput(logits, (src_lens, inputs), maps)

    def forward(self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False):
        state, logits = self.encode(src, src_lens), []
        for token in tgt_in.unbind(1):
            step = self.decode_step(state, token)
            logits.append(step.logits)
            state = step.state
        return Seq2SeqOutput(torch.stack(logits, dim=1), [])

    def reorder_state(self, state, indices: Tensor):
        return tuple(part.index_select(0, indices) for part in state)


A, B, C, D = 4, 5, 6, 7
# Greedy takes A (0.55) then C (0.34) then EOS (0.9): p = 0.168; B then EOS has p = 0.38.
GREEDY_TRAP = ScriptedModel(
    {(): {A: 0.55, B: 0.40}, (A,): {C: 0.34, D: 0.33, EOS_ID: 0.30}, (B,): {EOS_ID: 0.95}},
    default={EOS_ID: 0.9},
)
NEVER_ENDS = ScriptedModel({}, default={A: 0.5, B: 0.3, EOS_ID: 1e-9})
# [EOS] has p = 0.3; [A, EOS] has p = 0.276: shorter by raw score, longer once length-penalised.
SHORT_OR_LONG = ScriptedModel({(): {EOS_ID: 0.3, A: 0.69}, (A,): {EOS_ID: 0.4}}, default={})


def tiny_model(seed: int = 0) -> TinyAttentionGRU:
    torch.manual_seed(seed)
    return TinyAttentionGRU()


def piece(token_id: int) -> str:
    return f"w{token_id}"


def maps_by_name(maps: list[CapturedMap]) -> dict[tuple[str, int], Tensor]:
    return {(m.kind, m.layer): m.weights for m in maps}


def assert_same_maps(actual: list[CapturedMap], expected: list[CapturedMap], atol: float = 0.0):
    actual_maps, expected_maps = maps_by_name(actual), maps_by_name(expected)
    assert actual_maps.keys() == expected_maps.keys()
    for name, weights in expected_maps.items():
        assert actual_maps[name].shape == weights.shape, name
        torch.testing.assert_close(actual_maps[name], weights, atol=atol, rtol=0, msg=str(name))


def assert_rows_are_distributions(maps: list[CapturedMap], steps: int, source_len: int):
    """Rows sum to 1 over valid keys; decoder self-attention is exactly 0 on future keys."""
    assert maps, "decoding captured no maps"
    for m in maps:
        batch, _, queries, keys = m.weights.shape
        assert batch == 1
        assert queries == (source_len if m.query_side == "source" else steps), m.kind
        assert keys == (steps if m.key_side == "target_input" else source_len), m.kind
        torch.testing.assert_close(m.weights.sum(-1), torch.ones(m.weights.shape[:-1]))
        if m.key_side == "target_input":
            future = ~causal_mask(queries, keys)
            assert torch.all(m.weights[..., future] == 0), f"{m.kind} {m.layer} sees the future"


@pytest.mark.parametrize(("seed", "max_len"), [(0, 12), (1, 12), (2, 4)])
def test_beam_of_width_one_is_greedy(seed, max_len):
    model = tiny_model(seed)
    source = SOURCE[seed:]
    expected = greedy(model, source, max_len=max_len)
    assert expected.finished == (max_len == 12)
    beam = beam_search(model, source, width=1, length_penalty=0.6, max_len=max_len)
    assert beam.best.token_ids == expected.token_ids
    assert beam.best.score == expected.score
    assert [s.prob for s in beam.best.steps] == [s.prob for s in expected.steps]
    assert_same_maps(beam.best.maps, expected.maps)


def test_beam_of_width_one_is_greedy_when_both_stop_at_eos():
    expected = greedy(GREEDY_TRAP, SOURCE)
    beam = beam_search(GREEDY_TRAP, SOURCE, width=1)
    assert expected.token_ids == [A, C, EOS_ID]
    assert beam.best.token_ids == expected.token_ids
    assert beam.best.score == expected.score
    assert_same_maps(beam.best.maps, expected.maps)


def test_forced_decoding_of_greedy_output_reproduces_its_maps_and_probabilities():
    model = tiny_model()
    decoded = greedy(model, SOURCE, max_len=10)
    replayed = forced(model, SOURCE, decoded.token_ids)
    assert replayed.token_ids == decoded.token_ids
    assert replayed.score == decoded.score
    assert [(s.token, s.prob, s.top_k) for s in replayed.steps] == [
        (s.token, s.prob, s.top_k) for s in decoded.steps
    ]
    assert_same_maps(replayed.maps, decoded.maps)


def test_forced_decoding_scores_the_reference_like_teacher_forced_forward():
    model = tiny_model()
    reference = [A, B, C, B, D, EOS_ID]
    result = forced(model, SOURCE, reference, id_to_piece=piece)
    src, src_lens = torch.tensor([SOURCE]), torch.tensor([len(SOURCE)])
    with torch.no_grad():
        model.eval()
        output = model(src, src_lens, torch.tensor([[2, *reference[:-1]]]), capture=True)
    expected = output.logits[0].log_softmax(-1)
    torch.testing.assert_close(result.log_probs, expected, atol=1e-5, rtol=0)
    for step, token, row in zip(result.steps, reference, expected, strict=True):
        assert step.token == piece(token)
        assert step.prob == pytest.approx(row[token].exp().item(), abs=1e-5)
        assert [p for p, _ in step.top_k] == [piece(i) for i in row.topk(5).indices.tolist()]
    assert result.score == pytest.approx(
        sum(row[t].item() for t, row in zip(reference, expected, strict=True))
    )
    assert_same_maps(result.maps, output.maps, atol=1e-5)


def test_beam_search_finds_the_better_hypothesis_that_greedy_misses():
    greedy_result = greedy(GREEDY_TRAP, SOURCE)
    beam = beam_search(GREEDY_TRAP, SOURCE, width=3, length_penalty=0.0)
    assert greedy_result.score == pytest.approx(math.log(0.55 * 0.34 * 0.9))
    assert beam.best.token_ids == [B, EOS_ID]
    assert beam.best.score == pytest.approx(math.log(0.40 * 0.95))
    assert beam.best.score > greedy_result.score


def test_length_penalty_lets_a_longer_hypothesis_win():
    plain = beam_search(SHORT_OR_LONG, SOURCE, width=2, length_penalty=0.0)
    penalised = beam_search(SHORT_OR_LONG, SOURCE, width=2, length_penalty=1.0)
    assert plain.best.token_ids == [EOS_ID]
    assert penalised.best.token_ids == [A, EOS_ID]
    best = penalised.best
    assert best.ranking_score == pytest.approx(best.score / length_penalty_factor(2, 1.0))
    assert [h.ranking_score for h in penalised.finished] == sorted(
        (h.ranking_score for h in penalised.finished), reverse=True
    )


def test_decoding_stops_at_max_len():
    assert greedy(NEVER_ENDS, SOURCE, max_len=4).token_ids == [A, A, A, A]
    beam = beam_search(NEVER_ENDS, SOURCE, width=2, max_len=4)
    assert beam.best.token_ids == [A, A, A, A]
    assert not beam.best.finished and beam.finished == []
    assert len(beam.history) == 4 and beam.best_node[0] == 3
    for max_len in (1, 3):
        assert len(greedy(tiny_model(), SOURCE, max_len=max_len).token_ids) <= max_len
        result = beam_search(tiny_model(), SOURCE, width=3, max_len=max_len)
        assert len(result.history) <= max_len
        assert all(len(h.token_ids) <= max_len for h in [result.best, *result.finished])


def test_beam_history_links_every_node_to_a_live_parent():
    beam = beam_search(tiny_model(3), SOURCE, width=4, max_len=10, id_to_piece=piece)
    assert [node.parent for node in beam.history[0]] == [-1] * len(beam.history[0])
    for step in range(1, len(beam.history)):
        parents = beam.history[step - 1]
        for node in beam.history[step]:
            assert 0 <= node.parent < len(parents)
            assert not parents[node.parent].finished
            assert node.score == pytest.approx(parents[node.parent].score + node.log_prob, abs=1e-5)
            assert node.token == piece(node.token_id)
        assert sum(not node.finished for node in beam.history[step]) <= 4


def test_partial_hypothesis_follows_the_beam_tree():
    beam = beam_search(tiny_model(3), SOURCE, width=4, max_len=10)
    assert len(beam.finished) == 4 and beam.best.finished
    for step, nodes in enumerate(beam.history):
        for index, node in enumerate(nodes):
            partial = beam.partial(step, index)
            path, cursor = [], (step, index)
            while cursor[1] >= 0:
                path.append(beam.history[cursor[0]][cursor[1]])
                cursor = (cursor[0] - 1, path[-1].parent)
            path.reverse()
            assert partial.token_ids == [n.token_id for n in path]
            assert partial.score == pytest.approx(node.score, abs=1e-5)
            for t, path_node in enumerate(path):
                rows = partial.maps[-len(path_node.maps) :]
                for row_map, node_map in zip(rows, path_node.maps, strict=True):
                    keys = node_map.weights.shape[-1]
                    assert torch.equal(row_map.weights[:, :, t : t + 1, :keys], node_map.weights)
    best_step, best_index = beam.best_node
    assert beam.history[best_step][best_index].finished
    last = beam.partial(best_step, best_index)
    assert (last.token_ids, last.score) == (beam.best.token_ids, beam.best.score)
    assert_same_maps(last.maps, beam.best.maps)
    assert beam.best.ranking_score == max(h.ranking_score for h in beam.finished)
    with pytest.raises(IndexError, match="no beam node"):
        beam.partial(len(beam.history), 0)


def test_every_attention_row_sums_to_one_over_valid_keys():
    model = tiny_model()
    for hypothesis in (
        greedy(model, SOURCE, max_len=9),
        beam_search(model, SOURCE, width=3, max_len=9).best,
        forced(model, SOURCE, [A, B, C, EOS_ID]),
    ):
        assert_rows_are_distributions(hypothesis.maps, len(hypothesis.token_ids), len(SOURCE))
        assert {m.kind for m in hypothesis.maps} == {"encoder_self", "decoder_self", "cross"}


def test_incremental_decoding_matches_rerunning_forward_on_the_prefix():
    model = tiny_model()
    expected = greedy_without_cache(model, SOURCE, max_len=10)
    result = greedy(model, SOURCE, max_len=10)
    assert result.token_ids == expected.token_ids
    torch.testing.assert_close(result.log_probs, expected.log_probs, atol=1e-5, rtol=0)
    assert_same_maps(result.maps, expected.maps, atol=1e-5)


def test_decoding_uses_eval_mode_and_leaves_the_model_training():
    model = tiny_model()
    model.eval()
    expected = greedy(model, SOURCE, max_len=10)
    model.train()
    result = greedy(model, SOURCE, max_len=10)
    beam_search(model, SOURCE, width=2, max_len=5)
    assert model.training and model.dropout.training
    assert result.token_ids == expected.token_ids and result.score == expected.score
    assert not result.log_probs.requires_grad


def test_capture_off_returns_no_maps_but_the_same_tokens():
    model = tiny_model()
    plain = greedy(model, SOURCE, max_len=10, capture=False)
    assert plain.maps == []
    assert plain.token_ids == greedy(model, SOURCE, max_len=10).token_ids
    assert beam_search(model, SOURCE, width=2, max_len=5, capture=False).best.maps == []


def test_steps_report_the_chosen_token_and_the_top_k_alternatives():
    result = greedy(GREEDY_TRAP, SOURCE, id_to_piece=piece, top_k=3)
    first = result.steps[0]
    assert (first.token, first.token_id) == (piece(A), A)
    assert first.prob == pytest.approx(0.55)
    assert [p for p, _ in first.top_k] == [piece(A), piece(B), first.top_k[2][0]]
    assert [q for _, q in first.top_k][:2] == pytest.approx([0.55, 0.40])
    assert all(len(step.top_k) == 3 for step in result.steps)
    assert greedy(GREEDY_TRAP, SOURCE, top_k=0).steps[0].top_k == []


def test_record_names_source_target_and_decoder_input_tokens():
    model = tiny_model()
    result = greedy(model, SOURCE, max_len=6, id_to_piece=piece)
    source_pieces = [piece(i) for i in SOURCE]
    record = record_for(result, source_pieces)
    target = [piece(i) for i in result.token_ids]
    cross = record.get("cross")
    assert (cross.query_tokens, cross.key_tokens) == (target, source_pieces)
    decoder_self = record.get("decoder_self")
    assert decoder_self.key_tokens == [BOS_LABEL, *target[:-1]]
    assert decoder_self.weights.shape == (2, len(target), len(target))
    assert record.get("encoder_self").weights.shape == (2, len(SOURCE), len(SOURCE))
    assert record.steps == result.steps
    merged = record_for(result, source_pieces, [t.upper() for t in target])
    assert merged.get("cross").query_tokens == [t.upper() for t in target]
    with pytest.raises(ValueError, match="has 6 source positions but 5 source pieces"):
        record_for(result, source_pieces[:-1])


def test_bad_arguments_are_named():
    model = tiny_model()
    with pytest.raises(ValueError, match="src_ids is empty"):
        greedy(model, [])
    with pytest.raises(ValueError, match="width must be at least 1"):
        beam_search(model, SOURCE, width=0)
    with pytest.raises(ValueError, match="max_len must be at least 1"):
        greedy(model, SOURCE, max_len=0)
    with pytest.raises(ValueError, match="length_penalty must be >= 0"):
        beam_search(model, SOURCE, length_penalty=-1)
    with pytest.raises(ValueError, match="reference target"):
        forced(model, SOURCE, [])


# Every registered translation family, small; a few variants of the families with options.
SMALL_SIZES = {
    "rnn": {"embed_size": 8, "hidden_size": 12, "cell": "lstm"},
    "bahdanau": {"embed_size": 8, "hidden_size": 12},
    "luong": {"embed_size": 8, "hidden_size": 12},
    "transformer": {
        "d_model": 16,
        "heads": 2,
        "ff_size": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "max_len": 32,
    },
}
VARIANTS = [(name, {}) for name in SMALL_SIZES] + [
    ("luong", {"attention_type": "local-p", "score": "concat"}),
    ("luong", {"attention_type": "local-m", "score": "dot", "num_layers": 1}),
    ("transformer", {"norm": "post", "positions": "learned"}),
]


def small_model(family: str, overrides: dict) -> Seq2SeqModel:
    torch.manual_seed(0)
    sizes = {"src_vocab_size": VOCAB, "tgt_vocab_size": VOCAB, **SMALL_SIZES[family], **overrides}
    return build_model(family, sizes)


def test_every_translation_family_is_covered():
    translation = {name for name, family in FAMILIES.items() if family.task_kind == "translation"}
    assert translation == set(SMALL_SIZES)


@pytest.mark.parametrize(("family", "overrides"), VARIANTS, ids=lambda v: str(v))
def test_every_family_decodes_consistently(family, overrides):
    model = small_model(family, overrides)
    result = greedy(model, SOURCE, max_len=8)
    reference = greedy_without_cache(model, SOURCE, max_len=8)
    assert result.token_ids == reference.token_ids
    torch.testing.assert_close(result.log_probs, reference.log_probs, atol=1e-5, rtol=0)
    assert_same_maps(result.maps, reference.maps, atol=1e-5)
    beam = beam_search(model, SOURCE, width=1, max_len=8)
    assert (beam.best.token_ids, beam.best.score) == (result.token_ids, result.score)
    assert_same_maps(beam.best.maps, result.maps)
    replayed = forced(model, SOURCE, result.token_ids)
    assert [s.prob for s in replayed.steps] == pytest.approx([s.prob for s in result.steps])
    assert_same_maps(replayed.maps, result.maps, atol=1e-6)
    if family != "rnn":  # the fixed-context RNN has no attention to capture
        assert_rows_are_distributions(result.maps, len(result.token_ids), len(SOURCE))
    wide = beam_search(model, SOURCE, width=3, max_len=8)
    for hypothesis in wide.finished:
        assert hypothesis.maps == [] or all(
            m.weights.shape[2] == len(hypothesis.token_ids)
            for m in hypothesis.maps
            if m.query_side == "target"
        )
