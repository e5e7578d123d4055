"""Chinese text renders (issue 16): the figures and the app find a CJK font, here the ``cjk``
extra's Noto Sans CJK SC (``mplfonts``, in the ``test`` extra) with the system's fonts hidden from
the finders, so that these tests hold on a machine without any CJK font; with no font at all,
one notice says what to install."""

from __future__ import annotations

import re
import warnings

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from record_factory import make_translation_record
from view_checks import painted_axis

from app.cjk import bundled_font_files, has_cjk, texts_on_show
from app.figures import fonts as figure_fonts
from app.figures.draw import write_figure
from app.figures.options import FigureOptions, FigureState
from app.state.selection import Selection
from app.views import fonts as app_fonts

SOURCE = ["▁我", "▁是", "▁中国人", "▁。", "</s>"]
TARGET = ["▁I", "▁am", "▁Chinese", "▁.", "</s>"]
HANZI = "我是中国人"


def chinese_state() -> FigureState:
    record = make_translation_record(source=SOURCE, target=TARGET)
    return FigureState(record, Selection("cross", 1, "mean"), model="tiny-zh-en")


@pytest.fixture
def only_bundled_font(monkeypatch):
    """The finders see no system font, only the cjk extra's files (found afresh)."""
    assert bundled_font_files(), "mplfonts (the cjk and test extras) is not installed"
    monkeypatch.setattr(figure_fonts, "cjk_candidates", lambda: ([], bundled_font_files()))
    monkeypatch.setattr(app_fonts, "system_cjk_families", list)
    figure_fonts.cjk_family.cache_clear()
    app_fonts.cjk_family.cache_clear()
    yield
    figure_fonts.cjk_family.cache_clear()
    app_fonts.cjk_family.cache_clear()


@pytest.fixture
def no_cjk_font(monkeypatch):
    """The finders see no CJK font anywhere (none is uninstalled: the lists are empty)."""
    monkeypatch.setattr(figure_fonts, "cjk_candidates", lambda: ([], []))
    monkeypatch.setattr(app_fonts, "system_cjk_families", list)
    monkeypatch.setattr(app_fonts, "bundled_font_files", list)
    for cached in (figure_fonts.cjk_family, figure_fonts.warn_missing_font, app_fonts.cjk_family):
        cached.cache_clear()
    yield
    for cached in (figure_fonts.cjk_family, figure_fonts.warn_missing_font, app_fonts.cjk_family):
        cached.cache_clear()


def test_chinese_text_is_told_from_latin_text():
    assert has_cjk(["cat", "我"]) and has_cjk(["，"]) and not has_cjk(["cat", "café", "▁ß"])


def test_a_figure_of_chinese_tokens_embeds_the_cjk_font(only_bundled_font, tmp_path):
    """SVG names the fallback family on its Chinese labels; the PDF embeds Noto Sans CJK SC;
    matplotlib warns of no missing glyph (the tests turn every warning into an error)."""
    assert figure_fonts.cjk_family() == "Noto Sans CJK SC"
    state = chinese_state()
    svg = write_figure("heatmap", state, FigureOptions(), tmp_path / "zh.svg").read_text()
    labels = re.findall(r"font-family: ([^;\"]+)[^>]*>([^<]*)<", svg)
    chinese = [family for family, text in labels if has_cjk([text])]
    assert len(chinese) >= len(HANZI) - 1 and all("Noto Sans CJK SC" in f for f in chinese)
    pdf = write_figure("lines", state, FigureOptions(), tmp_path / "zh.pdf").read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJKsc-Regular", pdf)
    write_figure("steps", state, FigureOptions(), tmp_path / "zh.png")


def test_without_a_cjk_font_figures_warn_once_not_per_glyph(no_cjk_font, tmp_path):
    state = chinese_state()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for view in ("heatmap", "lines"):
            write_figure(view, state, FigureOptions(), tmp_path / f"{view}.png")
    messages = [str(each.message) for each in caught]
    assert [each.category for each in caught] == [figure_fonts.MissingFontWarning], messages
    assert "fonts-noto-cjk" in messages[0] and "attention-workbench[cjk]" in messages[0]


def glyph_fonts(text: str, font: QtGui.QFont) -> list[QtGui.QRawFont]:
    """The fonts Qt lays ``text`` out with in ``font`` (fallbacks included)."""
    layout = QtGui.QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [run.rawFont() for run in layout.glyphRuns()]


def test_the_token_axis_draws_chinese_labels_with_a_font_that_has_them(qtbot, only_bundled_font):
    app = QtWidgets.QApplication.instance()
    before = QtGui.QFont(app.font())
    try:
        assert app_fonts.use_cjk_font(app) == "Noto Sans CJK SC"
        axis = painted_axis(qtbot, SOURCE, 600)
    finally:
        app.setFont(before)
    drawn = [(label.text, label.font) for label in axis.placed_labels if has_cjk([label.text])]
    assert {text for text, _ in drawn} == {t for t in SOURCE if has_cjk([t])}
    for text, font in drawn:
        hanzi = [c for c in text if has_cjk([c])]
        runs = glyph_fonts(text, font)
        assert any(all(run.supportsCharacter(c) for c in hanzi) for run in runs), text
        assert any(run.familyName() == "Noto Sans CJK SC" for run in runs)


@pytest.fixture
def bare_window(qtbot, tmp_path, monkeypatch):
    """The main window with no model (none is needed to type)."""
    from app_fixtures import shown_window

    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(tmp_path / "home"))
    yield from shown_window(qtbot, tmp_path)


def notices(window) -> list[str]:
    return [
        label.text()
        for label in window.findChildren(QtWidgets.QLabel)
        if "No Chinese font" in label.text() and label.isVisible()
    ]


def test_without_a_chinese_font_the_window_says_so_once(no_cjk_font, qtbot, bare_window):
    window = bare_window
    assert window.cjk_family is None and notices(window) == []
    shown_messages = []
    window.statusBar().messageChanged.connect(shown_messages.append)
    window.session.set_source("the cat")
    assert notices(window) == []  # Latin text needs no font
    commit = QtGui.QInputMethodEvent()  # what an input method sends as Chinese is typed
    commit.setCommitString("我是中国人")
    QtCore.QCoreApplication.sendEvent(window.translate_panel.source_box, commit)
    assert "我是中国人" in window.session.inputs.source
    window.session.set_source("一只猫")
    record = make_translation_record(source=SOURCE, target=TARGET)
    assert has_cjk(texts_on_show(window.session.inputs, record))
    [notice] = notices(window)
    assert "fonts-noto-cjk" in notice and "attention-workbench[cjk]" in notice
    assert not any("No Chinese font" in message for message in shown_messages)


def test_with_a_chinese_font_the_window_says_nothing(only_bundled_font, qtbot, bare_window):
    window = bare_window
    assert window.cjk_family == "Noto Sans CJK SC"
    window.session.set_source("我是中国人")
    QtCore.QCoreApplication.processEvents()
    assert notices(window) == []
