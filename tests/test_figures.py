"""Figures for papers (``app.figures``): every view in every format, drawn from the state the views
draw, holds the map and its labels and none of the window's controls; PDFs open with embedded
fonts; PNGs have the pixels and DPI asked; labels of long inputs never overlap."""

import itertools
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image
from record_factory import (
    SOURCE,
    TARGET,
    make_beam_history,
    make_nli_record,
    make_square_record,
    make_translation_record,
)

from app.figures import paint
from app.figures.draw import draw_figure, write_figure
from app.figures.options import VIEWS, FigureOptions, FigureState, Prediction, parse_size
from app.state.beam_tree import beam_tree_from_history
from app.state.display import Display
from app.state.selection import Selection, TokenRef

CONTROL_TEXT = (
    "hover",
    "normalis",
    "▶",
    "⏸",
    "click",
    "colour map",
    "clear",
    "choose",
    "search with",
)


def translation_state(**changes) -> FigureState:
    record = make_translation_record()
    state = FigureState(
        record,
        Selection("cross", 1, "mean", token=TokenRef("target", 2)),
        Display(),
        model="tiny-en-fr",
        beam=beam_tree_from_history(make_beam_history()),
        other=FigureState(make_translation_record(seed=1), Selection("cross", 0, 1), model="other"),
    )
    return replace(state, **changes)


def nli_state() -> FigureState:
    prediction = Prediction([0.7, 0.2, 0.1], "a man is playing", "a person plays", "entailment")
    record = make_nli_record()
    return FigureState(record, Selection("hypothesis_to_premise"), prediction=prediction)


def state_for(view: str) -> FigureState:
    return nli_state() if view == "nli" else translation_state()


def svg_texts(path) -> list[str]:
    root = ElementTree.parse(path).getroot()
    return ["".join(e.itertext()) for e in root.iter() if e.tag.split("}")[-1] == "text"]


@pytest.mark.parametrize(("view", "fmt"), list(itertools.product(VIEWS, ("png", "svg", "pdf"))))
def test_every_view_writes_every_format(tmp_path, view, fmt):
    path = write_figure(view, state_for(view), FigureOptions(), tmp_path / f"{view}.{fmt}")
    if fmt == "png":
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(pixels, axis=0)) > 16
    elif fmt == "svg":
        texts = svg_texts(path)
        tokens = {"a", "person", "plays"} if view == "nli" else {"▁chat", "▁cat", "</s>"}
        if view in ("grid", "steps", "beam"):  # no token labels on thumbnails / bars of steps
            tokens = {"tiny-en-fr"}
        assert tokens <= {word for text in texts for word in text.split()} | set(texts)
        shown = " ".join(texts).lower()
        assert not [word for word in CONTROL_TEXT if word in shown], shown
    else:
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True)
        assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE), info.stdout
        fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
        rows = fonts.stdout.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # emb


def test_png_has_the_pixels_and_dpi_asked(tmp_path):
    options = FigureOptions(dpi=150, size=parse_size("1200x800", 150))
    path = write_figure("heatmap", translation_state(), options, tmp_path / "map.png")
    with Image.open(path) as image:
        assert image.size == (1200, 800)
        assert [round(v) for v in image.info["dpi"]] == [150, 150]


def test_pdf_page_is_the_size_asked_in_cm(tmp_path):
    options = FigureOptions(size=parse_size("16x10cm", 300))
    path = write_figure("grid", translation_state(), options, tmp_path / "grid.pdf")
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    (size_line,) = [line for line in info.splitlines() if line.startswith("Page size:")]
    width, height = (float(v) for v in size_line.split()[2:5:2])
    assert (round(width / 72 * 2.54, 2), round(height / 72 * 2.54, 2)) == (16.0, 10.0)


def test_the_pdf_renders_to_a_picture(tmp_path):
    path = write_figure("nli", nli_state(), FigureOptions(), tmp_path / "nli.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "50", path, tmp_path / "page"], check=True)
    (page,) = tmp_path.glob("page*.png")
    with Image.open(page) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert image.size[0] > 100 and len(np.unique(pixels, axis=0)) > 16


def test_heads_and_grid_are_different_figures():
    state = translation_state()
    heads = draw_figure("heads", state, FigureOptions())
    grid = draw_figure("grid", state, FigureOptions())
    images = lambda figure: [a for a in figure.axes if a.images]  # noqa: E731
    assert len(images(heads)) == 4  # the 4 heads of layer 1, side by side
    assert len(images(grid)) == 8  # 2 layers × 4 heads
    assert [a.get_title() for a in images(heads)] == ["head 0", "head 1", "head 2", "head 3"]


def test_chosen_heads_share_one_colour_scale_and_show_the_weights():
    state = translation_state()
    figure = draw_figure("heatmap", state, FigureOptions(heads=(0, 3)))
    first, second = [a.images[0] for a in figure.axes if a.images]
    assert first.norm is second.norm
    expected = state.record.get("cross", 1).weights[3]
    np.testing.assert_allclose(second.get_array(), expected)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == SOURCE


def test_gold_cells_are_outlined_only_when_asked():
    state = translation_state()
    outlined = draw_figure("heatmap", state, FigureOptions()).axes[0].patches
    assert len(outlined) == int(state.record.gold_alignment.sum()) == len(TARGET)
    plain = draw_figure("heatmap", replace(state, display=Display(gold=False)), FigureOptions())
    assert len(plain.axes[0].patches) == 0


def test_greyscale_uses_greys_only(tmp_path):
    options = FigureOptions(greyscale=True, dpi=60)
    path = write_figure("nli", nli_state(), options, tmp_path / "grey.png")
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB")).astype(int)
    assert (
        np.abs(rgb[..., 0] - rgb[..., 1]).max() <= 2
        and np.abs(rgb[..., 1] - rgb[..., 2]).max() <= 2
    )
    colour = write_figure("nli", nli_state(), replace(options, greyscale=False), tmp_path / "c.png")
    with Image.open(colour) as image:
        rgb = np.asarray(image.convert("RGB")).astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).max() > 50


def test_log_scale_and_row_normalisation_reach_the_map():
    state = translation_state()
    log = draw_figure("heatmap", replace(state, display=Display(scale="log")), FigureOptions())
    assert type(log.axes[0].images[0].norm).__name__ == "LogNorm"
    rows = draw_figure(
        "heatmap", replace(state, display=Display(normalisation="row")), FigureOptions()
    )
    np.testing.assert_allclose(rows.axes[0].images[0].get_array().max(axis=1), 1.0, rtol=1e-6)


def visible_label_boxes(figure, which):
    renderer = figure.canvas.get_renderer()
    boxes = []
    for axes in figure.axes:
        axis = axes.xaxis if which == "x" else axes.yaxis
        labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
        boxes.append([t.get_window_extent(renderer) for t in labels])
    return boxes


@pytest.mark.parametrize(
    ("view", "step"),
    [("heatmap", None), ("compare", None), ("steps", 5)],  # steps: one panel, not seventy
)
def test_labels_of_a_long_input_never_overlap(view, step):
    long = make_square_record(70, layers=1, heads=2)
    state = translation_state(record=long, selection=Selection("cross", 0), other=None)
    state = replace(state, other=replace(state, model="other"))
    selection = Selection("cross", 0, step=step)
    figure = draw_figure(view, replace(state, selection=selection), FigureOptions())
    paint.fit_labels(figure)
    figure.draw_without_rendering()
    for which in ("x", "y"):
        for boxes in visible_label_boxes(figure, which):
            for a, b in itertools.pairwise(boxes):
                assert not a.overlaps(b), (which, a, b)
    shown = sum(len(b) for b in visible_label_boxes(figure, "y"))
    assert shown >= 10  # thinned, not dropped


def test_every_step_or_one_step():
    state = translation_state()
    every = draw_figure("steps", replace(state, selection=Selection("cross", 1)), FigureOptions())
    assert len([a for a in every.axes if a.get_visible()]) == len(TARGET)
    one = draw_figure(
        "steps", replace(state, selection=Selection("cross", 1, step=2)), FigureOptions()
    )
    assert len(one.axes) == 2  # the attention row and the top-k candidates
    assert one.axes[0].get_title().startswith("step 3: ▁noir")


@pytest.mark.parametrize(
    ("view", "state", "message"),
    [
        ("matrix", translation_state(), "unknown figure 'matrix'; choose one of heatmap"),
        ("nli", translation_state(), "needs the label probabilities"),
        ("beam", translation_state(beam=[]), "needs a beam tree"),
        ("compare", translation_state(other=None), "needs a second model's record"),
        ("heatmap", translation_state(record=None), "needs an attention record"),
        ("heatmap", translation_state(selection=Selection("pair_self")), "no 'pair_self' maps"),
        ("heatmap", translation_state(selection=Selection("cross", 1, 9)), "has heads 0..3, not 9"),
    ],
)
def test_bad_requests_say_what_is_wrong(view, state, message):
    with pytest.raises(ValueError, match=message):
        draw_figure(view, state, FigureOptions())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: FigureOptions(fmt="bmp"), "unknown figure format 'bmp'; choose one of png, svg"),
        (lambda: FigureOptions(dpi=5), "DPI must be between 10 and 1200"),
        (lambda: FigureOptions(size=(100.0, 2.0)), "0.5 to 60 inches a side"),
        (lambda: parse_size("big", 100), "a size is WIDTHxHEIGHT"),
        (lambda: FigureOptions().format_for("map.bmp"), "choose a name ending in .png, .svg, .pdf"),
        (lambda: Prediction([0.5, 0.5]).labelled(), "expected 3 probabilities"),
    ],
)
def test_bad_options_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_sizes_read_in_pixels_inches_and_centimetres():
    assert parse_size("900x600", 100) == (9.0, 6.0)
    assert parse_size("6.5x4in", 300) == (6.5, 4.0)
    assert parse_size("25.4 x 12.7 cm", 72) == pytest.approx((10.0, 5.0))


def test_the_selected_beam_hypothesis_is_outlined():
    def edges(figure):
        return [to_hex(patch.get_edgecolor()) for patch in figure.axes[0].patches]

    plain = edges(draw_figure("beam", translation_state(), FigureOptions()))
    selected = edges(draw_figure("beam", translation_state(beam_node=(1, 2)), FigureOptions()))
    highlight = paint.INKS["light"].highlight
    assert highlight not in plain
    changed = [i for i, (a, b) in enumerate(zip(plain, selected, strict=True)) if a != b]
    assert len(changed) == 1 and selected[changed[0]] == highlight


def test_a_title_names_layer_and_head_of_attention_and_only_the_kind_of_an_attribution():
    assert paint.describe("cross", 1, 2) == "cross · layer 1 · head 2"
    assert paint.describe("encoder_self_rollout", 1, "mean") == (
        "encoder self rollout · layer 1 · mean of heads"
    )
    assert paint.describe("integrated_gradients", 0, "mean") == "integrated gradients"
    assert paint.describe("label_saliency", 0, "mean") == "label saliency"
