"""The heads grid: one thumbnail per layer × head, entropy under each, click to open a head."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from record_factory import make_square_record, make_translation_record
from view_checks import color_share, image_pixels, restate, show_view

from app.state.display import Display
from app.state.explain import TokenChange
from app.state.measures import mean_row_entropy
from app.state.selection import Selection
from app.views.heads_grid import MAX_TILE_PX, MIN_TILE_PX, HeadsGridView
from app.views.style import LIGHT, lookup_table
from app.views.thumbnails import block_max
from core_models.record import AttentionMap, AttentionRecord


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
    edge = image.pixelColor(int(rect.center().x()), int(rect.top()) - 2)  # around the map
    assert edge.name() == LIGHT.highlight


def test_kind_without_maps_says_so(view):
    restate(view, Selection("pair_self"))
    assert view.thumbnails == []


def test_a_head_that_is_off_is_greyed_and_crossed_out(view):
    tile = next(t for t in view.thumbnails if (t.layer, t.head) == (1, 2))
    before = image_pixels(view.grab().toImage())
    view.set_extras(frozenset({("cross", 1, 2), ("encoder_self", 0, 0)}), [])
    restate(view)
    after = image_pixels(view.grab().toImage())
    assert view.is_off(tile) and sum(view.is_off(t) for t in view.thumbnails) == 1
    inside = tile.rect.adjusted(3, 3, -3, -3).toRect()
    rows, cols = slice(inside.top(), inside.bottom()), slice(inside.left(), inside.right())
    # greyed: closer to the white background than before, all over the tile but the cross
    brighter = after[rows, cols, :3].astype(int).sum(-1) > before[rows, cols, :3].sum(-1)
    assert brighter.mean() > 0.8
    assert after[rows, cols, :3].mean() > before[rows, cols, :3].mean() + 20
    # crossed: the diagonal through the centre is drawn in the muted colour
    centre = tile.rect.center().toPoint()
    muted = QtGui.QColor(LIGHT.muted)
    assert np.abs(after[centre.y(), centre.x(), :3] - muted.getRgb()[:3]).max() < 40
    other = next(t for t in view.thumbnails if (t.layer, t.head) == (1, 1)).rect.toRect()
    assert np.array_equal(
        after[other.top() : other.bottom(), other.left() : other.right()],
        before[other.top() : other.bottom(), other.left() : other.right()],
    )


def test_the_outputs_changes_are_drawn_under_the_grid(view):
    changes = [
        TokenChange(0, "le", 0.9, "le", 0.8),
        TokenChange(1, "chien", 0.6, "chat", 0.7),
    ]
    view.set_extras(frozenset({("cross", 0, 0)}), changes)
    restate(view)
    image = view.grab().toImage()
    lowest = max(t.rect.bottom() for t in view.thumbnails)
    strip = image.copy(0, int(lowest) + 20, image.width(), image.height() - int(lowest) - 20)
    assert color_share(strip, LIGHT.highlight, tolerance=30) > 0  # the changed token
    assert color_share(strip, LIGHT.text, tolerance=30) > 0  # the probability change
    assert changes[0].delta == pytest.approx(0.1) and changes[1].delta is None
    view.set_extras(frozenset(), [])
    restate(view)
    assert max(t.rect.bottom() for t in view.thumbnails) > lowest  # the line's room is given back


def test_entropy_labels_of_a_144_head_grid_at_900_px_do_not_overlap(qtbot):
    view = show_view(qtbot, HeadsGridView(), size=(900, 700))
    view.set_state(make_square_record(6, 12, 12), Selection("encoder_self"), Display())
    metrics = QtGui.QFontMetrics(view._font)
    tiles = sorted((t for t in view.thumbnails if t.layer == 0), key=lambda t: t.head)
    pitch = tiles[1].rect.left() - tiles[0].rect.left()
    label = view.entropy_format.format(tiles[0].entropy_bits)
    assert view.entropy_format != "{:.2f} bits"  # the full label is wider than a tile here
    assert metrics.horizontalAdvance(label) < pitch
    wide = show_view(qtbot, HeadsGridView(), size=(1600, 700))
    wide.set_state(make_square_record(6, 2, 4), Selection("encoder_self"), Display())
    assert wide.entropy_format == "{:.2f} bits"


def big_diagonal_record(length: int = 512, layers: int = 12, heads: int = 12):
    """A ``layers`` × ``heads`` record of ``length`` × ``length`` maps, every head looking at
    its own token (a diagonal) but head (l, h) = (0, 1), which looks at the first token."""
    tokens = [f"t{i}" for i in range(length)]
    diagonal = np.broadcast_to(np.eye(length, dtype=np.float32), (heads, length, length))
    maps = [
        AttentionMap("encoder_self", layer, diagonal.copy(), tokens, tokens)
        for layer in range(layers)
    ]
    maps[0].weights[1] = 0.0
    maps[0].weights[1, :, 0] = 1.0
    return AttentionRecord(maps=maps)


@pytest.mark.parametrize(("size", "scrolls"), [((1280, 800), False), ((1000, 480), True)])
def test_every_head_of_a_144_head_grid_of_512_token_maps_is_reachable(qtbot, size, scrolls):
    view = show_view(qtbot, HeadsGridView(), size=size)
    view.set_state(big_diagonal_record(), Selection("encoder_self"), Display())
    assert view.scrollbar.isVisible() == scrolls  # 12 layers of 32-px tiles need ~600 px
    rects = [t.rect for t in view.thumbnails]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    assert all(MIN_TILE_PX <= r.width() <= MAX_TILE_PX for r in rects)
    assert all(r.right() <= view.width() - view.scrollbar.width() for r in rects)
    seen = set()
    for value in range(0, view.scrollbar.maximum() + 1, view.scrollbar.pageStep() // 2):
        view.scrollbar.setValue(value)
        seen |= {(t.layer, t.head) for t in view.thumbnails if view._grid_area.contains(t.rect)}
    view.scrollbar.setValue(view.scrollbar.maximum())
    seen |= {(t.layer, t.head) for t in view.thumbnails if view._grid_area.contains(t.rect)}
    assert seen == {(layer, head) for layer in range(12) for head in range(12)}
    last = next(t for t in view.thumbnails if (t.layer, t.head) == (11, 11))
    with qtbot.waitSignal(view.sigHeadChosen, timeout=1000) as chosen:
        qtbot.mouseClick(view, QtCore.Qt.MouseButton.LeftButton, pos=last.rect.center().toPoint())
    assert chosen.args == [11, 11]


def test_the_wheel_scrolls_the_grid_and_a_scrolled_tile_is_reached(qtbot):
    view = show_view(qtbot, HeadsGridView(), size=(1000, 480))
    view.set_state(big_diagonal_record(64), Selection("encoder_self"), Display())
    bottom = next(t for t in view.thumbnails if (t.layer, t.head) == (11, 0))
    assert not view._grid_area.contains(bottom.rect)
    assert view.thumbnail_at(QtCore.QPointF(bottom.rect.center())) is None
    view.scroll_to(bottom)
    assert view._grid_area.contains(bottom.rect)
    top = bottom.rect.top()
    event = QtGui.QWheelEvent(
        bottom.rect.center(),
        view.mapToGlobal(bottom.rect.center()),
        QtCore.QPoint(),
        QtCore.QPoint(0, 120),
        QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
        QtCore.Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QtCore.QCoreApplication.sendEvent(view, event)
    assert bottom.rect.top() > top  # scrolled back up: the tile moved down


def test_a_512_token_map_in_a_small_tile_keeps_its_pattern(qtbot):
    view = show_view(qtbot, HeadsGridView(), size=(1280, 800))
    view.set_state(big_diagonal_record(), Selection("encoder_self"), Display())
    image = image_pixels(view.grab().toImage())[..., :3].astype(int)
    table = lookup_table(Display().colormap)
    bright = table[-1, :3].astype(int)
    for (layer, head), pattern in (((0, 0), "diagonal"), ((0, 1), "first column")):
        tile = next(t for t in view.thumbnails if (t.layer, t.head) == (layer, head))
        assert tile.pixels.shape[0] < 512  # drawn from the map's block maxima
        inner = tile.rect.toRect()
        pixels = image[inner.top() : inner.bottom(), inner.left() : inner.right()]
        is_bright = np.abs(pixels - bright).max(axis=-1) < 40
        size = min(is_bright.shape)
        if pattern == "diagonal":
            on = is_bright[np.arange(size), np.arange(size) * is_bright.shape[1] // size]
            assert on.mean() > 0.9, pattern
            assert is_bright.mean() < 0.2, pattern
        else:
            assert is_bright[:, :2].any(axis=1).mean() > 0.9 and is_bright[:, 3:].mean() < 0.05, (
                pattern
            )


@pytest.mark.parametrize(("shape", "cells"), [((3, 512, 512), (37, 40)), ((2, 330, 64), (33, 64))])
def test_block_maxima_are_the_maxima_of_near_equal_blocks(shape, cells):
    values = np.random.default_rng(0).random(shape, dtype=np.float32)
    row_starts = np.linspace(0, shape[1], cells[0] + 1).astype(int)[:-1]
    column_starts = np.linspace(0, shape[2], cells[1] + 1).astype(int)[:-1]
    expected = np.maximum.reduceat(
        np.maximum.reduceat(values, row_starts, axis=1), column_starts, axis=2
    )
    np.testing.assert_array_equal(block_max(values, *cells), expected)
