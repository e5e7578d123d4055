"""Attention rollout and flow, and head ablation, in the app (issue 18, Abnar & Zuidema 2020;
``core_models.explain.rollout``; Michel et al. 2019, ``core_models.explain.ablation``). A mixin of
``app.state.session.Session``.

A Transformer's rollout maps (encoder / pair self-attention rollout, cross attention · encoder
rollout) are added to the record on the decoding thread right after each decode: they cost a few
matrix products. Flow runs a max-flow per pair of tokens (seconds): it is offered by the map
picker and computed only when the user chooses it, on its own worker thread; the picker then
shows it like any other map.

Head ablation: ``toggle_head`` switches a head of a Transformer off (or on again); every decode
runs with the heads that are off masked, and the status says which are off and how the output
changed. Opening another model switches them all on.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.i18n.terms import kind_name
from app.workers.latest_job import LatestJobWorker
from core_models.explain.rollout import ROLLOUT_KINDS, rollout_maps

if TYPE_CHECKING:  # the map picker imports this module: no torch for the views
    from app.state.records import Result
    from core_models.record import AttentionRecord

# The attended kind a record needs, the flow kinds it then offers on request.
FLOW_ON_REQUEST = {
    "encoder_self": ("encoder_self_flow", "cross_flow"),
    "pair_self": ("pair_self_flow",),
}


# The project's own Transformer families (a Hugging Face model's record is left as it decoded).
ROLLOUT_FAMILIES = ("transformer", "encoder_classifier")


def with_rollout(result: Result, family: str) -> Result:
    """``result`` with its record's rollout maps added (a Transformer's; others unchanged)."""
    record = result.record
    if family in ROLLOUT_FAMILIES and any(kind in record.kinds() for kind in ROLLOUT_KINDS):
        record.maps.extend(rollout_maps(record, with_flow=False))
    return result


def on_request_kinds(record: AttentionRecord | None) -> list[str]:
    """The flow kinds ``record`` can have computed on request and does not have yet."""
    if record is None:
        return []
    kinds = record.kinds()
    offered = [flow for kind in FLOW_ON_REQUEST if kind in kinds for flow in FLOW_ON_REQUEST[kind]]
    return [
        kind for kind in offered if kind not in kinds and (kind != "cross_flow" or "cross" in kinds)
    ]


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QCoreApplication.translate("", text)


class Explain:
    """Flow on request for a Session (which provides the result, the signals and OnShow)."""

    def _init_explain(self, setup) -> None:
        self.heads_off: frozenset[tuple[str, int, int]] = frozenset()
        self._output_before = ""  # the output before the last toggle_head
        self.sigModelChanged.connect(self._heads_on)
        self._flow_id = 0
        self._flow_started = 0.0
        self.explainer = LatestJobWorker("explainer", self, setup=setup)
        self.explainer.sigDone.connect(self._on_flow_done)
        self.explainer.sigFailed.connect(self._on_flow_failed)
        self.explainer.sigBusy.connect(self.sigBusy)

    def select_map(self, kind: str, layer: int, head) -> None:
        """Show map ``kind``; a flow kind not computed yet is computed first (off this thread)."""
        record = self.result.record if self.result is not None else None
        if kind in on_request_kinds(record):
            self._request_flow(record, kind, layer)
        else:
            super().select_map(kind, layer, head)

    def _request_flow(self, record: AttentionRecord, kind: str, layer: int) -> None:
        self._flow_id += 1
        self._flow_started = time.perf_counter()
        self.sigMessage.emit(tr("computing {kind}…").format(kind=kind_name(kind)))

        def job() -> tuple[AttentionRecord, str, int, list]:
            return record, kind, layer, rollout_maps(record, kinds=(kind,))

        self.explainer.submit(self._flow_id, job)

    def _on_flow_done(self, request_id: int, payload: tuple) -> None:
        record, kind, layer, maps = payload
        if request_id != self._flow_id or self.result is None or self.result.record is not record:
            return  # the user asked for something else, or the result was replaced meanwhile
        if kind not in record.kinds():
            record.maps.extend(maps)
        self._show_record()
        super().select_map(kind, layer, None)
        seconds = time.perf_counter() - self._flow_started
        self.sigMessage.emit(
            tr("{kind} in {seconds} s").format(kind=kind_name(kind), seconds=f"{seconds:.1f}")
        )

    def _on_flow_failed(self, request_id: int, error: Exception) -> None:
        if request_id == self._flow_id:
            self.sigMessage.emit(tr("no attention flow: {error}").format(error=error))

    # --- head ablation ----------------------------------------------------------------------------

    def toggle_head(self, kind: str, layer: int, head: int) -> None:
        """Switch head (kind, layer, head) off, or on again if it is off, and decode again."""
        from core_models.explain.ablation import attention_modules

        if self.model is None:
            return
        try:
            heads = attention_modules(self.model.model)
        except (ValueError, AttributeError) as error:
            self.sigMessage.emit(tr("no heads to switch off: {error}").format(error=error))
            return
        if (kind, layer) not in heads:
            self.sigMessage.emit(
                tr("no {kind} heads to switch off in this model").format(kind=kind_name(kind))
            )
            return
        self.heads_off = self.heads_off ^ {(kind, layer, head)}
        self._output_before = getattr(self.result, "output_text", "")
        self._request_decode()

    def _heads_on(self) -> None:
        self.heads_off = frozenset()

    def masking(self, model) -> AbstractContextManager:
        """The context a decode of ``model`` runs in: the heads that are off, masked."""
        from core_models.explain.ablation import masked_heads

        return masked_heads(model.model, self.heads_off) if self.heads_off else nullcontext()

    def ablation_note(self, result: Result) -> str:
        """ "heads off: …" and how the output changed ("" with every head on)."""
        if not self.heads_off:
            return ""
        names = ", ".join(f"{kind_name(k)} L{layer} H{h}" for k, layer, h in sorted(self.heads_off))
        output = getattr(result, "output_text", getattr(result, "label", ""))
        if output == self._output_before:
            return tr("heads off: {heads} · output unchanged").format(heads=names)
        return tr("heads off: {heads} · output was '{before}', now '{after}'").format(
            heads=names, before=self._output_before, after=output
        )
