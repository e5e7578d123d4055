"""The main window: the model panel on the left, the inputs (translate or NLI, by the model's kind)
above the view tabs, menus and shortcuts (``app.menus``), status bar messages, drag-and-drop of a
checkpoint directory, export of the record (the view's figure: ``app.figure_export``), a dialog for a model that fails to open,
and what it remembers across launches (``app.window_memory``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TRANSLATE_NOOP

from app import window_memory
from app.cjk import has_cjk, texts_on_show
from app.help import TITLE, ShortcutsDialog, about_html
from app.hf_open import ask_hf_model
from app.menus import build_menus, fill_recent
from app.panels.model_panel import ModelPanel
from app.panels.nli_panel import NLIPanel
from app.panels.translate_panel import TranslatePanel
from app.panels.views_panel import ViewsPanel
from app.recent import RecentModels, app_settings
from app.state import records
from app.state.catalogue import ModelCatalogue
from app.state.session import Session
from app.views.fonts import use_cjk_font
from app.views.style import palette_for, qt_palette
from core_models.export import save_record

if TYPE_CHECKING:
    from app.train.view import TrainView

logger = logging.getLogger(__name__)

STATUS_MS = 10_000
INSPECT, TRAIN = 0, 1  # the tabs of ``MainWindow.modes``
EXPORT_FILTERS = {  # translated where they are shown (context "MainWindow")
    ".json": QT_TRANSLATE_NOOP("MainWindow", "Attention record, JSON (*.json)"),
    ".npz": QT_TRANSLATE_NOOP("MainWindow", "Attention record, NumPy (*.npz)"),
}


class MainWindow(QtWidgets.QMainWindow):
    """Attention Workbench's window over one Session (``self.session``)."""

    def __init__(self, settings: QtCore.QSettings | None = None) -> None:
        """Build the panels, lay them out and connect them to the Session (one place, read top to
        bottom like the window; longer than 60 lines because it is a list of connections)."""
        super().__init__()
        # before any widget: each takes the application font (with its CJK fallback) when made
        self.cjk_family = use_cjk_font(QtWidgets.QApplication.instance())
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self.session = Session(self)
        self.settings = settings or app_settings()
        self.recent = RecentModels(self.settings, self)
        self._fallback_model: str | None = None  # opened if the remembered model fails
        self.catalogue = ModelCatalogue(self)  # the models every picker offers
        self.model_panel = ModelPanel(self.session, self.recent, self.catalogue)
        self.translate_panel = TranslatePanel(self.session)
        self.nli_panel = NLIPanel(self.session)
        self.views = ViewsPanel(self.session)
        self.views.compare.set_catalogue(self.catalogue)
        self.busy_label = QtWidgets.QLabel()
        self.statusBar().addPermanentWidget(self.busy_label)
        self.font_notice = QtWidgets.QLabel()  # says once what to install for Chinese text
        self.font_notice.hide()
        self.statusBar().addPermanentWidget(self.font_notice)

        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(6, 6, 6, 0)
        right_layout.addWidget(self.translate_panel)  # one of the two shows, by the model's kind
        right_layout.addWidget(self.nli_panel)
        self.nli_panel.hide()
        right_layout.addWidget(self.views, 1)
        self.splitter = splitter = QtWidgets.QSplitter()
        splitter.addWidget(self.model_panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 1080])
        self._train_view: TrainView | None = None  # built when the Train tab is first shown
        self.modes = QtWidgets.QTabWidget()  # inspect a model, or train one and watch it learn
        self.modes.setDocumentMode(True)
        self.modes.addTab(splitter, self.tr("Inspect"))
        self.modes.addTab(QtWidgets.QWidget(), self.tr("Train"))  # until ``train_view`` is built
        self.setCentralWidget(self.modes)
        self._messages: dict[int, str] = {}  # each tab's last status message
        self.modes.currentChanged.connect(self._on_mode_changed)

        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.menu_actions = build_menus(self, self.session)
        export_button = QtWidgets.QToolButton()
        export_button.setText(self.tr("Export"))
        export_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        export_button.addActions(self.menu_actions.exports)
        self.views.setCornerWidget(export_button)

        self.model_panel.sigOpenCheckpoint.connect(self.open_checkpoint_dialog)
        self.session.sigModelChanged.connect(self._on_model_changed)
        self.session.sigModelFailed.connect(self._on_model_failed)
        self.views.compare.other.sigModelFailed.connect(self.show_error)
        self.session.sigMessage.connect(self.show_message)
        self.session.sigBusy.connect(self._on_busy)
        self.session.sigInputsChanged.connect(self._check_chinese_font)
        self.session.sigRecordChanged.connect(self._check_chinese_font)
        self.session.sigDisplayChanged.connect(self._apply_display)
        self.recent.sigChanged.connect(self._fill_recent)
        self._fill_recent()
        self._restore()
        self._apply_display()
        self.show_message(
            self.tr("open a model to begin: pick one on the left, or File ▸ Open checkpoint…")
        )

    # --- the Train tab --------------------------------------------------------------------------

    @property
    def train_view(self) -> TrainView:
        """The Train tab's view, built the first time it is asked for (``_build_train_view``)."""
        return self._build_train_view() if self._train_view is None else self._train_view

    def _build_train_view(self) -> TrainView:
        """The Train tab's view in place of its placeholder: built (its modules imported) when
        the tab is first shown, not at launch, where it would delay the first translation."""
        from app.train.view import TrainView

        view = self._train_view = TrainView()
        view.set_display(self.session.display)
        view.sigModelSaved.connect(self.catalogue.refresh)
        view.sigOpenModel.connect(self.inspect_trained_model)
        view.sigDisplayChosen.connect(self.session.choose_display)
        placeholder = self.modes.widget(TRAIN)
        showing = self.modes.currentIndex() == TRAIN
        blocked = self.modes.blockSignals(True)  # the tab in place changes, not the mode
        self.modes.insertTab(TRAIN, view, self.tr("Train"))
        if showing:
            self.modes.setCurrentIndex(TRAIN)
        self.modes.removeTab(TRAIN + 1)
        self.modes.blockSignals(blocked)
        placeholder.deleteLater()
        return view

    # --- models ---------------------------------------------------------------------------------

    def open_checkpoint_dialog(self) -> None:
        """File ▸ Open checkpoint…: choose a checkpoint (or training run) directory."""
        path = QtWidgets.QFileDialog.getExistingDirectory(
            self, self.tr("Open a checkpoint directory"), str(Path.home())
        )
        if path:
            self.open_checkpoint(path)

    def open_hf_model_dialog(self) -> None:
        """File ▸ Open Hugging Face model…: a name (``hf:``) or a ``save_pretrained`` folder."""
        source = ask_hf_model(self)
        if source:
            self.session.open_model(source)

    def open_checkpoint(self, path: str | Path) -> None:
        """Open a checkpoint directory (what the dialog, the recent list and a drop call)."""
        self.session.open_model(str(path))

    def open_first_model(self, default: str | Path | None) -> str | None:
        """Open the model of the last launch if it is still there, else ``default``; if the
        remembered one no longer opens, ``default`` follows without an error dialog. Returns
        what is being opened (None: nothing)."""
        remembered = window_memory.saved_model(self.settings)
        if remembered is None:
            if default is not None:
                self.session.open_model(default)
            return None if default is None else str(default)
        self._fallback_model = None if default is None else str(default)
        self.session.open_model(remembered)
        return remembered

    def _on_model_failed(self, text: str) -> None:
        fallback, self._fallback_model = self._fallback_model, None
        if fallback is None:
            self.show_error(text)
            return
        logger.info("the remembered model did not open; opening %s instead", fallback)
        self.session.open_model(fallback)

    def inspect_trained_model(self, path: str) -> None:
        """The Train view's "Inspect the model": open it and show the Inspect tab."""
        self.open_checkpoint(path)
        self.modes.setCurrentIndex(0)

    def _on_model_changed(self) -> None:
        self.catalogue.refresh()  # a model opened from a path may be one the list has not seen
        session = self.session
        self._fallback_model = None
        self.translate_panel.setVisible(session.task_kind == "translation")
        self.nli_panel.setVisible(session.task_kind == "nli")
        first_box = (
            self.translate_panel.source_box
            if session.task_kind == "translation"
            else self.nli_panel.premise_box
        )
        first_box.setFocus()  # ready to type
        self.setWindowTitle(f"{session.model_name} — {TITLE}")
        if Path(session.model_source).is_dir():
            self.recent.add(session.model_source)

    def _fill_recent(self) -> None:
        fill_recent(
            self.menu_actions.recent_menu,
            self.recent.paths(),
            self.open_checkpoint,
            self.recent.clear,
        )

    # --- drag and drop --------------------------------------------------------------------------

    @staticmethod
    def dropped_directory(mime: QtCore.QMimeData) -> Path | None:
        """The checkpoint directory a drop carries: a directory, or the folder of a dropped file."""
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                return path if path.is_dir() else path.parent
        return None

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self.dropped_directory(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        path = self.dropped_directory(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_checkpoint(path)

    # --- export ---------------------------------------------------------------------------------

    def _ask_save_path(self, suffix: str, what: str) -> Path | None:
        name = f"{self.session.model_name or 'attention'}-{what}{suffix}"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self,
            self.tr("Export the record") if what == "record" else self.tr("Export the view"),
            str(Path.cwd() / name),
            self.tr(EXPORT_FILTERS[suffix]),
        )
        if not path:
            return None
        path = Path(path)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def export_record(self, suffix: str) -> Path | None:
        """Write the record on show (pieces or words) as ``suffix`` (".json" / ".npz")."""
        session = self.session
        if session.record is None or session.result is None:
            self.show_message(self.tr("nothing to export yet: type something first"))
            return None
        path = self._ask_save_path(suffix, "record")
        if path is None:
            return None
        document = records.export_document(session.model, session.result, session.record)
        try:
            save_record(path, session.record, **document)
        except (OSError, ValueError) as error:
            self.show_error(
                self.tr("Could not export the record to {path}:\n\n{error}").format(
                    path=path, error=error
                )
            )
            return None
        self.show_message(self.tr("record exported to {path}").format(path=path))
        return path

    # --- messages -------------------------------------------------------------------------------

    def show_message(self, text: str, mode: int = INSPECT) -> None:
        """Say ``text`` in the status bar for the tab ``mode`` (Inspect's by default): each tab
        owns its messages, shown while it is the current one."""
        self._messages[mode] = text
        if self.modes.currentIndex() == mode:
            self.statusBar().showMessage(text, STATUS_MS)

    def _check_chinese_font(self) -> None:
        """Chinese text on show and no font draws it: say what to install, once."""
        if self.cjk_family is not None or self.font_notice.text():
            return
        if has_cjk(texts_on_show(self.session.inputs, self.session.record)):
            self.font_notice.setText(
                self.tr(
                    "No Chinese font found: install fonts-noto-cjk (Debian/Ubuntu) or "
                    "`pip install 'attention-workbench[cjk]'`"
                )
            )
            self.font_notice.show()

    def _on_mode_changed(self, mode: int) -> None:
        """The status bar shows the new tab's last message (none of the other's); the Train tab
        is built the first time it shows (before anything is painted)."""
        if mode == TRAIN and self._train_view is None:
            self._build_train_view()
        self.statusBar().showMessage(self._messages.get(mode, ""), STATUS_MS)
        self.busy_label.setVisible(mode == INSPECT)

    def show_error(self, text: str) -> None:
        """A dialog for something the user must know (a model that does not open, a failed export)."""
        logger.warning(text)
        QtWidgets.QMessageBox.critical(self, TITLE, text)

    def show_about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, self.tr("About {title}").format(title=TITLE), about_html()
        )

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard shortcuts: a window listing every shortcut (it stays open)."""
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.menuBar(), self)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("working…") if busy else "")

    def _apply_display(self) -> None:
        """The window's palette follows the display's theme; the Train tab draws with it."""
        palette = qt_palette(palette_for(self.session.display.theme))
        self.setPalette(palette)
        self.menuBar().setPalette(palette)
        if self._train_view is not None:
            self._train_view.set_display(self.session.display)

    # --- what the window remembers ---------------------------------------------------------------

    def _restore(self) -> None:
        window_memory.restore_layout(self.settings, self, self.splitter)
        self.session.set_display(window_memory.saved_display(self.settings))
        mode, page = window_memory.saved_tabs(self.settings)
        if page in self.views.pages:
            self.views.show_page(page)
        if mode is not None and 0 <= mode < self.modes.count():
            self.modes.setCurrentIndex(mode)

    def _remember(self) -> None:
        tabs = (self.modes.currentIndex(), self.views.current_page())
        window_memory.save(
            self.settings,
            self,
            self.splitter,
            tabs,
            self.session.display,
            self.session.model_source if self.session.model is not None else "",
        )

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        train_view = self._train_view
        if train_view is not None and not train_view.close_requested():  # the user keeps training
            event.ignore()
            return
        self._remember()
        if train_view is not None:
            train_view.shutdown()
        self.session.shutdown()
        self.views.compare.shutdown()
        super().closeEvent(event)
