"""Running a training: the run's settings (name, device and precision, steps, batch, learning
rate, evaluation and checkpoint intervals), the controls (start / pause / resume / stop / inspect), a progress bar
with ETA and tokens per second, and the log pane."""

from __future__ import annotations

import time

from PySide6 import QtCore, QtGui, QtWidgets

from core_models.training.build import available_devices
from core_models.training.config import DEVICES, SCHEDULES, OptimConfig, RunConfig
from core_models.training.events import StepEvent
from core_models.training.precision import PRECISIONS

LOG_LINES = 2000  # the log pane keeps the last lines only


def format_duration(seconds: float) -> str:
    """75 -> "1:15", 3725 -> "1:02:05"."""
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def progress_text(event: StepEvent) -> str:
    """The progress bar's text, e.g. "step 120 / 300 · ETA 0:42 · 3,400 tok/s"."""
    return QtCore.QCoreApplication.translate(
        "RunPanel", "step {step} / {total} · ETA {eta} · {speed} tok/s"
    ).format(
        step=f"{event.step:,}",
        total=f"{event.total_steps:,}",
        eta=format_duration(event.eta_seconds),
        speed=f"{event.tokens_per_second:,.0f}",
    )


class RunSettings(QtWidgets.QGroupBox):
    """The run and optimiser settings; devices the machine lacks are listed but disabled."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(self.tr("Run"), parent)
        self.name_edit = QtWidgets.QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("the model's name in your model list"))
        self.name_edited = False  # once typed, the name no longer follows family and task
        self.device_box = QtWidgets.QComboBox()
        available = available_devices()
        auto = "cuda" if "cuda" in available else "mps" if "mps" in available else "cpu"
        model = QtGui.QStandardItemModel(self.device_box)
        for device in DEVICES:
            usable = device == "auto" or device in available
            label = self.tr("auto ({device})").format(device=auto) if device == "auto" else device
            item = QtGui.QStandardItem(
                label if usable else self.tr("{device} (not available)").format(device=device)
            )
            item.setData(device, QtCore.Qt.ItemDataRole.UserRole)
            item.setEnabled(usable)
            model.appendRow(item)
        self.device_box.setModel(model)
        self.precision_box = self._precision_box("cuda" in available)
        self.max_steps = self._spin(1, 10_000_000, 300)
        self.batch_size = self._spin(1, 100_000, 32)
        self.eval_every = self._spin(1, 1_000_000, 50)
        self.checkpoint_every = self._spin(1, 1_000_000, 50)
        self.seed = self._spin(0, 2**31 - 1, 0)
        self.lr = QtWidgets.QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 1.0)
        self.lr.setSingleStep(1e-4)
        self.lr.setValue(5e-3)
        self.schedule_box = QtWidgets.QComboBox()
        self.schedule_box.addItems(list(SCHEDULES))
        self.warmup = self._spin(0, 1_000_000, 0)

        form = QtWidgets.QFormLayout(self)
        form.setContentsMargins(6, 6, 6, 6)
        form.setVerticalSpacing(2)
        form.addRow(self.tr("name"), self.name_edit)
        form.addRow(
            self.tr("device"), self._pair(self.device_box, self.tr("precision"), self.precision_box)
        )
        form.addRow(self.tr("steps"), self._pair(self.max_steps, self.tr("batch"), self.batch_size))
        form.addRow(
            self.tr("learning rate"), self._pair(self.lr, self.tr("schedule"), self.schedule_box)
        )
        form.addRow(self.tr("warm-up steps"), self._pair(self.warmup, self.tr("seed"), self.seed))
        form.addRow(
            self.tr("evaluate every"),
            self._pair(self.eval_every, self.tr("save every"), self.checkpoint_every),
        )
        self.name_edit.textEdited.connect(self._on_name_typed)

    def _precision_box(self, cuda: bool) -> QtWidgets.QComboBox:
        """run.precision's choices; fp16 needs a CUDA GPU (it is disabled without one)."""
        box = QtWidgets.QComboBox()
        model = QtGui.QStandardItemModel(box)
        for precision in PRECISIONS:
            usable = precision != "fp16" or cuda
            item = QtGui.QStandardItem(
                precision
                if usable
                else self.tr("{precision} (needs CUDA)").format(precision=precision)
            )
            item.setData(precision, QtCore.Qt.ItemDataRole.UserRole)
            item.setEnabled(usable)
            model.appendRow(item)
        box.setModel(model)
        box.setCurrentIndex(box.findData(RunConfig().precision))
        box.setToolTip(
            self.tr(
                "what the training steps compute in: auto picks bf16 on CUDA GPUs that have it and "
                "on CPUs where bfloat16 is measured faster, fp16 on older GPUs, else fp32; the "
                "saved model is float32 either way"
            )
        )
        return box

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    @staticmethod
    def _pair(
        first: QtWidgets.QWidget, caption: str, second: QtWidgets.QWidget
    ) -> QtWidgets.QWidget:
        row = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(first, 1)
        layout.addWidget(QtWidgets.QLabel(caption))
        layout.addWidget(second, 1)
        return row

    def _on_name_typed(self) -> None:
        self.name_edited = bool(self.name_edit.text())

    def suggest_name(self, name: str) -> None:
        """Follow the family and data in the name until the user types one."""
        if not self.name_edited:
            self.name_edit.setText(name)

    def apply_preset(self, values: dict) -> None:
        """Steps, batch, learning rate and evaluation interval of a size preset."""
        self.lr.setValue(values["lr"])
        self.batch_size.setValue(values["batch_size"])
        self.max_steps.setValue(values["max_steps"])
        self.eval_every.setValue(values["eval_every"])
        self.checkpoint_every.setValue(values["eval_every"])

    @property
    def device(self) -> str:
        return self.device_box.currentData(QtCore.Qt.ItemDataRole.UserRole)

    def name(self) -> str:
        return self.name_edit.text().strip()

    def optim_config(self) -> OptimConfig:
        return OptimConfig(
            lr=self.lr.value(),
            schedule=self.schedule_box.currentText(),
            warmup_steps=self.warmup.value(),
        )

    def run_config(self) -> RunConfig:
        return RunConfig(
            batch_size=self.batch_size.value(),
            max_steps=self.max_steps.value(),
            eval_every=self.eval_every.value(),
            checkpoint_every=self.checkpoint_every.value(),
            seed=self.seed.value(),
            device=self.device,
            precision=self.precision_box.currentData(QtCore.Qt.ItemDataRole.UserRole),
        )


class RunControls(QtWidgets.QWidget):
    """Start, Pause / Resume, Stop and Inspect, the progress bar and a status line."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_button = QtWidgets.QPushButton(self.tr("Start training"))
        self.pause_button = QtWidgets.QPushButton(self.tr("Pause"))
        self.stop_button = QtWidgets.QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("stop after this step; the model is saved first"))
        self.inspect_button = QtWidgets.QPushButton(self.tr("Inspect the model"))
        self.inspect_button.setToolTip(self.tr("open the trained model in the inspect view"))
        self.score_button = QtWidgets.QPushButton(self.tr("Score on a test file…"))
        self.score_button.setToolTip(
            self.tr(
                "BLEU / chrF or accuracy of the trained model on a file in its data's format; "
                "the figures go on its model card"
            )
        )
        self.state = "idle"
        self._last_step: StepEvent | None = None
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMinimumWidth(200)  # the window fits a 1280-pixel-wide screen
        self.reset_progress()
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.inspect_button)
        buttons.addWidget(self.score_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.set_state("idle")
        self.inspect_button.setEnabled(False)
        self.score_button.setEnabled(False)

    def set_state(self, state: str) -> None:
        """Enable what makes sense in ``state`` (see app.workers.training.STATES)."""
        self.start_button.setEnabled(state == "idle")
        self.pause_button.setEnabled(state in ("starting", "running", "paused"))
        self.pause_button.setText(self.tr("Resume") if state == "paused" else self.tr("Pause"))
        self.stop_button.setEnabled(state in ("starting", "running", "paused"))
        self.state = state
        if state == "starting":
            self.progress.setRange(0, 0)  # busy: the process starts, the data is prepared
        if self._last_step is not None:
            self.show_step(self._last_step)

    def show_step(self, event: StepEvent) -> None:
        self._last_step = event
        self.progress.setRange(0, event.total_steps)
        self.progress.setValue(event.step)
        paused = self.tr(" · paused") if self.state == "paused" else ""
        self.progress.setFormat(progress_text(event) + paused)

    def reset_progress(self) -> None:
        self._last_step = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("not started"))

    def set_status(self, text: str, error: bool = False) -> None:
        """Say ``text`` (red for an error; otherwise in the theme's text colour: a style sheet's
        "palette(text)" kept the light theme's colour, unreadable on the dark theme)."""
        self.status.setStyleSheet("color: #c92a2a" if error else "")
        self.status.setText(text)


class LogPane(QtWidgets.QPlainTextEdit):
    """Timestamped lines: what the run did (started, evaluations, checkpoints, errors)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(LOG_LINES)
        self.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.setPlaceholderText(self.tr("the run's log"))

    def add(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        for line in text.rstrip().splitlines() or [""]:
            self.appendPlainText(f"{stamp}  {line}")
