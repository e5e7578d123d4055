"""The fixed-context RNN baseline: source reversal, the context vector, cell choice."""

import pytest
import torch

from core_models.models.base import BOS_ID, PAD_ID
from core_models.models.recurrent import reverse_valid
from core_models.models.rnn import RNNConfig, RNNSeq2Seq

VOCAB = 12


def make_rnn_model(**options) -> RNNSeq2Seq:
    sizes = dict(src_vocab_size=VOCAB, tgt_vocab_size=VOCAB, embed_size=8, hidden_size=10)
    return RNNSeq2Seq(RNNConfig(**{**sizes, **options})).eval()


def batch():
    src_lens = torch.tensor([5, 3, 1])
    src = torch.randint(6, VOCAB, (3, 5))
    src[torch.arange(5) >= src_lens.unsqueeze(1)] = PAD_ID
    tgt_in = torch.randint(6, VOCAB, (3, 4))
    tgt_in[:, 0] = BOS_ID
    return src, src_lens, tgt_in


def test_reverse_source_reverses_the_words_not_the_padding():
    src = torch.tensor([[7, 8, 9, 10], [7, 8, 0, 0], [7, 0, 0, 0]])
    reversed_src = reverse_valid(src, torch.tensor([4, 2, 1]))
    assert reversed_src.tolist() == [[10, 9, 8, 7], [8, 7, 0, 0], [7, 0, 0, 0]]


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_reverse_source_model_reads_the_reversed_source(cell):
    reversing = make_rnn_model(cell=cell, reverse_source=True)
    plain = make_rnn_model(cell=cell)
    plain.load_state_dict(reversing.state_dict())
    src, src_lens, tgt_in = batch()
    expected = plain(reverse_valid(src, src_lens), src_lens, tgt_in).logits
    torch.testing.assert_close(reversing(src, src_lens, tgt_in).logits, expected)
    assert not torch.allclose(plain(src, src_lens, tgt_in).logits, expected)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_context_is_the_final_encoder_state_at_every_step(cell):
    model = make_rnn_model(cell=cell, num_layers=2)
    src, src_lens, tgt_in = batch()
    state = model.encode(src, src_lens)
    hidden = state.hidden[0] if cell == "lstm" else state.hidden
    assert hidden.shape == (2, 3, 10)
    torch.testing.assert_close(state.context, hidden[-1])
    for t in range(tgt_in.shape[1]):
        state = model.decode_step(state, tgt_in[:, t]).state
        torch.testing.assert_close(state.context, hidden[-1])


def test_final_state_of_a_short_source_ignores_its_padding():
    model = make_rnn_model()
    src, src_lens, _ = batch()
    alone = model.encode(src[1:2, :3], src_lens[1:2])
    in_batch = model.encode(src, src_lens)
    torch.testing.assert_close(in_batch.context[1:2], alone.context)


def test_unknown_cell_names_the_choices():
    with pytest.raises(ValueError, match="unknown cell 'rnn'; choose one of gru, lstm"):
        RNNConfig(cell="rnn")
