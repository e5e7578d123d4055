"""The Session: everything the user is looking at, as state and signals, without a widget.

It holds the model, the inputs, the decoding options, the latest result, the record on show (pieces
or merged words, or a beam node's partial hypothesis), the selection (``app.state.selection``), the
text selected in a text box (which filters the maps' rows or columns, ``app.state.text_filter``) and the
display options. Panels and views read it and call its intent methods (``set_source``,
``select_token``, ...); it answers with signals. Loading and decoding run on ``LatestJobWorker``
threads, so a keystroke never waits for the model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import torch
from PySide6 import QtCore

from app.state import records, selection_moves
from app.state.beam_tree import BeamTree
from app.state.records import Model, Result
from app.state.selection import MEAN, Head, Selection, TokenSpan
from app.state.session_state import UNITS, DecodeOptions, Display, Inputs, Sample, decode
from app.state.text_filter import TextSelection, token_span
from app.views.style import COLORMAPS, NORMALISATIONS, SCALES, THEMES, choose
from app.workers import LatestJobWorker
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.inference import TranslationResult, Translator, load_model
from core_models.record import AttentionRecord

logger = logging.getLogger(__name__)

# Torch threads of the decoding thread. Decoding a small model is one short matrix product after
# another: a second OpenMP thread costs more in synchronisation than it saves (on a busy 2-core
# machine, 6x slower: bench/bench_decoding.py --threads 1 vs 2), and it leaves a core to the GUI.
# OpenMP thread counts are per thread, so training elsewhere in the process keeps its own.
DECODE_THREADS = 1


def single_torch_thread() -> None:
    torch.set_num_threads(DECODE_THREADS)


class Session(QtCore.QObject):
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

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.model: Model | None = None
        self.model_source = ""  # what was opened: a model name or a checkpoint path
        self.inputs = Inputs()
        self.options = DecodeOptions()
        self.display = Display()
        self.sample: Sample | None = None
        self.result: Result | None = None
        self._result_for: tuple[Inputs, DecodeOptions] | None = None  # what made ``result``
        self.record: AttentionRecord | None = None  # what the views draw
        self.selection: Selection | None = None
        self.text_selection: TextSelection | None = None  # filters the maps (selection.span)
        self.beam_tree: BeamTree = []
        self.beam_node: tuple[int, int] | None = None
        self.hint = "open a model to begin"
        self.decode_seconds = self.decode_cpu_seconds = 0.0  # the last decode: wall, CPU time
        self.stale_results = 0  # results dropped because a newer request was made
        self._partial: AttentionRecord | None = None  # the selected beam node's record (pieces)
        self._decode_id = self._load_id = 0
        self._loading: dict[int, str] = {}
        self.decoder = LatestJobWorker("decoder", self, setup=single_torch_thread)
        self.decoder.sigDone.connect(self._on_decoded)
        self.decoder.sigFailed.connect(self._on_decode_failed)
        self.decoder.sigBusy.connect(self.sigBusy)
        self.loader = LatestJobWorker("loader", self)
        self.loader.sigDone.connect(self._on_loaded)
        self.loader.sigFailed.connect(self._on_load_failed)

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
        self.sigMessage.emit(f"opening {name_or_path}…")
        self.loader.submit(self._load_id, lambda: load_model(name_or_path))

    def set_model(self, model: Model, source: str = "") -> None:
        """Show ``model`` (already loaded) and run it on the current inputs."""
        self.model, self.model_source = model, source or model.name
        self.sample = None
        self._set_result(None, "")
        self.sigModelChanged.emit()
        card = model.card()
        self.sigMessage.emit(f"model {model.name}: {card['family']} · {card['task'] or 'no task'}")
        self._request_decode()

    @QtCore.Slot(int, object)
    def _on_loaded(self, request_id: int, model: Model) -> None:
        if request_id in self._loading:
            self.set_model(model, self._loading.pop(request_id))

    @QtCore.Slot(int, object)
    def _on_load_failed(self, request_id: int, error: Exception) -> None:
        if request_id not in self._loading:
            return
        source = self._loading.pop(request_id)
        current = f"; still showing {self.model.name}" if self.model is not None else ""
        self.sigMessage.emit(f"could not open {source}{current}")
        self.sigModelFailed.emit(f"Could not open '{source}':\n\n{describe_error(error)}")

    # --- inputs ---------------------------------------------------------------------------------

    def set_source(self, text: str) -> None:
        self.set_inputs(replace(self.inputs, source=text))

    def set_reference(self, text: str) -> None:
        """A reference target: the model is forced to produce it ("" decodes freely)."""
        self.set_inputs(replace(self.inputs, reference=text))

    def set_premise(self, text: str) -> None:
        self.set_inputs(replace(self.inputs, premise=text))

    def set_hypothesis(self, text: str) -> None:
        self.set_inputs(replace(self.inputs, hypothesis=text))

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
        if isinstance(pair, TranslationPair):
            self.sample = Sample(Inputs(source=pair.source), pair.alignment)
        else:
            inputs = Inputs(premise=pair.premise, hypothesis=pair.hypothesis)
            self.sample = Sample(inputs, pair.alignment, pair.label)
        self.inputs = Inputs()  # so set_inputs always decodes, even on the same text
        self.set_inputs(self.sample.inputs)

    def copy_from(self, other: Session) -> None:
        """Decode and draw what ``other`` does (the "compare" side): its inputs, decoding options,
        sample, display options and text filter (on an input box: another model's output is
        another text)."""
        if other.display != self.display:
            units_changed = other.display.units != self.display.units
            self.display = other.display
            self.sigDisplayChanged.emit()
            if units_changed:
                self._show_record(reset_token=True)
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

    def _missing_input(self) -> str:
        """Why the inputs cannot be run ("" when they can)."""
        if self.task_kind == "translation" and not self.inputs.source.strip():
            return "type a sentence to translate"
        if self.task_kind == "nli" and not (
            self.inputs.premise.strip() and self.inputs.hypothesis.strip()
        ):
            return "type a premise and a hypothesis"
        return ""

    def _request_decode(self) -> None:
        self._decode_id += 1
        model = self.model
        if model is None:
            return
        missing = self._missing_input()
        if missing:
            self.decoder.cancel_pending()
            self._set_result(None, missing)
            return
        inputs, options = self.inputs, self.options
        gold = self.sample.alignment if self._sample_applies() else None

        def job() -> tuple[Result, float, float]:
            start, cpu_start = time.perf_counter(), time.thread_time()
            result = decode(model, inputs, options, gold)
            return result, time.perf_counter() - start, time.thread_time() - cpu_start

        self.decoder.submit(self._decode_id, job)

    @QtCore.Slot(int, object)
    def _on_decoded(self, request_id: int, payload: tuple[Result, float, float]) -> None:
        if request_id != self._decode_id:
            self.stale_results += 1
            return
        result, self.decode_seconds, self.decode_cpu_seconds = payload
        self._set_result(result, "")
        notes = []
        if result.truncated:
            notes.append(f"input cut to the model's limit of {self.model.max_source_len} tokens")
        if result.unknown_words:
            notes.append(f"{len(result.unknown_words)} unknown word(s)")
        done = "translated" if self.task_kind == "translation" else "classified"
        self.sigMessage.emit(
            f"{done} in {self.decode_seconds * 1000:.0f} ms" + "".join(f" · {n}" for n in notes)
        )

    @QtCore.Slot(int, object)
    def _on_decode_failed(self, request_id: int, error: Exception) -> None:
        if request_id == self._decode_id:
            self._set_result(None, f"the model failed on this input: {describe_error(error)}")
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

    # --- the record on show ---------------------------------------------------------------------

    @property
    def pieces_record(self) -> AttentionRecord | None:
        """The record on show before any merging to words (its rows are the decoding steps)."""
        return self._partial or (self.result.record if self.result is not None else None)

    def _show_record(self, reset_token: bool = False) -> None:
        pieces = self.pieces_record
        record = pieces
        if pieces is not None and pieces.maps and self.display.units == "words":
            record = records.word_record(pieces, self.model)
        self.record = record
        previous = self.selection
        if reset_token and previous is not None:
            previous = replace(previous, token=None)
        self.selection = selection_moves.fit_selection(previous, record)
        if self.selection is not None:
            self.selection = replace(self.selection, span=self._text_span())
        self.sigRecordChanged.emit()

    def select_beam_node(self, step: int | None, index: int | None = None) -> None:
        """Show the attention of the beam's partial hypothesis ending at (step, index); None goes
        back to the returned hypothesis."""
        result = self.result
        if result is None or getattr(result, "beam", None) is None:
            return
        if step is None or index is None:
            self.beam_node, self._partial = None, None
            self._show_record()
            return
        try:
            node = self.beam_tree[step][index]
            partial = self.model.partial_record(result, step, index)
        except (IndexError, ValueError) as error:
            self.sigMessage.emit(f"no beam node ({step}, {index}): {error}")
            return
        best = (step, index) == tuple(result.beam.best_node)
        self.beam_node, self._partial = (step, index), None if best else partial
        self._show_record()
        self.select_step(step)
        self.sigMessage.emit(f"beam step {step + 1}, hypothesis {index}: log p {node.score:.2f}")

    # --- selection ------------------------------------------------------------------------------

    def _set_selection(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.sigSelectionChanged.emit()

    def select_token(self, side: str, index: int) -> None:
        """Select token ``index`` of ``side`` in every view; a target piece is also the decoding
        step that produced it."""
        if self.selection is not None:
            by_piece = self.display.units == "pieces"
            self._set_selection(
                selection_moves.with_token(self.selection, self.record, side, index, by_piece)
            )

    def select_text(self, box: str, start: int, end: int) -> None:
        """The user selected characters ``start``..``end`` of text box ``box`` ("source",
        "reference", "output", "premise" or "hypothesis"): the maps keep only the rows or columns
        of the tokens those words were read or written as (``selection.span``). An empty
        selection (``start == end``) clears the filter."""
        chosen = TextSelection(box, start, end) if end > start else None
        if chosen is None and (self.text_selection is None or self.text_selection.box != box):
            return  # a box without the filter lost a selection it never had
        if chosen == self.text_selection:
            return
        self.text_selection = chosen
        self._apply_text_filter()

    def clear_text_filter(self) -> None:
        """Show every row and column again."""
        if self.text_selection is not None:
            self.text_selection = None
            self._apply_text_filter()

    def _apply_text_filter(self) -> None:
        if self.selection is None:
            return
        span = self._text_span()
        self._set_selection(replace(self.selection, span=span))
        if span is not None:
            self.sigMessage.emit(
                f"showing only {span.describe()}: clear the text selection to see all"
            )
        elif self.text_selection is None:
            self.sigMessage.emit("showing every token")

    def _box_text(self, box: str) -> str:
        """The text of box ``box`` (the output: the translation on show)."""
        if box == "output":
            return self.result.output_text if isinstance(self.result, TranslationResult) else ""
        return getattr(self.inputs, box)

    def _text_span(self) -> TokenSpan | None:
        """The tokens of the record on show that the selected text stands for (None: no filter)."""
        chosen, pieces = self.text_selection, self.pieces_record
        if chosen is None or pieces is None or not pieces.maps or self.model is None:
            return None
        words = self.display.units == "words"
        model = self.model
        return token_span(
            lambda side: records.tokenizer_of_side(model, side),
            pieces,
            chosen,
            self._box_text(chosen.box),
            words,
        )

    def clear_token(self) -> None:
        if self.selection is not None:
            self._set_selection(replace(self.selection, token=None))

    def select_map(self, kind: str, layer: int, head: Head) -> None:
        """Show map ``kind`` at ``layer``, head ``head`` (or "mean")."""
        if self.selection is not None:
            chosen = self.selection.with_map(kind, layer, MEAN if head is None else head)
            self._set_selection(selection_moves.fit_selection(chosen, self.record))

    def select_head(self, layer: int, head: Head) -> None:
        if self.selection is not None:
            self.select_map(self.selection.kind, layer, head)

    def select_kind(self, kind: str) -> None:
        if self.selection is not None:
            self.select_map(kind, self.selection.layer, self.selection.head)

    def select_step(self, step: int) -> None:
        """Show decoding step ``step``; the target piece it produced becomes the selected token."""
        if self.selection is not None and self.record is not None and self.record.steps:
            by_piece = self.display.units == "pieces"
            self._set_selection(
                selection_moves.with_step(self.selection, self.record, step, by_piece)
            )

    def step_by(self, delta: int) -> None:
        if self.selection is not None:
            current = self.selection.step
            self.select_step((-1 if current is None else current) + delta)

    def head_by(self, delta: int) -> None:
        """Next / previous head, "mean" first."""
        if self.selection is not None:
            self._set_selection(selection_moves.next_head(self.selection, self.record, delta))

    def layer_by(self, delta: int) -> None:
        if self.selection is not None:
            self._set_selection(selection_moves.next_layer(self.selection, self.record, delta))

    # --- display --------------------------------------------------------------------------------

    def set_units(self, units: str) -> None:
        """Axes in sub-word "pieces" or merged "words" (the selected token is cleared)."""
        if choose(units, UNITS, "token units") != self.display.units:
            self.display = replace(self.display, units=units)
            self.sigDisplayChanged.emit()
            self._show_record(reset_token=True)

    def set_colormap(self, name: str) -> None:
        self._set_display(colormap=choose(name, COLORMAPS, "colour map"))

    def set_scale(self, scale: str) -> None:
        self._set_display(scale=choose(scale, SCALES, "colour scale"))

    def set_normalisation(self, mode: str) -> None:
        self._set_display(normalisation=choose(mode, NORMALISATIONS, "normalisation"))

    def set_theme(self, theme: str) -> None:
        self._set_display(theme=choose(theme, THEMES, "theme"))

    def _set_display(self, **changes: str) -> None:
        display = replace(self.display, **changes)
        if display != self.display:
            self.display = display
            self.sigDisplayChanged.emit()

    def shutdown(self) -> None:
        """Stop the worker threads (waits for a running job to finish)."""
        self.decoder.stop()
        self.loader.stop()


def describe_error(error: BaseException) -> str:
    """A one-paragraph message for a dialog: the error's own text, its type when that is vague."""
    text = str(error).strip() or type(error).__name__
    if isinstance(error, (ValueError, OSError)):
        return text
    return f"{type(error).__name__}: {text}"
