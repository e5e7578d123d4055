"""``HFClassifier``: a Hugging Face sequence-pair classifier (BERT, RoBERTa, DeBERTa, ELECTRA, ...
fine-tuned for NLI) behind the ``Classifier`` interface: its labels from ``config.id2label`` and
the pair's self-attention of every layer and head."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from core_models.hf.tokens import HFTokenizer
from core_models.hf.translator import HFSource, hf_card
from core_models.inference import Classifier, NLIResult
from core_models.record import CapturedMap, build_record


class HFClassifier(Classifier):
    """Classify a premise / hypothesis pair with a ``transformers`` sequence classifier."""

    def __init__(self, model: Any, tokenizer: Any, name: str, path: str) -> None:
        # Classifier's own __init__ reads a project checkpoint; this one has a model and tokenizer.
        self.name, self.path, self.checkpoint, self.meta = name, path, HFSource(path), {}
        self.model = model.eval()
        self.family = type(model).__name__.removesuffix("ForSequenceClassification")
        self.tokenizer = HFTokenizer(tokenizer)
        id2label = model.config.id2label
        self.labels = tuple(str(id2label[i]).lower() for i in range(len(id2label)))
        self.positions = int(getattr(model.config, "max_position_embeddings", 0) or 512)
        self.max_source_len = min(self.positions, 512)

    @property
    def task(self) -> str:
        return "nli"

    def card(self) -> dict[str, Any]:
        return hf_card(self, self.model, self.family)

    def samples(self, count: int = 8, split: str = "test") -> list:
        return []

    @torch.inference_mode()
    def classify(
        self, premise: str, hypothesis: str, gold_alignment: tuple | None = None
    ) -> NLIResult:
        """Label the pair as the tokenizer joins it (``[CLS] p [SEP] h [SEP]``, ``<s> p </s></s> h
        </s>``, ...); the record holds ``pair_self`` of every layer."""
        encoded = self.tokenizer.hf(
            premise, hypothesis, truncation=True, max_length=self.max_source_len
        )
        ids = list(encoded["input_ids"])
        kwargs = {"input_ids": torch.tensor([ids])}
        if "token_type_ids" in encoded:
            kwargs["token_type_ids"] = torch.tensor([encoded["token_type_ids"]])
        output = self.model(**kwargs, output_attentions=True)
        probs = torch.softmax(output.logits[0].float(), dim=-1).tolist()
        pieces = self.tokenizer.pieces(ids)
        sequence = encoded.sequence_ids() if hasattr(encoded, "sequence_ids") else [None] * len(ids)
        tokens = {
            "pair": pieces,
            "premise": [p for p, s in zip(pieces, sequence, strict=True) if s == 0],
            "hypothesis": [p for p, s in zip(pieces, sequence, strict=True) if s == 1],
        }
        maps = [
            CapturedMap("pair_self", layer, weights, "pair", "pair")
            for layer, weights in enumerate(output.attentions)
        ]
        record = build_record(maps, 0, tokens)
        if gold_alignment is not None:
            record.gold_alignment = self._gold_matrix(
                gold_alignment, tokens["premise"], tokens["hypothesis"]
            )
        return NLIResult(
            premise_pieces=tokens["premise"],
            hypothesis_pieces=tokens["hypothesis"],
            label=self.labels[int(np.argmax(probs))],
            probs=dict(zip(self.labels, probs, strict=True)),
            record=record,
            truncated=len(self.tokenizer.hf(premise, hypothesis)["input_ids"]) > len(ids),
            unknown_words=self.tokenizer.unknown_words(f"{premise} {hypothesis}"),
        )
