"""Head importance and greedy pruning of the model on show, for the app (Michel et al. 2019;
``core_models.explain.ablation``): on request, over the first N examples of the model's task, the
metric lost when each head alone is masked, each head's importance, and the pruning curve (metric
against heads kept). It runs on its own worker thread, on a clean copy of the model (so the
Session goes on decoding meanwhile), and reports its progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore

from app.state.model_study import ModelStudy

if TYPE_CHECKING:
    from core_models.explain.ablation import HeadRow, PruneStep


# The loss a pruned model may have: 1 BLEU point, or one point of accuracy (a fraction).
LOSS_ALLOWED = {"BLEU": 1.0, "accuracy": 0.01}


@dataclass(frozen=True, eq=False)
class HeadStudyResult:
    """What ``HeadStudy.run`` found: the metric with every head on, one row per head, the curve."""

    model_name: str
    metric: str  # "BLEU" or "accuracy"
    examples: int
    baseline: float
    heads: list[HeadRow]
    curve: list[PruneStep]
    pruned: int  # heads pruned before the metric fell more than ``loss_allowed``

    @property
    def loss_allowed(self) -> float:
        return LOSS_ALLOWED[self.metric]


class HeadStudy(ModelStudy):
    """Runs the head study of a Session's model off the GUI thread; sigProgress counts
    evaluations and backward passes over the examples."""

    result: HeadStudyResult | None

    def __init__(self, session, parent: QtCore.QObject | None = None) -> None:
        super().__init__(session, "head study", parent)

    def run(self, size: int) -> None:
        """Study the model on show over the first ``size`` examples of its task's test split."""
        from core_models.explain.ablation import all_heads

        model = self.session.model
        if model is None:
            self.sigFailed.emit(QtCore.QCoreApplication.translate("HeadStudy", "no model open"))
            return
        try:
            heads = len(all_heads(model.model))
        except ValueError as error:  # a recurrent or decomposable model: no heads
            self.sigFailed.emit(str(error))
            return
        examples = model.samples(size)
        if not examples:
            message = QtCore.QCoreApplication.translate(
                "HeadStudy", "{0} has no task examples to study its heads on"
            )
            self.sigFailed.emit(message.format(model.name))
            return
        total = 2 * heads + 3  # head_importance: heads + 2 steps, pruning: heads + 1
        done = [0]

        def step(count: int) -> None:
            done[0] += count
            self.sigProgress.emit(done[0], total)

        self._start(lambda: study(model, examples, step), total)


def study(model, examples, progress) -> HeadStudyResult:
    """The head-importance table and the pruning curve of ``model`` (on a clean copy)."""
    from core_models.explain.ablation import clean_copy, head_importance, prunable, prune_heads
    from core_models.inference import Translator

    twin = clean_copy(model)
    baseline, heads = head_importance(twin, examples, progress)
    curve = prune_heads(twin, examples, progress=progress)
    metric = "BLEU" if isinstance(model, Translator) else "accuracy"
    pruned = prunable(curve, LOSS_ALLOWED[metric])
    return HeadStudyResult(model.name, metric, len(examples), baseline, heads, curve, pruned)
