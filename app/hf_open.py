"""File ▸ Open Hugging Face model…: ask for a model name or a ``save_pretrained`` folder, offering
the models already in the local Hugging Face cache (the ones that open without a network)."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from core_models.hf import HF_PREFIX, cached_models


def hf_source(text: str) -> str | None:
    """What ``load_model`` opens for the user's text: a folder as it is, else ``hf:NAME``."""
    text = text.strip()
    if not text:
        return None
    if Path(text).expanduser().is_dir():
        return str(Path(text).expanduser())
    return text if text.startswith(HF_PREFIX) else HF_PREFIX + text


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


def ask_hf_model(parent: QtWidgets.QWidget) -> str | None:
    """The model to open (None: cancelled); the list holds the locally cached models."""
    cached = cached_models()
    where = (
        tr("{count} in the local cache; others download if the network allows").format(
            count=len(cached)
        )
        if cached
        else tr("the local Hugging Face cache holds none; a name downloads if the network allows")
    )
    text, chosen = QtWidgets.QInputDialog.getItem(
        parent,
        tr("Open Hugging Face model"),
        tr("Model name (e.g. Helsinki-NLP/opus-mt-en-fr) or folder; {where}:").format(where=where),
        cached,
        0,
        True,
    )
    return hf_source(text) if chosen else None
