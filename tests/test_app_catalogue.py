"""One list of models for every picker: a model trained in the Train tab is in Inspect's and
Compare's pickers as soon as it is saved (no restart), and opens from there."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from app_fixtures import shown_window
from PySide6 import QtCore, QtWidgets
from tiny_training import tiny_checkpoint
from train_fixtures import WAIT_MS, home, set_up_tiny_run, train_to_the_end

from app.state.catalogue import ModelCatalogue
from core_models import inference
from core_models.inference import user_models_dir


@pytest.fixture
def no_bundled_models(tmp_path, monkeypatch):
    """Only the user's models are listed (the tests never depend on the bundled ones)."""
    empty = tmp_path / "no-bundled-models"
    empty.mkdir()
    monkeypatch.setattr(inference, "bundled_models_dir", lambda: empty)


@pytest.fixture
def window(qtbot, home, no_bundled_models, tmp_path):
    """The main window over an empty user home."""
    yield from shown_window(qtbot, tmp_path)


def picker_names(picker) -> list[str]:
    return [picker.itemText(i).split()[0] for i in range(picker.count()) if picker.itemData(i)]


def test_the_catalogue_says_when_the_models_changed(qtbot, home, no_bundled_models):
    catalogue = ModelCatalogue()
    assert catalogue.entries == []
    with qtbot.assertNotEmitted(catalogue.changed):
        catalogue.refresh()  # nothing new
    tiny_checkpoint(user_models_dir() / "copy-model")
    with qtbot.waitSignal(catalogue.changed):
        catalogue.refresh()
    assert [(e.name, e.source, e.family) for e in catalogue.entries] == [
        ("copy-model", "user", "transformer")
    ]


def test_opening_a_model_refreshes_every_picker(qtbot, window):
    copied = tiny_checkpoint(user_models_dir() / "copied-in")  # copied there behind the app's back
    assert "copied-in" not in picker_names(window.views.compare.picker)
    window.catalogue.refresh()
    picker = window.model_panel.picker
    assert picker.count() == 1 and picker.currentIndex() == -1  # listed, not shown as open
    assert picker.placeholderText() == "choose a model…"
    window.open_checkpoint(copied)
    qtbot.waitUntil(lambda: window.session.model_name == "copied-in", timeout=WAIT_MS)
    assert picker.currentText().startswith("copied-in")
    assert picker_names(window.model_panel.picker) == ["copied-in"]
    assert picker_names(window.views.compare.picker) == ["copied-in"]


def test_while_the_first_model_opens_the_window_says_which(qtbot, window):
    """Not "open a model to begin" while one is opening (a slow first launch)."""
    path = tiny_checkpoint(user_models_dir() / "first-one")
    window.session.open_model(path)
    assert window.views.heatmap.empty_notice.text() == "Opening first-one…"
    assert window.model_panel.card.text() == "opening first-one…"
    assert window.translate_panel.notice.text() == "Opening first-one…"
    qtbot.waitUntil(lambda: window.session.model_name == "first-one", timeout=WAIT_MS)
    assert "first-one" in window.model_panel.card.text()
    assert "Opening" not in window.views.heatmap.empty_notice.text()


def test_a_first_model_that_fails_to_open_leaves_no_opening_note(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text)
    )
    window.session.open_model(str(user_models_dir() / "not-there"))
    qtbot.waitUntil(lambda: window.session.opening == "", timeout=WAIT_MS)
    assert window.model_panel.card.text() == "no model loaded" and "not-there" in shown[0]
    assert window.translate_panel.notice.text() == "Open a model to begin"
    assert window.views.heatmap.empty_notice.text().startswith("Open a model to begin")


@pytest.mark.slow
def test_a_model_trained_in_the_train_tab_is_in_every_picker_at_once(qtbot, window):
    compare = window.views.compare
    assert picker_names(window.model_panel.picker) == picker_names(compare.picker) == []
    window.modes.setCurrentWidget(window.train_view)
    set_up_tiny_run(window.train_view)
    window.train_view.settings.max_steps.setValue(5)

    path = train_to_the_end(qtbot, window.train_view)
    assert path == str(user_models_dir() / "transformer-copy")
    assert picker_names(window.model_panel.picker) == ["transformer-copy"]
    assert picker_names(compare.picker) == ["transformer-copy"]

    window.modes.setCurrentIndex(0)  # Compare's picker opens it, as a user picks it
    window.views.show_page("compare")
    index = compare.picker.findData(path)
    compare.picker.setCurrentIndex(index)
    compare.picker.activated.emit(index)
    qtbot.waitUntil(lambda: compare.other.model_name == "transformer-copy", timeout=WAIT_MS)
