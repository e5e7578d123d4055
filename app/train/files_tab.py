"""The user's own training files, in the formats ``core_models.data.formats`` reads (Tatoeba pairs,
line-aligned parallel files, SNLI / MultiNLI jsonl): chosen with a file dialog or dropped on the
tab, previewed (first rows) and checked in the background, with parse errors as file:line: message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.train.pairs_table import PairsTable
from app.workers.latest_job import LatestJobWorker
from core_models.data import formats
from core_models.data.pairs import NLIPair, TranslationPair
from core_models.training.config import DATA_FORMATS

PREVIEW_ROWS = 20
COUNTED_PAIRS = 5000  # a training file up to this size is kept whole for the vocabulary estimate
FORMAT_LABELS = {
    "tatoeba": QtCore.QT_TRANSLATE_NOOP(
        "FilesTab", "Tatoeba pairs: source<TAB>target lines (.txt / .zip)"
    ),
    "parallel": QtCore.QT_TRANSLATE_NOOP(
        "FilesTab", "Parallel files: PREFIX.src + PREFIX.tgt, line by line"
    ),
    "snli": QtCore.QT_TRANSLATE_NOOP(
        "FilesTab", "SNLI / MultiNLI jsonl (sentence1, sentence2, gold_label)"
    ),
}
TATOEBA_SUFFIXES = (".txt", ".tsv", ".zip")
ERROR_COLOR = "#c92a2a"


@dataclass
class FilePreview:
    """What reading the chosen files found: the first rows, the pair count, the errors, and the
    training file's pairs when it has at most COUNTED_PAIRS."""

    rows: list[TranslationPair] | list[NLIPair] = field(default_factory=list)
    pairs: list[TranslationPair] | list[NLIPair] = field(default_factory=list)
    count: int = 0
    errors: list[str] = field(default_factory=list)


def describe_error(error: Exception) -> str:
    """``file:line: message`` for a DataFormatError, ``file: message`` without a line."""
    if isinstance(error, formats.DataFormatError):
        where = f"{error.path}:{error.line}" if error.line is not None else error.path
        return f"{where}: {error.message}"
    return str(error)


def read_pairs(
    data_format: str, path: str, source_lang: str, target_lang: str, limit: int | None
) -> list[TranslationPair] | list[NLIPair]:
    """The pairs of one file (parallel: of the PREFIX.SRC / PREFIX.TGT files), at most ``limit``."""
    if data_format == "tatoeba":
        return formats.read_tatoeba(path, limit=limit)
    if data_format == "parallel":
        return formats.read_parallel(f"{path}.{source_lang}", f"{path}.{target_lang}", limit=limit)
    return formats.read_nli(path, limit=limit).pairs


def first_rows(
    data_format: str, path: str, source_lang: str, target_lang: str
) -> list[TranslationPair] | list[NLIPair]:
    """Up to PREVIEW_ROWS pairs from the top of a file: those before a malformed row, if any."""
    limit = PREVIEW_ROWS
    for _ in range(2):
        try:
            return read_pairs(data_format, path, source_lang, target_lang, limit)
        except formats.DataFormatError as error:
            if not error.line or error.line <= 1:
                return []
            limit = min(limit, error.line - 1)
        except OSError:
            return []
    return []


def preview_files(
    data_format: str, paths: list[str], source_lang: str, target_lang: str
) -> FilePreview:
    """The first rows of the first file; each file read whole, so that every row is checked.

    The loaders stop at a file's first malformed row, so each file reports at most one error.
    """
    preview = FilePreview()
    if paths:
        preview.rows = first_rows(data_format, paths[0], source_lang, target_lang)
    for index, path in enumerate(paths):
        try:
            pairs = read_pairs(data_format, path, source_lang, target_lang, None)
        except (formats.DataFormatError, OSError) as error:
            preview.errors.append(describe_error(error))
            continue
        if index == 0 and len(pairs) <= COUNTED_PAIRS:
            preview.pairs = pairs
        preview.count += len(pairs)
        if not pairs:
            preview.errors.append(f"{path}: no pairs in this file")
    return preview


def guess_format(path: Path) -> tuple[str | None, str]:
    """(format, the path as DataConfig wants it) from a file name; format None when unclear.

    ``train.en`` -> ("parallel", "train"): the path of parallel files is their common prefix.
    """
    name = path.name.removesuffix(".gz")
    suffix = Path(name).suffix.lower()
    if suffix == ".jsonl":
        return "snli", str(path)
    if suffix in TATOEBA_SUFFIXES:
        return "tatoeba", str(path)
    if 2 <= len(suffix) <= 4 and suffix[1:].isalpha():
        return "parallel", str(path.parent / Path(name).stem)
    return None, str(path)


def parallel_suffixes(path: Path, prefix: str) -> list[str]:
    """The language suffixes of ``path`` and of its siblings sharing ``prefix``, path's first:
    ``data/train.en`` beside ``data/train.fr`` -> ["en", "fr"] (".gz" kept: "en.gz")."""
    stem = Path(prefix).name + "."
    siblings = sorted(p.name for p in path.parent.glob(f"{stem}*") if p.name != path.name)
    return [name[len(stem) :] for name in (path.name, *siblings)]


class FilesTab(QtWidgets.QWidget):
    """Pick training (and optional validation) files; see their first rows and any parse errors.

    sigChanged(): the files, the format or what reading them found changed.
    """

    sigChanged = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.preview = FilePreview()
        self.reading = False
        self._request = 0
        self._worker = LatestJobWorker("file preview", self)
        self._worker.sigDone.connect(self._on_read)
        self._worker.sigFailed.connect(self._on_read_failed)

        self.format_box = QtWidgets.QComboBox()
        for name in DATA_FORMATS:
            self.format_box.addItem(self.tr(FORMAT_LABELS[name]), name)
        self.format_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.train_edit, train_row = self._path_row(
            self.tr("training file or prefix (drop a file here)")
        )
        self.valid_edit, valid_row = self._path_row(
            self.tr("optional: else the last pairs of training")
        )
        self.source_lang = QtWidgets.QLineEdit("en")
        self.target_lang = QtWidgets.QLineEdit("fr")
        languages = QtWidgets.QHBoxLayout()
        for caption, edit in (
            (self.tr("source suffix"), self.source_lang),
            (self.tr("target"), self.target_lang),
        ):
            edit.setMaximumWidth(60)
            languages.addWidget(QtWidgets.QLabel(caption))
            languages.addWidget(edit)
        languages.addStretch(1)
        self.summary = QtWidgets.QLabel(self.tr("no file chosen"))
        self.table = PairsTable()
        self.errors = QtWidgets.QListWidget()
        self.errors.setMaximumHeight(70)
        self.errors.setWordWrap(True)
        self.errors.hide()

        form = QtWidgets.QFormLayout()
        form.addRow(self.tr("format"), self.format_box)
        form.addRow(self.tr("train"), train_row)
        form.addRow(self.tr("valid"), valid_row)
        form.addRow(self.tr("parallel"), languages)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors)

        self.format_box.currentIndexChanged.connect(self._on_format)
        for edit in (self.train_edit, self.valid_edit, self.source_lang, self.target_lang):
            edit.editingFinished.connect(self.refresh)
        self._on_format()

    def _path_row(self, placeholder: str) -> tuple[QtWidgets.QLineEdit, QtWidgets.QWidget]:
        edit = QtWidgets.QLineEdit()
        edit.setPlaceholderText(placeholder)
        browse = QtWidgets.QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: self._browse(edit))
        row = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(browse)
        return edit, row

    # --- the state ------------------------------------------------------------------------------

    @property
    def data_format(self) -> str:
        return self.format_box.currentData()

    def paths(self) -> list[str]:
        return [edit.text().strip() for edit in (self.train_edit, self.valid_edit) if edit.text()]

    def problems(self) -> list[str]:
        """Why training cannot start on these files ([] when it can)."""
        if not self.train_edit.text().strip():
            return [self.tr("choose a training file")]
        if self.reading:
            return [self.tr("the files are still being read")]
        return list(self.preview.errors)

    def set_files(
        self, data_format: str, train: str, valid: str = "", languages: tuple[str, str] = ("", "")
    ) -> None:
        """Choose files (what the dialogs, a drop and a finished download call)."""
        if data_format not in DATA_FORMATS:
            raise ValueError(
                f"unknown data format '{data_format}'; choose one of {', '.join(DATA_FORMATS)}"
            )
        self.format_box.setCurrentIndex(self.format_box.findData(data_format))
        self.train_edit.setText(train)
        self.valid_edit.setText(valid)
        for edit, language in zip((self.source_lang, self.target_lang), languages, strict=True):
            if language:
                edit.setText(language)
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen files again in the background."""
        paths = self.paths()
        self._request += 1
        if not self.train_edit.text().strip():
            self._show(FilePreview(), self.tr("no file chosen"))
            return
        self.reading = True
        self.summary.setText(self.tr("reading…"))
        job_args = (self.data_format, paths, self.source_lang.text(), self.target_lang.text())
        self._worker.submit(self._request, lambda: preview_files(*job_args))
        self.sigChanged.emit()

    def _on_read(self, request: int, preview: FilePreview) -> None:
        if request != self._request:
            return
        if preview.count or not preview.rows:
            self._show(preview, self.tr("{count} pairs read").format(count=f"{preview.count:,}"))
        else:
            self._show(
                preview,
                self.tr("{count} rows read before the error").format(count=len(preview.rows)),
            )

    def _on_read_failed(self, request: int, error: Exception) -> None:
        if request == self._request:
            self._show(
                FilePreview(errors=[describe_error(error)]), self.tr("could not read the files")
            )

    def _show(self, preview: FilePreview, summary: str) -> None:
        self.reading = False
        self.preview = preview
        self.table.set_pairs(preview.rows)
        self.errors.clear()
        for text in preview.errors:
            item = QtWidgets.QListWidgetItem(text)
            item.setForeground(QtGui.QColor(ERROR_COLOR))
            self.errors.addItem(item)
        self.errors.setVisible(bool(preview.errors))
        count = len(preview.errors)
        self.summary.setText(summary + (f" · {count} problem{'s' * (count > 1)}" if count else ""))
        self.sigChanged.emit()

    def error_texts(self) -> list[str]:
        return [self.errors.item(i).text() for i in range(self.errors.count())]

    def shutdown(self) -> None:
        self._worker.stop()

    # --- choosing files ---------------------------------------------------------------------------

    def _on_format(self) -> None:
        parallel = self.data_format == "parallel"
        self.source_lang.setEnabled(parallel)
        self.target_lang.setEnabled(parallel)
        if self.train_edit.text():
            self.refresh()
        else:
            self.sigChanged.emit()

    def _browse(self, edit: QtWidgets.QLineEdit) -> None:
        start = edit.text() or str(Path.home())
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Choose a data file"), start)
        if path:
            self.use_path(Path(path), edit)

    def use_path(self, path: Path, edit: QtWidgets.QLineEdit | None = None) -> None:
        """Use a chosen or dropped file, guessing its format; for a parallel file the prefix is
        kept and its language suffix (and a sibling's, as the target) filled in."""
        data_format, value = guess_format(path)
        if data_format is not None:
            self.format_box.setCurrentIndex(self.format_box.findData(data_format))
        if data_format == "parallel" and (edit or self.train_edit) is self.train_edit:
            suffixes = parallel_suffixes(path, value)
            self.source_lang.setText(suffixes[0])
            if len(suffixes) > 1:
                self.target_lang.setText(suffixes[1])
        (edit or self.train_edit).setText(value)
        self.refresh()

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.use_path(files[0])
