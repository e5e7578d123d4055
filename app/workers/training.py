"""The GUI side of the training process: starts it, sends it commands, and polls its message queue
with a QTimer so that everything it reports arrives on the GUI thread in batches (one redraw per
batch), never blocking the event loop for long.
"""

from __future__ import annotations

import logging
import queue
import time
from typing import Any

from PySide6 import QtCore

from app.workers.training_process import ChildFinished, ProbeInput, TrainJob, start_training

logger = logging.getLogger(__name__)

POLL_MS = 40  # how often the queue is read
POLL_BUDGET_S = 0.015  # at most this long reading messages per poll; the rest waits for the next
EXIT_WAIT_S = 10  # how long shutdown() lets a finished child exit before ending it
STATES = ("idle", "starting", "running", "paused", "stopping")


class TrainingProcess(QtCore.QObject):
    """One training run in a worker process ("spawn" context) at a time.

    sigMessages(list): the child's messages since the last poll, in order (see app.workers.training_process).
    sigStateChanged(str): one of ``STATES``.
    """

    sigMessages = QtCore.Signal(list)
    sigStateChanged = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.state = "idle"
        self._process = None
        self._messages: Any = None
        self._commands: Any = None
        self._exiting: list = []  # finished children still tearing down their interpreter
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    @property
    def active(self) -> bool:
        """True from ``start`` until the child's last message has been read."""
        return self.state != "idle"

    @property
    def pid(self) -> int | None:
        """The training process's id while a run is on (None otherwise)."""
        return self._process.pid if self._process is not None else None

    def start(self, job: TrainJob) -> None:
        if self.active:
            raise RuntimeError("a training run is already in progress")
        self._process, self._messages, self._commands = start_training(job)
        self._set_state("starting")
        self._timer.start()  # already running while an earlier child exits

    def pause(self) -> None:
        if self.state in ("starting", "running"):
            self._send("pause")
            self._set_state("paused")

    def resume(self) -> None:
        if self.state == "paused":
            self._send("resume")
            self._set_state("running")

    def stop(self) -> None:
        """Stop after the current step; the child writes a checkpoint first."""
        if self.state in ("starting", "running", "paused"):
            self._send("stop")
            self._set_state("stopping")

    def set_probe(self, probe: ProbeInput) -> None:
        """Use ``probe`` from the next evaluation on."""
        if self.active:
            self._send("probe", probe)

    def wait(self, timeout_s: float) -> bool:
        """Keep the GUI alive (events processed) until the run ends; False if it did not in time."""
        deadline = time.monotonic() + timeout_s
        while self.active and time.monotonic() < deadline:
            QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self.poll()
            time.sleep(0.01)
        return not self.active

    def shutdown(self) -> None:
        """End the child at once if it still runs (its last complete checkpoint stays whole);
        give finished children a moment to exit."""
        self._timer.stop()
        if self._process is not None and self._process.is_alive():
            logger.warning("terminating the training process %s", self._process.pid)
            self._process.terminate()
        if self._process is not None:
            self._exiting.append(self._process)
        for process in self._exiting:
            process.join(EXIT_WAIT_S)
            if process.is_alive():
                process.terminate()
                process.join(1)
        self._exiting.clear()
        self._release()
        self._set_state("idle")

    def _send(self, *command: Any) -> None:
        self._commands.put(command)

    def poll(self) -> None:
        """Read what the child sent (for at most ``POLL_BUDGET_S``) and emit it as one batch."""
        self._reap()
        if self._messages is None:
            return
        batch: list[Any] = []
        deadline = time.perf_counter() + POLL_BUDGET_S
        while time.perf_counter() < deadline:
            try:
                batch.append(self._messages.get_nowait())
            except queue.Empty:
                break
        finished = any(isinstance(message, ChildFinished) for message in batch)
        if not batch and not self._process.is_alive():  # died without a word (killed, crashed)
            code = self._process.exitcode
            why = QtCore.QCoreApplication.translate(
                "TrainSession", "the training process ended with exit code {code}"
            ).format(code=code)
            batch.append(ChildFinished(None, why))
            finished = True
        if self.state == "starting" and batch:
            self._set_state("running")
        if batch:
            self.sigMessages.emit(batch)
        if finished:  # the child now tears down its interpreter (a second or so): never wait on it
            self._exiting.append(self._process)
            self._release()
            self._set_state("idle")

    def _reap(self) -> None:
        """Join the children that have exited; stop polling once nothing is left to watch."""
        for process in [p for p in self._exiting if not p.is_alive()]:
            process.join()
            self._exiting.remove(process)
        if not self._exiting and self._messages is None:
            self._timer.stop()

    def _release(self) -> None:
        for channel in (self._messages, self._commands):
            if channel is not None:
                channel.close()
                channel.join_thread()
        self._process = self._messages = self._commands = None

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.sigStateChanged.emit(state)
