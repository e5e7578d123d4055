"""Shared test set-up: Qt offscreen, one torch thread, fixed seeds."""

import gc
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


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_main_thread():
    """Cyclic garbage is collected between tests, on the main thread, never on a worker thread:
    Python collects on whichever thread allocates when a threshold is crossed, and a Qt
    wrapper collected on a decoding thread deadlocked against the GUI thread's QObject
    destructor (test_app_checkpoint_damage, seen once). The app does the same on a timer."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    """The collections Python would have made during the test, by its own thresholds (a full one
    costs ~0.2 s with torch and Qt loaded: after every test it would add minutes)."""
    yield
    for generation, (count, threshold) in enumerate(
        zip(gc.get_count(), gc.get_threshold(), strict=True)
    ):
        if count <= threshold:
            break
        gc.collect(generation)


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
