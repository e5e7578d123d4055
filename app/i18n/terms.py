"""What the interface names that the Qt-free layers define, translated (context "Terms"): the
record's token sides and map kinds, display choices, NLI labels, model options, the descriptions of
bundled tasks, model families and downloadable datasets; and the map and span titles. A name this
module does not list shows as it is (a kind: its identifier with spaces). QtCore only: app.state
and the views both use it."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core_models.record import ATTRIBUTION_KINDS

SIDE_NAMES = {
    "source": QT_TRANSLATE_NOOP("Terms", "source"),
    "target": QT_TRANSLATE_NOOP("Terms", "target"),
    "target_input": QT_TRANSLATE_NOOP("Terms", "target input"),
    "premise": QT_TRANSLATE_NOOP("Terms", "premise"),
    "hypothesis": QT_TRANSLATE_NOOP("Terms", "hypothesis"),
    "pair": QT_TRANSLATE_NOOP("Terms", "pair"),
    "label": QT_TRANSLATE_NOOP("Terms", "label"),
    "context": QT_TRANSLATE_NOOP("Terms", "context"),
}

KIND_NAMES = {
    "encoder_self": QT_TRANSLATE_NOOP("Terms", "encoder self"),
    "decoder_self": QT_TRANSLATE_NOOP("Terms", "decoder self"),
    "cross": QT_TRANSLATE_NOOP("Terms", "cross"),
    "premise_to_hypothesis": QT_TRANSLATE_NOOP("Terms", "premise to hypothesis"),
    "hypothesis_to_premise": QT_TRANSLATE_NOOP("Terms", "hypothesis to premise"),
    "premise_self": QT_TRANSLATE_NOOP("Terms", "premise self"),
    "hypothesis_self": QT_TRANSLATE_NOOP("Terms", "hypothesis self"),
    "pair_self": QT_TRANSLATE_NOOP("Terms", "pair self"),
    "prompt_self": QT_TRANSLATE_NOOP("Terms", "prompt self"),
    "causal_self": QT_TRANSLATE_NOOP("Terms", "causal self"),
    "encoder_self_rollout": QT_TRANSLATE_NOOP("Terms", "encoder self rollout"),
    "encoder_self_flow": QT_TRANSLATE_NOOP("Terms", "encoder self flow"),
    "cross_rollout": QT_TRANSLATE_NOOP("Terms", "cross rollout"),
    "cross_flow": QT_TRANSLATE_NOOP("Terms", "cross flow"),
    "pair_self_rollout": QT_TRANSLATE_NOOP("Terms", "pair self rollout"),
    "pair_self_flow": QT_TRANSLATE_NOOP("Terms", "pair self flow"),
    "saliency": QT_TRANSLATE_NOOP("Terms", "saliency"),
    "input_x_gradient": QT_TRANSLATE_NOOP("Terms", "input x gradient"),
    "integrated_gradients": QT_TRANSLATE_NOOP("Terms", "integrated gradients"),
    "label_saliency": QT_TRANSLATE_NOOP("Terms", "label saliency"),
    "label_input_x_gradient": QT_TRANSLATE_NOOP("Terms", "label input x gradient"),
    "label_integrated_gradients": QT_TRANSLATE_NOOP("Terms", "label integrated gradients"),
}

# The display choices a view's boxes offer by name (colour maps keep their own names).
CHOICE_NAMES = {
    "linear": QT_TRANSLATE_NOOP("Terms", "linear"),
    "log": QT_TRANSLATE_NOOP("Terms", "log"),
    "global": QT_TRANSLATE_NOOP("Terms", "global"),
    "row": QT_TRANSLATE_NOOP("Terms", "row"),
}

# The bundled tasks' descriptions (core_models.data.tasks, which has no Qt), by task name.
TASK_DESCRIPTIONS = {
    "copy": QT_TRANSLATE_NOOP(
        "Terms", "Copy a sequence of symbols: attention learns the diagonal."
    ),
    "reverse": QT_TRANSLATE_NOOP(
        "Terms", "Reverse a sequence of symbols: attention learns the anti-diagonal."
    ),
    "dates": QT_TRANSLATE_NOOP(
        "Terms", "Human-written dates in many formats to ISO 8601 (2021-03-03)."
    ),
    "en-fr": QT_TRANSLATE_NOOP(
        "Terms",
        "English to French from a controlled grammar: gender, agreement, adjective order, ne…pas.",
    ),
    "en-de": QT_TRANSLATE_NOOP(
        "Terms",
        "English to German from a controlled grammar: verb-second, verb-final clauses, "
        "separable verbs, case.",
    ),
    "zh-en": QT_TRANSLATE_NOOP(
        "Terms",
        "Chinese to English from a controlled grammar: measure words, time and place before "
        "the verb, 的 relative clauses, 不 / 没, 吗 questions.",
    ),
    "en-zh": QT_TRANSLATE_NOOP(
        "Terms",
        "English to Chinese from the zh-en grammar: measure words, time and place before the "
        "verb, 的 relative clauses, 不 / 没, 吗 questions.",
    ),
    "nli": QT_TRANSLATE_NOOP(
        "Terms",
        "Premise / hypothesis pairs: entailment, neutral, contradiction from lexical relations.",
    ),
}

NLI_LABEL_NAMES = {
    "entailment": QT_TRANSLATE_NOOP("Terms", "entailment"),
    "neutral": QT_TRANSLATE_NOOP("Terms", "neutral"),
    "contradiction": QT_TRANSLATE_NOOP("Terms", "contradiction"),
}

# The model families' descriptions (core_models.models.registry), by family.
FAMILY_DESCRIPTIONS = {
    "rnn": QT_TRANSLATE_NOOP(
        "Terms",
        "GRU/LSTM encoder-decoder with a fixed context vector (Sutskever et al. 2014; "
        "Cho et al. 2014)",
    ),
    "bahdanau": QT_TRANSLATE_NOOP(
        "Terms",
        "GRU encoder-decoder with additive attention over every encoder state "
        "(Bahdanau et al. 2015)",
    ),
    "luong": QT_TRANSLATE_NOOP(
        "Terms",
        "Bi-LSTM encoder, LSTM decoder with input feeding and global/local attention "
        "(Luong et al. 2015)",
    ),
    "transformer": QT_TRANSLATE_NOOP("Terms", "Transformer encoder-decoder (Vaswani et al. 2017)"),
    "decomposable": QT_TRANSLATE_NOOP(
        "Terms", "Decomposable attention: attend, compare, aggregate (Parikh et al. 2016)"
    ),
    "encoder_classifier": QT_TRANSLATE_NOOP(
        "Terms",
        "Transformer encoder over [CLS] premise [SEP] hypothesis (Devlin et al. 2019)",
    ),
}

# The Train tab's model options (app.train.presets.model_fields), by field name.
FIELD_NAMES = {
    "attention_type": QT_TRANSLATE_NOOP("Terms", "attention type"),
    "bidirectional": QT_TRANSLATE_NOOP("Terms", "bidirectional"),
    "cell": QT_TRANSLATE_NOOP("Terms", "cell"),
    "d_model": QT_TRANSLATE_NOOP("Terms", "d model"),
    "decoder_layers": QT_TRANSLATE_NOOP("Terms", "decoder layers"),
    "dropout": QT_TRANSLATE_NOOP("Terms", "dropout"),
    "embed_size": QT_TRANSLATE_NOOP("Terms", "embed size"),
    "encoder_layers": QT_TRANSLATE_NOOP("Terms", "encoder layers"),
    "ff_size": QT_TRANSLATE_NOOP("Terms", "ff size"),
    "freeze_embeddings": QT_TRANSLATE_NOOP("Terms", "freeze embeddings"),
    "hard": QT_TRANSLATE_NOOP("Terms", "hard"),
    "heads": QT_TRANSLATE_NOOP("Terms", "heads"),
    "hidden_size": QT_TRANSLATE_NOOP("Terms", "hidden size"),
    "intra_attention": QT_TRANSLATE_NOOP("Terms", "intra attention"),
    "layers": QT_TRANSLATE_NOOP("Terms", "layers"),
    "max_distance": QT_TRANSLATE_NOOP("Terms", "max distance"),
    "max_len": QT_TRANSLATE_NOOP("Terms", "max len"),
    "norm": QT_TRANSLATE_NOOP("Terms", "norm"),
    "num_layers": QT_TRANSLATE_NOOP("Terms", "num layers"),
    "positions": QT_TRANSLATE_NOOP("Terms", "positions"),
    "reverse_source": QT_TRANSLATE_NOOP("Terms", "reverse source"),
    "score": QT_TRANSLATE_NOOP("Terms", "score"),
    "share_source_embedding": QT_TRANSLATE_NOOP("Terms", "share source embedding"),
    "tie_embeddings": QT_TRANSLATE_NOOP("Terms", "tie embeddings"),
    "window": QT_TRANSLATE_NOOP("Terms", "window"),
}

TASK_KINDS = {
    "translation": QT_TRANSLATE_NOOP("Terms", "translation"),
    "nli": QT_TRANSLATE_NOOP("Terms", "nli"),
}

# The download catalogue's datasets (core_models.data.download), by name; licences stay as
# written.
DATASET_DESCRIPTIONS = {
    "fra-eng": QT_TRANSLATE_NOOP(
        "Terms",
        "English-French sentence pairs from Tatoeba (manythings.org), as in d2l.ai: fra.txt",
    ),
    "cmn-eng": QT_TRANSLATE_NOOP(
        "Terms",
        "English-Chinese (Mandarin) sentence pairs from Tatoeba (manythings.org): cmn.txt",
    ),
    "snli": QT_TRANSLATE_NOOP(
        "Terms", "Stanford Natural Language Inference 1.0: 570k premise/hypothesis pairs"
    ),
    "multinli": QT_TRANSLATE_NOOP(
        "Terms", "Multi-Genre NLI 1.0: 433k pairs, matched and mismatched dev sets"
    ),
    "multi30k": QT_TRANSLATE_NOOP(
        "Terms",
        "Multi30k task 1: image captions in English, German, French, Czech (29k train)",
    ),
    "glove.6B": QT_TRANSLATE_NOOP(
        "Terms",
        "GloVe 6B word vectors (Wikipedia 2014 + Gigaword 5): 400k words, 50-300 dims, 822 MB",
    ),
}


def _name(names: dict[str, str], key: str, otherwise: str) -> str:
    """``names[key]`` in the interface language, else ``otherwise``."""
    name = names.get(key)
    return QCoreApplication.translate("Terms", name) if name else otherwise


def _description(descriptions: dict[str, str], key: str, description: str) -> str:
    """``description`` in the interface language when it is the one listed under ``key`` (one
    edited in core_models shows as it is until the list here follows)."""
    listed = descriptions.get(key) == description
    return _name(descriptions, key, description) if listed else description


def family_description(family: str, description: str) -> str:
    """Family ``family``'s ``description`` in the interface language (as it is if not listed)."""
    return _description(FAMILY_DESCRIPTIONS, family, description)


def field_name(field: str) -> str:
    """A model option ("d_model", …) in the interface language (else with spaces)."""
    return _name(FIELD_NAMES, field, field.replace("_", " "))


def task_kind_name(kind: str) -> str:
    """A task kind ("translation", "nli") in the interface language (others as they are)."""
    return _name(TASK_KINDS, kind, kind)


def label_name(label: str) -> str:
    """An NLI label ("entailment", …) in the interface language (others as they are)."""
    return _name(NLI_LABEL_NAMES, label, label)


def dataset_description(name: str, description: str) -> str:
    """Dataset ``name``'s ``description`` in the interface language (as it is if not listed)."""
    return _description(DATASET_DESCRIPTIONS, name, description)


def task_description(task: str, description: str) -> str:
    """Task ``task``'s ``description`` in the interface language (as it is if not listed)."""
    return _description(TASK_DESCRIPTIONS, task, description)


def choice_name(choice: str) -> str:
    """A display choice ("log", "row", …) in the interface language (others as they are)."""
    return _name(CHOICE_NAMES, choice, choice)


def side_name(side: str) -> str:
    """A token side ("source", "premise", …) in the interface language."""
    return _name(SIDE_NAMES, side, side)


def kind_name(kind: str) -> str:
    """A map kind ("cross", "encoder_self", …) in the interface language; a kind this list does
    not name is shown as its identifier with spaces."""
    return _name(KIND_NAMES, kind, kind.replace("_", " "))


def describe_map(kind: str, layer: int, head: int | str) -> str:
    """A map's title in the interface language, e.g. "cross · layer 1 · head 2" (the words of
    ``app.figures.paint.describe``, which stays English and Qt-free for figures); an attribution
    map, which has no layers or heads, by its kind alone."""
    if kind in ATTRIBUTION_KINDS:
        return kind_name(kind)
    heads = (
        QCoreApplication.translate("Selection", "mean of heads")
        if head == "mean"
        else QCoreApplication.translate("Selection", "head {head}").format(head=head)
    )
    return QCoreApplication.translate("Selection", "{kind} · layer {layer} · {head}").format(
        kind=kind_name(kind), layer=layer, head=heads
    )


def describe_span(side: str, first: int, last: int) -> str:
    """A token span in the interface language, e.g. "source tokens 2–4" (see describe_map)."""
    if first == last:
        return QCoreApplication.translate("Selection", "{side} token {index}").format(
            side=side_name(side), index=first
        )
    return QCoreApplication.translate("Selection", "{side} tokens {first}–{last}").format(
        side=side_name(side), first=first, last=last
    )
