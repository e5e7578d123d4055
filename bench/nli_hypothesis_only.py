"""How much of the NLI task's labels a model can guess without reading the pair (Gururangan et al. 2018).

Trains logistic regressions on the bundled ``nli`` task's train split and reports test accuracy for:

- hypothesis only: bag of hypothesis words and word bigrams (chance is 1/3; the task is built so
  that hypotheses carry no label, so this should stay near chance);
- premise only: the same features on the premise (for comparison);
- word overlap: counts of shared and unshared words, lengths and negation, without the words
  themselves (the classic SNLI overlap heuristic), by logistic regression and by a small MLP.

Usage, from the repository root:
``python3 -m bench.nli_hypothesis_only [--seed 0] [--train-size 21000] [--test-size 2100]``
(about half a minute on two CPU cores).
"""

from __future__ import annotations

import argparse
import time

import torch

from core_models.data.pairs import NLIPair
from core_models.data.tasks.nli import generate
from core_models.models.base import NLI_LABELS


def bag_of_ngrams(
    texts: list[str], vocabulary: dict[str, int] | None = None
) -> tuple[torch.Tensor, dict[str, int]]:
    """Sparse (texts, vocabulary) 0/1 matrix of unigrams and bigrams; the vocabulary grows if None."""
    growing = vocabulary is None
    vocabulary = {} if vocabulary is None else vocabulary
    rows, columns = [], []
    for row, text in enumerate(texts):
        words = text.split()
        for gram in set(words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]):
            if growing and gram not in vocabulary:
                vocabulary[gram] = len(vocabulary)
            if gram in vocabulary:
                rows.append(row)
                columns.append(vocabulary[gram])
    indices = torch.tensor([rows, columns])
    values = torch.ones(len(rows))
    shape = (len(texts), len(vocabulary))
    return torch.sparse_coo_tensor(indices, values, shape, check_invariants=True), vocabulary


def overlap_features(pairs: list[NLIPair]) -> torch.Tensor:
    """(pairs, 9): shared / hypothesis-only / premise-only word counts, lengths, negations."""
    rows = []
    for pair in pairs:
        premise, hypothesis = pair.premise.split(), pair.hypothesis.split()
        shared = len(set(premise) & set(hypothesis))
        new_in_hypothesis = len(set(hypothesis) - set(premise))
        dropped_from_premise = len(set(premise) - set(hypothesis))
        negations = ("not" in premise, "not" in hypothesis)
        rows.append(
            [
                shared,
                new_in_hypothesis,
                dropped_from_premise,
                shared / len(set(hypothesis)),
                len(premise),
                len(hypothesis),
                len(premise) - len(hypothesis),
                float(negations[0]),
                float(negations[1]),
            ]
        )
    return torch.tensor(rows)


def train_and_score(train_x, train_y, test_x, test_y, model: str, steps: int = 300) -> float:
    """Full-batch Adam on ``model`` ("bag", "linear" or "mlp"); returns test accuracy."""
    torch.manual_seed(0)
    classes = len(NLI_LABELS)
    if model == "bag":  # logistic regression on sparse n-gram indicators
        weight = torch.nn.Parameter(torch.zeros(train_x.shape[1], classes))
        bias = torch.nn.Parameter(torch.zeros(classes))
        parameters = [weight, bias]

        def forward(x):
            return torch.sparse.mm(x, weight[: x.shape[1]]) + bias
    else:  # logistic regression, or a one-hidden-layer MLP, on standardised features
        mean, std = train_x.mean(0), train_x.std(0) + 1e-6
        width = train_x.shape[1]
        layers = [torch.nn.Linear(width, classes)]
        if model == "mlp":
            layers = [torch.nn.Linear(width, 64), torch.nn.ReLU(), torch.nn.Linear(64, classes)]
        network = torch.nn.Sequential(*layers)
        parameters = list(network.parameters())

        def forward(x):
            return network((x - mean) / std)

    optimiser = torch.optim.Adam(
        parameters, lr=0.1 if model == "bag" else 0.01, weight_decay=1e-4 if model == "bag" else 0.0
    )
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward(train_x), train_y)
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        return (forward(test_x).argmax(-1) == test_y).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-size", type=int, default=21_000)
    parser.add_argument("--test-size", type=int, default=2_100)
    args = parser.parse_args()
    torch.set_num_threads(1)  # tiny models: threads only contend
    start, start_cpu = time.perf_counter(), time.process_time()
    train = generate("train", seed=args.seed, size=args.train_size)
    test = generate("test", seed=args.seed, size=args.test_size)
    print(
        f"generated {len(train)} train + {len(test)} test pairs in "
        f"{time.perf_counter() - start:.1f} s ({time.process_time() - start_cpu:.1f} s CPU)"
    )
    label_id = {label: i for i, label in enumerate(NLI_LABELS)}
    train_y = torch.tensor([label_id[p.label] for p in train])
    test_y = torch.tensor([label_id[p.label] for p in test])
    majority = torch.bincount(test_y).max().item() / len(test_y)

    results = {"majority class": majority}
    for name, side in (
        ("hypothesis only (BoW uni+bigrams)", "hypothesis"),
        ("premise only (BoW uni+bigrams)", "premise"),
    ):
        features, vocabulary = bag_of_ngrams([getattr(p, side) for p in train])
        test_features, _ = bag_of_ngrams([getattr(p, side) for p in test], vocabulary)
        results[name] = train_and_score(features, train_y, test_features, test_y, model="bag")
    for model in ("linear", "mlp"):
        results[f"word overlap (9 features, {model})"] = train_and_score(
            overlap_features(train), train_y, overlap_features(test), test_y, model=model
        )
    for name, accuracy in results.items():
        print(f"{name:36s} test accuracy {accuracy:6.1%}")
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
