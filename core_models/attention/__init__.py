"""Attention mechanisms: masking, scoring functions, local windows, hard attention, multi-head."""

from core_models.attention.hard import hard_attention
from core_models.attention.local import LOCAL_MODES, LocalWindow
from core_models.attention.masking import (
    causal_mask,
    keep_mask_from_lens,
    masked_softmax,
    sequence_mask,
)
from core_models.attention.multihead import MultiHeadAttention
from core_models.attention.scoring import SCORE_NAMES, SCORES, Score, make_score

__all__ = [
    "LOCAL_MODES",
    "SCORES",
    "SCORE_NAMES",
    "LocalWindow",
    "MultiHeadAttention",
    "Score",
    "causal_mask",
    "hard_attention",
    "keep_mask_from_lens",
    "make_score",
    "masked_softmax",
    "sequence_mask",
]
