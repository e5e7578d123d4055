"""Out-of-vocabulary words: which words of a text a model does not know, and how many.

A word is out of vocabulary when it never occurred in the tokenizer's training text
(``Tokenizer.unknown_words``) or when encoding it gives ``<unk>`` (a word tokenizer keeps only its
``vocab_size`` most frequent words). The command line prints ``OOVReport.note()`` on stderr for
every input, so a confident answer on text the model cannot read is never silent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from core_models.tokenizers import Tokenizer

# Above this share of out-of-vocabulary words, the note says the model does not know the text.
UNKNOWN_SHARE_WARNING = 0.5
NAMED_AT_MOST = 20  # words the note names; the rest are counted


@dataclass
class OOVReport:
    """words: the distinct out-of-vocabulary words in order of first occurrence; unknown: their
    occurrences; total: every word's occurrences."""

    words: list[str] = field(default_factory=list)
    unknown: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.unknown / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {
            "words": self.words,
            "unknown": self.unknown,
            "total": self.total,
            "share": round(self.share, 4),
        }

    def note(self, what: str = "the input") -> str | None:
        """One or two lines for stderr; None when every word is known."""
        if not self.unknown:
            return None
        named = ", ".join(self.words[:NAMED_AT_MOST])
        more = len(self.words) - NAMED_AT_MOST
        if more > 0:
            named += f" and {more} more"
        note = (
            f"note: {self.unknown} of {self.total} words of {what} ({100 * self.share:.0f} %) are "
            f"out of the model's vocabulary: {named}"
        )
        if self.share > UNKNOWN_SHARE_WARNING:
            note += (
                f"\nwarning: the model does not know this text's vocabulary (more than "
                f"{100 * UNKNOWN_SHARE_WARNING:.0f} % of its words are unknown to it): its output "
                "says little about the text"
            )
        return note


def out_of_vocabulary(tokenizer: Tokenizer, texts: Iterable[str]) -> OOVReport:
    """The out-of-vocabulary words of ``texts`` for ``tokenizer`` (see the module docstring)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokenizer.words(text))
    words = [word for word in counts if _is_unknown(tokenizer, word)]
    return OOVReport(words, sum(counts[word] for word in words), sum(counts.values()))


def _is_unknown(tokenizer: Tokenizer, word: str) -> bool:
    if tokenizer.unknown_words(word):
        return True
    return tokenizer.unk_id is not None and tokenizer.unk_id in tokenizer.encode(word)
