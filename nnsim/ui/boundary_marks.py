"""Marks a model of another kind leaves on the boundary plot: the centres of RBF units (crosses)
and the regions a mixture's gate gives each expert (a tint per expert, dashed borders, names).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from nnsim.ui.boundary_geometry import contour_segments
from nnsim.ui.palette import LIGHT, MULTICLASS_COLOURS, Theme

Array = np.ndarray
#: Expert k's tint (green, purple, sky, yellow: none is a class colour) and its opacity.
EXPERT_COLOURS = tuple(MULTICLASS_COLOURS[i] for i in (2, 3, 4, 6))
REGION_ALPHA = 70


class ModelMarks:
    """The items, built once and added to the plot's view box; frames only set their data."""

    def __init__(self, view: pg.ViewBox) -> None:
        self.view = view
        self.theme = LIGHT
        self.regions = pg.ImageItem(axisOrder="row-major")
        self.regions.setZValue(-5)
        self.edges = pg.PlotCurveItem(connect="pairs")
        self.centres = pg.ScatterPlotItem(symbol="x", size=16)
        self.centres.setZValue(20)
        self.labels: list[pg.TextItem] = []
        self.shown_regions: Array | None = None
        for item in (self.regions, self.edges, self.centres):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            view.addItem(item)

    def show_centres(self, centres: Array | None) -> None:
        """Crosses at the centres (rows (x1, x2)); None hides them."""
        if centres is None:
            self.centres.setData([], [])
            return
        centres = np.asarray(centres, dtype=np.float64)
        self.centres.setData(centres[:, 0], centres[:, 1])

    def show_regions(self, regions: Array | None, extent: tuple[float, float, float, float]
                     | None, rect: QRectF | None) -> None:
        """Tint each grid cell by the expert chosen there (``regions`` (gy, gx) over
        ``extent``, drawn in ``rect``), edge the regions and name them; None clears."""
        self.shown_regions = regions
        for label in self.labels:
            self.view.removeItem(label)
        self.labels = []
        if regions is None or rect is None or extent is None:
            self.regions.setVisible(False)
            self.edges.setData([], [])
            return
        tints = np.array([(*EXPERT_COLOURS[k % len(EXPERT_COLOURS)], REGION_ALPHA)
                          for k in range(int(regions.max()) + 1)], dtype=np.ubyte)
        self.regions.setImage(tints[regions], autoLevels=False)
        self.regions.setRect(rect)
        self.regions.setVisible(True)
        x_min, x_max, y_min, y_max = extent
        gy, gx = regions.shape
        xs, ys = [], []
        for k in np.unique(regions):
            x, y = contour_segments((regions == k).astype(np.float64), extent, 0.5)
            xs.append(x)
            ys.append(y)
            rows, columns = np.nonzero(regions == k)
            background = pg.mkColor(self.theme.background)
            background.setAlpha(200)  # readable over the points
            label = pg.TextItem(f"expert {k + 1}", anchor=(0.5, 0.5),
                                color=pg.mkColor(self.theme.foreground), fill=background)
            label.setZValue(30)
            label.setPos(x_min + columns.mean() / (gx - 1) * (x_max - x_min),
                         y_min + rows.mean() / (gy - 1) * (y_max - y_min))
            self.view.addItem(label)
            self.labels.append(label)
        self.edges.setData(np.concatenate(xs), np.concatenate(ys))

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        foreground = pg.mkColor(theme.foreground)
        self.edges.setPen(pg.mkPen(foreground, width=2 * theme.stroke_scale,
                                   style=Qt.PenStyle.DashLine))
        self.centres.setPen(pg.mkPen(foreground, width=3 * theme.stroke_scale))
        self.centres.setBrush(pg.mkBrush(foreground))
