"""Shared test set-up: Qt offscreen, one torch thread, fixed seeds."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

# The tests' models are tiny: a second OpenMP thread only adds synchronisation, and on a busy
# 2-core machine it made a training step ~30x slower.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
