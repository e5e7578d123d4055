"""A study of the model on show that runs on request on its own worker thread and reports its
progress (the head study, the agreement table): the scaffolding they share. A subclass builds the
job and calls ``_start``; the newest request wins, and opening another model forgets the result
(a study still running is for the previous model).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore

from app.workers.latest_job import LatestJobWorker


class ModelStudy(QtCore.QObject):
    """Runs a study of a Session's model off the GUI thread.

    sigProgress(done, total): the study's steps done (total 0: busy, no count).
    sigDone(): ``result`` holds a new study (or None: the model changed).
    sigFailed(message): it could not run.
    """

    sigProgress = QtCore.Signal(int, int)
    sigDone = QtCore.Signal()
    sigFailed = QtCore.Signal(str)

    def __init__(self, session, name: str, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result = None
        self._request = 0
        self.worker = LatestJobWorker(name, self)
        self.worker.sigDone.connect(self._on_done)
        self.worker.sigFailed.connect(self._on_failed)
        session.sigModelChanged.connect(self._forget)
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def _start(self, job: Callable[[], object], total: int) -> None:
        """Run ``job`` (it returns the new ``result``) on the worker; ``total``: its steps."""
        self._request += 1
        self.sigProgress.emit(0, total)
        self.worker.submit(self._request, job)

    def _on_done(self, request_id: int, result) -> None:
        if request_id == self._request:
            self.result = result
            self.sigDone.emit()

    def _on_failed(self, request_id: int, error: Exception) -> None:
        from app.state.session import describe_error  # torch: not for the views importing this

        if request_id == self._request:
            self.sigFailed.emit(describe_error(error))

    def _forget(self) -> None:
        self._request += 1  # a study still running is for the previous model
        self.result = None
        self.sigDone.emit()

    def shutdown(self) -> None:
        """Stop the worker thread (waits for a running study to finish)."""
        self.worker.stop()
