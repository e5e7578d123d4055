"""One run's decoding step as the steps view draws it: the step's attention row as bars over the
keys (row t of the map: where the decoder looked while producing target token t) and its top-k
next-token candidates with the chosen one emphasised. The steps view has one for the run on show
and, after an attention edit, one for the edited run below it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from app.i18n.terms import kind_name
from app.state.display import Display
from app.state.measures import head_weights
from app.state.selection import MEAN, Head, Selection
from app.views.style import Palette, percent
from app.views.token_axis import TokenAxis
from core_models.record import AttentionMap, StepInfo


class StepPanel(QtCore.QObject):
    """The attention-row plot and the candidates plot of one run, in row ``row`` of
    ``graphics`` (a ``pg.GraphicsLayoutWidget``); ``title`` names the run in the plots' titles
    ("" for the run on show)."""

    def __init__(self, graphics: pg.GraphicsLayoutWidget, row: int, title: str = "") -> None:
        super().__init__(graphics)
        self.title = title
        self.attention_row = np.zeros(0, dtype=np.float32)  # (keys,) weights at the step
        self.candidates: list[tuple[str, float]] = []
        self.key_axis = TokenAxis("bottom")
        self.row_plot = graphics.addPlot(row=row, col=0, axisItems={"bottom": self.key_axis})
        self.candidate_axis = TokenAxis("left")
        self.candidate_plot = graphics.addPlot(
            row=row, col=1, axisItems={"left": self.candidate_axis}
        )
        for plot in (self.row_plot, self.candidate_plot):
            plot.setMouseEnabled(False, False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.row_plot.setYRange(0, 1, padding=0.02)
        self.row_plot.getAxis("left").setLabel(self.tr("weight"))
        self.candidate_plot.invertY(True)
        self.row_bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.row_plot.addItem(self.row_bars)
        self.candidate_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.candidate_plot.addItem(self.candidate_bars)
        self.candidate_texts: list[pg.TextItem] = []

    def set_visible(self, visible: bool) -> None:
        self.row_plot.setVisible(visible)
        self.candidate_plot.setVisible(visible)

    def key_at(self, scene_pos: QtCore.QPointF) -> int | None:
        """The key (source token) whose bar is under ``scene_pos``, or None."""
        if not self.row_plot.isVisible() or not len(self.attention_row):
            return None
        if not self.row_plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        key = round(self.row_plot.vb.mapSceneToView(scene_pos).x())
        return key if 0 <= key < len(self.attention_row) else None

    def show_step(
        self,
        attention_map: AttentionMap | None,
        head: Head,
        steps: list[StepInfo],
        step: int,
        selection: Selection,
        display: Display,
        colors: Palette,
    ) -> None:
        """Draw ``step``: the map's row (``head`` or the mean of heads) and the step's top-k."""
        self.key_axis.set_tokens(attention_map.key_tokens if attention_map is not None else [])
        if attention_map is None or step >= attention_map.weights.shape[1]:
            self.attention_row = np.zeros(0, dtype=np.float32)
            self.row_bars.setOpts(x=[], height=[])
            message = self.tr("this record has no decoder attention")
            self.row_plot.setTitle(message, color=colors.muted)
        else:
            self.attention_row = head_weights(attention_map.weights, head)[step]
            keys = len(self.attention_row)
            brushes = [colors.accent] * keys
            token = selection.token
            if token is not None and token.side == attention_map.sides[1] and token.index < keys:
                brushes[token.index] = colors.highlight
            self.row_bars.setOpts(
                x=np.arange(keys), height=self.attention_row, width=0.8, brushes=brushes, pen=None
            )
            self.row_plot.setXRange(-0.6, keys - 0.4, padding=0)
            heads = (
                self.tr("mean of heads")
                if head == MEAN
                else self.tr("head {head}").format(head=head)
            )
            title = self.tr("step {step} looked at: {kind} · layer {layer} · {head}").format(
                step=step + 1,
                kind=kind_name(attention_map.kind),
                layer=attention_map.layer,
                head=heads,
            )
            self.row_plot.setTitle(self._titled(title), color=colors.text)
        self._show_candidates(steps[step] if step < len(steps) else None, display, colors)

    def _titled(self, text: str) -> str:
        return f"{self.title}: {text}" if self.title else text

    def _show_candidates(self, info: StepInfo | None, display: Display, colors: Palette) -> None:
        self.candidates = list(info.top_k) if info is not None else []
        tokens = [token for token, _ in self.candidates]
        probs = np.array([prob for _, prob in self.candidates], dtype=float)
        brushes = [
            colors.highlight if info is not None and token == info.token else colors.accent
            for token in tokens
        ]
        self.candidate_axis.set_tokens(tokens)
        start, ends = self._candidate_axis(probs, display)
        self.candidate_bars.setOpts(
            x0=np.full(len(tokens), start),
            y=np.arange(len(tokens)),
            width=ends - start,
            height=0.7,
            brushes=brushes,
            pen=None,
        )
        self.candidate_plot.setYRange(-0.6, max(len(tokens), 1) - 0.4, padding=0)
        while len(self.candidate_texts) < len(tokens):
            text = pg.TextItem(anchor=(0, 0.5))
            self.candidate_plot.addItem(text)
            self.candidate_texts.append(text)
        for index, text in enumerate(self.candidate_texts):
            text.setVisible(index < len(tokens))
            if index < len(tokens):
                text.setText(percent(probs[index]), color=colors.text)
                text.setPos(ends[index], index)
        if info is None:
            self.candidate_plot.setTitle(self.tr("no candidates recorded"), color=colors.muted)
        else:
            title = self.tr("top-{count} next tokens").format(count=len(tokens))
            self.candidate_plot.setTitle(self._titled(title), color=colors.text)

    def _candidate_axis(self, probs: np.ndarray, display: Display) -> tuple[float, np.ndarray]:
        """Where the candidates' bars start and end on the probability axis, which this sets up:
        linear from 0 to 1, or (the display's log scale) decades of probability, from the decade
        below the least likely candidate to 1, so that four candidates under 1 % differ."""
        axis = self.candidate_plot.getAxis("bottom")
        if display.scale != "log" or not len(probs):
            axis.setLabel(self.tr("probability"))
            axis.setTicks(None)
            self.candidate_plot.setXRange(-0.03, 1.22, padding=0)  # room for the percentages
            return 0.0, probs
        decades = np.log10(np.clip(probs, 1e-12, 1.0))
        start = float(np.floor(decades.min())) - 0.5
        axis.setLabel(self.tr("probability (log scale)"))
        axis.setTicks([[(k, f"{10.0**k:g}") for k in range(int(np.ceil(start)), 1)]])
        self.candidate_plot.setXRange(start, -0.3 * start, padding=0)  # room for the text
        return start, decades

    def apply_theme(self, colors: Palette) -> None:
        for plot in (self.row_plot, self.candidate_plot):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                if isinstance(axis, TokenAxis):
                    axis.set_colors(colors)
                else:
                    axis.setPen(pg.mkPen(colors.grid))
                    axis.setTextPen(pg.mkPen(colors.text))
