"""NLI prediction: the premise and hypothesis, and the probability of each label (entailment,
neutral, contradiction) as horizontal bars, the predicted label emphasised and the gold label, when
known, marked. The alignment matrices both ways are heatmaps of the ``premise_to_hypothesis`` and
``hypothesis_to_premise`` maps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app.i18n.terms import label_name, side_name
from app.views.base import AttentionView, PaintedView
from core_models.record import NLI_LABELS

BAR_H = 30.0
BAR_GAP = 16.0
LABEL_W = 120.0


class NLIView(PaintedView, AttentionView):
    """Label probabilities of one premise / hypothesis pair."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: tuple[str, ...] = NLI_LABELS
        self.probabilities = np.zeros(0)
        self.premise = ""
        self.hypothesis = ""
        self.gold: str | None = None
        self._font = QtGui.QFont()
        self._font.setPointSizeF(10.0)
        self.setMinimumSize(320, 200)

    @property
    def predicted(self) -> str | None:
        """The most probable label, or None before any prediction."""
        return self.labels[int(self.probabilities.argmax())] if self.probabilities.size else None

    def set_prediction(
        self,
        probabilities: Mapping[str, float] | Sequence[float],
        premise: str = "",
        hypothesis: str = "",
        gold: str | None = None,
        labels: Sequence[str] = NLI_LABELS,
    ) -> None:
        """Show label probabilities for a premise / hypothesis pair: a mapping label -> probability
        (``NLIResult.probs``), or one probability per entry of ``labels``."""
        if isinstance(probabilities, Mapping):
            labels, probabilities = list(probabilities), list(probabilities.values())
        values = np.asarray(probabilities, dtype=float)
        if values.shape != (len(labels),):
            raise ValueError(
                f"expected {len(labels)} probabilities ({', '.join(labels)}), got shape {values.shape}"
            )
        if gold is not None and gold not in labels:
            raise ValueError(f"unknown gold label '{gold}'; choose one of {', '.join(labels)}")
        self.labels, self.probabilities = tuple(labels), values
        self.premise, self.hypothesis, self.gold = premise, hypothesis, gold
        self.update()

    def bar_rect(self, label: str) -> QtCore.QRectF:
        """The full-length slot of ``label``'s bar (probability 1 fills it)."""
        index = self.labels.index(label)
        top = self._bars_top() + index * (BAR_H + BAR_GAP)
        return QtCore.QRectF(16 + LABEL_W, top, max(self.width() - LABEL_W - 16 - 110, 40), BAR_H)

    def _bars_top(self) -> float:
        line = QtGui.QFontMetrics(self._font).height()
        texts = sum(1 for text in (self.premise, self.hypothesis) if text)
        return 16 + 1.6 * line + texts * 1.4 * line + 12

    def _paint(self, painter: QtGui.QPainter) -> None:
        colors = self.colors
        painter.fillRect(self.rect(), QtGui.QColor(colors.background))
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._font)
        align = QtCore.Qt.AlignmentFlag
        line = painter.fontMetrics().height()
        width = self.width() - 32
        if self.predicted is None:
            painter.setPen(QtGui.QColor(colors.muted))
            painter.drawText(self.rect(), align.AlignCenter, self.tr("no NLI prediction"))
            return
        bold = QtGui.QFont(self._font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QtGui.QColor(colors.text))
        best = float(self.probabilities.max())
        painter.drawText(
            QtCore.QRectF(16, 16, width, line),
            align.AlignLeft,
            self.tr("prediction: {label} ({probability})").format(
                label=label_name(self.predicted), probability=f"{best:.0%}"
            ),
        )
        painter.setFont(self._font)
        y = 16 + 1.6 * line
        for caption, text in (
            (side_name("premise"), self.premise),
            (side_name("hypothesis"), self.hypothesis),
        ):
            if text:
                painter.setPen(QtGui.QColor(colors.muted))
                painter.drawText(QtCore.QRectF(16, y, LABEL_W, line), align.AlignLeft, caption)
                painter.setPen(QtGui.QColor(colors.text))
                elided = painter.fontMetrics().elidedText(
                    text, QtCore.Qt.TextElideMode.ElideRight, int(width - LABEL_W)
                )
                painter.drawText(
                    QtCore.QRectF(16 + LABEL_W, y, width - LABEL_W, line), align.AlignLeft, elided
                )
                y += 1.4 * line
        for label, probability in zip(self.labels, self.probabilities, strict=True):
            self._paint_bar(painter, label, float(probability), label == self.predicted)

    def _paint_bar(
        self, painter: QtGui.QPainter, label: str, probability: float, predicted: bool
    ) -> None:
        colors = self.colors
        align = QtCore.Qt.AlignmentFlag
        slot = self.bar_rect(label)
        font = QtGui.QFont(self._font)
        font.setBold(predicted)
        painter.setFont(font)
        painter.setPen(QtGui.QColor(colors.text if predicted else colors.muted))
        painter.drawText(
            QtCore.QRectF(16, slot.top(), LABEL_W - 10, BAR_H),
            align.AlignRight | align.AlignVCenter,
            label_name(label),
        )
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(colors.panel))
        painter.drawRoundedRect(slot, 4, 4)
        fill = QtGui.QColor(colors.highlight if predicted else colors.accent)
        if not predicted:
            fill.setAlphaF(0.55)
        painter.setBrush(fill)
        painter.drawRoundedRect(
            QtCore.QRectF(slot.left(), slot.top(), max(slot.width() * probability, 2.0), BAR_H),
            4,
            4,
        )
        painter.setPen(QtGui.QColor(colors.text if predicted else colors.muted))
        gold = "   ✓ " + self.tr("gold") if label == self.gold else ""
        painter.drawText(
            QtCore.QRectF(slot.right() + 8, slot.top(), 110, BAR_H),
            align.AlignLeft | align.AlignVCenter,
            f"{probability:.0%}{gold}",
        )
