"""A corpus from the downloader's catalogue (``core_models.data.download``), fetched on a thread with
a progress bar and a Cancel button; a dataset the trainer reads as it is lands in the files tab.

Offline, the download fails within seconds with the downloader's message (cannot connect, HTTP
status, a web page instead of the file, a connection cut short): the window never waits on the
network, and a cancel ends the download at once, even while the server sends nothing.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.i18n.terms import dataset_description
from core_models.data.download import (
    DATASETS,
    Dataset,
    DownloadError,
    dataset_dir,
    download,
    is_downloaded,
)
from core_models.errors import describe_bug

PROGRESS_EVERY_S = 0.1  # progress signals at most this often (one per 64 KB chunk otherwise)
PROGRESS_STEPS = 1000
# Datasets the trainer reads straight from the download: (format, file in the dataset directory).
READY_TO_TRAIN = {"fra-eng": ("tatoeba", "fra-eng.zip"), "cmn-eng": ("tatoeba", "cmn-eng.zip")}


class DownloadThread(QtCore.QThread):
    """Runs one ``download``; Qt delivers its signals queued to the GUI thread.

    sigProgress(done_bytes, total_bytes): total 0 while unknown.
    sigFinished(directory, error): error "" on success (``cancel`` tells a cancel from a failure).
    """

    sigProgress = QtCore.Signal(object, object)
    sigFinished = QtCore.Signal(str, str)

    def __init__(
        self, dataset: Dataset, cache_dir: Path | None, base_url_override: str | None
    ) -> None:
        super().__init__()
        self.dataset, self.cache_dir, self.base_url_override = (
            dataset,
            cache_dir,
            base_url_override,
        )
        self.cancel = threading.Event()
        self._last_report = 0.0

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_report >= PROGRESS_EVERY_S or (total and done >= total):
            self._last_report = now
            self.sigProgress.emit(done, total)

    def run(self) -> None:
        try:
            directory = download(
                self.dataset,
                self.cache_dir,
                progress=self._report,
                cancel=self.cancel,
                base_url_override=self.base_url_override,
            )
        except (DownloadError, OSError) as error:  # DownloadCancelled included
            self.sigFinished.emit("", str(error))
        except Exception as error:  # a bug: told (with its crash log), and the tab recovers
            self.sigFinished.emit("", describe_bug(error))
        else:
            self.sigFinished.emit(str(directory), "")


class DownloadTab(QtWidgets.QWidget):
    """Choose a catalogue dataset, download it (cancellable), then train on it.

    sigReady(format, path): a downloaded dataset the trainer can read as it is.
    ``catalogue``, ``cache_dir`` and ``base_url_override`` (a mirror) default to the downloader's.
    """

    sigReady = QtCore.Signal(str, str)

    def __init__(
        self,
        catalogue: dict[str, Dataset] | None = None,
        cache_dir: Path | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalogue = dict(DATASETS if catalogue is None else catalogue)
        self.cache_dir = cache_dir
        self.base_url_override: str | None = None
        self.thread: DownloadThread | None = None

        self.dataset_box = QtWidgets.QComboBox()
        self.dataset_box.addItems(list(self.catalogue))
        self.about = QtWidgets.QLabel()
        self.about.setWordWrap(True)
        self.download_button = QtWidgets.QPushButton(self.tr("Download"))
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.dataset_box)
        layout.addWidget(self.about)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.dataset_box.currentTextChanged.connect(self._describe)
        self.download_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self._describe()

    @property
    def dataset(self) -> Dataset:
        return self.catalogue[self.dataset_box.currentText()]

    @property
    def running(self) -> bool:
        return self.thread is not None

    def _describe(self) -> None:
        if not self.catalogue:
            self.about.setText(self.tr("the catalogue is empty"))
            self.download_button.setEnabled(False)
            return
        dataset = self.dataset
        cached = is_downloaded(dataset, self.cache_dir)
        where = dataset_dir(dataset, self.cache_dir)
        self.about.setText(
            dataset_description(dataset.name, dataset.description)
            + "<br><i>"
            + self.tr("licence: {licence}").format(licence=dataset.license)
            + "</i>"
            + (
                "<br>" + self.tr("already downloaded to {path}").format(path=where)
                if cached
                else ""
            )
        )

    def start(self) -> None:
        """Download the chosen dataset on a thread (files already in the cache are skipped)."""
        if self.running or not self.catalogue:
            return
        self.thread = DownloadThread(self.dataset, self.cache_dir, self.base_url_override)
        self.thread.sigProgress.connect(self._on_progress)
        self.thread.sigFinished.connect(self._on_finished)
        self.progress.setRange(0, 0)  # busy until the size is known
        self.status.setText(self.tr("connecting for {name}…").format(name=self.dataset.name))
        self.download_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.dataset_box.setEnabled(False)
        self.thread.start()

    def cancel(self) -> None:
        """Stop the download (within a moment, even on a stalled server); the partial file is kept
        and the next download resumes."""
        if self.thread is not None:
            self.thread.cancel.set()
            self.status.setText(self.tr("cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, PROGRESS_STEPS)
            self.progress.setValue(int(PROGRESS_STEPS * min(done / total, 1.0)))
            self.status.setText(f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB")
        else:
            self.status.setText(f"{done / 1e6:,.1f} MB")

    def _on_finished(self, directory: str, error: str) -> None:
        if self.thread is None:  # shut down meanwhile
            return
        self.thread.wait()
        cancelled = self.thread.cancel.is_set()
        self.thread = None
        self.download_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.dataset_box.setEnabled(True)
        self.progress.setRange(0, PROGRESS_STEPS)
        if error:
            self.progress.setValue(0)
            self.status.setText(
                (
                    self.tr("download cancelled: {error}")
                    if cancelled
                    else self.tr("download failed: {error}")
                ).format(error=error)
            )
            return
        self.progress.setValue(PROGRESS_STEPS)
        self._describe()
        name = self.dataset.name
        if name in READY_TO_TRAIN:
            data_format, file_name = READY_TO_TRAIN[name]
            self.status.setText(
                self.tr("downloaded to {path}; now under Your files").format(path=directory)
            )
            self.sigReady.emit(data_format, str(Path(directory) / file_name))
        else:
            self.status.setText(
                self.tr("downloaded to {path}; choose the training file under Your files").format(
                    path=directory
                )
            )

    def shutdown(self) -> None:
        """Cancel a running download and wait for its thread."""
        if self.thread is not None:
            self.thread.cancel.set()
            self.thread.wait()
            self.thread = None
