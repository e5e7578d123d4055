"""Attention Workbench's desktop GUI (PySide6 + pyqtgraph) over ``core_models``."""
