"""Evaluate every bundled model on its task's test split and print the README's table.

    python3 -m bench.bundled_models [--size N] [--json OUT] [NAME ...]

Columns: task, parameters, training time and precision (as recorded in config.json by the
trainer; a checkpoint from before ``run.precision`` computed in float32), and the
test metrics measured now by the same code as ``attention-workbench evaluate MODEL --split test``.
"""

from __future__ import annotations

import argparse
import json

from core_models.inference import list_models, load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=0, help="test examples (0: the whole split)")
    parser.add_argument("--json", help="also write every model's metrics to this file")
    parser.add_argument("names", nargs="*", help="only these bundled models (default: all)")
    args = parser.parse_args()
    rows, everything = [], {}
    bundled = [e for e in list_models() if e.source == "bundled"]
    for entry in (e for e in bundled if not args.names or e.name in args.names):
        model = load_model(entry.path)
        metrics = model.evaluate(
            "test", args.size, by_length=model.checkpoint.task_kind == "translation"
        )
        everything[entry.name] = metrics
        card = model.card()
        minutes = model.meta.get("training_seconds", 0) / 60
        if "bleu" in metrics:
            quality = f"BLEU {metrics['bleu']:.1f}, chrF {metrics['chrf']:.1f}"
            if "aer" in metrics:
                quality += f", AER {metrics['aer']:.3f} (layer {metrics['aer_layer']})"
        else:
            quality = f"accuracy {100 * metrics['accuracy']:.1f}%"
        rows.append(
            f"| `{entry.name}` | {model.task} | {card['parameters'] / 1e6:.2f} M | {minutes:.1f} min "
            f"| {model.meta.get('precision', 'float32')} | {quality} |"
        )
        print(
            entry.name,
            json.dumps({k: v for k, v in metrics.items() if k != "confusion"}),
            flush=True,
        )
    print("\n| model | task | parameters | training time | precision | test metrics |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    for name, metrics in everything.items():
        if "bleu_by_length" in metrics:
            buckets = ", ".join(
                f"{k}: {v['bleu']:.1f} ({v['count']})" for k, v in metrics["bleu_by_length"].items()
            )
            print(f"{name} BLEU by source length (words): {buckets}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(everything, handle, indent=1)


if __name__ == "__main__":
    main()
