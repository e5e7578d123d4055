"""The model half of a TrainConfig: family, size preset with the fields behind it (a form generated
from the family's config dataclass), tokenizer kind and vocabulary size, and an estimate of the
parameters, recomputed on every change."""

from __future__ import annotations

import html
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import family_description, field_name
from app.train.presets import (
    SIZES,
    ModelField,
    count_parameters,
    families_for,
    format_count,
    model_fields,
    preset_options,
    vocab_options,
    vocabulary_estimate,
)
from app.workers.latest_job import LatestJobWorker
from core_models.models.registry import FAMILIES
from core_models.training.config import TOKENIZER_KINDS, ModelSection, TokenizerConfig
from core_models.words import UNSPACED_SHARE_LIMIT, unspaced_share

CUSTOM = "custom"
DEFAULT_FAMILIES = {"translation": "transformer", "nli": "decomposable"}  # both have attention
FORM_COLUMNS = 2
ESTIMATE_DELAY_MS = 30  # edits in a burst (a preset filling the form) give one estimate


class FieldForm(QtWidgets.QWidget):
    """One input per config field: spin boxes for numbers, a check box for flags, a choice for
    text fields with fixed values. sigEdited(): the user changed a value."""

    sigEdited = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, QtWidgets.QWidget] = {}
        self._grid = QtWidgets.QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(2)

    def build(self, fields: list[ModelField]) -> None:
        """One label and input per field, FORM_COLUMNS fields to a row."""
        while self._grid.count():
            self._grid.takeAt(0).widget().deleteLater()
        self.inputs = {f.name: self._input(f) for f in fields}
        for index, (name, widget) in enumerate(self.inputs.items()):
            row, column = divmod(index, FORM_COLUMNS)
            label = QtWidgets.QLabel(field_name(name))
            label.setBuddy(widget)
            self._grid.addWidget(label, row, 2 * column)
            self._grid.addWidget(widget, row, 2 * column + 1)
        for column in range(FORM_COLUMNS):
            self._grid.setColumnStretch(2 * column + 1, 1)

    def _input(self, model_field: ModelField) -> QtWidgets.QWidget:
        if model_field.kind is bool:
            widget = QtWidgets.QCheckBox()
            widget.toggled.connect(self.sigEdited)
        elif model_field.kind is int:
            widget = QtWidgets.QSpinBox()
            widget.setRange(0, 1_000_000)
            widget.valueChanged.connect(self.sigEdited)
        elif model_field.kind is float:
            widget = QtWidgets.QDoubleSpinBox()
            widget.setDecimals(3)
            widget.setRange(0.0, 1_000.0)
            widget.setSingleStep(0.05)
            widget.valueChanged.connect(self.sigEdited)
        elif model_field.choices:
            widget = QtWidgets.QComboBox()
            widget.addItems(list(model_field.choices))
            widget.currentTextChanged.connect(self.sigEdited)
        else:
            widget = QtWidgets.QLineEdit()
            widget.textEdited.connect(self.sigEdited)
        return widget

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the inputs without reporting edits."""
        for name, value in values.items():
            widget = self.inputs[name]
            blocked = widget.blockSignals(True)
            if isinstance(widget, QtWidgets.QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QtWidgets.QComboBox):
                widget.setCurrentText(str(value))
            elif isinstance(widget, QtWidgets.QLineEdit):
                widget.setText(str(value))
            else:
                widget.setValue(value)
            widget.blockSignals(blocked)

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QtWidgets.QCheckBox):
                result[name] = widget.isChecked()
            elif isinstance(widget, QtWidgets.QComboBox):
                result[name] = widget.currentText()
            elif isinstance(widget, QtWidgets.QLineEdit):
                result[name] = widget.text()
            else:
                result[name] = widget.value()
        return result


class ModelPanel(QtWidgets.QGroupBox):
    """Family, size, fields, tokenizer and the parameter estimate.

    sigChanged(): anything here changed. sigSizeChosen(size): the user picked a size preset.
    Counts run on a thread of the panel's own: call ``shutdown()`` before the panel is deleted
    (``TrainView.shutdown`` does).
    """

    sigChanged = QtCore.Signal()
    sigSizeChosen = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        """Every model field, its tooltip and its connection (widget construction: longer than
        60 lines, and clearer as one form)."""
        super().__init__(self.tr("Model"), parent)
        self.task_kind = "translation"
        self.estimate: int | None = None
        self._estimate_pending = False  # an edit not counted yet (counted once the panel shows)
        self._count_request = 0  # the latest count asked for; results of older ones are dropped
        self._shown_request = 0  # the count whose result the label and ``estimate`` hold
        self._counter = LatestJobWorker("parameter count", self)
        self._counter.sigDone.connect(self._on_counted)
        self._counter.sigFailed.connect(self._on_count_failed)
        self._vocab_texts: tuple[list[str], list[str]] = ([], [])

        self.family_box = QtWidgets.QComboBox()
        self.size_box = QtWidgets.QComboBox()
        self.size_box.addItems([*SIZES, CUSTOM])
        self.description = QtWidgets.QLabel()
        self.description.setWordWrap(True)
        self.form = FieldForm()
        self.tokenizer_box = QtWidgets.QComboBox()
        self.tokenizer_box.addItems(list(TOKENIZER_KINDS))
        self.vocab_size = QtWidgets.QSpinBox()
        self.vocab_size.setRange(16, 1_000_000)
        self.vocab_size.setValue(8000)
        self.vocab_size.setToolTip(self.tr("at most this many pieces per tokenizer"))
        self.shared_box = QtWidgets.QCheckBox(self.tr("shared"))
        self.shared_box.setToolTip(self.tr("one tokenizer for source and target"))
        self.segment_box = QtWidgets.QCheckBox(self.tr("jieba"))
        self.segment_box.setToolTip(
            self.tr(
                "word tokenizer: cut Chinese into words with jieba (a bundled task's own words "
                "added to its dictionary); without it a Chinese sentence would be one word"
            )
        )
        self.estimate_label = QtWidgets.QLabel()
        self.estimate_label.setWordWrap(True)
        self._estimate_timer = QtCore.QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self._count_in_background)

        top = QtWidgets.QFormLayout()
        top.addRow(self.tr("family"), self.family_box)
        top.addRow(self.tr("size"), self.size_box)
        tokenizer = QtWidgets.QHBoxLayout()
        tokenizer.addWidget(self.tokenizer_box)
        tokenizer.addWidget(QtWidgets.QLabel(self.tr("vocab")))
        tokenizer.addWidget(self.vocab_size)
        tokenizer.addWidget(self.shared_box)
        tokenizer.addWidget(self.segment_box)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.description)
        layout.addWidget(self.form)
        tokenizer_row = QtWidgets.QFormLayout()
        tokenizer_row.addRow(self.tr("tokenizer"), tokenizer)
        layout.addLayout(tokenizer_row)
        layout.addWidget(self.estimate_label)

        self.family_box.currentIndexChanged.connect(self._on_family)
        self.size_box.textActivated.connect(self._on_size)
        self.form.sigEdited.connect(self._on_field_edited)
        for signal in (
            self.tokenizer_box.currentTextChanged,
            self.vocab_size.valueChanged,
            self.shared_box.toggled,
            self.segment_box.toggled,
        ):
            signal.connect(self._changed)
        self.tokenizer_box.currentTextChanged.connect(self._on_tokenizer)
        self.set_task_kind("translation")
        self._on_tokenizer()

    # --- what the panel holds ---------------------------------------------------------------------

    @property
    def family(self) -> str:
        return self.family_box.currentData()

    @property
    def size(self) -> str:
        return self.size_box.currentText()

    def options(self) -> dict[str, Any]:
        return self.form.values()

    def tokenizer_config(self) -> TokenizerConfig:
        kind = self.tokenizer_box.currentText()
        return TokenizerConfig(
            kind=kind,
            vocab_size=self.vocab_size.value(),
            shared=self.shared_box.isChecked() and self.task_kind == "translation",
            segment="jieba" if kind == "word" and self.segment_box.isChecked() else "",
        )

    def model_section(self) -> ModelSection:
        return ModelSection(family=self.family, options=self.options())

    # --- what the user (or the view) changes ------------------------------------------------------

    def set_task_kind(self, task_kind: str) -> None:
        """Offer the families that train on ``task_kind`` data, keeping the family if it fits."""
        current = self.family_box.currentData()
        self.task_kind = task_kind
        blocked = self.family_box.blockSignals(True)
        self.family_box.clear()
        for name in families_for(task_kind):
            self.family_box.addItem(name, name)
        index = self.family_box.findData(current)
        default = self.family_box.findData(DEFAULT_FAMILIES.get(task_kind))
        self.family_box.setCurrentIndex(index if index >= 0 else max(default, 0))
        self.family_box.blockSignals(blocked)
        self.shared_box.setEnabled(task_kind == "translation")
        if index < 0:
            self._on_family()

    def set_family(self, family: str) -> None:
        index = self.family_box.findData(family)
        if index < 0:
            raise ValueError(
                f"family '{family}' does not train on {self.task_kind} data; "
                f"choose one of {', '.join(families_for(self.task_kind))}"
            )
        self.family_box.setCurrentIndex(index)

    def set_size(self, size: str) -> None:
        """Fill the form from a size preset (what picking it in the list does)."""
        self.size_box.setCurrentText(size)
        self._on_size(size)

    def set_option(self, name: str, value: Any) -> None:
        """Set one field as if typed (the size becomes "custom")."""
        self.form.set_values({name: value})
        self._on_field_edited()

    def set_vocab_texts(self, source_texts: list[str], target_texts: list[str]) -> None:
        """A sample of the data, to estimate the vocabularies the tokenizers will have; jieba is
        ticked when either side is Chinese (or another unspaced script), unticked otherwise."""
        self._vocab_texts = (source_texts, target_texts)
        blocked = self.segment_box.blockSignals(True)
        self.segment_box.setChecked(
            any(unspaced_share(texts) > UNSPACED_SHARE_LIMIT for texts in self._vocab_texts)
        )
        self.segment_box.blockSignals(blocked)
        self._changed()

    def _on_tokenizer(self) -> None:
        """jieba is a word tokenizer's option (the others cut Chinese into characters or pieces)."""
        self.segment_box.setEnabled(self.tokenizer_box.currentText() == "word")

    def _on_family(self) -> None:
        family = self.family
        self.description.setText(family_description(family, FAMILIES[family].description))
        self.form.build(model_fields(family))
        size = self.size if self.size in SIZES else SIZES[0]
        self.size_box.setCurrentText(size)
        self.form.set_values(preset_options(family, size))
        self._changed()

    def _on_size(self, size: str) -> None:
        if size not in SIZES:
            return
        self.form.set_values(preset_options(self.family, size))
        self.sigSizeChosen.emit(size)
        self._changed()

    def _on_field_edited(self) -> None:
        self.size_box.setCurrentText(CUSTOM)
        self._changed()

    def _changed(self) -> None:
        self.estimate_label.setText(self.tr("estimating…"))
        self._estimate_pending = True
        if self.isVisible():
            self._estimate_timer.start()
        self.sigChanged.emit()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        """Count what was edited while hidden (no count is started for a hidden panel)."""
        super().showEvent(event)
        if self._estimate_pending:
            self._estimate_timer.start()

    def shutdown(self) -> None:
        """End the counting thread."""
        self._counter.stop()

    # --- the estimate -------------------------------------------------------------------------

    def vocabularies(self) -> tuple[int, int]:
        """The (source, target) vocabulary sizes the tokenizers will have, estimated."""
        tokenizer = self.tokenizer_config()
        sources, targets = self._vocab_texts
        if tokenizer.shared:
            sources = targets = sources + targets
        return (
            vocabulary_estimate(tokenizer.kind, tokenizer.vocab_size, sources, tokenizer.segment),
            vocabulary_estimate(tokenizer.kind, tokenizer.vocab_size, targets, tokenizer.segment),
        )

    def current_estimate(self) -> int | None:
        """The estimate of what the form shows now (counted here if its count is due, running or
        not yet delivered)."""
        if self._estimate_pending or self._shown_request != self._count_request:
            return self.update_estimate()
        return self.estimate

    def update_estimate(self) -> int | None:
        """Count the parameters of the model the form describes, now, on this thread (None and
        the reason on the label if it cannot be built)."""
        try:
            family, options, vocab = self._count_request_now()
            count = count_parameters(family, options)
        except Exception as error:  # any option the model rejects, as the background count
            return self._show_failure(self._count_request, error)
        return self._show_count(self._count_request, count, vocab)

    def _count_in_background(self) -> None:
        """Count off the GUI thread: the first count in a process imports torch's meta-device
        machinery (torch._dynamo, 2.2 s on a slow 2-core machine), which must freeze nothing."""
        try:
            family, options, vocab = self._count_request_now()
        except ValueError as error:  # a tokenizer that cannot read the data (plain words, Chinese)
            self._show_failure(self._count_request, error)
            return
        self._counter.submit(
            self._count_request, lambda: (count_parameters(family, options), vocab)
        )

    def _count_request_now(self) -> tuple[str, dict[str, Any], str]:
        """What to count for the form as it is: family, options with the estimated vocabulary
        sizes, and those sizes as text. Results of any count asked before are dropped."""
        self._estimate_timer.stop()
        self._estimate_pending = False
        self._count_request += 1
        source_vocab, target_vocab = self.vocabularies()
        options = {**self.options(), **vocab_options(self.task_kind, source_vocab, target_vocab)}
        vocab = (
            f"{source_vocab:,}"
            if self.task_kind == "nli"
            else f"{source_vocab:,} / {target_vocab:,}"
        )
        return self.family, options, vocab

    def _on_counted(self, request: int, result: tuple[int, str]) -> None:
        if request == self._count_request:
            self._show_count(request, *result)

    def _on_count_failed(self, request: int, error: Exception) -> None:
        if request == self._count_request:
            self._show_failure(request, error)

    def _show_failure(self, request: int, error: Exception) -> None:
        self.estimate, self._shown_request = None, request
        message = html.escape(str(error))
        self.estimate_label.setText(
            "<span style='color:#c92a2a'>"
            + self.tr("cannot build: {error}").format(error=message)
            + "</span>"
        )

    def _show_count(self, request: int, count: int, vocab: str) -> int:
        self.estimate, self._shown_request = count, request
        self.estimate_label.setText(
            self.tr("<b>≈ {short} parameters</b> ({count}) · vocabulary ≈ {vocab} pieces").format(
                short=format_count(count), count=f"{count:,}", vocab=vocab
            )
        )
        self.estimate_label.setToolTip(
            self.tr(
                "counted on a model built with the vocabulary the tokenizer would learn from a "
                "sample of the data (source / target); the trained tokenizer may differ a little"
            )
        )
        return count
