"""best/: the weights of the best validation metric (BLEU, accuracy, else loss), kept beside the
last step's model/; export, evaluate and the app load it from a run directory; early stopping ends
on it; which metric chose it is recorded."""

import json

import pytest
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


def fake_metrics(monkeypatch, evaluations):
    """The validation metrics of each evaluation in turn."""
    values = iter(evaluations)
    monkeypatch.setattr(trainer_module, "evaluate", lambda *args, **kwargs: dict(next(values)))


def config_of(path) -> dict:
    return json.loads((path / "config.json").read_text())


@pytest.mark.parametrize("metric", ["bleu", "accuracy"])
def test_best_is_chosen_by_the_runs_metric_and_recorded(tmp_path, monkeypatch, metric):
    """The lowest loss (step 2) is not the best BLEU / accuracy (step 3): the metric wins."""
    fake_metrics(
        monkeypatch,
        [{"loss": 3.0, metric: 10.0}, {"loss": 1.0, metric: 5.0}, {"loss": 2.0, metric: 20.0},
         {"loss": 2.5, metric: 15.0}],
    )  # fmt: skip
    trainer_module.Trainer(tiny_config(run={"max_steps": 4, "eval_every": 1}), tmp_path).run()
    chosen = {"metric": metric, "value": 20.0, "step": 3, "higher_is_better": True}
    assert step_of(tmp_path / "best") == 3 and config_of(tmp_path / "best")["best"] == chosen
    assert config_of(tmp_path / "model")["best"] == chosen
    state = load_checkpoint(tmp_path / "model", with_trainer_state=True).trainer_state
    assert (state["best_metric"], state["best_value"], state["best_step"]) == (metric, 20.0, 3)


def test_patience_counts_evaluations_without_a_better_metric(tmp_path, monkeypatch, caplog):
    """The loss keeps falling but BLEU does not rise: patience 2 stops after two evaluations."""
    fake_metrics(
        monkeypatch,
        [{"loss": 3.0, "bleu": 10.0}, {"loss": 2.0, "bleu": 9.0}, {"loss": 1.0, "bleu": 8.0},
         {"loss": 0.5, "bleu": 30.0}],
    )  # fmt: skip
    config = tiny_config(run={"max_steps": 10, "eval_every": 1, "early_stopping_patience": 2})
    with caplog.at_level("INFO", logger="core_models.training"):
        trainer_module.Trainer(config, tmp_path).run()
    assert step_of(tmp_path / "model") == 3 and step_of(tmp_path / "best") == 1
    assert "best checkpoint: step 1 of 3, validation bleu 10" in caplog.text


def test_a_tie_goes_to_the_lower_validation_loss(tmp_path, monkeypatch):
    """BLEU 0 at every evaluation early in a run: the falling loss still moves best/ on."""
    fake_metrics(
        monkeypatch,
        [{"loss": 3.0, "bleu": 0.0}, {"loss": 2.0, "bleu": 0.0}, {"loss": 2.5, "bleu": 0.0}],
    )
    config = tiny_config(run={"max_steps": 3, "eval_every": 1, "early_stopping_patience": 2})
    trainer_module.Trainer(config, tmp_path).run()
    assert step_of(tmp_path / "best") == 2 and step_of(tmp_path / "model") == 3


def test_a_run_resumed_from_a_best_chosen_by_loss_starts_a_record_of_its_metric(
    tmp_path, monkeypatch
):
    """A checkpoint written before best/ followed the metric holds only ``best_loss``."""
    fake_validation(monkeypatch, [3.0, 1.0])
    config = tiny_config(run={"max_steps": 2, "eval_every": 1})
    trainer_module.Trainer(config, tmp_path).run()
    state_path = tmp_path / "model" / "trainer_state.json"
    state = json.loads(state_path.read_text())
    state["__dict__"] = [
        [key, value] for key, value in state["__dict__"] if key not in ("best_metric", "best_value")
    ]
    state_path.write_text(json.dumps(state))
    config.run.max_steps = 3
    resumed = trainer_module.Trainer(config, tmp_path, resume=True)
    assert (resumed.progress.best_metric, resumed.progress.best_value) == ("loss", 1.0)
    fake_metrics(monkeypatch, [{"loss": 2.0, "bleu": 4.0}])
    resumed.run()
    assert step_of(tmp_path / "best") == 3
    assert config_of(tmp_path / "best")["best"]["metric"] == "bleu"
