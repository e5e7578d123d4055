"""The beam-search tree as plain data: one list of hypotheses per decoding step, each with its
token, cumulative log-probability and parent. The Session converts
``core_models.decoding.BeamResult.history`` with ``beam_tree_from_history``; the beam-tree view
draws it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

BeamTree = list[list["BeamTreeNode"]]  # tree[step][index]


@dataclass(frozen=True)
class BeamTreeNode:
    """One hypothesis after ``step``: ``parent`` indexes the hypotheses of step - 1 (None at
    step 0, whose parent is the start symbol); ``score`` is its cumulative log-probability."""

    step: int
    parent: int | None
    token: str
    score: float
    finished: bool = False
    on_best_path: bool = False


def mark_best_path(tree: BeamTree, last: tuple[int, int]) -> BeamTree:
    """A copy of ``tree`` whose best path runs from node (step, index) ``last`` back to the root
    (any other path marked before is cleared)."""
    marked = [[replace(node, on_best_path=False) for node in nodes] for nodes in tree]
    step, index = last
    while index is not None and step >= 0:
        node = marked[step][index]
        marked[step][index] = replace(node, on_best_path=True)
        step, index = step - 1, node.parent
    return marked


def beam_tree_from_history(
    history: Sequence[Sequence[Any]],
    best: tuple[int, int] | None = None,
    token_text: Callable[[Any], str] = str,
) -> BeamTree:
    """Convert beam history (``history[step][i]`` with ``.parent``, ``.token``, ``.score``,
    ``.finished``) into a tree; ``best`` (step, index) is the returned hypothesis — by default the
    best-scoring finished one, or the best of the last step. A negative parent means the root."""
    tree: BeamTree = [
        [
            BeamTreeNode(
                step=step,
                parent=None if node.parent is None or node.parent < 0 else int(node.parent),
                token=token_text(node.token),
                score=float(node.score),
                finished=bool(node.finished),
            )
            for node in nodes
        ]
        for step, nodes in enumerate(history)
    ]
    if not tree or not tree[-1]:
        return tree
    if best is None:
        finished = [
            (n.score, s, i)
            for s, nodes in enumerate(tree)
            for i, n in enumerate(nodes)
            if n.finished
        ]
        last = [(n.score, len(tree) - 1, i) for i, n in enumerate(tree[-1])]
        _, step, index = max(finished or last)
        best = (step, index)
    return mark_best_path(tree, best)
