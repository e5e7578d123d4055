"""Decoding many sources at once, maps not captured (the fast path for files): batched greedy
search over padded sources, and beam search one source at a time.

Greedy decoding runs every live source in one batch: the sources are padded and masked by their
lengths, each row stops at its EOS or its own ``max_len``, and a finished row leaves the batch
(``reorder_state``). Each row's tokens are those ``search.greedy`` gives for that source alone
(``tests/test_batch_decoding.py``). Beam search keeps its per-source tree (``beam.beam_search``)
and is run source by source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from core_models.decoding.beam import beam_search
from core_models.decoding.hypothesis import check_positive, evaluating
from core_models.models.base import BOS_ID, EOS_ID, PAD_ID, Seq2SeqModel

Progress = Callable[[int], None]  # called with how many sources were just finished


def decode_many(
    model: Seq2SeqModel,
    sources: Sequence[list[int]],
    max_lens: Sequence[int],
    beam: int = 1,
    length_penalty: float = 1.0,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> list[list[int]]:
    """The output ids (EOS included when a hypothesis finished) of every source, in order.

    sources: source ids, each with its trailing EOS; max_lens: each source's decoding limit.
    ``beam`` > 1 runs beam search, else greedy search in batches of ``batch_size`` sources.
    """
    check_positive("beam", beam)
    check_positive("batch_size", batch_size)
    if len(sources) != len(max_lens):
        raise ValueError(f"{len(sources)} sources but {len(max_lens)} max_lens")
    if beam > 1:
        outputs = []
        for source, max_len in zip(sources, max_lens, strict=True):
            result = beam_search(
                model, source, beam, length_penalty, max_len=max_len, capture=False
            )
            outputs.append(result.best.token_ids)
            if progress is not None:
                progress(1)
        return outputs
    # Sources of similar lengths share a batch: less padding to run through the encoder.
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    outputs: list[list[int]] = [[] for _ in sources]
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        rows = batch_greedy(model, [sources[i] for i in chosen], [max_lens[i] for i in chosen])
        for index, row in zip(chosen, rows, strict=True):
            outputs[index] = row
        if progress is not None:
            progress(len(chosen))
    return outputs


def batch_greedy(
    model: Seq2SeqModel, sources: Sequence[list[int]], max_lens: Sequence[int]
) -> list[list[int]]:
    """Greedy search of every source in one batch; see the module docstring."""
    for source, max_len in zip(sources, max_lens, strict=True):
        if not source:
            raise ValueError("a source needs at least its trailing EOS id; one is empty")
        check_positive("max_len", max_len)
    with evaluating(model):
        parameter = next(model.parameters(), None)
        device = parameter.device if parameter is not None else torch.device("cpu")
        width = max(len(source) for source in sources)
        src = torch.full((len(sources), width), PAD_ID, dtype=torch.long, device=device)
        for row, source in enumerate(sources):
            src[row, : len(source)] = torch.tensor(source, dtype=torch.long)
        src_lens = torch.tensor([len(s) for s in sources], dtype=torch.long, device=device)
        state = model.encode(src, src_lens)
        prev = torch.full((len(sources),), BOS_ID, dtype=torch.long, device=device)
        live = list(range(len(sources)))  # the source index of each row of the batch
        outputs: list[list[int]] = [[] for _ in sources]
        while live:
            output = model.decode_step(state, prev)
            tokens = output.logits.float().argmax(-1).tolist()
            keep = []
            for row, (index, token) in enumerate(zip(live, tokens, strict=True)):
                outputs[index].append(token)
                if token != EOS_ID and len(outputs[index]) < max_lens[index]:
                    keep.append(row)
            if not keep:
                break
            state = output.state
            if len(keep) < len(live):
                state = model.reorder_state(state, torch.tensor(keep, device=device))
            live = [live[row] for row in keep]
            prev = torch.tensor([tokens[row] for row in keep], dtype=torch.long, device=device)
        return outputs
