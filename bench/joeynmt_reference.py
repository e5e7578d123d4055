"""JoeyNMT 2.3 (Kreutzer et al. 2019) beside our Transformer in the benchmarks' ``--joeynmt`` runs: a
JoeyNMT Transformer of the same size (pre-norm, tied output layer, random weights). JoeyNMT is not
a dependency of this project: ``pip install joeynmt==2.3.0`` (next to the same torch) to use it.

JoeyNMT's vocabulary puts <unk> at 0 and <pad> at 1, ours <pad> at 0 and <unk> at 1 (BOS 2 and EOS 3
agree): ``joeynmt_ids`` swaps them.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch
from torch import Tensor, nn

JOEYNMT_PAD_ID = 1


def build_joeynmt(
    d_model: int,
    heads: int,
    ff_size: int,
    layers: int,
    vocab: int,
    dropout: float = 0.1,
    src_vocab: int | None = None,
) -> nn.Module:
    """A ``joeynmt.model.Model`` Transformer with ``layers`` encoder and decoder layers; the
    source vocabulary has ``src_vocab`` entries (default: ``vocab``, the target's)."""
    try:
        from joeynmt.model import build_model
        from joeynmt.vocabulary import Vocabulary
    except ImportError as error:
        raise SystemExit(f"--joeynmt needs JoeyNMT: pip install joeynmt==2.3.0 ({error})") from None
    specials = SimpleNamespace(
        unk_token="<unk>", pad_token="<pad>", bos_token="<s>", eos_token="</s>", sep_token=None,
        lang_tags=[], unk_id=0, pad_id=JOEYNMT_PAD_ID, bos_id=2, eos_id=3, sep_id=None,
    )  # fmt: skip
    words = Vocabulary([f"w{i}" for i in range(vocab - 4)], specials)
    source_words = Vocabulary([f"w{i}" for i in range((src_vocab or vocab) - 4)], specials)
    side = {
        "type": "transformer",
        "num_layers": layers,
        "num_heads": heads,
        "embeddings": {"embedding_dim": d_model, "scale": True},
        "hidden_size": d_model,
        "ff_size": ff_size,
        "dropout": dropout,
        "layer_norm": "pre",
    }
    config = {"encoder": side, "decoder": side, "tied_softmax": True}
    return build_model(config, source_words, words)


def joeynmt_ids(ids: Tensor) -> Tensor:
    """Our token ids -> JoeyNMT's (pad and unk swapped)."""
    return torch.where(ids == 0, 1, torch.where(ids == 1, 0, ids))


def joeynmt_mask(ids: Tensor) -> Tensor:
    """JoeyNMT's mask of its ids (B, T): (B, 1, T), True on real tokens."""
    return (ids != JOEYNMT_PAD_ID).unsqueeze(1)
