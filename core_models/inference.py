"""Text in, attention record out: the layer the CLI and the GUI share.

``load_model(name_or_path)`` finds a bundled model (``resources/models/<name>``), a user model
(``<user data directory>/models/<name>``, see ``core_models.paths``) or a checkpoint directory,
and wraps it as a ``Translator`` or a ``Classifier``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core_models import decoding, model_list
from core_models.data.batching import collate_nli
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.data.tasks import TASKS, get_task
from core_models.model_list import ModelEntry
from core_models.models.base import CLS_ID, EOS_ID, NLI_LABELS, SEP_ID, UNK_ID
from core_models.oov import OOVReport, out_of_vocabulary
from core_models.paths import bundled_models_dir, user_models_dir
from core_models.record import AttentionRecord, build_record
from core_models.training.checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    read_config,
)
from core_models.training.evaluate import output_text

DEFAULT_MAX_SOURCE = 100


def list_models() -> list[ModelEntry]:
    """Bundled models first, then the user's, each sorted by name; unreadable ones (any field of
    config.json wrong) are skipped."""
    roots = [("bundled", bundled_models_dir()), ("user", user_models_dir())]
    return model_list.list_models(roots, read_config)


def resolve_model(name_or_path: str | Path) -> Path:
    """A checkpoint path from a bundled or user model name, or a directory path (a Hugging Face
    ``hf:NAME`` is no path: ``load_model`` opens it)."""
    if isinstance(name_or_path, str) and name_or_path.startswith("hf:"):
        raise CheckpointError(f"'{name_or_path}' is a Hugging Face model name, not a checkpoint")
    path = Path(name_or_path)
    if path.is_dir():
        return path
    for root in (bundled_models_dir(), user_models_dir()):
        if (root / str(name_or_path)).is_dir():
            return root / str(name_or_path)
    known = ", ".join(entry.name for entry in list_models()) or "none"
    raise CheckpointError(
        f"'{name_or_path}' is neither a checkpoint directory nor a known model ({known})"
    )


def load_model(name_or_path: str | Path) -> Translator | Classifier:
    """A bundled or user model, a checkpoint directory, or a Hugging Face model: ``hf:NAME`` or a
    ``save_pretrained`` directory (``core_models.hf``, the ``[hf]`` extra)."""
    from core_models import hf  # light: transformers is imported only when a model is opened

    if hf.is_hf_name(name_or_path) or hf.is_hf_directory(name_or_path):
        return hf.load_hf(name_or_path)
    path = resolve_model(name_or_path)
    checkpoint = load_checkpoint(path)
    name = Path(path).name if Path(path).name != "model" else Path(path).parent.name
    wrapper = Translator if checkpoint.task_kind == "translation" else Classifier
    return wrapper(checkpoint, name)


class _Wrapped:
    """What Translator and Classifier share: the checkpoint, a model card, samples, limits."""

    def __init__(self, checkpoint: Checkpoint, name: str):
        self.checkpoint, self.name = checkpoint, name
        self.model, self.family, self.meta = checkpoint.model, checkpoint.family, checkpoint.meta
        train_config = self.meta.get("train_config", {})
        # Position tables bound the inputs: a translation model's source and target each have
        # max_len positions; an NLI pair sequence [CLS] p [SEP] h [SEP] has 2 * limit + 1.
        self.positions = int(self.meta.get("model", {}).get("max_len", 0))
        by_positions = (
            (self.positions - 1) // 2 if checkpoint.task_kind == "nli" else self.positions
        )
        limits = [int(train_config.get("data", {}).get("max_len", 0)), by_positions]
        self.max_source_len = min((n for n in limits if n > 0), default=DEFAULT_MAX_SOURCE)

    @property
    def task(self) -> str:
        return self.meta.get("task", "")

    def card(self) -> dict[str, Any]:
        """Family, task, parameter count and metrics, for the model card."""
        return {
            "name": self.name,
            "family": self.family,
            "task": self.task,
            "parameters": sum(p.numel() for p in self.model.parameters()),
            "metrics": self.meta.get("metrics", {}),
            "path": str(self.checkpoint.path),
        }

    def samples(self, count: int = 8, split: str = "test") -> list[TranslationPair] | list[NLIPair]:
        """Example inputs from the model's task ([] for models trained on the user's files)."""
        if self.task not in TASKS:
            return []
        return get_task(self.task).generate(split, seed=0, size=max(count, 1))[:count]

    def evaluate(
        self, split: str = "test", size: int = 0, by_length: bool = False
    ) -> dict[str, Any]:
        """Metrics on a split of the model's bundled task (``attention-workbench evaluate``)."""
        from core_models.training.data import encode
        from core_models.training.evaluate import evaluate

        if self.task not in TASKS:
            raise ValueError(
                f"{self.name} was trained on '{self.task or 'user files'}', not a bundled task"
            )
        task = TASKS[self.task]
        pairs = task.generate(split, seed=0, size=size or None)
        tokenizers = self.checkpoint.tokenizers
        dataset = encode(task.kind, pairs, tokenizers, self.max_source_len, False)
        metrics = evaluate(
            self.model, dataset, tokenizers, max_decode=len(pairs), by_length=by_length
        )
        return {"model": self.name, "split": split, "examples": len(pairs), **metrics}

    def _truncate(self, ids: list[int]) -> tuple[list[int], bool]:
        """At most max_source_len - 1 ids: room for EOS (translation) or the pair's specials."""
        limit = self.max_source_len - 1
        return (ids[:limit], True) if len(ids) > limit else (ids, False)


@dataclass
class TranslationResult:
    source_pieces: list[str]  # the source as the model saw it, EOS included
    output_pieces: list[str]  # produced pieces, EOS included if it finished
    output_text: str
    record: AttentionRecord
    beam: decoding.BeamResult | None = None
    truncated: bool = False  # the source was longer than the model's limit
    unknown_words: list[str] = field(default_factory=list)
    forced: bool = False


@dataclass
class BatchTranslation:
    """One output of ``Translator.translate_many``."""

    output_text: str
    truncated: bool  # the source was longer than the model's limit


class Translator(_Wrapped):
    """Translate text with greedy, beam or forced decoding, capturing every attention map."""

    def __init__(self, checkpoint: Checkpoint, name: str):
        super().__init__(checkpoint, name)
        self.source_tokenizer = checkpoint.tokenizers["source"]
        self.target_tokenizer = checkpoint.tokenizers["target"]

    def translate(
        self,
        text: str,
        beam: int = 1,
        max_len: int = 0,
        reference: str | None = None,
        length_penalty: float = 1.0,
        gold_alignment: tuple | None = None,
    ) -> TranslationResult:
        """Decode ``text``; with ``reference`` the model is forced to produce it (forced decoding)."""
        source_ids, truncated = self._source_ids(text)
        pieces = self._source_pieces(source_ids)
        max_len = self._max_len(source_ids, max_len)
        piece = self.target_tokenizer.id_to_piece
        beam_result = None
        if reference is not None:
            target_ids = self._reference_ids(reference)
            hypothesis = decoding.forced(self.model, source_ids, target_ids, id_to_piece=piece)
        elif beam > 1:
            beam_result = decoding.beam_search(
                self.model,
                source_ids,
                width=beam,
                length_penalty=length_penalty,
                max_len=max_len,
                id_to_piece=piece,
            )
            hypothesis = beam_result.best
        else:
            hypothesis = decoding.greedy(self.model, source_ids, max_len=max_len, id_to_piece=piece)
        record = decoding.record_for(hypothesis, pieces)
        if gold_alignment is not None:
            record.gold_alignment = self._gold_matrix(gold_alignment, record)
        output_ids = [i for i in hypothesis.token_ids if i != EOS_ID]
        return TranslationResult(
            source_pieces=pieces,
            output_pieces=[s.token for s in hypothesis.steps],
            output_text=self.detokenize(output_ids),
            record=record,
            beam=beam_result,
            truncated=truncated,
            unknown_words=self.source_tokenizer.unknown_words(text),
            forced=reference is not None,
        )

    def _source_pieces(self, source_ids: Sequence[int]) -> list[str]:
        """The source pieces the record shows for ``source_ids``."""
        return [self.source_tokenizer.id_to_piece(i) for i in source_ids]

    def _reference_ids(self, reference: str) -> list[int]:
        """The target ids forced decoding produces for ``reference``, EOS_ID last (cut to the
        model's positions)."""
        target_ids = self.target_tokenizer.encode(reference)
        if self.positions:  # room for EOS
            target_ids = target_ids[: self.positions - 1]
        return target_ids + [EOS_ID]

    def translate_many(
        self,
        texts: Sequence[str],
        beam: int = 1,
        max_len: int = 0,
        length_penalty: float = 1.0,
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> list[BatchTranslation]:
        """Translate every text without capturing maps (greedy in batches, beam one by one):
        each output is the one ``translate`` gives for that text alone."""
        encoded = [self._source_ids(text) for text in texts]
        sources = [source_ids for source_ids, _ in encoded]
        outputs = decoding.decode_many(
            self.model,
            sources,
            [self._max_len(source_ids, max_len) for source_ids in sources],
            beam=beam,
            length_penalty=length_penalty,
            batch_size=batch_size,
            progress=progress,
        )
        return [
            BatchTranslation(self.detokenize(ids), truncated)
            for ids, (_, truncated) in zip(outputs, encoded, strict=True)
        ]

    def detokenize(self, ids: Sequence[int]) -> str:
        """The text of output ids (see ``training.evaluate.output_text``)."""
        return output_text(self.target_tokenizer, ids)

    def unknown(self, texts: Sequence[str]) -> OOVReport:
        """The source words of ``texts`` the model does not know."""
        return out_of_vocabulary(self.source_tokenizer, texts)

    def _source_ids(self, text: str) -> tuple[list[int], bool]:
        """The source ids the model reads (cut to its limit, EOS added) and whether it was cut."""
        ids, truncated = self._truncate(self.source_tokenizer.encode(text))
        return ids + [EOS_ID], truncated

    def _max_len(self, source_ids: list[int], max_len: int) -> int:
        """The decoding limit: ``max_len`` or twice the source and 10, within the positions."""
        max_len = max_len or 2 * len(source_ids) + 10
        if self.positions:  # the decoder cannot read past its last position
            max_len = min(max_len, self.positions)
        return max_len

    def _gold_matrix(self, alignment, record: AttentionRecord) -> np.ndarray | None:
        """(target words, source words) 0/1 from the word links, sized like the cross map merged
        to words (each EOS is a word of its own; a merged word holding several linked words, as a
        BPE piece spanning two Chinese words makes, takes all their links); links past the
        decoded output are left out."""
        if "cross" not in record.kinds():
            return None
        cross = record.get("cross", 0)
        rows = len(self.target_tokenizer.word_groups(cross.query_tokens))
        cols = len(self.source_tokenizer.word_groups(cross.key_tokens))
        row_of = self.target_tokenizer.word_positions(cross.query_tokens)
        col_of = self.source_tokenizer.word_positions(cross.key_tokens)
        matrix = np.zeros((rows, cols), dtype=np.float32)
        for source_word, target_word in alignment:
            if target_word < len(row_of) and source_word < len(col_of):
                matrix[row_of[target_word], col_of[source_word]] = 1.0
        return matrix

    def partial_record(self, result: TranslationResult, step: int, index: int) -> AttentionRecord:
        """The record of the beam's partial hypothesis ending at node (step, index)."""
        if result.beam is None:
            raise ValueError("this translation was not made with beam search")
        return decoding.record_for(result.beam.partial(step, index), result.source_pieces)


@dataclass
class NLIResult:
    premise_pieces: list[str]
    hypothesis_pieces: list[str]
    label: str
    probs: dict[str, float]
    record: AttentionRecord
    truncated: bool = False
    unknown_words: list[str] = field(default_factory=list)


@dataclass
class BatchClassification:
    """One output of ``Classifier.classify_many``."""

    label: str
    probs: dict[str, float]
    truncated: bool


class Classifier(_Wrapped):
    """Classify a premise / hypothesis pair, capturing every attention map."""

    def __init__(self, checkpoint: Checkpoint, name: str):
        super().__init__(checkpoint, name)
        self.tokenizer = checkpoint.tokenizers["text"]

    @torch.inference_mode()
    def classify(
        self, premise: str, hypothesis: str, gold_alignment: tuple | None = None
    ) -> NLIResult:
        """Label the pair; ``gold_alignment``: the pair's word links (premise word i, hypothesis
        word j), as ``NLIPair.alignment`` gives them, kept in the record (see ``_gold_matrix``)."""
        premise_ids, cut_premise = self._truncate(self.tokenizer.encode(premise))
        hypothesis_ids, cut_hypothesis = self._truncate(self.tokenizer.encode(hypothesis))
        premise_ids = premise_ids or [UNK_ID]  # an empty text is read as one unknown word
        hypothesis_ids = hypothesis_ids or [UNK_ID]
        output = self.model(
            torch.tensor([premise_ids]),
            torch.tensor([len(premise_ids)]),
            torch.tensor([hypothesis_ids]),
            torch.tensor([len(hypothesis_ids)]),
            capture=True,
        )
        probs = torch.softmax(output.logits[0].float(), dim=-1).tolist()
        premise_pieces = [self.tokenizer.id_to_piece(i) for i in premise_ids]
        hypothesis_pieces = [self.tokenizer.id_to_piece(i) for i in hypothesis_ids]
        cls, sep = self.tokenizer.id_to_piece(CLS_ID), self.tokenizer.id_to_piece(SEP_ID)
        tokens = {
            "premise": premise_pieces,
            "hypothesis": hypothesis_pieces,
            "pair": [cls, *premise_pieces, sep, *hypothesis_pieces, sep],
        }
        record = build_record(output.maps, 0, tokens)
        if gold_alignment is not None:
            record.gold_alignment = self._gold_matrix(
                gold_alignment, premise_pieces, hypothesis_pieces
            )
        return NLIResult(
            premise_pieces=premise_pieces,
            hypothesis_pieces=hypothesis_pieces,
            label=NLI_LABELS[int(np.argmax(probs))],
            probs=dict(zip(NLI_LABELS, probs, strict=True)),
            record=record,
            truncated=cut_premise or cut_hypothesis,
            unknown_words=self.tokenizer.unknown_words(f"{premise} {hypothesis}"),
        )

    @torch.inference_mode()
    def classify_many(
        self,
        pairs: Sequence[tuple[str, str]],
        batch_size: int = 128,
        progress: Callable[[int], None] | None = None,
    ) -> list[BatchClassification]:
        """Label every (premise, hypothesis) pair in padded batches, maps not captured: each
        label and its probabilities are those ``classify`` gives for that pair alone."""
        encoded = [[self._truncate(self.tokenizer.encode(text)) for text in pair] for pair in pairs]
        results = []
        for start in range(0, len(encoded), batch_size):
            chunk = encoded[start : start + batch_size]
            batch = collate_nli(
                [premise or [UNK_ID] for (premise, _), _ in chunk],
                [hypothesis or [UNK_ID] for _, (hypothesis, _) in chunk],
                [0] * len(chunk),
                list(range(len(chunk))),
            )
            logits = self.model(
                batch.premise, batch.premise_lens, batch.hypothesis, batch.hypothesis_lens
            ).logits
            for row, ((_, cut_premise), (_, cut_hypothesis)) in zip(
                torch.softmax(logits.float(), dim=-1).tolist(), chunk, strict=True
            ):
                label = NLI_LABELS[int(np.argmax(row))]
                probs = dict(zip(NLI_LABELS, row, strict=True))
                results.append(BatchClassification(label, probs, cut_premise or cut_hypothesis))
            if progress is not None:
                progress(len(chunk))
        return results

    def unknown(self, texts: Sequence[str]) -> OOVReport:
        """The words of ``texts`` (premises and hypotheses) the model does not know."""
        return out_of_vocabulary(self.tokenizer, texts)

    def _gold_matrix(
        self, alignment, premise_pieces: list[str], hypothesis_pieces: list[str]
    ) -> np.ndarray:
        """(hypothesis words, premise words) 0/1 from the word links, oriented like a
        translation's (target words, source words): as the ``hypothesis_to_premise`` map, and
        transposed for ``premise_to_hypothesis``. Sized like the pieces merged to words; links
        past a truncated text are left out."""
        rows = len(self.tokenizer.word_groups(hypothesis_pieces))
        cols = len(self.tokenizer.word_groups(premise_pieces))
        matrix = np.zeros((rows, cols), dtype=np.float32)
        for premise_word, hypothesis_word in alignment:
            if hypothesis_word < rows and premise_word < cols:
                matrix[hypothesis_word, premise_word] = 1.0
        return matrix
