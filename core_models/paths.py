"""Where Attention Workbench's files are.

Bundled resources (models, their configs, the GloVe subset) are package data of
``core_models.resources`` (the repository's top-level ``resources/`` folder, mapped in
pyproject.toml) and are found with ``importlib.resources``: the same lookup serves an editable
install, a wheel, a zipped install (extracted once into the cache, since checkpoints are read from
real directories) and a frozen app. The user's own models and runs live in the user data directory
and downloads in the user cache directory, as the platform names them (platformdirs: on Linux
``~/.local/share/attention-workbench`` and ``~/.cache/attention-workbench``, XDG variables
honoured; on macOS ``~/Library/Application Support`` and ``~/Library/Caches``; on Windows
``%LOCALAPPDATA%``). ``ATTENTION_WORKBENCH_HOME``, ``ATTENTION_WORKBENCH_CACHE`` and ``ATTENTION_WORKBENCH_LOG_DIR``
override them.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import shutil
import tempfile
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from core_models import __version__

APP_NAME = "attention-workbench"
RESOURCES_PACKAGE = "core_models.resources"
HOME_ENV = "ATTENTION_WORKBENCH_HOME"
CACHE_ENV = "ATTENTION_WORKBENCH_CACHE"
LOG_DIR_ENV = "ATTENTION_WORKBENCH_LOG_DIR"
BUNDLED_PREFIX = "resources/"  # how a config names a bundled file, e.g. the GloVe subset


def user_home() -> Path:
    """``$ATTENTION_WORKBENCH_HOME``, else the platform's user data directory for the app."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured) if configured else Path(platformdirs.user_data_dir(APP_NAME, False))


def user_models_dir() -> Path:
    return user_home() / "models"


def user_cache_dir() -> Path:
    """``$ATTENTION_WORKBENCH_CACHE``, else the platform's user cache directory for the app."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(platformdirs.user_cache_dir(APP_NAME, False))


def user_log_dir() -> Path:
    """``$ATTENTION_WORKBENCH_LOG_DIR``, else the platform's user log directory for the app
    (crash logs go there)."""
    configured = os.environ.get(LOG_DIR_ENV)
    return Path(configured) if configured else Path(platformdirs.user_log_dir(APP_NAME, False))


@functools.cache
def resources_dir() -> Path:
    """The bundled resources as a real directory (see the module docstring)."""
    try:
        root = importlib.resources.files(RESOURCES_PACKAGE)
    except ModuleNotFoundError:
        raise FileNotFoundError(
            f"the bundled models are not installed (no package {RESOURCES_PACKAGE}): install "
            "the app (`pip install .`, or `pip install -e .` in a checkout) rather than running "
            "it from a source folder on PYTHONPATH"
        ) from None
    if isinstance(root, Path):
        return root
    return _extracted(root, user_cache_dir() / "resources" / __version__)


def _extracted(root: Traversable, target: Path) -> Path:
    """``root`` copied to ``target`` once; a half-written copy never takes its place."""
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".extracting-", dir=target.parent))
    try:
        _copy_tree(root, scratch)
        scratch.rename(target)
    except OSError:
        if not target.is_dir():  # another process may have won the race: use its copy
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _copy_tree(source: Traversable, destination: Path) -> None:
    for item in source.iterdir():
        if item.is_dir():
            (destination / item.name).mkdir()
            _copy_tree(item, destination / item.name)
        elif not item.name.endswith((".py", ".pyc")):
            (destination / item.name).write_bytes(item.read_bytes())


def bundled_models_dir() -> Path:
    return resources_dir() / "models"


def bundled_configs_dir() -> Path:
    return resources_dir() / "configs"


def bundled_config(name: str) -> Path | None:
    """The bundled training config called ``name`` (e.g. "transformer-en-fr"), or None."""
    path = bundled_configs_dir() / f"{name}.toml"
    return path if path.is_file() else None


def bundled_config_names() -> list[str]:
    return sorted(path.stem for path in bundled_configs_dir().glob("*.toml"))


def data_file(path: str | Path) -> Path:
    """A file a config names: as given (relative to the current folder) when it exists there;
    else, for ``resources/…``, the bundled file of that name, so that the bundled configs work
    from any folder and any install."""
    given = Path(path)
    text = given.as_posix()
    if given.exists() or not text.startswith(BUNDLED_PREFIX):
        return given
    bundled = resources_dir() / text.removeprefix(BUNDLED_PREFIX)
    return bundled if bundled.exists() else given
