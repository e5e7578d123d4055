"""``attention-workbench render``: a model run on one input, written as a figure (``app.figures``)
in PNG, SVG or PDF at the size and DPI asked, with no Qt at all and nothing on stderr."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from app_fixtures import app_env, app_models
from PIL import Image

from app import main as app_main

ROOT = Path(__file__).resolve().parent.parent


def svg_text(path: Path) -> str:
    root = ElementTree.parse(path).getroot()
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))


def render(capsys, *arguments) -> tuple[int, str]:
    status = app_main.main(["render", *map(str, arguments)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("view", ["heatmap", "heads", "grid", "lines", "steps", "beam"])
def test_every_translation_view_renders_a_figure(app_env, tmp_path, capsys, view):
    out = tmp_path / f"{view}.svg"
    status, err = render(capsys, app_env.transformer, "a b c", "--view", view, "-o", out)
    assert status == 0, err
    text = svg_text(out)
    assert "tiny-copy" in text  # the default title names the model
    assert not [word for word in ("hover", "▶", "normalise", "click") if word in text]


def test_heads_and_grid_are_not_the_same_figure(app_env, tmp_path, capsys):
    for view in ("heads", "grid"):
        out = tmp_path / f"{view}.svg"
        assert render(capsys, app_env.transformer, "a b c", "--view", view, "-o", out)[0] == 0
    heads, grid = svg_text(tmp_path / "heads.svg"), svg_text(tmp_path / "grid.svg")
    assert "head 0" in heads and "head 1" in heads and "bits" not in heads
    assert "H0" in grid and "bits" in grid and "head 0" not in grid


def test_compare_draws_two_models_and_nli_its_maps_and_bars(app_env, tmp_path, capsys):
    out = tmp_path / "compare.pdf"
    arguments = ["--view", "compare", "--compare", app_env.bahdanau, "-o", out]
    status, err = render(capsys, app_env.transformer, "a b c", *arguments)
    assert status == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "nli.svg"
    pair = ["--premise", "a man sleeps", "--hypothesis", "a man rests"]
    assert render(capsys, app_env.nli, *pair, "--view", "nli", "-o", out)[0] == 0
    text = svg_text(out)
    assert all(
        word in text for word in ("entailment", "contradiction", "man", "hypothesis → premise")
    ), text


def test_size_and_dpi_are_as_asked(app_env, tmp_path, capsys):
    out = tmp_path / "map.png"
    arguments = ["--size", "640x480", "--dpi", "80", "--sample", "0", "--words", "-o", out]
    status, err = render(capsys, app_env.transformer, *arguments)
    assert status == 0, err
    with Image.open(out) as image:
        assert image.size == (640, 480) and [round(v) for v in image.info["dpi"]] == [80, 80]
    out = tmp_path / "map.pdf"
    status, err = render(capsys, app_env.transformer, "a b", "--size", "4x3in", "-o", out)
    assert status == 0, err
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    assert "Page size:       288 x 216 pts" in info


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["a b", "-o", "map.bmp"], "choose a name ending in .png, .svg, .pdf"),
        (["a b", "--view", "compare", "-o", "c.png"], "--view compare needs the second model"),
        (["a b", "--head", "0,1", "-o", "m.png"], "--heads takes several"),
        (["--sample", "-1", "-o", "m.png"], "--sample is a sample's index (0 or more)"),
        (["a b", "--size", "big", "-o", "m.png"], "a size is WIDTHxHEIGHT"),
        (["a b", "--heads", "0,7", "-o", "m.png"], "has heads 0..1, not 7"),
    ],
)
def test_bad_requests_say_what_is_wrong(app_env, tmp_path, capsys, arguments, message):
    arguments = [str(tmp_path / a) if a.endswith((".png", ".bmp")) else a for a in arguments]
    status, err = render(capsys, app_env.transformer, *arguments)
    assert status == 2 and message in err and "Traceback" not in err


BLOCK_QT = (
    "import sys; sys.modules.update(PySide6=None, pyqtgraph=None); from app.main import main; "
    "code = main(sys.argv[1:]); print(sorted(m for m, v in sys.modules.items() if v and m.startswith('PySide6'))); "
    "sys.exit(code)"
)


def test_render_works_without_qt_and_writes_nothing_on_stderr(app_models, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ATTENTION_WORKBENCH_HOME": str(app_models.home)}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    out = tmp_path / "map.png"
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, "render", app_models.transformer, "a b c", "-o", out],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "propagateSizeHints()" or any other noise
    assert done.stdout.splitlines() == [str(out), "[]"]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_help_loads_no_matplotlib():
    probe = (
        "import sys; from app.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
