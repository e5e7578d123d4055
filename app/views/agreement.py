"""Do the explanations agree (issue 18)? On request, for the sentence on show or over the first N
examples of the task's test split: one row per method (raw attention per layer and head, the mean
of heads, rollout, flow, saliency, input × gradient, integrated gradients) with its AER against
the gold alignments (the lowest in bold, its row and column marked), and the methods × methods
rank correlation (Spearman ρ or Kendall τ-b, over the source tokens of each output token, mean
over the output tokens) as a grid of numbers tinted by value. A filter hides groups of methods.
The table is made off the GUI thread (``app.state.agreement_study``); this view draws it.
"""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import kind_name
from app.state.agreement_study import GROUPS, AgreementResult, AgreementStudy, group_of
from app.views.base import AttentionView
from app.views.style import Palette

TINT = 0.7  # the share of the accent colour in a cell of |ρ| = 1 (the rest: the background)


def tint(value: float, colors: Palette) -> tuple[QtGui.QColor, QtGui.QColor]:
    """A correlation cell's (background, text) colours: the accent (negative: the highlight
    colour) mixed into the background by |value|; NaN: the background."""
    back = QtGui.QColor(colors.background)
    if math.isnan(value):
        return back, QtGui.QColor(colors.muted)
    tone = QtGui.QColor(colors.accent if value >= 0 else colors.highlight)
    share = TINT * min(abs(value), 1.0)
    mixed = QtGui.QColor.fromRgbF(
        *(b + (t - b) * share for b, t in zip(back.getRgbF()[:3], tone.getRgbF()[:3], strict=True))
    )
    text = "#ffffff" if mixed.lightness() < 128 else "#000000"
    return mixed, QtGui.QColor(text)


class AgreementView(AttentionView):
    """Compute buttons, options, progress, the group filter and the agreement table of one
    AgreementStudy."""

    def __init__(self, study: AgreementStudy, parent: QtWidgets.QWidget | None = None) -> None:
        """Controls, filter and table, laid out and connected (widget construction)."""
        super().__init__(parent)
        self.study = study
        self.sentence_button = QtWidgets.QPushButton(self.tr("Compute for this sentence"))
        self.size_box = QtWidgets.QSpinBox()
        self.size_box.setRange(1, 1000)
        self.size_box.setValue(20)
        self.size_box.setSuffix(self.tr(" examples"))
        self.split_button = QtWidgets.QPushButton(self.tr("Compute over the test split"))
        self.flow_box = QtWidgets.QCheckBox(self.tr("flow"))
        self.flow_box.setToolTip(self.tr("attention flow: about 0.1 s more a sentence"))
        self.ig_box = QtWidgets.QCheckBox(self.tr("integrated gradients"))
        self.ig_box.setToolTip(self.tr("about 0.5 s more a sentence (64 steps)"))
        for box in (self.flow_box, self.ig_box):
            box.setChecked(True)
        self.sentence_button.clicked.connect(
            lambda: study.run_sentence(self.flow_box.isChecked(), self.ig_box.isChecked())
        )
        self.split_button.clicked.connect(
            lambda: study.run_split(
                self.size_box.value(), self.flow_box.isChecked(), self.ig_box.isChecked()
            )
        )
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.hide()  # an empty bar until the first run
        self.intro = self.tr(
            "How well each method agrees with the gold alignments (AER, lower is closer) and with "
            "the others (rank correlation over the source tokens of each output token, as Jain & "
            "Wallace 2019). Integrated gradients cost about 0.5 s a sentence, flow 0.1 s."
        )
        self.status = QtWidgets.QLabel(self.intro)
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(480)  # a wrapped line asks for the height of its narrowest
        self.note = QtWidgets.QLabel()  # what the table lacks: gold links, attention
        self.note.setWordWrap(True)
        self.group_titles = {
            "raw": self.tr("heads"),
            "mean": self.tr("means of heads"),
            "rollout": self.tr("rollout"),
            "flow": self.tr("flow"),
            "gradients": self.tr("gradients"),
        }
        self.short_names = {  # the gradient methods' column names
            "saliency": self.tr("sal."),
            "input_x_gradient": self.tr("I×G"),
            "integrated_gradients": self.tr("IG"),
        }
        self.groups = {name: QtWidgets.QCheckBox(self.group_titles[name]) for name in GROUPS}
        for box in self.groups.values():
            box.setChecked(True)
            box.toggled.connect(self._apply_filter)
        self.measure = QtWidgets.QComboBox()
        self.measure.addItem(self.tr("Spearman ρ"), "spearman")
        self.measure.addItem(self.tr("Kendall τ-b"), "kendall")
        self.measure.currentIndexChanged.connect(self._fill)
        self.table = QtWidgets.QTableWidget()
        self._set_up_table()
        self._lay_out()
        study.sigProgress.connect(self._on_progress)
        study.sigDone.connect(self.show_result)
        study.sigFailed.connect(self._on_failed)
        self.show_result()

    def _set_up_table(self) -> None:
        table = self.table
        table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 4)  # 17 methods in 800 px
        columns = table.horizontalHeader()
        columns.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        columns.setMinimumSectionSize(38)

    def _lay_out(self) -> None:
        controls = QtWidgets.QHBoxLayout()
        for widget in (self.sentence_button, self.size_box, self.split_button):
            controls.addWidget(widget)
        controls.addSpacing(12)
        for widget in (self.flow_box, self.ig_box, self.progress):
            controls.addWidget(widget)
        controls.addStretch(1)
        shown = QtWidgets.QHBoxLayout()
        shown.addWidget(QtWidgets.QLabel(self.tr("Show:")))
        for box in self.groups.values():
            shown.addWidget(box)
        shown.addSpacing(12)
        shown.addWidget(QtWidgets.QLabel(self.tr("rank correlation:")))
        shown.addWidget(self.measure)
        shown.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.note)
        layout.addLayout(shown)
        layout.addWidget(self.table, 1)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, total)  # 0, 0: one sentence, busy without a count
        self.progress.setValue(done)
        finished = total > 0 and done >= total
        for button in (self.sentence_button, self.split_button):
            button.setEnabled(finished)
        if not finished:
            self.status.setText(
                self.tr("computing… example {0} of {1}").format(done, total)
                if total
                else self.tr("computing…")
            )

    def _on_failed(self, message: str) -> None:
        self._enable_controls()
        self.progress.hide()
        self.status.setText(self.tr("No agreement table: {0}").format(message))

    def _enable_controls(self) -> None:
        flow, ig = self.study.offers()
        self.flow_box.setEnabled(flow)
        self.ig_box.setEnabled(ig)
        for button in (self.sentence_button, self.split_button):
            button.setEnabled(True)

    def show_result(self) -> None:
        """Draw the study's table (or nothing, before one or after the model changed)."""
        result = self.study.result
        self._enable_controls()
        self.table.setVisible(result is not None)
        self.note.setVisible(result is not None)
        if result is None:
            self.status.setText(self.intro)
            self.progress.hide()
            self.table.clear()
            return
        if result.scope == "split":  # the bar stays full; a sentence's busy bar goes
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
        else:
            self.progress.hide()
        present = {group_of(name) for name in result.table.methods}
        for name, box in self.groups.items():
            box.setVisible(name in present)
        self.status.setText(self._describe(result))
        self.note.setText(self._note(result))
        self._fill()

    def _describe(self, result: AgreementResult) -> str:
        if result.scope == "sentence":
            head = self.tr("{model}, this sentence: {pair}").format(
                model=result.model_name, pair=result.subject
            )
        else:
            head = self.tr("{model}, the first {count} examples of the test split").format(
                model=result.model_name, count=result.subject
            )
        return head + self.tr(
            ". Each method's AER against the gold alignments (lower is closer; the lowest in "
            "bold, its row and column marked), and how it ranks the source tokens of each output "
            "token like each other method (mean over the output tokens)."
        )

    def _note(self, result: AgreementResult) -> str:
        notes = []
        if not result.has_gold:
            notes.append(
                self.tr("no gold alignment for this sentence: rank correlations only")
                if result.scope == "sentence"
                else self.tr("no gold alignments in these examples: rank correlations only")
            )
        if not result.has_attention:
            notes.append(
                self.tr(
                    "{0} has no attention maps (a fixed context): gradient methods only"
                ).format(result.model_name)
            )
        if self.study.session.task_kind == "nli":
            notes.append(
                self.tr(
                    "rows: hypothesis tokens over premise tokens; the NLI gradient maps have one "
                    "row (the label) and are left out"
                )
            )
        self.note.setVisible(bool(notes))
        return " · ".join(notes)

    def _fill(self) -> None:
        """The table of the result on show, in the chosen rank correlation."""
        result = self.study.result
        if result is None:
            return
        table, methods = self.table, result.table.methods
        matrix = getattr(result.table, self.measure.currentData())
        best = result.best(methods)
        table.clear()
        table.setRowCount(len(methods))
        table.setColumnCount(len(methods) + 1)
        table.setHorizontalHeaderLabels(["AER", *(self._short(name) for name in methods)])
        table.setVerticalHeaderLabels([self._title(name) for name in methods])
        bold = QtGui.QFont(table.font())
        bold.setBold(True)
        for index, name in enumerate(methods):
            table.horizontalHeaderItem(index + 1).setToolTip(self._title(name))
            if name == best:
                for header in (
                    table.verticalHeaderItem(index),
                    table.horizontalHeaderItem(index + 1),
                ):
                    header.setFont(bold)
                    header.setForeground(QtGui.QColor(self.colors.highlight))
            table.setItem(index, 0, self._aer_item(result, name, best, bold))
            for other, value in enumerate(matrix[index]):
                table.setItem(index, other + 1, self._correlation_item(value, name, methods[other]))
        self._apply_filter()

    def _aer_item(self, result, name: str, best: str | None, bold) -> QtWidgets.QTableWidgetItem:
        aer = result.table.aer.get(name)
        item = QtWidgets.QTableWidgetItem("–" if aer is None else f"{aer:.3f}")
        item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        if name == best:
            item.setFont(bold)
            item.setForeground(QtGui.QColor(self.colors.highlight))
        return item

    def _correlation_item(self, value: float, row: str, column: str) -> QtWidgets.QTableWidgetItem:
        item = QtWidgets.QTableWidgetItem("–" if math.isnan(value) else f"{value:.2f}")
        item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        back, text = tint(value, self.colors)
        item.setBackground(back)
        item.setForeground(text if row != column else QtGui.QColor(self.colors.muted))
        item.setToolTip(f"{self.measure.currentText()}: {self._title(row)} · {self._title(column)}")
        return item

    def _apply_filter(self) -> None:
        """Hide the rows and columns of the groups unticked."""
        result = self.study.result
        if result is None:
            return
        for index, name in enumerate(result.table.methods):
            hidden = not self.groups[group_of(name)].isChecked()
            self.table.setRowHidden(index, hidden)
            self.table.setColumnHidden(index + 1, hidden)

    def _title(self, name: str) -> str:
        """A method's row name as the CLI writes it, its words in the interface language:
        "cross L1 H3", "cross L1 mean", "rollout L1", "integrated gradients"."""
        words = name.split()
        if len(words) == 1:
            return kind_name(name)
        if words[0] in ("rollout", "flow"):
            return f"{self.group_titles[words[0]]} {words[1]}"
        last = self.tr("mean") if words[2] == "mean" else words[2]
        return f"{kind_name(words[0])} {words[1]} {last}"

    def _short(self, name: str) -> str:
        """A column's two-line name: "L1\\nH3", "L1\\nmean", "rollout\\nL1", "IG"."""
        words = name.split()
        if len(words) == 1:
            return self.short_names.get(name, name)
        if words[0] in ("rollout", "flow"):
            return f"{self.group_titles[words[0]]}\n{words[1]}"
        return f"{words[1]}\n{self.tr('mean') if words[2] == 'mean' else words[2]}"

    def _apply_theme(self) -> None:
        self._fill()
