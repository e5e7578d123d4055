"""The ``attention-workbench`` entry point: no command opens the GUI on a bundled model with a
sentence already translated, ``render`` draws a view offscreen, every other command goes to
``core_models.cli``."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # --version and --install-desktop answer without importing torch
    from core_models.inference import ModelEntry

FALLBACK_SENTENCE = "the little cat sleeps on the red chair"
DEFAULT_MODEL = "transformer-en-fr"  # every head of every layer, on a task with gold alignments
# Set to 1, the window closes itself once its first translation is shown (tests of start and exit).
CLOSE_WHEN_READY_ENV = "ATTENTION_WORKBENCH_CLOSE_WHEN_READY"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    language, argv = interface_language(argv)
    if language == "":
        print("error: --lang needs a language: zh_CN or en", file=sys.stderr)
        return 2
    if not argv:
        return run_gui(language)
    if argv[0] == "--version":
        from core_models import __version__

        print(f"attention-workbench {__version__}")
        return 0
    if argv[0] == "--install-desktop":
        from app.desktop import install_desktop_command

        return install_desktop_command()
    if argv[0] in ("-h", "--help"):
        print(
            "attention-workbench with no command opens the app on a bundled model\n"
            "(--lang zh_CN or --lang en: its interface language, else the system's);\n"
            "attention-workbench render MODEL TEXT --view VIEW -o OUT.png draws a view offscreen\n"
            "(see attention-workbench render --help);\n"
            "attention-workbench --install-desktop adds the app to the desktop's menu (Linux);\n"
            "attention-workbench --version prints the version. The other commands:\n"
        )
    if argv[0] == "render":
        from app.render_command import main as render_main
        from core_models.cli import guarded

        return guarded(lambda: render_main(argv[1:]), argv)
    from core_models.cli import main as cli_main

    return cli_main(argv)


def interface_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--lang LANGUAGE`` (or ``--lang=LANGUAGE``) at the front of ``argv``, and the rest."""
    if argv and argv[0].startswith("--lang="):
        return argv[0].partition("=")[2], argv[1:]
    if argv and argv[0] == "--lang":
        return (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    return None, argv


def first_model(entries: list[ModelEntry]) -> ModelEntry | None:
    """The model the window opens with: the bundled ``DEFAULT_MODEL``, else a bundled
    translation model, else any bundled model, else any of the user's."""
    from core_models.models.registry import FAMILIES

    def rank(entry: ModelEntry) -> tuple[bool, bool, bool]:
        family = FAMILIES.get(entry.family)
        translation = family is not None and family.task_kind == "translation"
        return entry.source != "bundled", not translation, entry.name != DEFAULT_MODEL

    return min(entries, key=rank) if entries else None


def start(window) -> ModelEntry | None:
    """Open the first model in ``window`` (the one it remembers, else ``first_model``) and, once it
    is loaded, translate a sample sentence."""
    from PySide6.QtCore import QCoreApplication

    from core_models.inference import list_models

    entry = first_model(list_models())
    if entry is None:
        window.show_message(
            QCoreApplication.translate(
                "main",
                "no models yet: File ▸ Open checkpoint…, or train one with "
                "`attention-workbench train transformer-en-fr`",
            )
        )
        return None
    session = window.session

    def first_sentence() -> None:  # the Session shows a sample of the model's task when it has one
        session.sigModelChanged.disconnect(first_sentence)
        if session.task_kind == "translation" and not session.inputs.source.strip():
            session.set_source(FALLBACK_SENTENCE)

    session.sigModelChanged.connect(first_sentence)
    window.open_first_model(entry.path)  # the last launch's model when it is still there
    return entry


def run_gui(language: str | None = None) -> int:
    """The window, in ``language`` (``--lang``; None: the saved choice, else the system's)."""
    from app.platform_check import missing_display_support

    missing = missing_display_support()
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    from pyqtgraph.util.garbage_collector import GarbageCollector
    from PySide6 import QtWidgets

    from app.desktop import NAME, app_icon
    from app.i18n.language import LanguageError, install, resolve
    from app.recent import app_settings
    from app.window import MainWindow

    try:
        language = resolve(language, app_settings())
    except LanguageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    install(app, language)
    app.setApplicationName("Attention Workbench")
    app.setDesktopFileName(NAME)  # ties the window to the --install-desktop menu entry
    app.setWindowIcon(app_icon())  # every window, the taskbar and the About box
    app.setStyle("Fusion")
    # Python's cyclic garbage collector runs on whichever thread allocates when a threshold is
    # crossed; collecting a Qt object's wrapper on a decoding thread deadlocked against the GUI
    # thread's QObject destructor (seen in the tests). Collect on the GUI thread only, on a timer.
    collector = GarbageCollector(interval=1.0)  # noqa: F841 (its timer runs while it lives)
    window = MainWindow()  # sized as it was last time, or to fit the screen
    window.show()
    start(window)
    if os.environ.get(CLOSE_WHEN_READY_ENV) == "1":
        close_when_translated(window)
    code = app.exec()
    tear_down(window)
    return code


def tear_down(window) -> None:
    """Stop the window's threads and delete the window, with every view, pyqtgraph item and
    worker in it, while the QApplication still exists.

    Signal connections to the window's methods keep it alive after ``run_gui`` returns: left
    alone, it and its threads were destroyed only at the interpreter's exit, after shiboken had
    destroyed the QApplication, an order Qt does not support (the likely source of a reported
    segfault at exit)."""
    from PySide6 import QtCore

    if window.isVisible():  # the app quit without the window closing: stop its threads now
        window.close()
    window.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    QtCore.QCoreApplication.processEvents()
    gc.collect()  # the Python wrappers of what was deleted


def close_when_translated(window) -> None:
    """Close ``window`` (as its close button does) once a translation is on show."""
    session = window.session

    def close_if_ready() -> None:
        if session.result is not None:
            session.sigResultChanged.disconnect(close_if_ready)
            print(f"translated: {getattr(session.result, 'output_text', '')}", flush=True)
            window.close()

    session.sigResultChanged.connect(close_if_ready)


if __name__ == "__main__":
    sys.exit(main())
