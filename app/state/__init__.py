"""The app's state, apart from its widgets: the Inspect session, the selection and its moves, the
text filter, results and records, beam-tree data and display choices. It may import QtCore (for
signals) and core_models, never QtWidgets, QtGui widgets or pyqtgraph; views import it, never the
other way round."""
