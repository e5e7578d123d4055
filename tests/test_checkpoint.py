"""Checkpoints: round trip, atomic writes that survive a killed process, pickles refused unread,
and damaged or mismatched files reported by name."""

import json
import os
import pickle
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import safetensors.torch
import torch
from tiny_training import tiny_checkpoint

from core_models.tokenizers import train_tokenizer
from core_models.training.checkpoint import CheckpointError, export_for_inference, load_checkpoint

ROOT = Path(__file__).resolve().parent.parent


class CreatesMarker:
    """Unpickling this object creates ``marker``: proof that a file was unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_checkpoint_round_trip_keeps_weights_tokenizers_and_meta(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    first = load_checkpoint(path)
    again = load_checkpoint(path)
    assert first.family == "transformer" and first.task_kind == "translation"
    assert first.meta["task"] == "copy" and first.meta["step"] == 1
    assert first.meta["versions"]["torch"] == torch.__version__
    for (name, value), (_, other) in zip(
        first.model.state_dict().items(), again.model.state_dict().items(), strict=True
    ):
        assert torch.equal(value, other), name
    assert not first.model.training
    assert first.tokenizers["source"].encode("a b e") == [
        first.tokenizers["source"].piece_to_id(w) for w in ["a", "b", "e"]
    ]
    assert first.tokenizers["target"].vocabulary() == again.tokenizers["target"].vocabulary()
    assert first.trainer_state is None


def test_saved_weights_are_the_models_weights(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    loaded = load_checkpoint(path).model.state_dict()
    on_disk = safetensors.torch.load_file(str(path / "model.safetensors"))
    for name, value in on_disk.items():
        assert torch.equal(loaded[name], value), name


def test_exported_copy_has_half_size_weights_that_load_as_float32(tmp_path):
    source = tiny_checkpoint(tmp_path / "ckpt")
    slim = export_for_inference(source, tmp_path / "slim")
    assert not (slim / "trainer_state.json").exists()
    assert (slim / "model.safetensors").stat().st_size < 0.6 * (
        source / "model.safetensors"
    ).stat().st_size
    original, exported = load_checkpoint(source), load_checkpoint(slim)
    assert exported.meta["weights"] == "float16" and exported.meta["task"] == "copy"
    for (name, value), (_, other) in zip(
        original.model.state_dict().items(), exported.model.state_dict().items(), strict=True
    ):
        assert other.dtype == torch.float32, name
        assert torch.allclose(value, other, atol=1e-3, rtol=1e-3), name
    assert exported.tokenizers["source"].vocabulary() == original.tokenizers["source"].vocabulary()


def test_shared_tokenizer_is_written_once_and_loaded_as_one_object(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt", shared=True)
    assert sorted(p.name for p in path.glob("*.tokenizer.json")) == ["source.tokenizer.json"]
    config = json.loads((path / "config.json").read_text())
    assert config["tokenizers"] == {"source": "source", "target": "source"}
    checkpoint = load_checkpoint(path)
    assert checkpoint.tokenizers["source"] is checkpoint.tokenizers["target"]


def test_a_run_directory_loads_its_model_folder(tmp_path):
    tiny_checkpoint(tmp_path / "run" / "model")
    assert load_checkpoint(tmp_path / "run").path == tmp_path / "run" / "model"


def test_checkpoint_files_are_readable_like_any_other_file(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (path / "model.safetensors").stat().st_mode & 0o777 == 0o666 & ~umask


def test_trainer_state_round_trips_optimizer_scheduler_and_rng(tmp_path):
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1, betas=(0.8, 0.9))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 / (step + 1))
    for _ in range(3):
        model(torch.randn(4, 3)).sum().backward()
        optimizer.step()
        scheduler.step()
    random.seed(5)
    state = {
        "step": 3,
        "best_loss": None,
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "python_rng": random.getstate(),
    }
    path = tiny_checkpoint(tmp_path / "ckpt", trainer_state=state)
    restored = load_checkpoint(path, with_trainer_state=True).trainer_state
    assert restored["step"] == 3 and restored["best_loss"] is None
    assert torch.equal(restored["torch_rng"], state["torch_rng"])
    version, internal, gauss = restored["python_rng"]
    assert (version, tuple(internal), gauss) == state["python_rng"]
    assert restored["scheduler"] == state["scheduler"]

    saved_optimizer = state["optimizer"]
    assert restored["optimizer"]["param_groups"][0]["betas"] == [0.8, 0.9]
    assert set(restored["optimizer"]["state"]) == set(saved_optimizer["state"]) == {0, 1}
    for index, values in saved_optimizer["state"].items():
        for key, value in values.items():
            assert torch.equal(restored["optimizer"]["state"][index][key], value), (index, key)
    fresh = torch.optim.Adam(model.parameters(), lr=0.1)
    fresh.load_state_dict(restored["optimizer"])  # a real optimiser accepts it
    assert fresh.state_dict()["state"][0]["step"] == 3


def test_checkpoint_without_trainer_state_cannot_be_resumed(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    with pytest.raises(CheckpointError, match="no trainer_state"):
        load_checkpoint(path, with_trainer_state=True)


# --- a process killed while writing ------------------------------------------------------------

KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path[:0] = [{root!r}, {tests!r}]
    import torch
    import core_models.training.checkpoint as checkpoint
    import core_models.training.checkpoint_files as files
    from tiny_training import tiny_checkpoint

    def kill(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    path = tiny_checkpoint(checkpoint.Path({path!r}))   # the good checkpoint, step 1
    where = {where!r}
    if where == "weights":
        checkpoint.safetensors.torch.save_model = kill
    elif where == "tokenizer":
        checkpoint.Tokenizer.save = kill
    else:  # between moving the old checkpoint aside and moving the new one in
        replace = os.replace
        files.os.replace = lambda a, b: kill() if str(a).endswith(".tmp") else replace(a, b)
    import core_models.training.checkpoint as again
    model = again.load_checkpoint(path).model
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(2.0)
    tokenizers = again.load_checkpoint(path).tokenizers
    again.save_checkpoint(path, model, tokenizers, {{"step": 2}})
    print("not killed")
    """
)


@pytest.mark.parametrize("where", ["weights", "tokenizer", "swap"])
def test_process_killed_while_writing_leaves_the_previous_checkpoint_loadable(tmp_path, where):
    path = tmp_path / "run" / "model"
    script = KILLED_WRITER.format(
        root=str(ROOT), tests=str(ROOT / "tests"), path=str(path), where=where
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == -9, result.stderr
    leftovers = sorted(p.name for p in path.parent.iterdir() if p.name != "model")
    assert any(name.endswith(".tmp") for name in leftovers)  # the half-written staging folder
    if where == "swap":
        assert not path.exists() and ".model.old" in leftovers

    checkpoint = load_checkpoint(tmp_path / "run")  # reads .model.old where it is, if need be
    assert checkpoint.meta["step"] == 1
    assert sorted(p.name for p in path.parent.iterdir() if p.name != "model") == leftovers
    assert path.exists() == (where != "swap")  # a reader renames nothing
    assert not any(bool((p == 2.0).all()) for p in checkpoint.model.parameters())
    tiny_checkpoint(path)  # the next write clears what the killed one left
    assert sorted(p.name for p in path.parent.iterdir()) == ["model"]


# --- files that must never be unpickled ----------------------------------------------------------


def test_pickle_named_model_safetensors_is_refused_without_running_it(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    marker = tmp_path / "pwned"
    (path / "model.safetensors").write_bytes(pickle.dumps(CreatesMarker(marker)))
    with pytest.raises(CheckpointError, match="model.safetensors: not a readable safetensors file"):
        load_checkpoint(path)
    assert not marker.exists()


def test_torch_save_file_named_model_safetensors_is_refused(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    marker = tmp_path / "pwned"
    torch.save({"weights": CreatesMarker(marker)}, path / "model.safetensors")
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        load_checkpoint(path)
    assert not marker.exists()


@pytest.mark.parametrize("name", ["pytorch_model.bin", "model.pt"])
def test_pickle_checkpoint_directory_is_refused_without_running_it(tmp_path, name):
    marker = tmp_path / "pwned"
    (tmp_path / "ckpt").mkdir()
    (tmp_path / "ckpt" / name).write_bytes(pickle.dumps(CreatesMarker(marker)))
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(tmp_path / "ckpt")
    assert f"{name} is a pickle-based checkpoint" in str(caught.value)
    assert "only loads model.safetensors + config.json" in str(caught.value)
    assert not marker.exists()


def test_pickled_trainer_state_is_refused_without_running_it(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt", trainer_state={"step": 1, "x": torch.zeros(2)})
    marker = tmp_path / "pwned"
    (path / "trainer_state.safetensors").write_bytes(pickle.dumps(CreatesMarker(marker)))
    with pytest.raises(CheckpointError, match="trainer_state.safetensors: unreadable"):
        load_checkpoint(path, with_trainer_state=True)
    assert not marker.exists()


# --- damaged or mismatched checkpoints -----------------------------------------------------------


def edit_config(path: Path, **changes) -> None:
    config = json.loads((path / "config.json").read_text())
    for key, value in changes.items():
        if isinstance(value, dict):
            config[key].update(value)
        else:
            config[key] = value
    (path / "config.json").write_text(json.dumps(config))


def load_error(path: Path) -> str:
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    return str(caught.value)


def test_unknown_family_is_named_with_the_known_ones(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    edit_config(path, family="gpt")
    message = load_error(path)
    assert "config.json: unknown model family 'gpt'" in message and "transformer" in message


def test_tokenizer_of_another_vocabulary_is_a_mismatch(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    train_tokenizer("word", ["p q r s t u v w"], vocab_size=50).save(path, "target")
    message = load_error(path)
    assert "mismatched tokenizer 'target'" in message and "tgt_vocab_size" in message


def test_truncated_weights_are_reported(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    message = load_error(path)
    assert "model.safetensors: not a readable safetensors file (truncated" in message


def test_missing_config_is_named(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    (path / "config.json").unlink()
    assert load_error(path).endswith("config.json is missing")


def test_missing_weights_are_named(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    (path / "model.safetensors").unlink()
    assert load_error(path).endswith("model.safetensors is missing")


def test_missing_tokenizer_is_named(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    (path / "source.tokenizer.json").unlink()
    assert "tokenizer 'source'" in load_error(path)


def test_config_that_does_not_describe_the_weights_is_reported(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    edit_config(path, model={"d_model": 8, "ff_size": 16})
    assert "weights do not fit the model described in config.json" in load_error(path)


def test_config_that_is_not_json_is_reported(tmp_path):
    path = tiny_checkpoint(tmp_path / "ckpt")
    (path / "config.json").write_text("{family: transformer")
    assert "config.json: not valid JSON" in load_error(path)


def test_missing_directory_is_named(tmp_path):
    assert "no such checkpoint directory" in load_error(tmp_path / "absent")
