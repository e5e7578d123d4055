"""Token ids exactly as the inference wrappers fed them: ``explain`` runs the wrappers
(``core_models.inference``) once and reads the ids back from the pieces they report, so the
truncation and the unknown words are the model's own."""

from __future__ import annotations

from core_models.models.base import CLS_ID, SEP_ID


def translation_ids(translator, text: str, reference: str | None = None):
    """-> (source ids with EOS, output ids (EOS included when it finished), the result): the
    greedy output of ``translator`` on ``text``, or ``reference`` forced."""
    result = translator.translate(text, reference=reference)
    return (*translation_result_ids(translator, result), result)


def translation_result_ids(translator, result) -> tuple[list[int], list[int]]:
    """-> (source ids with EOS, output ids) of a translation ``result`` as it was decoded
    (greedy, beam search or forced)."""
    source_ids = [translator.source_tokenizer.piece_to_id(p) for p in result.source_pieces]
    return source_ids, [step.token_id for step in result.record.steps]


def nli_ids(classifier, premise: str, hypothesis: str):
    """-> (premise ids, hypothesis ids, pair tokens ``[CLS] p [SEP] h [SEP]``, the result)."""
    result = classifier.classify(premise, hypothesis)
    return (*nli_result_ids(classifier, result), result)


def nli_result_ids(classifier, result) -> tuple[list[int], list[int], list[str]]:
    """-> (premise ids, hypothesis ids, pair tokens ``[CLS] p [SEP] h [SEP]``) of an NLI
    ``result``."""
    tokenizer = classifier.tokenizer
    cls, sep = tokenizer.id_to_piece(CLS_ID), tokenizer.id_to_piece(SEP_ID)
    return (
        [tokenizer.piece_to_id(p) for p in result.premise_pieces],
        [tokenizer.piece_to_id(p) for p in result.hypothesis_pieces],
        [cls, *result.premise_pieces, sep, *result.hypothesis_pieces, sep],
    )
