"""The Train tab's "Score on a test file…": a finished model is scored off the GUI thread, its
figures go to its config.json and show on its model card; a bad file is a status line naming it."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import json
from pathlib import Path

from PySide6 import QtWidgets
from train_fixtures import WAIT_MS, click, home, train_to_the_end, view

from app.panels.model_panel import card_html
from core_models.data.tasks import get_task
from core_models.inference import load_model


def choose_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), "")
    )


def test_a_trained_model_is_scored_on_a_test_file_and_its_card_shows_it(
    qtbot, view, tmp_path, monkeypatch
):
    assert not view.controls.score_button.isEnabled()
    saved = train_to_the_end(qtbot, view)
    weights = (Path(saved) / "model.safetensors").read_bytes()
    test = tmp_path / "copy-test.tsv"
    pairs = get_task("copy").generate("test", seed=0, size=40)
    test.write_text("".join(f"{p.source}\t{p.target}\n" for p in pairs))
    choose_file(monkeypatch, test)
    with qtbot.waitSignal(view.session.scoring.sigScored, timeout=WAIT_MS):
        click(qtbot, view.controls.score_button)
    status = view.controls.status.text()
    assert status.startswith("test BLEU ") and "on 40 examples of copy-test.tsv" in status
    figures = json.loads((Path(saved) / "config.json").read_text())["metrics"]["test"]
    assert figures["examples"] == 40 and f"BLEU {figures['bleu']:.3g}" in status
    assert (Path(saved) / "model.safetensors").read_bytes() == weights
    model = load_model(saved)
    card = card_html(model.card(), model.max_source_len)
    assert f"test BLEU</td><td>{figures['bleu']:.3g}" in card
    assert "copy-test.tsv, 40 examples" in card


def test_a_bad_test_file_is_named_in_the_status_line(qtbot, view, tmp_path, monkeypatch):
    train_to_the_end(qtbot, view)
    test = tmp_path / "bad.tsv"
    test.write_text("a b\ta b\nno tab here\n")
    choose_file(monkeypatch, test)
    with qtbot.waitSignal(view.session.scoring.sigFailed, timeout=WAIT_MS):
        click(qtbot, view.controls.score_button)
    status = view.controls.status.text()
    assert status.startswith("not scored: ") and "bad.tsv, line 2" in status
    assert view.isEnabled() and view.controls.start_button.isEnabled()
