"""Attention editing, "what if": at one decoding step, pin the cross-attention row to a source
token or scale a head, and decode greedily on from that step with the edit applied, for every
family with cross attention (``bahdanau``, ``luong``, ``transformer``).

The edit runs inside the model through its cross-attention hook: ``MultiHeadAttention
.weights_edit`` of the Transformer's decoder layers, ``cross_edit`` of the Bahdanau and Luong
models. Each receives the step's weights (B, heads, 1, S) after the softmax (or, in teacher
forcing, every step's rows (B, heads, T, S)); the context vector is computed from the edited
weights, and the record shows them. The steps before ``step`` are untouched, so the output only
differs from the step on.

- ``pin_to = s``: the row becomes one-hot on source position s (weight 1), in the chosen head
  (or every head) and decoder layer (or every layer).
- ``scale = c``: the row is multiplied by c (not renormalised: it scales that head's contribution
  to the context; c = 0 silences it at that step, as ``ablation.masked_heads`` does for all steps).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from torch import Tensor, nn


@dataclass(frozen=True)
class AttentionEdit:
    """What to change at decoding ``step`` (0 = the step producing the first output token).

    head: the head edited (None: every head); layers: the Transformer decoder layers edited
    (None: every layer; the recurrent families have one); persist: apply the edit at every step
    from ``step`` on instead of at ``step`` only.
    """

    step: int
    pin_to: int | None = None
    scale: float | None = None
    head: int | None = None
    layers: tuple[int, ...] | None = None
    persist: bool = False

    def __post_init__(self) -> None:
        if self.step < 0:
            raise ValueError(f"an edit's step must be >= 0, got {self.step}")
        if (self.pin_to is None) == (self.scale is None):
            raise ValueError("an attention edit pins a row (pin_to) or scales a head (scale)")

    def apply(self, weights: Tensor, step: int) -> Tensor:
        """weights (B, heads, Q, S): Q = 1 at decoding ``step``, or every step's rows (Q = T)."""
        steps = range(step, step + weights.shape[2])
        rows = [
            q for q, t in enumerate(steps) if t == self.step or (self.persist and t > self.step)
        ]
        if not rows:
            return weights
        heads = slice(None) if self.head is None else self.head
        if self.head is not None and not 0 <= self.head < weights.shape[1]:
            raise ValueError(f"no head {self.head}: this attention has {weights.shape[1]} heads")
        edited = weights.clone()
        if self.pin_to is not None:
            if not 0 <= self.pin_to < weights.shape[3]:
                raise ValueError(
                    f"cannot pin attention to source position {self.pin_to}: the source has "
                    f"{weights.shape[3]} tokens (0..{weights.shape[3] - 1})"
                )
            pinned = weights.new_zeros(weights.shape[3])
            pinned[self.pin_to] = 1.0
            edited[:, heads, rows] = pinned
        else:
            edited[:, heads, rows] = edited[:, heads, rows] * self.scale
        return edited


def _cross_hooks(model: nn.Module, layers: tuple[int, ...] | None) -> list[tuple[object, str]]:
    """(object, attribute) of each cross-attention hook the edit goes into."""
    family = getattr(model, "family", type(model).__name__)
    if family == "transformer":
        count = len(model.decoder_layers)
        chosen = range(count) if layers is None else layers
        for layer in chosen:
            if not 0 <= layer < count:
                raise ValueError(
                    f"no decoder layer {layer}: the model has {count} (0..{count - 1})"
                )
        return [(model.decoder_layers[layer].cross_attention, "weights_edit") for layer in chosen]
    if family in ("bahdanau", "luong"):
        if layers not in (None, (0,)):
            raise ValueError(f"the {family} model has one attention layer (0), not {layers}")
        return [(model, "cross_edit")]
    raise ValueError(
        f"the '{family}' model has no cross attention to edit (bahdanau, luong and transformer do)"
    )


@contextmanager
def attention_edit(model: nn.Module, edit: AttentionEdit) -> Iterator[None]:
    """Apply ``edit`` to every decoding that runs inside the block (one sentence at a time)."""
    hooks = _cross_hooks(model, edit.layers)

    def make_hook():
        steps_seen = [0]  # each hook's own count of the steps' rows it has seen

        def hook(weights: Tensor) -> Tensor:
            edited = edit.apply(weights, steps_seen[0])
            steps_seen[0] += weights.shape[2]
            return edited

        return hook

    for owner, attribute in hooks:
        setattr(owner, attribute, make_hook())
    try:
        yield
    finally:
        for owner, attribute in hooks:
            setattr(owner, attribute, None)


def what_if(translator, text: str, edit: AttentionEdit, **options):
    """Decoding of ``text`` with ``edit`` applied: a ``TranslationResult`` whose record shows the
    edited rows. ``options``: as ``translate``'s; under beam search the edit applies to every
    hypothesis the beam holds at the edited step (the decoder runs them as one batch)."""
    with attention_edit(translator.model, edit):
        return translator.translate(text, **options)
