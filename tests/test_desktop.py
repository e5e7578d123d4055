"""The app's icon, `attention-workbench --install-desktop` (a freedesktop menu entry and its icons
under XDG_DATA_HOME) and `--version`."""

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

from app import desktop
from app.main import main
from core_models import __version__


def read_entry(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def exec_argv(exec_line: str) -> list[str]:
    """The Exec key back to argv, as the Desktop Entry specification reads it: string escapes
    first (``\\\\`` is one backslash), then arguments split on spaces outside double quotes,
    inside which a backslash escapes the next character; ``%%`` is one ``%``."""
    text = exec_line.replace("\\\\", "\\").replace("%%", "%")
    argv, current, quoted, index = [], "", False, 0
    while index < len(text):
        char = text[index]
        if quoted and char == "\\":
            index += 1
            current += text[index]
        elif char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            argv, current = [*argv, current], ""
        else:
            current += char
        index += 1
    return [*argv, current]


def read_entry_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Exec="))


def test_version_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"attention-workbench {__version__}\n"


def test_the_icon_loads_from_the_package_data(qapp):
    icon = desktop.app_icon()
    assert not icon.isNull()
    assert max(size.width() for size in icon.availableSizes()) >= 256


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop menus: Linux/BSD")
def test_install_desktop_writes_the_entry_and_icons_under_xdg_data_home(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop"]) == 0
    entry_path = tmp_path / "applications" / "attention-workbench.desktop"
    svg = tmp_path / "icons/hicolor/scalable/apps/attention-workbench.svg"
    png = tmp_path / "icons/hicolor/256x256/apps/attention-workbench.png"
    assert capsys.readouterr().out.split() == [str(entry_path), str(svg), str(png)]
    assert svg.read_bytes() == desktop.asset("attention-workbench.svg").read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    entry = read_entry(entry_path)
    assert entry["Type"] == "Application" and entry["Name"] == "Attention Workbench"
    assert entry["Icon"] == "attention-workbench" and entry["Terminal"] == "false"
    # the entry starts this installation: its Python, running the app's entry point
    command = exec_argv(entry["Exec"])
    assert command == [sys.executable, "-m", "app.main"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    assert done.stdout == f"attention-workbench {__version__}\n", done.stderr


def test_a_second_install_replaces_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(desktop, "launch_command", lambda: ["/old/python", "-m", "app.main"])
    desktop.install_desktop(tmp_path)
    monkeypatch.setattr(desktop, "launch_command", lambda: ["/new/python", "-m", "app.main"])
    written = desktop.install_desktop(tmp_path)
    assert read_entry(written[0])["Exec"] == "/new/python -m app.main"


def test_exec_quotes_paths_with_spaces_and_reserved_characters():
    command = ["/home/a user/venv $1/bin/python", "-m", "app.main"]
    line = read_entry_line(desktop.desktop_entry(command))
    assert line == 'Exec="/home/a user/venv \\\\$1/bin/python" -m app.main'
    assert exec_argv(line.removeprefix("Exec=")) == command
    assert desktop._exec_argument("/opt/100%/python") == "/opt/100%%/python"


def test_data_home_follows_the_xdg_rule(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")  # not absolute: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert desktop.data_home() == tmp_path / "home" / ".local" / "share"


def test_install_desktop_elsewhere_says_where_to_look(monkeypatch, capsys):
    monkeypatch.setattr(desktop.sys, "platform", "darwin")
    assert main(["--install-desktop"]) == 2
    err = capsys.readouterr().err
    assert "on macOS and Windows make a shortcut as the README's Install section says" in err
    assert f"command: {sys.executable} -m app.main\n" in err
    icon = err.split("icon: ")[1].strip()
    assert Path(icon).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_install_desktop_reports_a_folder_it_cannot_write(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["--install-desktop"]) == 2
    assert capsys.readouterr().err.startswith("error: cannot install the menu entry:")
