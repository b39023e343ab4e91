"""The lecture's argument in one picture: the model's output over the plane and the data on it.

The heatmap is ``Snapshot.boundary`` (or one hidden neuron's map) with the diverging palette,
the 0.5 contour is drawn over it, and a one-layer model (the perceptron) also gets its line
w1 x1 + w2 x2 + b = 0. Classes differ by colour and by marker shape; test points are hollow.
Every frame only calls setImage / setData on items built once.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnsim.core.snapshot import Snapshot
from nnsim.ui.boundary_geometry import contour_segments, line_in_rect, map_levels
from nnsim.ui.boundary_marks import ModelMarks
from nnsim.ui.figure_export import export_figure
from nnsim.ui.guard import guarded
from nnsim.ui.palette import LIGHT, POSITIVE, POSITIVE_LIGHT, Theme, lookup_table
from nnsim.ui.points_editor import PointsEditor, PointsToolbar, PointsViewBox

Array = np.ndarray
#: Share of the background mixed into the heatmap, so full-colour points stay readable on it.
HEATMAP_FADE = 0.45


def banner_style(theme: Theme) -> str:
    """A message that must not be missed: black on light orange, whatever the theme."""
    return (f"background: rgb{POSITIVE_LIGHT}; color: rgb(0, 0, 0); padding: 6px;"
            f"border: 1px solid rgb{POSITIVE}; border-radius: 3px;"
            f"font-size: {11 * theme.font_scale:.0f}pt; font-weight: bold;")


class _SmoothImage(pg.ImageItem):
    """The heatmap scaled up bilinearly: a 100x100 grid drawn over 700 px shows no blocks.

    pyqtgraph makes an RGBA8888 picture of the colours, which Qt converts on every scaled
    draw; kept as RGB32 (the heatmap is opaque) it draws 100x100 over 500 px in 0.7 ms
    instead of 1.4-2.2.
    """

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() != QImage.Format.Format_RGB32:
            self.qimage = self.qimage.convertToFormat(QImage.Format.Format_RGB32)

    @guarded()
    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class BoundaryPlot(QWidget):
    """The model's output over the plane as a heatmap, its 0.5 contour, and the data points."""

    points_edited = Signal(object, object)
    """The user added, moved, removed or imported points: (X (n, 2), y (n,))."""
    point_clicked = Signal(object, object)
    """A data point was clicked while not editing: (row (2,), label), for the forward stepper."""
    plane_clicked = Signal(object)
    """Empty plane was clicked while not editing: the position as an array (x1, x2)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown_map: tuple[int, int] | None = None
        self.values: Array | None = None          # the map shown, before colouring
        self.levels = (0.0, 1.0)
        self.snapshot: Snapshot | None = None
        self.extent: tuple[float, float, float, float] | None = None
        self.image_rect: QRectF | None = None
        self._placed: tuple | None = None
        self._fitted = False
        self.line_visible = False
        self._theme = LIGHT
        self.view = PointsViewBox()
        self.view.setAspectLocked(True)
        self.plot_widget = pg.PlotWidget(viewBox=self.view)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_item = self.plot_widget.getPlotItem()
        self.image = _SmoothImage(axisOrder="row-major")
        self.image.setZValue(-10)
        self.contour = pg.PlotCurveItem(connect="pairs")
        self.line = pg.PlotCurveItem()
        for item in (self.image, self.contour, self.line):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.view.addItem(item)
        self.marks = ModelMarks(self.view)  # RBF centres, a gate's regions
        self.editor = PointsEditor(self.view, self.plot_widget)
        self.editor.points_edited.connect(self.points_edited)
        self.editor.point_clicked.connect(self.point_clicked)
        self.editor.plane_clicked.connect(self.plane_clicked)
        self.view.sigRangeChanged.connect(self._update_line)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setVisible(False)
        self.toolbar = PointsToolbar(lambda: (self.X.copy(), self.y.copy()))
        self.toolbar.editing_toggled.connect(self.set_editable)
        self.toolbar.points_imported.connect(self.editor.import_points)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)     # above the plane, so it never hides a point
        layout.addWidget(self.plot_widget, 1)
        self.set_title(title)
        self.set_theme(LIGHT)

    # -- data --------------------------------------------------------------------------------

    def set_points(self, X: Array, y: Array, test_mask: Array | None = None) -> None:
        """Show these points (test rows hollow); the view grows to fit any that fall outside it."""
        self.editor.set_points(X, y, test_mask)
        if not len(self.X):
            return
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        (x_low, x_high), (y_low, y_high) = self.view.viewRange()
        if self._fitted and x_low <= low[0] and high[0] <= x_high and y_low <= low[1] \
                and high[1] <= y_high:
            return                       # keep the teacher's zoom while all points show
        pad = np.maximum(0.1 * (high - low), 0.5 * (high == low))
        self.view.setRange(QRectF(*(low - pad), *(high - low + 2 * pad)), padding=0)
        self._fitted = True

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw the snapshot's output (or the chosen hidden neuron's) map, contour and line."""
        self.snapshot = snapshot
        weights = snapshot.weights
        # One layer of 2 inputs and 1 output: the 0.5 contour is the exact line w.x + b = 0.
        self.line_visible = (self.shown_map is None and len(weights) == 1
                             and np.shape(weights[0][0]) == (2, 1))
        values = self._map_values(snapshot)
        if values is None or snapshot.grid_extent is None:
            self.values = None
            self.image.setVisible(False)
            self.contour.setData([], [])
        else:
            low, high = map_levels(values)
            self.values, self.levels = values, (low, high)
            self.image.setImage(self._colours(values, low, high), autoLevels=False)
            self.image.setVisible(True)
            if (snapshot.grid_extent, values.shape) != self._placed:
                self._place_image(snapshot.grid_extent, values.shape)
            self.contour.setData(*(([], []) if self.line_visible else
                                   contour_segments(values, self.extent, (low + high) / 2)))
        self.marks.show_regions(snapshot.regions if self.image.isVisible() else None,
                                self.extent, self.image_rect)
        self._update_line()

    def show_centres(self, centres: Array | None) -> None:
        """Mark RBF units' centres (rows (x1, x2)); None hides the marks."""
        self.marks.show_centres(centres)

    def _colours(self, values: Array, low: float, high: float) -> Array:
        # The palette applied here, not by pyqtgraph: an RGBX image draws scaled 5x faster
        # than the indexed image a lookup table makes (measured 0.25 against 1.3-1.6 ms).
        scaled = (values - low) * (len(self.lut) / (high - low))
        np.nan_to_num(scaled, copy=False, nan=len(self.lut) / 2)
        np.clip(scaled, 0, len(self.lut) - 1, out=scaled)
        return self.lut[scaled.astype(np.intp)]

    def set_map(self, layer: int | None, neuron: int = 0) -> None:
        """Show hidden ``layer``'s ``neuron`` map instead of the output (None: the output)."""
        self.shown_map = None if layer is None else (int(layer), int(neuron))
        if self.snapshot is not None:
            self.show_snapshot(self.snapshot)

    def _map_values(self, snapshot: Snapshot) -> Array | None:
        if self.shown_map is None:
            return snapshot.boundary
        layer, neuron = self.shown_map
        maps = snapshot.neuron_maps or ()
        if layer >= len(maps) or neuron >= len(maps[layer]):
            return None
        return maps[layer][neuron]

    def _place_image(self, extent: tuple[float, float, float, float],
                     shape: tuple[int, int]) -> None:
        # Grid values sit on the pixel centres: the picture reaches half a cell past the extent.
        # A new extent means new data: show all of it (the same extent keeps the user's zoom).
        fit = extent != self.extent
        self.extent, self._placed = extent, (extent, shape)
        x_min, x_max, y_min, y_max = extent
        gy, gx = shape
        dx, dy = (x_max - x_min) / (gx - 1), (y_max - y_min) / (gy - 1)
        self.image_rect = QRectF(x_min - dx / 2, y_min - dy / 2, x_max - x_min + dx,
                                 y_max - y_min + dy)
        self.image.setRect(self.image_rect)
        if fit:
            self.view.setRange(QRectF(x_min, y_min, x_max - x_min, y_max - y_min), padding=0)
            self._fitted = True

    def _update_line(self) -> None:
        ends = None
        if self.line_visible and self.snapshot is not None:
            W, b = self.snapshot.weights[0]
            bias = 0.0 if b is None else float(np.ravel(b)[0])
            (x_range, y_range) = self.view.viewRange()
            rect = QRectF(QPointF(x_range[0], y_range[0]), QPointF(x_range[1], y_range[1]))
            if self.image.isVisible() and self.image_rect is not None:
                rect = rect.intersected(self.image_rect)   # the line ends with the heatmap
            ends = line_in_rect(float(W[0, 0]), float(W[1, 0]), bias, rect)
        self.line.setData(*(ends if ends is not None else ([], [])))

    # -- decoration --------------------------------------------------------------------------

    def show_message(self, text: str | None) -> None:
        """A banner on top of the plot ("No straight line separates XOR: ..."); None hides it."""
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def set_title(self, text: str) -> None:
        """The plot's heading, e.g. "Perceptron" or "2-2-1 network"."""
        self.title = text
        size = f"{11 * self._theme.font_scale:.0f}pt"
        self.plot_item.setTitle(text or None, color=self._theme.foreground, size=size)

    def set_theme(self, theme: Theme) -> None:
        """Colours, marker sizes and fonts for a light, dark or projector look."""
        self._theme = theme
        foreground = pg.mkColor(theme.foreground)
        self.plot_widget.setBackground(pg.mkColor(theme.background))
        tick_font = QFont()
        tick_font.setPointSizeF(8 * theme.font_scale)
        label_style = {"color": foreground.name(), "font-size": f"{9 * theme.font_scale:.0f}pt"}
        # A tick label is centred on its tick: the top one needs half a line above the axis.
        top = QFontMetrics(tick_font).height() // 2 + 2
        self.plot_item.layout.setContentsMargins(2, top, 12, 2)
        for name, text in (("left", "x2"), ("bottom", "x1")):
            axis = self.plot_item.getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)
            axis.setStyle(tickFont=tick_font)
            axis.setLabel(text, **label_style)
        fade = np.array(theme.background, dtype=np.float64)
        lut = lookup_table(theme) * (1 - HEATMAP_FADE) + fade * HEATMAP_FADE
        self.lut = np.column_stack([lut, np.full(len(lut), 255)]).astype(np.ubyte)
        if self.values is not None:
            self.image.setImage(self._colours(self.values, *self.levels), autoLevels=False)
        self.contour.setPen(pg.mkPen(foreground, width=1))
        self.marks.set_theme(theme)
        self.line.setPen(pg.mkPen(foreground, width=2 * theme.stroke_scale))
        self.editor.set_theme(theme)
        self.banner.setStyleSheet(banner_style(theme))
        self.set_title(getattr(self, "title", ""))

    def export_png(self, path: str, width: int | None = None) -> bool:
        """Save the plot as shown (heatmap, axes, points) as a PNG ``width`` pixels wide
        (default twice the screen's); FigureExportError (an OSError) if it cannot."""
        export_figure(self.plot_widget, path, width, background=self._theme.background,
                      title=self.title or "nnsim decision boundary")
        return True

    def export_svg(self, path: str) -> bool:
        """Save the plot as SVG (the heatmap embedded as an image); FigureExportError (an
        OSError) if it cannot be written."""
        export_figure(self.plot_widget, path, background=self._theme.background,
                      title=self.title or "nnsim decision boundary")
        return True

    # -- points (drawn and edited by the PointsEditor) ----------------------------------------

    @property
    def X(self) -> Array:
        """The points shown, (n, 2)."""
        return self.editor.X

    @property
    def y(self) -> Array:
        """Their labels, 0 or 1."""
        return self.editor.y

    def set_editable(self, on: bool) -> None:
        """Mouse edits points (left: add class 1, right: class 0, drag: move, Delete: remove)."""
        self.editor.set_editable(on)
        self.toolbar.set_editing(self.editor.editable)


class ComparisonView(QWidget):
    """The same gate learned by the perceptron (left) and a 2-2-1 network (right), in sync."""

    def __init__(self, left_title: str = "Perceptron", right_title: str = "2-2-1 network",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left, self.right = BoundaryPlot(left_title), BoundaryPlot(right_title)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setVisible(False)
        plots = QHBoxLayout()
        for plot in (self.left, self.right):
            plot.toolbar.setVisible(False)
            plots.addWidget(plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(plots, 1)
        self.set_theme(LIGHT)

    def show_message(self, text: str | None) -> None:
        """A banner across both plots, so they stay aligned; None hides it."""
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def set_points(self, X: Array, y: Array, test_mask: Array | None = None) -> None:
        """The same points on both plots."""
        self.left.set_points(X, y, test_mask)
        self.right.set_points(X, y, test_mask)

    def show_left(self, snapshot: Snapshot) -> None:
        """Draw the left (perceptron) model's snapshot."""
        self.left.show_snapshot(snapshot)

    def show_right(self, snapshot: Snapshot) -> None:
        """Draw the right (hidden-layer) model's snapshot."""
        self.right.show_snapshot(snapshot)

    def set_theme(self, theme: Theme) -> None:
        """Both plots in the same look."""
        self.left.set_theme(theme)
        self.right.set_theme(theme)
        self.banner.setStyleSheet(banner_style(theme))


def _demo() -> None:
    """Train a 2-8-8-1 net on the spiral with a QTimer (the app trains in a worker instead)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnsim.core.datasets import load_dataset
    from nnsim.core.grid import grid_extent, grid_maps, grid_points
    from nnsim.core.network import Network
    from nnsim.core.optimizers import SGD

    app = QApplication.instance() or QApplication([])
    data = load_dataset("spiral", n_samples=300, noise=0.05)
    network = Network.from_sizes([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=1)
    optimizer, extent = SGD(0.05, momentum=0.9), grid_extent(data.X)
    points, state = grid_points(extent, 100), {"epoch": 0}
    test = np.arange(len(data.X)) % 5 == 0
    plot = BoundaryPlot("2-8-8-1 on the spiral")
    plot.set_points(data.X, data.y, test)
    plot.resize(700, 720)

    def tick() -> None:
        for _ in range(5):
            network.fit(data.X[~test], data.y[~test], epochs=1, batch_size=16,
                        optimizer=optimizer, loss="binary_crossentropy", seed=state["epoch"])
            state["epoch"] += 1
        maps = grid_maps(network, points, 100)
        plot.show_snapshot(Snapshot(step=0, epoch=state["epoch"], loss=0.0,
                                    weights=tuple(network.get_weights()),
                                    boundary=maps.boundary, neuron_maps=maps.neuron_maps,
                                    grid_extent=extent))

    timer = QTimer(plot)
    timer.timeout.connect(tick)
    timer.start(30)
    plot.show()
    app.exec()


if __name__ == "__main__":
    _demo()
