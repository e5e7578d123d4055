"""Before Qt starts on Linux: the X11 (xcb) platform plugin needs system libraries a minimal
install lacks, and without them, or without any display, Qt aborts with a message that names one
library at best. ``missing_display_support`` says what to install (or that there is no display)
so the entry point can print it and exit cleanly instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

# The libraries Qt 6's xcb plugin loads that minimal Linux installs lack: (library name for
# ctypes.util.find_library, its soname, the Debian/Ubuntu package, the Fedora package).
XCB_LIBRARIES = (
    ("xcb-cursor", "libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("xcb-icccm", "libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("xcb-keysyms", "libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
)


def qt_platform(environ: dict[str, str] | os._Environ = os.environ) -> str:
    """The platform plugin Qt will pick: ``QT_QPA_PLATFORM``, else on Linux "wayland" in a
    Wayland session and "xcb" otherwise; "" elsewhere (macOS, Windows need nothing)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen or not sys.platform.startswith("linux"):
        return chosen
    wayland = environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland"
    return "wayland" if wayland else "xcb"


def library_present(name: str, soname: str) -> bool:
    """Whether the dynamic loader finds the library (loading its soname, else by name)."""
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        return ctypes.util.find_library(name) is not None


def missing_display_support(environ: dict[str, str] | os._Environ = os.environ) -> str:
    """What the GUI needs and this machine lacks, as the text to print ("" when nothing)."""
    if qt_platform(environ) != "xcb":
        return ""
    missing = [lib for lib in XCB_LIBRARIES if not library_present(lib[0], lib[1])]
    if missing:
        debian = " ".join(lib[2] for lib in missing)
        fedora = " ".join(lib[3] for lib in missing)
        return (
            f"the window needs the X11 libraries {', '.join(lib[1] for lib in missing)}, which "
            f"are not installed. Install them with `sudo apt install {debian}` (Debian, Ubuntu) "
            f"or `sudo dnf install {fedora}` (Fedora), then start attention-workbench again. "
            "The command-line commands (attention-workbench --help) work without them."
        )
    if not environ.get("DISPLAY"):
        return (
            "there is no display to open the window on (DISPLAY is not set). Run it in a desktop "
            "session, over `ssh -X`, or under `xvfb-run -a attention-workbench`; the command-line "
            "commands (attention-workbench --help) need no display."
        )
    return ""
