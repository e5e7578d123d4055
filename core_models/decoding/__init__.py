"""Greedy, beam (Sutskever et al. 2014 §3.2; GNMT length penalty, Wu et al. 2016 eq. 14) and forced
decoding for every ``Seq2SeqModel``, each returning the tokens, step scores and attention maps that
an ``AttentionRecord`` needs (``record_for``).

``search``: greedy, forced and the no-cache reference; ``beam``: beam search and its tree;
``batch``: many sources at once without maps (files);
``hypothesis``: what they return and share.
"""

from core_models.decoding.batch import batch_greedy, decode_many
from core_models.decoding.beam import BeamNode, BeamResult, beam_search
from core_models.decoding.hypothesis import (
    BOS_LABEL,
    Hypothesis,
    assemble_step_maps,
    length_penalty_factor,
    record_for,
)
from core_models.decoding.search import forced, greedy, greedy_without_cache

__all__ = [
    "BOS_LABEL",
    "BeamNode",
    "BeamResult",
    "Hypothesis",
    "assemble_step_maps",
    "batch_greedy",
    "beam_search",
    "decode_many",
    "forced",
    "greedy",
    "greedy_without_cache",
    "length_penalty_factor",
    "record_for",
]
