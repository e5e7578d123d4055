"""The two model interfaces every family implements: sequence-to-sequence and NLI classification.

Token ids: 0 pad, 1 unk, 2 bos, 3 eos, 4 cls, 5 sep in every tokenizer (``core_models.tokenizers``).
Models never look at pad ids for masking: they take the valid lengths.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from torch import Tensor, nn

from core_models.record import NLI_LABELS, CapturedMap  # noqa: F401 (NLI_LABELS re-exported)

PAD_ID, UNK_ID, BOS_ID, EOS_ID, CLS_ID, SEP_ID = 0, 1, 2, 3, 4, 5


@dataclass
class ModelConfig:
    """Base of every family's config dataclass: plain fields, JSON-serialisable."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Seq2SeqOutput:
    """logits (batch, target_len, target_vocab); maps empty unless captured."""

    logits: Tensor
    maps: list[CapturedMap]


@dataclass
class StepOutput:
    """One decoding step: logits (batch, target_vocab), the new state, and the step's maps whose
    weights are (batch, heads, 1, keys) — the attention row of this step."""

    logits: Tensor
    state: Any
    maps: list[CapturedMap]


@dataclass
class NLIOutput:
    """logits (batch, 3) over ``NLI_LABELS``; maps empty unless captured."""

    logits: Tensor
    maps: list[CapturedMap]


class Seq2SeqModel(nn.Module):
    """Encoder-decoder translating source ids into target ids.

    ``forward`` runs teacher forcing over a whole target (training, evaluation);
    ``encode`` / ``decode_step`` / ``reorder_state`` drive greedy, beam and forced decoding one
    token at a time, and ``source_maps`` hands over the maps ``encode`` captured.
    Stepping through a target with ``decode_step`` gives the same logits as ``forward``.
    """

    family: ClassVar[str]
    config: ModelConfig

    def forward(
        self, src: Tensor, src_lens: Tensor, tgt_in: Tensor, capture: bool = False
    ) -> Seq2SeqOutput:
        """src (B, S), src_lens (B,), tgt_in (B, T) starting with BOS -> logits (B, T, V)."""
        raise NotImplementedError

    def encode(self, src: Tensor, src_lens: Tensor, capture: bool = False) -> Any:
        """Encode the source once; returns the initial decoder state (model-specific object).

        With ``capture`` a family whose encoder attends (Transformer encoder self-attention) keeps
        those maps in the state for ``source_maps``; the recurrent encoders have none.
        """
        raise NotImplementedError

    def source_maps(self, state: Any) -> list[CapturedMap]:
        """The maps over the source alone that ``encode(..., capture=True)`` kept in ``state``
        (weights (B, heads, S, S)), which ``decode_step`` never returns; none by default."""
        return []

    def decode_step(self, state: Any, prev_tokens: Tensor, capture: bool = False) -> StepOutput:
        """prev_tokens (B,): the last token of each hypothesis (BOS at step 0)."""
        raise NotImplementedError

    def reorder_state(self, state: Any, indices: Tensor) -> Any:
        """Keep the hypotheses at ``indices`` (B',) of the batch, in that order (beam search)."""
        raise NotImplementedError


class NLIModel(nn.Module):
    """Classifies a premise / hypothesis pair into entailment, neutral, contradiction."""

    family: ClassVar[str]
    config: ModelConfig

    def forward(
        self,
        premise: Tensor,
        premise_lens: Tensor,
        hypothesis: Tensor,
        hypothesis_lens: Tensor,
        capture: bool = False,
    ) -> NLIOutput:
        """premise (B, P), hypothesis (B, H) ids with their lengths -> logits (B, 3)."""
        raise NotImplementedError
