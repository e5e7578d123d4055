"""Training configuration: frozen-ish dataclasses read from and written to TOML.

A config file has one top-level table per section below; an unknown key is reported with the file
and its dotted name (``run.toml: optim.learning_rate: unknown key; known: lr, ...``). TOML has no
null, so "off" is spelled 0 for numbers and "" for strings.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from core_models.data.tasks import TASKS
from core_models.errors import WorkbenchError
from core_models.models.registry import FAMILIES
from core_models.paths import BUNDLED_PREFIX
from core_models.tokenizers.segment import SEGMENTERS
from core_models.training.precision import PRECISIONS, legacy_precision

DEVICES = ("auto", "cpu", "cuda", "mps")
OPTIMIZERS = ("adam", "adamw")
SCHEDULES = ("constant", "noam", "cosine")
BATCH_UNITS = ("sentences", "tokens")
DATA_FORMATS = ("tatoeba", "parallel", "snli")
TOKENIZER_KINDS = ("word", "bpe", "unigram", "char")
VOCAB_FIELDS = ("vocab_size", "src_vocab_size", "tgt_vocab_size")  # set from the tokenizers
PATH_KEYS = ("train", "valid", "test", "glove")  # data keys naming files


class ConfigError(WorkbenchError, ValueError):
    """A configuration value that cannot be used; the message names the file and the field."""


@dataclass
class DataConfig:
    task: str = "copy"  # a bundled task name, or "" for user files
    train_size: int = 0  # generated / read training pairs (0: the task's default / the whole file)
    valid_size: int = 500  # validation pairs used for evaluation
    format: str = ""  # user files: one of DATA_FORMATS
    train: str = ""  # user files: path (parallel: prefix, e.g. data/train → train.en / train.fr)
    valid: str = ""  # user files: validation path ("": valid_size training pairs, drawn by seed)
    test: str = ""  # user files: a test file, held out for `evaluate --split test`
    # zip archives holding several files (SNLI's, glove.6B.zip): the member to read from each
    member: str = ""  # of data.train
    valid_member: str = ""
    test_member: str = ""
    glove_member: str = ""
    source_lang: str = "en"  # parallel files: suffixes
    target_lang: str = "fr"
    max_len: int = 50  # longest sequence in tokens (longer pairs are skipped in training)
    glove: str = ""  # GloVe text/zip file to initialise (NLI) embeddings

    def resolve_paths(self, folder: Path) -> None:
        """Read the relative file paths against ``folder`` (the config file's): there when the
        file is there, or when it is nowhere else; a path found only from the current folder
        (configs written before) or a bundled ``resources/…`` one stays as it is."""
        for key in PATH_KEYS:
            value = getattr(self, key)
            if not value or Path(value).is_absolute():
                continue
            beside = folder / value
            elsewhere = self._exists(Path(value), key) or value.startswith(BUNDLED_PREFIX)
            if self._exists(beside, key) or not elsewhere:
                setattr(self, key, str(beside))

    def _exists(self, path: Path, key: str) -> bool:
        if self.format == "parallel" and key != "glove":  # a prefix: train -> train.en, train.fr
            return Path(f"{path}.{self.source_lang}").exists()
        return path.exists()


@dataclass
class TokenizerConfig:
    kind: str = "word"  # one of TOKENIZER_KINDS
    vocab_size: int = 8000
    shared: bool = False  # one tokenizer for source and target
    # every kind (see core_models.tokenizers.text_options):
    lowercase: bool = False
    fold_punctuation: bool = False  # Unicode quotes, apostrophes, dashes -> ASCII
    # word tokenizer only:
    moses: bool = False  # Moses splitting and detokenisation, in data.source_lang / target_lang
    glove_words: bool = False  # the vocabulary also holds every word of data.glove
    segment: str = ""  # "jieba": Chinese cut into words (a bundled task's lexicon added to jieba's)


@dataclass
class ModelSection:
    family: str = "transformer"
    options: dict[str, Any] = field(
        default_factory=dict
    )  # the family's config fields (vocab sizes are set from the tokenizers)


@dataclass
class OptimConfig:
    optimizer: str = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.98)
    schedule: str = "constant"  # constant | noam (warmup + inverse sqrt) | cosine (warmup + cosine)
    warmup_steps: int = 0
    label_smoothing: float = 0.0
    clip_grad_norm: float = 1.0  # 0: no clipping


@dataclass
class RunConfig:
    batch_size: int = 64
    batch_unit: str = "sentences"  # sentences | tokens
    epochs: int = 0  # 0: no epoch limit
    max_steps: int = 1000  # 0: no step limit
    eval_every: int = 200  # steps
    checkpoint_every: int = 500  # steps
    early_stopping_patience: int = 0  # evaluations without improvement (0: never stop early)
    seed: int = 0
    device: str = "auto"
    threads: int = 0  # torch CPU threads (0: torch's default, OMP_NUM_THREADS or one per core)
    precision: str = "fp32"  # auto | fp32 | bf16 | fp16 (autocast; see training/precision.py)
    log_csv: bool = True  # write train_log.csv beside the checkpoint


@dataclass
class TrainConfig:
    name: str = "model"
    data: DataConfig = field(default_factory=DataConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    model: ModelSection = field(default_factory=ModelSection)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, Any]:
        return _toml_ready(asdict(self))

    def to_toml(self, path: str | Path) -> None:
        Path(path).write_text(tomli_w.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "config") -> TrainConfig:
        sections = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key not in sections:
                raise ConfigError(f"{source}: {key}: unknown key; known: {', '.join(sections)}")
            if key == "name":
                kwargs[key] = str(value)
                continue
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: [{key}] must be a table")
            if key == "run":
                value = upgrade_run_section(value, f"{source}: run")
            kwargs[key] = _section(sections[key].default_factory, value, f"{source}: {key}")
        config = cls(**kwargs)
        config.validate(source)
        return config

    @classmethod
    def from_toml(cls, path: str | Path) -> TrainConfig:
        path = Path(path)
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        config = cls.from_dict(values, source=str(path))
        config.data.resolve_paths(path.parent)
        return config

    def validate(self, source: str = "config") -> None:
        """Check choices, names and ranges; errors name ``source`` and the dotted key."""
        _choice(source, "optim.optimizer", self.optim.optimizer, OPTIMIZERS)
        _choice(source, "optim.schedule", self.optim.schedule, SCHEDULES)
        _choice(source, "run.batch_unit", self.run.batch_unit, BATCH_UNITS)
        _choice(source, "run.device", self.run.device, DEVICES)
        _choice(source, "run.precision", self.run.precision, PRECISIONS)
        _choice(source, "tokenizer.kind", self.tokenizer.kind, TOKENIZER_KINDS)
        if self.data.task:
            _choice(source, "data.task", self.data.task, tuple(TASKS))
        else:
            _choice(source, "data.format", self.data.format, DATA_FORMATS)
            if not self.data.train:
                raise ConfigError(
                    f"{source}: data.train: a training file is needed when no task is set"
                )
        self._validate_files(source)
        if self.run.max_steps <= 0 and self.run.epochs <= 0:
            raise ConfigError(f"{source}: run: set max_steps or epochs")
        for name in ("batch_size", "eval_every", "checkpoint_every"):
            if getattr(self.run, name) <= 0:
                raise ConfigError(f"{source}: run.{name} must be > 0")
        if self.run.threads < 0:
            raise ConfigError(f"{source}: run.threads must be >= 0 (0: torch's default)")
        if self.data.max_len < 2:
            raise ConfigError(f"{source}: data.max_len must be at least 2 tokens")
        if self.optim.lr <= 0:
            raise ConfigError(f"{source}: optim.lr must be > 0")
        if not 0.0 <= self.optim.label_smoothing < 1.0:
            raise ConfigError(f"{source}: optim.label_smoothing must be in [0, 1)")
        betas = self.optim.betas
        if len(betas) != 2 or not all(isinstance(b, int | float) and 0 <= b < 1 for b in betas):
            raise ConfigError(f"{source}: optim.betas must be two numbers in [0, 1)")
        self._validate_tokenizer(source)
        self._validate_model(source)

    def _validate_files(self, source: str) -> None:
        data = self.data
        if data.task and data.test:
            raise ConfigError(
                f"{source}: data.test: only for user files; task '{data.task}' has its own test "
                "split (evaluate --split test)"
            )
        members = {"member": "train", "valid_member": "valid", "test_member": "test"}
        for member, path in {**members, "glove_member": "glove"}.items():
            if getattr(data, member) and not getattr(data, path):
                raise ConfigError(
                    f"{source}: data.{member}: names a file inside the archive of data.{path}, "
                    f"which is not set"
                )
            if getattr(data, member) and data.format == "parallel" and path != "glove":
                raise ConfigError(
                    f"{source}: data.{member}: parallel files are read as they are, not from "
                    "an archive"
                )

    def _validate_tokenizer(self, source: str) -> None:
        word_only = ("moses", "glove_words", "segment")
        if self.tokenizer.kind != "word":
            for name in word_only:
                if getattr(self.tokenizer, name):
                    raise ConfigError(
                        f"{source}: tokenizer.{name}: only for tokenizer.kind = 'word', "
                        f"not '{self.tokenizer.kind}'"
                    )
        if self.tokenizer.segment:
            _choice(source, "tokenizer.segment", self.tokenizer.segment, SEGMENTERS)
        if self.tokenizer.glove_words and not self.data.glove:
            raise ConfigError(
                f"{source}: tokenizer.glove_words: needs the GloVe file in data.glove"
            )

    def _validate_model(self, source: str) -> None:
        _choice(source, "model.family", self.model.family, tuple(FAMILIES))
        config_class, _ = FAMILIES[self.model.family].classes()
        known = [f.name for f in fields(config_class)]
        for key in self.model.options:
            if key in VOCAB_FIELDS:
                raise ConfigError(
                    f"{source}: model.options.{key}: set from the trained tokenizer; "
                    "choose its size with tokenizer.vocab_size"
                )
            if key == "reverse_source" and key not in known:
                raise ConfigError(
                    f"{source}: model.options.reverse_source: a {self.model.family} model reads "
                    "its whole source at once, so the order it reads it in changes nothing; "
                    "the rnn, bahdanau and luong families have it"
                )
            if key not in known:
                settable = ", ".join(k for k in known if k not in VOCAB_FIELDS)
                raise ConfigError(
                    f"{source}: model.options.{key}: unknown option of model family "
                    f"'{self.model.family}'; known: {settable}"
                )
        vocab = {name: 1 for name in known if name in VOCAB_FIELDS}  # set later, from tokenizers
        try:  # the family's own checks: choices (score, cell, ...) and ranges
            config_class(**vocab, **self.model.options)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{source}: model.options: {error}") from None


def upgrade_run_section(run: dict[str, Any], where: str = "run") -> dict[str, Any]:
    """``run`` with the old boolean ``mixed_precision`` (configs and checkpoints written before
    ``precision``) replaced by ``precision``: true → "auto", false → "fp32"."""
    if "mixed_precision" not in run:
        return run
    if "precision" in run:
        raise ConfigError(
            f"{where}.mixed_precision: replaced by precision, which is set too; "
            "remove mixed_precision"
        )
    upgraded = {k: v for k, v in run.items() if k != "mixed_precision"}
    flag = run["mixed_precision"]
    if not isinstance(flag, bool):
        raise ConfigError(f"{where}.mixed_precision: expected bool, got {type(flag).__name__}")
    upgraded["precision"] = legacy_precision(flag)
    return upgraded


def _section(factory: Any, values: dict[str, Any], where: str) -> Any:
    default = factory()
    known = {f.name: f for f in fields(default)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}.{key}: unknown key; known: {', '.join(known)}")
        current = getattr(default, key)
        if isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        elif isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, type(current)) or (
            isinstance(value, bool) and not isinstance(current, bool)
        ):
            raise ConfigError(
                f"{where}.{key}: expected {type(current).__name__}, got {type(value).__name__} ({value!r})"
            )
        setattr(default, key, value)
    return default


def _choice(source: str, name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{source}: {name}: '{value}' is not one of {', '.join(choices)}")


def _toml_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value
