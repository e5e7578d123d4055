"""The attention export format ``attention-workbench/1`` (JSON) and its NPZ twin.

JSON::

    {"format": "attention-workbench/1", "model": NAME, "family": FAMILY,
     "inputs": {"source": [tokens]} | {"premise": [...], "hypothesis": [...]},
     "output": {"tokens": [...]} | {"label": L, "probs": {label: p}},
     "maps": [{"kind": K, "layer": L, "query_tokens": [...], "key_tokens": [...],
               "weights": heads × queries × keys nested lists,
               "raw": same shape (only when the map has raw values), "info": {...} (only when
               not empty)}],
     "steps": [{"token": T, "prob": p, "top_k": [[token, p], ...]}],
     "gold_alignment": queries × keys 0/1 nested lists (only when known),
     "unknown_words": {"words": [...], "unknown": n, "total": n, "share": f} (CLI exports)}

NPZ: ``map<i>_weights`` float32 arrays (heads, queries, keys), ``map<i>_raw`` where a map has raw
values (gradient attribution, see ``AttentionMap.raw``), ``gold_alignment`` when known, and
``meta``: the JSON above without the weights, as a string. No pickles: load with allow_pickle=False.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from core_models.record import AttentionMap, AttentionRecord, StepInfo

FORMAT = "attention-workbench/1"


def record_document(
    record: AttentionRecord,
    model: str,
    family: str,
    inputs: dict[str, list[str]],
    output: dict[str, Any],
    unknown_words: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON document, without the weights (they are added by the writers); ``unknown_words``:
    the input's out-of-vocabulary words (``core_models.oov.OOVReport.to_dict``), when given."""
    document = {
        "format": FORMAT,
        "model": model,
        "family": family,
        "inputs": inputs,
        "output": output,
        "maps": [
            {
                "kind": m.kind,
                "layer": m.layer,
                "query_tokens": m.query_tokens,
                "key_tokens": m.key_tokens,
                **({"info": m.info} if m.info else {}),
            }
            for m in record.maps
        ],
        "steps": [
            {"token": s.token, "prob": s.prob, "top_k": [[t, p] for t, p in s.top_k]}
            for s in record.steps
        ],
    }
    if unknown_words is not None:
        document["unknown_words"] = unknown_words
    return document


def save_record(path: str | Path, record: AttentionRecord, **document: Any) -> Path:
    """Write ``record`` as .json or .npz (by suffix); ``document``: model, family, inputs, output."""
    path = Path(path)
    meta = record_document(record, **document)
    if path.suffix == ".json":
        for entry, attention_map in zip(meta["maps"], record.maps, strict=True):
            entry["weights"] = np.round(attention_map.weights.astype(np.float64), 6).tolist()
            if attention_map.raw is not None:
                entry["raw"] = attention_map.raw.astype(np.float64).tolist()
        if record.gold_alignment is not None:
            meta["gold_alignment"] = record.gold_alignment.astype(int).tolist()
        path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    elif path.suffix == ".npz":
        arrays = {
            f"map{i}_weights": m.weights.astype(np.float32) for i, m in enumerate(record.maps)
        }
        arrays.update(
            (f"map{i}_raw", m.raw.astype(np.float32))
            for i, m in enumerate(record.maps)
            if m.raw is not None
        )
        if record.gold_alignment is not None:
            arrays["gold_alignment"] = record.gold_alignment.astype(np.float32)
        np.savez_compressed(path, meta=np.array(json.dumps(meta, ensure_ascii=False)), **arrays)
    else:
        raise ValueError(f"{path}: attention exports are .json or .npz, not '{path.suffix}'")
    return path


def load_record(path: str | Path) -> tuple[AttentionRecord, dict[str, Any]]:
    """Read an export back: the record and the rest of the document (inputs, output, model)."""
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            weights = [archive[f"map{i}_weights"] for i in range(len(meta["maps"]))]
            raws = [archive.get(f"map{i}_raw") for i in range(len(meta["maps"]))]
            gold = archive.get("gold_alignment")
    else:
        meta = json.loads(path.read_text(encoding="utf-8"))
        weights = [np.asarray(m["weights"], dtype=np.float32) for m in meta["maps"]]
        raws = [
            np.asarray(m["raw"], dtype=np.float32) if "raw" in m else None for m in meta["maps"]
        ]
        gold = (
            np.asarray(meta["gold_alignment"], dtype=np.float32)
            if "gold_alignment" in meta
            else None
        )
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: not an {FORMAT} export (format: {meta.get('format')!r})")
    maps = [
        AttentionMap(
            m["kind"], m["layer"], w, m["query_tokens"], m["key_tokens"], raw, m.get("info", {})
        )
        for m, w, raw in zip(meta["maps"], weights, raws, strict=True)
    ]
    steps = [
        StepInfo(s["token"], -1, s["prob"], [(t, p) for t, p in s["top_k"]]) for s in meta["steps"]
    ]
    return AttentionRecord(maps, steps, gold), meta
