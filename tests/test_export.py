"""The attention export ``attention-workbench/1``: JSON and NPZ hold the same record and read back."""

import json

import numpy as np
import pytest

from core_models.export import FORMAT, load_record, save_record
from core_models.record import AttentionMap, AttentionRecord, StepInfo

SOURCE = ["le", "chat", "<eos>"]
TARGET = ["the", "cat", "<eos>"]


def example_record(gold: bool = True) -> AttentionRecord:
    rng = np.random.default_rng(0)
    cross = rng.random((2, 3, 3)).astype(np.float32)
    cross /= cross.sum(axis=-1, keepdims=True)
    causal = np.tril(rng.random((2, 3, 3))).astype(np.float32)
    causal /= causal.sum(axis=-1, keepdims=True)
    steps = [
        StepInfo("the", 10, 0.9, [("the", 0.9), ("a", 0.05)]),
        StepInfo("cat", 11, 0.7, [("cat", 0.7), ("dog", 0.2)]),
        StepInfo("<eos>", 3, 0.99, [("<eos>", 0.99)]),
    ]
    return AttentionRecord(
        maps=[
            AttentionMap("cross", 0, cross, TARGET, SOURCE),
            AttentionMap("decoder_self", 1, causal, TARGET, ["<bos>", "the", "cat"]),
        ],
        steps=steps,
        gold_alignment=np.eye(3, dtype=np.float32) if gold else None,
    )


DOCUMENT = {
    "model": "tiny",
    "family": "transformer",
    "inputs": {"source": SOURCE},
    "output": {"tokens": TARGET},
}


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_record_reads_back_as_written(tmp_path, suffix):
    record = example_record()
    path = save_record(tmp_path / f"record{suffix}", record, **DOCUMENT)
    loaded, document = load_record(path)
    assert document["format"] == FORMAT
    assert {key: document[key] for key in DOCUMENT} == DOCUMENT
    for original, again in zip(record.maps, loaded.maps, strict=True):
        assert (again.kind, again.layer) == (original.kind, original.layer)
        assert again.query_tokens == original.query_tokens
        assert again.key_tokens == original.key_tokens
        assert np.allclose(again.weights, original.weights, atol=1e-6)
    assert [(s.token, s.prob, s.top_k) for s in loaded.steps] == [
        (s.token, s.prob, s.top_k) for s in record.steps
    ]
    assert np.array_equal(loaded.gold_alignment, record.gold_alignment)


def test_json_export_is_plain_json_with_nested_weights(tmp_path):
    save_record(tmp_path / "r.json", example_record(), **DOCUMENT)
    raw = json.loads((tmp_path / "r.json").read_text())
    assert raw["maps"][0]["kind"] == "cross"
    assert np.asarray(raw["maps"][0]["weights"]).shape == (2, 3, 3)  # heads × queries × keys
    assert raw["steps"][1] == {"token": "cat", "prob": 0.7, "top_k": [["cat", 0.7], ["dog", 0.2]]}
    assert raw["gold_alignment"] == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_future_positions_stay_exactly_zero_in_json(tmp_path):
    save_record(tmp_path / "r.json", example_record(), **DOCUMENT)
    loaded, _ = load_record(tmp_path / "r.json")
    causal = loaded.get("decoder_self", 1).weights
    assert (causal[:, np.triu_indices(3, k=1)[0], np.triu_indices(3, k=1)[1]] == 0).all()


def test_npz_export_has_no_pickled_objects(tmp_path):
    save_record(tmp_path / "r.npz", example_record(), **DOCUMENT)
    with np.load(tmp_path / "r.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["gold_alignment", "map0_weights", "map1_weights", "meta"]
        assert archive["map0_weights"].dtype == np.float32
        assert all(archive[name].dtype != object for name in archive.files)


def test_record_without_gold_alignment_has_none_back(tmp_path):
    for suffix in (".json", ".npz"):
        save_record(tmp_path / f"r{suffix}", example_record(gold=False), **DOCUMENT)
        loaded, document = load_record(tmp_path / f"r{suffix}")
        assert loaded.gold_alignment is None and "gold_alignment" not in document


def test_nli_document_keeps_label_and_probabilities(tmp_path):
    record = AttentionRecord(
        [
            AttentionMap(
                "premise_to_hypothesis", 0, np.full((1, 2, 1), 1.0, np.float32), ["a", "b"], ["c"]
            )
        ]
    )
    output = {
        "label": "neutral",
        "probs": {"entailment": 0.2, "neutral": 0.5, "contradiction": 0.3},
    }
    inputs = {"premise": ["a", "b"], "hypothesis": ["c"]}
    save_record(
        tmp_path / "n.json", record, model="m", family="decomposable", inputs=inputs, output=output
    )
    _, document = load_record(tmp_path / "n.json")
    assert document["output"] == output and document["inputs"] == inputs


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"attention exports are .json or .npz, not '.txt'"):
        save_record(tmp_path / "r.txt", example_record(), **DOCUMENT)


def test_a_file_of_another_format_is_refused(tmp_path):
    (tmp_path / "other.json").write_text(json.dumps({"format": "bertviz", "maps": [], "steps": []}))
    with pytest.raises(ValueError, match="not an attention-workbench/1 export"):
        load_record(tmp_path / "other.json")
