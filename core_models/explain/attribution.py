"""Gradient attribution of a model's outputs to its input token embeddings, with Captum
(Kokhlikyan et al. 2020): saliency (Simonyan et al. 2014), input × gradient (Shrikumar et al.
2016) and integrated gradients (Sundararajan et al. 2017), for every family, the fixed-context
``rnn`` included.

What is attributed:
- translation: the log-probability of each output token y_t, log p(y_t | y_<t, x), under forced
  decoding of a given target (by default the model's own greedy output, so the map explains what
  the model said), to the source embeddings; one row per output token.
- NLI: the log-probability of the label (by default the predicted one) to the premise and the
  hypothesis embeddings; one row, over the pair ``[CLS] premise [SEP] hypothesis [SEP]`` (the
  specials get 0: they are kept at their own embedding in the baseline too).

"The source embeddings" are what the family's source embedding module returns (token embedding,
scaled, plus positions for the Transformers; the plain token embedding for the recurrent and
decomposable models), captured at the model's own call and substituted back by a forward hook, so
the model code is unchanged. The integrated-gradients baseline is that module's output for PAD
ids (the recurrent encoders' PAD row is 0; the Transformers keep their positions, so only the
tokens are integrated over).

Normalisation: each token's attribution is a vector over the embedding; the map's weight of token
j in row t is its L2 norm over the embedding dimension divided by the row's sum of norms (rows sum
to 1). ``AttentionMap.raw`` keeps the signed sum over the embedding dimension instead, so for
integrated gradients a raw row sums to f(x) − f(baseline) up to the convergence delta that
``info["convergence_delta"]`` reports per row (Sundararajan et al.'s completeness).

Cost: every row needs its own gradient, so for saliency and input × gradient the T output tokens
are one batch of T copies with a per-copy target. Integrated gradients of a translation's rows
share one forward over the ``steps`` interpolation points (``_shared_forward_ig``; at most
``internal_batch_size`` points per forward), each row one backward through it: the same numbers
as Captum's ``IntegratedGradients``, which runs T × steps forwards and one backward (every row
of an 18-token sentence, 64 steps, one thread: 2.5–3.7× faster on the Transformer, 1.6–3.2× on
the recurrent families; one row as fast). The NLI label (one row) goes through Captum's.
The decoder runs only up to the last explained position (it is causal), the Transformer's output
layer only at the explained positions, and the completeness deltas take f(input) and
f(baseline) from the forward that captured the embeddings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from core_models.explain.inputs import nli_ids, translation_ids
from core_models.models.base import BOS_ID, PAD_ID, NLIModel, Seq2SeqModel
from core_models.record import ATTRIBUTION_METHODS, NLI_LABELS, AttentionMap

METHODS = ATTRIBUTION_METHODS
IG_STEPS = 64
NORMALISATION = "L2 norm over the embedding dimension, rows sum to 1; raw: signed sum"


def source_embedding_module(model: nn.Module) -> nn.Module:
    """The module whose output is the source (or premise and hypothesis) embeddings."""
    modules = {
        "transformer": lambda: model.source_embedding,
        "encoder_classifier": lambda: model.embedding,
        "decomposable": lambda: model.embedding,
        "rnn": lambda: model.encoder.embedding,
        "bahdanau": lambda: model.encoder.embedding,
        "luong": lambda: model.encoder.embedding,
    }
    family = getattr(model, "family", type(model).__name__)
    if family not in modules:
        raise ValueError(f"no gradient attribution for family '{family}'; known: {list(modules)}")
    return modules[family]()


def _output_layer(model: nn.Module) -> nn.Module | None:
    """The output layer of a family that applies it once to every target position after the
    decoder (the Transformer), or None (the recurrent decoders apply theirs step by step)."""
    return model.output_projection if getattr(model, "family", "") == "transformer" else None


@contextmanager
def _hooked(module: nn.Module, hook: Callable, pre: bool = False) -> Iterator[None]:
    """``hook`` on ``module``'s forward (``pre``: on its inputs, before it runs) meanwhile."""
    register = module.register_forward_pre_hook if pre else module.register_forward_hook
    handle = register(hook)
    try:
        yield
    finally:
        handle.remove()


@dataclass
class _Problem:
    """What Captum needs: run(batch) computes the objectives (B, outputs) from the ids expanded
    to batch B; inputs and baselines: one tensor per call of the embedding module (batch 1);
    ends: the objectives at the input (row 0) and at the baseline (row 1), (2, outputs), for
    integrated gradients' completeness deltas."""

    module: nn.Module
    run: Callable[[int], Tensor]
    inputs: tuple[Tensor, ...]
    baselines: tuple[Tensor, ...]
    ends: Tensor
    shared_forward: bool = False  # integrated gradients by _shared_forward_ig, not Captum's


def _problem(
    module: nn.Module,
    run: Callable[[int], Tensor],
    run_both: Callable[[], Tensor],
    shared_forward: bool = False,
) -> _Problem:
    """The problem of ``run``, its inputs and baselines taken from the calls of ``module`` while
    ``run_both()`` runs a batch of two, the input (row 0) and the baseline (row 1)."""
    outputs: list[Tensor] = []
    with _hooked(module, lambda _m, _i, out: outputs.append(out.detach())), torch.no_grad():
        ends = run_both()
    inputs, baselines = tuple(out[:1] for out in outputs), tuple(out[1:] for out in outputs)
    return _Problem(module, run, inputs, baselines, ends, shared_forward)


def _deltas(problem: _Problem, attributions: Sequence[Tensor], targets: list[int]) -> Tensor:
    """Integrated gradients' completeness gaps (rows,): the sum of each row's attributions
    minus f(input) − f(baseline) of its target."""
    total = sum(a.detach().flatten(1).sum(1) for a in attributions)
    return total - (problem.ends[0, targets] - problem.ends[1, targets])


def _forward_func(problem: _Problem) -> Callable[..., Tensor]:
    """f(*embeddings) -> objectives (B, outputs), the embeddings substituted call by call."""

    def forward(*embeddings: Tensor) -> Tensor:
        calls = iter(embeddings)
        with _hooked(problem.module, lambda _m, _i, _out: next(calls)):
            return problem.run(embeddings[0].shape[0])

    return forward


def _attribute(
    problem: _Problem, targets: list[int], method: str, steps: int, internal_batch_size
) -> tuple[list[Tensor], Tensor | None]:
    """Attributions (rows, n, d) per input tensor, one row per target, and IG's delta (rows,);
    ``method``: one of ``METHODS`` (``check_methods``)."""
    from captum.attr import InputXGradient, IntegratedGradients, Saliency

    if method == "integrated_gradients" and problem.shared_forward:
        return _shared_forward_ig(problem, targets, steps, internal_batch_size)
    rows = len(targets)
    inputs = tuple(x.expand(rows, *x.shape[1:]).clone().requires_grad_() for x in problem.inputs)
    forward = _forward_func(problem)
    if method == "integrated_gradients":
        baselines = tuple(b.expand(rows, *b.shape[1:]) for b in problem.baselines)
        attributions = IntegratedGradients(forward).attribute(
            inputs,
            baselines=baselines,
            target=targets,
            n_steps=steps,
            # Captum runs whole steps: a chunk holds at least one step of every row
            internal_batch_size=internal_batch_size and max(internal_batch_size, rows),
        )  # the deltas from ``problem.ends``, not two more forwards of Captum's
        return list(attributions), _deltas(problem, attributions, targets)
    if method == "saliency":  # the signed gradient: its L2 norm is the usual |gradient|
        return list(Saliency(forward).attribute(inputs, target=targets, abs=False)), None
    return list(InputXGradient(forward).attribute(inputs, target=targets)), None


def _shared_forward_ig(
    problem: _Problem, targets: list[int], steps: int, internal_batch_size: int | None
) -> tuple[list[Tensor], Tensor]:
    """Integrated gradients of one or more targets (output tokens) of one input, the same
    numbers as Captum's ``IntegratedGradients`` (Gauss-Legendre points and weights) at a fraction
    of the cost: one forward over the ``steps`` interpolation points serves every target, each
    target one backward through it; Captum runs targets × steps forwards and one backward. A
    loop of plain backward passes was 1.7× faster than one vmapped over the targets
    (``is_grads_batched``; the Transformer, 18 targets). ``internal_batch_size``: at most
    that many interpolation points per forward. Returns the attributions (targets, n, d) per
    input tensor and the completeness deltas (targets,)."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas = torch.tensor((nodes + 1) / 2, dtype=torch.float32)
    sizes = torch.tensor(weights / 2, dtype=torch.float32)
    differences = [x - b for x, b in zip(problem.inputs, problem.baselines, strict=True)]
    forward = _forward_func(problem)
    chunk = internal_batch_size or steps
    # the integral of each target's gradient along the path, per input tensor: (targets, n, d)
    integrals = [d.new_zeros(len(targets), *d.shape[1:]) for d in differences]
    for start in range(0, steps, chunk):
        points = alphas[start : start + chunk]
        scaled = tuple(
            (b + points.view(-1, *[1] * (b.dim() - 1)) * d).requires_grad_()
            for b, d in zip(problem.baselines, differences, strict=True)
        )
        outputs = forward(*scaled)  # (points, outputs)
        for row, target in enumerate(targets):
            last = row == len(targets) - 1
            grads = torch.autograd.grad(outputs[:, target].sum(), scaled, retain_graph=not last)
            for integral, grad in zip(integrals, grads, strict=True):
                integral[row] += torch.einsum("s...,s->...", grad, sizes[start : start + chunk])
    attributions = [integral * d for integral, d in zip(integrals, differences, strict=True)]
    return attributions, _deltas(problem, attributions, targets)


def check_methods(methods: Sequence[str]) -> None:
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(
            f"unknown attribution method '{unknown[0] if unknown else ''}'; "
            f"choose one or more of {', '.join(METHODS)}"
        )


def _map(kind, attributions, delta, query_tokens, key_tokens, steps) -> AttentionMap:
    """One map from per-token attributions (rows, keys, d) (see the module's normalisation)."""
    attributions = attributions.detach()
    norms = attributions.norm(dim=-1).double()
    sums = norms.sum(dim=-1, keepdim=True)
    weights = torch.where(sums > 0, norms / sums.clamp_min(1e-300), torch.zeros_like(norms))
    info = {"normalisation": NORMALISATION}
    if delta is not None:
        info.update(steps=steps, convergence_delta=[float(d) for d in delta])
    return AttentionMap(
        kind=kind,
        layer=0,
        weights=weights.float().numpy()[None],
        query_tokens=list(query_tokens),
        key_tokens=list(key_tokens),
        raw=attributions.sum(dim=-1).float().numpy()[None],
        info=info,
    )


@contextmanager
def _gradients_on(model: nn.Module) -> Iterator[None]:
    """Eval mode (no dropout) with autograd on, the model's mode restored after."""
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad(), torch.inference_mode(False):
            yield
    finally:
        model.train(was_training)


def seq2seq_attributions(
    model: Seq2SeqModel,
    src_ids: list[int],
    tgt_ids: list[int],
    source_tokens: list[str],
    target_tokens: list[str],
    methods: tuple[str, ...] = METHODS,
    steps: int = IG_STEPS,
    internal_batch_size: int | None = None,
    rows: Sequence[int] | None = None,
) -> list[AttentionMap]:
    """One map per method, (1, T, S): row t attributes log p(tgt_ids[t] | tgt_ids[:t], src).

    src_ids: the source with its EOS; tgt_ids: the forced target (EOS included to explain the
    ending), e.g. the model's own greedy output; rows: the output positions to explain (default
    every one; the others stay 0, and ``info["rows"]`` lists the explained ones, the convergence
    deltas in their order) — one selected token costs 1/T of the whole map.
    """
    check_methods(methods)
    if not tgt_ids:
        raise ValueError("gradient attribution needs at least one output token (tgt_ids is empty)")
    targets = list(range(len(tgt_ids))) if rows is None else sorted(set(rows))
    if not targets or not all(0 <= t < len(tgt_ids) for t in targets):
        raise ValueError(f"rows {rows} must be output positions in 0..{len(tgt_ids) - 1}")
    module = source_embedding_module(model)
    src = torch.tensor([src_ids])
    lens = torch.tensor([len(src_ids)])
    # decoders are causal: the rows after the last one explained need not be run
    tgt_in = torch.tensor([[BOS_ID, *tgt_ids[: targets[-1]]]])
    positions = torch.tensor(targets)
    gold = torch.tensor(tgt_ids)[positions].view(1, -1, 1)
    projection = _output_layer(model)

    def run(batch: int, src: Tensor = src) -> Tensor:
        """The objectives (B, targets): log p of each explained position's target token."""
        ids = (src.expand(batch, -1), lens.expand(batch), tgt_in.expand(batch, -1))
        if projection is None:
            logits = model(*ids).logits[:, positions]
        else:  # only the explained positions through the output layer
            with _hooked(projection, lambda _m, args: (args[0][:, positions],), pre=True):
                logits = model(*ids).logits
        log_probs = logits.float().log_softmax(-1)  # (B, targets, V)
        return log_probs.gather(2, gold.expand(batch, -1, 1)).squeeze(2)

    with _gradients_on(model):
        problem = _problem(
            module,
            run,
            lambda: run(2, torch.cat([src, torch.full_like(src, PAD_ID)])),
            shared_forward=True,
        )
        columns = list(range(len(targets)))  # the objectives' columns, one per explained row
        maps = []
        for method in methods:
            (explained,), delta = _attribute(problem, columns, method, steps, internal_batch_size)
            attributions = explained.new_zeros(len(tgt_ids), *explained.shape[1:])
            attributions[targets] = explained
            if getattr(model.config, "reverse_source", False):  # the encoder read it backwards
                attributions = attributions.flip(1)
            attribution = _map(method, attributions, delta, target_tokens, source_tokens, steps)
            if rows is not None:
                attribution.info["rows"] = targets
            maps.append(attribution)
    return maps


def nli_attributions(
    model: NLIModel,
    premise_ids: list[int],
    hypothesis_ids: list[int],
    pair_tokens: list[str],
    label: int,
    methods: tuple[str, ...] = METHODS,
    steps: int = IG_STEPS,
    internal_batch_size: int | None = None,
) -> list[AttentionMap]:
    """One map per method, (1, 1, P + H + 3): the label's log-probability over the pair tokens
    ``[CLS] premise [SEP] hypothesis [SEP]`` (the specials' weight is 0). ``label``: an index
    into ``NLI_LABELS``."""
    check_methods(methods)
    module = source_embedding_module(model)
    premise, hypothesis = torch.tensor([premise_ids]), torch.tensor([hypothesis_ids])
    premise_lens, hypothesis_lens = (
        torch.tensor([len(premise_ids)]),
        torch.tensor([len(hypothesis_ids)]),
    )

    def run(batch: int, premise: Tensor = premise, hypothesis: Tensor = hypothesis) -> Tensor:
        logits = model(
            premise.expand(batch, -1),
            premise_lens.expand(batch),
            hypothesis.expand(batch, -1),
            hypothesis_lens.expand(batch),
        ).logits
        return logits.float().log_softmax(-1)  # (B, labels)

    def both() -> Tensor:  # the pair, then PAD ids in its place
        return run(
            2,
            torch.cat([premise, torch.full_like(premise, PAD_ID)]),
            torch.cat([hypothesis, torch.full_like(hypothesis, PAD_ID)]),
        )

    with _gradients_on(model):
        problem = _problem(module, run, both)
        maps = []
        for method in methods:
            attributions, delta = _attribute(problem, [label], method, steps, internal_batch_size)
            pair = _as_pair(attributions, len(premise_ids), len(hypothesis_ids))
            maps.append(
                _map(f"label_{method}", pair, delta, [NLI_LABELS[label]], pair_tokens, steps)
            )
    return maps


def _as_pair(attributions: list[Tensor], premise_len: int, hypothesis_len: int) -> Tensor:
    """(1, P + H + 3, d) over ``[CLS] p [SEP] h [SEP]``: the encoder classifier's pair as it is,
    or the decomposable model's premise (1, P, d) and hypothesis (1, H, d) placed in it; the
    specials' columns are 0."""
    if len(attributions) == 1:  # the specials' own gradients are left out
        pair = attributions[0].clone()
        pair[:, [0, premise_len + 1, premise_len + hypothesis_len + 2]] = 0.0
        return pair
    premise, hypothesis = attributions
    zero = premise.new_zeros(1, 1, premise.shape[-1])
    return torch.cat([zero, premise, zero, hypothesis, zero], dim=1)


def explain_translation(
    translator, text: str, reference: str | None = None, **options
) -> list[AttentionMap]:
    """Attribution maps for a ``core_models.inference.Translator``'s output on ``text`` (its
    greedy output, or ``reference`` forced); ``options``: methods, steps, internal_batch_size."""
    src_ids, tgt_ids, result = translation_ids(translator, text, reference)
    return seq2seq_attributions(
        translator.model, src_ids, tgt_ids, result.source_pieces, result.output_pieces, **options
    )


def explain_nli(
    classifier, premise: str, hypothesis: str, label: str | None = None, **options
) -> list[AttentionMap]:
    """Attribution maps for a ``core_models.inference.Classifier`` on a pair, of the predicted
    label's log-probability (or ``label``'s, one of ``NLI_LABELS``)."""
    premise_ids, hypothesis_ids, pair, result = nli_ids(classifier, premise, hypothesis)
    label = label or result.label
    if label not in NLI_LABELS:
        raise ValueError(f"unknown NLI label '{label}'; choose one of {', '.join(NLI_LABELS)}")
    return nli_attributions(
        classifier.model, premise_ids, hypothesis_ids, pair, NLI_LABELS.index(label), **options
    )
