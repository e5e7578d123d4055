"""Whether the text in the input boxes suits a newly opened model, and the sample to show instead.

Switching model kept the old input even when it was nonsense for the new one (a dates model given
"the cat sleeps ." answered a date; an NLI model opened on empty boxes). ``misfit`` says why the
input does not suit the model: nothing to read in its boxes, a sample of another task, or mostly
words the model never saw in training.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.state.records import Model
from app.state.session_state import Inputs
from core_models.inference import Translator

EMPTY = "empty"  # the model's boxes are empty: a sample replaces nothing of the user's


def task_text(model: Model, inputs: Inputs) -> str:
    """The text of ``inputs`` that ``model`` reads ("" when one of its boxes is empty)."""
    if isinstance(model, Translator):
        return inputs.source.strip()
    if inputs.premise.strip() and inputs.hypothesis.strip():
        return f"{inputs.premise.strip()} {inputs.hypothesis.strip()}"
    return ""


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QCoreApplication.translate("", text)


def misfit(model: Model, inputs: Inputs, sample_task: str | None) -> str:
    """Why ``inputs`` do not suit ``model`` ("" when they do): ``EMPTY``, a sample of another task
    (``sample_task``: the task of the sample the inputs are, None when the user typed them), or
    mostly unknown words (at least half of the distinct words)."""
    text = task_text(model, inputs)
    if not text:
        return EMPTY
    task = model.task or tr("the user's files")
    if sample_task is not None and sample_task != model.task:
        return tr("the text was a sample of {sample}, not of {task}").format(
            sample=sample_task or tr("another model"), task=task
        )
    tokenizer = model.source_tokenizer if isinstance(model, Translator) else model.tokenizer
    words = set(tokenizer.words(text))
    unknown = tokenizer.unknown_words(text)
    if words and 2 * len(unknown) >= len(words):
        return tr("{unknown} of its {words} distinct words were never seen in {task}").format(
            unknown=len(unknown), words=len(words), task=task
        )
    return ""
