"""The heads grid: one thumbnail per layer × head, entropy under each, click to open a head."""

import numpy as np
import pytest
from PySide6 import QtCore
from record_factory import make_square_record, make_translation_record
from view_checks import color_share, restate, show_view

from app.state.display import Display
from app.state.measures import mean_row_entropy
from app.state.selection import Selection
from app.views.heads_grid import HeadsGridView
from app.views.style import LIGHT


@pytest.fixture
def view(qtbot):
    view = show_view(qtbot, HeadsGridView())
    record = make_translation_record(layers=3, heads=4)
    view.set_state(record, Selection("cross", 0, "mean"), Display())
    return view


@pytest.mark.parametrize(("layers", "heads"), [(3, 4), (6, 8)])
def test_grid_has_a_thumbnail_for_every_layer_and_head(qtbot, layers, heads):
    view = show_view(qtbot, HeadsGridView())
    view.set_state(make_square_record(12, layers, heads), Selection("encoder_self"), Display())
    assert sorted((t.layer, t.head) for t in view.thumbnails) == [
        (layer, head) for layer in range(layers) for head in range(heads)
    ]
    rects = [t.rect for t in view.thumbnails]
    assert all(view.rect().toRectF().contains(rect) for rect in rects), "a thumbnail is cut off"
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_click_on_a_thumbnail_opens_that_head(qtbot, view):
    thumbnail = next(t for t in view.thumbnails if (t.layer, t.head) == (2, 3))
    with qtbot.waitSignal(view.sigHeadChosen, timeout=1000) as chosen:
        qtbot.mouseClick(
            view, QtCore.Qt.MouseButton.LeftButton, pos=thumbnail.rect.center().toPoint()
        )
    assert chosen.args == [2, 3]


def test_entropy_under_each_thumbnail_is_that_heads_mean_row_entropy(view):
    record = make_translation_record(layers=3, heads=4)
    for thumbnail in view.thumbnails:
        weights = record.get("cross", thumbnail.layer).weights[thumbnail.head]
        assert thumbnail.entropy_bits == pytest.approx(mean_row_entropy(weights))
    by_head = {(t.layer, t.head): t.entropy_bits for t in view.thumbnails}
    assert by_head[(2, 0)] < by_head[(2, 3)], "an aligned head must be sharper than the broad one"


def test_thumbnails_show_the_new_record_after_a_record_of_the_same_shape(view):
    before = [t.pixels.copy() for t in view.thumbnails]
    restate(view, record=make_translation_record(layers=3, heads=4, seed=1))
    assert len(view.thumbnails) == len(before)
    assert any(
        not np.array_equal(t.pixels, b) for t, b in zip(view.thumbnails, before, strict=True)
    )


def test_selected_head_is_outlined_in_the_highlight_colour(view):
    assert color_share(view.grab().toImage(), LIGHT.highlight, tolerance=10) > 0
    restate(view, Selection("cross", 1, 2))
    image = view.grab().toImage()
    rect = next(t.rect for t in view.thumbnails if (t.layer, t.head) == (1, 2))
    edge = image.pixelColor(int(rect.center().x()), int(rect.top()))
    assert edge.name() == LIGHT.highlight


def test_kind_without_maps_says_so(view):
    restate(view, Selection("pair_self"))
    assert view.thumbnails == []
