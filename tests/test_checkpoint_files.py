"""Checkpoint files under stress: a full disk while saving (the previous checkpoint survives, the
message names the path and the space needed), a full disk when a run starts, and readers that
look at a run directory while its writer is mid-swap (they rename nothing; the writer recovers)."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
import safetensors
import safetensors.torch
import torch
from tiny_training import tiny_checkpoint, write_tiny_config

from core_models import cli, inference
from core_models.tokenizers import Tokenizer
from core_models.training import checkpoint, checkpoint_check, checkpoint_files, events
from core_models.training.checkpoint import (
    DiskFullError,
    load_checkpoint,
    read_config,
    save_checkpoint,
)


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def weights_bytes(path: Path) -> int:
    return sum(
        t.numel() * t.element_size() for t in load_checkpoint(path).model.state_dict().values()
    )


def safetensors_out_of_space(*args, **kwargs):
    """What safetensors raises on a full disk (measured by writing to a 256 kB tmpfs)."""
    raise safetensors.SafetensorError(
        "Error while serializing: I/O error: No space left on device (os error 28)"
    )


def half_written(model, filename, *args, **kwargs):
    Path(filename).write_bytes(b"\0" * 100)
    safetensors_out_of_space()


@pytest.mark.parametrize(
    ("module", "name", "failure"),
    [
        (safetensors.torch, "save_model", half_written),  # the weights
        (safetensors.torch, "save_file", safetensors_out_of_space),  # the optimiser's tensors
        (Tokenizer, "save", no_space),  # a tokenizer file
        (checkpoint_files.os, "fsync", no_space),  # flushing to disk
    ],
    ids=["weights", "trainer-state", "tokenizer", "fsync"],
)
def test_a_full_disk_while_saving_keeps_the_previous_checkpoint_and_names_path_and_size(
    tmp_path, monkeypatch, module, name, failure
):
    path = tiny_checkpoint(tmp_path / "run" / "model")  # step 1
    previous = load_checkpoint(path)
    state = {"step": 2, "moments": torch.ones(3)}
    monkeypatch.setattr(module, name, failure)
    with pytest.raises(DiskFullError) as caught:
        save_checkpoint(path, previous.model, previous.tokenizers, {"step": 2}, state)
    monkeypatch.undo()
    message = str(caught.value)
    assert message.startswith(f"{path}: no space left on the disk")
    # the estimate: the tensors and the state's JSON (~100 bytes), or, larger here, the size of
    # the checkpoint being replaced
    replaced = sum(file.stat().st_size for file in path.iterdir())
    assert replaced > weights_bytes(path) + 3 * 4 + 1000
    needed = checkpoint_files.size_text(replaced)
    assert f"writing it needs about {needed}" in message and " free" in message
    assert message.endswith("the checkpoint there is kept")
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC
    assert listing(path.parent) == ["model"]  # no half-written staging folder left
    assert load_checkpoint(path).meta["step"] == 1


def test_a_full_disk_on_the_first_save_says_nothing_was_written(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint_files.tempfile, "mkdtemp", no_space)
    target = tmp_path / "new-run" / "model"
    with pytest.raises(DiskFullError) as caught:
        tiny_checkpoint(target)
    assert str(caught.value).startswith(f"{target}: no space left on the disk: writing it needs")
    assert str(caught.value).endswith("nothing was written")


def test_train_on_a_full_disk_says_error_with_the_path_and_keeps_the_checkpoint(
    tmp_path, monkeypatch, capsys
):
    """The command line: a first run writes its checkpoint; resumed with the disk full, the
    save fails with `error: <path>: no space ...`, exit 2, and the step-4 checkpoint loads."""
    config = write_tiny_config(tmp_path, run={"max_steps": 4})
    run = tmp_path / "run"
    assert cli.main(["train", str(config), "--output", str(run), "--quiet"]) == 0
    capsys.readouterr()
    (tmp_path / "longer").mkdir()
    longer = write_tiny_config(tmp_path / "longer", run={"max_steps": 8})
    monkeypatch.setattr(safetensors.torch, "save_model", safetensors_out_of_space)
    assert cli.main(["train", str(longer), "--resume", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    # the first save of the resumed run fails: the latest checkpoint or the best one beside it
    assert re.match(rf"error: {re.escape(str(run))}/(model|best): no space left on the disk", error)
    assert "the checkpoint there is kept" in error and "Traceback" not in error
    assert load_checkpoint(run / "model").meta["step"] == 4


@pytest.mark.parametrize("first_failure", ["mkdir", "write"])
def test_train_on_a_disk_full_from_the_start_names_the_run_files(
    tmp_path, monkeypatch, capsys, first_failure
):
    """Creating the run directory and its log is the first write: it fails with the log's path
    and the bytes it needed, not a bare ``[Errno 28] No space left on device`` (what a real full
    tmpfs gave: its directories take no space, the log's first line fails)."""
    config = write_tiny_config(tmp_path, run={"max_steps": 2})
    run = tmp_path / "run"
    if first_failure == "mkdir":
        mkdir = Path.mkdir

        def full_below_run(self, *args, **kwargs):
            if self == run or run in self.parents:
                no_space()
            return mkdir(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", full_below_run)
    else:
        monkeypatch.setattr(events, "open", no_space, raising=False)
    assert cli.main(["train", str(config), "--output", str(run), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        f"error: {run / 'train_log.csv'}: no space left on the disk: writing it"
    )
    assert "needs about 4.00kB" in error and "Traceback" not in error
    assert not (run / "model").exists()


# --- readers while a writer swaps ----------------------------------------------------------------


def interrupted_swap(run: Path) -> None:
    """What a writer killed between its two renames leaves: ``.model.old`` and a staging folder."""
    os.replace(run / "model", run / ".model.old")
    (run / ".model.x1y2.tmp").mkdir()
    (run / ".model.x1y2.tmp" / "model.safetensors").write_bytes(b"half")


def test_readers_of_an_interrupted_swap_read_the_survivor_and_rename_nothing(tmp_path, monkeypatch):
    run = tmp_path / "run"
    tiny_checkpoint(run / "model")
    interrupted_swap(run)
    before = listing(run)
    checkpoint = load_checkpoint(run)
    assert checkpoint.meta["step"] == 1 and checkpoint.path == run / ".model.old"
    assert read_config(run)["step"] == 1
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    os.symlink(run, home / "models" / "polled")
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(home))
    monkeypatch.setattr(inference, "bundled_models_dir", lambda: tmp_path / "none")
    assert [entry.name for entry in inference.list_models()] == ["polled"]
    assert inference.load_model("polled").meta["step"] == 1
    assert listing(run) == before  # nothing renamed, removed or created

    tiny_checkpoint(run / "model", meta={"task": "copy", "step": 2})  # the writer's next save
    assert listing(run) == ["model"]
    assert load_checkpoint(run).meta["step"] == 2


def test_a_reader_polling_between_the_writers_renames_cannot_abort_the_save(tmp_path, monkeypatch):
    """The race that gave ``[Errno 39] Directory not empty``: a reader loads the run just after
    the writer moved the old checkpoint aside and before it moves the new one in."""
    run = tmp_path / "run"
    tiny_checkpoint(run / "model")
    seen: list[int] = []
    replace = os.replace

    def replace_then_poll(source, destination):
        replace(source, destination)
        if Path(destination).name == ".model.old":
            seen.append(load_checkpoint(run).meta["step"])

    monkeypatch.setattr(checkpoint_files.os, "replace", replace_then_poll)
    tiny_checkpoint(run / "model", meta={"task": "copy", "step": 2})
    assert seen == [1]
    assert listing(run) == ["model"] and load_checkpoint(run).meta["step"] == 2


@pytest.mark.parametrize("moment", ["before the weights", "after the weights"])
def test_a_checkpoint_replaced_while_it_is_read_is_read_again_whole(tmp_path, monkeypatch, moment):
    """A window opening a run while the run saves gets one whole checkpoint, the new one: not
    step 1's config with step 2's weights, nor an error for files that vanished mid-read."""
    run = tmp_path / "run"
    tiny_checkpoint(run / "model")
    step_1_weights = load_checkpoint(run).model.state_dict()
    step_2 = load_checkpoint(tiny_checkpoint(tmp_path / "new", meta={"task": "copy", "step": 2}))
    saved: list[int] = []
    read_header, check_finite = checkpoint.read_header, checkpoint_check.check_finite

    def save_step_2() -> None:
        if not saved:
            save_checkpoint(run / "model", step_2.model, step_2.tokenizers, {"step": 2})
            saved.append(2)

    def header_then_save(weights_path):
        header = read_header(weights_path)
        if moment == "before the weights":
            save_step_2()
        return header

    def check_then_save(weights_path, model, names):
        check_finite(weights_path, model, names)
        if moment == "after the weights":
            save_step_2()

    monkeypatch.setattr(checkpoint, "read_header", header_then_save)
    monkeypatch.setattr(checkpoint, "check_finite", check_then_save)
    loaded = load_checkpoint(run)
    assert saved == [2] and loaded.meta["step"] == 2
    on_disk = safetensors.torch.load_file(str(run / "model" / "model.safetensors"))
    for name, value in on_disk.items():
        assert torch.equal(loaded.model.state_dict()[name], value), name
    assert not all(torch.equal(step_1_weights[n], v) for n, v in on_disk.items())
