"""The Chinese interface: in the zh_CN locale every view, tab, menu and non-modal dialog of the
window shows no English but names and data (the allow-list below says which and why); the
translation source holds every string the code marks and translates all of them; the language
chosen in View ▸ Language is remembered and wins over the system's."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyqtgraph as pg
import pytest
from app_fixtures import WAIT_MS, app_env, app_models, compare_with, open_and_wait, shown_window
from PySide6 import QtCore, QtWidgets

from app.figure_export import FigureDialog
from app.i18n import language
from app.i18n.language import CHINESE, ENGLISH, SYSTEM, LanguageError
from app.i18n.update import LANGUAGES, lupdate_command
from app.main import main
from app.train.model_panel import CUSTOM
from app.train.presets import FIELD_CHOICES, SIZES
from app.window import TRAIN
from core_models.data.download import DATASETS
from core_models.data.tasks import TASKS
from core_models.models.registry import FAMILIES
from core_models.training.config import DEVICES, SCHEDULES, TOKENIZER_KINDS
from core_models.training.precision import PRECISIONS

__all__ = ["app_env", "app_models"]  # fixtures the tests below use

I18N = Path(__file__).resolve().parents[1] / "app" / "i18n"
# English words that stay English in the Chinese interface, and why:
ALLOWED_WORDS = {
    # names: the app, architectures and their authors, corpora, file formats and their fields
    *("Attention", "Workbench", "Hugging", "Face", "Transformer", "GRU", "LSTM", "Bi-LSTM"),
    *("Bahdanau", "Luong", "Sutskever", "Cho", "Vaswani", "Parikh", "Devlin", "Michel"),
    *("Jain", "Wallace"),
    *("Tatoeba",),
    *("SNLI", "MultiNLI", "jsonl", "NumPy", "ISO", "CLS", "SEP", "PREFIX", "src", "tgt"),
    *("txt", "zip", "TAB", "sentence1", "sentence2", "gold_label", "Wikipedia", "Gigaword"),
    *("GloVe", "Multi30k"),
    # metrics, units and number formats as papers and tools write them
    *("BLEU", "AER", "chrF", "DPI", "ETA", "PNG", "SVG", "PDF", "JSON", "NPZ", "CUDA", "GPU"),
    *("GPUs", "CPU", "CPUs", "float32", "bfloat16", "argmax", "log", "rollout", "dropout"),
    # keys, as the keyboard labels them
    *("Alt", "Ctrl", "Shift", "Esc", "PgUp", "PgDn", "PgDown", "Tab"),
    # French in a task's description (its grammar point), English in the NLI examples
    *("pas", "man", "sleeping", "person", "asleep"),
}
# Identifiers the user also types in configs and on the command line: presets, devices,
# precisions, schedules, tokenizer kinds, model option choices, colour map names.
IDENTIFIERS = {
    *SIZES, CUSTOM, *DEVICES, *PRECISIONS, *SCHEDULES, *TOKENIZER_KINDS,
    *(choice for choices in FIELD_CHOICES.values() for choice in choices),
    "viridis", "magma", "cividis", "greys",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]{2,}")


def data_words(window) -> set[str]:
    """Words that are data, not interface: model names, families and tasks of the models on
    offer, the tokens of the records on show, and the download catalogue's names and licences."""
    words: set[str] = {*IDENTIFIERS, *TASKS, *FAMILIES}
    words |= {Path(path).name for path in window.recent.paths()}  # checkpoint folders
    for entry in window.catalogue.entries:
        words |= {entry.name, entry.family, entry.task or ""}
    for session in (window.session, window.views.compare.other):
        record = session.record
        for attention_map in record.maps if record is not None else []:
            words |= set(attention_map.query_tokens) | set(attention_map.key_tokens)
    for dataset in DATASETS.values():
        words |= set(WORD.findall(f"{dataset.name} {dataset.license}"))  # licences as written
    return {word.lower() for text in words for word in [text, *WORD.findall(text)]}


def english(text: str, data: set[str]) -> list[str]:
    """The English words of ``text`` that are neither allowed nor data (HTML tags, paths, file
    names and shell commands left out)."""
    text = re.sub(r"<[^>]+>", " ", text)  # tags first: a path must not swallow one
    text = re.sub(r"`[^`]*`|\S*/\S+|\S+\.\w{2,4}\b", " ", text)
    return [
        word
        for word in WORD.findall(text)
        if word not in ALLOWED_WORDS and word.lower() not in data
    ]


def widget_texts(root: QtWidgets.QWidget) -> list[tuple[str, str]]:
    """(where, text) for what ``root`` and its children show: labels, buttons, tooltips, window
    titles, tabs, combo box items, group boxes, placeholders, special values, progress bars,
    table headers, list items that are not data, and pyqtgraph titles and axis labels."""
    texts = []
    for widget in [root, *root.findChildren(QtWidgets.QWidget)]:
        name = type(widget).__name__
        texts += [(f"{name} tooltip", widget.toolTip()), (f"{name} title", widget.windowTitle())]
        texts += [(name, text) for text in own_texts(widget)]
        if isinstance(widget, pg.GraphicsView):
            texts += [(f"{name} plot", text) for text in plot_texts(widget)]
    return [(where, text) for where, text in texts if text]


def own_texts(widget: QtWidgets.QWidget) -> list[str]:
    """The texts ``widget`` shows by its kind (a dispatch over the kinds widget_texts lists)."""
    if isinstance(widget, (QtWidgets.QLabel, QtWidgets.QAbstractButton)):
        return [widget.text()]
    if isinstance(widget, QtWidgets.QTabBar):
        return [text for i in range(widget.count()) for text in (widget.tabText(i),)]
    if isinstance(widget, QtWidgets.QComboBox):
        return [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QtWidgets.QGroupBox):
        return [widget.title()]
    if isinstance(widget, (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit)):
        return [widget.placeholderText()]
    if isinstance(widget, QtWidgets.QAbstractSpinBox):
        return [widget.specialValueText()]
    if isinstance(widget, QtWidgets.QProgressBar):
        return [widget.text()]
    if isinstance(widget, QtWidgets.QTableWidget):
        headers = (widget.horizontalHeaderItem(i) for i in range(widget.columnCount()))
        return [item.text() for item in headers if item is not None]
    if isinstance(widget, QtWidgets.QListWidget):  # samples are data; a note is not
        items = (widget.item(i) for i in range(widget.count()))
        return [item.text() for item in items if item.data(QtCore.Qt.ItemDataRole.UserRole) is None]
    if isinstance(widget, QtWidgets.QStatusBar):
        return [widget.currentMessage()]
    return []


def plot_texts(view: pg.GraphicsView) -> list[str]:
    """Titles and axis labels of the plots in ``view`` (token ticks and bar values are data)."""
    texts = []
    for item in view.scene().items():
        if isinstance(item, pg.LabelItem):
            texts.append(re.sub(r"<[^>]+>", "", item.text))
        elif isinstance(item, pg.AxisItem) and item.label.isVisible():
            texts.append(item.labelText)
    return texts


def menu_texts(menu: QtWidgets.QMenu | QtWidgets.QMenuBar, path: str = "") -> list[tuple]:
    texts = []
    for action in menu.actions():
        if action.menu() is not None:
            title = action.menu().title()
            texts += [(f"menu {path}", title), *menu_texts(action.menu(), f"{path} ▸ {title}")]
        elif not action.isSeparator():
            texts += [(f"menu {path}", action.text()), (f"menu {path} tip", action.toolTip())]
    return texts


def language_names(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``texts`` without View ▸ Language's choices, each named in its own language."""
    return [(where, text) for where, text in texts if text not in language.LANGUAGE_NAMES.values()]


@pytest.fixture
def chinese(qapp, monkeypatch, tmp_path):
    """The application in Simplified Chinese (the catalogue compiled into a temporary cache),
    English again afterwards."""
    monkeypatch.setenv("ATTENTION_WORKBENCH_CACHE", str(tmp_path / "cache"))
    default = QtCore.QLocale()
    assert language.install(qapp, CHINESE) == CHINESE
    yield
    language.install(qapp, ENGLISH)
    QtCore.QLocale.setDefault(default)


@pytest.fixture
def zh_window(chinese, qtbot, app_env, tmp_path):
    yield from shown_window(qtbot, tmp_path)


def visit_everything(qtbot, window, models) -> list[tuple[str, str]]:
    """What a user sees opening a translation model (every view tab, a second model on the
    Compare tab), an NLI model, every tab of the Train view, the menus, the shortcuts window
    and the figure export dialog."""
    open_and_wait(qtbot, window, models.transformer)
    qtbot.waitUntil(lambda: window.session.result is not None, timeout=WAIT_MS)
    texts = []
    for page in window.views.pages:
        window.views.show_page(page)
        if page == "compare":
            other = compare_with(window.views, "transformer").other
            qtbot.waitUntil(lambda other=other: other.result is not None, timeout=WAIT_MS)
        texts += widget_texts(window)
    open_and_wait(qtbot, window, models.nli)
    qtbot.waitUntil(lambda: window.session.result is not None, timeout=WAIT_MS)
    texts += widget_texts(window)
    window.modes.setCurrentIndex(TRAIN)
    for tabs in window.train_view.findChildren(QtWidgets.QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            texts += widget_texts(window.train_view)
    texts += menu_texts(window.menuBar())
    window.show_shortcuts()
    texts += widget_texts(window.shortcuts_dialog)
    texts += widget_texts(FigureDialog(["heatmap", "heads", "grid", "lines"], "heatmap", window))
    return texts


@pytest.mark.slow  # opens three models and every page (about 10 s)
def test_every_view_tab_menu_and_dialog_shows_chinese(zh_window, qtbot, app_env):
    texts = language_names(visit_everything(qtbot, zh_window, app_env))
    data = data_words(zh_window)
    untranslated = sorted({(where, text) for where, text in texts if english(text, data)})
    assert untranslated == [], "\n".join(map(repr, untranslated))
    assert any("热力图" in text for _, text in texts)  # the walk saw the interface at all


def test_english_words_are_found_and_data_is_not():
    """The check above can fail: an English phrase is caught, names and data are not."""
    data = {"transformer-en-fr", "chat", "transformer", "en", "fr"}
    assert english("the model to compare with", data) == ["the", "model", "compare", "with"]
    assert english("比较对象", data) == []
    assert english("模型 transformer-en-fr · BLEU 23.1 · 词元 chat", data) == []
    assert english("已导出到 /tmp/x/heatmap.png", data) == []


def test_the_translation_holds_every_marked_string_and_translates_it(tmp_path):
    """lupdate over app/ into a copy of each .ts finds no new string (a new one would come in
    unfinished) and drops none (an old one would be gone); each translation keeps the source's
    placeholders and accelerator."""
    for name in LANGUAGES:
        copy = shutil.copy(I18N / f"workbench_{name}.ts", tmp_path / f"workbench_{name}.ts")
        before = messages(Path(copy))
        subprocess.run(
            lupdate_command(I18N.parent, [Path(copy)], "-no-obsolete", "-silent"), check=True
        )
        after = messages(Path(copy))
        assert sorted(set(after) - set(before)) == []  # new in the code: run app.i18n.update
        assert sorted(set(before) - set(after)) == []  # gone from the code: run it too
        unfinished = [key for key, (_, done) in after.items() if not done]
        assert unfinished == []
        for (_, source), (translation, _) in after.items():
            assert set(re.findall(r"\{\w*\}", translation)) == set(
                re.findall(r"\{\w*\}", source)
            ), source
            assert translation.count("&") == source.count("&"), source


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, source) -> (translation, finished) of a Qt Linguist file."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            found[(name, message.findtext("source"))] = (translation.text or "", done)
    return found


def test_the_chosen_language_is_remembered(qtbot, app_env, tmp_path, monkeypatch):
    """View ▸ Language ▸ 简体中文 is kept in the settings: the next window has it ticked and the
    next launch starts in Chinese whatever the system's language."""
    monkeypatch.delenv(language.LANG_ENV, raising=False)
    window = next(shown_window(qtbot, tmp_path))
    assert window.menu_actions.languages[SYSTEM].isChecked()
    window.menu_actions.languages[CHINESE].trigger()
    assert "starts again" in window.statusBar().currentMessage()
    window.close()
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    assert language.resolve(None, settings) == CHINESE
    again = next(shown_window(qtbot, tmp_path))
    assert again.menu_actions.languages[CHINESE].isChecked()
    again.menu_actions.languages[ENGLISH].trigger()
    assert language.resolve(None, settings) == ENGLISH
    again.close()


def test_the_language_follows_lang_then_the_environment_then_the_choice_then_the_system(
    tmp_path, monkeypatch
):
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    monkeypatch.delenv(language.LANG_ENV, raising=False)
    assert language.system_language(QtCore.QLocale("zh_CN")) == CHINESE
    assert language.system_language(QtCore.QLocale("zh_TW")) == ENGLISH  # no traditional yet
    assert language.system_language(QtCore.QLocale("de_DE")) == ENGLISH
    language.save_choice(settings, ENGLISH)
    assert language.resolve(None, settings) == ENGLISH
    monkeypatch.setenv(language.LANG_ENV, "zh_CN.UTF-8")
    assert language.resolve(None, settings) == CHINESE
    assert language.resolve("en", settings) == ENGLISH
    with pytest.raises(LanguageError, match="--lang: unknown interface language 'klingon'"):
        language.resolve("klingon", settings)


def test_an_unknown_or_missing_lang_is_one_error_line(capsys):
    assert main(["--lang", "klingon"]) == 2
    assert capsys.readouterr().err.startswith("error: --lang: unknown interface language")
    assert main(["--lang"]) == 2
    assert capsys.readouterr().err == "error: --lang needs a language: zh_CN or en\n"


def test_a_catalogue_that_does_not_load_leaves_the_interface_in_english(
    qapp, tmp_path, monkeypatch, caplog
):
    broken = tmp_path / "workbench_zh_CN.qm"
    broken.write_bytes(b"not a catalogue")
    monkeypatch.setattr(language, "catalogue", lambda _language: broken)
    assert language.install(qapp, CHINESE) == ENGLISH
    assert QtCore.QCoreApplication.translate("MainWindow", "Inspect") == "Inspect"
    assert "is not a Qt translation file" in caplog.text


def test_a_source_checkout_compiles_the_catalogue_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_CACHE", str(tmp_path))
    first = language.catalogue(CHINESE)
    assert first.parent == tmp_path / "i18n" and first.suffix == ".qm"
    stamp = first.stat().st_mtime_ns
    assert language.catalogue(CHINESE) == first and first.stat().st_mtime_ns == stamp
