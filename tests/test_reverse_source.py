"""reverse_source for every recurrent encoder-decoder (Sutskever et al. 2014): the encoder reads
each source backwards, and attention models still attend over the source in its own order."""

import pytest
import torch
from tiny_training import TINY_MODELS, tiny_config

from core_models.inference import load_model
from core_models.models.base import PAD_ID
from core_models.models.recurrent import reverse_valid
from core_models.models.registry import build_model
from core_models.training.config import ConfigError
from core_models.training.trainer import Trainer

SIZES = dict(src_vocab_size=12, tgt_vocab_size=12, embed_size=8, hidden_size=10, dropout=0.0)


def test_states_come_back_in_source_order_with_padding_in_place():
    states = torch.arange(2 * 4 * 3, dtype=torch.float).view(2, 4, 3)
    flipped = reverse_valid(states, torch.tensor([4, 2]))
    assert flipped[0].tolist() == states[0].flip(0).tolist()
    assert flipped[1, :2].tolist() == states[1, :2].flip(0).tolist()
    assert flipped[1, 2:].tolist() == states[1, 2:].tolist()  # padding stays


@pytest.mark.parametrize("family", ["bahdanau", "luong"])
def test_the_encoder_reads_the_source_backwards(family):
    options = {"bidirectional": False} if family == "bahdanau" else {}
    torch.manual_seed(0)
    reversing = build_model(family, {**SIZES, **options, "reverse_source": True}).eval()
    src = torch.tensor([[6, 7, 8, 9], [10, 11, PAD_ID, PAD_ID]])
    src_lens = torch.tensor([4, 2])
    backwards = reverse_valid(src, src_lens)
    outputs, final = reversing.encoder(backwards, src_lens)
    state = reversing.encode(src, src_lens)
    expected = reverse_valid(outputs, src_lens)
    if family == "luong":
        expected = reversing.memory_proj(expected)
    torch.testing.assert_close(state.memory, expected)  # position i holds source word i's state
    plain = build_model(family, {**SIZES, **options}).eval()
    plain.load_state_dict(reversing.state_dict())
    assert not torch.allclose(plain.encode(src, src_lens).memory, state.memory)


def test_a_reversed_attention_model_trains_and_translates(tmp_path):
    options = {**TINY_MODELS["bahdanau"], "bidirectional": False, "reverse_source": True}
    config = tiny_config("bahdanau", model={"options": options}, run={"max_steps": 3})
    Trainer(config, tmp_path / "run").run()
    translator = load_model(tmp_path / "run")
    assert translator.checkpoint.model.config.reverse_source
    result = translator.translate("a b c")
    assert result.output_pieces
    assert result.source_pieces[:3] == ["a", "b", "c"]  # shown in the order it was written


def test_the_transformer_says_why_it_has_no_reversed_source():
    with pytest.raises(ConfigError, match=r"reverse_source: a transformer model reads its whole"):
        tiny_config(model={"options": {**TINY_MODELS["transformer"], "reverse_source": True}})
