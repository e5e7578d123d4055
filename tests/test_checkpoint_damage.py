"""Every damaged checkpoint is a message naming the file and what is wrong, the same through the
library (``load_model``) and the command line (``translate DIR``): never a traceback, never a
model built from a config the weights do not back, never weights that are not finite floats.
(The app's Open checkpoint: test_app_checkpoint_damage.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from checkpoint_damage import DAMAGES, Damage
from tiny_training import TINY_MODELS, tiny_checkpoint

from core_models import cli, inference, model_list
from core_models.models.registry import FAMILIES, build_model
from core_models.tokenizers import train_tokenizer
from core_models.training import checkpoint, checkpoint_check
from core_models.training.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def intact(tmp_path_factory) -> Path:
    return tiny_checkpoint(tmp_path_factory.mktemp("intact") / "tiny")


def damaged(intact: Path, directory: Path, damage: Damage) -> Path:
    path = directory / "broken"
    shutil.copytree(intact, path)
    damage.apply(path)
    return path


def assert_names_the_fault(message: str, path: Path, damage: Damage) -> None:
    assert str(path / damage.file) in message, message
    assert damage.reason in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
def test_a_damaged_checkpoint_is_a_checkpoint_error_naming_the_file(intact, tmp_path, damage):
    path = damaged(intact, tmp_path, damage)
    with pytest.raises(CheckpointError) as caught:
        inference.load_model(path)
    assert_names_the_fault(str(caught.value), path, damage)


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
def test_translate_on_a_damaged_checkpoint_says_error_and_exits_2(intact, tmp_path, capsys, damage):
    path = damaged(intact, tmp_path, damage)
    assert cli.main(["translate", str(path), "a b"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert_names_the_fault(captured.err, path, damage)


@pytest.mark.parametrize(
    "damage",
    [
        d
        for d in DAMAGES
        if d.name in ("config a list", "garbage sentencepiece model", "NaN weight")
    ],
    ids=str,
)
def test_the_installed_command_line_reports_damage_without_a_traceback(intact, tmp_path, damage):
    path = damaged(intact, tmp_path, damage)
    result = subprocess.run(
        [sys.executable, "-m", "core_models", "translate", str(path), "a b"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert_names_the_fault(result.stderr, path, damage)


def test_a_damaged_user_model_is_left_out_of_the_list_not_a_crash(
    intact, tmp_path, monkeypatch, capsys
):
    home = tmp_path / "home"
    shutil.copytree(intact, home / "models" / "good")
    for damage in DAMAGES[:12]:  # broken config.json files
        damage.apply(shutil.copytree(intact, home / "models" / damage.name.replace(" ", "-")))
    monkeypatch.setenv("ATTENTION_WORKBENCH_HOME", str(home))
    monkeypatch.setattr(inference, "bundled_models_dir", lambda: tmp_path / "none")
    monkeypatch.setattr(model_list, "bundled_models_dir", lambda: tmp_path / "none")
    assert [entry.name for entry in inference.list_models()] == ["good"]
    assert cli.main(["models"]) == 0
    # `models` reads config.json without torch: the model's own fields (model.NAME) are checked
    # when it is opened
    own_fields = [d for d in DAMAGES[:12] if d.reason.startswith("model.")]
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == sorted(["good"] + [d.name.replace(" ", "-") for d in own_fields])
    assert len(own_fields) < 6


# --- sizes are checked against the file before anything is built ---------------------------------


@pytest.mark.parametrize("name", ["d_model 10**9", "d_model 8192", "100,000 layers"])
def test_a_config_larger_than_its_weights_never_builds_a_model(intact, tmp_path, monkeypatch, name):
    """Nothing is allocated: the real model is never built, and a config of more layers than the
    file has tensors is refused before even the shape-only (meta) model is."""
    damage = next(d for d in DAMAGES if d.name == name)
    path = damaged(intact, tmp_path, damage)
    built: list[str] = []
    monkeypatch.setattr(checkpoint, "build_model", lambda family, config: built.append("real"))
    meta_build = checkpoint_check.build_skeleton
    monkeypatch.setattr(
        checkpoint_check,
        "build_skeleton",
        lambda family, config: built.append("meta") or meta_build(family, config),
    )
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    assert built == ([] if "layers" in name else ["meta"])


def test_the_parameter_counts_of_config_and_file_are_both_named(intact, tmp_path):
    path = damaged(intact, tmp_path, next(d for d in DAMAGES if d.name == "d_model 8192"))
    held = sum(p.numel() for p in load_checkpoint(intact).model.state_dict().values())
    tied = load_checkpoint(intact).model.target_embedding.tokens.weight.numel()
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    counts = re.search(r"\(([\d,]+) parameters; the file holds ([\d,]+)\)", str(caught.value))
    needed, in_file = (int(count.replace(",", "")) for count in counts.groups())
    assert in_file == held - tied  # the tied output projection is stored once
    assert needed > 8192 * 8192 * 6  # six d_model x d_model projections in each layer at least


def test_a_float16_export_still_loads(intact, tmp_path):
    """The dtype check refuses integers and booleans, not half-precision weights."""
    slim = checkpoint.export_for_inference(intact, tmp_path / "slim")
    assert load_checkpoint(slim).meta["weights"] == "float16"


@pytest.mark.parametrize(
    ("family", "options"),
    [
        ("rnn", {"cell": "lstm", "num_layers": 2, "reverse_source": True}),
        ("bahdanau", {"num_layers": 2}),
        ("luong", {"attention_type": "local-p", "score": "concat"}),
        ("transformer", {"positions": "learned", "tie_embeddings": False}),
        ("decomposable", {"intra_attention": True, "embed_size": 12}),
        ("encoder_classifier", {"positions": "sinusoidal", "norm": "post"}),
    ],
)
def test_every_familys_checkpoint_passes_the_checks_and_loads_its_weights(
    tmp_path, family, options
):
    """The checks refuse damage, not real models: tied and untied weights, LSTM stacks,
    bidirectional encoders, local attention's parameters, intra attention, learned positions."""
    kind = FAMILIES[family].task_kind
    text = train_tokenizer("word", ["a b c d", "e f g"], vocab_size=20)
    vocab = ("vocab_size",) if kind == "nli" else ("src_vocab_size", "tgt_vocab_size")
    small = {"embed_size": 8, "hidden_size": 8}
    sizes = {field: text.vocab_size for field in vocab}
    model = build_model(family, {**TINY_MODELS.get(family, small), **sizes, **options})
    roles = {"text": text} if kind == "nli" else {"source": text, "target": text}
    path = save_checkpoint(tmp_path / family, model, roles, {"task": "x"})
    loaded = load_checkpoint(path).model.state_dict()
    for name, value in model.state_dict().items():
        assert torch.equal(loaded[name], value), name
