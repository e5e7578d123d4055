"""Head ablation for the Transformer families (Michel, Levy & Neubig 2019, "Are Sixteen Heads
Really Better than One?", NeurIPS).

A head is switched off through ``MultiHeadAttention.head_gate`` (ξ_h): the head's output is
multiplied by ξ_h before the heads are merged and projected, so masking every head of a layer
gives exactly what zeroing that layer's merged head outputs (the input of its output projection)
gives. Decoding with ``masked_heads`` in force re-decodes the output with the changed heads.

``head_importance`` tables, for every head (kind, layer, head) over a list of examples:
- ``metric_drop``: the metric (corpus BLEU of greedy outputs against the references; NLI
  accuracy) with every head on, minus the metric with this head alone masked;
- ``importance``: Michel et al.'s I_h = Σ_x |∂L(x)/∂ξ_h| at ξ = 1, L the loss of example x (the
  reference's teacher-forced cross-entropy summed over its tokens; the NLI gold label's), summed
  over the examples (not normalised per layer: divide by a layer's L2 norm to compare as §4.1).

``prune_heads`` removes heads greedily, as Michel et al. §4 do one head at a time: at each step
the importance is computed again on the model pruned so far, normalised per layer (§4.1), the
least important head still on is masked, and the metric recorded: metric against heads kept.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core_models.attention.multihead import MultiHeadAttention
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.explain.inputs import nli_ids, translation_ids
from core_models.models.base import BOS_ID, NLI_LABELS
from core_models.training.metrics import accuracy, bleu

Head = tuple[str, int, int]  # (kind, layer, head)


def attention_modules(model: nn.Module) -> dict[tuple[str, int], MultiHeadAttention]:
    """Every multi-head attention of a Transformer family by (kind, layer), kinds as the record's."""
    family = getattr(model, "family", type(model).__name__)
    if family == "transformer":
        modules = {
            ("encoder_self", i): l.self_attention for i, l in enumerate(model.encoder.layers)
        }
        for i, layer in enumerate(model.decoder_layers):
            modules[("decoder_self", i)] = layer.self_attention
            modules[("cross", i)] = layer.cross_attention
        return modules
    if family == "encoder_classifier":
        return {("pair_self", i): l.self_attention for i, l in enumerate(model.encoder.layers)}
    raise ValueError(
        f"the '{family}' model has no attention heads to mask (head ablation needs a "
        "transformer or an encoder_classifier)"
    )


def all_heads(model: nn.Module) -> list[Head]:
    return [
        (kind, layer, head)
        for (kind, layer), module in attention_modules(model).items()
        for head in range(module.heads)
    ]


@contextmanager
def gated(model: nn.Module, gates: dict[tuple[str, int], Tensor]) -> Iterator[None]:
    """Install ``gates`` ((kind, layer) -> (heads,) tensor) for the duration; restored after."""
    modules = attention_modules(model)
    unknown = set(gates) - set(modules)
    if unknown:
        raise ValueError(f"no attention {sorted(unknown)} in this model; it has {sorted(modules)}")
    before = {key: modules[key].head_gate for key in gates}
    try:
        for key, gate in gates.items():
            if gate.shape != (modules[key].heads,):
                raise ValueError(
                    f"{key}: a gate needs {modules[key].heads} values, got {gate.shape}"
                )
            modules[key].head_gate = gate
        yield
    finally:
        for key, gate in before.items():
            modules[key].head_gate = gate


@contextmanager
def masked_heads(model: nn.Module, heads: Iterable[Head]) -> Iterator[None]:
    """Switch off ``heads`` ((kind, layer, head) triples) for the duration."""
    modules = attention_modules(model)
    gates: dict[tuple[str, int], Tensor] = {}
    for kind, layer, head in heads:
        if (kind, layer) not in modules or not 0 <= head < modules[(kind, layer)].heads:
            raise ValueError(f"no head {head} in {kind} layer {layer} of this model")
        gate = gates.setdefault((kind, layer), torch.ones(modules[(kind, layer)].heads))
        gate[head] = 0.0
    with gated(model, gates):
        yield


HOOKS = ("head_gate", "weights_edit", "cross_edit")  # what masking and editing install


def clean_copy(wrapper):
    """The inference wrapper with a deep copy of its model, none of ``HOOKS`` installed: to mask
    heads or edit attention on one thread while another decodes with the original (the hooks are
    the model's attributes, so two threads on one model would see each other's)."""
    twin = copy.copy(wrapper)
    twin.model = copy.deepcopy(wrapper.model)
    for module in twin.model.modules():
        for hook in HOOKS:
            if getattr(module, hook, None) is not None:
                setattr(module, hook, None)
    return twin


def evaluate(wrapper, examples: Sequence[TranslationPair] | Sequence[NLIPair]) -> float:
    """Corpus BLEU of greedy outputs (translation) or accuracy (NLI) on ``examples``."""
    if isinstance(examples[0], TranslationPair):
        outputs = [wrapper.translate(pair.source).output_text for pair in examples]
        return bleu(outputs, [pair.target for pair in examples])
    predicted = [wrapper.classify(p.premise, p.hypothesis).label for p in examples]
    return accuracy(
        [NLI_LABELS.index(label) for label in predicted],
        [NLI_LABELS.index(p.label) for p in examples],
    )


def example_loss(wrapper, example: TranslationPair | NLIPair) -> Tensor:
    """The example's loss (see the module), a differentiable scalar."""
    model = wrapper.model
    if isinstance(example, TranslationPair):
        src_ids, tgt_ids, _ = translation_ids(wrapper, example.source, example.target)
        logits = model(
            torch.tensor([src_ids]),
            torch.tensor([len(src_ids)]),
            torch.tensor([[BOS_ID, *tgt_ids[:-1]]]),
        ).logits[0]
        return F.cross_entropy(logits.float(), torch.tensor(tgt_ids), reduction="sum")
    premise_ids, hypothesis_ids, _, _ = nli_ids(wrapper, example.premise, example.hypothesis)
    logits = model(
        torch.tensor([premise_ids]),
        torch.tensor([len(premise_ids)]),
        torch.tensor([hypothesis_ids]),
        torch.tensor([len(hypothesis_ids)]),
    ).logits
    return F.cross_entropy(logits.float(), torch.tensor([NLI_LABELS.index(example.label)]))


def gate_gradients(
    wrapper, examples: Sequence, off: Iterable[Head] = ()
) -> dict[tuple[str, int], Tensor]:
    """Σ_x |∂L(x)/∂ξ| per (kind, layer): (heads,) each, in eval mode, at every gate = 1 except
    the heads ``off`` (gate 0: the model as pruned so far)."""
    model = wrapper.model
    modules = attention_modules(model)
    totals = {key: torch.zeros(module.heads) for key, module in modules.items()}
    start = {key: torch.ones(m.heads) for key, m in modules.items()}
    for kind, layer, head in off:
        start[(kind, layer)][head] = 0.0
    was_training = model.training
    model.eval()
    try:
        for example in examples:
            gates = {key: gate.clone().requires_grad_() for key, gate in start.items()}
            with gated(model, gates), torch.enable_grad():
                loss = example_loss(wrapper, example)
                grads = torch.autograd.grad(loss, list(gates.values()))
            for key, grad in zip(gates, grads, strict=True):
                totals[key] += grad.abs()
    finally:
        model.train(was_training)
    return totals


@dataclass
class HeadRow:
    kind: str
    layer: int
    head: int
    metric: float  # with this head masked alone
    metric_drop: float  # baseline metric − metric
    importance: float  # Michel et al.'s I_h


def head_importance(
    wrapper, examples: Sequence, progress: Callable[[int], None] | None = None
) -> tuple[float, list[HeadRow]]:
    """(the metric with every head on, one row per head); ``wrapper``: a Translator (examples:
    ``TranslationPair``s, metric BLEU) or a Classifier (``NLIPair``s, accuracy). It decodes the
    examples once per head: its cost is (heads + 1) evaluations and one backward per example.
    ``progress(1)`` is called after each of those heads + 2 steps."""
    if not examples:
        raise ValueError("head importance needs at least one example")
    heads = all_heads(wrapper.model)  # a model without heads fails before any decoding
    step = progress or (lambda done: None)
    baseline = evaluate(wrapper, examples)
    step(1)
    gradients = gate_gradients(wrapper, examples)
    step(1)
    rows = []
    for kind, layer, head in heads:
        with masked_heads(wrapper.model, [(kind, layer, head)]):
            metric = evaluate(wrapper, examples)
        step(1)
        importance = float(gradients[(kind, layer)][head])
        rows.append(HeadRow(kind, layer, head, metric, baseline - metric, importance))
    return baseline, rows


@dataclass
class PruneStep:
    """The model with ``heads_kept`` heads on, after masking ``removed`` (None: the full model)."""

    heads_kept: int
    removed: Head | None
    metric: float


def _least_important(gradients: dict[tuple[str, int], Tensor], off: set[Head]) -> Head:
    """The head still on with the lowest importance, each layer's scores divided by their L2
    norm (Michel et al. §4.1); ties go to the first head in model order."""
    scores = {}
    for (kind, layer), values in gradients.items():
        norm = float(values.norm())
        for head, value in enumerate(values.tolist()):
            scores[(kind, layer, head)] = value / norm if norm > 0 else 0.0
    return min((head for head in scores if head not in off), key=scores.__getitem__)


def prune_heads(
    wrapper,
    examples: Sequence,
    keep: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[PruneStep]:
    """Greedy pruning (see the module) down to ``keep`` heads on: the full model's step, then one
    step per head removed. Each step costs one backward per example and one evaluation;
    ``progress(1)`` is called after each step."""
    if not examples:
        raise ValueError("head pruning needs at least one example")
    heads = all_heads(wrapper.model)
    if not 0 <= keep < len(heads):
        raise ValueError(f"keep must be between 0 and {len(heads) - 1} heads; got {keep}")
    step = progress or (lambda done: None)
    curve = [PruneStep(len(heads), None, evaluate(wrapper, examples))]
    step(1)
    off: set[Head] = set()
    while len(heads) - len(off) > keep:
        removed = _least_important(gate_gradients(wrapper, examples, off), off)
        off.add(removed)
        with masked_heads(wrapper.model, off):
            curve.append(PruneStep(len(heads) - len(off), removed, evaluate(wrapper, examples)))
        step(1)
    return curve


def prunable(curve: Sequence[PruneStep], loss: float) -> int:
    """How many heads the pruning removed before the metric first fell more than ``loss`` below
    the full model's."""
    floor = curve[0].metric - loss
    kept = curve[0].heads_kept
    for point in curve[1:]:
        if point.metric < floor:
            break
        kept = point.heads_kept
    return curve[0].heads_kept - kept
