"""The model panel: pick a bundled, user or recent model (or open a checkpoint directory), read its
card (family, task, parameters, metrics) and click one of its task's sample inputs.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QT_TR_NOOP  # marks a string for lupdate, shown translated

from app.i18n.terms import task_description
from app.recent import RecentModels
from app.state.catalogue import ModelCatalogue
from app.state.session import Session
from core_models.data.pairs import TranslationPair
from core_models.data.tasks import TASKS

SAMPLE_COUNT = 10
METRIC_NAMES = {  # translated where they are shown (BLEU, chrF and AER are names)
    "bleu": "BLEU",
    "chrf": "chrF",
    "accuracy": QT_TR_NOOP("accuracy"),
    "aer": "AER",
    "loss": QT_TR_NOOP("loss"),
}


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def format_count(count: int) -> str:
    """12345 -> "12.3 k", 1234567 -> "1.23 M"."""
    if count >= 1_000_000:
        return f"{count / 1e6:.3g} M"
    return f"{count / 1e3:.3g} k" if count >= 1000 else str(count)


def card_html(card: dict[str, Any], max_source_len: int) -> str:
    """The model card as rich text."""
    task = card.get("task") or ""
    description = (
        task_description(task, TASKS[task].description)
        if task in TASKS
        else tr("trained on the user's own files")
    )
    rows = [
        (tr("family"), card["family"]),
        (tr("task"), f"{task or '—'}: {description}"),
        (tr("parameters"), format_count(int(card["parameters"]))),
        (tr("input limit"), tr("{count} tokens").format(count=max_source_len)),
    ]
    metrics = card.get("metrics", {})  # the trainer's last evaluation: the validation split
    test = metrics.get("test")  # `evaluate --file … --save` or the Train tab's scoring
    splits = ((tr("valid"), metrics), (tr("test"), test if isinstance(test, dict) else {}))
    for prefix, figures in splits:
        for key, name in METRIC_NAMES.items():
            value = figures.get(key)
            if isinstance(value, (int, float)):
                rows.append((f"{prefix} {tr(name)}", f"{value:.3g}"))
    if isinstance(test, dict) and "file" in test:
        rows.append(
            (
                tr("test file"),
                tr("{file}, {count} examples").format(
                    file=Path(str(test["file"])).name, count=test.get("examples")
                ),
            )
        )
    body = "".join(
        f"<tr><td style='color:gray;padding-right:8px'>{html.escape(k)}</td>"
        f"<td>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    return f"<b style='font-size:larger'>{html.escape(card['name'])}</b><table>{body}</table>"


class ModelPanel(QtWidgets.QWidget):
    """Model picker, "Open checkpoint…", model card and samples.

    sigOpenCheckpoint(): the user asked for the checkpoint file dialog.
    """

    sigOpenCheckpoint = QtCore.Signal()

    def __init__(
        self,
        session: Session,
        recent: RecentModels,
        catalogue: ModelCatalogue,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.recent, self.catalogue = session, recent, catalogue
        self.picker = QtWidgets.QComboBox()
        self.picker.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.setMinimumContentsLength(18)
        self.picker.setPlaceholderText(self.tr("choose a model…"))  # until one is open
        self.open_button = QtWidgets.QPushButton(self.tr("Open checkpoint…"))
        self.open_button.setToolTip(
            self.tr("open a checkpoint directory (or drop one on the window)")
        )
        self.card = QtWidgets.QLabel(self.tr("no model loaded"))
        self.card.setWordWrap(True)
        self.card.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.card.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
        self.samples = QtWidgets.QListWidget()
        self.samples.setWordWrap(True)
        self.samples.setToolTip(
            self.tr("click a sample to try it (its gold alignment comes along)")
        )

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(QtWidgets.QLabel(self.tr("<b>Model</b>")))
        layout.addWidget(self.picker)
        layout.addWidget(self.open_button)
        layout.addWidget(self.card)
        layout.addWidget(QtWidgets.QLabel(self.tr("<b>Samples</b> from the model's task")))
        layout.addWidget(self.samples, 1)

        self.picker.activated.connect(self._on_pick)
        self.open_button.clicked.connect(self.sigOpenCheckpoint)
        self.samples.itemClicked.connect(self._on_sample)
        session.sigModelChanged.connect(self._show_model)
        session.sigOpening.connect(self._show_opening)
        session.sigModelFailed.connect(self._show_opening)
        recent.sigChanged.connect(self.fill_picker)
        catalogue.changed.connect(self.fill_picker)
        self.fill_picker()

    def fill_picker(self) -> None:
        """Bundled and user models, then recently opened checkpoints."""
        blocked = self.picker.blockSignals(True)
        self.picker.clear()
        known = set()
        for entry in self.catalogue.entries:
            known.add(str(entry.path.resolve()))
            self.picker.addItem(f"{entry.name}  ·  {entry.family}", str(entry.path))
            tip = (
                self.tr("bundled model, task {task}: {path}")
                if entry.source == "bundled"
                else self.tr("your model, task {task}: {path}")
            ).format(task=entry.task or "—", path=entry.path)
            self.picker.setItemData(
                self.picker.count() - 1, tip, QtCore.Qt.ItemDataRole.ToolTipRole
            )
        recent = [path for path in self.recent.paths() if path not in known]
        if recent and self.picker.count():
            self.picker.insertSeparator(self.picker.count())
        for path in recent:
            self.picker.addItem(f"{Path(path).name}  ·  {path}", path)
            self.picker.setItemData(
                self.picker.count() - 1, path, QtCore.Qt.ItemDataRole.ToolTipRole
            )
        if not self.picker.count():
            self.picker.addItem(self.tr("no models yet: open a checkpoint"), None)
        self.picker.blockSignals(blocked)
        self._show_current()

    def _on_pick(self, index: int) -> None:
        path = self.picker.itemData(index)
        if path:
            self.session.open_model(path)

    def _show_current(self) -> None:
        """Select the open model in the picker; none selected while no model is open (not the
        first entry, which would say it is open)."""
        model = self.session.model
        if model is None:
            blocked = self.picker.blockSignals(True)
            self.picker.setCurrentIndex(-1)
            self.picker.blockSignals(blocked)
            return
        path = str(Path(model.checkpoint.path).resolve())
        for index in range(self.picker.count()):
            data = self.picker.itemData(index)
            if data and path in (str(Path(data).resolve()), str((Path(data) / "model").resolve())):
                blocked = self.picker.blockSignals(True)
                self.picker.setCurrentIndex(index)
                self.picker.blockSignals(blocked)
                return

    def _show_opening(self) -> None:
        """Before the first model is open, the card says which one is opening (or none)."""
        if self.session.model is None:
            self.card.setText(
                self.session.hint if self.session.opening else self.tr("no model loaded")
            )

    def _show_model(self) -> None:
        model = self.session.model
        self.card.setText(card_html(model.card(), model.max_source_len))
        self._show_current()
        self.samples.clear()
        for pair in self.session.samples(SAMPLE_COUNT):
            if isinstance(pair, TranslationPair):
                text, tip = pair.source, self.tr("reference: {text}").format(text=pair.target)
            else:
                text = f"{pair.premise}  ⟶  {pair.hypothesis}"
                tip = self.tr("gold label: {label}").format(label=pair.label)
            item = QtWidgets.QListWidgetItem(text)
            item.setToolTip(tip)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, pair)
            self.samples.addItem(item)
        if not self.samples.count():
            item = QtWidgets.QListWidgetItem(
                self.tr("no samples: this model was trained on your own files")
            )
            item.setFlags(QtCore.Qt.ItemFlag.NoItemFlags)
            self.samples.addItem(item)

    def _on_sample(self, item: QtWidgets.QListWidgetItem) -> None:
        pair = item.data(QtCore.Qt.ItemDataRole.UserRole)
        if pair is not None:
            self.session.use_sample(pair)
