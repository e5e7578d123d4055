"""File ▸ Export figure…: the view on show, written as a figure (not a screenshot) from the
window's Session, in the format, size and DPI the dialog asks for, off the GUI thread."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace

import pytest
from app_fixtures import WAIT_MS, app_env, app_models, open_and_wait, wait_for_source, window
from PIL import Image
from PySide6 import QtWidgets

from app.figure_export import FigureDialog


@pytest.fixture
def translating(qtbot, window, app_env):
    """The window with the tiny copy model's translation of "a b c" on show (typed through the
    Session: the text box's own behaviour is tested elsewhere)."""
    open_and_wait(qtbot, window, app_env.transformer)
    window.session.set_source("a b c")
    wait_for_source(qtbot, window.session, ["a", "b", "c"])
    return window


@pytest.fixture
def answers(monkeypatch, tmp_path):
    """The dialog's answers (set ``answers["dialog"]`` to fill it in) and the file chosen."""
    chosen = {"path": tmp_path / "figure.pdf", "dialog": lambda dialog: None, "asked": []}

    def exec_dialog(dialog):
        chosen["asked"].append(dialog.figure())
        chosen["dialog"](dialog)
        return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(FigureDialog, "exec", exec_dialog)
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen["path"]), "")
    )
    return chosen


def export(qtbot, window, answers):
    window.menu_actions.export_figure.trigger()
    status = window.statusBar()
    qtbot.waitUntil(lambda: "figure exported to" in status.currentMessage(), timeout=WAIT_MS)
    assert str(answers["path"]) in status.currentMessage()
    return answers["path"]


def test_the_heads_grid_tab_exports_its_figure_as_pdf(qtbot, translating, answers, tmp_path):
    translating.views.show_page("heads")
    path = export(qtbot, translating, answers)
    assert answers["asked"] == ["grid"]  # the tab's own figure is offered first
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert "Pages:" in info
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    assert fonts.stdout.splitlines()[2:] and "no " not in fonts.stdout.split("\n", 2)[2]


def test_size_dpi_and_format_come_from_the_dialog(qtbot, translating, answers, tmp_path):
    def fill(dialog: FigureDialog) -> None:
        dialog.fitted.setChecked(False)
        dialog.unit_box.setCurrentText("px")
        dialog.width_box.setValue(700)
        dialog.height_box.setValue(500)
        dialog.dpi_box.setValue(100)

    answers["dialog"], answers["path"] = fill, tmp_path / "lines.png"
    translating.views.show_page("lines")
    path = export(qtbot, translating, answers)
    with Image.open(path) as image:
        assert image.size == (700, 500) and [round(v) for v in image.info["dpi"]] == [100, 100]


def test_an_svg_export_holds_the_map_and_no_controls(qtbot, translating, answers, tmp_path):
    answers["path"] = tmp_path / "map.svg"
    translating.views.show_page("heatmap")
    path = export(qtbot, translating, answers)
    root = ElementTree.parse(path).getroot()
    text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert "tiny-copy" in text and "source (keys)" in text
    assert not [w for w in ("hover", "normalisation", "gold", "▶") if w in text.lower()]


def test_compare_without_a_second_model_says_so(qtbot, translating, answers, monkeypatch):
    shown = []
    monkeypatch.setattr(translating, "show_error", shown.append)
    translating.views.show_page("compare")
    translating.menu_actions.export_figure.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert "needs a second model's record" in shown[0]
    assert not answers["path"].exists()


def test_an_nli_model_exports_its_maps_and_label_bars(qtbot, window, app_env, answers, tmp_path):
    open_and_wait(qtbot, window, app_env.nli)
    session = window.session
    session.set_inputs(replace(session.inputs, premise="a man sleeps", hypothesis="a man rests"))
    qtbot.waitUntil(
        lambda: session.result is not None and session.record is not None, timeout=WAIT_MS
    )
    answers["path"] = tmp_path / "nli.svg"
    path = export(qtbot, window, answers)
    assert answers["asked"] == ["nli"]
    root = ElementTree.parse(path).getroot()
    text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert all(w in text for w in ("premise → hypothesis", "entailment", "probability")), text
