"""Work off the GUI thread: a worker thread that runs the *latest* job submitted to it.

Typing submits one decode per keystroke; while a decode runs, newer submissions replace each other,
so only the most recent input is decoded next (the queue never grows and the window never waits).
Every job carries a request id; its result comes back on the GUI thread with that id, so the
Session can drop results it no longer wants (a stale keystroke, a model since replaced).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore

logger = logging.getLogger(__name__)

Job = Callable[[], Any]


class LatestJobWorker(QtCore.QThread):
    """One background thread that runs submitted jobs, newest first, skipping superseded ones.

    sigDone(request_id, result): a job returned ``result``.
    sigFailed(request_id, error): a job raised ``error`` (an Exception instance).
    sigBusy(busy): the worker started working (True) or ran out of jobs (False).
    Signals are emitted from the worker thread; Qt delivers them queued to GUI-thread receivers.
    """

    sigDone = QtCore.Signal(int, object)
    sigFailed = QtCore.Signal(int, object)
    sigBusy = QtCore.Signal(bool)

    def __init__(
        self,
        name: str,
        parent: QtCore.QObject | None = None,
        setup: Callable[[], None] | None = None,
    ) -> None:
        """``setup`` runs once on the worker thread before its first job (per-thread settings)."""
        super().__init__(parent)
        self.setObjectName(name)
        self._setup = setup
        self._condition = threading.Condition()
        self._pending: tuple[int, Job] | None = None
        self._stopping = False
        self._busy = False
        self.superseded = 0  # jobs replaced by a newer one before they ran

    @property
    def busy(self) -> bool:
        """True while a job runs or waits to run."""
        with self._condition:
            return self._busy or self._pending is not None

    def submit(self, request_id: int, job: Job) -> None:
        """Run ``job`` next, replacing any job still waiting (the running one finishes)."""
        with self._condition:
            if self._stopping:
                return
            if self._pending is not None:
                self.superseded += 1
            self._pending = (request_id, job)
            self._condition.notify()
        if not self.isRunning():
            self.start()

    def cancel_pending(self) -> None:
        """Forget the job waiting to run, if any (the running one still reports)."""
        with self._condition:
            self._pending = None

    def stop(self) -> None:
        """Drop the waiting job, let the running one finish, end the thread."""
        with self._condition:
            self._stopping = True
            self._pending = None
            self._condition.notify()
        self.wait()

    def run(self) -> None:
        if self._setup is not None:
            self._setup()
        while True:
            with self._condition:
                while self._pending is None and not self._stopping:
                    if self._busy:
                        self._busy = False
                        self.sigBusy.emit(False)
                    self._condition.wait()
                if self._stopping:
                    return
                request_id, job = self._pending
                self._pending = None
                if not self._busy:
                    self._busy = True
                    self.sigBusy.emit(True)
            try:
                result = job()
            except (
                Exception
            ) as error:  # reported to the GUI, which shows it; never kills the thread
                logger.info("%s job %d failed: %s", self.objectName(), request_id, error)
                self.sigFailed.emit(request_id, error)
            else:
                self.sigDone.emit(request_id, result)
