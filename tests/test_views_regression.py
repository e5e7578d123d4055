"""Many redraws in a row must not crash Qt: PySide6 6.12.0 killed pyqtgraph with
"Fatal Python error: none_dealloc" after a few dozen frames (pyproject pins PySide6 < 6.12)."""

from PySide6 import QtWidgets
from record_factory import make_translation_record
from view_checks import show_view

from app.state.display import Display
from app.state.selection import Selection
from app.views.heads_grid import HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.steps import StepsView
from app.views.token_lines import TokenLinesView

FRAMES = 200
FRAME_SIZE = (600, 400)  # small frames: the crash came from object churn, not pixels


def test_hundreds_of_redraws_do_not_crash_qt(qtbot):
    records = [make_translation_record(layers=2, heads=4, seed=seed) for seed in range(4)]
    heatmap = show_view(qtbot, HeatmapView(), FRAME_SIZE)
    grid = show_view(qtbot, HeadsGridView(), FRAME_SIZE)
    lines = show_view(qtbot, TokenLinesView(), FRAME_SIZE)
    steps = show_view(qtbot, StepsView(), FRAME_SIZE)
    kinds = ("cross", "encoder_self", "decoder_self")
    display = Display()
    for frame in range(FRAMES):
        record = records[frame % len(records)]
        target_index = frame % len(record.steps)
        selection = Selection(
            kinds[frame % 3], frame % 2, "mean" if frame % 5 == 0 else frame % 4, target_index
        ).with_token("target", target_index)
        for view in (heatmap, grid, steps) if frame % 4 else (heatmap, grid, steps, lines):
            view.set_state(record, selection, display)
        if frame % 20 == 0:
            display = Display(
                scale="log" if frame % 40 else "linear", theme="dark" if frame % 40 else "light"
            )
        QtWidgets.QApplication.processEvents()  # paints every view that changed
    assert heatmap.image.image.shape == heatmap.shown_weights.shape
    assert len(grid.thumbnails) == 2 * 4
    assert steps.step == (FRAMES - 1) % len(records[0].steps)
