"""The maps a record can have computed on request (the map picker offers them with "…"):
attention flow of a Transformer's record (Abnar & Zuidema 2020, seconds of max-flows) and the
gradient attribution maps of any of the project's own models (saliency, input × gradient,
integrated gradients; ``core_models.explain.attribution``). The Session computes the one chosen
on its explain worker (``app.state.explain``); this module says what is offered and what the
status line says when it is done. No torch here: the map picker imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.i18n.terms import kind_name
from core_models.models.registry import FAMILIES
from core_models.record import ATTRIBUTION_KINDS, ATTRIBUTION_METHODS

if TYPE_CHECKING:
    from core_models.record import AttentionMap, AttentionRecord

# The attended kind a record needs, the flow kinds it then offers on request.
FLOW_ON_REQUEST = {
    "encoder_self": ("encoder_self_flow", "cross_flow"),
    "pair_self": ("pair_self_flow",),
}
# The attribution kinds of a translation, and of the NLI label ("label_" + method).
TASK_ATTRIBUTIONS = {
    "translation": ATTRIBUTION_METHODS,
    "nli": tuple(f"label_{method}" for method in ATTRIBUTION_METHODS),
}


def is_attribution(kind: str) -> bool:
    """True for a gradient attribution kind (its weights are not attention)."""
    return kind in ATTRIBUTION_KINDS


def flow_kinds(record: AttentionRecord | None) -> list[str]:
    """The flow kinds ``record`` can have computed on request and does not have yet."""
    if record is None:
        return []
    kinds = record.kinds()
    offered = [flow for kind in FLOW_ON_REQUEST if kind in kinds for flow in FLOW_ON_REQUEST[kind]]
    return [
        kind for kind in offered if kind not in kinds and (kind != "cross_flow" or "cross" in kinds)
    ]


def attribution_kinds(record: AttentionRecord | None, task_kind: str | None, family: str) -> list:
    """The attribution kinds of a ``task_kind`` model of ``family`` that ``record`` lacks; none
    for a family the attribution does not know (a Hugging Face model's)."""
    if record is None or family not in FAMILIES or task_kind not in TASK_ATTRIBUTIONS:
        return []
    return [kind for kind in TASK_ATTRIBUTIONS[task_kind] if kind not in record.kinds()]


def done_message(kind: str, maps: list[AttentionMap], seconds: float) -> str:
    """The status line once ``kind`` is computed: what, how long, and for integrated gradients
    the completeness gap (the largest |convergence delta| of its rows)."""
    done = QCoreApplication.translate("OnRequest", "{kind} in {seconds} s").format(
        kind=kind_name(kind), seconds=f"{seconds:.1f}" if seconds >= 0.1 else "< 0.1"
    )
    from core_models.explain.shown import largest_gap

    shown = [m for m in maps if m.kind == kind]
    gaps = [gap for gap in map(largest_gap, shown) if gap is not None]
    if not gaps:
        return done
    gap_note = QCoreApplication.translate(
        "OnRequest", "completeness gap {gap} (largest |convergence delta|, {steps} steps)"
    ).format(gap=f"{max(gaps):.2g}", steps=shown[0].info["steps"])
    return f"{done} · {gap_note}"
