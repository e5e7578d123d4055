"""A training run loses nothing and trusts nothing: a resumed run's log has each step once, a
changed config is listed before it is applied, a diverging run stops keeping its last good
checkpoint, data that cannot train or evaluate is refused before the first step, and a checkpoint
records the threads and precision its numbers depend on."""

import csv
import logging
import re

import pytest
import torch
from tiny_training import tiny_config

from core_models.training.checkpoint import load_checkpoint
from core_models.training.data import Dataset
from core_models.training.evaluate import evaluate
from core_models.training.events import CheckpointEvent, FailedEvent, StepEvent
from core_models.training.guard import DivergenceCheck
from core_models.training.runs import ConfigChangedError, existing_run
from core_models.training.trainer import Trainer


class Recorder(list):
    def __call__(self, event):
        self.append(event)

    def of(self, kind):
        return [event for event in self if isinstance(event, kind)]


def log_rows(run) -> list[dict]:
    with open(run / "train_log.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def step_rows(run) -> list[tuple[int, str]]:
    return [(int(r["step"]), r["loss"]) for r in log_rows(run) if r["event"] == "step"]


def test_resume_after_an_unsaved_interruption_logs_each_step_once(tmp_path):
    config = tiny_config(run={"max_steps": 12, "eval_every": 3, "checkpoint_every": 4})
    Trainer(config, tmp_path / "straight").run()

    def kill_at_step_6(event):  # steps 5 and 6 are logged but not in the checkpoint of step 4
        if isinstance(event, StepEvent) and event.step == 6:
            first.cancel(save=False)

    first = Trainer(config, tmp_path / "split", [kill_at_step_6])
    first.run()
    assert [s for s, _ in step_rows(tmp_path / "split")] == [1, 2, 3, 4, 5, 6]
    assert existing_run(tmp_path / "split").step == 4
    Trainer(config, tmp_path / "split", resume=True).run()
    assert step_rows(tmp_path / "split") == step_rows(tmp_path / "straight")  # 1..12, same losses
    evals = [int(r["step"]) for r in log_rows(tmp_path / "split") if r["metric"] == "loss"]
    assert evals == [3, 6, 9, 12]


def test_resume_with_a_changed_learning_rate_lists_it_and_changes_nothing(tmp_path):
    Trainer(tiny_config(run={"max_steps": 4}), tmp_path).run()
    log, weights = (tmp_path / "train_log.csv").read_bytes(), load_checkpoint(tmp_path).model
    changed = tiny_config(optim={"lr": 0.02, "label_smoothing": 0.1}, run={"max_steps": 8})
    events = Recorder()
    with pytest.raises(ConfigChangedError) as refused:
        Trainer(changed, tmp_path, [events], resume=True)
    message = str(refused.value)
    assert "optim.label_smoothing: 0.0 → 0.1\n  optim.lr: 0.01 → 0.02\n" in message
    assert "--override" in message and "max_steps" not in message  # run length is free to change
    assert [str(d) for d in refused.value.differences] == [
        "optim.label_smoothing: 0.0 → 0.1",
        "optim.lr: 0.01 → 0.02",
    ]
    assert isinstance(events[-1], FailedEvent)
    assert (tmp_path / "train_log.csv").read_bytes() == log
    kept = load_checkpoint(tmp_path).model.state_dict()
    assert all(torch.equal(kept[k], v) for k, v in weights.state_dict().items())


def test_override_applies_the_new_learning_rate_and_says_so(tmp_path, caplog):
    Trainer(tiny_config(run={"max_steps": 4}), tmp_path).run()
    changed = tiny_config(optim={"lr": 0.02, "betas": [0.8, 0.9]}, run={"max_steps": 6})
    events = Recorder()
    with caplog.at_level(logging.WARNING, logger="core_models.training"):
        trainer = Trainer(changed, tmp_path, [events], resume=True, override=True)
    assert (
        "applied on resume (--override): optim.betas: [0.9, 0.98] → [0.8, 0.9]; optim.lr: 0.01 → 0.02"
        in caplog.text
    )
    trainer.run()
    assert [e.lr for e in events.of(StepEvent)] == [0.02, 0.02]
    assert trainer.optimisation.optimizer.param_groups[0]["betas"] == (0.8, 0.9)
    saved = load_checkpoint(tmp_path).meta["train_config"]["optim"]
    assert (saved["lr"], saved["betas"]) == (0.02, [0.8, 0.9])


def test_a_diverging_run_stops_and_keeps_its_last_good_checkpoint(tmp_path):
    Trainer(tiny_config(run={"max_steps": 4}), tmp_path).run()
    good = load_checkpoint(tmp_path).model.state_dict()
    # lr 100 keeps every number finite (no NaN) while the loss grows ~10^5-fold
    wild = tiny_config(
        optim={"lr": 100.0}, run={"max_steps": 30, "eval_every": 2, "checkpoint_every": 2}
    )
    events = Recorder()
    assert Trainer(wild, tmp_path, [events], resume=True, override=True).run() is None
    failed = events[-1]
    assert isinstance(failed, FailedEvent) and failed.step == 8  # two evaluations far above
    assert all(torch.isfinite(torch.tensor(e.loss)) for e in events.of(StepEvent))
    assert re.search(
        r"training diverged: the validation loss \S+ is more than 10 times", failed.reason
    )
    assert f"the checkpoint of step 4 in {tmp_path / 'model'} is kept" in failed.reason
    assert not events.of(CheckpointEvent)  # steps 6 and 8 were far above: nothing written
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.meta["step"] == 4
    assert all(torch.equal(checkpoint.model.state_dict()[k], v) for k, v in good.items())


def test_a_run_that_diverges_from_the_start_writes_no_model(tmp_path):
    events = Recorder()
    config = tiny_config(optim={"lr": 100.0}, run={"max_steps": 6, "checkpoint_every": 3})
    assert Trainer(config, tmp_path, [events]).run() is None  # one evaluation, at the end
    assert "training diverged" in events[-1].reason
    assert "no checkpoint had been written yet" in events[-1].reason
    assert existing_run(tmp_path) is None


def test_the_divergence_rule_forgives_one_spike_but_never_saves_during_it():
    check, start = DivergenceCheck(), 4.0
    check.observe_eval(50.0, start)  # one evaluation > 10 x the start: a spike, perhaps
    assert not check.diverged(last_evaluation=False) and check.diverged(last_evaluation=True)
    assert "the validation loss 50 is more than 10 times the starting loss 4" in check.why_not_save(
        start
    )
    check.observe_eval(3.0, start)  # it recovered
    assert not check.diverged(last_evaluation=True) and check.why_not_save(start) is None
    check.observe_eval(41.0, start)
    check.observe_eval(42.0, start)  # two in a row
    assert check.diverged(last_evaluation=False)
    fresh = DivergenceCheck()
    for loss in (4.0, 90.0, 200.0):  # no evaluation since: the training loss decides
        fresh.observe_step(loss)
    assert "the mean training loss 98 since the last checkpoint" in fresh.why_not_save(start)
    fresh.observe_step(200.0)
    fresh.observe_eval(3.0, start)  # a good evaluation outweighs a noisy training loss
    assert fresh.why_not_save(start) is None


def test_healthy_training_never_counts_as_diverged(tmp_path):
    events = Recorder()
    config = tiny_config(run={"max_steps": 24, "eval_every": 2})
    assert Trainer(config, tmp_path, [events]).run() == tmp_path / "model"
    assert not events.of(FailedEvent)


def write_pairs(path, count: int) -> str:
    path.write_text("".join(f"w{i} w{i + 1}\tW{i} W{i + 1}\n" for i in range(count)))
    return str(path)


def test_too_few_pairs_for_a_validation_split_is_refused_before_training(tmp_path):
    train = write_pairs(tmp_path / "pairs.txt", 9)
    config = tiny_config(data={"task": "", "format": "tatoeba", "train": train})
    with pytest.raises(
        ValueError, match=r"pairs.txt: 9 pairs leave no validation split .* at least 10"
    ):
        Trainer(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_an_empty_validation_file_is_refused_before_training(tmp_path):
    train = write_pairs(tmp_path / "pairs.txt", 30)
    valid = write_pairs(tmp_path / "valid.txt", 0)
    config = tiny_config(data={"task": "", "format": "tatoeba", "train": train, "valid": valid})
    with pytest.raises(ValueError, match=r"valid.txt: no validation pairs"):
        Trainer(config, tmp_path / "run")


def test_evaluating_on_no_pairs_gives_no_metrics_instead_of_failing(tmp_path):
    trainer = Trainer(tiny_config(), tmp_path)
    empty = Dataset("translation", [], [])
    assert evaluate(trainer.model, empty, trainer.data.tokenizers) == {}


def pair_lengths(max_len: int, caplog) -> tuple[int, int, int]:
    """(kept, total, suggested max_len) from the warning a run with ``max_len`` logs."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="core_models.training"):
        Trainer(tiny_config(task="reverse", data={"max_len": max_len, "train_size": 200}), "unused")
    found = re.search(
        r"(\d+) of (\d+) training pairs fit data.max_len = \d+ tokens \(\d+ longer ones left out\); "
        r"data.max_len = (\d+) would keep 99 % of them",
        caplog.text,
    )
    return tuple(map(int, found.groups())) if found else (-1, -1, -1)


def test_pairs_left_out_as_too_long_are_reported_with_the_length_that_keeps_99_percent(caplog):
    kept, total, suggested = pair_lengths(10, caplog)
    assert total == 200 and total / 2 <= kept < total
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="core_models.training"):
        Trainer(
            tiny_config(task="reverse", data={"max_len": suggested, "train_size": 200}), "unused"
        )
    kept_at_suggested = re.search(r"(\d+) of 200 training pairs fit", caplog.text)
    assert kept_at_suggested is None or int(kept_at_suggested[1]) >= 198  # 99 % of 200
    assert pair_lengths(suggested - 1, caplog)[0] < 198  # and no shorter limit does


def test_more_than_half_the_pairs_too_long_stops_with_a_clear_message(tmp_path):
    config = tiny_config(task="reverse", data={"max_len": 6, "train_size": 200})
    with pytest.raises(
        ValueError,
        match=r"only \d+ of 200 training pairs fit data.max_len = 6 .*"
        r"data.max_len = \d+ would keep 99 % of them: more than half",
    ):
        Trainer(config, tmp_path)


def test_the_first_lines_of_a_run_give_the_data_sizes(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="core_models.training"):
        Trainer(tiny_config(), tmp_path)
    assert (
        "data: 64 training pairs (none longer than data.max_len = 16), 4 validation pairs, "
        "all of them decoded for validation BLEU; the task's test split is held out" in caplog.text
    )


def test_the_checkpoint_records_threads_and_precision(tmp_path):
    Trainer(tiny_config(run={"max_steps": 2}), tmp_path).run()
    meta = load_checkpoint(tmp_path).meta
    assert (meta["threads"], meta["precision"]) == (torch.get_num_threads(), "float32")
    assert meta["train_config"]["run"]["threads"] == 0


def test_resuming_with_another_thread_count_warns_that_it_is_not_bitwise(tmp_path, caplog):
    Trainer(tiny_config(run={"max_steps": 2}), tmp_path).run()
    threads = torch.get_num_threads()
    torch.set_num_threads(threads + 1)
    try:
        with caplog.at_level(logging.WARNING, logger="core_models.training"):
            Trainer(tiny_config(run={"max_steps": 3}), tmp_path, resume=True)
    finally:
        torch.set_num_threads(threads)
    assert (
        f"resuming with {threads + 1} torch threads where the run so far used {threads}: "
        "the result will be close to an uninterrupted run's, not bitwise equal"
    ) in caplog.text
