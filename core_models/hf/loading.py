"""Open a Hugging Face model by ``hf:NAME`` (from the local cache first, then the hub) or from a
directory written by ``save_pretrained``, and wrap it by what it does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from core_models.errors import WorkbenchError
from core_models.training.checkpoint_files import CheckpointError, read_json

HF_PREFIX = "hf:"
TESTED = ">=5.25,<6"  # the transformers versions pyproject.toml's [hf] extra allows


class HFModelError(WorkbenchError):
    """A Hugging Face model that cannot be opened: missing extra, unknown name, no network."""


def is_hf_name(name: str | Path) -> bool:
    return isinstance(name, str) and name.startswith(HF_PREFIX)


def is_hf_directory(path: str | Path) -> bool:
    """A directory holding a ``transformers`` config.json (it names a ``model_type``)."""
    config = Path(path) / "config.json"
    if not config.is_file():
        return False
    try:
        value = read_json(config)  # size-capped, never a RecursionError
    except CheckpointError:
        return False  # not ours to judge: the project's loader names what is wrong with it
    return isinstance(value, dict) and "model_type" in value


def cached_models() -> list[str]:
    """The model names in the local Hugging Face cache (``hf:`` names), sorted."""
    try:
        from huggingface_hub import scan_cache_dir

        info = scan_cache_dir()
    except Exception:  # no cache directory, or huggingface_hub missing: nothing cached
        return []
    return sorted(HF_PREFIX + repo.repo_id for repo in info.repos if repo.repo_type == "model")


def _transformers() -> Any:
    try:
        import transformers
    except ImportError as error:
        raise HFModelError(
            "opening a Hugging Face model needs transformers: pip install 'attention-workbench[hf]'"
        ) from error
    return transformers


def _from_pretrained(source: str, local_only: bool) -> tuple[Any, Any, Any]:
    transformers = _transformers()
    config = transformers.AutoConfig.from_pretrained(source, local_files_only=local_only)
    architectures = " ".join(config.architectures or [])
    if config.is_encoder_decoder:
        auto = transformers.AutoModelForSeq2SeqLM
    elif "ForSequenceClassification" in architectures:
        auto = transformers.AutoModelForSequenceClassification
    elif "CausalLM" in architectures or "LMHeadModel" in architectures:
        auto = transformers.AutoModelForCausalLM
    else:
        raise HFModelError(
            f"{source}: a {config.model_type} model ({architectures or 'no architecture'}) is "
            "neither a seq2seq model, a sequence classifier nor a causal language model"
        )
    model = auto.from_pretrained(source, local_files_only=local_only, attn_implementation="eager")
    tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local_only)
    return config, model, tokenizer


def _open(source: str, local: bool) -> tuple[Any, Any, Any]:
    """From the local cache (or directory); a name not cached is fetched unless offline."""
    try:
        return _from_pretrained(source, local_only=True)
    except OSError:
        if local or os.environ.get("HF_HUB_OFFLINE"):
            raise
        return _from_pretrained(source, local_only=False)


def load_hf(name_or_path: str | Path) -> Any:
    """The wrapper (``HFTranslator``, ``HFClassifier`` or ``HFLanguageModel``) of a model name
    (``hf:Helsinki-NLP/opus-mt-en-fr``) or a ``save_pretrained`` directory."""
    local = not is_hf_name(name_or_path)
    source = str(name_or_path).removeprefix(HF_PREFIX)
    try:
        config, model, tokenizer = _open(source, local)
    except HFModelError:
        raise
    except (OSError, ValueError, KeyError) as error:
        cached = ", ".join(cached_models()) or "none"
        where = "directory" if local else "model (offline, or not on the hub)"
        raise HFModelError(
            f"cannot open Hugging Face {where} '{source}': {str(error).splitlines()[0]}; "
            f"models in the local cache: {cached}"
        ) from error
    return wrap(config, model, tokenizer, source)


def wrap(config: Any, model: Any, tokenizer: Any, source: str) -> Any:
    from core_models.hf.causal import HFLanguageModel
    from core_models.hf.classifier import HFClassifier
    from core_models.hf.translator import HFTranslator

    name = Path(source).name if Path(source).is_dir() else source
    if config.is_encoder_decoder:
        return HFTranslator(model, tokenizer, name, source)
    if "ForSequenceClassification" in " ".join(config.architectures or []):
        return HFClassifier(model, tokenizer, name, source)
    return HFLanguageModel(model, tokenizer, name, source)
