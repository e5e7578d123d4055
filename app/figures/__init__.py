"""Figures for papers and slides: every view drawn with matplotlib from the state the views draw
(record, selection, display; the beam tree, the NLI prediction, a second model to compare), with
token labels, a colour bar and an optional title, and no controls or hints. PNG at a chosen DPI,
SVG and PDF (vector, fonts embedded), sizes in pixels, inches or cm.

Qt-free (no PySide6, pyqtgraph or torch): ``attention-workbench render`` works without a display.
``options`` holds the plain data and loads no matplotlib; ``draw.write_figure`` draws and writes.
"""
