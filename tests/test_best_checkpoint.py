"""best/: the weights of the best validation loss, kept beside the last step's model/; export,
evaluate and the app load it from a run directory; early stopping ends on it."""

import json

import torch
from tiny_training import tiny_config

import core_models.training.trainer as trainer_module
from core_models.cli import main
from core_models.inference import load_model
from core_models.training.checkpoint import export_for_inference, load_checkpoint
from core_models.training.events import EvalEvent


def fake_validation(monkeypatch, losses):
    """The validation loss of each evaluation in turn (an overfitting run: it falls, then rises)."""
    values = iter(losses)
    monkeypatch.setattr(trainer_module, "evaluate", lambda *args, **kwargs: {"loss": next(values)})


class WeightsAt:
    """A watcher keeping a copy of the weights after each evaluation."""

    def __init__(self):
        self.weights = {}

    def __call__(self, event, live):
        if isinstance(event, EvalEvent):
            self.weights[event.step] = {
                k: v.detach().clone() for k, v in live.model.state_dict().items()
            }


def step_of(path) -> int:
    return json.loads((path / "config.json").read_text())["step"]


def test_an_overfitting_run_keeps_its_best_weights(tmp_path, monkeypatch):
    fake_validation(monkeypatch, [3.0, 1.0, 2.0, 2.5, 2.7, 3.0])
    watcher = WeightsAt()
    config = tiny_config(run={"max_steps": 6, "eval_every": 1, "checkpoint_every": 3})
    trainer_module.Trainer(config, tmp_path, watchers=[watcher]).run()
    assert step_of(tmp_path / "model") == 6
    assert step_of(tmp_path / "best") == 2
    best = load_checkpoint(tmp_path / "best").model.state_dict()
    for name, value in watcher.weights[2].items():
        assert torch.equal(best[name], value), name
    assert not (tmp_path / "best" / "trainer_state.json").exists()  # runs resume from model/


def test_a_run_directory_loads_its_best_and_run_model_its_last_step(tmp_path, monkeypatch, capsys):
    fake_validation(monkeypatch, [3.0, 1.0, 2.0, 2.5])
    config = tiny_config(run={"max_steps": 4, "eval_every": 1})
    trainer_module.Trainer(config, tmp_path / "run").run()
    assert load_checkpoint(tmp_path / "run").meta["step"] == 2
    assert load_model(tmp_path / "run").checkpoint.meta["step"] == 2
    assert load_checkpoint(tmp_path / "run" / "model").meta["step"] == 4
    assert step_of(export_for_inference(tmp_path / "run", tmp_path / "slim")) == 2
    assert main(["export", str(tmp_path / "run"), str(tmp_path / "cli-slim")]) == 0
    assert step_of(tmp_path / "cli-slim") == 2
    last = tmp_path / "last"
    assert main(["export", str(tmp_path / "run" / "model"), str(last)]) == 0
    assert step_of(last) == 4


def test_early_stopping_ends_on_the_best_weights(tmp_path, monkeypatch, caplog):
    fake_validation(monkeypatch, [3.0, 2.0, 2.5, 2.6, 1.0])
    config = tiny_config(run={"max_steps": 10, "eval_every": 1, "early_stopping_patience": 2})
    with caplog.at_level("INFO", logger="core_models.training"):
        trainer_module.Trainer(config, tmp_path).run()
    assert step_of(tmp_path / "model") == 4
    assert step_of(tmp_path / "best") == 2
    assert "best checkpoint: step 2 of 4, validation loss 2" in caplog.text


def test_a_resumed_run_keeps_the_best_of_before_until_it_does_better(tmp_path, monkeypatch):
    fake_validation(monkeypatch, [3.0, 1.0, 2.0, 2.5])
    config = tiny_config(run={"max_steps": 4, "eval_every": 1})
    trainer_module.Trainer(config, tmp_path).run()
    fake_validation(monkeypatch, [1.5, 0.5])
    config.run.max_steps = 6
    resumed = trainer_module.Trainer(config, tmp_path, resume=True)
    assert resumed.progress.best_step == 2 and resumed.progress.best_loss == 1.0
    resumed.run()
    assert step_of(tmp_path / "best") == 6


def test_a_new_run_over_an_old_one_drops_the_old_best(tmp_path, monkeypatch):
    fake_validation(monkeypatch, [3.0, 1.0])
    trainer_module.Trainer(tiny_config(run={"max_steps": 2, "eval_every": 1}), tmp_path).run()
    assert (tmp_path / "best").is_dir()
    monkeypatch.setattr(trainer_module, "evaluate", lambda *args, **kwargs: {})  # no loss
    config = tiny_config(run={"max_steps": 2, "eval_every": 1})
    trainer_module.Trainer(config, tmp_path, overwrite=True).run()
    assert not (tmp_path / "best").exists()
    assert load_checkpoint(tmp_path).path == tmp_path / "model"
