"""Small pictures of big maps: a head's map reduced to the pixels of its tile by block maxima (a
512-token map in a 40-px tile keeps a thin diagonal or a column on the first token in sight,
where sampling every 13th token would drop it), coloured once into a QImage that paints as a
plain blit."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui

from app.views.style import scale_values, to_rgba


def head_images(
    weights: np.ndarray, cells: tuple[int, int], scale: str, table: np.ndarray
) -> list[tuple[np.ndarray, QtGui.QImage]]:
    """(RGBA pixels, QImage) of every head of ``weights`` (heads, queries, keys) at ``cells``
    (rows, columns) ≤ its map's size, coloured on colour ``scale`` with lookup ``table``. The
    block maxima are taken of the raw weights, all heads at once: both colour scales are
    monotonic and keep each head's maximum, its top colour level."""
    rows, columns = cells
    if (rows, columns) != weights.shape[1:]:
        weights = block_max(weights, rows, columns)
    images = []
    for head_map in weights:
        pixels = to_rgba(*scale_values(head_map, scale), table)
        image = QtGui.QImage(
            pixels.data, columns, rows, columns * 4, QtGui.QImage.Format.Format_RGBA8888
        )  # converted once here (a copy), so painting is a plain blit
        images.append(
            (pixels, image.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied))
        )
    return images


def block_max(values: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """``values`` (..., r, c) reduced to (..., rows, columns) ≤ (r, c) cells, each the maximum of
    its block (blocks differ by at most one row or column when the sizes do not divide)."""
    return _block_max_along(_block_max_along(values, rows, -2), columns, -1)


def _block_max_along(values: np.ndarray, cells: int, axis: int) -> np.ndarray:
    """The maxima of ``cells`` blocks along ``axis``: the j-th entries of every block taken at
    once, for each j (block lengths differ by one: the shorter repeat their last entry). Five
    times faster than ``np.maximum.reduceat`` along a row axis."""
    edges = np.linspace(0, values.shape[axis], cells + 1).astype(int)
    starts, ends = edges[:-1], edges[1:]
    reduced = np.take(values, starts, axis=axis)
    for offset in range(1, int((ends - starts).max())):
        np.maximum(
            reduced, np.take(values, np.minimum(starts + offset, ends - 1), axis=axis), out=reduced
        )
    return reduced
