"""Hugging Face models behind the project's interfaces (the optional extra
``attention-workbench[hf]``): encoder-decoders as ``Translator`` s, sequence-pair classifiers as
``Classifier`` s, causal language models as translators of a prompt into its continuation.

``transformers`` is imported only when a model is opened (``load_hf``), never by
``import core_models``. Models are loaded with eager attention: the default ``sdpa`` kernels
return no attention maps.
"""

from __future__ import annotations

from core_models.hf.loading import (
    HF_PREFIX,
    HFModelError,
    cached_models,
    is_hf_directory,
    is_hf_name,
    load_hf,
)

__all__ = ["HF_PREFIX", "HFModelError", "cached_models", "is_hf_directory", "is_hf_name", "load_hf"]
