"""Bahdanau et al. 2015 specifics: the bidirectional encoder and s_{t-1} as the attention query."""

import pytest
import torch

from core_models.models.bahdanau import BahdanauConfig, BahdanauSeq2Seq
from core_models.models.base import BOS_ID, PAD_ID

VOCAB = 12


def make_bahdanau(**options) -> BahdanauSeq2Seq:
    sizes = dict(src_vocab_size=VOCAB, tgt_vocab_size=VOCAB, embed_size=8, hidden_size=10)
    return BahdanauSeq2Seq(BahdanauConfig(**{**sizes, **options})).eval()


def source():
    src = torch.tensor([[7, 8, 9, 10, 11], [7, 8, 9, 0, 0]])
    return src, torch.tensor([5, 3])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_encoder_state_sees_later_words_only_when_bidirectional(bidirectional):
    model = make_bahdanau(bidirectional=bidirectional)
    src, src_lens = source()
    changed = src.clone()
    changed[1, 2] = 6  # the last word of the short source
    memory = model.encode(src, src_lens).memory
    changed_memory = model.encode(changed, src_lens).memory
    assert memory.shape == (2, 5, 20 if bidirectional else 10)
    first_word_changed = not torch.allclose(memory[1, 0], changed_memory[1, 0])
    assert first_word_changed == bidirectional
    torch.testing.assert_close(memory[0], changed_memory[0])  # other rows untouched


def test_attention_query_is_the_previous_decoder_state():
    """a_t is computed from s_{t-1} before y_{t-1} is read, so the first row ignores the token."""
    model = make_bahdanau()
    src, src_lens = source()
    state = model.encode(src, src_lens)
    bos = model.decode_step(state, torch.full((2,), BOS_ID), capture=True)
    other = model.decode_step(state, torch.full((2,), 9), capture=True)
    torch.testing.assert_close(bos.maps[0].weights, other.maps[0].weights)
    assert not torch.allclose(bos.logits, other.logits)
    # ... and the next row does depend on it, through s_t
    after_bos = model.decode_step(bos.state, torch.full((2,), 9), capture=True)
    after_other = model.decode_step(other.state, torch.full((2,), 9), capture=True)
    assert not torch.allclose(after_bos.maps[0].weights, after_other.maps[0].weights)


def test_padding_embedding_is_zero():
    model = make_bahdanau()
    assert torch.all(model.encoder.embedding.weight[PAD_ID] == 0)
    assert torch.all(model.embedding.weight[PAD_ID] == 0)
