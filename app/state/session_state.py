"""What a Session holds, as plain frozen data: the inputs, the decoding options, the sample the
user picked; and ``decode``, the one call that runs a model (on a worker thread). The display
options are ``app.state.display.Display``."""

from __future__ import annotations

from dataclasses import dataclass

from app.state.records import Model, Result
from core_models.inference import Translator


@dataclass(frozen=True)
class Inputs:
    """What the user typed. ``reference``: a target to force-decode ("" for free decoding)."""

    source: str = ""
    reference: str = ""
    premise: str = ""
    hypothesis: str = ""


@dataclass(frozen=True)
class DecodeOptions:
    """beam 1 is greedy decoding; max_len 0 lets the translator choose (2 × source + 10)."""

    beam: int = 1
    max_len: int = 0


@dataclass(frozen=True)
class Sample:
    """A task example the user picked: its gold alignment applies while its text is unchanged."""

    inputs: Inputs
    alignment: tuple | None = None
    label: str | None = None  # NLI gold label


def decode(model: Model, inputs: Inputs, options: DecodeOptions, gold: tuple | None) -> Result:
    """Run the model on ``inputs`` (on a worker thread)."""
    if isinstance(model, Translator):
        return model.translate(
            inputs.source,
            beam=options.beam,
            max_len=options.max_len,
            reference=inputs.reference or None,
            gold_alignment=gold,
        )
    return model.classify(inputs.premise, inputs.hypothesis, gold_alignment=gold)
