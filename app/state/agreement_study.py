"""Do the explanations agree? The agreement table of the model on show, for the app (issue 18;
``core_models.explain.agreement``): on request, for the sentence on show or over the first N
examples of its task's test split, each method's AER against the gold alignments and the rank
correlations (Spearman ρ, Kendall τ-b) between every two methods. It runs on its own worker
thread, on a clean copy of the model (so the Session goes on decoding meanwhile).

The sentence on show becomes a pair as the core takes it: the model is forced to produce a target
(the reference the user typed, else the sample's target, else its own output); the gold links
come along when the text is one of its task's test samples (the first ``SAMPLE_SEARCH``) with that
target. An NLI pair's label is the gold one, else the model's (the table does not use it).

Cost, measured on the bundled transformer-en-fr (one thread, ``agreement`` per sentence, mean
of 10 test sentences): the attention maps, rollout and saliency / input × gradient 86 ms, attention
flow about 70 ms more, integrated gradients (64 steps) about 510 ms more: flow and integrated
gradients are the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6 import QtCore

from app.state.model_study import ModelStudy
from core_models.cli_explain import ATTRIBUTIONS, method_group
from core_models.models.registry import FAMILIES

if TYPE_CHECKING:
    from app.state.session_state import DecodeOptions, Inputs
    from core_models.explain.agreement import Agreement

FLOW_FAMILIES = ("transformer", "encoder_classifier")  # the families with self-attention to flow
SAMPLE_SEARCH = 200  # test samples a typed sentence is looked for in (the Samples list shows 10)
GROUPS = ("raw", "mean", "rollout", "flow", "gradients")  # what the view's filter shows or hides
IG_STEPS = 64  # integrated gradients' interpolation steps (the CLI's default)


def group_of(method: str) -> str:
    """The filter group of a method name: the CLI's group, the three gradient methods as one."""
    group = method_group(method)
    return "gradients" if group in ATTRIBUTIONS else group


@dataclass(frozen=True, eq=False)
class AgreementResult:
    """What ``AgreementStudy`` found. task_kind: "translation" or "nli"; scope: "sentence" or
    "split"; subject: the sentence (its pair's texts) or the number of test examples; table: the
    core's ``Agreement``."""

    model_name: str
    task_kind: str
    scope: str
    subject: str
    table: Agreement

    @property
    def has_gold(self) -> bool:
        return bool(self.table.aer)

    @property
    def has_attention(self) -> bool:
        """False for a model without attention (a fixed context): gradient methods only."""
        return any(group_of(name) != "gradients" for name in self.table.methods)

    def best(self, methods: list[str]) -> list[str]:
        """The methods of ``methods`` with the lowest AER, ties all ([] without gold links)."""
        scores = [self.table.aer[name] for name in methods if name in self.table.aer]
        return [name for name in methods if scores and self.table.aer.get(name) == min(scores)]


class AgreementStudy(ModelStudy):
    """Runs the agreement table of a Session's model off the GUI thread; sigProgress counts the
    examples done (total 0 for one sentence: busy, no count)."""

    result: AgreementResult | None

    def __init__(self, session, parent: QtCore.QObject | None = None) -> None:
        super().__init__(session, "agreement", parent)
        self.steps = IG_STEPS

    def offers(self) -> tuple[bool, bool]:
        """Whether flow and integrated gradients apply to the model on show: flow to the
        Transformer families, the gradient methods to translation models."""
        family = FAMILIES.get(getattr(self.session.model, "family", ""))
        if family is None:
            return False, False
        return family.name in FLOW_FAMILIES, family.task_kind == "translation"

    def run_sentence(self, with_flow: bool = True, with_ig: bool = True) -> None:
        """The table of the sentence on show (the Session's inputs)."""
        model = self.session.model
        refusal = self._refusal(model) or self.session.missing_input()
        if refusal:
            self.sigFailed.emit(refusal)
            return
        inputs, options = self.session.inputs, self.session.options
        kind = self.session.task_kind
        settings = self._settings(with_flow, with_ig)

        def job() -> AgreementResult:
            from core_models.explain.ablation import clean_copy
            from core_models.explain.agreement import agreement

            twin = clean_copy(model)
            pair = sentence_pair(twin, inputs, options)
            table = agreement(twin, [pair], **settings)
            return AgreementResult(model.name, kind, "sentence", pair_text(pair), table)

        self._start(job, 0)

    def run_split(self, size: int, with_flow: bool = True, with_ig: bool = True) -> None:
        """The table over the first ``size`` examples of the model's task's test split."""
        model = self.session.model
        refusal = self._refusal(model)
        if refusal:
            self.sigFailed.emit(refusal)
            return
        no_examples = QtCore.QCoreApplication.translate(
            "AgreementStudy", "{0} has no task examples: it was trained on your own files"
        ).format(model.name)
        settings = self._settings(with_flow, with_ig)
        kind = self.session.task_kind
        done, total = [0], [size]

        def step(count: int) -> None:
            done[0] += count
            self.sigProgress.emit(done[0], total[0])

        def job() -> AgreementResult:
            from core_models.explain.ablation import clean_copy
            from core_models.explain.agreement import agreement

            examples = model.samples(size)  # here: all 2100 NLI test pairs take seconds
            if not examples:
                raise ValueError(no_examples)
            total[0] = len(examples)
            table = agreement(clean_copy(model), examples, progress=step, **settings)
            return AgreementResult(model.name, kind, "split", str(len(examples)), table)

        self._start(job, size)

    def _settings(self, with_flow: bool, with_ig: bool) -> dict:
        """The core's keyword arguments: flow or not, which gradient methods, IG's steps."""
        wanted = [name for name in ATTRIBUTIONS if with_ig or name != "integrated_gradients"]
        return {"with_flow": with_flow, "steps": self.steps, "attributions": wanted}

    def _refusal(self, model) -> str:
        """Why the table cannot be made for ``model`` ("" when it can)."""
        translate = QtCore.QCoreApplication.translate
        if model is None:
            return translate("AgreementStudy", "no model open")
        if model.family not in FAMILIES:
            return translate(
                "AgreementStudy",
                "{0} is a Hugging Face model: the agreement table reads the maps of the "
                "workbench's own model families",
            ).format(model.name)
        return ""


def sentence_pair(model, inputs: Inputs, options: DecodeOptions):
    """The pair the core reads for the sentence on show (on the worker thread: it may decode).
    A test sample with the same text (and target, if a reference was typed) brings its gold
    links; otherwise the target is the reference, else the model's own output (with the
    Session's decoding options), and an NLI label the model's."""
    from core_models.data.pairs import NLIPair, TranslationPair
    from core_models.inference import Translator

    samples = model.samples(SAMPLE_SEARCH)
    if isinstance(model, Translator):
        source, reference = inputs.source, inputs.reference
        for pair in samples:
            if pair.source.strip() == source.strip() and reference in ("", pair.target):
                return pair
        if not reference:
            output = model.translate(source, beam=options.beam, max_len=options.max_len)
            reference = output.output_text
        return TranslationPair(source, reference)
    premise, hypothesis = inputs.premise, inputs.hypothesis
    for pair in samples:
        if (pair.premise.strip(), pair.hypothesis.strip()) == (premise.strip(), hypothesis.strip()):
            return pair
    return NLIPair(premise, hypothesis, model.classify(premise, hypothesis).label)


def pair_text(pair) -> str:
    """A pair's two texts as the view names the sentence: "source → target" / "premise | hyp."."""
    from core_models.data.pairs import TranslationPair

    if isinstance(pair, TranslationPair):
        return f"{pair.source} → {pair.target}"
    return f"{pair.premise} | {pair.hypothesis}"
