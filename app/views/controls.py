"""The pickers above a map: kind, layer and head (or "mean of heads") of an attention record, and
the display options (colour map, scale, normalisation, gold outlines).

They only report the user's choice (``sigMapChosen``, ``sigDisplayChosen``); the Session answers
with a new selection or display, which they then show.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from app.i18n.terms import choice_name, kind_name
from app.state.display import COLORMAPS, NORMALISATIONS, SCALES, Display
from app.state.on_request import flow_kinds
from app.state.selection import MEAN, Selection, find_map
from core_models.record import AttentionRecord


class MapControls(QtWidgets.QWidget):
    """Kind / layer / head combo boxes filled from a record; ``on_request(record)`` lists the
    kinds the record can have computed when chosen (offered with "…"): by default its flow kinds,
    a Session's ``on_request_kinds`` where the view is bound to one (attribution too).

    sigMapChosen(kind: str, layer: int, head: int | "mean"): the user picked another map.
    """

    sigMapChosen = QtCore.Signal(str, int, object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._record: AttentionRecord | None = None
        self.on_request: Callable[[AttentionRecord | None], list[str]] = flow_kinds
        self.kind_box = QtWidgets.QComboBox()
        self.layer_box = QtWidgets.QComboBox()
        self.head_box = QtWidgets.QComboBox()
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for caption, box in (
            (self.tr("map"), self.kind_box),
            (self.tr("layer"), self.layer_box),
            (self.tr("head"), self.head_box),
        ):
            layout.addWidget(QtWidgets.QLabel(caption))
            layout.addWidget(box)
            box.activated.connect(self._on_user_choice)
            # as wide as the longest choice ("premise to hypothesis"), whatever showed first
            box.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout.addStretch(1)

    def set_state(self, record: AttentionRecord | None, selection: Selection | None) -> None:
        """Fill the boxes from ``record`` and show ``selection`` (emits nothing)."""
        self._record = record
        kinds = record.kinds() if record is not None else []
        later = self.on_request(record)  # computed when chosen: "…"
        self._fill(
            self.kind_box,
            [(kind_name(kind), kind) for kind in kinds]
            + [(f"{kind_name(kind)} …", kind) for kind in later],
        )
        if selection is None or record is None:
            return
        self._show_choice(self.kind_box, selection.kind)
        self._fill_layers_and_heads(selection.kind, selection)

    def _fill_layers_and_heads(self, kind: str, selection: Selection) -> None:
        layers = self._record.layers(kind) if self._record is not None else []
        self._fill(self.layer_box, [(str(layer), layer) for layer in layers])
        self._show_choice(self.layer_box, selection.layer)
        attention_map = find_map(self._record, Selection(kind, self.layer_box.currentData() or 0))
        heads = attention_map.heads if attention_map is not None else 0
        self._fill(self.head_box, [(self.tr("mean"), MEAN)] + [(str(h), h) for h in range(heads)])
        self._show_choice(self.head_box, selection.head)

    def _on_user_choice(self) -> None:
        kind = self.kind_box.currentData()
        if kind is None or self._record is None:
            return
        layers = self._record.layers(kind)
        if not layers:  # a kind computed on request: the Session computes it, then shows it
            self.sigMapChosen.emit(kind, self.layer_box.currentData() or 0, MEAN)
            return
        layer = self.layer_box.currentData()
        layer = layer if layer in layers else layers[0]
        head = self.head_box.currentData()
        self._fill_layers_and_heads(kind, Selection(kind, layer, MEAN if head is None else head))
        self.sigMapChosen.emit(kind, int(self.layer_box.currentData()), self.head_box.currentData())

    @staticmethod
    def _fill(box: QtWidgets.QComboBox, items: list[tuple[str, object]]) -> None:
        if [(box.itemText(i), box.itemData(i)) for i in range(box.count())] == items:
            return
        blocked = box.blockSignals(True)
        box.clear()
        for text, data in items:
            box.addItem(text, data)
        box.blockSignals(blocked)

    @staticmethod
    def _show_choice(box: QtWidgets.QComboBox, data: object) -> None:
        index = box.findData(data)
        if index >= 0 and index != box.currentIndex():
            blocked = box.blockSignals(True)
            box.setCurrentIndex(index)
            box.blockSignals(blocked)


class DisplayBoxes(QtCore.QObject):
    """The display options' boxes (for the view to lay out): colour map, scale and normalisation
    combo boxes with their captions, and the gold checkbox.

    sigDisplayChosen(name, value): the user picked ``value`` for the display option ``name``
    (a field of ``Display``); the boxes do not apply it themselves.
    """

    sigDisplayChosen = QtCore.Signal(str, object)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QtWidgets.QComboBox] = {}
        self.captioned: list[QtWidgets.QWidget] = []  # caption, box, caption, box, ...
        for name, caption, choices in (
            ("colormap", self.tr("colours"), COLORMAPS),
            ("scale", self.tr("scale"), SCALES),
            ("normalisation", self.tr("normalise"), NORMALISATIONS),
        ):
            box = QtWidgets.QComboBox()
            for choice in choices:  # shown translated (a colour map by its name), sent as is
                box.addItem(choice_name(choice), choice)
            box.currentIndexChanged.connect(
                lambda index, name=name, box=box: self.sigDisplayChosen.emit(
                    name, box.itemData(index)
                )
            )
            self.boxes[name] = box
            self.captioned += [QtWidgets.QLabel(caption), box]
        self.gold_box = QtWidgets.QCheckBox(self.tr("gold"))
        self.gold_box.setChecked(True)
        self.gold_box.setToolTip(
            self.tr(
                "outline the gold word alignment (the task's samples have one; typed text does not)"
            )
        )
        self.special_box = QtWidgets.QCheckBox(self.tr("hide special"))
        self.special_box.setToolTip(
            self.tr("leave out the rows and columns of [CLS], [SEP], <s>, </s>, <pad>, ...")
        )
        self.renormalise_box = QtWidgets.QCheckBox(self.tr("rows to 1"))
        self.renormalise_box.setToolTip(
            self.tr(
                "with special tokens hidden, rescale each row to sum to 1 (off: the model's "
                "own weights)"
            )
        )
        # the checkboxes, by the Display flag each one sets
        self.flags = {
            "gold": self.gold_box,
            "hide_special": self.special_box,
            "renormalise": self.renormalise_box,
        }
        for name, flag_box in self.flags.items():
            flag_box.toggled.connect(
                lambda on, name=name: self.sigDisplayChosen.emit(name, bool(on))
            )

    def show_display(self, display: Display) -> None:
        """Show ``display``'s choices (emits nothing)."""
        for name, box in self.boxes.items():
            if box.currentData() != getattr(display, name):
                blocked = box.blockSignals(True)
                box.setCurrentIndex(box.findData(getattr(display, name)))
                box.blockSignals(blocked)
        for name, flag_box in self.flags.items():
            if flag_box.isChecked() != getattr(display, name):
                blocked = flag_box.blockSignals(True)
                flag_box.setChecked(getattr(display, name))
                flag_box.blockSignals(blocked)
        self.renormalise_box.setEnabled(display.hide_special)
