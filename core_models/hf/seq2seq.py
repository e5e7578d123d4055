"""A Hugging Face encoder-decoder (Marian, T5, BART, mBART, ...) driven by the project's own greedy,
beam and forced decoding (``core_models.decoding``), so that its beam tree, steps and maps are those
of every bundled model.

The decoders speak the project's ids (``BOS_ID`` starts, ``EOS_ID`` ends). ``HFSeq2Seq`` swaps the
model's end-of-sequence id with ``EOS_ID`` on the target side (one permutation applied to the
logits' columns and to the tokens fed back), and starts every hypothesis with the model's
``decoder_start_token_id`` whatever ``prev_tokens`` holds at step 0 (it is ``BOS_ID`` there).
Every step returns the decoder self-attention row and the cross-attention row of each layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from core_models.models.base import EOS_ID, Seq2SeqModel, StepOutput
from core_models.record import CapturedMap


def swap_permutation(size: int, a: int, b: int) -> Tensor:
    """The permutation of ``range(size)`` exchanging ``a`` and ``b`` (its own inverse)."""
    order = torch.arange(size)
    order[a], order[b] = b, a
    return order


@dataclass
class HFState:
    """Encoder output and mask (rows = live hypotheses), the decoder's cache, the encoder's maps."""

    encoder_outputs: Any
    attention_mask: Tensor
    cache: Any = None
    encoder_maps: list[CapturedMap] | None = None


class SwappedEOS(Seq2SeqModel):
    """What both Hugging Face decoders share: the model's EOS id swapped with ``EOS_ID`` on the
    target side, the generation config's single-token ``bad_words_ids`` never chosen, and
    ``generate``'s beam ranking (``length_factor``; hypotheses cut off at the length limit
    compete with the finished ones: ``ranks_cut_off``)."""

    ranks_cut_off = True

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.hf = model
        self.eval()  # a viewer's model: decoding would otherwise restore training mode (dropout)
        generation = getattr(model, "generation_config", model.config)
        eos = generation.eos_token_id if generation.eos_token_id is not None else EOS_ID
        self.eos_id = int(eos[0] if isinstance(eos, list) else eos)
        vocab = model.get_output_embeddings().weight.shape[0]
        self.order = swap_permutation(vocab, self.eos_id, EOS_ID)
        bad = getattr(generation, "bad_words_ids", None) or []
        self.banned = [int(self.order[w[0]]) for w in bad if len(w) == 1]

    @staticmethod
    def length_factor(length: int, alpha: float) -> float:
        """How ``generate`` ranks a finished beam hypothesis: its summed log-probability over
        |Y|^alpha (|Y| the tokens generated, EOS counted; ``beam_search`` divides by this)."""
        return float(length) ** alpha

    def swap_ids(self, ids: list[int]) -> list[int]:
        """Target ids between the model's id space and the project's (either way: the swap is its
        own inverse)."""
        return [int(self.order[i]) for i in ids]

    def project_logits(self, logits: Tensor) -> Tensor:
        """(B, V) model logits -> the project's id order (in place: two columns swapped), banned
        tokens at -inf."""
        if self.eos_id != EOS_ID:
            columns = [self.eos_id, EOS_ID]
            logits[:, columns] = logits[:, columns[::-1]]
        if self.banned:
            logits[:, self.banned] = -torch.inf
        return logits


class HFSeq2Seq(SwappedEOS):
    """``Seq2SeqModel`` over a ``transformers`` encoder-decoder loaded with eager attention."""

    family = "hf-seq2seq"

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        generation = getattr(model, "generation_config", model.config)
        start = generation.decoder_start_token_id
        self.start_id = int(start if start is not None else model.config.decoder_start_token_id)

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> HFState:
        mask = (torch.arange(src.shape[1], device=src.device)[None] < src_lens[:, None]).long()
        encoder = self.hf.get_encoder()
        outputs = encoder(input_ids=src, attention_mask=mask, output_attentions=capture)
        maps = [
            CapturedMap("encoder_self", layer, weights, "source", "source")
            for layer, weights in enumerate(outputs.attentions or ())
        ]
        return HFState(outputs, mask, None, maps)

    def source_maps(self, state: HFState) -> list[CapturedMap]:
        return list(state.encoder_maps or [])

    def decode_step(self, state: HFState, prev_tokens: Tensor, capture: bool = False) -> StepOutput:
        if state.cache is None:  # step 0: the model's own start token
            inputs = torch.full_like(prev_tokens, self.start_id)
        else:
            inputs = self.order.to(prev_tokens.device)[prev_tokens]
        output = self.hf(
            encoder_outputs=state.encoder_outputs,
            attention_mask=state.attention_mask,
            decoder_input_ids=inputs[:, None],
            cache=state.cache,
            use_cache=True,
            output_attentions=capture,
        )
        logits = self.project_logits(output.logits[:, -1])
        maps = []
        if capture:
            maps = [
                CapturedMap("decoder_self", layer, weights, "target", "target_input")
                for layer, weights in enumerate(output.decoder_attentions)
            ] + [
                CapturedMap("cross", layer, weights, "target", "source")
                for layer, weights in enumerate(output.cross_attentions)
            ]
        new_state = HFState(state.encoder_outputs, state.attention_mask, output.cache, None)
        return StepOutput(logits, new_state, maps)

    def reorder_state(self, state: HFState, indices: Tensor) -> HFState:
        encoder_outputs = type(state.encoder_outputs)(
            last_hidden_state=state.encoder_outputs.last_hidden_state.index_select(0, indices)
        )
        state.cache.reorder_cache(indices)
        return HFState(encoder_outputs, state.attention_mask.index_select(0, indices), state.cache)
