"""Evaluation of a model on encoded pairs: loss, BLEU / chrF by greedy decoding, attention AER
against gold word alignments (translation); accuracy and the confusion matrix (NLI)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core_models.data.batching import bucket_batches
from core_models.decoding import decode_many
from core_models.models.base import EOS_ID, NLI_LABELS, PAD_ID
from core_models.tokenizers import Tokenizer
from core_models.training.data import Dataset
from core_models.training.metrics import (
    accuracy,
    alignment_error_rate,
    bleu,
    chrf,
    confusion_matrix,
    hard_alignment,
)
from core_models.words import merge_map

LENGTH_BUCKETS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 1000))


def batch_loss(model: nn.Module, batch, label_smoothing: float = 0.0) -> tuple[torch.Tensor, int]:
    """Mean cross-entropy over the batch's target tokens (translation) or examples (NLI)."""
    if hasattr(batch, "tgt_out"):
        logits = model(batch.src, batch.src_lens, batch.tgt_in).logits
        loss = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(),
            batch.tgt_out.reshape(-1),
            ignore_index=PAD_ID,
            label_smoothing=label_smoothing,
        )
        return loss, batch.num_tokens
    logits = model(
        batch.premise, batch.premise_lens, batch.hypothesis, batch.hypothesis_lens
    ).logits
    loss = F.cross_entropy(logits.float(), batch.labels, label_smoothing=label_smoothing)
    return loss, len(batch.indices)


@torch.inference_mode()
def evaluate(
    model: nn.Module,
    dataset: Dataset,
    tokenizers: dict[str, Tokenizer],
    device: torch.device | str = "cpu",
    max_decode: int = 200,
    by_length: bool = False,
    beam: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Metrics of ``model`` on ``dataset`` (the model is left in eval mode); none (``{}``) for an
    empty dataset, which has no loss and no BLEU (sacrebleu fails on an empty corpus).

    Translation: BLEU and chrF of the first ``max_decode`` pairs, decoded greedily in batches (or
    with a beam of width ``beam``). ``progress(n)`` is told of every n examples decoded or
    classified."""
    model.eval()
    if not dataset.encoded:
        return {}
    total_loss = total_count = 0.0
    for indices in bucket_batches(dataset.lengths(), 64, shuffle=False):
        batch = dataset.collate(indices).to(device)
        loss, count = batch_loss(model, batch)
        total_loss += float(loss) * count
        total_count += count
    metrics: dict[str, Any] = {"loss": total_loss / max(total_count, 1)}
    if dataset.kind == "nli":
        metrics.update(_nli_metrics(model, dataset, device, progress))
    else:
        decoding = {"max_decode": max_decode, "beam": beam, "progress": progress}
        metrics.update(
            _translation_metrics(model, dataset, tokenizers, device, by_length, decoding)
        )
    return metrics


def _nli_metrics(model, dataset: Dataset, device, progress=None) -> dict[str, Any]:
    predicted, gold = [], []
    for indices in bucket_batches(dataset.lengths(), 128, shuffle=False):
        batch = dataset.collate(indices).to(device)
        logits = model(
            batch.premise, batch.premise_lens, batch.hypothesis, batch.hypothesis_lens
        ).logits
        predicted += logits.argmax(-1).tolist()
        gold += batch.labels.tolist()
        if progress is not None:
            progress(len(indices))
    return {
        "accuracy": accuracy(predicted, gold),
        "confusion": confusion_matrix(predicted, gold, len(NLI_LABELS)).tolist(),
        "labels": list(NLI_LABELS),
    }


def output_text(tokenizer: Tokenizer, ids: Sequence[int]) -> str:
    """The text of decoded target ids (EOS dropped): what is printed, written to files and scored
    against the references (BLEU, chrF). The one place where output ids become text."""
    return tokenizer.decode([i for i in ids if i != EOS_ID])


def _translation_metrics(model, dataset: Dataset, tokenizers, device, by_length, decoding):
    count = min(decoding["max_decode"], len(dataset.encoded))
    sources = [source_ids + [EOS_ID] for source_ids, _ in dataset.encoded[:count]]
    outputs = decode_many(
        model,
        sources,
        [2 * len(source) + 8 for source in sources],  # twice the source without EOS, and 10
        beam=decoding["beam"],
        progress=decoding["progress"],
    )
    hypotheses = [output_text(tokenizers["target"], ids) for ids in outputs]
    references = [pair.target for pair in dataset.pairs[:count]]
    # words as the source tokenizer sees them: a Chinese sentence is not one whitespace word
    source_lengths = [
        len(tokenizers["source"].words(pair.source)) for pair in dataset.pairs[:count]
    ]
    metrics: dict[str, Any] = {
        "bleu": bleu(hypotheses, references),
        "chrf": chrf(hypotheses, references),
    }
    if by_length:
        buckets = {}
        for low, high in LENGTH_BUCKETS:
            chosen = [i for i, n in enumerate(source_lengths) if low <= n <= high]
            if chosen:
                label = f"{low}-{high}" if high < 1000 else f"{low}+"
                buckets[label] = {
                    "bleu": bleu([hypotheses[i] for i in chosen], [references[i] for i in chosen]),
                    "count": len(chosen),
                }
        metrics["bleu_by_length"] = buckets
    metrics.update(attention_aer(model, dataset, tokenizers, device, count))
    return metrics


def attention_aer(model, dataset: Dataset, tokenizers, device, count: int) -> dict[str, Any]:
    """AER of each layer's cross attention (mean over heads) on teacher-forced gold targets, merged
    from pieces to words. Reports the best layer as ``aer`` and every layer in ``aer_by_layer``.

    Row t of a teacher-forced cross map produces target piece t and key s is source piece s; the
    EOS row and column are left out. Pairs cut to the length limit are skipped.
    """
    source_tok, target_tok = tokenizers["source"], tokenizers["target"]
    chosen = [
        i
        for i in range(count)
        if dataset.pairs[i].alignment is not None and not _was_cut(dataset, i, tokenizers)
    ]
    if not chosen:
        return {}
    predicted: dict[int, list[set]] = {}
    gold = []
    for start in range(0, len(chosen), 64):
        indices = chosen[start : start + 64]
        batch = dataset.collate(indices).to(device)
        maps = model(batch.src, batch.src_lens, batch.tgt_in, capture=True).maps
        cross = [m for m in maps if m.kind == "cross"]
        if not cross:
            return {}
        for row, index in enumerate(indices):
            source_ids, target_ids = dataset.encoded[index][:2]
            source_pieces = [source_tok.id_to_piece(i) for i in source_ids]
            target_pieces = [target_tok.id_to_piece(i) for i in target_ids]
            source_groups = source_tok.word_groups(source_pieces)
            target_groups = target_tok.word_groups(target_pieces)
            gold.append(
                merged_links(
                    dataset.pairs[index].alignment,
                    source_tok.word_positions(source_pieces),
                    target_tok.word_positions(target_pieces),
                )
            )
            for attention in cross:
                weights = attention.weights[row, :, : len(target_ids), : len(source_ids)]
                weights = weights.float().cpu().numpy().mean(axis=0, keepdims=True)
                words = merge_map(weights, target_groups, source_groups)[0]
                predicted.setdefault(attention.layer, []).append(hard_alignment(words))
    by_layer = {layer: alignment_error_rate(links, gold) for layer, links in predicted.items()}
    best = min(by_layer, key=by_layer.get)
    return {"aer": by_layer[best], "aer_layer": best, "aer_by_layer": by_layer}


def merged_links(alignment, col_of: list[int], row_of: list[int]) -> set[tuple[int, int]]:
    """Word links (source word, target word) as links between the merged words holding them
    (``Tokenizer.word_positions``); links to words past the pieces are left out."""
    return {(col_of[s], row_of[t]) for s, t in alignment if s < len(col_of) and t < len(row_of)}


def _was_cut(dataset: Dataset, index: int, tokenizers) -> bool:
    """True when ``encode`` cut the pair at ``index`` to the length limit."""
    pair, (source_ids, target_ids) = dataset.pairs[index], dataset.encoded[index][:2]
    return len(tokenizers["source"].encode(pair.source)) != len(source_ids) or len(
        tokenizers["target"].encode(pair.target)
    ) != len(target_ids)


def sentence_aer(weights: np.ndarray, gold) -> float:
    """AER of one (target words, source words) attention map against its gold links."""
    return alignment_error_rate([hard_alignment(weights)], [gold])
