"""The window remembers its geometry, splitter sizes, last model, tabs and display options across
launches (in its own settings file here, never the developer's); a remembered model that is gone
or no longer opens gives way to the default without an error."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

from pathlib import Path

import pytest
from app_fixtures import WAIT_MS, app_env, app_models, copy_checkpoint, open_and_wait
from PySide6 import QtCore, QtWidgets

from app import window_memory
from app.state.display import Display
from app.window import MainWindow


@pytest.fixture
def settings_path(tmp_path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def launch(qtbot, app_env, settings_path, monkeypatch):
    """Opens the window as a launch does (its settings file, no resize); records error dialogs."""
    errors: list[str] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "critical", lambda parent, title, text: errors.append(text)
    )
    windows = []

    def open_window() -> MainWindow:
        settings = QtCore.QSettings(str(settings_path), QtCore.QSettings.Format.IniFormat)
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)  # laid out at its size
        windows.append(window)
        return window

    open_window.errors = errors
    yield open_window
    for window in windows:
        window.close()


def wait_for_model(qtbot, window, path: Path) -> None:
    qtbot.waitUntil(
        lambda: (
            window.session.model is not None
            and Path(window.session.model.checkpoint.path).resolve() == Path(path).resolve()
        ),
        timeout=WAIT_MS,
    )


def test_choices_made_before_closing_are_back_after_reopening(qtbot, launch, app_env):
    first = launch()
    open_and_wait(qtbot, first, app_env.bahdanau)
    first.modes.setCurrentIndex(1)  # the Train tab, built when first shown, widens the least
    first.modes.setCurrentIndex(0)
    # the offscreen screen is 800 × 800: restoring clamps to it, and then to the window's least
    first.resize(first.minimumSizeHint().width(), 650)
    qtbot.wait(50)
    first.splitter.setSizes([260, 840])
    actions = first.menu_actions.display
    for choice in (("theme", "dark"), ("colormap", "magma"), ("scale", "log"), ("units", "words")):
        actions[choice].trigger()
    first.menu_actions.display[("normalisation", "row")].trigger()
    first.session.choose_display("gold", False)
    first.views.show_page("lines")
    first.modes.setCurrentWidget(first.train_view)
    chosen = (first.size(), first.splitter.sizes(), first.session.display)
    assert chosen[2] == Display("words", "magma", "log", "row", "dark", gold=False)
    first.close()

    second = launch()
    assert second.views.current_page() == "lines"
    assert second.modes.currentWidget() is second.train_view
    second.modes.setCurrentIndex(0)  # the splitter is laid out once the Inspect tab shows
    qtbot.wait(50)
    assert (second.size(), second.splitter.sizes(), second.session.display) == chosen
    second.views.show_page("heatmap")
    assert second.views.heatmap.theme == "dark"
    assert second.open_first_model(app_env.transformer) == str(app_env.bahdanau)
    wait_for_model(qtbot, second, app_env.bahdanau)
    assert launch.errors == []


def test_a_missing_remembered_model_falls_back_to_the_default(qtbot, launch, app_env, tmp_path):
    gone = copy_checkpoint(app_env.bahdanau, tmp_path / "gone")
    first = launch()
    open_and_wait(qtbot, first, gone)
    first.close()
    assert window_memory.saved_model(first.settings) == str(gone)
    for path in sorted(gone.iterdir()):
        path.unlink()
    gone.rmdir()

    second = launch()
    assert second.open_first_model(app_env.transformer) == str(app_env.transformer)
    wait_for_model(qtbot, second, app_env.transformer)
    assert launch.errors == []


def test_a_remembered_model_that_no_longer_opens_gives_way_to_the_default_quietly(
    qtbot, launch, app_env, tmp_path
):
    stale = copy_checkpoint(app_env.bahdanau, tmp_path / "stale")
    first = launch()
    open_and_wait(qtbot, first, stale)
    first.close()
    (stale / "config.json").write_text("{ not json", encoding="utf-8")

    second = launch()
    assert second.open_first_model(app_env.transformer) == str(stale)
    wait_for_model(qtbot, second, app_env.transformer)
    assert launch.errors == []
    second.session.open_model(stale)  # opened by the user, the same failure is shown
    qtbot.waitUntil(lambda: len(launch.errors) == 1, timeout=WAIT_MS)
    assert "stale" in launch.errors[0]


def test_invalid_saved_values_keep_the_defaults(qtbot, launch, settings_path):
    settings = QtCore.QSettings(str(settings_path), QtCore.QSettings.Format.IniFormat)
    settings.setValue("display/colormap", "jet")
    settings.setValue("display/scale", "log")
    settings.setValue("window/page", "no-such-page")
    settings.setValue("window/geometry", "not bytes")
    settings.sync()
    window = launch()
    assert window.session.display == Display(scale="log")
    assert window.views.current_page() == "heatmap"


def test_a_first_launch_fits_the_screen(qtbot, launch):
    """No saved geometry: the default size, cut to the screen's available area (offscreen, the
    screen is smaller than the default: the window is never wider than the screen lets it be
    beyond its own minimum)."""
    window = launch()
    available = window.screen().availableGeometry()
    wanted = (
        min(window_memory.DEFAULT_SIZE[0], available.width()),
        min(window_memory.DEFAULT_SIZE[1], available.height()),
    )
    minimum = window.minimumSizeHint()
    assert window.width() == max(wanted[0], minimum.width())
    assert window.height() == max(wanted[1], minimum.height())
    assert available.width() < window_memory.DEFAULT_SIZE[0]  # the cut was exercised
    assert minimum.width() <= 1280 and minimum.height() <= 800  # a common laptop screen
