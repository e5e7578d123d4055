"""Offscreen rendering of every view to PNG and SVG (``attention-workbench render``)."""

import pytest
from record_factory import make_beam_history, make_translation_record
from view_checks import assert_readable_png, assert_svg_draws

from app.render import VIEWS, Output, Prediction, parse_head, render_view
from app.state.beam_tree import beam_tree_from_history
from app.state.display import Display
from app.state.selection import Selection, TokenRef


@pytest.fixture
def record():
    return make_translation_record()


@pytest.mark.parametrize("view", ["heatmap", "heads", "lines", "steps"])
def test_record_views_render_to_png_and_svg(qtbot, tmp_path, record, view):
    selection = Selection("cross", 1, "mean", step=2, token=TokenRef("target", 2))
    png = render_view(record, selection, Display(), Output(tmp_path / f"{view}.png", view))
    assert_readable_png(png, min_size=(800, 500))
    dark = Display(theme="dark")
    svg = render_view(
        record, Selection("cross", 1, 2), dark, Output(tmp_path / f"{view}.svg", view)
    )
    assert_svg_draws(svg)


def test_nli_and_beam_views_render_from_their_own_data(qtbot, tmp_path):
    prediction = Prediction([0.7, 0.2, 0.1])
    nli = render_view(
        None, None, Display(), Output(tmp_path / "nli.png", "nli", prediction=prediction)
    )
    assert_readable_png(nli)
    beam = beam_tree_from_history(make_beam_history())
    selection = Selection("cross", step=1)
    output = Output(tmp_path / "beam.svg", "beam", beam=beam)
    assert_svg_draws(render_view(None, selection, Display(), output))


def test_heatmap_options_reach_the_picture(qtbot, tmp_path, record):
    selection = Selection("cross", 0, 0)
    linear = render_view(record, selection, Display(), Output(tmp_path / "linear.png"))
    log_greys = Display(scale="log", colormap="greys")
    log = render_view(record, selection, log_greys, Output(tmp_path / "log.png"))
    assert linear.read_bytes() != log.read_bytes()
    no_gold = render_view(record, selection, Display(gold=False), Output(tmp_path / "plain.png"))
    assert no_gold.read_bytes() != linear.read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "matrix"}, "unknown view 'matrix'; choose one of " + ", ".join(VIEWS)),
        ({"view": "nli"}, "needs the label probabilities"),
        ({"view": "beam"}, "needs a beam tree"),
        ({"view": "heatmap", "out": "map.bmp"}, "choose a name ending in .png or .svg"),
    ],
)
def test_bad_requests_say_what_is_wrong(qtbot, tmp_path, record, kwargs, message):
    output = Output(tmp_path / kwargs.get("out", "out.png"), kwargs["view"])
    with pytest.raises(ValueError, match=message):
        render_view(record, Selection("cross", 0), Display(), output)


def test_head_names_parse():
    assert parse_head("mean") == "mean"
    assert parse_head("3") == 3
    assert parse_head(1) == 1
    with pytest.raises(ValueError, match="head must be a head index or 'mean'"):
        parse_head("first")
