"""The geometry the boundary plot draws: the 0.5 contour, the perceptron's line, colour levels.

Pure NumPy (and one QRectF for the visible rectangle), tested without a widget.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

Array = np.ndarray

#: Marching-squares cases (corner bits: 1 bottom-left, 2 bottom-right, 4 top-right, 8 top-left)
#: to the pairs of cell edges (0 bottom, 1 right, 2 top, 3 left) the contour joins.
_CASES = [[], [(0, 3)], [(0, 1)], [(1, 3)], [(1, 2)], [(0, 1), (2, 3)], [(0, 2)], [(2, 3)],
          [(2, 3)], [(0, 2)], [(0, 3), (1, 2)], [(1, 2)], [(1, 3)], [(0, 1)], [(0, 3)], []]
_SEGMENTS = np.full((16, 2, 2), -1)
for _case, _pairs in enumerate(_CASES):
    _SEGMENTS[_case, :len(_pairs)] = np.reshape(_pairs, (-1, 2))


def contour_segments(values: Array, extent: tuple[float, float, float, float],
                     level: float) -> tuple[Array, Array]:
    """x, y of the ``level`` contour of a (gy, gx) grid map as pairs of points (connect="pairs").

    Vectorised marching squares: crossings are interpolated along the edges of each cell the
    level passes through. pyqtgraph's isocurve loops in Python and costs 3-5 ms on 100x100.
    """
    gy, gx = values.shape
    x_min, x_max, y_min, y_max = extent
    dx, dy = (x_max - x_min) / (gx - 1), (y_max - y_min) / (gy - 1)
    above = values > level
    case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8)
    j, i = np.nonzero((case > 0) & (case < 15))
    corner = [values[j, i], values[j, i + 1], values[j + 1, i + 1], values[j + 1, i]]

    def between(a: Array, b: Array) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.nan_to_num((level - a) / (b - a), nan=0.5), 0.0, 1.0)

    x0, y0 = x_min + i * dx, y_min + j * dy
    edges_x = np.stack([x0 + between(corner[0], corner[1]) * dx, x0 + dx,
                        x0 + between(corner[3], corner[2]) * dx, x0])
    edges_y = np.stack([y0, y0 + between(corner[1], corner[2]) * dy, y0 + dy,
                        y0 + between(corner[0], corner[3]) * dy])
    pairs = _SEGMENTS[case[j, i]]                       # (cells, 2 segments, 2 edges)
    cell, segment = np.nonzero(pairs[:, :, 0] >= 0)
    ends = pairs[cell, segment]                         # (segments, 2)
    xs = edges_x[ends, cell[:, None]].ravel()
    ys = edges_y[ends, cell[:, None]].ravel()
    return xs, ys


def line_in_rect(w1: float, w2: float, b: float, rect: QRectF) -> tuple[Array, Array] | None:
    """The two ends of w1 x1 + w2 x2 + b = 0 inside ``rect``, or None if it misses it."""
    x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
    ends = []
    if w2:
        ends += [(x, -(b + w1 * x) / w2) for x in (x0, x1)]
    if w1:
        ends += [(-(b + w2 * y) / w1, y) for y in (y0, y1)]
    tolerance = 1e-9 * max(1.0, abs(x1 - x0), abs(y1 - y0))
    inside = np.array([p for p in ends if x0 - tolerance <= p[0] <= x1 + tolerance
                       and y0 - tolerance <= p[1] <= y1 + tolerance]).reshape(-1, 2)
    if len(inside) < 2:
        return None
    gaps = np.linalg.norm(inside[:, None] - inside[None], axis=2)
    first, second = np.unravel_index(np.argmax(gaps), gaps.shape)
    if gaps[first, second] == 0:
        return None
    return inside[[first, second], 0], inside[[first, second], 1]


def map_levels(values: Array) -> tuple[float, float]:
    """Outputs in [0, 1] use (0, 1), so 0.5 is neutral; others are centred on 0."""
    low, high = float(values.min()), float(values.max())
    if low >= 0.0 and high <= 1.0:
        return 0.0, 1.0
    reach = max(abs(low), abs(high), 1e-12)
    return -reach, reach
