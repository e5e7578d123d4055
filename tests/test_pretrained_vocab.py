"""A word vocabulary built from the training text plus a GloVe file's words: words training never
saw but GloVe knows keep their own (frozen, pretrained) vector instead of becoming <unk>."""

import pytest
from tiny_training import TINY_MODELS, tiny_config

from core_models.models.base import UNK_ID
from core_models.training.checkpoint import load_checkpoint
from core_models.training.config import ConfigError
from core_models.training.trainer import Trainer

DIM = 8
# The first two are frequent words of the NLI task; the others never occur in its training text.
GLOVE = {
    "the": [0.5] * DIM,
    "is": [-1.0, 2.0] * (DIM // 2),
    "winter": [0.25] * DIM,
    "tents": [1.5, -0.5] * (DIM // 2),
    "flags": [-0.75] * DIM,
    "n't": [0.125] * DIM,
}


def write_glove(path):
    path.write_text("".join(f"{w} {' '.join(map(str, v))}\n" for w, v in GLOVE.items()))
    return path


def nli_config(glove, **tokenizer):
    options = {**TINY_MODELS["decomposable"], "freeze_embeddings": True}
    return tiny_config(
        task="nli",
        data={"glove": str(glove)},
        tokenizer={"vocab_size": 200, **tokenizer},
        model={"family": "decomposable", "options": options},
        run={"max_steps": 2},
    )


def test_glove_words_never_seen_in_training_keep_their_vectors(tmp_path):
    glove = write_glove(tmp_path / "glove.txt")
    config = nli_config(glove, glove_words=True, lowercase=True, moses=True)
    Trainer(config, tmp_path / "run").run()
    checkpoint = load_checkpoint(tmp_path / "run")
    tokenizer = checkpoint.tokenizers["text"]
    embedding = checkpoint.model.embedding.weight
    for word in ("winter", "tents", "flags"):
        assert word not in tokenizer.training_words  # never seen in training ...
        assert embedding[tokenizer.piece_to_id(word)].tolist() == GLOVE[word]  # ... yet known
    assert tokenizer.unknown_words("The flags in Winter zyzzyva") == ["zyzzyva"]
    ids = tokenizer.encode("The flags aren't up in Winter.")
    assert ids[1] == tokenizer.piece_to_id("flags") and UNK_ID not in ids[:2]
    assert tokenizer.piece_to_id("n't") != UNK_ID


def test_without_the_option_unseen_glove_words_stay_unknown(tmp_path):
    glove = write_glove(tmp_path / "glove.txt")
    Trainer(nli_config(glove), tmp_path / "run").run()
    tokenizer = load_checkpoint(tmp_path / "run").tokenizers["text"]
    assert tokenizer.encode("winter tents flags") == [UNK_ID] * 3


def test_training_words_come_first_and_vocab_size_bounds_only_them(tmp_path):
    glove = write_glove(tmp_path / "glove.txt")
    trainer = Trainer(nli_config(glove, glove_words=True, vocab_size=20), tmp_path / "run")
    trainer.run()
    vocabulary = trainer.data.tokenizers["text"].vocabulary()
    assert len(vocabulary) == 20 + 4  # winter, tents, flags, n't beyond the 20 training ids
    assert vocabulary[-4:] == ["winter", "tents", "flags", "n't"]
    assert {"the", "is"} <= set(vocabulary[:20])


def test_glove_words_need_a_glove_file_and_a_word_tokenizer(tmp_path):
    with pytest.raises(ConfigError, match=r"tokenizer.glove_words: needs the GloVe file"):
        tiny_config(task="nli", tokenizer={"glove_words": True})
    glove = write_glove(tmp_path / "glove.txt")
    with pytest.raises(ConfigError, match=r"tokenizer.glove_words: only for tokenizer.kind"):
        tiny_config(
            task="nli", data={"glove": str(glove)}, tokenizer={"kind": "bpe", "glove_words": True}
        )


def test_a_damaged_glove_file_names_its_line_before_training(tmp_path):
    glove = tmp_path / "glove.txt"
    glove.write_text("the 1 2 3 4 5 6 7 8\nwinter 1 2 3\n")
    with pytest.raises(ValueError, match=r"glove.txt, line 2: expected the word and 8 numbers"):
        Trainer(nli_config(glove, glove_words=True), tmp_path / "run").run()
    assert not (tmp_path / "run" / "model").exists()
