"""Colour scales, normalisation, selections and the numbers printed beside maps (no widgets)."""

import numpy as np
import pytest
from PySide6 import QtGui

from app.state.display import Display
from app.state.measures import attention_aer, head_weights, mean_row_entropy
from app.state.selection import Selection, TokenRef, TokenSpan
from app.views.style import (
    COLORMAPS,
    DARK,
    LOG_FLOOR,
    lookup_table,
    normalise,
    palette_for,
    qt_palette,
    scale_values,
    to_rgba,
)
from core_models.record import KIND_SIDES, KINDS


def test_every_record_kind_knows_its_query_and_key_sides():
    assert set(KIND_SIDES) == set(KINDS)


def test_row_normalisation_scales_each_row_to_its_maximum_and_keeps_zero_rows():
    weights = np.array([[0.2, 0.8], [0.5, 0.5], [0.0, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(normalise(weights, "row"), [[0.25, 1.0], [1.0, 1.0], [0.0, 0.0]])
    assert normalise(weights, "global") is weights


def test_log_scale_floors_zero_weights_and_reads_in_decades():
    values, levels = scale_values(np.array([[0.0, 0.01, 1.0]]), "log")
    np.testing.assert_allclose(values, [[np.log10(LOG_FLOOR), -2.0, 0.0]])
    assert levels == (np.log10(LOG_FLOOR), 0.0)
    assert scale_values(np.array([[0.1, 0.4]]), "linear")[1] == (0.0, pytest.approx(0.4))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: normalise(np.zeros((1, 1)), "column"),
            "unknown normalisation 'column'; choose one of global, row",
        ),
        (
            lambda: scale_values(np.zeros(1), "sqrt"),
            "unknown colour scale 'sqrt'; choose one of linear, log",
        ),
        (lambda: palette_for("sepia"), "unknown theme 'sepia'; choose one of light, dark"),
        (lambda: lookup_table("jet"), "unknown colour map 'jet'"),
        (lambda: Selection("attention"), "unknown map kind 'attention'"),
        (lambda: Selection("cross", head="all"), "head must be an index >= 0 or 'mean'"),
        (lambda: TokenRef("left", 0), "unknown token side 'left'"),
        (lambda: Display(colormap="jet"), "unknown colour map 'jet'; choose one of viridis"),
        (lambda: Display().with_choice("units", "letters"), "unknown token units 'letters'"),
        (lambda: Display().with_choice("font", "serif"), "unknown display option 'font'"),
        (lambda: Display(gold="yes"), "gold must be True or False"),
    ],
)
def test_bad_choices_name_the_valid_ones(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_greys_run_from_the_background_to_the_text_colour():
    for theme in ("light", "dark"):
        palette = palette_for(theme)
        table = lookup_table("greys", palette)
        assert QtGui.QColor(*table[0, :3]).name() == palette.background
        assert QtGui.QColor(*table[-1, :3]).name() == palette.text
    assert "viridis" in COLORMAPS and "greys" in COLORMAPS


def test_colouring_maps_low_to_the_first_and_high_to_the_last_entry():
    table = lookup_table("viridis")
    rgba = to_rgba(np.array([[0.0, 0.5, 1.0]]), (0.0, 1.0), table)
    assert rgba.shape == (1, 3, 4) and rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[0, 0], table[0])
    np.testing.assert_array_equal(rgba[0, 2], table[255])


def test_head_choice_picks_one_head_or_the_mean_and_rejects_missing_heads():
    weights = np.stack([np.eye(3), np.full((3, 3), 1 / 3)]).astype(np.float32)
    np.testing.assert_array_equal(head_weights(weights, 1), weights[1])
    np.testing.assert_allclose(head_weights(weights, "mean"), weights.mean(0))
    with pytest.raises(IndexError, match="head 2 does not exist: the map has heads 0..1"):
        head_weights(weights, 2)


def test_entropy_is_zero_for_one_hot_rows_and_log2_keys_for_uniform_rows():
    assert mean_row_entropy(np.eye(4)) == 0.0
    assert mean_row_entropy(np.full((3, 8), 1 / 8)) == pytest.approx(3.0)


def test_aer_is_zero_when_argmax_attention_hits_the_gold_and_one_when_it_misses_everywhere():
    gold = np.eye(3)
    assert attention_aer(np.eye(3) * 0.9 + 0.03, gold) == 0.0
    assert attention_aer(np.roll(np.eye(3), 1, axis=1), gold) == 1.0
    assert attention_aer(np.array([[0.9, 0.1], [0.8, 0.2]]), np.eye(2)) == 0.5
    with pytest.raises(ValueError, match="alignment shapes differ"):
        attention_aer(np.eye(2), gold)


def test_a_selection_changes_by_copy():
    selection = Selection("cross", 1, 2)
    moved = selection.with_token("source", 3).with_step(4)
    assert moved.token == TokenRef("source", 3) and moved.step == 4
    assert selection.token is None


def test_the_qt_palette_paints_widgets_in_the_themes_colours():
    palette = qt_palette(DARK)
    role = QtGui.QPalette.ColorRole
    assert palette.color(role.Window).name() == DARK.background
    assert palette.color(role.Text).name() == DARK.text
    assert palette.color(role.Link).name() == DARK.accent  # the filter badge's "clear"
    disabled = QtGui.QPalette.ColorGroup.Disabled
    assert palette.color(disabled, role.Text).name() == DARK.muted


def test_a_token_span_rejects_an_empty_range():
    with pytest.raises(ValueError, match="first <= last"):
        TokenSpan("source", 4, 2)


def test_saved_display_values_are_read_back_and_invalid_ones_keep_the_default():
    display = Display("words", "magma", "log", "row", "dark", gold=False)
    saved = {
        name: str(value).lower() if isinstance(value, bool) else value
        for name, value in display.as_settings().items()
    }  # an INI file's strings
    assert Display.from_settings(saved) == display
    assert Display.from_settings({"colormap": "jet", "scale": "log", "gold": 3}) == Display(
        scale="log"
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_unchecked_box_and_a_text_box_show_against_the_window_in_both_themes(qtbot, theme):
    """Rendered with Fusion in the theme's palette, an unchecked check box's square and an empty
    line edit's frame differ from the window colour (in the dark theme both were invisible)."""
    from PySide6 import QtWidgets

    colors = palette_for(theme)
    panel = QtWidgets.QWidget()
    qtbot.addWidget(panel)
    panel.setStyle(QtWidgets.QStyleFactory.create("Fusion"))
    panel.setPalette(qt_palette(colors))
    layout = QtWidgets.QVBoxLayout(panel)
    check, edit = QtWidgets.QCheckBox(), QtWidgets.QLineEdit()
    for widget in (check, edit):
        widget.setStyle(panel.style())
        layout.addWidget(widget)
    panel.resize(200, 80)
    panel.show()
    window = np.array(QtGui.QColor(colors.background).getRgb()[:3])
    for widget in (check, edit):
        image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
        pixels = np.array(
            [QtGui.QColor(image.pixel(x, y)).getRgb()[:3] for x in range(16) for y in range(16)]
        )
        assert (np.abs(pixels - window).max(axis=1) > 12).sum() > 20, type(widget).__name__
