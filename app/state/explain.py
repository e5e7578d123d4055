"""Attention rollout and flow, gradient attribution, and head ablation, in the app (issue 18,
Abnar & Zuidema 2020, ``core_models.explain.rollout``; ``core_models.explain.attribution``;
Michel et al. 2019, ``core_models.explain.ablation``). A mixin of ``app.state.session.Session``.

A Transformer's rollout maps (encoder / pair self-attention rollout, cross attention · encoder
rollout; ours or a Hugging Face encoder-decoder's or classifier's) are added to the record on the
decoding thread right after each decode: they cost a few matrix products. Flow (a max-flow per
pair of tokens) and gradient attribution (a backward per output token, integrated gradients a
forward over its steps too) take seconds: the map picker
offers them (``on_request_kinds``, ``app.state.on_request``) and the one the user chooses is
computed then, on the explain worker, and added to the record; the picker then shows it like any
other map. Attribution explains the result on show as it was decoded (greedy, beam search or
the forced reference), with the heads that are off masked, on the worker's own copy of the model.

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
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.i18n.terms import kind_name
from app.state.beam_tree import BeamTree
from app.state.measures import step_rows_map
from app.state.on_request import attribution_kinds, done_message, flow_kinds, is_attribution
from app.state.selection import MEAN
from app.workers.latest_job import LatestJobWorker
from core_models.explain.rollout import ROLLOUT_KINDS, rollout_maps
from core_models.record import StepInfo

if TYPE_CHECKING:  # the map picker imports this module: no torch for the views
    from app.state.records import Result
    from core_models.explain.editing import AttentionEdit
    from core_models.inference import TranslationResult
    from core_models.record import AttentionRecord


def with_rollout(result: Result) -> Result:
    """``result`` with its record's rollout maps added: a record with encoder or pair
    self-attention (our Transformers', a Hugging Face encoder-decoder's or BERT-style
    classifier's); others unchanged."""
    record = result.record
    if any(kind in record.kinds() for kind in ROLLOUT_KINDS):
        record.maps.extend(rollout_maps(record, with_flow=False))
    return result


def heads_names(heads: frozenset[tuple[str, int, int]]) -> str:
    """ "cross L0 H1, encoder self L1 H2": heads (kind, layer, head) as the status names them."""
    return ", ".join(f"{kind_name(k)} L{layer} H{h}" for k, layer, h in sorted(heads))


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
    """Maps on request, head ablation and attention edits for a Session (which provides the
    result, the signals and OnShow)."""

    def _init_explain(self, setup) -> None:
        from core_models.explain.attribution import IG_STEPS

        self.heads_off: frozenset[tuple[str, int, int]] = frozenset()
        self.ablation_changes: list[TokenChange] = []  # the output's changes after toggle_head
        self._result_before: Result | None = None  # the result before the last toggle_head
        self._compared: Result | None = None  # the one the new result was compared with
        self.edited: EditedRun | None = None
        self._copies: list = []  # [model, its clean copy for edits and gradients] (the latest)
        self._edited_shown: tuple[object, ...] = ()  # (run, units, record) of edited_record
        self.sigModelChanged.connect(self._heads_on)
        self.sigResultChanged.connect(self._forget_edit)
        self.sigResultChanged.connect(self._compare_with_before)
        self._explain_id = 0  # map and edit requests share the explain worker: the latest wins
        self._maps_started = 0.0
        self.attribution_steps = IG_STEPS  # integrated gradients'
        self._explain_failure = ""  # what the latest request's failure message begins with
        self.explainer = LatestJobWorker("explainer", self, setup=setup)
        self.explainer.sigDone.connect(self._on_explained)
        self.explainer.sigFailed.connect(self._on_explain_failed)
        self.explainer.sigBusy.connect(self.sigBusy)

    def on_request_kinds(self, record: AttentionRecord | None) -> list[str]:
        """The kinds the map picker offers for ``record`` (on show) to compute when chosen:
        flow, and the attribution kinds of the result's own record (not a beam node's)."""
        offered = flow_kinds(record)
        if self.model is not None and self._partial is None:
            offered += attribution_kinds(record, self.task_kind, self.model.family)
        return offered

    def select_map(self, kind: str, layer: int, head) -> None:
        """Show map ``kind``; a kind on request not computed yet is computed first (off this
        thread)."""
        record = self.result.record if self.result is not None else None
        if kind in self.on_request_kinds(record):
            self._request_maps(record, kind, layer)
        else:
            super().select_map(kind, layer, head)

    def _request_maps(self, record: AttentionRecord, kind: str, layer: int) -> None:
        """Compute ``kind``'s maps for ``record`` (the result's) on the explain worker."""
        self._explain_id += 1
        self._maps_started = time.perf_counter()
        self.sigMessage.emit(tr("computing {kind}…").format(kind=kind_name(kind)))
        if is_attribution(kind):
            produce = self._attribution_job(kind)
            failure = QCoreApplication.translate("Explain", "no {kind}").format(
                kind=kind_name(kind)
            )
        else:
            produce, failure = partial(rollout_maps, record, kinds=(kind,)), tr("no attention flow")
        self._explain_failure = failure

        def job() -> tuple[AttentionRecord, str, int, list]:
            return record, kind, layer, produce()

        self.explainer.submit(self._explain_id, job)

    def _attribution_job(self, kind: str):
        """A job: ``kind``'s attribution map of the result on show, on the worker's model copy
        with the heads that are off masked (what made the output)."""
        from core_models.explain import shown

        model, result, heads_off = self.model, self.result, self.heads_off
        method, steps = kind.removeprefix("label_"), self.attribution_steps

        def job() -> list:
            twin = self._clean_copy(model)
            with self.masking(twin, heads_off):
                return shown.result_attributions(twin, result, (method,), steps)

        return job

    def _clean_copy(self, model):
        """The explain worker's own copy of ``model`` (decodes go on meanwhile), kept for the
        latest model."""
        from core_models.explain.ablation import clean_copy

        if not self._copies or self._copies[0] is not model:
            self._copies[:] = [model, clean_copy(model)]
        return self._copies[1]

    def _on_explained(self, request_id: int, payload) -> None:
        if request_id != self._explain_id:
            return  # the user asked for something else meanwhile
        if isinstance(payload, EditedRun):
            self._on_edit_done(payload)
        else:
            self._on_maps_done(*payload)

    def _on_explain_failed(self, request_id: int, error: Exception) -> None:
        if request_id == self._explain_id:
            self.sigMessage.emit(
                tr("{failure}: {error}").format(failure=self._explain_failure, error=error)
            )

    def _on_maps_done(self, record: AttentionRecord, kind: str, layer: int, maps: list) -> None:
        if self.result is None or self.result.record is not record:
            return  # the result was replaced meanwhile
        if kind not in record.kinds():
            record.maps.extend(maps)
        self._show_record()
        super().select_map(kind, layer, None)
        seconds = time.perf_counter() - self._maps_started
        self.sigMessage.emit(done_message(kind, maps, seconds))

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
        names = heads_names(self.heads_off)
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
        from core_models.explain.editing import what_if

        model, original, inputs, options = self.model, self.result, self.inputs, self.options
        heads_off = self.heads_off

        def job() -> EditedRun:
            twin = self._clean_copy(model)
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
