"""The README's agreement table from ``attention-workbench agreement MODEL --json OUT`` files.

    python3 -m bench.agreement_table runs/agree/*.json [--minutes transformer-en-fr=8.7 ...]

One row per file: the pairs it covered (and, given, the minutes the run took), the method with the
lowest AER, the best layer's mean of heads ("attention": a recurrent model's one attention), rollout
and flow of the last layer, the three gradient methods, and Spearman's ρ (mean over output tokens)
between attention, saliency and integrated gradients, and between rollout / flow and saliency.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

GRADIENTS = ("saliency", "input_x_gradient", "integrated_gradients")


def _last_layer(methods: list[str], prefix: str) -> str | None:
    """The ``prefix L{l}`` name in ``methods`` with the highest layer l, or None."""
    found = [m for m in methods if re.fullmatch(rf"{prefix} L\d+", m)]
    return max(found, key=lambda m: int(m.rsplit("L", 1)[1]), default=None)


def row(result: dict, minutes: float | None) -> str:
    methods, aer = result["methods"], result["aer"]
    rho = {
        m: dict(zip(methods, r, strict=True))
        for m, r in zip(methods, result["spearman"], strict=True)
    }

    def value(name: str | None) -> str:
        return "–" if name is None else f"{aer[name]:.3f}"

    def corr(a: str | None, b: str | None) -> str:
        return "–" if a is None or b is None else f"{rho[a][b]:.2f}"

    means = [m for m in methods if m.endswith(" mean")]
    attention = min(means, key=aer.get) if means else None
    rollout, flow = _last_layer(methods, "rollout"), _last_layer(methods, "flow")
    saliency, ig = (m if m in aer else None for m in ("saliency", "integrated_gradients"))
    best = min(aer, key=aer.get)
    pairs = f"{result['examples']}" + (f" ({minutes:.1f} min)" if minutes is not None else "")
    attention_cell = "–" if attention is None else f"{aer[attention]:.3f} ({attention})"
    gradients = " / ".join(value(m if m in aer else None) for m in GRADIENTS)
    cells = [
        f"`{result['model']}`",
        pairs,
        f"**{aer[best]:.3f}** {best}",
        attention_cell,
        f"{value(rollout)} / {value(flow)}" if rollout else "–",
        gradients if saliency else "–",
        corr(attention, saliency),
        corr(attention, ig),
        corr(saliency, ig),
        f"{corr(rollout, saliency)} / {corr(flow, saliency)}" if rollout and saliency else "–",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--minutes", nargs="*", default=[], metavar="MODEL=MIN")
    args = parser.parse_args()
    minutes = {k: float(v) for k, v in (item.split("=", 1) for item in args.minutes)}
    print(
        "| model | pairs (time) | best AER | attention (best layer's mean of heads) | rollout / "
        "flow, last layer | saliency / input × grad / IG | ρ attention–saliency | ρ attention–IG "
        "| ρ saliency–IG | ρ rollout / flow–saliency |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in args.files:
        result = json.loads(path.read_text(encoding="utf-8"))
        print(row(result, minutes.get(result["model"])))


if __name__ == "__main__":
    main()
