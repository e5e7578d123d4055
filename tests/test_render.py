"""Offscreen rendering of every view to PNG and SVG (``attention-workbench render``)."""

import pytest
from record_factory import make_beam_history, make_translation_record
from view_checks import assert_readable_png, assert_svg_draws

from app.render import VIEWS, parse_head, render_view
from app.state.beam_tree import beam_tree_from_history


@pytest.fixture
def record():
    return make_translation_record()


@pytest.mark.parametrize("view", ["heatmap", "heads", "lines", "steps"])
def test_record_views_render_to_png_and_svg(qtbot, tmp_path, record, view):
    png = render_view(
        record, view, "cross", 1, "mean", tmp_path / f"{view}.png", token=("target", 2), step=2
    )
    assert_readable_png(png, min_size=(800, 500))
    svg = render_view(record, view, "cross", 1, "2", tmp_path / f"{view}.svg", theme="dark")
    assert_svg_draws(svg)


def test_nli_and_beam_views_render_from_their_own_data(qtbot, tmp_path):
    nli = render_view(
        None, "nli", None, 0, "mean", tmp_path / "nli.png", probabilities=[0.7, 0.2, 0.1]
    )
    assert_readable_png(nli)
    beam = beam_tree_from_history(make_beam_history())
    assert_svg_draws(
        render_view(None, "beam", None, 0, "mean", tmp_path / "beam.svg", beam=beam, step=1)
    )


def test_heatmap_options_reach_the_picture(qtbot, tmp_path, record):
    linear = render_view(record, "heatmap", "cross", 0, 0, tmp_path / "linear.png")
    log = render_view(
        record, "heatmap", "cross", 0, 0, tmp_path / "log.png", scale="log", colormap="greys"
    )
    assert linear.read_bytes() != log.read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "matrix"}, "unknown view 'matrix'; choose one of " + ", ".join(VIEWS)),
        ({"view": "nli"}, "needs the label probabilities"),
        ({"view": "beam"}, "needs a beam tree"),
        ({"view": "heatmap", "head": "first"}, "head must be a head index or 'mean'"),
        ({"view": "heatmap", "out": "map.bmp"}, "choose a name ending in .png or .svg"),
    ],
)
def test_bad_requests_say_what_is_wrong(qtbot, tmp_path, record, kwargs, message):
    out = tmp_path / kwargs.get("out", "out.png")
    with pytest.raises(ValueError, match=message):
        render_view(record, kwargs["view"], "cross", 0, kwargs.get("head", "mean"), out)


def test_head_names_parse():
    assert parse_head("mean") == "mean"
    assert parse_head("3") == 3
    assert parse_head(1) == 1
