"""What each view shows in the states around a record: percentages and a log scale for the top-k
candidates, a thumbnail-sized single head, token lines across the panel, the beam tree's empty
state in the middle, and one line saying what to do over a view with nothing to draw."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from record_factory import make_square_record, make_translation_record
from view_checks import image_pixels, restate, show_view

from app.state.display import Display
from app.state.selection import Selection
from app.views.beam_tree import BeamTreeView
from app.views.heads_grid import MAX_TILE_PX, HeadsGridView
from app.views.heatmap import HeatmapView
from app.views.steps import StepsView
from app.views.style import percent
from app.views.token_lines import TokenLinesView


@pytest.mark.parametrize(
    ("prob", "text"),
    [
        (0.953, "95.3%"),
        (0.0034, "0.34%"),
        (0.0031, "0.31%"),
        (0.000012, "0.0012%"),
        (1.2e-8, "1.2e-06%"),
        (0.99996, ">99.9%"),
        (1.0, "100.0%"),
        (1e-12, "<1e-6%"),
    ],
)
def test_probabilities_read_as_percentages_that_tell_candidates_apart(prob, text):
    assert percent(prob) == text


def small_candidates_record():
    """A record whose first step has one sure candidate and four under 1 %."""
    record = make_translation_record()
    top = [("▁le", 0.9838), ("▁la", 0.0071), ("▁un", 0.0052), ("▁les", 0.0024), ("▁une", 0.0015)]
    first = replace(record.steps[0], token="▁le", prob=0.9838, top_k=top)
    return replace(record, steps=[first, *record.steps[1:]])


def test_top_k_on_a_log_scale_tells_small_candidates_apart(qtbot):
    view = show_view(qtbot, StepsView())
    chosen = []
    view.sigDisplayChosen.connect(lambda name, value: chosen.append((name, value)))
    view.set_state(small_candidates_record(), Selection("cross", 1, "mean", step=0), Display())
    texts = [item.textItem.toPlainText() for item in view.candidate_texts[:5]]
    assert texts == ["98.4%", "0.71%", "0.52%", "0.24%", "0.15%"]  # never four "0.00"
    linear = view.candidate_bars.opts["width"]
    assert max(linear[1:]) < 0.01  # on a linear axis the four are slivers
    view.scale_box.activated.emit(view.scale_box.findData("log"))  # the user picks the log scale
    assert chosen == [("scale", "log")]
    restate(view, scale="log")  # the Session's answer
    widths = np.asarray(view.candidate_bars.opts["width"])
    assert np.all(np.diff(widths) < 0) and widths[-1] > 0.3  # ordered, each clearly visible
    assert view.candidate_plot.getAxis("bottom").labelText == "probability (log scale)"
    assert view.scale_box.currentText() == "log"


def test_a_single_head_is_a_thumbnail_not_a_poster(qtbot):
    view = show_view(qtbot, HeadsGridView(), size=(1200, 800))
    view.set_state(make_square_record(6, layers=1, heads=1), None, Display())
    (thumbnail,) = view._thumbnails
    assert max(thumbnail.rect.width(), thumbnail.rect.height()) <= MAX_TILE_PX + 0.5


def test_token_lines_span_most_of_the_panel(qtbot):
    view = show_view(qtbot, TokenLinesView(), size=(1000, 500))
    view.set_state(make_translation_record(), Selection("cross", 1, "mean"), Display())
    left = view._query_rects[0].right()
    right = view._key_rects[0].left()
    assert right - left >= 0.55 * view.width()


def test_the_empty_beam_tree_explains_itself_in_the_middle(qtbot):
    view = show_view(qtbot, BeamTreeView(), size=(1000, 500))
    view.set_tree([], None, "no beam search to show (greedy decoding)", offer_beam=True)
    view.set_state(make_translation_record(), None, Display())
    qtbot.wait(20)
    assert not view.canvas.isVisible()
    title, button = view.title.geometry(), view.search_button.geometry()
    middle = view.height() / 2
    assert abs(title.center().y() - middle) < 40 and abs(button.center().y() - middle) < 40
    assert title.left() > view.width() * 0.2 and button.right() < view.width() * 0.8


@pytest.mark.parametrize("make_view", [HeatmapView, HeadsGridView, TokenLinesView, StepsView])
def test_a_view_without_a_record_says_what_to_do_over_all_of_it(qtbot, make_view):
    view = show_view(qtbot, make_view())
    assert view.empty_notice.isVisible()  # before its first state, too
    view.set_state(make_translation_record(), None, Display())
    assert not view.empty_notice.isVisible()
    view.set_empty_text("Type a sentence to translate: its attention shows here")
    view.set_state(None, None, Display())
    notice = view.empty_notice
    assert notice.isVisible() and notice.geometry() == view.rect()
    assert notice.text() == "Type a sentence to translate: its attention shows here"
    view.resize(700, 450)
    assert notice.geometry() == view.rect()
    image = view.grab().toImage()  # nothing of the last record (the colours of a map) shows
    pixels = image_pixels(image)[::5, ::5, :3].astype(int)
    assert (pixels.max(axis=-1) - pixels.min(axis=-1)).max() < 40  # greys: background and text
