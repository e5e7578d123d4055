"""How a tokenizer normalises text (every kind) and how a word tokenizer splits and joins it,
saved with the tokenizer and applied alike when it is trained and when it encodes.

Every option is off by default, which is exactly the historical behaviour (tokenizer files written
before these options existed load with the defaults and split text as they always did):

- ``lowercase``: "I'm" and "i'm" are one word (GloVe 6B is lowercase too).
- ``fold_punctuation``: Unicode quotes, apostrophes and dashes (``’ “ ” « » – —``) folded to their
  ASCII forms by sacremoses' ``MosesPunctNormalizer`` (the Moses ``normalize-punctuation.perl``).
- ``moses`` (word tokenizers only): a language code ("en", "fr", "it", ...): words split with
  sacremoses' ``MosesTokenizer`` (punctuation apart, French / Italian elisions ``l' d' qu' c'``
  kept as words of their own, English clitics ``'m 'll n't``) and output joined back with
  ``MosesDetokenizer`` ("Je sais." rather than "Je sais ."). Empty: split on spaces and end
  punctuation.
- ``segment`` (word tokenizers only): "jieba" cuts runs of Chinese characters into words (``segment.segment``) after the
  split, with ``user_words`` added to jieba's dictionary (saved in the tokenizer JSON), and joins
  output words without a space next to Chinese ("我是老师。"). Empty: a Chinese run stays one word.

The first two are ``NORMALISING``: the options of the sentencepiece (bpe, unigram) and character
tokenizers, which take text as it is otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import cached_property, lru_cache
from typing import Any

from core_models.errors import WorkbenchError
from core_models.tokenizers.segment import SEGMENTERS, join, segment

NORMALISING = ("lowercase", "fold_punctuation")  # the options of every tokenizer kind


class TokenizerOptionError(WorkbenchError, ValueError):
    """A tokenizer option that cannot be used."""


@dataclass(frozen=True)
class TextOptions:
    lowercase: bool = False
    fold_punctuation: bool = False
    moses: str = ""  # language code for the Moses tokenizer and detokenizer; "": off
    segment: str = ""  # "jieba" or "": off
    user_words: tuple[str, ...] = ()  # added to the segmenter's dictionary

    def __post_init__(self) -> None:
        for name in ("lowercase", "fold_punctuation"):
            if not isinstance(getattr(self, name), bool):
                raise TokenizerOptionError(f"tokenizer option {name} must be true or false")
        if not isinstance(self.moses, str) or (self.moses and not self.moses.isalpha()):
            raise TokenizerOptionError(
                f"tokenizer option moses must be a language code such as 'en' or 'fr' "
                f"(or '' for off), not {self.moses!r}"
            )
        if self.segment not in ("", *SEGMENTERS):
            raise TokenizerOptionError(
                f"tokenizer option segment must be one of {', '.join(SEGMENTERS)} "
                f"(or '' for off), not {self.segment!r}"
            )
        words = self.user_words
        if not isinstance(words, (list, tuple)) or not all(isinstance(w, str) and w for w in words):
            raise TokenizerOptionError("tokenizer option user_words must be a list of words")
        object.__setattr__(self, "user_words", tuple(words))

    @classmethod
    def normalising(cls, kind: str, **options: Any) -> TextOptions:
        """The options of a ``kind`` tokenizer that only normalises (``NORMALISING``)."""
        other = sorted(set(options) - set(NORMALISING))
        if other:
            raise TokenizerOptionError(
                f"tokenizer option {other[0]} is for word tokenizers, not {kind}; a {kind} "
                f"tokenizer takes {', '.join(NORMALISING)}"
            )
        return cls(**options)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TextOptions:
        """The options among a saved tokenizer's ``options`` (absent ones: off)."""
        return cls(**{f.name: state[f.name] for f in fields(cls) if f.name in state})

    def to_state(self, names: tuple[str, ...] = ()) -> dict[str, Any]:
        """The options (only ``names`` when given) as saved with the tokenizer."""
        state = asdict(self)
        state["user_words"] = list(self.user_words)
        return {name: state[name] for name in names} if names else state

    @cached_property
    def _normalizer(self):
        """sacremoses' punctuation normaliser, memoised by text: it runs some forty regular
        expressions per call (~80 µs), and a corpus repeats its sentences (the NLI task's
        premises: 126,600 calls took 10.5 s of a 2-step `train decomposable-nli`)."""
        from sacremoses import MosesPunctNormalizer

        return lru_cache(maxsize=1 << 16)(MosesPunctNormalizer(lang=self.moses or "en").normalize)

    @cached_property
    def _moses(self):
        from sacremoses import MosesDetokenizer, MosesTokenizer

        return MosesTokenizer(lang=self.moses), MosesDetokenizer(lang=self.moses)

    def normalise(self, text: str) -> str:
        """The text after folding and lowercasing (already NFKC-normalised by the caller)."""
        if self.fold_punctuation:
            text = self._normalizer(text)
        return text.lower() if self.lowercase else text

    def split(self, text: str) -> list[str]:
        """Moses words of a normalised text (``moses`` set)."""
        return self._moses[0].tokenize(text, escape=False)

    def segmented(self, words: list[str]) -> list[str]:
        """``words`` with their Chinese runs cut into words (``segment`` set)."""
        return segment(words, self.user_words) if self.segment else words

    def join(self, words: list[str]) -> str:
        """Output words as text: Moses detokenised when ``moses`` is set, without spaces next to
        Chinese when ``segment`` is, else space-joined."""
        if self.moses:
            return self._moses[1].detokenize(words)
        if self.segment:
            return join(words)
        return " ".join(words)
