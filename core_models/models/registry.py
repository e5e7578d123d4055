"""One registry of model families: name -> (config class, model class, task kind)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the table itself is read without torch (attention-workbench models)
    from core_models.models.base import ModelConfig, NLIModel, Seq2SeqModel


@dataclass(frozen=True)
class Family:
    name: str
    task_kind: str  # "translation" or "nli"
    module: str
    model_class: str
    config_class: str
    description: str

    def classes(self) -> tuple[type[ModelConfig], type[Seq2SeqModel] | type[NLIModel]]:
        module = importlib.import_module(self.module)
        return getattr(module, self.config_class), getattr(module, self.model_class)


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            "rnn",
            "translation",
            "core_models.models.rnn",
            "RNNSeq2Seq",
            "RNNConfig",
            "GRU/LSTM encoder-decoder with a fixed context vector (Sutskever et al. 2014; Cho et al. 2014)",
        ),
        Family(
            "bahdanau",
            "translation",
            "core_models.models.bahdanau",
            "BahdanauSeq2Seq",
            "BahdanauConfig",
            "GRU encoder-decoder with additive attention over every encoder state (Bahdanau et al. 2015)",
        ),
        Family(
            "luong",
            "translation",
            "core_models.models.luong",
            "LuongSeq2Seq",
            "LuongConfig",
            "Bi-LSTM encoder, LSTM decoder with input feeding and global/local attention (Luong et al. 2015)",
        ),
        Family(
            "transformer",
            "translation",
            "core_models.models.transformer",
            "TransformerSeq2Seq",
            "TransformerConfig",
            "Transformer encoder-decoder (Vaswani et al. 2017)",
        ),
        Family(
            "decomposable",
            "nli",
            "core_models.models.decomposable",
            "DecomposableAttention",
            "DecomposableConfig",
            "Decomposable attention: attend, compare, aggregate (Parikh et al. 2016)",
        ),
        Family(
            "encoder_classifier",
            "nli",
            "core_models.models.encoder_classifier",
            "EncoderClassifier",
            "EncoderClassifierConfig",
            "Transformer encoder over [CLS] premise [SEP] hypothesis (Devlin et al. 2019)",
        ),
    )
}


def get_family(name: str) -> Family:
    if name not in FAMILIES:
        raise ValueError(f"unknown model family '{name}'; choose one of {', '.join(FAMILIES)}")
    return FAMILIES[name]


def make_config(family: str, values: dict[str, Any]) -> ModelConfig:
    """The family's config from a dict; unknown fields are named in the error."""
    config_class, _ = get_family(family).classes()
    known = {f.name for f in fields(config_class)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown)} for model family '{family}'; "
            f"known fields: {', '.join(sorted(known))}"
        )
    return config_class(**values)


def build_model(family: str, config: ModelConfig | dict[str, Any]) -> Seq2SeqModel | NLIModel:
    """Instantiate a model of ``family`` from its config (or a dict of config fields)."""
    if isinstance(config, dict):
        config = make_config(family, config)
    _, model_class = get_family(family).classes()
    return model_class(config)


def build_skeleton(family: str, config: ModelConfig | dict[str, Any]) -> Seq2SeqModel | NLIModel:
    """``build_model`` on torch's meta device: shapes and dtypes only, nothing allocated and
    nothing initialised (there are no values to fill). Skipping the initialisers also keeps torch
    from importing ``torch._dynamo`` (~1 s) for the Python meta kernel of ``normal_``."""
    import torch

    from core_models.models.skip_init import SkipInit

    with torch.device("meta"), SkipInit():
        return build_model(family, config)
