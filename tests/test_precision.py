"""Mixed precision in the trainer (issue 19): ``run.precision`` = auto | fp32 | bf16 | fp16.

A bf16 step's loss is the fp32 step's within bfloat16's tolerance; the softmax, the attention
weights, the loss and the checkpoint stay float32; runs resume across precisions, and a checkpoint
written with the old ``run.mixed_precision`` resumes exactly. The CUDA tests carry the ``cuda``
marker (tests/conftest.py skips them, reported, where torch sees no GPU)."""

import csv
import json
import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from tiny_training import tiny_config

from core_models.attention.masking import masked_softmax
from core_models.cli import main
from core_models.training import precision
from core_models.training.checkpoint import load_checkpoint
from core_models.training.config import ConfigError, TrainConfig
from core_models.training.evaluate import batch_loss
from core_models.training.precision import auto_choice, resolve_precision
from core_models.training.trainer import Trainer

CPU = torch.device("cpu")


def step_losses(run) -> list[tuple[int, str]]:
    with open(run / "train_log.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(int(r["step"]), r["loss"]) for r in rows if r["event"] == "step"]


def recorded_precision(run) -> str:
    return load_checkpoint(run).meta["precision"]


def test_a_bf16_loss_on_a_fixed_batch_is_the_fp32_loss_within_tolerance(tmp_path):
    trainer = Trainer(tiny_config(run={"max_steps": 1}), tmp_path)
    model = trainer.train_model.eval()
    batch = trainer.data.train_set.collate(list(range(8)))
    with torch.no_grad():
        full, _ = batch_loss(model, batch, label_smoothing=0.1)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        mixed, _ = batch_loss(model, batch, label_smoothing=0.1)
    assert mixed.dtype == torch.float32 and full.dtype == torch.float32
    assert float(mixed) == pytest.approx(float(full), rel=2e-2)
    assert float(mixed) != float(full)  # the products did run in bfloat16


def test_the_softmax_and_captured_weights_stay_float32_under_autocast():
    scores = torch.randn(2, 3, 5)
    lens = torch.tensor([5, 2])
    plain = masked_softmax(scores, lens)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mixed = masked_softmax(scores.to(torch.bfloat16), lens)
        linear = torch.nn.Linear(5, 5)  # a product under autocast gives bfloat16 scores
        product = masked_softmax(linear(scores), lens)
    assert mixed.dtype == torch.float32 and product.dtype == torch.float32
    assert torch.allclose(mixed, plain, atol=1e-2)
    assert torch.equal(mixed[1, :, 2:], torch.zeros(3, 3))  # padded keys still exactly 0
    assert torch.allclose(mixed.sum(-1), torch.ones(2, 3))


def test_a_bf16_run_trains_and_saves_a_float32_checkpoint_whose_maps_are_float32(tmp_path):
    straight = tmp_path / "fp32"
    Trainer(tiny_config(run={"max_steps": 6, "precision": "fp32"}), straight).run()
    Trainer(tiny_config(run={"max_steps": 6, "precision": "bf16"}), tmp_path / "bf16").run()
    assert recorded_precision(tmp_path / "bf16") == "bfloat16 autocast"
    assert recorded_precision(straight) == "float32"
    saved = load_checkpoint(tmp_path / "bf16")
    assert {p.dtype for p in saved.model.parameters()} == {torch.float32}
    ours = [float(loss) for _, loss in step_losses(tmp_path / "bf16")]
    reference = [float(loss) for _, loss in step_losses(straight)]
    assert ours[0] == pytest.approx(reference[0], rel=2e-2)  # the same first batch and weights
    assert ours != reference
    src = torch.tensor([[4, 5, 6, 3]])
    inputs = (src, torch.tensor([4]), torch.tensor([[1, 4, 5]]))
    with torch.no_grad():
        shown = saved.model(*inputs, capture=True).maps
        with torch.autocast("cpu", dtype=torch.bfloat16):
            mixed = saved.model(*inputs, capture=True).maps
    assert len(shown) == len(mixed) > 0
    for plain, under_autocast in zip(shown, mixed, strict=True):
        assert plain.weights.dtype == under_autocast.weights.dtype == torch.float32
        assert torch.allclose(plain.weights, under_autocast.weights, atol=3e-2)


def test_a_run_resumes_in_another_precision(tmp_path):
    Trainer(tiny_config(run={"max_steps": 4, "precision": "bf16"}), tmp_path).run()
    Trainer(tiny_config(run={"max_steps": 6, "precision": "auto"}), tmp_path, resume=True).run()
    assert recorded_precision(tmp_path) == "bfloat16 autocast"  # auto keeps the run's own
    resumed = tiny_config(run={"max_steps": 8, "precision": "fp32"})
    Trainer(resumed, tmp_path, resume=True).run()  # precision is free to change on resume
    assert [s for s, _ in step_losses(tmp_path)] == list(range(1, 9))
    assert recorded_precision(tmp_path) == "float32"
    Trainer(tiny_config(run={"max_steps": 10, "precision": "bf16"}), tmp_path, resume=True).run()
    assert recorded_precision(tmp_path) == "bfloat16 autocast"
    assert [s for s, _ in step_losses(tmp_path)] == list(range(1, 11))


@pytest.mark.parametrize("flag", [True, False])
def test_an_old_mixed_precision_checkpoint_resumes_exactly(tmp_path, flag):
    """Before run.precision, mixed_precision autocast on CUDA only: a CPU run computed in float32
    whatever the flag. true → auto (which keeps a resumed run's recorded precision), false →
    fp32; either way the resumed run continues as an uninterrupted float32 one."""
    Trainer(tiny_config(run={"max_steps": 8}), tmp_path / "straight").run()
    split = tmp_path / "split"
    Trainer(tiny_config(run={"max_steps": 4}), split).run()
    meta = json.loads((split / "model" / "config.json").read_text())
    run = meta["train_config"]["run"]
    del run["precision"]
    run["mixed_precision"] = flag
    (split / "model" / "config.json").write_text(json.dumps(meta))
    old_file = TrainConfig.from_dict({**meta["train_config"], "run": {**run, "max_steps": 8}})
    assert old_file.run.precision == ("auto" if flag else "fp32")
    Trainer(old_file, split, resume=True).run()
    assert step_losses(split) == step_losses(tmp_path / "straight")
    assert recorded_precision(split) == "float32"


def test_config_precision_choices_and_the_old_flag():
    assert TrainConfig.from_dict({"run": {"precision": "bf16"}}).run.precision == "bf16"
    assert TrainConfig.from_dict({"run": {"mixed_precision": True}}).run.precision == "auto"
    assert TrainConfig.from_dict({"run": {"mixed_precision": False}}).run.precision == "fp32"
    assert TrainConfig().run.precision == "fp32"
    with pytest.raises(ConfigError, match=r"run.toml: run.precision: 'half' is not one of auto"):
        TrainConfig.from_dict({"run": {"precision": "half"}}, source="run.toml")
    with pytest.raises(ConfigError, match=r"run.toml: run.mixed_precision: replaced by precision"):
        TrainConfig.from_dict(
            {"run": {"precision": "bf16", "mixed_precision": True}}, source="run.toml"
        )


def test_auto_on_cpu_and_fp16_refused_on_cpu():
    assert auto_choice(CPU) in ("bf16", "fp32")  # the probe's answer on this CPU
    assert resolve_precision("auto", CPU) == (
        torch.bfloat16 if auto_choice(CPU) == "bf16" else None
    )
    assert resolve_precision("auto", CPU, recorded="float32") is None  # a resume keeps its own
    assert resolve_precision("auto", CPU, recorded="bfloat16 autocast") == torch.bfloat16
    assert resolve_precision("fp32", CPU) is None
    with pytest.raises(ValueError, match="fp16 cannot run on cpu: float16 autocast needs a CUDA"):
        resolve_precision("fp16", CPU)


def test_cli_precision_overrides_the_config_and_refuses_fp16_on_cpu(tmp_path, capsys):
    config = tmp_path / "run.toml"
    tiny_config(run={"max_steps": 2}).to_toml(config)
    args = ["train", str(config), "--output", str(tmp_path / "run"), "--quiet"]
    assert main([*args, "--precision", "bf16"]) == 0
    assert recorded_precision(tmp_path / "run") == "bfloat16 autocast"
    capsys.readouterr()
    assert main([*args, "--overwrite", "--precision", "fp16"]) == 2
    err = capsys.readouterr().err
    assert "error: run.precision: fp16 cannot run on cpu" in err and "Traceback" not in err
    assert recorded_precision(tmp_path / "run") == "bfloat16 autocast"  # the old run is kept


def test_the_train_tab_passes_its_precision_into_the_run_config(qtbot):
    from PySide6 import QtCore

    from app.train.run_panel import RunSettings

    settings = RunSettings()
    qtbot.addWidget(settings)
    box, role = settings.precision_box, QtCore.Qt.ItemDataRole.UserRole
    assert settings.run_config().precision == "fp32"  # the config's default
    box.setCurrentIndex(box.findData("bf16"))
    assert settings.run_config().precision == "bf16"
    fp16 = box.model().item(box.findData("fp16"))
    assert fp16.isEnabled() == torch.cuda.is_available()
    assert [box.itemData(i, role) for i in range(box.count())] == ["auto", "fp32", "bf16", "fp16"]


def auto_rank(rank: int, out: str, port: int) -> None:
    """A spawned DDP rank whose CPU probe answers bf16 on rank 0 and fp32 on rank 1."""
    torch.set_num_threads(1)
    os.environ.update(
        {
            "MASTER_ADDR": "127.0.0.1",
            "MASTER_PORT": str(port),
            "RANK": str(rank),
            "WORLD_SIZE": "2",
        }
    )
    precision._probe = lambda threads: rank == 0
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    config = tiny_config(run={"max_steps": 2, "batch_size": 4, "precision": "auto"})
    trainer = Trainer(config, Path(out) / f"rank{rank}")
    trainer.run()
    (Path(out) / f"rank{rank}.txt").write_text(str(trainer.autocast))


@pytest.mark.slow
def test_ddp_ranks_whose_probes_disagree_train_in_rank_0s_precision(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mp.start_processes(auto_rank, args=(str(tmp_path), port), nprocs=2, start_method="spawn")
    answers = [(tmp_path / f"rank{r}.txt").read_text() for r in range(2)]
    assert answers == ["torch.bfloat16", "torch.bfloat16"]
    assert recorded_precision(tmp_path / "rank0") == "bfloat16 autocast"


@pytest.mark.cuda
@pytest.mark.parametrize("choice", ["bf16", "fp16", "auto"])
def test_cuda_runs_in_each_precision_and_saves_float32(tmp_path, choice):
    config = tiny_config(run={"max_steps": 4, "device": "cuda", "precision": choice})
    Trainer(config, tmp_path).run()
    expected = {
        "bf16": "bfloat16 autocast",
        "fp16": "float16 autocast",
        "auto": "bfloat16 autocast" if torch.cuda.is_bf16_supported() else "float16 autocast",
    }
    assert recorded_precision(tmp_path) == expected[choice]
    saved = load_checkpoint(tmp_path)
    assert {p.dtype for p in saved.model.parameters()} == {torch.float32}
    assert all(torch.isfinite(p).all() for p in saved.model.parameters())


@pytest.mark.cuda
def test_cuda_fp16_resumes_its_gradient_scaler_and_in_fp32(tmp_path):
    Trainer(
        tiny_config(run={"max_steps": 4, "device": "cuda", "precision": "fp16"}), tmp_path
    ).run()
    resumed = Trainer(
        tiny_config(run={"max_steps": 6, "device": "cuda", "precision": "fp16"}),
        tmp_path,
        resume=True,
    )
    assert resumed.optimisation.scaler is not None
    resumed.run()
    Trainer(
        tiny_config(run={"max_steps": 8, "device": "cuda", "precision": "fp32"}),
        tmp_path,
        resume=True,
    ).run()
    assert recorded_precision(tmp_path) == "float32"
    assert [s for s, _ in step_losses(tmp_path)] == list(range(1, 9))
