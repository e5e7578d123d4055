"""Tiny Hugging Face models with random weights, saved with ``save_pretrained`` into a folder the
test owns, with tokenizers built from files written here: a sentencepiece model trained on a few
sentences (Marian), a WordPiece ``vocab.txt`` (BERT) and a byte-level BPE vocabulary (GPT-2,
BART).
Nothing is downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import torch

SENTENCES = [
    "the cat sat on the mat",
    "a dog is playing in the garden",
    "the weather is nice today",
    "le chat est assis sur le tapis",
    "un chien joue dans le jardin",
    "il fait beau aujourd'hui",
] * 4
WORDPIECE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "a", "man", "dog", "is", "play", "##ing", "sleep", "##s", "in", "park", ".",
]  # fmt: skip
TINY = {"layers": 2, "heads": 2, "width": 16, "ffn": 32}
BART_LIKE = {  # the sizes of the tiny Marian, BART and mBART (their configs share the names)
    "d_model": TINY["width"],
    "encoder_layers": TINY["layers"],
    "decoder_layers": TINY["layers"],
    "encoder_attention_heads": TINY["heads"],
    "decoder_attention_heads": TINY["heads"],
    "encoder_ffn_dim": TINY["ffn"],
    "decoder_ffn_dim": TINY["ffn"],
    "max_position_embeddings": 64,
}
BART_IDS = {  # the special ids of the tiny BART and mBART (<s> <pad> </s> <unk>), nothing forced
    "bos_token_id": 0,
    "pad_token_id": 1,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
    "forced_bos_token_id": None,
    "forced_eos_token_id": None,
}


def marian_dir(root: Path) -> Path:
    """A 2+2-layer MarianMT with a sentencepiece tokenizer trained here."""
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    root.mkdir(parents=True, exist_ok=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES),
        model_prefix=str(root / "spm"),
        vocab_size=40,
        model_type="unigram",
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        pad_id=-1,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(root / "spm.model"))
    pieces = (
        ["</s>", "<unk>"]
        + [processor.id_to_piece(i) for i in range(processor.get_piece_size()) if i != 0]
        + ["<pad>"]
    )
    vocab = {piece: i for i, piece in enumerate(pieces)}
    (root / "vocab.json").write_text(json.dumps(vocab))
    for name in ("source.spm", "target.spm"):
        (root / name).write_bytes((root / "spm.model").read_bytes())
    tokenizer = MarianTokenizer(
        str(root / "source.spm"), str(root / "target.spm"), str(root / "vocab.json")
    )
    config = MarianConfig(
        vocab_size=len(vocab),
        **BART_LIKE,
        pad_token_id=vocab["<pad>"],
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=None,
    )
    return _save(MarianMTModel(config), tokenizer, root / "marian")


def sentencepiece_vocab(root: Path, **ids: int | str) -> list[tuple[str, float]]:
    """The (piece, score) list of a tiny unigram sentencepiece model trained on ``SENTENCES``
    (what a ``tokenizers``-backed Unigram tokenizer is built from); ``ids``: its special ids and
    pieces (``pad_id``, ``unk_piece``, ...)."""
    import sentencepiece as spm

    root.mkdir(parents=True, exist_ok=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES),
        model_prefix=str(root / "spm"),
        vocab_size=40,
        model_type="unigram",
        minloglevel=2,
        **ids,
    )
    processor = spm.SentencePieceProcessor(model_file=str(root / "spm.model"))
    pieces = range(processor.get_piece_size())
    return [(processor.id_to_piece(i), processor.get_score(i)) for i in pieces]


def mbart_dir(root: Path) -> Path:
    """A 2+2-layer mBART (language codes around the text, its decoder starting with ``</s>``)
    with a sentencepiece model trained here (fairseq's ids: <s> 0, <pad> 1, </s> 2, <unk> 3)."""
    from transformers import MBartConfig, MBartForConditionalGeneration, MBartTokenizer

    vocab = sentencepiece_vocab(root, bos_id=0, pad_id=1, eos_id=2, unk_id=3)
    tokenizer = MBartTokenizer(vocab=vocab, src_lang="en_XX", tgt_lang="fr_XX")
    config = MBartConfig(
        vocab_size=len(tokenizer),
        **BART_LIKE,
        **BART_IDS,
    )
    return _save(MBartForConditionalGeneration(config), tokenizer, root / "mbart")


def deberta_v2_dir(root: Path) -> Path:
    """A 2-layer DeBERTa-v2 pair classifier (disentangled attention) with a sentencepiece model
    trained here ([PAD] 0, [CLS] 1, [SEP] 2, [UNK] 3)."""
    from transformers import (
        DebertaV2Config,
        DebertaV2ForSequenceClassification,
        DebertaV2Tokenizer,
    )

    vocab = sentencepiece_vocab(root, pad_id=0, bos_id=1, eos_id=2, unk_id=3, pad_piece="[PAD]",
        bos_piece="[CLS]", eos_piece="[SEP]", unk_piece="[UNK]")  # fmt: skip
    tokenizer = DebertaV2Tokenizer(vocab=vocab)
    labels = ("entailment", "neutral", "contradiction")
    config = DebertaV2Config(
        vocab_size=len(tokenizer),
        hidden_size=TINY["width"],
        num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"],
        intermediate_size=TINY["ffn"],
        max_position_embeddings=64,
        relative_attention=True,
        pos_att_type=["p2c", "c2p"],
        pad_token_id=0,
        num_labels=3,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return _save(DebertaV2ForSequenceClassification(config), tokenizer, root / "deberta")


def electra_dir(root: Path) -> Path:
    """A 2-layer ELECTRA pair classifier with the WordPiece vocabulary of ``bert_dir``."""
    from transformers import ElectraConfig, ElectraForSequenceClassification, ElectraTokenizer

    root.mkdir(parents=True, exist_ok=True)
    (root / "vocab.txt").write_text("\n".join(WORDPIECE_VOCAB) + "\n")
    tokenizer = ElectraTokenizer(str(root / "vocab.txt"))
    labels = ("entailment", "neutral", "contradiction")
    config = ElectraConfig(
        vocab_size=len(WORDPIECE_VOCAB),
        embedding_size=TINY["width"],
        hidden_size=TINY["width"],
        num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"],
        intermediate_size=TINY["ffn"],
        max_position_embeddings=64,
        num_labels=3,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return _save(ElectraForSequenceClassification(config), tokenizer, root / "electra")


def t5_dir(root: Path) -> Path:
    """A 2+2-layer T5 (relative positions; starts with its pad id) with a sentencepiece
    vocabulary trained here (T5's ids: pad 0, </s> 1, unk 2)."""
    import sentencepiece as spm
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    root.mkdir(parents=True, exist_ok=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES),
        model_prefix=str(root / "spiece"),
        vocab_size=40,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(root / "spiece.model"))
    pieces = range(processor.get_piece_size())
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in pieces]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=TINY["width"],
        d_kv=TINY["width"] // TINY["heads"],
        d_ff=TINY["ffn"],
        num_layers=TINY["layers"],
        num_heads=TINY["heads"],
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
    )
    return _save(T5ForConditionalGeneration(config), tokenizer, root / "t5")


def bert_dir(root: Path, labels=("entailment", "neutral", "contradiction")) -> Path:
    """A 2-layer BERT pair classifier with a WordPiece vocabulary written here."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    root.mkdir(parents=True, exist_ok=True)
    (root / "vocab.txt").write_text("\n".join(WORDPIECE_VOCAB) + "\n")
    tokenizer = BertTokenizer(str(root / "vocab.txt"))
    config = BertConfig(
        vocab_size=len(WORDPIECE_VOCAB),
        hidden_size=TINY["width"],
        num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"],
        intermediate_size=TINY["ffn"],
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return _save(BertForSequenceClassification(config), tokenizer, root / "bert")


def byte_bpe_files(root: Path, specials: list[str]) -> tuple[Path, Path]:
    """vocab.json and merges.txt of a small byte-level BPE (GPT-2's scheme: ``Ġ`` is a space)."""
    root.mkdir(parents=True, exist_ok=True)
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("c", "a"), ("ca", "t")]
    vocab = specials + letters + ["Ġ", "."] + ["".join(m) for m in merges]
    (root / "vocab.json").write_text(json.dumps({p: i for i, p in enumerate(vocab)}))
    (root / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges))
    return root / "vocab.json", root / "merges.txt"


def roberta_dir(root: Path) -> Path:
    """A 2-layer RoBERTa pair classifier (byte-level BPE, ``<s> p </s></s> h </s>``, no token
    types) with labels in the order of many NLI cross-encoders."""
    from transformers import RobertaConfig, RobertaForSequenceClassification, RobertaTokenizer

    vocab, merges = byte_bpe_files(root, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tokenizer = RobertaTokenizer(str(vocab), str(merges))
    labels = ("contradiction", "entailment", "neutral")
    config = RobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=TINY["width"],
        num_hidden_layers=TINY["layers"],
        num_attention_heads=TINY["heads"],
        intermediate_size=TINY["ffn"],
        max_position_embeddings=66,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        num_labels=3,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    return _save(RobertaForSequenceClassification(config), tokenizer, root / "roberta")


def gpt2_dir(root: Path) -> Path:
    """A 2-layer GPT-2 with a byte-level BPE vocabulary written here."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    vocab, merges = byte_bpe_files(root, ["<|endoftext|>"])
    tokenizer = GPT2Tokenizer(str(vocab), str(merges))
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=64,
        n_embd=TINY["width"],
        n_layer=TINY["layers"],
        n_head=TINY["heads"],
        bos_token_id=0,
        eos_token_id=0,
    )
    return _save(GPT2LMHeadModel(config), tokenizer, root / "gpt2")


def bart_dir(root: Path) -> Path:
    """A 2+2-layer BART (its decoder starts with its EOS id) with a byte-level BPE written here."""
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    vocab, merges = byte_bpe_files(root, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tokenizer = BartTokenizer(str(vocab), str(merges))
    config = BartConfig(
        vocab_size=len(tokenizer),
        **BART_LIKE,
        **BART_IDS,
    )
    return _save(BartForConditionalGeneration(config), tokenizer, root / "bart")


def _save(model, tokenizer, directory: Path) -> Path:
    torch.manual_seed(0)
    for parameter in model.parameters():  # random, but large enough for peaked distributions
        torch.nn.init.normal_(parameter, std=0.5)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
