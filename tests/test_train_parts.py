"""Pieces of the Train view that need no training process: publishing a checkpoint into the model
directory, the metric curves, the device list, the size presets."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from PySide6 import QtCore, QtWidgets

from app.state.train_curves import TrainingCurves
from app.train.curves import CurvesView
from app.train.presets import SIZES, count_parameters, preset_options, vocab_options
from app.train.run_panel import RunControls, RunSettings, format_duration
from app.views.style import DARK, qt_palette
from app.workers.training_process import publish_checkpoint
from core_models.models.registry import FAMILIES
from core_models.training.build import available_devices
from core_models.training.events import EvalEvent, StepEvent


def fake_checkpoint(path):
    path.mkdir(parents=True)
    for name in ("config.json", "model.safetensors", "trainer_state.json"):
        (path / name).write_text(name, encoding="utf-8")
    return path


def test_a_second_model_of_the_same_name_never_replaces_the_first(tmp_path):
    checkpoint = fake_checkpoint(tmp_path / "run" / "model")
    models = tmp_path / "models"
    first = publish_checkpoint(checkpoint, models, "copy-model")
    second = publish_checkpoint(checkpoint, models, "copy-model")
    assert (first.name, second.name) == ("copy-model", "copy-model-2")
    assert sorted(p.name for p in models.iterdir()) == ["copy-model", "copy-model-2"]
    assert sorted(p.name for p in first.iterdir()) == ["config.json", "model.safetensors"]
    assert (checkpoint / "trainer_state.json").is_file()  # the run keeps what resuming needs


def test_metric_list_offers_numbers_only_preferred_first(qtbot):
    data = TrainingCurves()
    curves = CurvesView(data)
    qtbot.addWidget(curves)
    for step in (1, 2):
        data.add_step(StepEvent(step, 10, 0, 3.0 - step, 1e-3, 100.0, 5.0))
    metrics = {"loss": 2.5, "chrf": 9.0, "aer": 0.6, "bleu": 4.0, "aer_layer": 0}
    data.add_eval(EvalEvent(2, {**metrics, "aer_by_layer": {0: 0.6}, "confusion": [[1]]}))
    data.add_eval(EvalEvent(4, {"loss": 2.0, "bleu": 6.0, "aer": 0.4}))
    curves.redraw()
    items = [curves.metric_box.itemText(i) for i in range(curves.metric_box.count())]
    assert items == ["bleu", "aer", "chrf"] and curves.metric_box.isEnabled()
    assert list(curves.metric_curve.yData) == [4.0, 6.0]
    assert list(curves.valid_curve.yData) == [2.5, 2.0]
    assert list(curves.loss_curve.yData) == [2.0, 1.0]
    curves.metric_box.setCurrentText("chrf")
    assert curves.metric_curve.yData[0] == 9.0 and math.isnan(curves.metric_curve.yData[1])
    data.clear()
    curves.redraw()
    assert data.steps == [] and curves.metric_box.count() == 0


def test_the_curves_say_when_they_appear_instead_of_three_empty_plots(qtbot):
    data = TrainingCurves()
    curves = CurvesView(data)
    qtbot.addWidget(curves)
    curves.resize(500, 600)
    curves.show()
    qtbot.waitExposed(curves)
    assert curves.empty_notice.isVisible() and not curves.graphics.isVisible()
    assert "first training steps" in curves.empty_notice.text()
    assert not curves.metric_box.isEnabled()  # an empty list to choose from
    data.add_step(StepEvent(1, 10, 0, 2.0, 1e-3, 100.0, 5.0))
    curves.redraw()
    assert curves.graphics.isVisible() and not curves.empty_notice.isVisible()
    data.clear()  # a new run
    curves.redraw()
    assert curves.empty_notice.isVisible()


def test_devices_the_machine_lacks_are_listed_but_cannot_be_chosen(qtbot):
    settings = RunSettings()
    qtbot.addWidget(settings)
    model = settings.device_box.model()
    role = QtCore.Qt.ItemDataRole.UserRole
    usable = {
        model.item(row).data(role): model.item(row).isEnabled() for row in range(model.rowCount())
    }
    assert usable == {
        "auto": True,
        "cpu": True,
        "cuda": "cuda" in available_devices(),
        "mps": "mps" in available_devices(),
    }
    assert settings.device == "auto" and settings.run_config().device == "auto"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_size_preset_builds_and_grows_with_the_size(family):
    kind = FAMILIES[family].task_kind
    counts = [
        count_parameters(family, {**preset_options(family, size), **vocab_options(kind, 50, 50)})
        for size in SIZES
    ]
    assert counts == sorted(counts) and len(set(counts)) == len(SIZES)


def test_durations_read_as_clock_times():
    assert [format_duration(s) for s in (0, 75.4, 3725)] == ["0:00", "1:15", "1:02:05"]


def test_the_run_status_follows_the_dark_theme(qtbot):
    """The status line takes the theme's text colour when the theme changes on a window on show
    (a style sheet's "palette(text)" pinned it to black: black on the dark background in a screen
    capture under Xvfb; ``grab()`` repaints and hid it, so the label's own palette is read)."""
    window = QtWidgets.QMainWindow()  # the window takes the theme's palette, as the app's does
    controls = RunControls()
    window.setCentralWidget(controls)
    qtbot.addWidget(window)
    controls.set_status("choose the data and a model, then Start training")
    window.show()
    qtbot.waitExposed(window)
    window.setPalette(qt_palette(DARK))  # View ▸ Palette ▸ Dark
    QtCore.QCoreApplication.processEvents()
    status = controls.status
    assert status.palette().color(status.foregroundRole()).name() == DARK.text
    controls.set_status("the run failed", error=True)
    assert "#c92a2a" in status.styleSheet()


SKELETONS = """
import json, sys
from core_models.models.registry import build_model, build_skeleton
shapes = {f: {n: [list(t.shape), str(t.dtype), t.device.type]
              for n, t in build_skeleton(f, dict(o)).state_dict().items()}
          for f, o in json.loads(sys.argv[1]).items()}
compiler = sorted(m for m in ("torch._dynamo", "sympy") if m in sys.modules)
real = {f: {n: [list(t.shape), str(t.dtype), "meta"]
            for n, t in build_model(f, dict(o)).state_dict().items()}
        for f, o in json.loads(sys.argv[1]).items()}
print(json.dumps([shapes, compiler, real]))
"""


def test_skeletons_have_the_real_models_shapes_and_import_no_compiler():
    """build_skeleton (the Train tab's estimates, the checkpoint check) matches a real build of
    every family name by name, shape by shape and dtype by dtype, on the meta device, with no
    initialiser run: in a new process, where the meta kernels of normal_ / arange would import
    torch._dynamo (~1 s of the app's launch)."""
    options = {
        family: {**preset_options(family, "small"), **vocab_options(spec.task_kind, 50, 50)}
        for family, spec in FAMILIES.items()
    }
    done = subprocess.run(
        [sys.executable, "-c", SKELETONS, json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shapes, compiler, real = json.loads(done.stdout)
    assert compiler == []
    assert shapes == real and set(shapes) == set(FAMILIES)
