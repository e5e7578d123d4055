"""Gradient attribution of a result as it was decoded (``core_models.explain.attribution``): the
maps explain the output the user sees, whether greedy, beam search or a forced reference, with
one row per output token of the result's record (no decoding again)."""

from __future__ import annotations

from core_models.explain.attribution import (
    IG_STEPS,
    METHODS,
    nli_attributions,
    seq2seq_attributions,
    source_embedding_module,
)
from core_models.explain.inputs import nli_result_ids, translation_result_ids
from core_models.inference import TranslationResult
from core_models.record import NLI_LABELS, AttentionMap


def result_attributions(
    wrapper, result, methods: tuple[str, ...] = METHODS, steps: int = IG_STEPS
) -> list[AttentionMap]:
    """One map per method for ``result`` of ``wrapper`` (a ``Translator`` and its
    ``TranslationResult``: kinds ``METHODS``, rows the output tokens; a ``Classifier`` and its
    ``NLIResult``: kinds ``label_<method>``, one row, the label on show). ValueError for a family
    without gradient attribution (a Hugging Face model) or an unknown method."""
    source_embedding_module(wrapper.model)  # a family it knows: its message, not a later one
    if isinstance(result, TranslationResult):
        src_ids, tgt_ids = translation_result_ids(wrapper, result)
        return seq2seq_attributions(
            wrapper.model,
            src_ids,
            tgt_ids,
            result.source_pieces,
            result.output_pieces,
            methods=methods,
            steps=steps,
        )
    premise_ids, hypothesis_ids, pair = nli_result_ids(wrapper, result)
    label = NLI_LABELS.index(result.label)
    return nli_attributions(
        wrapper.model, premise_ids, hypothesis_ids, pair, label, methods=methods, steps=steps
    )


def largest_gap(attention_map: AttentionMap) -> float | None:
    """Integrated gradients' completeness gap: the largest |convergence delta| of the map's rows
    (None for a map without one)."""
    deltas = attention_map.info.get("convergence_delta")
    return max(abs(d) for d in deltas) if deltas else None
