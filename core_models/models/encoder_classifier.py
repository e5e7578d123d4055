"""A BERT-style Transformer encoder classifier for NLI (Devlin et al. 2019, §3 and Fig. 2): one
encoder over the joint sequence ``[CLS] premise [SEP] hypothesis [SEP]``, classified from [CLS].

The pair sequence of example b, of length ``P_b + H_b + 3`` and padded to the batch's longest, is

    position 0            [CLS]                      segment 0
    1 .. P_b              premise tokens             segment 0
    P_b + 1               [SEP]                      segment 0
    P_b + 2 .. P_b+H_b+1  hypothesis tokens          segment 1
    P_b + H_b + 2         [SEP]                      segment 1

``pair_tokens(premise_tokens, hypothesis_tokens)`` builds the matching labels. Captured maps, for
every layer l: ``CapturedMap("pair_self", l, (B, H, L, L), "pair", "pair")``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core_models.attention.masking import sequence_mask
from core_models.models.base import CLS_ID, PAD_ID, SEP_ID, ModelConfig, NLIModel, NLIOutput
from core_models.models.dropout import Dropout
from core_models.models.transformer_layers import (
    NORMS,
    POSITIONS,
    InputEmbedding,
    TransformerEncoder,
    check_choice,
    check_transformer_sizes,
    init_transformer_weights,
    make_positions,
)
from core_models.record import CapturedMap

CLS_TOKEN, SEP_TOKEN = "[CLS]", "[SEP]"


@dataclass
class EncoderClassifierConfig(ModelConfig):
    vocab_size: int = 8000  # one vocabulary for premise and hypothesis
    d_model: int = 128
    heads: int = 4
    ff_size: int = 512  # inner size of the position-wise feed-forward network
    layers: int = 2
    dropout: float = 0.1
    max_len: int = 256  # longest pair sequence, [CLS] and both [SEP] included
    num_classes: int = 3
    positions: str = "learned"  # as BERT; or "sinusoidal"
    norm: str = "pre"  # "pre" trains without warm-up; "post" is BERT's

    def __post_init__(self) -> None:
        check_choice("positions", self.positions, POSITIONS)
        check_choice("norm", self.norm, NORMS)
        check_transformer_sizes(self.d_model, self.heads, self.max_len)


def pair_tokens(premise_tokens: list[str], hypothesis_tokens: list[str]) -> list[str]:
    """Display labels of the pair sequence, in the order the model sees it."""
    return [CLS_TOKEN, *premise_tokens, SEP_TOKEN, *hypothesis_tokens, SEP_TOKEN]


def build_pair(
    premise: Tensor, premise_lens: Tensor, hypothesis: Tensor, hypothesis_lens: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """premise (B, P), hypothesis (B, H) padded ids with lengths (B,) ->
    pair ids (B, L), segment ids (B, L) and pair lengths (B,), L = max(P_b + H_b) + 3."""
    pair_lens = premise_lens + hypothesis_lens + 3
    length = int(pair_lens.max())
    position = torch.arange(length, device=premise.device).unsqueeze(0)  # (1, L)
    p_len, h_len = premise_lens.unsqueeze(1), hypothesis_lens.unsqueeze(1)  # (B, 1)
    in_premise = (position >= 1) & (position <= p_len)
    hypothesis_start = p_len + 2
    in_hypothesis = (position >= hypothesis_start) & (position < hypothesis_start + h_len)
    is_sep = (position == p_len + 1) | (position == hypothesis_start + h_len)

    premise_index = (position - 1).clamp(0, max(premise.shape[1] - 1, 0))
    hypothesis_index = (position - hypothesis_start).clamp(0, max(hypothesis.shape[1] - 1, 0))
    pair = torch.full((len(premise_lens), length), PAD_ID, device=premise.device)
    pair = torch.where(in_premise, premise.gather(1, premise_index.expand_as(pair)), pair)
    pair = torch.where(in_hypothesis, hypothesis.gather(1, hypothesis_index), pair)
    pair = pair.masked_fill(is_sep, SEP_ID).masked_fill(position == 0, CLS_ID)
    segments = (position >= hypothesis_start).long()  # 1 from the hypothesis on (padding too)
    return pair, segments, pair_lens


class EncoderClassifier(NLIModel):
    """Token + segment + position embeddings → encoder stack → tanh pooler on [CLS] → classes."""

    family = "encoder_classifier"

    def __init__(self, config: EncoderClassifierConfig):
        super().__init__()
        self.config = config
        c = config
        self.embedding = InputEmbedding(
            nn.Embedding(c.vocab_size, c.d_model),
            make_positions(c.positions, c.d_model, c.max_len),
            c.dropout,
        )
        self.segment_embedding = nn.Embedding(2, c.d_model)
        self.encoder = TransformerEncoder(
            c.d_model, c.heads, c.ff_size, c.layers, c.dropout, c.norm
        )
        self.pooler = nn.Linear(c.d_model, c.d_model)
        self.dropout = Dropout(c.dropout)
        self.classifier = nn.Linear(c.d_model, c.num_classes)
        init_transformer_weights(self)

    def forward(
        self,
        premise: Tensor,
        premise_lens: Tensor,
        hypothesis: Tensor,
        hypothesis_lens: Tensor,
        capture: bool = False,
    ) -> NLIOutput:
        """premise (B, P), hypothesis (B, H) ids with their lengths (B,) -> logits (B, classes)."""
        pair, segments, pair_lens = build_pair(premise, premise_lens, hypothesis, hypothesis_lens)
        keep = sequence_mask(pair_lens, pair.shape[1])[:, None, None, :]  # (B, 1, 1, L)
        x = self.embedding(pair, extra=self.segment_embedding(segments))
        encoded, weights = self.encoder(x, keep, capture)
        pooled = torch.tanh(self.pooler(encoded[:, 0]))  # the [CLS] vector, (B, d_model)
        maps = [
            CapturedMap("pair_self", layer, layer_weights, "pair", "pair")
            for layer, layer_weights in enumerate(weights)
        ]
        return NLIOutput(self.classifier(self.dropout(pooled)), maps)
