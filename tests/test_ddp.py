"""DistributedDataParallel on two CPU processes (gloo): averaged gradients equal the full batch's,
the Trainer's DDP path takes the same step as one process on both ranks' batches, and a cancel
seen by rank 0 alone stops both ranks."""

import json
import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest
import safetensors.torch
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from tiny_training import tiny_config
from torch.nn.parallel import DistributedDataParallel

from core_models.data.batching import bucket_batches, collate_translation
from core_models.models.registry import build_model
from core_models.training.evaluate import batch_loss
from core_models.training.events import StepEvent
from core_models.training.trainer import Trainer

WORLD_SIZE = 2
# Four pairs whose targets have the same length, so each half holds as many target tokens.
SOURCES = [[6, 7, 8], [9, 10], [11, 12, 13, 14], [15]]
TARGETS = [[16, 17, 18], [19, 20, 21], [22, 23, 24], [25, 26, 27]]
MODEL_OPTIONS = {
    "src_vocab_size": 30,
    "tgt_vocab_size": 30,
    "d_model": 16,
    "heads": 2,
    "ff_size": 32,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "dropout": 0.0,
    "max_len": 32,
}


def ddp_config():
    """Dropout off: each rank draws its own masks, the single process one stream for both."""
    options = {**tiny_config().model.options, "dropout": 0.0}
    return tiny_config(model={"options": options}, run={"max_steps": 1, "batch_size": 4})


def free_ports(count: int) -> list[int]:
    """Distinct free ports: every socket stays bound until all are chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tiny_model():
    torch.manual_seed(0)
    return build_model("transformer", MODEL_OPTIONS)


def half(rank: int) -> list[int]:
    size = len(SOURCES) // WORLD_SIZE
    return list(range(rank * size, (rank + 1) * size))


def batch_of(indices: list[int]):
    return collate_translation(
        [SOURCES[i] for i in indices], [TARGETS[i] for i in indices], indices
    )


def save_weights(model, path: Path) -> None:
    safetensors.torch.save_file({k: v.clone() for k, v in model.state_dict().items()}, path)


def worker(rank: int, out: str, ports: list[int]) -> None:
    """Runs in each spawned process: raw DDP gradients, one Trainer step, a cancelled run."""
    torch.set_num_threads(1)
    out = Path(out)
    os.environ.update(
        {"MASTER_ADDR": "127.0.0.1", "RANK": str(rank), "WORLD_SIZE": str(WORLD_SIZE)}
    )

    def reached(phase: str) -> None:  # shown if the workers hang
        with open(out / f"rank{rank}.log", "a") as log:
            log.write(f"{phase}\n")

    reached("started")
    os.environ["MASTER_PORT"] = str(ports[0])
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    model = DistributedDataParallel(tiny_model())
    loss, _ = batch_loss(model, batch_of(half(rank)))
    loss.backward()
    gradients = {name: p.grad for name, p in model.module.named_parameters()}
    safetensors.torch.save_file(gradients, out / f"gradients{rank}.safetensors")
    dist.destroy_process_group()

    reached("gradients saved")
    os.environ["MASTER_PORT"] = str(ports[1])
    trainer = Trainer(ddp_config(), out / f"one-step{rank}")
    trainer.run()
    save_weights(trainer.model, out / f"one-step{rank}.safetensors")

    reached("one step saved")
    os.environ["MASTER_PORT"] = str(ports[2])
    config = tiny_config(run={"max_steps": 6, "batch_size": 4})
    steps: list[int] = []

    def cancel_at_step_2(event):  # listeners run on rank 0 only
        if isinstance(event, StepEvent):
            steps.append(event.step)
            if event.step == 2:
                trainer.cancel()

    trainer = Trainer(config, out / "cancelled", [cancel_at_step_2])
    path = trainer.run()
    result = {"step": trainer.step, "path": str(path), "events": steps}
    (out / f"cancelled{rank}.json").write_text(json.dumps(result))
    reached("done")


@pytest.fixture(scope="module")
def ddp_results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    context = mp.start_processes(
        worker,
        args=(str(out), free_ports(3)),
        nprocs=WORLD_SIZE,
        join=False,
        start_method="spawn",
    )
    try:
        for _ in range(300):  # join returns True once both have ended; raises if one failed
            if context.join(timeout=1):
                break
        else:
            logs = {p.name: p.read_text().splitlines() for p in sorted(out.glob("rank*.log"))}
            pytest.fail(f"the DDP workers did not finish within 300 s; they reached {logs}")
    finally:
        for process in context.processes:
            if process.is_alive():
                process.kill()
    return out


def test_ddp_averaged_gradients_equal_the_full_batch_gradients(ddp_results):
    model = tiny_model()
    loss, _ = batch_loss(model, batch_of(list(range(len(SOURCES)))))  # token mean over all four
    loss.backward()
    for rank in range(WORLD_SIZE):
        gradients = safetensors.torch.load_file(ddp_results / f"gradients{rank}.safetensors")
        for name, parameter in model.named_parameters():
            assert torch.allclose(gradients[name], parameter.grad, atol=1e-6), (rank, name)


def test_trainer_ddp_step_equals_one_process_on_both_ranks_batches(ddp_results, tmp_path):
    reference = Trainer(ddp_config(), tmp_path)  # the same model, data, optimiser as each rank
    lengths = reference.data.train_set.lengths()
    batches = [
        bucket_batches(lengths, 4, shuffle=True, seed=3 * 1000, rank=rank, world_size=WORLD_SIZE)[0]
        for rank in range(WORLD_SIZE)
    ]
    assert not set(batches[0]) & set(batches[1])
    losses = [batch_loss(reference.model, reference.data.train_set.collate(b))[0] for b in batches]
    (sum(losses) / WORLD_SIZE).backward()  # DDP averages the ranks' gradients
    torch.nn.utils.clip_grad_norm_(reference.model.parameters(), 1.0)
    reference.optimisation.optimizer.step()
    expected = reference.model.state_dict()
    for rank in range(WORLD_SIZE):
        weights = safetensors.torch.load_file(ddp_results / f"one-step{rank}.safetensors")
        for name, value in weights.items():
            assert torch.allclose(value, expected[name], atol=1e-6), (rank, name)
    assert (ddp_results / "one-step0" / "model" / "config.json").is_file()
    assert not (ddp_results / "one-step1" / "model").exists()  # rank 0 alone writes


def test_cancel_on_rank_0_stops_both_ranks_at_the_same_step(ddp_results):
    results = [
        json.loads((ddp_results / f"cancelled{rank}.json").read_text())
        for rank in range(WORLD_SIZE)
    ]
    assert [r["step"] for r in results] == [2, 2]
    assert results[0]["events"] == [1, 2] and results[1]["events"] == []
    checkpoint = json.loads((ddp_results / "cancelled" / "model" / "config.json").read_text())
    assert checkpoint["step"] == 2
