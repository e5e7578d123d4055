"""The Train view on its own: ``python -m app.train`` (Inspect reports the model's path)."""

from __future__ import annotations

import sys

from PySide6 import QtGui, QtWidgets

from app.train.view import TrainView

WINDOW_SIZE = (1400, 900)


class TrainWindow(QtWidgets.QMainWindow):
    """A window holding only the Train view; closing asks before stopping a run."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Attention Workbench — Train"))
        self.view = TrainView()
        self.setCentralWidget(self.view)
        self.view.sigOpenModel.connect(
            lambda path: self.statusBar().showMessage(
                self.tr("open {path} in Attention Workbench").format(path=path)
            )
        )
        self.view.sigModelSaved.connect(
            lambda path: self.statusBar().showMessage(self.tr("saved {path}").format(path=path))
        )

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if not self.view.close_requested():
            event.ignore()
            return
        self.view.shutdown()
        super().closeEvent(event)


def main() -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    window = TrainWindow()
    window.resize(*WINDOW_SIZE)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
