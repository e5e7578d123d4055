"""Every bundled task gives the same pairs in every process, whatever PYTHONHASHSEED is: a
tokenizer trained on them, and so a checkpoint, must be reproducible."""

import os
import subprocess
import sys

from core_models.data.tasks import TASKS

DIGESTS = """
import hashlib
from core_models.data.tasks import TASKS
for name, task in TASKS.items():
    pairs = task.generate("valid", seed=3, size=600)
    print(name, hashlib.sha256(repr(pairs).encode()).hexdigest())
"""


def _digests(hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    output = subprocess.run(
        [sys.executable, "-c", DIGESTS], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split() for line in output.splitlines())


def test_every_task_is_identical_across_processes_with_different_hash_seeds():
    first, second = _digests("1"), _digests("2")
    assert set(first) == set(TASKS)
    differing = [name for name in TASKS if first[name] != second[name]]
    assert differing == []
