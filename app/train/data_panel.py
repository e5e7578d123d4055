"""Where the training pairs come from: a bundled task (its description and a sample of pairs), the
user's own files, or a catalogue download; and how many pairs, of what length, to use."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.i18n.terms import task_description, task_kind_name
from app.train.download_tab import DownloadTab
from app.train.files_tab import FilesTab
from app.train.pairs_table import PairsTable
from core_models.data.download import Dataset
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.data.tasks import TASKS, get_task
from core_models.training.config import DataConfig

SAMPLE_ROWS = 12
VOCAB_SAMPLE = 1000  # pairs of a task read to estimate its vocabulary (nli: 0.3 s, once)
SOURCES = ("task", "files", "download")


@functools.lru_cache(maxsize=len(TASKS))
def task_sample(name: str) -> tuple:
    """A fixed sample of the task's training pairs (seed 0), cached: generating is not free."""
    return tuple(get_task(name).generate("train", seed=0, size=VOCAB_SAMPLE))


@functools.lru_cache(maxsize=len(TASKS))
def task_probe(name: str) -> TranslationPair | NLIPair:
    """The first test pair of a task: never trained on, with its gold alignment."""
    return get_task(name).generate("test", seed=0, size=1)[0]


def side_texts(pairs) -> tuple[list[str], list[str]]:
    """(source texts, target texts); NLI: premises and hypotheses share one vocabulary."""
    if pairs and isinstance(pairs[0], NLIPair):
        texts = [p.premise for p in pairs] + [p.hypothesis for p in pairs]
        return texts, texts
    return [p.source for p in pairs], [p.target for p in pairs]


class TaskTab(QtWidgets.QWidget):
    """A bundled task: chooser, description and the first pairs of its training split."""

    sigChanged = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.task_box = QtWidgets.QComboBox()
        for name, task in TASKS.items():
            self.task_box.addItem(f"{name}  ({task_kind_name(task.kind)})", name)
        self.description = QtWidgets.QLabel()
        self.description.setWordWrap(True)
        self.table = PairsTable()
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.task_box)
        layout.addWidget(self.description)
        layout.addWidget(self.table, 1)
        self.task_box.currentIndexChanged.connect(self._show)
        self._show()

    @property
    def task(self) -> str:
        return self.task_box.currentData()

    def set_task(self, name: str) -> None:
        index = self.task_box.findData(name)
        if index < 0:
            raise ValueError(f"unknown task '{name}'; choose one of {', '.join(TASKS)}")
        self.task_box.setCurrentIndex(index)

    def _show(self) -> None:
        self.description.setText(task_description(self.task, TASKS[self.task].description))
        self.table.set_pairs(list(task_sample(self.task)[:SAMPLE_ROWS]))
        self.sigChanged.emit()


class DataPanel(QtWidgets.QGroupBox):
    """The data half of a TrainConfig.

    sigChanged(): the data (and maybe its kind: translation / NLI) changed.
    """

    sigChanged = QtCore.Signal()

    def __init__(
        self, catalogue: dict[str, Dataset] | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Data"), parent)
        self.task_tab = TaskTab()
        self.files_tab = FilesTab()
        self.download_tab = DownloadTab(catalogue)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.task_tab, self.tr("Bundled task"))
        self.tabs.addTab(self.files_tab, self.tr("Your files"))
        self.tabs.addTab(self.download_tab, self.tr("Download"))
        self.train_size = self._spin(
            0,
            10_000_000,
            0,
            self.tr("all"),
            self.tr("training pairs (all: the task's default, or the whole file)"),
        )
        self.valid_size = self._spin(1, 100_000, 200, "", self.tr("validation pairs evaluated"))
        self.max_len = self._spin(2, 1024, 50, "", self.tr("longest sequence, in tokens"))
        sizes = QtWidgets.QHBoxLayout()
        for caption, spin in (
            (self.tr("train pairs"), self.train_size),
            (self.tr("valid"), self.valid_size),
            (self.tr("max len"), self.max_len),
        ):
            sizes.addWidget(QtWidgets.QLabel(caption))
            sizes.addWidget(spin)
        sizes.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(sizes)

        self.task_tab.sigChanged.connect(self.sigChanged)
        self.files_tab.sigChanged.connect(self.sigChanged)
        self.download_tab.sigReady.connect(self._use_download)
        self.tabs.currentChanged.connect(lambda _: self.sigChanged.emit())

    @staticmethod
    def _spin(low: int, high: int, value: int, special: str, tip: str) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setToolTip(tip)
        if special:
            spin.setSpecialValueText(special)
        return spin

    @property
    def source(self) -> str:
        """Where the pairs come from: "task", or "files" (a download lands as files)."""
        return "task" if self.tabs.currentWidget() is self.task_tab else "files"

    def use_task(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.task_tab)
        self.task_tab.set_task(name)

    def _use_download(self, data_format: str, path: str) -> None:
        self.tabs.setCurrentWidget(self.files_tab)
        self.files_tab.set_files(data_format, path)

    def task_kind(self) -> str:
        if self.source == "task":
            return TASKS[self.task_tab.task].kind
        return "nli" if self.files_tab.data_format == "snli" else "translation"

    def data_config(self) -> DataConfig:
        sizes = {
            "train_size": self.train_size.value(),
            "valid_size": self.valid_size.value(),
            "max_len": self.max_len.value(),
        }
        if self.source == "task":
            return DataConfig(task=self.task_tab.task, **sizes)
        files = self.files_tab
        return DataConfig(
            task="",
            format=files.data_format,
            train=files.train_edit.text().strip(),
            valid=files.valid_edit.text().strip(),
            source_lang=files.source_lang.text().strip(),
            target_lang=files.target_lang.text().strip(),
            **sizes,
        )

    def sample_pairs(self) -> list[TranslationPair] | list[NLIPair]:
        """Pairs to estimate the vocabulary from: a sample of the task (its lexicon is finite),
        or a small file whole; [] for a bigger file (its tokenizer likely fills vocab_size)."""
        if self.source == "task":
            return list(task_sample(self.task_tab.task))
        return list(self.files_tab.preview.pairs)

    def probe_pair(self) -> TranslationPair | NLIPair | None:
        """A pair to probe the model with: the task's first test pair, or the files' first row."""
        if self.source == "task":
            return task_probe(self.task_tab.task)
        rows = self.files_tab.preview.rows
        return rows[0] if rows else None

    def short_name(self) -> str:
        """The task name or the training file's stem (for a default model name)."""
        if self.source == "task":
            return self.task_tab.task
        return Path(self.files_tab.train_edit.text().strip()).stem or "data"

    def problems(self) -> list[str]:
        """Why training cannot start on this data ([] when it can)."""
        if self.source == "task":
            return []
        return self.files_tab.problems()

    def shutdown(self) -> None:
        self.files_tab.shutdown()
        self.download_tab.shutdown()
