"""Files in and out of the window: opening a checkpoint (dialog, drop, recent list), broken
checkpoints, exporting the view and the record, and the ``attention-workbench`` entry point."""

# pytest fixtures imported from app_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from app_fixtures import (
    WAIT_MS,
    app_env,
    app_models,
    copy_checkpoint,
    open_and_wait,
    type_over,
    wait_for_source,
    window,
)
from PySide6 import QtCore, QtGui, QtWidgets

from app import main as app_main
from app.panels.model_panel import card_html
from core_models.export import load_record
from core_models.inference import load_model, resolve_model


@pytest.fixture
def translating(qtbot, window, app_env):
    open_and_wait(qtbot, window, app_env.transformer)
    type_over(qtbot, window.translate_panel.source_box, "a b c")
    wait_for_source(qtbot, window.session, ["a", "b", "c"])
    return window


@pytest.fixture
def dialogs(monkeypatch):
    """QMessageBox.critical calls, recorded instead of shown."""
    shown: list[str] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text)
    )
    return shown


def test_open_checkpoint_from_the_file_menu_remembers_it(
    qtbot, window, app_env, tmp_path, monkeypatch
):
    elsewhere = copy_checkpoint(app_env.transformer, tmp_path / "my-run")
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(elsewhere)
    )
    window.menu_actions.open_checkpoint.trigger()
    qtbot.waitUntil(lambda: window.session.model_name == "my-run", timeout=WAIT_MS)
    assert window.recent.paths() == [str(elsewhere.resolve())]
    recent_items = [a.text() for a in window.menu_actions.recent_menu.actions()]
    assert any("my-run" in text for text in recent_items)
    assert any("my-run" in window.model_panel.picker.itemText(i) for i in range(10))
    assert "transformer" in window.model_panel.card.text()
    assert window.windowTitle().startswith("my-run")


def test_dropping_a_checkpoint_directory_opens_it(qtbot, window, app_env, tmp_path):
    dropped = copy_checkpoint(app_env.nli, tmp_path / "dropped-nli")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(dropped))])
    position = QtCore.QPointF(700, 450)
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, modifiers = QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(position, actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.session.model_name == "dropped-nli", timeout=WAIT_MS)
    assert window.session.task_kind == "nli" and window.nli_panel.isVisible()


def test_a_drop_without_files_is_refused(qtbot, window):
    mime = QtCore.QMimeData()
    mime.setText("just text")
    enter = QtGui.QDragEnterEvent(
        QtCore.QPoint(10, 10),
        QtCore.Qt.DropAction.CopyAction,
        mime,
        QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
    )
    QtWidgets.QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def break_unknown_family(path: Path) -> None:
    config = json.loads((path / "config.json").read_text())
    config["family"] = "perceiver"
    (path / "config.json").write_text(json.dumps(config))


def break_truncated_weights(path: Path) -> None:
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])


def break_missing_config(path: Path) -> None:
    (path / "config.json").unlink()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (break_unknown_family, "perceiver"),
        (break_truncated_weights, "model.safetensors"),
        (break_missing_config, "config.json"),
    ],
)
def test_a_broken_checkpoint_shows_a_message_and_the_app_keeps_working(
    qtbot, translating, app_env, tmp_path, dialogs, damage, reason
):
    broken = copy_checkpoint(app_env.transformer, tmp_path / "broken")
    damage(broken)
    translating.open_checkpoint(broken)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=WAIT_MS)
    assert str(broken) in dialogs[0] and reason in dialogs[0]
    session = translating.session
    assert session.model_name == "tiny-copy"
    assert "could not open" in translating.statusBar().currentMessage()
    qtbot.keyClicks(translating.translate_panel.source_box, " d")
    wait_for_source(qtbot, session, ["a", "b", "c", "d"])
    assert str(broken.resolve()) not in translating.recent.paths()


def test_the_file_menu_exports_figures_and_records_not_screenshots(translating):
    """A view leaves the window as a figure (File ▸ Export figure, ``app.figures``), one code
    path per view: no "Export view as PNG/SVG" screenshot beside it."""
    file_menu = translating.menuBar().actions()[0].menu()
    texts = [action.text().replace("&", "") for action in file_menu.actions()]
    exports = [text for text in texts if text.startswith("Export")]
    assert exports == [
        "Export figure (PDF, SVG, PNG)…",
        "Export record as JSON…",
        "Export record as NPZ…",
    ]
    assert translating.menu_actions.exports == [
        translating.menu_actions.export_figure,
        translating.menu_actions.export_json,
        translating.menu_actions.export_npz,
    ]


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_export_record_reads_back_as_the_record_on_show(
    qtbot, translating, tmp_path, monkeypatch, suffix
):
    target = tmp_path / f"record{suffix}"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    action = (
        translating.menu_actions.export_json
        if suffix == ".json"
        else translating.menu_actions.export_npz
    )
    action.trigger()
    record, document = load_record(target)
    shown = translating.session.record
    assert [(m.kind, m.layer) for m in record.maps] == [(m.kind, m.layer) for m in shown.maps]
    for loaded, original in zip(record.maps, shown.maps, strict=True):
        np.testing.assert_allclose(loaded.weights, original.weights, atol=1e-6)
        assert loaded.key_tokens == original.key_tokens
    assert document["model"] == "tiny-copy"
    assert document["inputs"]["source"] == ["a", "b", "c", "<eos>"]
    assert document["output"]["tokens"] == translating.session.result.output_pieces


def test_export_before_any_result_says_there_is_nothing_yet(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(1))
    window.menu_actions.export_json.trigger()
    assert asked == [] and "nothing to export" in window.statusBar().currentMessage()


@pytest.mark.parametrize("view", ["heatmap", "grid", "lines", "steps", "beam"])
def test_render_command_draws_a_translation_view(app_env, tmp_path, capsys, view):
    out = tmp_path / f"{view}.png"
    status = app_main.main(
        ["render", str(app_env.transformer), "a b c", "--view", view, "--head", "0", "-o", str(out)]
    )
    assert status == 0, capsys.readouterr().err
    image = QtGui.QImage(str(out))
    assert not image.isNull() and image.width() >= 600
    assert capsys.readouterr().out.strip() == str(out)


def test_render_command_draws_an_nli_pair_as_svg(app_env, tmp_path, capsys):
    out = tmp_path / "nli.svg"
    arguments = ["render", str(app_env.nli), "--premise", "a man sleeps"]
    status = app_main.main(
        [*arguments, "--hypothesis", "a man rests", "--view", "nli", "-o", str(out)]
    )
    assert status == 0, capsys.readouterr().err
    assert ElementTree.parse(out).getroot().tag.endswith("svg")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--view", "heatmap"], "give the sentence"),
        (["a b", "--kind", "pair_self"], "has no 'pair_self' maps"),
        (["a b", "--view", "nli"], "needs an NLI model"),
        (["a b", "--token", "target"], "SIDE:INDEX"),
    ],
)
def test_render_command_explains_bad_requests(app_env, tmp_path, capsys, arguments, message):
    status = app_main.main(
        ["render", str(app_env.transformer), *arguments, "-o", str(tmp_path / "x.png")]
    )
    assert status == 2
    assert message in capsys.readouterr().err


def test_other_commands_go_to_the_command_line_interface(capsys):
    assert app_main.main(["tasks"]) == 0
    assert "copy" in capsys.readouterr().out


def test_the_app_opens_on_a_translation_model_with_a_sentence_translated(qtbot, window, app_env):
    entry = app_main.start(window)
    assert entry is not None and entry.family in ("transformer", "bahdanau")
    session = window.session
    qtbot.waitUntil(lambda: session.result is not None, timeout=WAIT_MS)
    assert session.task_kind == "translation"
    assert window.translate_panel.source_box.toPlainText() == session.inputs.source != ""
    assert window.views.heatmap.shown_weights.size > 0


def test_the_app_opens_on_the_bundled_transformer_when_there_is_one():
    from core_models.inference import ModelEntry

    def entry(name: str, family: str, source: str = "bundled") -> ModelEntry:
        return ModelEntry(name, Path(name), source, family, "", {})

    nli, dates = entry("decomposable-nli", "decomposable"), entry("bahdanau-dates", "bahdanau")
    mine = entry("my-transformer", "transformer", source="user")
    default = entry(app_main.DEFAULT_MODEL, "transformer")
    assert app_main.first_model([nli, dates, mine, default]) is default
    assert app_main.first_model([nli, dates, mine]) is dates  # a bundled translation model
    assert app_main.first_model([mine, nli]) is nli  # bundled before the user's
    assert app_main.first_model([]) is None


def test_the_model_card_shows_the_checkpoints_validation_metrics_as_such():
    model = load_model("transformer-en-fr")
    text = card_html(model.card(), model.max_source_len)
    config = json.loads((resolve_model("transformer-en-fr") / "config.json").read_text())
    assert f"valid BLEU</td><td>{config['metrics']['bleu']:.3g}</td>" in text
    assert "valid AER" in text and "en-fr: English to French" in text
