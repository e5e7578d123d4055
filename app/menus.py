"""The main window's menus: File (open, recent, export a figure, a view or the record, quit),
View (palette, colour map, normalisation, scale, pieces/words, head/layer/step navigation with
shortcuts, the interface language) and Help (keyboard shortcuts, About).

The decoding-step shortcuts are Page Up / Page Down: text boxes keep Ctrl+← / → for moving by
words, so those work for the steps only outside a text box.

Each menu item only calls a Session intent or a window method; the View menu's check marks follow
the Session's display options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TR_NOOP  # marks a string for lupdate, shown translated

from app.figure_export import export_figure
from app.i18n.language import LANGUAGE_NAMES, SYSTEM, save_choice, saved_choice
from app.state.display import COLORMAPS, NORMALISATIONS, SCALES, THEMES, UNITS
from app.state.session import Session

Key = QtGui.QKeySequence
# The decoding step's keys, by direction: Page Up / Down work in a text box too (it does not use
# them for editing), Ctrl+← / → only outside one (a text box moves by words with them).
STEP_KEYS = {1: ("PgDown", "Ctrl+Right"), -1: ("PgUp", "Ctrl+Left")}
# (field of Session.display, menu title, choices, label of each choice; a colour map is named by
# its own name), translated where they are shown
DISPLAY_MENUS = (
    (
        "theme",
        QT_TR_NOOP("&Palette"),
        THEMES,
        {"light": QT_TR_NOOP("Light"), "dark": QT_TR_NOOP("Dark")},
    ),
    ("colormap", QT_TR_NOOP("&Colour map"), COLORMAPS, {}),
    (
        "normalisation",
        QT_TR_NOOP("&Normalisation"),
        NORMALISATIONS,
        {
            "global": QT_TR_NOOP("global"),
            "row": QT_TR_NOOP("per row"),
        },
    ),
    (
        "scale",
        QT_TR_NOOP("&Scale"),
        SCALES,
        {"linear": QT_TR_NOOP("linear"), "log": QT_TR_NOOP("log")},
    ),
    (
        "units",
        QT_TR_NOOP("&Tokens"),
        UNITS,
        {
            "pieces": QT_TR_NOOP("sub-word pieces"),
            "words": QT_TR_NOOP("merged words"),
        },
    ),
)


def tr(text: str) -> str:
    """``text`` in the interface language: lupdate files a ``tr()`` outside a class under the
    empty context."""
    return QtCore.QCoreApplication.translate("", text)


@dataclass
class WindowActions:
    """The actions tests and the export button reach directly."""

    open_checkpoint: QtGui.QAction
    export_figure: QtGui.QAction
    export_json: QtGui.QAction
    export_npz: QtGui.QAction
    quit: QtGui.QAction
    shortcuts: QtGui.QAction
    about: QtGui.QAction
    recent_menu: QtWidgets.QMenu
    open_hf: QtGui.QAction
    languages: dict[str, QtGui.QAction] = field(default_factory=dict)
    navigation: dict[str, QtGui.QAction] = field(default_factory=dict)
    display: dict[tuple[str, str], QtGui.QAction] = field(default_factory=dict)

    @property
    def exports(self) -> list[QtGui.QAction]:
        return [
            self.export_figure,
            self.export_json,
            self.export_npz,
        ]


def _action(
    parent: QtWidgets.QWidget, text: str, slot: Callable[[], object], *shortcuts: object
) -> QtGui.QAction:
    action = QtGui.QAction(text, parent)
    if shortcuts:
        action.setShortcuts([Key(shortcut) for shortcut in shortcuts])
    action.triggered.connect(lambda _=False: slot())
    return action


def build_menus(window: QtWidgets.QMainWindow, session: Session) -> WindowActions:
    """Fill ``window``'s menu bar; the window provides open_checkpoint_dialog,
    open_hf_model_dialog, export_record, open_checkpoint and show_about."""
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    actions = WindowActions(
        open_checkpoint=_action(
            window, tr("&Open checkpoint…"), window.open_checkpoint_dialog, Key.StandardKey.Open
        ),
        export_figure=_action(
            window, tr("Export &figure (PDF, SVG, PNG)…"), lambda: export_figure(window)
        ),
        export_json=_action(
            window, tr("Export record as &JSON…"), lambda: window.export_record(".json")
        ),
        export_npz=_action(
            window, tr("Export record as &NPZ…"), lambda: window.export_record(".npz")
        ),
        quit=_action(window, tr("&Quit"), window.close, "Ctrl+Q"),  # the standard key can be none
        shortcuts=_action(window, tr("&Keyboard shortcuts…"), window.show_shortcuts, "F1"),
        about=_action(window, tr("&About Attention Workbench"), window.show_about),
        recent_menu=QtWidgets.QMenu(tr("Open &recent"), window),
        open_hf=_action(window, tr("Open &Hugging Face model…"), window.open_hf_model_dialog),
    )
    file_menu.addAction(actions.open_checkpoint)
    file_menu.addAction(actions.open_hf)
    file_menu.addMenu(actions.recent_menu)
    file_menu.addSeparator()
    for action in actions.exports:
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)

    view_menu = bar.addMenu(tr("&View"))
    fill_view_menu(view_menu, window, session, actions)
    view_menu.addSeparator()
    fill_language_menu(view_menu.addMenu(tr("&Language")), window, actions)
    help_menu = bar.addMenu(tr("&Help"))
    help_menu.addAction(actions.shortcuts)
    help_menu.addAction(actions.about)
    session.sigDisplayChanged.connect(lambda: check_display(actions, session))
    check_display(actions, session)
    return actions


def fill_view_menu(
    view_menu: QtWidgets.QMenu,
    window: QtWidgets.QMainWindow,
    session: Session,
    actions: WindowActions,
) -> None:
    """The display options (one checkable group each) and the navigation shortcuts."""
    for field_name, title, choices, labels in DISPLAY_MENUS:
        submenu = view_menu.addMenu(tr(title))
        group = QtGui.QActionGroup(window)
        for choice in choices:
            action = _action(
                window,
                tr(labels[choice]) if choice in labels else choice,
                lambda f=field_name, c=choice: session.choose_display(f, c),
            )
            action.setCheckable(True)
            group.addAction(action)
            submenu.addAction(action)
            actions.display[(field_name, choice)] = action
    view_menu.addSeparator()
    for name, text, slot, shortcuts in (
        ("next_head", tr("Next head"), lambda: session.head_by(1), ("Alt+Right",)),
        ("previous_head", tr("Previous head"), lambda: session.head_by(-1), ("Alt+Left",)),
        ("next_layer", tr("Next layer"), lambda: session.layer_by(1), ("Alt+Down",)),
        ("previous_layer", tr("Previous layer"), lambda: session.layer_by(-1), ("Alt+Up",)),
        ("next_step", tr("Next decoding step"), lambda: session.step_by(1), STEP_KEYS[1]),
        ("previous_step", tr("Previous decoding step"), lambda: session.step_by(-1), STEP_KEYS[-1]),
        ("clear_token", tr("Clear the selected token"), session.clear_token, ("Escape",)),
        (
            "clear_filter",
            tr("Show every token (clear the text filter)"),
            session.clear_text_filter,
            (),
        ),
    ):
        actions.navigation[name] = _action(window, text, slot, *shortcuts)
        view_menu.addAction(actions.navigation[name])


def fill_language_menu(
    menu: QtWidgets.QMenu, window: QtWidgets.QMainWindow, actions: WindowActions
) -> None:
    """View ▸ Language: the system's, English or Simplified Chinese, kept in the window's settings
    and applied at the next launch (the status bar says so)."""
    group = QtGui.QActionGroup(window)
    names = {SYSTEM: tr("System language"), **LANGUAGE_NAMES}
    chosen = saved_choice(window.settings)

    def choose(choice: str) -> None:
        save_choice(window.settings, choice)
        window.show_message(tr("the interface language changes when the app starts again"))

    for choice, name in names.items():
        action = _action(window, name, lambda c=choice: choose(c))
        action.setCheckable(True)
        action.setChecked(choice == chosen)
        group.addAction(action)
        menu.addAction(action)
        actions.languages[choice] = action


def check_display(actions: WindowActions, session: Session) -> None:
    """Tick the View menu's choices that match the Session's display options."""
    for (field_name, choice), action in actions.display.items():
        action.setChecked(getattr(session.display, field_name) == choice)


def fill_recent(
    menu: QtWidgets.QMenu, paths: list[str], open_path: Callable[[str], None], clear: Callable
) -> None:
    """The File ▸ Open recent submenu."""
    menu.clear()
    for path in paths:
        menu.addAction(f"{Path(path).name}  ({path})").triggered.connect(
            lambda _=False, p=path: open_path(p)
        )
    if not paths:
        menu.addAction(tr("no recent checkpoints")).setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction(tr("Clear the list")).triggered.connect(lambda _=False: clear())
