"""Scoring a trained model on a test file from the Train tab ("Score on a test file…"), off the
GUI thread: the figures of ``core_models.scoring.score_file`` are kept in the model's config.json
(``metrics["test"]``, shown on its model card) and summed up in one status line."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication

from app.workers.latest_job import LatestJobWorker

FIGURES = (("bleu", "BLEU"), ("chrf", "chrF"), ("aer", "AER"), ("accuracy", "accuracy"))


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QCoreApplication.translate("", text)


def scored_text(metrics: dict) -> str:
    """e.g. "test BLEU 23.4, chrF 51.2 on 300 examples of test.tsv" """
    figures = ", ".join(
        f"{name} {metrics[key]:.3g}" for key, name in FIGURES if isinstance(metrics.get(key), float)
    )
    return tr("test {figures} on {count} examples of {file}").format(
        figures=figures, count=metrics["examples"], file=Path(metrics["file"]).name
    )


def _score(model_path: str, test_file: str) -> tuple[str, dict]:
    """The worker's job: score, then save the figures beside the weights (never in them)."""
    from core_models.inference import load_model
    from core_models.scoring import save_test_metrics, score_file

    metrics = score_file(load_model(model_path), test_file)
    save_test_metrics(model_path, metrics)
    return model_path, metrics


class TestScoring(QtCore.QObject):
    """sigBusy(bool): a scoring started (True) or ended; sigScored(model path, summary): the
    figures were saved; sigFailed(message): the file could not be scored (bad input named)."""

    sigBusy = QtCore.Signal(bool)
    sigScored = QtCore.Signal(str, str)
    sigFailed = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = LatestJobWorker("test-scoring", self)
        self.worker.sigBusy.connect(self.sigBusy)
        self.worker.sigDone.connect(self._on_done)
        self.worker.sigFailed.connect(lambda _, error: self.sigFailed.emit(str(error)))
        self._requests = 0

    def score(self, model_path: str, test_file: str) -> None:
        self._requests += 1
        self.worker.submit(self._requests, lambda: _score(model_path, test_file))

    def shutdown(self) -> None:
        self.worker.stop()

    def _on_done(self, _: int, result: tuple[str, dict]) -> None:
        model_path, metrics = result
        self.sigScored.emit(model_path, scored_text(metrics))
