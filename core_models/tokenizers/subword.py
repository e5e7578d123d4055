"""Sub-word tokenizers trained with sentencepiece: BPE (Sennrich et al. 2016) and the unigram
language model (Kudo 2018), with byte fallback so that no text is ever un-encodable.

Training runs in-process from an iterable of texts (no temporary files); the model is kept as its
serialized proto and saved beside the tokenizer JSON as ``<name>.model``.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

import sentencepiece as spm

from core_models.models.base import BOS_ID, EOS_ID, PAD_ID, UNK_ID
from core_models.tokenizers.base import CONTROL_IDS, SPECIAL_PIECES, Tokenizer
from core_models.tokenizers.text_options import NORMALISING, TextOptions

logger = logging.getLogger(__name__)

META_PIECES = len(SPECIAL_PIECES) + 256  # special ids and the 256 byte pieces
TEXT_OPTIONS = [option.name for option in fields(TextOptions)]  # the tokenizer's, not the trainer's
# Trainer flags that fix the special ids and the normalisation: not for callers to change.
_FIXED_OPTIONS = {
    "pad_id": PAD_ID,
    "unk_id": UNK_ID,
    "bos_id": BOS_ID,
    "eos_id": EOS_ID,
    "pad_piece": SPECIAL_PIECES[PAD_ID],
    "unk_piece": SPECIAL_PIECES[UNK_ID],
    "bos_piece": SPECIAL_PIECES[BOS_ID],
    "eos_piece": SPECIAL_PIECES[EOS_ID],
    "control_symbols": SPECIAL_PIECES[EOS_ID + 1 :],  # <cls>, <sep>: ids 4, 5
    "byte_fallback": True,
    "normalization_rule_name": "identity",  # normalize_text has already run
    "remove_extra_whitespaces": False,
    "minloglevel": 2,  # silence the trainer's stderr log
}


class SentencePieceTokenizer(Tokenizer):
    """BPE or unigram pieces; ``▁`` marks the start of a word, ``<0xE4>`` is a byte."""

    def __init__(
        self,
        kind: str,
        model_proto: bytes,
        training_words: Counter[str] | None = None,
        **text_options: Any,
    ) -> None:
        super().__init__(training_words)
        self.kind = kind
        self.model_proto = model_proto
        self.text_options = TextOptions.normalising(kind, **text_options)
        self._processor = spm.SentencePieceProcessor(model_proto=model_proto)

    @classmethod
    def train(
        cls, kind: str, texts: list[str], vocab_size: int, **options: Any
    ) -> SentencePieceTokenizer:
        """Train on normalised ``texts``; ``lowercase`` and ``fold_punctuation`` (text_options)
        are the tokenizer's, other options go to ``spm.SentencePieceTrainer.train`` (e.g.
        ``character_coverage``, ``input_sentence_size``)."""
        text_options = {name: options.pop(name) for name in TEXT_OPTIONS if name in options}
        normalising = TextOptions.normalising(kind, **text_options)
        texts = [normalising.normalise(text) for text in texts]
        fixed = sorted(set(options) & set(_FIXED_OPTIONS))
        if fixed:
            raise ValueError(
                f"option(s) {', '.join(fixed)} cannot be changed: special ids and normalisation "
                "are the same in every tokenizer"
            )
        texts = [text for text in texts if text]
        if not texts:
            raise ValueError(f"cannot train a {kind} tokenizer: no non-empty text was given")
        model = io.BytesIO()
        try:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(texts),
                model_writer=model,
                model_type=kind,
                vocab_size=vocab_size,
                hard_vocab_limit=False,  # small corpora give a smaller vocabulary, not an error
                **_FIXED_OPTIONS,
                **options,
            )
        except RuntimeError as error:
            sizes = re.search(
                r"Vocabulary size is smaller than required_chars\. (\d+) vs (\d+)", str(error)
            )
            if sizes:
                needed = int(sizes.group(2))
                raise ValueError(
                    f"vocab_size {vocab_size} is too small for a {kind} tokenizer of these texts: "
                    f"it needs at least {needed} ({len(SPECIAL_PIECES)} special ids, 256 byte "
                    f"pieces and {needed - META_PIECES} characters)"
                ) from error
            raise ValueError(
                f"sentencepiece could not train a {kind} tokenizer: {error}"
            ) from error
        tokenizer = cls(kind, model.getvalue(), **text_options)
        logger.info("trained a %s tokenizer with %d pieces", kind, tokenizer.vocab_size)
        return tokenizer

    @classmethod
    def load(
        cls, state: dict[str, Any], directory: Path, name: str, training_words: Counter[str]
    ) -> SentencePieceTokenizer:
        model_path = directory / f"{name}.model"
        if not model_path.is_file():
            raise FileNotFoundError(
                f"{model_path}: the sentencepiece model of tokenizer '{name}' is missing"
            )
        options = state.get("options", {})
        return cls(state["kind"], model_path.read_bytes(), training_words, **options)

    @property
    def vocab_size(self) -> int:
        return self._processor.get_piece_size()

    def encode(self, text: str) -> list[int]:
        return self._processor.encode(self.normalise(text), out_type=int)

    def decode(self, ids: Iterable[int]) -> str:
        kept = []
        for token_id in ids:
            self._check_id(token_id)
            if token_id not in CONTROL_IDS:
                kept.append(token_id)
        return self._processor.decode(kept)

    def id_to_piece(self, token_id: int) -> str:
        self._check_id(token_id)
        return self._processor.id_to_piece(token_id)

    def piece_to_id(self, piece: str) -> int:
        return self._processor.piece_to_id(piece)

    def _state(self) -> dict[str, Any]:
        return {"vocab_size": self.vocab_size, "options": self.text_options.to_state(NORMALISING)}

    def save(self, directory: str | Path, name: str) -> Path:
        path = super().save(directory, name)
        (Path(directory) / f"{name}.model").write_bytes(self.model_proto)
        return path
