"""``HFTranslator``: a Hugging Face encoder-decoder behind the ``Translator`` interface the app and
the command line use (greedy, beam with its tree, forced decoding from a reference)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core_models.hf.seq2seq import HFSeq2Seq
from core_models.hf.tokens import HFTokenizer
from core_models.inference import Translator
from core_models.models.base import EOS_ID

# The family names the model card shows: what a user reads in the model's own documentation.
MODEL_FAMILIES = {
    "marian": "MarianMT",
    "t5": "T5",
    "bart": "BART",
    "mbart": "mBART",
    "gpt2": "GPT-2",
}


@dataclass(frozen=True)
class HFSource:
    """What the app reads of a checkpoint: where the model came from (a folder or ``NAME``)."""

    path: str


def hf_card(wrapper: Any, model: Any, family: str) -> dict[str, Any]:
    """The model card of a wrapped Hugging Face model."""
    return {
        "name": wrapper.name,
        "family": family,
        "task": wrapper.task,
        "parameters": sum(p.numel() for p in model.parameters()),
        "metrics": {},
        "path": wrapper.path,
    }


class HFTranslator(Translator):
    """Translate with a ``transformers`` seq2seq model; see ``Translator.translate``."""

    def __init__(
        self, model: Any, tokenizer: Any, name: str, path: str, adapter: Any = None
    ) -> None:
        # Translator's own __init__ reads a project checkpoint; this one has a model and tokenizer.
        self.name, self.path, self.checkpoint, self.meta = name, path, HFSource(path), {}
        self.model = adapter or HFSeq2Seq(model)
        model_type = model.config.model_type
        self.family = MODEL_FAMILIES.get(model_type, model_type)
        self.positions = int(getattr(model.config, "max_position_embeddings", 0) or 512)
        self.max_source_len = min(self.positions, 512)
        self.source_tokenizer = HFTokenizer(tokenizer)
        self.target_tokenizer = _TargetTokenizer(tokenizer, self.model)

    @property
    def task(self) -> str:
        return "translation"

    def card(self) -> dict[str, Any]:
        return hf_card(self, self.model.hf, self.family)

    def samples(self, count: int = 8, split: str = "test") -> list:
        return []

    def decode_limit(self, source_len: int) -> int:
        """The most tokens the decoder has positions for."""
        return self.positions

    # _source_ids, _max_len and detokenize: the names Translator's batch translation also calls.
    def _source_ids(self, text: str) -> tuple[list[int], bool]:
        """The ids the model reads, its own special tokens included, cut to its limit keeping the
        closing special tokens (``</s>``, mBART's ``</s> en_XX``); and whether it was cut."""
        source_ids = self.source_tokenizer.encode(text)
        truncated = len(source_ids) > self.max_source_len
        if truncated:
            special = self.source_tokenizer.special_ids
            closing = len(source_ids)
            while closing > 0 and source_ids[closing - 1] in special:
                closing -= 1
            end = source_ids[closing:]
            source_ids = source_ids[: self.max_source_len - len(end)] + end
        return source_ids, truncated

    def _max_len(self, source_ids: list[int], max_len: int) -> int:
        return min(max_len or 2 * len(source_ids) + 10, self.decode_limit(len(source_ids)))

    def detokenize(self, ids) -> str:
        """The text of output ids (the decoders' ids, EOS_ID ending)."""
        return self.target_tokenizer.decode([i for i in ids if i != EOS_ID])

    def _source_pieces(self, source_ids: Sequence[int]) -> list[str]:
        """The source keeps the model's own special tokens, shown as its pieces."""
        return self.source_tokenizer.pieces(source_ids)

    def _reference_ids(self, reference: str) -> list[int]:
        """The reference as the decoder writes it, through its first EOS (mBART's target
        language code after it is what the decoder starts from, never a step)."""
        ids = self.model.swap_ids(self.target_tokenizer.encode_target(reference))
        return ids[: ids.index(EOS_ID) + 1] if EOS_ID in ids else ids


class _TargetTokenizer(HFTokenizer):
    """The target side: ids in the decoders' id space (the model's EOS swapped with ``EOS_ID``)."""

    def __init__(self, tokenizer: Any, model: HFSeq2Seq) -> None:
        super().__init__(tokenizer)
        self.model = model

    def encode_target(self, text: str) -> list[int]:
        """A reference as the decoder produces it, ending with its EOS, in the model's ids."""
        return list(self.hf(text_target=text)["input_ids"])

    def decode(self, ids) -> str:
        return super().decode(self.model.swap_ids(list(ids)))

    def id_to_piece(self, token_id: int) -> str:
        return super().id_to_piece(self.model.swap_ids([token_id])[0])
