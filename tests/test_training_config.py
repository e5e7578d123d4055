"""Training configs in TOML: round trip, and errors that name the file and the dotted key."""

from pathlib import Path

import pytest
from tiny_training import tiny_config

from core_models.training.config import ConfigError, TrainConfig


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        TrainConfig.from_toml(path)
    return str(caught.value)


def test_config_survives_a_toml_round_trip(tmp_path):
    config = tiny_config(
        optim={"betas": (0.8, 0.9), "schedule": "noam", "warmup_steps": 7},
        run={"batch_unit": "tokens", "early_stopping_patience": 2},
        tokenizer={"shared": True},
    )
    config.to_toml(tmp_path / "saved.toml")
    again = TrainConfig.from_toml(tmp_path / "saved.toml")
    assert again == config
    assert again.optim.betas == (0.8, 0.9)
    assert again.model.options["d_model"] == 16


def test_defaults_fill_sections_left_out(tmp_path):
    config = TrainConfig.from_toml(write(tmp_path, '[data]\ntask = "reverse"\n'))
    assert config.data.task == "reverse"
    assert config.run == TrainConfig().run


def test_integer_is_accepted_for_a_float_field(tmp_path):
    config = TrainConfig.from_toml(write(tmp_path, "[optim]\nlr = 1\n"))
    assert config.optim.lr == 1.0 and isinstance(config.optim.lr, float)


def test_unknown_key_names_file_dotted_key_and_known_keys(tmp_path):
    path = write(tmp_path, "[optim]\nlearning_rate = 0.1\n")
    message = error_of(path)
    assert str(path) in message
    assert "optim.learning_rate: unknown key" in message
    assert "lr" in message.split("known:")[1]


def test_unknown_section_is_named(tmp_path):
    message = error_of(write(tmp_path, "[training]\nsteps = 3\n"))
    assert "training: unknown key" in message and "optim" in message


def test_wrong_type_names_key_and_types(tmp_path):
    message = error_of(write(tmp_path, '[run]\nmax_steps = "ten"\n'))
    assert "run.max_steps: expected int, got str ('ten')" in message


def test_boolean_is_not_taken_for_a_number(tmp_path):
    assert "run.max_steps: expected int, got bool" in error_of(
        write(tmp_path, "[run]\nmax_steps = true\n")
    )


def test_section_must_be_a_table(tmp_path):
    assert "[run] must be a table" in error_of(write(tmp_path, "run = 3\n"))


def test_bad_choice_lists_the_valid_choices(tmp_path):
    message = error_of(write(tmp_path, '[optim]\nschedule = "linear"\n'))
    assert "optim.schedule: 'linear' is not one of constant, noam, cosine" in message


def test_unknown_task_lists_the_tasks(tmp_path):
    message = error_of(write(tmp_path, '[data]\ntask = "copying"\n'))
    assert "data.task: 'copying' is not one of" in message and "reverse" in message


def test_unknown_model_family_lists_the_families(tmp_path):
    message = error_of(write(tmp_path, '[model]\nfamily = "lstm"\n'))
    assert "model.family: 'lstm' is not one of" in message and "bahdanau" in message


def test_unknown_model_option_lists_the_family_options(tmp_path):
    message = error_of(write(tmp_path, '[model]\nfamily = "transformer"\noptions = {dmodel = 8}\n'))
    assert "model.options.dmodel: unknown option of model family 'transformer'" in message
    assert "d_model" in message and "src_vocab_size" not in message


def test_vocabulary_size_comes_from_the_tokenizer(tmp_path):
    message = error_of(write(tmp_path, "[model.options]\nsrc_vocab_size = 100\n"))
    assert "model.options.src_vocab_size" in message and "tokenizer.vocab_size" in message


def test_model_options_must_be_a_table(tmp_path):
    assert "model.options: expected dict" in error_of(write(tmp_path, "[model]\noptions = 3\n"))


def test_user_files_need_a_format_and_a_training_file(tmp_path):
    message = error_of(write(tmp_path, '[data]\ntask = ""\nformat = "parallel"\n'))
    assert "data.train: a training file is needed" in message
    message = error_of(write(tmp_path, '[data]\ntask = ""\nformat = "csv"\ntrain = "x"\n'))
    assert "data.format: 'csv' is not one of tatoeba, parallel, snli" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[run]\nmax_steps = 0\nepochs = 0\n", "run: set max_steps or epochs"),
        ("[run]\nbatch_size = 0\n", "run.batch_size must be > 0"),
        ("[run]\nthreads = -1\n", "run.threads must be >= 0 (0: torch's default)"),
        ("[optim]\nlr = -1.0\n", "optim.lr must be > 0"),
        ("[optim]\nlabel_smoothing = 1.5\n", "optim.label_smoothing must be in [0, 1)"),
        ("[optim]\nbetas = [0.9]\n", "optim.betas must be two numbers in [0, 1)"),
    ],
)
def test_out_of_range_values_are_named(tmp_path, text, expected):
    assert expected in error_of(write(tmp_path, text))


def test_missing_file_is_named(tmp_path):
    assert "no such config file" in error_of(tmp_path / "absent.toml")


def test_invalid_toml_reports_the_line(tmp_path):
    message = error_of(write(tmp_path, "[run]\nmax_steps = \n"))
    assert "not valid TOML" in message and "line 2" in message
