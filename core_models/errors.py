"""The project's error base class, and the crash log an unexpected exception leaves behind.

Every error that bad input can cause (a config, a checkpoint, a corpus file, a download) is a
``WorkbenchError`` whose message names what was wrong and where; the command line prints it as one
``error: …`` line. Anything else is a bug: ``write_crash_log`` keeps its traceback in a file the
user can attach to a report, and the user sees a short message with that file's path.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

from core_models.paths import user_log_dir


class WorkbenchError(Exception):
    """A problem with the user's input or environment, told in a message that says what and
    where; never a bug."""


def write_crash_log(error: BaseException, argv: list[str] | None = None) -> Path:
    """Write ``error``'s traceback, the command line and the versions to a new file in
    ``user_log_dir()`` (in the temporary directory when that cannot be written); return its path."""
    from core_models import __version__

    lines = [
        f"attention-workbench {__version__}, Python {sys.version.split()[0]}, {platform.platform()}",
        f"command: {' '.join(sys.argv[:1] + list(sys.argv[1:] if argv is None else argv))}",
        "",
        *traceback.format_exception(error),
    ]
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for directory in (user_log_dir(), Path(tempfile.gettempdir())):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / name
            path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n")
            return path
        except OSError:
            continue
    raise OSError(f"cannot write a crash log in {user_log_dir()} or {tempfile.gettempdir()}")


def describe_bug(error: BaseException, argv: list[str] | None = None) -> str:
    """What to tell the user of an unexpected exception: its type and text, and the crash log
    that holds its traceback (the traceback itself when no log can be written)."""
    try:
        where = f"the details are in {write_crash_log(error, argv)}"
    except OSError as reason:
        where = f"no crash log could be written ({reason}); the traceback:\n"
        where += "".join(traceback.format_exception(error))
    return (
        f"unexpected {type(error).__name__}: {error}\nThis is a bug in attention-workbench; {where}"
    )
