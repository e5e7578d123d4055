"""Batched decoding (core_models.decoding.batch, Translator.translate_many) gives, source by
source, the tokens that decoding each source alone gives: greedy on every translation family
(random weights, sources of different lengths and limits) and on bundled models, beam too."""

from __future__ import annotations

import pytest
import torch

from core_models.data.tasks import get_task
from core_models.decoding import beam_search, greedy
from core_models.decoding.batch import batch_greedy, decode_many
from core_models.inference import load_model
from core_models.models.base import EOS_ID
from tests.test_decoding import VARIANTS, VOCAB, small_model


def _sources(count: int, seed: int) -> list[list[int]]:
    generator = torch.Generator().manual_seed(seed)
    sources = []
    for index in range(count):
        length = 1 + (index * 3) % 9
        ids = torch.randint(6, VOCAB, (length,), generator=generator).tolist()
        sources.append(ids + [EOS_ID])
    return sources


@pytest.mark.parametrize(("family", "overrides"), VARIANTS, ids=lambda v: str(v))
def test_batched_greedy_equals_one_source_at_a_time(family, overrides):
    model = small_model(family, overrides)
    sources = _sources(7, seed=1)
    max_lens = [3 + i % 5 for i in range(len(sources))]
    batched = batch_greedy(model, sources, max_lens)
    alone = [
        greedy(model, source, max_len=max_len, capture=False).token_ids
        for source, max_len in zip(sources, max_lens, strict=True)
    ]
    assert batched == alone


@pytest.mark.parametrize("family", ["luong", "transformer"])
def test_decode_many_keeps_the_order_and_reports_progress(family):
    model = small_model(family, {})
    sources = _sources(9, seed=2)
    max_lens = [6] * len(sources)
    done = []
    outputs = decode_many(model, sources, max_lens, batch_size=4, progress=done.append)
    assert sum(done) == len(sources) and len(done) == 3
    assert outputs == [greedy(model, s, max_len=6, capture=False).token_ids for s in sources]
    beams = decode_many(model, sources, max_lens, beam=3, progress=done.append)
    assert beams == [beam_search(model, s, 3, max_len=6).best.token_ids for s in sources]


@pytest.mark.parametrize("name", ["transformer-en-fr", "bahdanau-en-fr", "luong-en-fr"])
def test_bundled_translations_batched_equal_one_at_a_time(name):
    model = load_model(name)
    sources = [pair.source for pair in get_task("en-fr").generate("test", seed=0, size=24)]
    sources += ["the cat .", "zorglub blorf the dog", ""]
    for beam in (1, 3):
        batched = model.translate_many(sources, beam=beam, batch_size=8)
        alone = [model.translate(text, beam=beam).output_text for text in sources]
        assert [result.output_text for result in batched] == alone
    assert all(result.output_text for result in batched[:24])


def test_bad_batch_arguments_are_clear_errors():
    model = small_model("transformer", {})
    with pytest.raises(ValueError, match="beam must be at least 1"):
        decode_many(model, [[EOS_ID]], [4], beam=0)
    with pytest.raises(ValueError, match="2 sources but 1 max_lens"):
        decode_many(model, [[EOS_ID], [EOS_ID]], [4])
    with pytest.raises(ValueError, match="trailing EOS"):
        batch_greedy(model, [[]], [4])


@pytest.mark.parametrize("name", ["decomposable-nli", "encoder_classifier-nli"])
def test_bundled_nli_batched_equals_one_pair_at_a_time(name):
    model = load_model(name)
    pairs = [(p.premise, p.hypothesis) for p in get_task("nli").generate("test", seed=3, size=40)]
    pairs += [("a man sleeps", ""), ("", "")]
    batched = model.classify_many(pairs, batch_size=16)
    alone = [model.classify(premise, hypothesis) for premise, hypothesis in pairs]
    assert [r.label for r in batched] == [r.label for r in alone]
    for batch_result, alone_result in zip(batched, alone, strict=True):
        assert batch_result.probs == pytest.approx(alone_result.probs, abs=1e-5)
