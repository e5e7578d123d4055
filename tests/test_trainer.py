"""The trainer: events in order, pause / resume / cancel from another thread, exact resume from a
checkpoint, a non-finite loss, early stopping and the learning-rate schedules."""

import json
import math
import threading

import numpy as np
import pytest
import torch
from tiny_training import TINY_MODELS, tiny_config

import core_models.training.trainer as trainer_module
from core_models.inference import load_model
from core_models.models.registry import get_family
from core_models.training.checkpoint import load_checkpoint
from core_models.training.events import (
    CheckpointEvent,
    DoneEvent,
    EvalEvent,
    FailedEvent,
    StepEvent,
)
from core_models.training.runs import RunDirectoryError, existing_run
from core_models.training.schedule import lr_multiplier
from core_models.training.trainer import Trainer


class Recorder(list):
    """A listener keeping every event; ``of(kind)`` picks one kind."""

    def __call__(self, event):
        self.append(event)

    def of(self, kind):
        return [event for event in self if isinstance(event, kind)]

    def losses(self) -> dict[int, float]:
        return {event.step: event.loss for event in self.of(StepEvent)}


def test_events_come_in_order_step_eval_checkpoint_done(tmp_path):
    events = Recorder()
    config = tiny_config(run={"max_steps": 6, "eval_every": 2, "checkpoint_every": 3})
    path = Trainer(config, tmp_path, [events]).run()
    names = [(type(e).__name__.removesuffix("Event"), e.step) for e in events]
    assert names == [
        ("Step", 1),
        ("Step", 2),
        ("Eval", 2),
        ("Step", 3),
        ("Checkpoint", 3),
        ("Step", 4),
        ("Eval", 4),
        ("Step", 5),
        ("Step", 6),
        ("Eval", 6),
        ("Checkpoint", 6),  # written once, although step 6 also ends the run
        ("Done", 6),
    ]
    done = events[-1]
    assert not done.cancelled and done.path == str(path) == str(tmp_path / "model")
    assert set(done.metrics) >= {"loss", "bleu", "chrf", "aer"}
    assert all(e.total_steps == 6 for e in events.of(StepEvent))
    assert json.loads((path / "config.json").read_text())["step"] == 6
    log = (tmp_path / "train_log.csv").read_text().splitlines()
    assert log[0].startswith("event,step") and sum(row.startswith("step,") for row in log) == 6


def test_a_new_run_over_a_checkpoint_is_refused_unless_it_overwrites(tmp_path):
    Trainer(tiny_config(run={"max_steps": 3}), tmp_path).run()
    old_log = (tmp_path / "train_log.csv").read_bytes()
    events = Recorder()
    with pytest.raises(RunDirectoryError, match=r"checkpoint of step 3 .*--resume .*--overwrite"):
        Trainer(tiny_config(run={"max_steps": 2}), tmp_path, [events])
    assert isinstance(events[-1], FailedEvent) and events[-1].step == 0
    assert (tmp_path / "train_log.csv").read_bytes() == old_log  # nothing lost
    assert existing_run(tmp_path).step == 3
    Trainer(tiny_config(run={"max_steps": 2}), tmp_path, overwrite=True).run()
    assert existing_run(tmp_path).step == 2
    rows = (tmp_path / "train_log.csv").read_text().splitlines()
    assert [row.split(",")[:2] for row in rows if row.startswith("step,")] == [
        ["step", "1"],
        ["step", "2"],
    ]


def test_loss_falls_while_training(tmp_path):
    events = Recorder()
    Trainer(tiny_config(run={"max_steps": 24}), tmp_path, [events]).run()
    losses = list(events.losses().values())
    assert sum(losses[-4:]) / 4 < 0.85 * sum(losses[:4]) / 4


def test_pause_blocks_steps_until_resume_from_another_thread(tmp_path):
    events = Recorder()
    at_step_2, paused = threading.Event(), threading.Event()

    def hold_step_2(event):  # keeps the trainer at step 2 until the main thread has paused it
        if isinstance(event, StepEvent) and event.step == 2:
            at_step_2.set()
            assert paused.wait(timeout=120)

    trainer = Trainer(tiny_config(run={"max_steps": 5}), tmp_path, [events, hold_step_2])
    worker = threading.Thread(target=trainer.run)
    worker.start()
    assert at_step_2.wait(timeout=120)
    trainer.pause()
    paused.set()
    worker.join(timeout=0.5)  # a paused trainer takes no step however long it waits
    assert worker.is_alive() and trainer.paused
    assert [e.step for e in events.of(StepEvent)] == [1, 2]
    trainer.resume()
    worker.join(timeout=120)
    assert not worker.is_alive() and not trainer.paused
    assert [e.step for e in events.of(StepEvent)] == [1, 2, 3, 4, 5]
    assert isinstance(events[-1], DoneEvent) and not events[-1].cancelled


def test_cancel_while_paused_stops_without_saving_when_asked(tmp_path):
    events = Recorder()

    def pause_then_cancel(event):
        if isinstance(event, StepEvent) and event.step == 2:
            trainer.pause()
            threading.Thread(target=trainer.cancel, kwargs={"save": False}).start()

    trainer = Trainer(tiny_config(), tmp_path, [events, pause_then_cancel])
    trainer.run()
    assert isinstance(events[-1], DoneEvent) and events[-1].cancelled
    assert events[-1].step == 2 and not events.of(CheckpointEvent)
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("stop_at", [5, 8])  # mid-epoch, and at the end of the first epoch
def test_resume_reproduces_the_uninterrupted_loss_curve(tmp_path, stop_at):
    # dropout on, 8 batches per epoch, 12 steps: data order, dropout RNG and Adam state all matter
    config = tiny_config(run={"max_steps": 12, "eval_every": 3, "checkpoint_every": 100})
    straight = Recorder()
    Trainer(config, tmp_path / "straight", [straight]).run()

    interrupted = Recorder()

    def stop(event):
        if isinstance(event, StepEvent) and event.step == stop_at:
            first.cancel(save=True)

    first = Trainer(config, tmp_path / "split", [interrupted, stop])
    first.run()
    assert interrupted[-1].cancelled and interrupted[-1].step == stop_at
    resumed = Recorder()
    second = Trainer(config, tmp_path / "split", [resumed], resume=True)
    second.run()
    assert second.start_step == stop_at
    assert min(resumed.losses()) == stop_at + 1
    assert {**interrupted.losses(), **resumed.losses()} == straight.losses()  # exactly
    assert resumed.of(DoneEvent)[0].metrics["loss"] == straight.of(DoneEvent)[0].metrics["loss"]


def test_resume_with_another_model_config_is_refused(tmp_path):
    Trainer(tiny_config(run={"max_steps": 1}), tmp_path).run()
    options = {**TINY_MODELS["transformer"], "d_model": 8}
    with pytest.raises(ValueError, match=r"cannot resume .*\n  model.options.d_model: 16 → 8 "):
        Trainer(tiny_config(model={"options": options}), tmp_path, resume=True, override=True)


def test_resume_without_a_checkpoint_says_so(tmp_path):
    events = Recorder()
    with pytest.raises(ValueError, match="no such checkpoint directory"):
        Trainer(tiny_config(), tmp_path, [events], resume=True).run()
    assert isinstance(events[-1], FailedEvent)


def nan_loss_from_step(monkeypatch, bad_step: int) -> None:
    calls = {"count": 0}
    real_batch_loss = trainer_module.batch_loss

    def batch_loss(model, batch, label_smoothing=0.0):
        loss, count = real_batch_loss(model, batch, label_smoothing)
        calls["count"] += 1
        return (loss * math.nan if calls["count"] >= bad_step else loss), count

    monkeypatch.setattr(trainer_module, "batch_loss", batch_loss)


def test_nan_loss_stops_with_a_reason_and_keeps_the_last_checkpoint(tmp_path, monkeypatch):
    nan_loss_from_step(monkeypatch, bad_step=6)
    events, saved = Recorder(), {}

    def keep_saved_weights(event):
        if isinstance(event, CheckpointEvent):
            saved.update({k: v.clone() for k, v in trainer.model.state_dict().items()})

    trainer = Trainer(
        tiny_config(run={"checkpoint_every": 4}), tmp_path, [events, keep_saved_weights]
    )
    assert trainer.run() is None
    failed = events[-1]
    assert isinstance(failed, FailedEvent) and failed.step == 6
    assert "the loss became nan at step 6" in failed.reason
    assert f"checkpoint of step 4 in {tmp_path / 'model'} is kept" in failed.reason
    assert "lower learning rate" in failed.reason
    assert not events.of(DoneEvent) and [e.step for e in events.of(CheckpointEvent)] == [4]
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.meta["step"] == 4
    for name, value in checkpoint.model.state_dict().items():
        assert torch.equal(value, saved[name]), name


def test_exploding_learning_rate_is_reported_before_any_checkpoint(tmp_path):
    events = Recorder()
    config = tiny_config(optim={"lr": 1e30, "clip_grad_norm": 0.0})
    assert Trainer(config, tmp_path, [events]).run() is None
    failed = events[-1]
    assert isinstance(failed, FailedEvent)
    assert (
        "the loss became nan" in failed.reason and "no checkpoint had been written" in failed.reason
    )
    assert not (tmp_path / "model").exists()


def test_early_stopping_after_patience_evaluations_without_improvement(tmp_path, monkeypatch):
    eval_losses = iter([3.0, 2.0, 2.5, 2.1, 1.0, 0.5])
    monkeypatch.setattr(
        trainer_module, "evaluate", lambda *args, **kwargs: {"loss": next(eval_losses)}
    )
    events = Recorder()
    config = tiny_config(run={"eval_every": 1, "early_stopping_patience": 2})
    Trainer(config, tmp_path, [events]).run()
    assert [e.metrics["loss"] for e in events.of(EvalEvent)] == [3.0, 2.0, 2.5, 2.1]
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.step == 4 and not done.cancelled
    assert done.metrics == {"loss": 2.1}
    assert json.loads((tmp_path / "model" / "config.json").read_text())["step"] == 4


def test_training_data_that_does_not_fit_max_len_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"0 of 64 training pairs fit data.max_len = 2"):
        Trainer(tiny_config(data={"max_len": 2}), tmp_path).run()


def test_model_positions_must_hold_the_longest_example(tmp_path):
    options = {**TINY_MODELS["transformer"], "max_len": 8}
    config = tiny_config(model={"options": options})
    with pytest.raises(ValueError, match=r"model.options.max_len = 8 .* data.max_len = 16"):
        Trainer(config, tmp_path).run()


def test_nli_model_on_translation_data_is_refused(tmp_path):
    config = tiny_config()
    config.model.family, config.model.options = "decomposable", {}
    with pytest.raises(ValueError, match="'decomposable' is for nli but the data is translation"):
        Trainer(config, tmp_path).run()


def test_reported_learning_rate_follows_the_noam_warmup(tmp_path):
    events = Recorder()
    config = tiny_config(
        optim={"lr": 0.01, "schedule": "noam", "warmup_steps": 4}, run={"max_steps": 6}
    )
    Trainer(config, tmp_path, [events]).run()
    lrs = [e.lr for e in events.of(StepEvent)]
    expected = [0.0025, 0.005, 0.0075, 0.01, 0.01 * math.sqrt(4 / 5), 0.01 * math.sqrt(4 / 6)]
    assert lrs == pytest.approx(expected)


def test_noam_rises_linearly_then_decays_as_inverse_square_root():
    multiplier = lr_multiplier("noam", warmup_steps=10, total_steps=1000)
    assert [multiplier(s) for s in range(10)] == pytest.approx([(s + 1) / 10 for s in range(10)])
    assert multiplier(39) == pytest.approx(0.5)  # sqrt(10 / 40)
    assert multiplier(999) == pytest.approx(math.sqrt(10 / 1000))


def test_cosine_warms_up_then_decays_to_zero_at_the_last_step():
    multiplier = lr_multiplier("cosine", warmup_steps=10, total_steps=110)
    values = [multiplier(s) for s in range(111)]
    assert values[9] == 1.0 and values[10] == 1.0
    assert values[60] == pytest.approx(0.5)
    assert values[110] == pytest.approx(0.0, abs=1e-12)
    assert all(a >= b for a, b in zip(values[10:], values[11:], strict=False))


def test_constant_schedule_only_warms_up():
    multiplier = lr_multiplier("constant", warmup_steps=2, total_steps=10)
    assert [multiplier(s) for s in range(4)] == [0.5, 1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="unknown schedule 'linear'"):
        lr_multiplier("linear", 0, 10)


FAMILY_OPTIONS = {
    "rnn": {"embed_size": 8, "hidden_size": 12},
    "bahdanau": {"embed_size": 8, "hidden_size": 12},
    "luong": {"embed_size": 8, "hidden_size": 12, "num_layers": 1},
    "transformer": TINY_MODELS["transformer"],
    "decomposable": TINY_MODELS["decomposable"],
    "encoder_classifier": TINY_MODELS["encoder_classifier"],
}


@pytest.mark.parametrize("family", list(FAMILY_OPTIONS))
def test_every_family_trains_evaluates_and_loads_for_inference(tmp_path, family):
    task = "nli" if get_family(family).task_kind == "nli" else "copy"
    config = tiny_config(task=task, run={"max_steps": 2})
    config.model.family, config.model.options = family, FAMILY_OPTIONS[family]
    events = Recorder()
    Trainer(config, tmp_path, [events]).run()
    metrics = events[-1].metrics
    model = load_model(tmp_path)
    assert model.family == family and model.task == task
    if task == "nli":
        assert set(metrics) >= {"loss", "accuracy", "confusion"}
        assert np.asarray(metrics["confusion"]).sum() == 4  # the four validation pairs
        assert model.classify("the wolf is hungry", "the wolf is starving").record.maps
    else:
        assert set(metrics) >= {"loss", "bleu", "chrf"}
        assert ("aer" in metrics) == (family != "rnn")  # the fixed-context RNN has no attention
        assert model.translate("a b c").output_pieces


def test_glove_vectors_initialise_the_nli_embeddings(tmp_path):
    vectors = {"the": [0.5] * 8, "is": [-1.0, 2.0] * 4}  # frequent words of the NLI task
    glove = tmp_path / "glove.txt"
    glove.write_text("".join(f"{w} {' '.join(map(str, v))}\n" for w, v in vectors.items()))
    options = {**TINY_MODELS["decomposable"], "freeze_embeddings": True}
    config = tiny_config(
        task="nli", data={"glove": str(glove)}, model={"family": "decomposable", "options": options}
    )
    config.run.max_steps = 2
    Trainer(config, tmp_path / "run").run()
    checkpoint = load_checkpoint(tmp_path / "run")
    embedding = checkpoint.model.embedding.weight
    tokenizer = checkpoint.tokenizers["text"]
    for word, vector in vectors.items():
        assert word in tokenizer.vocabulary()
        assert embedding[tokenizer.piece_to_id(word)].tolist() == vector


def test_glove_of_another_width_names_the_option_to_change(tmp_path):
    glove = tmp_path / "glove.txt"
    glove.write_text("the 0.1 0.2 0.3\n")
    config = tiny_config(
        task="nli",
        data={"glove": str(glove)},
        model={"family": "decomposable", "options": TINY_MODELS["decomposable"]},
    )
    with pytest.raises(ValueError, match=r"data.glove .*glove.txt: .*model.options.embed_size"):
        Trainer(config, tmp_path / "run").run()


def write_user_files(directory, data_format: str) -> str:
    """Twenty pairs in the format's files; returns the data.train value."""
    sources = [f"w{i} w{i + 1} w{i + 2}" for i in range(20)]
    if data_format == "tatoeba":
        rows = [f"{s}\t{s.upper()}\tCC-BY 2.0 (France) Attribution: tatoeba.org" for s in sources]
        (directory / "pairs.txt").write_text("\n".join(rows) + "\n")
        return str(directory / "pairs.txt")
    if data_format == "parallel":
        (directory / "train.en").write_text("\n".join(sources) + "\n")
        (directory / "train.fr").write_text("\n".join(s.upper() for s in sources) + "\n")
        return str(directory / "train")
    labels = ["entailment", "neutral", "contradiction"]
    rows = [
        json.dumps({"sentence1": s, "sentence2": s[:2], "gold_label": labels[i % 3]})
        for i, s in enumerate(sources)
    ]
    (directory / "snli.jsonl").write_text("\n".join(rows) + "\n")
    return str(directory / "snli.jsonl")


@pytest.mark.parametrize("data_format", ["tatoeba", "parallel", "snli"])
def test_user_files_train_with_a_validation_split_cut_from_them(tmp_path, data_format):
    train = write_user_files(tmp_path, data_format)
    family = "decomposable" if data_format == "snli" else "transformer"
    config = tiny_config(
        data={"task": "", "format": data_format, "train": train, "valid_size": 2},
        model={"family": family, "options": TINY_MODELS[family]},
        run={"max_steps": 2, "batch_size": 4},
    )
    trainer = Trainer(config, tmp_path / "run")
    trainer.run()
    assert (len(trainer.data.train_set.encoded), len(trainer.data.valid_set.encoded)) == (18, 2)
    assert load_checkpoint(tmp_path / "run").meta["task"] == ""
