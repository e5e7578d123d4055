"""The Session: everything the user is looking at, as state and signals, without a widget.

It holds the model, the inputs, the decoding options and the latest result (here), and the record
on show, the selection, the text filter and the display options (``app.state.on_show``). Panels
and views read it and call its intent methods (``set_source``, ``select_token``, ...); it answers
with signals. Loading and decoding run on ``LatestJobWorker`` threads, so a keystroke never waits
for the model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import torch
from PySide6 import QtCore

from app.state import records
from app.state.explain import Explain, with_rollout
from app.state.input_fit import EMPTY, misfit
from app.state.on_show import OnShow
from app.state.records import Model, Result
from app.state.session_state import DecodeOptions, Inputs, Sample, decode
from app.workers.latest_job import LatestJobWorker
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.inference import Translator, load_model

logger = logging.getLogger(__name__)

# Torch threads of the decoding thread. Decoding a small model is one short matrix product after
# another: a second OpenMP thread costs more in synchronisation than it saves (on a busy 2-core
# machine, 6x slower: bench/bench_decoding.py --threads 1 vs 2), and it leaves a core to the GUI.
# OpenMP thread counts are per thread, so training elsewhere in the process keeps its own.
DECODE_THREADS = 1


def single_torch_thread() -> None:
    torch.set_num_threads(DECODE_THREADS)


class Session(Explain, OnShow, QtCore.QObject):
    """State + signals of one model on one input (the window has one; "compare" adds another)."""

    sigModelChanged = QtCore.Signal()  # model (and its card, samples, kind) replaced
    sigModelFailed = QtCore.Signal(str)  # a model could not be opened: the message to show
    sigInputsChanged = QtCore.Signal()  # inputs or decoding options changed
    sigResultChanged = QtCore.Signal()  # result replaced (or cleared; see ``hint``)
    sigRecordChanged = QtCore.Signal()  # the record on show replaced, and the selection with it
    sigSelectionChanged = QtCore.Signal()  # the selection changed on the same record
    sigDisplayChanged = QtCore.Signal()
    sigBusy = QtCore.Signal(bool)
    sigMessage = QtCore.Signal(str)  # for the status bar
    sigOpening = QtCore.Signal(str)  # a model is being opened (its name or path)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.model: Model | None = None
        self.model_source = ""  # what was opened: a model name or a checkpoint path
        self.inputs = Inputs()
        self.options = DecodeOptions()
        self.sample: Sample | None = None
        self.replaced_inputs: Inputs | None = None  # the user's text a model switch replaced
        self.input_note = ""  # why it was replaced
        self.fits_inputs = True  # False: a new model runs on whatever the inputs are (compare)
        self.result: Result | None = None
        self._result_for: tuple[Inputs, DecodeOptions] | None = None  # what made ``result``
        self._init_on_show()
        self.hint = self.tr("open a model to begin")
        self.decode_seconds = self.decode_cpu_seconds = 0.0  # the last decode: wall, CPU time
        self.stale_results = 0  # results dropped because a newer request was made
        self._decode_id = self._load_id = 0
        self._loading: dict[int, str] = {}
        self.decoder = LatestJobWorker("decoder", self, setup=single_torch_thread)
        self.decoder.sigDone.connect(self._on_decoded)
        self.decoder.sigFailed.connect(self._on_decode_failed)
        self.decoder.sigBusy.connect(self.sigBusy)
        self.loader = LatestJobWorker("loader", self)
        self.loader.sigDone.connect(self._on_loaded)
        self.loader.sigFailed.connect(self._on_load_failed)
        self._init_explain(single_torch_thread)

    # --- read-only views of the state ---------------------------------------------------------

    @property
    def task_kind(self) -> str | None:
        """ "translation", "nli", or None before a model is loaded."""
        if self.model is None:
            return None
        return "translation" if isinstance(self.model, Translator) else "nli"

    @property
    def model_name(self) -> str:
        return self.model.name if self.model is not None else ""

    @property
    def result_is_current(self) -> bool:
        """True when ``result`` was decoded from the current inputs and options."""
        return self._result_for == (self.inputs, self.options)

    @property
    def busy(self) -> bool:
        return self.decoder.busy or self.loader.busy

    def samples(self, count: int = 8) -> list[TranslationPair] | list[NLIPair]:
        """Example inputs from the model's task ([] without a model or a known task)."""
        return self.model.samples(count) if self.model is not None else []

    # --- model ----------------------------------------------------------------------------------

    def open_model(self, name_or_path: str | Path) -> None:
        """Load a bundled / user model by name, or a checkpoint directory, in the background;
        ``sigModelChanged`` or ``sigModelFailed`` follows (on failure the current model stays)."""
        self._load_id += 1
        self._loading = {self._load_id: str(name_or_path)}
        self.sigMessage.emit(self.tr("opening {model}…").format(model=name_or_path))
        if self.model is None:  # what the panels and views say until it is open
            name = Path(str(name_or_path)).name or str(name_or_path)
            self.hint = self.tr("opening {name}…").format(name=name)
            self.sigResultChanged.emit()
        self.sigOpening.emit(str(name_or_path))
        self.loader.submit(self._load_id, lambda: load_model(name_or_path))

    @property
    def opening(self) -> str:
        """The model being opened, as it was asked for ("" when none is)."""
        return next(iter(self._loading.values()), "")

    def set_model(self, model: Model, source: str = "") -> None:
        """Show ``model`` (already loaded) and run it on the current inputs, or on one of its
        samples when they do not suit it (``input_fit.misfit``; ``restore_inputs`` takes the
        user's text back)."""
        applies = self.model is not None and self._sample_applies()
        sample_task = self.model.task if applies else None
        self.model, self.model_source = model, source or model.name
        self.sample = None
        self._set_result(None, "")
        card = model.card()
        message = self.tr("model {name}: {family} · {task}").format(
            name=model.name, family=card["family"], task=card["task"] or self.tr("no task")
        )
        why = misfit(model, self.inputs, sample_task) if self.fits_inputs else ""
        samples = self.samples(1) if why else []
        self.replaced_inputs, self.input_note = None, ""
        if samples:
            if why != EMPTY and sample_task is None:  # the user's own text: keep it in reach
                self.replaced_inputs = self.inputs
                self.input_note = self.tr(
                    "Showing a sample of {task}: your text did not suit {model} ({why})"
                ).format(task=model.task, model=model.name, why=why)
                message += self.tr(" · showing one of its samples (Back to my text restores yours)")
            self._take_sample(samples[0])
        self.sigModelChanged.emit()
        self.sigInputsChanged.emit()
        self.sigMessage.emit(message)
        self._request_decode()

    @property
    def can_restore_inputs(self) -> bool:
        """Whether the user's text, replaced by a sample when the model changed, can come back
        (until the user edits the sample)."""
        return self.replaced_inputs is not None and self._sample_applies()

    def restore_inputs(self) -> None:
        """Put back the text a model switch replaced with a sample."""
        if self.can_restore_inputs:
            inputs, self.replaced_inputs, self.input_note = self.replaced_inputs, None, ""
            self.sample = None
            self.set_inputs(inputs)

    @QtCore.Slot(int, object)
    def _on_loaded(self, request_id: int, model: Model) -> None:
        if request_id in self._loading:
            self.set_model(model, self._loading.pop(request_id))

    @QtCore.Slot(int, object)
    def _on_load_failed(self, request_id: int, error: Exception) -> None:
        if request_id not in self._loading:
            return
        source = self._loading.pop(request_id)
        if self.model is None:
            self.hint = self.tr("open a model to begin")
            self.sigResultChanged.emit()
        current = (
            self.tr("; still showing {model}").format(model=self.model.name)
            if self.model is not None
            else ""
        )
        self.sigMessage.emit(self.tr("could not open {source}").format(source=source) + current)
        self.sigModelFailed.emit(
            self.tr("Could not open '{source}':\n\n{error}").format(
                source=source, error=describe_error(error)
            )
        )

    # --- inputs ---------------------------------------------------------------------------------

    def set_source(self, text: str) -> None:
        self.set_inputs(replace(self.inputs, source=text))

    def set_reference(self, text: str) -> None:
        """A reference target: the model is forced to produce it ("" decodes freely)."""
        self.set_inputs(replace(self.inputs, reference=text))

    def set_beam(self, width: int) -> None:
        """Beam width (1: greedy decoding)."""
        self.set_options(replace(self.options, beam=max(1, int(width))))

    def set_max_len(self, length: int) -> None:
        """Longest output in tokens (0: automatic)."""
        self.set_options(replace(self.options, max_len=max(0, int(length))))

    def set_inputs(self, inputs: Inputs) -> None:
        if inputs == self.inputs:
            return
        chosen, previous = self.text_selection, self.inputs
        self.inputs = inputs
        if (
            chosen is not None
            and chosen.box != "output"
            and getattr(previous, chosen.box) != getattr(inputs, chosen.box)
        ):
            self.clear_text_filter()  # its words are gone or moved
        self.sigInputsChanged.emit()
        self._request_decode()

    def set_options(self, options: DecodeOptions) -> None:
        if options == self.options:
            return
        self.options = options
        self.sigInputsChanged.emit()
        self._request_decode()

    def use_sample(self, pair: TranslationPair | NLIPair) -> None:
        """Fill the inputs from a task example; its gold alignment (and label) come along."""
        self.replaced_inputs, self.input_note = None, ""
        self._take_sample(pair)
        self.inputs = Inputs()  # so set_inputs always decodes, even on the same text
        self.set_inputs(self.sample.inputs)

    def _take_sample(self, pair: TranslationPair | NLIPair) -> None:
        """Hold ``pair`` as the sample and its text as the inputs (the caller signals)."""
        if isinstance(pair, TranslationPair):
            self.sample = Sample(Inputs(source=pair.source), pair.alignment)
        else:
            inputs = Inputs(premise=pair.premise, hypothesis=pair.hypothesis)
            self.sample = Sample(inputs, pair.alignment, pair.label)
        if self.text_selection is not None and self.text_selection.box != "output":
            self.clear_text_filter()  # its words are gone
        self.inputs = self.sample.inputs

    def copy_from(self, other: Session) -> None:
        """Decode and draw what ``other`` does (the "compare" side): its inputs, decoding options,
        sample, display options and text filter (on an input box: another model's output is
        another text)."""
        self.set_display(other.display)
        if (self.inputs, self.options, self.sample) != (other.inputs, other.options, other.sample):
            self.inputs, self.options, self.sample = other.inputs, other.options, other.sample
            self.sigInputsChanged.emit()
            self._request_decode()
        chosen = other.text_selection
        if chosen is not None and chosen.box == "output":
            chosen = None
        if chosen != self.text_selection:
            self.text_selection = chosen
            self._apply_text_filter()

    def gold_label(self) -> str | None:
        """The NLI sample's gold label while its pair is on show."""
        return self.sample.label if self._sample_applies() else None

    def _sample_applies(self) -> bool:
        if self.sample is None:
            return False
        sample, inputs = self.sample.inputs, self.inputs
        if self.task_kind == "translation":
            return sample.source == inputs.source
        return (sample.premise, sample.hypothesis) == (inputs.premise, inputs.hypothesis)

    # --- decoding -------------------------------------------------------------------------------

    def missing_input(self) -> str:
        """Why the inputs cannot be run ("" when they can)."""
        if self.task_kind == "translation" and not self.inputs.source.strip():
            return self.tr("type a sentence to translate")
        if self.task_kind == "nli" and not (
            self.inputs.premise.strip() and self.inputs.hypothesis.strip()
        ):
            return self.tr("type a premise and a hypothesis")
        return ""

    def _request_decode(self) -> None:
        self._decode_id += 1
        model = self.model
        if model is None:
            return
        missing = self.missing_input()
        if missing:
            self.decoder.cancel_pending()
            self._set_result(None, missing)
            self.sigMessage.emit(missing)  # not the last translation's time
            return
        inputs, options = self.inputs, self.options
        gold = self.sample.alignment if self._sample_applies() else None

        masking = self.masking(model)

        def job() -> tuple[Result, float, float]:
            start, cpu_start = time.perf_counter(), time.thread_time()
            with masking:
                result = with_rollout(decode(model, inputs, options, gold))
            return result, time.perf_counter() - start, time.thread_time() - cpu_start

        self.decoder.submit(self._decode_id, job)

    @QtCore.Slot(int, object)
    def _on_decoded(self, request_id: int, payload: tuple[Result, float, float]) -> None:
        if request_id != self._decode_id:
            self.stale_results += 1
            return
        result, self.decode_seconds, self.decode_cpu_seconds = payload
        self._set_result(result, "")
        notes = [
            self.tr("input cut to the model's limit of {limit} tokens").format(
                limit=self.model.max_source_len
            )
            if result.truncated
            else "",
            records.unknown_count(result),
            self.tr("a sample of its task in place of your text (Back to my text)")
            if self.can_restore_inputs
            else "",
            self.ablation_note(result),
        ]
        done = (
            self.tr("translated in {ms} ms")
            if self.task_kind == "translation"
            else self.tr("classified in {ms} ms")
        )
        self.sigMessage.emit(
            done.format(ms=f"{self.decode_seconds * 1000:.0f}")
            + "".join(f" · {n}" for n in notes if n)
        )

    @QtCore.Slot(int, object)
    def _on_decode_failed(self, request_id: int, error: Exception) -> None:
        if request_id == self._decode_id:
            self._set_result(
                None,
                self.tr("the model failed on this input: {error}").format(
                    error=describe_error(error)
                ),
            )
            self.sigMessage.emit(self.hint)

    def _set_result(self, result: Result | None, hint: str) -> None:
        chosen, output = self.text_selection, self._box_text("output")
        self.result, self.hint = result, hint
        if chosen is not None and chosen.box == "output" and self._box_text("output") != output:
            self.text_selection = None  # the selected output text was replaced
        # the current request: a newer one would have made a result for older ones stale
        self._result_for = (self.inputs, self.options) if result is not None else None
        self.beam_node, self._partial = None, None
        has_beam = self.task_kind == "translation" and result is not None
        self.beam_tree = records.beam_tree(result) if has_beam else []
        self.sigResultChanged.emit()
        self._show_record()

    def shutdown(self) -> None:
        """Stop the worker threads (waits for a running job to finish)."""
        self.decoder.stop()
        self.loader.stop()
        self.explainer.stop()


def describe_error(error: BaseException) -> str:
    """A one-paragraph message for a dialog: the error's own text, its type when that is vague."""
    text = str(error).strip() or type(error).__name__
    if isinstance(error, (ValueError, OSError)):
        return text
    return f"{type(error).__name__}: {text}"
