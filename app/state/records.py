"""What the Session derives from a model's result: the tokens of each side of a record, the record
merged from pieces to words (Clark et al. 2019, §4.1, via ``core_models.words.merge_record``), the
beam tree, the default map to show, and the document written by "Export record".
"""

from __future__ import annotations

from typing import Any

from app.state.beam_tree import BeamTree, beam_tree_from_history
from core_models.inference import Classifier, NLIResult, TranslationResult, Translator
from core_models.record import AttentionRecord
from core_models.tokenizers import Tokenizer
from core_models.words import SPECIAL_PIECES, merge_record, merge_tokens

UNK_PIECE = SPECIAL_PIECES[1]

Model = Translator | Classifier
Result = TranslationResult | NLIResult


def side_tokens(record: AttentionRecord | None) -> dict[str, list[str]]:
    """The display tokens of every side the record's maps use, e.g. {"source": [...], ...}."""
    tokens: dict[str, list[str]] = {}
    for attention_map in record.maps if record is not None else []:
        query_side, key_side = attention_map.sides
        tokens.setdefault(query_side, attention_map.query_tokens)
        tokens.setdefault(key_side, attention_map.key_tokens)
    return tokens


def tokenizer_of_side(model: Model, side: str) -> Tokenizer:
    """The tokenizer that made the tokens of ``side`` ("source", "target", "premise", ...)."""
    if isinstance(model, Translator):
        return model.source_tokenizer if side == "source" else model.target_tokenizer
    return model.tokenizer


def word_record(record: AttentionRecord, model: Model) -> AttentionRecord:
    """``record`` with every map merged from pieces to words, grouped as the model's tokenizers
    group their pieces (a word tokenizer's pieces already are words)."""
    groups = {
        side: tokenizer_of_side(model, side).word_groups(tokens)
        for side, tokens in side_tokens(record).items()
    }
    return merge_record(record, groups)


def unknown_positions(
    model: Model, side: str, tokens: list[str], unknown_words: list[str], words: bool
) -> set[int]:
    """Indices of ``tokens`` that are ``<unk>`` or part of a word the model never saw in
    training; ``words``: the tokens already are merged words."""
    unknown = set(unknown_words)
    positions = {i for i, token in enumerate(tokens) if token == UNK_PIECE or token in unknown}
    if unknown and not words:
        groups = tokenizer_of_side(model, side).word_groups(tokens)
        for word, group in zip(merge_tokens(tokens, groups), groups, strict=True):
            if word in unknown:
                positions.update(group)
    return positions


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context. Qt is imported here, not above: `attention-workbench render` imports this
    module and loads no Qt (tests/test_boundaries.py)."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("", text)


def unknown_input_tokens(record: AttentionRecord | None) -> int:
    """How many input tokens (source, or premise and hypothesis) are ``<unk>``."""
    tokens = side_tokens(record)
    sides = [s for s in ("source", "premise", "hypothesis") if s in tokens] or ["pair"]
    return sum(tokens.get(side, []).count(UNK_PIECE) for side in sides)


def unknown_count(result: Result) -> str:
    """How much of the input the model could not read, in the one wording the status bar and the
    notice share ("" when it read everything): the distinct words it never saw in training, else
    the input tokens it read as ``<unk>``."""
    if result.unknown_words:
        return tr("{count} unknown word(s)").format(count=len(result.unknown_words))
    unread = unknown_input_tokens(result.record)
    if not unread:
        return ""
    return tr("{count} input token(s) read as {unk}").format(count=unread, unk=UNK_PIECE)


def beam_tree(result: TranslationResult) -> BeamTree:
    """The beam search tree of ``result`` ([] when it was not decoded with a beam)."""
    if result.beam is None:
        return []
    return beam_tree_from_history(result.beam.history, best=result.beam.best_node)


def export_document(model: Model, result: Result, record: AttentionRecord) -> dict[str, Any]:
    """model / family / inputs / output for ``core_models.export.save_record`` of the record shown
    (its tokens: pieces or merged words)."""
    tokens = side_tokens(record)
    if isinstance(result, TranslationResult):
        inputs = {"source": tokens.get("source", result.source_pieces)}
        output: dict[str, Any] = {
            "tokens": tokens.get("target", result.output_pieces),
            "text": result.output_text,
        }
        if result.forced:
            output["forced"] = True
    else:
        inputs = {
            "premise": tokens.get("premise", result.premise_pieces),
            "hypothesis": tokens.get("hypothesis", result.hypothesis_pieces),
        }
        output = {"label": result.label, "probs": dict(result.probs)}
    return {"model": model.name, "family": model.family, "inputs": inputs, "output": output}
