"""Starting the window on a machine that cannot show it: the missing X11 libraries, or no display,
are named with what to install before Qt aborts; the command line answers without torch."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from tiny_training import tiny_checkpoint

from app import main as entry
from app import platform_check

PRESENT = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def fake_loader(monkeypatch, present: set[str]) -> None:
    """The dynamic loader finds only the sonames in ``present`` (and find_library nothing)."""

    def load(soname: str):
        if soname not in present:
            raise OSError(f"{soname}: cannot open shared object file")
        return object()

    monkeypatch.setattr(platform_check.ctypes, "CDLL", load)
    monkeypatch.setattr(platform_check.ctypes.util, "find_library", lambda name: None)


@pytest.fixture
def x11_session(monkeypatch):
    """A Linux X11 session on display :0 with no platform forced."""
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


def test_missing_xcb_libraries_are_named_with_the_packages_to_install(
    monkeypatch, capsys, x11_session
):
    fake_loader(monkeypatch, {"libxcb-icccm.so.4"})
    monkeypatch.setattr("app.window.MainWindow", lambda *a: pytest.fail("the window was built"))
    assert entry.main([]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: the window needs the X11 libraries")
    assert "libxcb-cursor.so.0, libxcb-keysyms.so.1" in error
    assert "sudo apt install libxcb-cursor0 libxcb-keysyms1" in error
    assert "sudo dnf install xcb-util-cursor xcb-util-keysyms" in error
    assert "icccm" not in error  # the one that is there is not asked for


def test_a_library_found_by_name_counts_as_present(monkeypatch, x11_session):
    fake_loader(monkeypatch, set())
    monkeypatch.setattr(platform_check.ctypes.util, "find_library", lambda name: f"lib{name}.so")
    assert platform_check.missing_display_support() == ""


def test_no_display_says_how_to_get_one(monkeypatch, x11_session):
    fake_loader(monkeypatch, PRESENT)
    monkeypatch.delenv("DISPLAY")
    assert "DISPLAY is not set" in platform_check.missing_display_support()
    assert "xvfb-run -a attention-workbench" in platform_check.missing_display_support()


@pytest.mark.parametrize(
    "environ",
    [
        {"QT_QPA_PLATFORM": "offscreen"},
        {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
        {"DISPLAY": ":0"},
    ],
)
def test_nothing_to_say_when_qt_can_start(monkeypatch, environ):
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    fake_loader(monkeypatch, PRESENT if environ.get("DISPLAY") else set())
    assert platform_check.missing_display_support(environ) == ""


def test_other_systems_need_no_check(monkeypatch):
    monkeypatch.setattr(platform_check.sys, "platform", "darwin")
    fake_loader(monkeypatch, set())  # no X11 library anywhere, and none needed
    assert platform_check.qt_platform({}) == ""
    assert platform_check.missing_display_support({}) == ""


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--help"], "usage: attention-workbench"),
        (["tasks"], "copy"),
        (["--version"], "0."),
        (["models"], "mine                         user     transformer         copy"),
    ],
)
def test_quick_commands_do_not_import_torch_or_qt(argv, says, tmp_path):
    """``--help``, ``tasks``, ``models`` and ``--version`` answer without importing torch or Qt
    (each costs about a second on a laptop); ``models`` lists a model of the user's."""
    tiny_checkpoint(tmp_path / "models" / "mine", meta={"task": "copy"})
    code = (
        "import sys\nfrom app.main import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print('loaded:', sorted(m for m in ('torch', 'PySide6', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "ATTENTION_WORKBENCH_HOME": str(tmp_path)},
    )
    assert done.stdout.strip().splitlines()[-1] == "loaded: []"
    assert says in done.stdout
