"""Do the explanations agree (issue 18)? On request, for the sentence on show or over the first N
examples of the task's test split: one row per method (raw attention per layer and head, the mean
of heads, rollout, flow, saliency, input × gradient, integrated gradients) with its AER against
the gold alignments (the lowest in bold), and the methods × methods rank correlation (Spearman ρ
or Kendall τ-b, over the source tokens of each output token, mean over the output tokens) as a
grid of numbers tinted by value. The Methods menu hides groups of methods. The table is made off
the GUI thread (``app.state.agreement_study``); this view draws it.
"""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import kind_name
from app.state.agreement_study import GROUPS, AgreementResult, AgreementStudy, group_of
from app.views.base import AttentionView
from app.views.style import Palette

# The share of the accent colour in a cell of |ρ| = 1 (the rest: the background), per theme: the
# cells stay light enough for dark text in the light theme, dark enough for light text in the dark.
TINT = {"light": 0.7, "dark": 0.5}
MAX_CELL = (72, 28)  # the widest and tallest a cell grows to fill a large window


def tint(value: float, colors: Palette) -> QtGui.QColor:
    """A correlation cell's background: the accent (negative: the highlight colour) mixed into
    the background by |value|; NaN: the background."""
    back = QtGui.QColor(colors.background)
    if math.isnan(value):
        return back
    tone = QtGui.QColor(colors.accent if value >= 0 else colors.highlight)
    share = TINT[colors.name] * min(abs(value), 1.0)
    return QtGui.QColor.fromRgbF(
        *(b + (t - b) * share for b, t in zip(back.getRgbF()[:3], tone.getRgbF()[:3], strict=True))
    )


class AgreementGrid(QtWidgets.QTableWidget):
    """The table: the AER column, then one column per method (its correlation with the row's);
    the cells grow to fill the space up to ``MAX_CELL``, never below what their text needs."""

    def __init__(self, view: AgreementView) -> None:
        super().__init__(view)
        self.view = view
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(self.fontMetrics().height() + 1)  # 17 methods in 800 px
        rows.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)

    def fill(self, result: AgreementResult, matrix, shown: list[bool]) -> None:
        """The result's AER and ``matrix`` (methods × methods), the methods not ``shown`` hidden;
        the lowest AER shown in bold (its row and column too when it is the only one)."""
        view, methods = self.view, result.table.methods
        best = result.best([name for name, keep in zip(methods, shown, strict=True) if keep])
        self.clear()
        self.setRowCount(len(methods))
        self.setColumnCount(len(methods) + 1)
        self.setHorizontalHeaderLabels([self.tr("AER"), *map(view.short_name, methods)])
        self.setVerticalHeaderLabels([view.title(name) for name in methods])
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        for index, name in enumerate(methods):
            self.horizontalHeaderItem(index + 1).setToolTip(view.title(name))
            aer = result.table.aer.get(name)
            cells = [QtWidgets.QTableWidgetItem("–" if aer is None else f"{aer:.3f}")]
            cells += [
                self._correlation(value, name, other)
                for value, other in zip(matrix[index], methods, strict=True)
            ]
            headers = [self.verticalHeaderItem(index), self.horizontalHeaderItem(index + 1)]
            if name in best:
                for item in cells[:1] + (headers if len(best) == 1 else []):
                    item.setFont(bold)
                    item.setForeground(QtGui.QColor(view.colors.highlight))
            for column, item in enumerate(cells):
                item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                self.setItem(index, column, item)
            self.setRowHidden(index, not shown[index])
            self.setColumnHidden(index + 1, not shown[index])
        self.setColumnHidden(0, not result.has_gold)
        self.fit()

    def _correlation(self, value: float, row: str, column: str) -> QtWidgets.QTableWidgetItem:
        colors = self.view.colors
        if row == column:  # 1 by definition: left blank
            item = QtWidgets.QTableWidgetItem()
            item.setBackground(QtGui.QColor(colors.panel))
            return item
        item = QtWidgets.QTableWidgetItem("–" if math.isnan(value) else f"{value:.2f}")
        item.setBackground(tint(value, colors))
        item.setForeground(QtGui.QColor(colors.text))
        names = f"{self.view.title(row)} · {self.view.title(column)}"
        item.setToolTip(f"{self.view.measure.currentText()}: {names}")
        return item

    def fit(self) -> None:
        """Share the viewport among the columns and rows on show: each at least what its text
        needs, at most ``MAX_CELL`` (a large window gets larger cells, a small one all 17)."""
        columns = [c for c in range(self.columnCount()) if not self.isColumnHidden(c)]
        rows = [r for r in range(self.rowCount()) if not self.isRowHidden(r)]
        if not columns or not rows:
            return
        space = self.maximumViewportSize()
        header = self.horizontalHeader()
        width = min(MAX_CELL[0], (space.width() - self.verticalHeader().width()) // len(columns))
        height = min(MAX_CELL[1], (space.height() - header.height()) // len(rows))
        for column in columns:
            needs = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
            self.setColumnWidth(column, max(width, needs))
        self.verticalHeader().setDefaultSectionSize(
            max(height, self.verticalHeader().minimumSectionSize())
        )

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()


class AgreementView(AttentionView):
    """Compute buttons, options, progress, the Methods menu, the rank-correlation choice and the
    agreement table of one AgreementStudy."""

    def __init__(self, study: AgreementStudy, parent: QtWidgets.QWidget | None = None) -> None:
        """Controls and table, laid out and connected (widget construction)."""
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
            "Wallace 2019). Integrated gradients cost about 0.5 s a sentence, flow 0.1 s; "
            "hover over the table for what its numbers are."
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
        self.methods_button = self._methods_menu()
        self.measure = QtWidgets.QComboBox()
        self.measure.addItem(self.tr("Spearman ρ"), "spearman")
        self.measure.addItem(self.tr("Kendall τ-b"), "kendall")
        self.measure.currentIndexChanged.connect(self._fill)
        self.table = AgreementGrid(self)
        self.table.setToolTip(
            self.tr(
                "AER: each method's map against the gold alignments, each target word linked to "
                "its most weighted source word (lower is closer; the lowest in bold). The grid: how "
                "alike two methods rank the source tokens of each output token, mean over the "
                "output tokens (1: the same order)."
            )
        )
        self._lay_out()
        study.sigProgress.connect(self._on_progress)
        study.sigDone.connect(self.show_result)
        study.sigFailed.connect(self._on_failed)
        self.show_result()

    def _methods_menu(self) -> QtWidgets.QToolButton:
        """The Methods button: a menu of one check box per group (it stays open while ticking)."""
        button = QtWidgets.QToolButton()
        button.setText(self.tr("Methods"))
        button.setToolTip(self.tr("the groups of methods the table shows"))
        button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(button)
        self.groups: dict[str, QtWidgets.QCheckBox] = {}
        self.group_actions: dict[str, QtWidgets.QWidgetAction] = {}
        for name in GROUPS:
            box = QtWidgets.QCheckBox(self.group_titles[name])
            box.setChecked(True)
            box.setContentsMargins(8, 2, 8, 2)
            box.toggled.connect(self._fill)
            action = QtWidgets.QWidgetAction(menu)
            action.setDefaultWidget(box)
            menu.addAction(action)
            self.groups[name], self.group_actions[name] = box, action
        button.setMenu(menu)
        return button

    def _lay_out(self) -> None:
        controls = QtWidgets.QHBoxLayout()
        for widget in (self.sentence_button, self.size_box, self.split_button):
            controls.addWidget(widget)
        controls.addSpacing(12)
        controls.addWidget(self.flow_box)
        controls.addWidget(self.ig_box)
        controls.addStretch(1)
        controls.addWidget(self.methods_button)
        controls.addWidget(self.measure)
        status = QtWidgets.QHBoxLayout()
        status.addWidget(self.status, 1)
        status.addWidget(self.progress)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(status)
        layout.addWidget(self.note)
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
        self.note.setVisible(False)
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
        for name, action in self.group_actions.items():
            action.setVisible(name in present)
        self.status.setText(self._describe(result))
        note = self._note(result)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._fill()

    def _describe(self, result: AgreementResult) -> str:
        if result.scope == "sentence":
            what = self.tr("{model} · this sentence: {pair}").format(
                model=result.model_name, pair=result.subject
            )
        else:
            what = self.tr("{model} · the first {count} examples of the test split").format(
                model=result.model_name, count=result.subject
            )
        return what + (self.tr(" · AER: lower is closer") if result.has_gold else "")

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
        if result.task_kind == "nli":
            notes.append(
                self.tr(
                    "rows: hypothesis tokens over premise tokens; the NLI gradient maps have one "
                    "row (the label) and are left out"
                )
            )
        return " · ".join(notes)

    def _fill(self) -> None:
        """The table of the result on show, in the chosen rank correlation and groups."""
        result = self.study.result
        if result is not None:
            matrix = getattr(result.table, self.measure.currentData())
            shown = [self.groups[group_of(name)].isChecked() for name in result.table.methods]
            self.table.fill(result, matrix, shown)

    def title(self, name: str) -> str:
        """A method's row name as the CLI writes it, its words in the interface language:
        "cross L1 H3", "cross L1 mean", "rollout L1", "integrated gradients"."""
        words = name.split()
        if len(words) == 1:
            return kind_name(name)
        if words[0] in ("rollout", "flow"):
            return f"{self.group_titles[words[0]]} {words[1]}"
        last = self.tr("mean") if words[2] == "mean" else words[2]
        return f"{kind_name(words[0])} {words[1]} {last}"

    def short_name(self, name: str) -> str:
        """A column's two-line name: "L1\\nH3", "L1\\nmean", "rollout\\nL1", "IG"."""
        words = name.split()
        if len(words) == 1:
            return self.short_names.get(name, name)
        if words[0] in ("rollout", "flow"):
            return f"{self.group_titles[words[0]]}\n{words[1]}"
        return f"{words[1]}\n{self.tr('mean') if words[2] == 'mean' else words[2]}"

    def _apply_theme(self) -> None:
        self._fill()
