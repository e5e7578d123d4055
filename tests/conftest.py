"""Shared test set-up: Qt offscreen, one torch thread, fixed seeds."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

# The tests' models are tiny: a second OpenMP thread only adds synchronisation, and on a busy
# 2-core machine it made a training step ~30x slower.
torch.set_num_threads(1)


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """The user cache (downloads, the parsed GloVe table, compiled translations) in a folder of
    the test session, never the user's own; a test may point it elsewhere with monkeypatch."""
    previous = os.environ.get("ATTENTION_WORKBENCH_CACHE")
    os.environ["ATTENTION_WORKBENCH_CACHE"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        del os.environ["ATTENTION_WORKBENCH_CACHE"]
    else:
        os.environ["ATTENTION_WORKBENCH_CACHE"] = previous


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``cuda`` need a CUDA GPU: where torch sees none they are skipped, and the skip
    is reported (``-ra``) with this reason, never silently."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="cuda: needs a CUDA GPU; torch.cuda.is_available() is False")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)
