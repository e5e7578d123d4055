"""Training a model whose name is already one of the user's models: the Train view asks, and
overwrites it, keeps both (the new one under a free name) or does not start, as the user says."""

# pytest fixtures imported from train_fixtures look unused (F401) and shadowed (F811) to ruff
# ruff: noqa: F401, F811

from __future__ import annotations

import pytest
from tiny_training import tiny_checkpoint
from train_fixtures import answer_next_dialog, click, home, train_to_the_end, view

from core_models.inference import list_models, load_model, user_models_dir


@pytest.fixture
def existing(view):
    """A model named as the view's run would be ("transformer-copy"), saved at step 1."""
    view.settings.max_steps.setValue(5)
    return tiny_checkpoint(user_models_dir() / "transformer-copy", meta={"task": "copy", "step": 1})


def user_models() -> list[str]:
    return [entry.name for entry in list_models() if entry.source == "user"]


def test_cancel_leaves_the_model_alone_and_starts_nothing(qtbot, view, existing):
    asked = answer_next_dialog(qtbot, "Cancel")
    click(qtbot, view.controls.start_button)
    assert asked == [
        "Your models already hold a model named 'transformer-copy'.\n\n"
        "Replace it with the new model?"
    ]
    assert not view.session.active and view.session.run_dir is None
    assert "not started" in view.controls.status.text()
    assert user_models() == ["transformer-copy"]
    assert load_model(existing).checkpoint.meta["step"] == 1


@pytest.mark.slow
def test_keep_both_saves_the_new_model_under_a_free_name(qtbot, view, existing):
    answer_next_dialog(qtbot, "Keep both")
    path = train_to_the_end(qtbot, view)
    assert path == str(user_models_dir() / "transformer-copy-2")
    assert user_models() == ["transformer-copy", "transformer-copy-2"]
    assert load_model(existing).checkpoint.meta["step"] == 1
    assert load_model(path).checkpoint.meta["step"] == 5
    assert view.session.run_dir.name.startswith("transformer-copy-2-")
    assert "this one is 'transformer-copy-2'" in view.log.toPlainText()


@pytest.mark.slow
def test_overwrite_replaces_the_model_with_the_new_one(qtbot, view, existing):
    answer_next_dialog(qtbot, "Overwrite")
    path = train_to_the_end(qtbot, view)
    assert path == str(existing)
    assert user_models() == ["transformer-copy"]
    assert load_model(existing).checkpoint.meta["step"] == 5
    assert [p.name for p in existing.parent.iterdir()] == ["transformer-copy"]  # nothing left over
