"""A decoder-only language model (GPT-2 style) as a translator whose "translation" is the prompt's
continuation: the prompt is the source, each generated token a decoding step with its top-k, and
every layer's self-attention is kept twice: over the prompt (``prompt_self``) and, per step, the
row of the token being predicted over the prompt and the continuation so far (``causal_self``).

Step 0 predicts from the prompt's last position, whose row ``encode`` already computed; later steps
feed the previous token through the model's cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from torch import Tensor

from core_models.hf.seq2seq import SwappedEOS
from core_models.hf.translator import HFTranslator
from core_models.models.base import StepOutput
from core_models.record import CapturedMap


@dataclass
class CausalState:
    """The cache, and at step 0 the prompt's last logits and attention rows."""

    cache: Any
    first_logits: Tensor | None = None
    first_rows: tuple[Tensor, ...] | None = None
    prompt_maps: list[CapturedMap] | None = None


class HFCausal(SwappedEOS):
    """``Seq2SeqModel`` over a ``transformers`` causal LM loaded with eager attention."""

    family = "hf-causal"

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> CausalState:
        output = self.hf(input_ids=src, use_cache=True, output_attentions=capture)
        attentions = output.attentions or ()
        maps = [
            CapturedMap("prompt_self", layer, weights, "source", "source")
            for layer, weights in enumerate(attentions)
        ]
        rows = tuple(weights[:, :, -1:] for weights in attentions)
        return CausalState(output.cache, output.logits[:, -1], rows, maps)

    def source_maps(self, state: CausalState) -> list[CapturedMap]:
        return list(state.prompt_maps or [])

    def decode_step(
        self, state: CausalState, prev_tokens: Tensor, capture: bool = False
    ) -> StepOutput:
        if state.first_logits is not None:  # step 0: the prompt's last position
            logits, rows = state.first_logits, state.first_rows or ()
        else:
            inputs = self.order.to(prev_tokens.device)[prev_tokens]
            output = self.hf(
                input_ids=inputs[:, None],
                cache=state.cache,
                use_cache=True,
                output_attentions=capture,
            )
            logits, rows, state = output.logits[:, -1], output.attentions or (), output
        maps = [
            CapturedMap("causal_self", layer, weights, "target", "context")
            for layer, weights in enumerate(rows if capture else ())
        ]
        return StepOutput(self.project_logits(logits), CausalState(state.cache), maps)

    def reorder_state(self, state: CausalState, indices: Tensor) -> CausalState:
        state.cache.reorder_cache(indices)
        return CausalState(state.cache)


class HFLanguageModel(HFTranslator):
    """Continue a prompt with a ``transformers`` causal LM: greedy, beam (with its tree) or forced
    to a given continuation; ``translate(prompt)``'s output is the continuation."""

    def __init__(self, model: Any, tokenizer: Any, name: str, path: str) -> None:
        super().__init__(model, tokenizer, name, path, adapter=HFCausal(model))
        self.max_source_len = min(self.positions - 1, 512)  # room for one generated token

    @property
    def task(self) -> str:
        return "language model"

    def decode_limit(self, source_len: int) -> int:
        """The continuation shares the positions with the prompt."""
        return max(1, self.positions - source_len)
