"""Luong et al. 2015 specifics: hard attention, local windows, input feeding, every scorer from a
training config to a translation's record, config errors."""

from dataclasses import replace

import pytest
import torch
from tiny_training import tiny_config

from core_models.attention import SCORE_NAMES
from core_models.inference import load_model
from core_models.models.base import BOS_ID, PAD_ID
from core_models.models.luong import LUONG_SCORES, LuongConfig, LuongSeq2Seq
from core_models.training.config import ConfigError, TrainConfig
from core_models.training.trainer import Trainer

VOCAB = 12
SRC_LENS = torch.tensor([9, 5, 2])


def make_luong(**options) -> LuongSeq2Seq:
    sizes = dict(src_vocab_size=VOCAB, tgt_vocab_size=VOCAB, embed_size=8, hidden_size=10)
    return LuongSeq2Seq(LuongConfig(**{**sizes, "num_layers": 1, **options})).eval()


def batch(tgt_len=8):
    """Sources of lengths 9, 5, 2 padded to 9; targets longer than the short sources."""
    src = torch.randint(6, VOCAB, (3, 9))
    src[torch.arange(9) >= SRC_LENS.unsqueeze(1)] = PAD_ID
    tgt_in = torch.randint(6, VOCAB, (3, tgt_len))
    tgt_in[:, 0] = BOS_ID
    return src, SRC_LENS, tgt_in


@pytest.mark.parametrize("attention_type", ["global", "local-m", "local-p"])
def test_hard_attention_rows_are_one_hot_in_eval(attention_type):
    model = make_luong(hard=True, attention_type=attention_type, window=2)
    weights = model(*batch(), capture=True).maps[0].weights  # (B, 1, T, S)
    assert torch.all((weights == 0) | (weights == 1))
    assert torch.all(weights.sum(-1) == 1)
    assert torch.all(weights[2, ..., 2:] == 0)  # never on the padding of the length-2 source


def test_hard_attention_passes_gradients_in_training():
    model = make_luong(hard=True, score="general").train()
    src, src_lens, tgt_in = batch()
    output = model(src, src_lens, tgt_in, capture=True)
    weights = output.maps[0].weights
    torch.testing.assert_close(weights.detach().round(), weights.detach())  # one-hot forward
    output.logits.logsumexp(-1).sum().backward()
    score_grad = model.attention_score.key_proj.weight.grad
    assert score_grad is not None and score_grad.abs().sum() > 0


def test_soft_attention_is_not_one_hot():
    model = make_luong(hard=False)
    weights = model(*batch(), capture=True).maps[0].weights
    assert torch.any((weights > 0) & (weights < 1))


def window_centres(model, src, src_lens, tgt_in):
    """The window centres p_t (B, T) the model used, read off its LocalWindow."""
    centres = []
    hook = model.window.register_forward_hook(lambda module, args, out: centres.append(out[2]))
    weights = model(src, src_lens, tgt_in, capture=True).maps[0].weights
    hook.remove()
    return torch.cat(centres, dim=1), weights


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("window", [0, 1, 2])
def test_local_m_window_covers_only_positions_within_d_of_the_step(window, hard):
    model = make_luong(attention_type="local-m", window=window, hard=hard)
    src, src_lens, tgt_in = batch()
    weights = model(src, src_lens, tgt_in, capture=True).maps[0].weights[:, 0]  # (B, T, S)
    steps = torch.arange(8).view(1, -1, 1)
    centres = torch.minimum(steps, (src_lens - 1).view(-1, 1, 1))  # p_t = t, inside the source
    distance = (torch.arange(9).view(1, 1, -1) - centres).abs()  # (B, T, S)
    assert torch.all(weights[(distance > window).expand_as(weights)] == 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 8))
    if not hard and window > 0:
        inside = (distance <= window) & (torch.arange(9) < src_lens.view(-1, 1, 1))
        assert torch.all(weights[inside] > 0)


@pytest.mark.parametrize("window", [0, 1, 2])
def test_local_p_window_covers_only_positions_within_d_of_the_predicted_centre(window):
    model = make_luong(attention_type="local-p", window=window)
    src, src_lens, tgt_in = batch()
    centres, weights = window_centres(model, src, src_lens, tgt_in)
    assert centres.shape == (3, 8)
    assert torch.all((centres >= 0) & (centres <= (src_lens - 1).unsqueeze(1)))
    distance = (torch.arange(9).view(1, 1, -1) - centres.round().unsqueeze(-1)).abs()
    weights = weights[:, 0]  # (B, T, S)
    assert torch.all(weights[(distance > window).expand_as(weights)] == 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 8))


def test_local_p_centre_depends_on_the_decoder_state():
    model = make_luong(attention_type="local-p", window=2)
    centres, _ = window_centres(model, *batch())
    assert centres[0].unique().numel() > 1  # predicted per step, not a constant


def test_input_feeding_carries_the_attentional_vector():
    model = make_luong()
    src, src_lens, tgt_in = batch()
    state = model.encode(src, src_lens)
    assert torch.all(state.attentional == 0)  # h~_0
    step = model.decode_step(state, tgt_in[:, 0])
    assert step.state.attentional.shape == (3, 10)
    torch.testing.assert_close(step.logits, model.output(step.state.attentional))
    # the next step depends on h~_{t-1}, not only on the LSTM state
    changed = replace(step.state, attentional=torch.zeros(3, 10))
    assert not torch.allclose(
        model.decode_step(changed, tgt_in[:, 1]).logits,
        model.decode_step(step.state, tgt_in[:, 1]).logits,
    )


@pytest.mark.parametrize(
    ("field", "value", "choices"),
    [
        ("score", "bilinear", ", ".join(SCORE_NAMES)),
        ("attention_type", "local", "global, local-m, local-p"),
    ],
)
def test_bad_config_names_the_field_and_its_choices(field, value, choices):
    with pytest.raises(ValueError, match=f"unknown {field} '{value}'; choose one of {choices}"):
        LuongConfig(**{field: value})


def test_negative_window_is_rejected():
    with pytest.raises(ValueError, match="window .* must be >= 0, got -1"):
        LuongConfig(attention_type="local-m", window=-1)


def test_location_attention_needs_the_longest_source():
    with pytest.raises(ValueError, match="max_len .* must be >= 1 for score 'location'.* got 0"):
        LuongConfig(score="location")


def test_location_attention_refuses_a_source_longer_than_it_was_built_for():
    model = make_luong(score="location", max_len=8)
    with pytest.raises(ValueError, match="at most 8 source positions, got 9"):
        model(*batch())


def test_location_scores_come_from_the_decoder_state_alone():
    """Luong §3.1: a_t = softmax(W_a h_t), whatever the source words are."""
    model = make_luong(score="location", max_len=9)
    src, src_lens, tgt_in = batch()
    state = model.encode(src, src_lens)
    query = torch.randn(3, 1, 10)
    other_keys = model.attention_score.prepare_keys(torch.randn_like(state.keys))
    torch.testing.assert_close(
        model.attention_score.score_prepared(query, state.keys),
        model.attention_score.score_prepared(query, other_keys),
    )


@pytest.mark.parametrize("score", LUONG_SCORES)
def test_every_score_trains_from_a_config_and_translates_with_its_record(score, tmp_path):
    options = {"embed_size": 8, "hidden_size": 12, "num_layers": 1, "dropout": 0.0}
    config = tiny_config(
        model={"family": "luong", "options": {**options, "score": score, "max_len": 16}},
        run={"max_steps": 2},
    )
    model = load_model(Trainer(config, tmp_path).run())
    assert model.model.config.score == score
    result = model.translate("a b c", max_len=4)
    cross = result.record.get("cross", 0)
    assert cross.key_tokens == result.source_pieces == ["a", "b", "c", "<eos>"]
    assert cross.query_tokens == result.output_pieces
    assert cross.weights.shape == (1, len(result.output_pieces), 4)
    assert len(result.record.steps) == len(result.output_pieces)
    assert abs(cross.weights.sum(-1) - 1).max() < 1e-5


def test_a_config_with_an_unknown_score_names_the_file_and_the_choices(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('[model]\nfamily = "luong"\noptions = {score = "bilinear"}\n')
    with pytest.raises(ConfigError) as error:
        TrainConfig.from_toml(path)
    assert str(error.value) == (
        f"{path}: model.options: unknown score 'bilinear'; choose one of {', '.join(SCORE_NAMES)}"
    )
