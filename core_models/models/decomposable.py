"""Decomposable attention for NLI (Parikh et al. 2016, eqs. 1-8 and §3.4; d2l.ai §16.5).

Attend: e_ij = F(a_i)·F(b_j); β_i = Σ_j softmax_j(e_ij) b_j; α_j = Σ_i softmax_i(e_ij) a_i.
Compare: v1_i = G([a_i; β_i]), v2_j = G([b_j; α_j]).
Aggregate: ŷ = Linear(H([Σ_i v1_i; Σ_j v2_j])), the sums over valid (unpadded) positions only.
Optional intra-sentence attention (§3.4) first replaces each a_i by [a_i; a'_i], where
a'_i = Σ_j softmax_j(F_intra(a_i)·F_intra(a_j) + d_{i-j}) a_j with a learned distance bias d.

At the paper's size (embed 300 projected to hidden 200) this has 381,803 parameters besides the
embeddings (paper: 382K) and 582,226 with intra-sentence attention (paper: 582K).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core_models.attention.masking import masked_softmax, sequence_mask
from core_models.models.base import ModelConfig, NLIModel, NLIOutput
from core_models.models.dropout import Dropout
from core_models.record import CapturedMap


@dataclass
class DecomposableConfig(ModelConfig):
    vocab_size: int
    embed_size: int = 300  # GloVe width; projected (linear, no bias) to hidden_size when different
    hidden_size: int = 200  # width of F, G, H and F_intra (paper: 200)
    dropout: float = 0.2  # before every linear layer of F, G, H, F_intra
    intra_attention: bool = False  # Parikh §3.4 self-alignment before attending
    max_distance: int = 10  # intra attention: distances beyond this share one bias per direction
    freeze_embeddings: bool = False  # keep the (e.g. GloVe) embeddings fixed while training
    num_classes: int = 3

    def __post_init__(self) -> None:
        minimums = {
            "vocab_size": 1,
            "embed_size": 1,
            "hidden_size": 1,
            "max_distance": 0,
            "num_classes": 2,
        }
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise ValueError(
                    f"DecomposableConfig.{name} must be an integer >= {minimum}; got {value!r}"
                )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"DecomposableConfig.dropout must be in [0, 1); got {self.dropout!r}")


class FeedForward(nn.Sequential):
    """Parikh's F, G, H: two ReLU layers, dropout before each. (*, in_size) -> (*, hidden_size)."""

    def __init__(self, in_size: int, hidden_size: int, dropout: float):
        super().__init__(
            Dropout(dropout),
            nn.Linear(in_size, hidden_size),
            nn.ReLU(),
            Dropout(dropout),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(),
        )


def pair_keep_mask(query_lens: Tensor, queries: int, key_lens: Tensor, keys: int) -> Tensor:
    """True where both the query and the key are real tokens. lens (B,) -> (B, queries, keys) bool.

    Padded queries therefore get all-zero rows, padded keys exactly zero weight.
    """
    query_keep = sequence_mask(query_lens, queries).unsqueeze(2)  # (B, Q, 1)
    key_keep = sequence_mask(key_lens, keys).unsqueeze(1)  # (B, 1, K)
    return query_keep & key_keep


class IntraSentenceAttention(nn.Module):
    """Parikh §3.4: each word attends over its own sentence, with a bias d_{i-j} per distance.

    Distances i-j in [-max_distance, max_distance] each have their own bias; all farther
    distances on either side share one bucket, so there are 2 * max_distance + 3 biases.
    """

    def __init__(self, hidden_size: int, dropout: float, max_distance: int):
        super().__init__()
        self.max_distance = max_distance
        self.feed_forward = FeedForward(hidden_size, hidden_size, dropout)
        self.distance_bias = nn.Parameter(torch.zeros(2 * max_distance + 3))

    def distance_buckets(self, length: int, device: torch.device) -> Tensor:
        """Index into ``distance_bias`` for every (i, j) pair: (length, length) long."""
        positions = torch.arange(length, device=device)
        distance = positions.unsqueeze(1) - positions.unsqueeze(0)  # (L, L): i - j
        far = self.max_distance + 1
        return distance.clamp(-far, far) + far

    def forward(self, words: Tensor, lens: Tensor) -> tuple[Tensor, Tensor]:
        """words (B, L, hidden), lens (B,) -> ([a; a'] (B, L, 2 * hidden), weights (B, L, L))."""
        length = words.shape[1]
        projected = self.feed_forward(words)
        scores = projected @ projected.transpose(1, 2)  # (B, L, L)
        scores = scores + self.distance_bias[self.distance_buckets(length, words.device)]
        weights = masked_softmax(scores, keep=pair_keep_mask(lens, length, lens, length))
        return torch.cat([words, weights @ words], dim=-1), weights


class DecomposableAttention(NLIModel):
    """Attend, compare, aggregate over (optionally self-aligned) word embeddings; no recurrence."""

    family = "decomposable"

    def __init__(self, config: DecomposableConfig):
        super().__init__()
        self.config = config
        hidden = config.hidden_size
        self.embedding = nn.Embedding(config.vocab_size, config.embed_size)
        self.embedding.weight.requires_grad_(not config.freeze_embeddings)
        self.projection: nn.Module = (
            nn.Identity()
            if config.embed_size == hidden
            else nn.Linear(config.embed_size, hidden, bias=False)
        )
        self.intra_attention = (
            IntraSentenceAttention(hidden, config.dropout, config.max_distance)
            if config.intra_attention
            else None
        )
        word_size = 2 * hidden if config.intra_attention else hidden
        self.attend = FeedForward(word_size, hidden, config.dropout)  # F
        self.compare = FeedForward(2 * word_size, hidden, config.dropout)  # G
        self.aggregate = FeedForward(2 * hidden, hidden, config.dropout)  # H
        self.classifier = nn.Linear(hidden, config.num_classes)

    def load_pretrained_embeddings(self, vectors: Tensor) -> None:
        """Copy ``vectors`` (vocab_size, embed_size), e.g. GloVe, into the embedding table.

        The table stays frozen (requires_grad False) when ``config.freeze_embeddings`` is set.
        """
        expected = (self.config.vocab_size, self.config.embed_size)
        if vectors.dim() != 2 or tuple(vectors.shape) != expected:
            raise ValueError(
                f"pretrained embeddings must be (vocab_size, embed_size) = {expected}; "
                f"got {tuple(vectors.shape)}"
            )
        if not vectors.is_floating_point():
            raise ValueError(f"pretrained embeddings must be floating point; got {vectors.dtype}")
        with torch.no_grad():
            self.embedding.weight.copy_(vectors)
        self.embedding.weight.requires_grad_(not self.config.freeze_embeddings)

    def forward(
        self,
        premise: Tensor,
        premise_lens: Tensor,
        hypothesis: Tensor,
        hypothesis_lens: Tensor,
        capture: bool = False,
    ) -> NLIOutput:
        """premise (B, P), hypothesis (B, H) ids with lengths (B,) -> logits (B, num_classes).

        With ``capture`` the maps are premise_to_hypothesis (B, 1, P, H), hypothesis_to_premise
        (B, 1, H, P) and, with intra attention, premise_self (B, 1, P, P), hypothesis_self
        (B, 1, H, H). Padded queries have all-zero rows; padded keys get exactly zero weight.
        """
        _check_sentence("premise", premise, premise_lens)
        _check_sentence("hypothesis", hypothesis, hypothesis_lens)
        if premise.shape[0] != hypothesis.shape[0]:
            raise ValueError(
                f"premise batch ({premise.shape[0]}) and hypothesis batch "
                f"({hypothesis.shape[0]}) differ"
            )
        premise_len, hypothesis_len = premise.shape[1], hypothesis.shape[1]
        maps: list[CapturedMap] = []

        a = self.projection(self.embedding(premise))  # (B, P, hidden)
        b = self.projection(self.embedding(hypothesis))  # (B, H, hidden)
        if self.intra_attention is not None:
            a, premise_self = self.intra_attention(a, premise_lens)  # (B, P, 2 hidden)
            b, hypothesis_self = self.intra_attention(b, hypothesis_lens)  # (B, H, 2 hidden)
            if capture:
                maps += [
                    _one_head("premise_self", premise_self, "premise", "premise"),
                    _one_head("hypothesis_self", hypothesis_self, "hypothesis", "hypothesis"),
                ]

        # Attend (eqs. 1-2)
        scores = self.attend(a) @ self.attend(b).transpose(1, 2)  # (B, P, H): e_ij
        keep = pair_keep_mask(premise_lens, premise_len, hypothesis_lens, hypothesis_len)
        premise_to_hypothesis = masked_softmax(scores, keep=keep)  # (B, P, H)
        hypothesis_to_premise = masked_softmax(scores.transpose(1, 2), keep=keep.transpose(1, 2))
        beta = premise_to_hypothesis @ b  # (B, P, word): hypothesis aligned to each premise word
        alpha = hypothesis_to_premise @ a  # (B, H, word): premise aligned to each hypothesis word
        if capture:
            maps += [
                _one_head("premise_to_hypothesis", premise_to_hypothesis, "premise", "hypothesis"),
                _one_head("hypothesis_to_premise", hypothesis_to_premise, "hypothesis", "premise"),
            ]

        # Compare (eqs. 3-4) and aggregate over valid positions only (eqs. 5-6)
        premise_keep = sequence_mask(premise_lens, premise_len).unsqueeze(-1)  # (B, P, 1)
        hypothesis_keep = sequence_mask(hypothesis_lens, hypothesis_len).unsqueeze(-1)
        premise_compared = self.compare(torch.cat([a, beta], dim=-1)) * premise_keep
        hypothesis_compared = self.compare(torch.cat([b, alpha], dim=-1)) * hypothesis_keep
        aggregated = torch.cat([premise_compared.sum(1), hypothesis_compared.sum(1)], dim=-1)
        logits = self.classifier(self.aggregate(aggregated))  # (B, num_classes)
        return NLIOutput(logits=logits, maps=maps)


def _one_head(kind: str, weights: Tensor, queries: str, keys: str) -> CapturedMap:
    """A single-head map (B, Q, K) of layer 0 as the record takes it: (B, 1, Q, K)."""
    return CapturedMap(kind, 0, weights.unsqueeze(1), queries, keys)


def _check_sentence(name: str, ids: Tensor, lens: Tensor) -> None:
    """ids (B, T) integer, lens (B,) with 0 <= lens <= T, else a ValueError naming ``name``."""
    if ids.dim() != 2 or ids.is_floating_point():
        raise ValueError(
            f"{name} must be integer token ids shaped (batch, length); "
            f"got {ids.dtype} {tuple(ids.shape)}"
        )
    if lens.dim() != 1 or lens.shape[0] != ids.shape[0]:
        raise ValueError(
            f"{name}_lens must be (batch,) = ({ids.shape[0]},); got {tuple(lens.shape)}"
        )
    if lens.numel() and (int(lens.min()) < 0 or int(lens.max()) > ids.shape[1]):
        raise ValueError(
            f"{name}_lens must lie in [0, {ids.shape[1]}] (the padded length); got {lens.tolist()}"
        )
