"""Batching: bucket examples by length, pad them, and hand models ids plus valid lengths.

Translation examples are (source ids + EOS, target ids); the batch holds the decoder's input
(BOS y1 … yn) and output (y1 … yn EOS). NLI examples are (premise ids, hypothesis ids, label).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields

import torch
from torch import Tensor

from core_models.models.base import BOS_ID, EOS_ID, PAD_ID


@dataclass
class TranslationBatch:
    """src (B, S) with EOS, src_lens (B,), tgt_in (B, T) from BOS, tgt_out (B, T) to EOS,
    tgt_lens (B,); indices: the examples' positions in the dataset."""

    src: Tensor
    src_lens: Tensor
    tgt_in: Tensor
    tgt_out: Tensor
    tgt_lens: Tensor
    indices: list[int]

    @property
    def num_tokens(self) -> int:
        """Target tokens (the ones the loss is computed on)."""
        return int(self.tgt_lens.sum())

    def to(self, device: torch.device | str) -> TranslationBatch:
        return _move(self, device)


@dataclass
class NLIBatch:
    """premise (B, P), premise_lens (B,), hypothesis (B, H), hypothesis_lens (B,), labels (B,)."""

    premise: Tensor
    premise_lens: Tensor
    hypothesis: Tensor
    hypothesis_lens: Tensor
    labels: Tensor
    indices: list[int]

    @property
    def num_tokens(self) -> int:
        return int(self.premise_lens.sum() + self.hypothesis_lens.sum())

    def to(self, device: torch.device | str) -> NLIBatch:
        return _move(self, device)


def _move(batch, device):
    values = {
        f.name: getattr(batch, f.name).to(device)
        if isinstance(getattr(batch, f.name), Tensor)
        else getattr(batch, f.name)
        for f in fields(batch)
    }
    return type(batch)(**values)


def pad(sequences: list[list[int]]) -> tuple[Tensor, Tensor]:
    """Right-pad with PAD_ID. Returns ids (B, longest) and lengths (B,)."""
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.long)
    ids = torch.full((len(sequences), max(1, int(lengths.max()))), PAD_ID, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
    return ids, lengths


def collate_translation(
    sources: list[list[int]], targets: list[list[int]], indices: list[int]
) -> TranslationBatch:
    """sources: ids without EOS (EOS is appended); targets: ids without BOS/EOS."""
    src, src_lens = pad([s + [EOS_ID] for s in sources])
    tgt_in, tgt_lens = pad([[BOS_ID] + t for t in targets])
    tgt_out, _ = pad([t + [EOS_ID] for t in targets])
    return TranslationBatch(src, src_lens, tgt_in, tgt_out, tgt_lens, indices)


def collate_nli(
    premises: list[list[int]], hypotheses: list[list[int]], labels: list[int], indices: list[int]
) -> NLIBatch:
    premise, premise_lens = pad(premises)
    hypothesis, hypothesis_lens = pad(hypotheses)
    return NLIBatch(
        premise, premise_lens, hypothesis, hypothesis_lens, torch.tensor(labels), indices
    )


def bucket_batches(
    lengths: list[int],
    batch_size: int,
    unit: str = "sentences",
    shuffle: bool = True,
    seed: int = 0,
    rank: int = 0,
    world_size: int = 1,
) -> list[list[int]]:
    """Group example indices into batches of similar length.

    unit "sentences": at most ``batch_size`` examples; "tokens": at most ``batch_size`` padded
    tokens (longest × count). Examples are sorted by length inside shuffled pools of 100 batches,
    so batches are tight but their order is random. With ``world_size`` > 1 each rank gets every
    world_size-th batch (DistributedDataParallel); the list is cut to a multiple of world_size.
    """
    if unit not in ("sentences", "tokens"):
        raise ValueError(f"batch unit must be 'sentences' or 'tokens', got '{unit}'")
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(order)
    pool_size = batch_size * 100 if unit == "sentences" else max(1, batch_size // 4) * 100
    batches: list[list[int]] = []
    for start in range(0, len(order), pool_size):
        pool = sorted(order[start : start + pool_size], key=lambda i: lengths[i])
        batch: list[int] = []
        longest = 0
        for index in pool:
            longest_if_added = max(longest, lengths[index])
            full = (
                len(batch) >= batch_size
                if unit == "sentences"
                else longest_if_added * (len(batch) + 1) > batch_size
            )
            if batch and full:
                batches.append(batch)
                batch, longest_if_added = [], lengths[index]
            batch.append(index)
            longest = longest_if_added
        if batch:
            batches.append(batch)
    if shuffle:
        rng.shuffle(batches)
    if world_size > 1:
        usable = len(batches) - len(batches) % world_size
        batches = batches[rank:usable:world_size]
    return batches
