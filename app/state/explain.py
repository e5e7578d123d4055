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
changed; ``ablation_changes`` holds each output token's probability change (the heads grid draws
them and marks the heads off). Opening another model switches them all on.

Attention editing (what-if, ``core_models.explain.editing``): ``pin_attention`` / ``scale_attention``
edit the cross-attention row of the steps view's map at one decoding step and decode the input on
with the edit, on the explain worker; ``edited`` then holds the edited run beside the result it
edits (the steps view and the beam tree draw both) until the result is replaced.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.i18n.terms import kind_name
from app.state.beam_tree import BeamTree
from app.state.measures import step_rows_map
from app.state.selection import MEAN
from app.workers.latest_job import LatestJobWorker
from core_models.explain.rollout import ROLLOUT_KINDS, rollout_maps
from core_models.record import StepInfo

if TYPE_CHECKING:  # the map picker imports this module: no torch for the views
    from app.state.records import Result
    from core_models.explain.editing import AttentionEdit
    from core_models.inference import TranslationResult
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


@dataclass(frozen=True)
class TokenChange:
    """Output token ``position`` after a change of heads: its token and probability now, and the
    token and probability at that position before (None past the end of the earlier output)."""

    position: int
    token: str
    prob: float
    before: str | None
    before_prob: float | None

    @property
    def changed(self) -> bool:
        return self.token != self.before

    @property
    def delta(self) -> float | None:
        """The probability change of the same token (None where the token changed)."""
        return None if self.changed else self.prob - self.before_prob


def token_changes(before: list[StepInfo], after: list[StepInfo]) -> list[TokenChange]:
    """Each step of ``after`` against the same step of ``before``."""
    return [
        TokenChange(
            t,
            step.token,
            step.prob,
            before[t].token if t < len(before) else None,
            before[t].prob if t < len(before) else None,
        )
        for t, step in enumerate(after)
    ]


@dataclass(frozen=True, eq=False)  # one run is equal to itself only
class EditedRun:
    """The run decoded with an attention edit, beside the result it edits (``original``)."""

    edit: AttentionEdit
    what: str  # what was edited, as the views title it
    original: Result
    result: TranslationResult
    tree: BeamTree  # its beam tree ([] when greedy or forced)


class Explain:
    """Flow on request, head ablation and attention edits for a Session (which provides the
    result, the signals and OnShow)."""

    def _init_explain(self, setup) -> None:
        self.heads_off: frozenset[tuple[str, int, int]] = frozenset()
        self.ablation_changes: list[TokenChange] = []  # the output's changes after toggle_head
        self._result_before: Result | None = None  # the result before the last toggle_head
        self._compared: Result | None = None  # the one the new result was compared with
        self.edited: EditedRun | None = None
        self._edit_copies: list = []  # [model, its clean copy for edits] (the latest model)
        self._edited_shown: tuple[object, ...] = ()  # (run, units, record) of edited_record
        self.sigModelChanged.connect(self._heads_on)
        self.sigResultChanged.connect(self._forget_edit)
        self.sigResultChanged.connect(self._compare_with_before)
        self._explain_id = 0  # flow and edit requests share the explain worker: the latest wins
        self._flow_started = 0.0
        self._explain_failure = ""  # what the latest request's failure message begins with
        self.explainer = LatestJobWorker("explainer", self, setup=setup)
        self.explainer.sigDone.connect(self._on_explained)
        self.explainer.sigFailed.connect(self._on_explain_failed)
        self.explainer.sigBusy.connect(self.sigBusy)

    def select_map(self, kind: str, layer: int, head) -> None:
        """Show map ``kind``; a flow kind not computed yet is computed first (off this thread)."""
        record = self.result.record if self.result is not None else None
        if kind in on_request_kinds(record):
            self._request_flow(record, kind, layer)
        else:
            super().select_map(kind, layer, head)

    def _request_flow(self, record: AttentionRecord, kind: str, layer: int) -> None:
        self._explain_id += 1
        self._flow_started = time.perf_counter()
        self.sigMessage.emit(tr("computing {kind}…").format(kind=kind_name(kind)))

        def job() -> tuple[AttentionRecord, str, int, list]:
            return record, kind, layer, rollout_maps(record, kinds=(kind,))

        self._explain_failure = tr("no attention flow")
        self.explainer.submit(self._explain_id, job)

    def _on_explained(self, request_id: int, payload) -> None:
        if request_id != self._explain_id:
            return  # the user asked for something else meanwhile
        if isinstance(payload, EditedRun):
            self._on_edit_done(payload)
        else:
            self._on_flow_done(*payload)

    def _on_explain_failed(self, request_id: int, error: Exception) -> None:
        if request_id == self._explain_id:
            self.sigMessage.emit(
                tr("{failure}: {error}").format(failure=self._explain_failure, error=error)
            )

    def _on_flow_done(self, record: AttentionRecord, kind: str, layer: int, maps: list) -> None:
        if self.result is None or self.result.record is not record:
            return  # the result was replaced meanwhile
        if kind not in record.kinds():
            record.maps.extend(maps)
        self._show_record()
        super().select_map(kind, layer, None)
        seconds = time.perf_counter() - self._flow_started
        self.sigMessage.emit(
            tr("{kind} in {seconds} s").format(kind=kind_name(kind), seconds=f"{seconds:.1f}")
        )

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
        self._result_before = self.result
        self._request_decode()

    def _heads_on(self) -> None:
        self.heads_off, self.ablation_changes, self._result_before = frozenset(), [], None
        self._compared = None

    def _compare_with_before(self) -> None:
        """A new result after toggle_head: ``ablation_changes`` against the one before (set
        before the views redraw); other results clear them."""
        before, self._result_before = self._result_before, None  # the toggle's decode only
        self._compared = before if self.result is not None else None
        steps = before.record.steps if self._compared is not None else []
        self.ablation_changes = token_changes(steps, self.result.record.steps) if steps else []

    def masking(self, model, heads_off=None) -> AbstractContextManager:
        """The context a decode of ``model`` runs in: the heads that are off (``heads_off``, by
        default the Session's), masked."""
        from core_models.explain.ablation import masked_heads

        heads = self.heads_off if heads_off is None else heads_off
        return masked_heads(model.model, heads) if heads else nullcontext()

    def ablation_note(self, result: Result) -> str:
        """ "heads off: …" and how the output changed ("" with every head on)."""
        before, self._compared = self._compared, None
        if not self.heads_off:
            return ""
        names = ", ".join(f"{kind_name(k)} L{layer} H{h}" for k, layer, h in sorted(self.heads_off))
        output = _output(result)
        if before is None:
            return tr("heads off: {heads}").format(heads=names)
        if output == _output(before):
            return tr("heads off: {heads} · output unchanged").format(heads=names)
        return tr("heads off: {heads} · output was '{before}', now '{after}'").format(
            heads=names, before=_output(before), after=output
        )

    # --- attention editing (what-if) --------------------------------------------------------------

    def pin_attention(self, step: int, key: int) -> None:
        """Pin decoding ``step``'s cross-attention row (the steps view's map: its layer, and its
        head or every head) to source token ``key``, and decode on with it."""
        from core_models.explain.editing import AttentionEdit

        target = self._edit_target()
        if target is not None:
            layer, head, tokens = target
            what = QCoreApplication.translate(
                "Explain", "step {step}: cross L{layer} {head} pinned to '{token}'"
            ).format(step=step + 1, layer=layer, head=_head_name(head), token=tokens[key])
            self._request_edit(AttentionEdit(step, pin_to=key, head=head, layers=(layer,)), what)

    def scale_attention(self, step: int, factor: float) -> None:
        """Scale decoding ``step``'s cross-attention row (as ``pin_attention`` chooses it) by
        ``factor``, and decode on with it."""
        from core_models.explain.editing import AttentionEdit

        target = self._edit_target()
        if target is not None:
            layer, head, _ = target
            what = QCoreApplication.translate(
                "Explain", "step {step}: cross L{layer} {head} scaled ×{factor:g}"
            ).format(step=step + 1, layer=layer, head=_head_name(head), factor=factor)
            self._request_edit(AttentionEdit(step, scale=factor, head=head, layers=(layer,)), what)

    def clear_edit(self) -> None:
        """Forget the edited run (the views show the original alone)."""
        if self.edited is not None:
            self._forget_edit()
            self._show_record()

    def _forget_edit(self) -> None:
        self.edited, self._edited_shown = None, ()

    @property
    def edited_record(self) -> AttentionRecord | None:
        """The edited run's record in the units on show (pieces, or merged words)."""
        run, units = self.edited, self.display.units
        if run is None:
            return None
        if self._edited_shown[:2] != (run, units):
            from app.state.records import word_record

            record = run.result.record
            if units == "words" and record.maps:
                record = word_record(record, self.model)
            self._edited_shown = (run, units, record)
        return self._edited_shown[2]

    def _edit_target(self) -> tuple[int, int | None, list[str]] | None:
        """(layer, head or None for every head, source tokens) of the steps view's cross map,
        or None after saying why there is nothing to edit."""
        why = ""
        record, selection = self.pieces_record, self.selection
        attention_map = None
        if record is None or selection is None or self.task_kind != "translation":
            why = QCoreApplication.translate(
                "Explain", "nothing to edit: translate a sentence first"
            )
        elif self.display.units == "words":
            why = QCoreApplication.translate(
                "Explain", "attention edits work on pieces: choose View ▸ Tokens ▸ pieces"
            )
        else:
            attention_map = step_rows_map(record, selection)
            if attention_map is None or attention_map.kind != "cross":
                why = QCoreApplication.translate(
                    "Explain", "attention edits change cross attention: this model has none on show"
                )
        if why:
            self.sigMessage.emit(why)
            return None
        head = selection.head
        head = None if head == MEAN or head >= attention_map.heads else head
        return attention_map.layer, head, attention_map.key_tokens

    def _request_edit(self, edit: AttentionEdit, what: str) -> None:
        from app.state.records import beam_tree
        from core_models.explain.ablation import clean_copy
        from core_models.explain.editing import what_if

        model, original, inputs, options = self.model, self.result, self.inputs, self.options
        heads_off = self.heads_off
        copies = self._edit_copies  # the explain worker's own model: decodes go on meanwhile

        def job() -> EditedRun:
            if not copies or copies[0] is not model:
                copies[:] = [model, clean_copy(model)]
            twin = copies[1]
            with self.masking(twin, heads_off):
                result = what_if(
                    twin,
                    inputs.source,
                    edit,
                    beam=options.beam,
                    max_len=options.max_len,
                    reference=inputs.reference or None,
                )
            return EditedRun(edit, what, original, result, beam_tree(result))

        self._explain_id += 1
        self._explain_failure = QCoreApplication.translate(
            "Explain", "the edit could not be decoded"
        )
        self.sigMessage.emit(
            QCoreApplication.translate("Explain", "what if {what}: decoding…").format(what=what)
        )
        self.explainer.submit(self._explain_id, job)

    def _on_edit_done(self, run: EditedRun) -> None:
        if run.original is not self.result:
            return  # the result it edits was replaced meanwhile
        self.edited, self._edited_shown = run, ()
        self._show_record()
        message = QCoreApplication.translate("Explain", "what if {what}: '{now}' (was '{before}')")
        self.sigMessage.emit(
            message.format(what=run.what, now=run.result.output_text, before=_output(run.original))
        )


def _output(result) -> str:
    """A result's output text (a translation) or label (NLI); "" for none."""
    return getattr(result, "output_text", getattr(result, "label", ""))


def _head_name(head: int | None) -> str:
    return (
        QCoreApplication.translate("Explain", "every head")
        if head is None
        else QCoreApplication.translate("Explain", "H{head}").format(head=head)
    )
