"""What the Session shows and how the user looks at it: the record on show (pieces or merged
words, or a beam node's partial hypothesis), the selection and its moves, the text filter, and the
display options. A mixin of ``app.state.session.Session``, which provides the model, the result and
the signals; everything here is a reaction to the user's navigation, never a decode.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication

from app.i18n.terms import describe_span
from app.state import records, selection_moves, special
from app.state.beam_tree import BeamTree
from app.state.display import Display
from app.state.records import Model, Result
from app.state.selection import MEAN, Head, Selection, TokenSpan
from app.state.text_filter import TextSelection, token_span
from core_models.inference import TranslationResult
from core_models.record import AttentionRecord


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QCoreApplication.translate("", text)


class OnShow:
    """The record on show, its selection, the text filter and the display of a Session."""

    model: Model | None
    result: Result | None
    inputs: object  # app.state.session_state.Inputs: its fields are the text boxes' texts

    def _init_on_show(self) -> None:
        self.display = Display()
        self.record: AttentionRecord | None = None  # what the views draw
        self.selection: Selection | None = None
        self.text_selection: TextSelection | None = None  # filters the maps (selection.span)
        self.beam_tree: BeamTree = []
        self.beam_node: tuple[int, int] | None = None
        self._partial: AttentionRecord | None = None  # the selected beam node's record (pieces)
        self._kept: special.Kept = {}  # the tokens of each side on show when some are hidden

    # --- the record on show ---------------------------------------------------------------------

    @property
    def pieces_record(self) -> AttentionRecord | None:
        """The record on show before any merging to words (its rows are the decoding steps)."""
        return self._partial or (self.result.record if self.result is not None else None)

    def _show_record(self, reset_token: bool = False) -> None:
        self._fit_record(reset_token)
        self.sigRecordChanged.emit()

    def _fit_record(self, reset_token: bool) -> None:
        """Make the record on show from the result (merged to words, special tokens hidden, when
        the display says so) and keep the selection as far as it allows; emits nothing."""
        pieces = self.pieces_record
        record, kept = pieces, {}
        if pieces is not None and pieces.maps and self.display.units == "words":
            record = records.word_record(pieces, self.model)
        if record is not None and record.maps and self.display.hide_special:
            record, kept = special.hide_special(
                record, self.model, self.display.renormalise, pieces
            )
        self.record = record
        previous = special.shift_selection(self.selection, self._kept, kept)
        self._kept = kept
        if reset_token and previous is not None:
            previous = replace(previous, token=None)
        self.selection = selection_moves.fit_selection(previous, record)
        if self.selection is not None:
            self.selection = replace(self.selection, span=self._text_span())

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
            self.sigMessage.emit(
                tr("no beam node ({step}, {index}): {error}").format(
                    step=step, index=index, error=error
                )
            )
            return
        best = (step, index) == tuple(result.beam.best_node)
        self.beam_node, self._partial = (step, index), None if best else partial
        self._fit_record(reset_token=False)
        if self.selection is not None and self.record is not None and self.record.steps:
            # at the node's step: one change, one signal
            self.selection = selection_moves.with_step(self.selection, self.record, step)
        self.sigRecordChanged.emit()
        self.sigMessage.emit(
            tr("beam step {step}, hypothesis {index}: log p {score}").format(
                step=step + 1, index=index, score=f"{node.score:.2f}"
            )
        )

    # --- selection ------------------------------------------------------------------------------

    def _set_selection(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.sigSelectionChanged.emit()

    def select_token(self, side: str, index: int) -> None:
        """Select token ``index`` of ``side`` in every view; a target token is also the decoding
        step that produced it."""
        if self.selection is not None:
            self._set_selection(
                selection_moves.with_token(self.selection, self.record, side, index)
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
        """Show decoding step ``step``; the target token it produced becomes the selected token."""
        if self.selection is not None and self.record is not None and self.record.steps:
            self._set_selection(selection_moves.with_step(self.selection, self.record, step))

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

    # --- the text filter ------------------------------------------------------------------------

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
                tr("showing only {span}: clear the text selection to see all").format(
                    span=describe_span(span.side, span.first, span.last)
                )
            )
        elif self.text_selection is None:
            self.sigMessage.emit(tr("showing every token"))

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
        span = token_span(
            lambda side: records.tokenizer_of_side(model, side),
            pieces,
            chosen,
            self._box_text(chosen.box),
            words,
        )
        return special.shift_span(span, self._kept)

    # --- display --------------------------------------------------------------------------------

    def set_display(self, display: Display) -> None:
        """Draw with ``display``; a change of token units (pieces / words) also replaces the record
        on show and clears the selected token; hiding special tokens (or showing them) replaces
        the record and keeps the selected token on its word."""
        if display == self.display:
            return
        units_changed = display.units != self.display.units
        new_record = units_changed or _hiding(display) != _hiding(self.display)
        self.display = display
        if new_record:  # the new record first: a view redraws once, with both
            self._fit_record(reset_token=units_changed)
        self.sigDisplayChanged.emit()
        if new_record:
            self.sigRecordChanged.emit()
        if new_record and self._kept and not display.renormalise:
            self.sigMessage.emit(
                QCoreApplication.translate(
                    "OnShow",
                    "special tokens hidden: the rows show the model's weights and no longer "
                    "sum to 1 (renormalise rows to rescale them)",
                )
            )

    def choose_display(self, name: str, value: str | bool) -> None:
        """Set one display option by name ("colormap", "scale", "gold", ...): what the View menu
        and a view's own boxes ask for."""
        self.set_display(self.display.with_choice(name, value))


def _hiding(display: Display) -> tuple[bool, bool]:
    """What of ``display`` makes the record on show: special tokens hidden, rows renormalised."""
    return display.hide_special, display.hide_special and display.renormalise
