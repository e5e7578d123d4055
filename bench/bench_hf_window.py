"""Keystroke -> heatmap painted in the window on a BERT-base-sized pair classifier with random
weights (12 layers, 12 heads, d=768) reading 128 tokens; part of ``bench.bench_hf``."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import torch
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from bench.bench_app import PaintWatch, settle

WORDS = 62  # premise and hypothesis: 62 words each, + [CLS] and two [SEP] = 127 tokens


def bert_base(folder: Path) -> Path:
    """A BERT-base-sized classifier saved with a WordPiece vocabulary of w0 ... w999."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(1000)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    labels = ("entailment", "neutral", "contradiction")
    config = BertConfig(
        vocab_size=len(vocab),
        num_labels=3,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(folder / "bert-base")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(folder / "bert-base")
    return folder / "bert-base"


def bench_keystroke(folder: Path, runs: int) -> dict[str, float]:
    """Median ms keystroke -> heatmap painted, the decode job's, and the forward pass's alone."""
    from app.window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    settings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(1400, 900)
    window.show()
    session = window.session
    session.open_model(str(bert_base(folder)))
    while session.model is None:
        app.processEvents()
    premise = " ".join(f"w{i}" for i in range(WORDS))
    hypothesis = " ".join(f"w{i}" for i in range(WORDS, 2 * WORDS))
    window.nli_panel.hypothesis_box.setPlainText(hypothesis)
    box = window.nli_panel.premise_box
    box.setPlainText(premise)
    box.moveCursor(QtGui.QTextCursor.MoveOperation.End)
    box.setFocus()
    watch = PaintWatch(window.views.heatmap.graphics.viewport())
    session.sigRecordChanged.connect(lambda: watch.arm() if session.result_is_current else None)
    painted, decode = [], []
    for run in range(runs + 2):
        settle(300)
        watch.reset()
        start = time.perf_counter()
        if run % 2 == 0:
            QtTest.QTest.keyClick(box, QtCore.Qt.Key.Key_Backspace)
        else:
            QtTest.QTest.keyClicks(box, "1")  # w6 -> w61 again
        watch.wait(120_000)
        if run >= 2:
            painted.append((watch.painted_at - start) * 1000)
            decode.append(session.decode_seconds * 1000)
    tokens = len(session.record.maps[0].key_tokens)
    forward = forward_ms(session.model, premise, hypothesis, runs)
    window.close()
    return {
        f"keystroke -> painted ms ({tokens} tokens)": statistics.median(painted),
        "  of which the decode job ms": statistics.median(decode),
        "  of which the forward pass ms": forward,
        "  forward share of painted %": 100 * forward / statistics.median(painted),
    }


@torch.inference_mode()
def forward_ms(classifier, premise: str, hypothesis: str, runs: int) -> float:
    """Median ms of the model's own forward with attentions on the same pair."""
    inputs = classifier.tokenizer.hf(premise, hypothesis, return_tensors="pt")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        classifier.model(**inputs, output_attentions=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
