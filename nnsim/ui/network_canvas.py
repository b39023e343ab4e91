"""The network as the lecture draws it, live: neurons filled by their output, edges by weight.

Every pyqtgraph item is built in ``set_architecture``; ``show_snapshot`` only calls setData,
setBrush, setImage and setText on them, so a frame costs a few milliseconds even for
784-256-128-10 (its input drawn as the picture, its strongest edges only, big layers as a
bar). The view's aspect is locked, which keeps antialiased pens cheap.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QStaticText, QTextOption
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.explain import neuron_names
from nnsim.core.snapshot import Snapshot
from nnsim.ui import palette
from nnsim.ui.canvas_edges import EdgeLayer, describe_edge, edge_index, flat_values, short_number
from nnsim.ui.canvas_layout import (
    NODE_DIAMETER,
    grid_shape,
    network_layout,
    tile_mosaic,
    tile_shape,
)

EDIT_LIMIT = 60            # weights can be edited by double-click on nets this small
VALUE_LIMIT = 12           # outputs are written inside the nodes while no layer is larger
SMOOTH_LIMIT = 1000        # edges are antialiased while at most this many are drawn
LIVE_SMOOTH_LIMIT = 300    # ... and while training: 1,000 long smooth lines took 30-45 ms
EDGE_LIMITS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
FILL_LEVELS = 33
FORWARD_COLOUR, BACKWARD_COLOUR = (0, 158, 115), (204, 121, 167)   # Okabe-Ito green, purple
# Lookup tables longer than 256 make pyqtgraph colour images in NumPy (RGBX) rather than build
# an Indexed8 colour table in Python on every frame.
LUT_SIZE = 512
GREYS = np.linspace(255, 0, LUT_SIZE).astype(np.ubyte)  # input pictures as ink on paper
PREMULTIPLIED = QImage.Format.Format_ARGB32_Premultiplied
BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "step": (0.0, 1.0), "tanh": (-1.0, 1.0)}


class NetworkCanvas(QWidget):
    """Neurons in layers, edges coloured by sign and shaded by magnitude, hover explanations."""

    neuron_selected = Signal(int, int)
    """Emitted when a neuron is clicked: layer (0 = inputs) and neuron index."""
    weight_edited = Signal(int, int, int, float)
    """Emitted when a weight was typed in: layer (1 = first Dense), from (-1 = bias), to, value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = pg.GraphicsView()
        self._box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self._view.setCentralItem(self._box)
        self._edges = EdgeLayer(self._box)
        self._ring, self._ring_box = pg.ScatterPlotItem(pxMode=False), pg.PlotCurveItem()
        self._big = FastImage(axisOrder="row-major")
        for item, z in ((self._ring, 10.5), (self._ring_box, 10.5), (self._big, 30.0)):
            item.setZValue(z)
            self._box.addItem(item, ignoreBounds=True)
            item.hide()
        self._hover = QLabel(self._view)
        self._hover.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._hover.hide()
        self._view.viewport().installEventFilter(self)

        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setRange(0, len(EDGE_LIMITS) - 1)
        self._slider.setMaximumWidth(160)
        self._slider.valueChanged.connect(lambda i: self.set_edge_limit(EDGE_LIMITS[i]))
        self._limit_label = QLabel()
        self._weight_images = QCheckBox("weight images")
        self._weight_images.toggled.connect(
            lambda on: self.set_summary_mode("weight_images" if on else "edges"))
        self._message = QLabel()
        self._fit_button = fit = QPushButton("Fit")
        fit.setToolTip("Show the whole network (or double-click the background)")
        fit.clicked.connect(self.fit_to_window)
        self._summary_widgets = (QLabel("strongest edges"), self._slider, self._limit_label,
                                 self._weight_images)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        for widget in self._summary_widgets:
            bar.addWidget(widget)
        bar.addWidget(self._message, 1)
        bar.addWidget(fit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self._view, 1)

        scene = self._view.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._box.sigRangeChangedManually.connect(self._on_manual_range)
        self._box.sigResized.connect(self._on_resized)
        self._box.sigRangeChanged.connect(self._fit_labels)

        self._sizes: list[int] = []
        self._built: list[pg.GraphicsObject] = []
        self._labels: list[tuple[pg.TextItem, str, float, float]] = []
        self._label_key: tuple | None = None
        self._layout = None
        self._snapshot: Snapshot | None = None
        self._gradients = None
        self._highlight: tuple[int, int | None, str] | None = None
        self._maps: tuple[np.ndarray, ...] | None = None
        self._thumbs: list[pg.ImageItem | None] = []
        self._thumb_counts: list[int] = []
        self._mode, self._edge_limit, self._auto_fit, self._n_edges = "edges", 1000, True, 0
        self.ask_weight = self._ask_weight_dialog
        self.set_edge_limit(1000)
        self.set_theme(palette.LIGHT)

    # -- public API ------------------------------------------------------------------------

    @property
    def view_box(self) -> pg.ViewBox:
        """The ViewBox holding the drawing (data coordinates: neuron spacing 1, y down)."""
        return self._box

    @property
    def graphics_view(self) -> pg.GraphicsView:
        """The widget that paints the drawing (map scene points to its viewport for clicks)."""
        return self._view

    def set_architecture(self, sizes: Sequence[int], activations: str | Sequence[str],
                         has_bias: bool | Sequence[bool],
                         image_shape: tuple[int, int] | None = None) -> None:
        """Build every item for this network; drawing starts with the next snapshot."""
        sizes = [int(n) for n in sizes]
        n_layers = len(sizes) - 1
        acts = [activations] * n_layers if isinstance(activations, str) else list(activations)
        bias = [has_bias] * n_layers if isinstance(has_bias, bool) else list(has_bias)
        if len(acts) != n_layers or len(bias) != n_layers:
            raise ValueError(f"need one activation and one has_bias per Dense layer "
                             f"({n_layers}), got {acts} and {bias}")
        if image_shape is not None and int(np.prod(image_shape)) != sizes[0]:
            raise ValueError(f"image shape {image_shape} does not hold {sizes[0]} inputs")
        self._sizes, self._activations, self._has_bias = sizes, acts, [bool(b) for b in bias]
        self._image_shape = tuple(image_shape) if image_shape is not None else None
        self._snapshot, self._gradients, self._highlight, self._maps = None, None, None, None
        self._names = neuron_names(sizes)
        self._index = edge_index(sizes, self._has_bias)
        self._n_edges = sum(len(index.source) for index in self._index)
        for widget in self._summary_widgets:
            widget.setVisible(self._n_edges > EDGE_LIMITS[0] or max(sizes) > 40)
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= SMOOTH_LIMIT)
        self._edges.set_theme(self._theme, self._edge_width, dim=False)
        self._build()
        self.fit_to_window()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw one frame: node fills, values, edges; only updates items built beforehand."""
        shapes = [(w.shape, None if b is None else b.shape) for w, b in snapshot.weights]
        expected = [((i, o), (o,) if b else None)
                    for i, o, b in zip(self._sizes, self._sizes[1:], self._has_bias, strict=False)]
        if shapes != expected:
            self._message.setText(f"snapshot is for another network ({shapes}), not drawn")
            return
        self._snapshot = snapshot
        if snapshot.activations is not None:
            self._paint_nodes(snapshot.activations)
        values = self._edge_values()
        # Moving lines need no smoothing: a running frame draws many edges aliased, several
        # times faster; the paused or final frame draws them smooth again.
        limit = LIVE_SMOOTH_LIMIT if snapshot.status == "running" else SMOOTH_LIMIT
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= limit)
        self._edges.draw(values, self._edge_limit)
        self._paint_tiles(snapshot.weights)
        if self._highlight is not None:
            self._paint_focus(values)

    def set_edge_limit(self, n: int) -> None:
        """Draw at most n edges (the strongest of each layer) per frame."""
        self._edge_limit = max(int(n), 1)
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= SMOOTH_LIMIT)
        self._slider.blockSignals(True)
        self._slider.setValue(int(np.argmin([abs(np.log(x / self._edge_limit))
                                             for x in EDGE_LIMITS])))
        self._slider.blockSignals(False)
        self._limit_label.setText(f"{self._edge_limit:,}")
        self._redraw()

    def set_summary_mode(self, mode: str) -> None:
        """"edges", or "weight_images": each hidden neuron's incoming weights as a picture."""
        if mode not in ("edges", "weight_images"):
            raise ValueError(f'summary mode must be "edges" or "weight_images", got {mode!r}')
        self._weight_images.blockSignals(True)
        self._weight_images.setChecked(mode == "weight_images")
        self._weight_images.blockSignals(False)
        if mode != self._mode:
            self._mode = mode
            if self._sizes:
                self._build()
                self.fit_to_window()

    def fit_to_window(self) -> None:
        """Show the whole network (double-clicking the background does the same)."""
        if self._layout is None:
            return
        self._auto_fit = True
        x, y, w, h = self._layout.bounds
        scale = self._theme.font_scale
        left, right = (44 * scale if self._side_labels[0] else 24 * scale,
                       44 * scale if self._side_labels[1] else 36 * scale)
        top, bottom = 34 * scale + 8, 6.0
        width, height = self._box.width() - left - right, self._box.height() - top - bottom
        if width < 20 or height < 20:
            self._box.setRange(QRectF(x, y, w, h), padding=0.02)
            return
        s = max(w / width, h / height)
        self._box.setRange(QRectF(x - left * s, y - top * s, w + (left + right) * s,
                                  h + (top + bottom) * s), padding=0.0)

    def highlight(self, layer: int | None, neuron: int | None, phase: str = "forward") -> None:
        """Emphasise a neuron (or a whole layer) and its incoming edges, dimming the rest.

        In the "delta" phase a hidden neuron's outgoing edges light up too: its delta is
        computed from them.
        """
        self._highlight = None if layer is None else (int(layer), neuron, phase)
        self._edges.set_theme(self._theme, self._edge_width, dim=self._highlight is not None)
        self._paint_focus(self._edge_values())

    def clear_highlight(self) -> None:
        """Back to the plain drawing."""
        self.highlight(None, None)

    def show_gradients(self, gradients: Sequence[tuple[np.ndarray, np.ndarray | None]] | None
                       ) -> None:
        """Colour edges by these gradients (dE/dw, per layer as (W, b)) instead of the weights."""
        self._gradients = None if gradients is None else tuple(gradients)
        self._edges.reselect()
        self._redraw()

    def set_neuron_thumbnails(self, maps: Sequence[np.ndarray] | None) -> None:
        """Each hidden neuron's output over the input plane, (n, gy, gx) per hidden layer.

        Drawn beside the nodes, one picture per layer (a strip of tiles: one paint per layer
        instead of one per neuron); hovering a neuron shows its map large.
        """
        self._maps = None if maps is None else tuple(np.asarray(m) for m in maps)
        counts = [] if self._maps is None else [m.shape for m in self._maps]
        if self._thumb_counts != counts:
            self._thumb_counts = counts
            self._build_thumbnails()
        for k, (item, layer_maps) in enumerate(zip(self._thumbs, self._maps or (), strict=False)):
            if item is not None:  # grid row 0 is the lowest y: flip it to the top
                step = item.nnsim_step  # a thumbnail needs no 100x100 map: a quarter suffices
                item.show_values(tile_mosaic(layer_maps[:, ::-step, ::step], len(layer_maps),
                                             1, item.nnsim_pad),
                                 value_levels(self._activations[k], layer_maps))

    def node_position(self, layer: int, neuron: int) -> tuple[float, float]:
        """Where neuron (layer 0 = inputs) sits in data coordinates; -1 is the layer's +1 node."""
        geometry = self._layout.layers[layer]
        x, y = geometry.bias if neuron < 0 else geometry.positions[neuron]
        return float(x), float(y)

    def drawn_edges(self) -> dict[str, np.ndarray]:
        """The edges of the last frame: layer, source (-1 bias), target, value, bucket, ends."""
        return dict(self._edges.drawn)

    def set_theme(self, theme: palette.Theme) -> None:
        """Colours, font sizes and stroke widths; projector edges are 2 px (aspect is locked)."""
        self._theme = theme
        self._view.setBackground(theme.background)
        self._edge_width = 2.0 if theme.stroke_scale >= 2 else 1.0
        self._node_d = min(0.8, NODE_DIAMETER * (0.8 + 0.2 * theme.stroke_scale))
        self._edges.set_theme(theme, self._edge_width, dim=self._highlight is not None)
        table = palette.lookup_table(theme, FILL_LEVELS)
        self._brushes = [pg.mkBrush(*rgb) for rgb in table]
        self._text_colours = [QColor(255, 255, 255) if rgb @ (0.299, 0.587, 0.114) < 140
                              else QColor(0, 0, 0) for rgb in table.astype(float)]
        self._lut = palette.lookup_table(theme, LUT_SIZE)
        self._big.setBorder(pg.mkPen(theme.foreground, width=1))
        fg, bg = theme.foreground, theme.background
        self._hover.setStyleSheet(
            f"QLabel {{ background: rgba({bg[0]},{bg[1]},{bg[2]},235); color: rgb{fg};"
            f" border: 1px solid rgb{theme.grid}; padding: 4px;"
            f" font-size: {round(10 * theme.font_scale)}pt; font-family: monospace; }}")
        font = QFont()
        font.setPointSizeF(9 * theme.font_scale)
        for widget in (*self._summary_widgets, self._message, self._fit_button):
            widget.setFont(font)
        if self._sizes:
            self._build()
            self.fit_to_window()

    def export_png(self, path: str) -> bool:
        """Save the drawing as a PNG; OSError (with the file name) if it cannot be written."""
        return self._export(pyqtgraph.exporters.ImageExporter, path)

    def export_svg(self, path: str) -> bool:
        """Save the drawing as an SVG; OSError (with the file name) if it cannot be written.

        Qt's SVG generator draws the scene: pyqtgraph 0.14's SVGExporter fails on the paths
        Qt 6.11 writes (pyqtgraph issue #3495).
        """
        self._check_folder(path)
        source = self._box.sceneBoundingRect()
        target = QRectF(QPointF(0, 0), source.size())
        generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
        generator.setFileName(str(path))
        generator.setResolution(self.logicalDpiX())
        generator.setSize(source.size().toSize())
        generator.setViewBox(target)
        generator.setTitle("nnsim network")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(errno.EIO, "could not write the drawing", str(path))
        try:
            painter.fillRect(target, QColor(*self._theme.background))
            self._view.scene().render(painter, target, source)
        finally:
            painter.end()
        return True

    # -- building (on a new network, summary mode or theme; never per frame) ----------------

    def _add(self, item: pg.GraphicsObject, z: float, bounds: bool = False) -> pg.GraphicsObject:
        item.setZValue(z)
        self._box.addItem(item, ignoreBounds=not bounds)
        self._built.append(item)
        return item

    def _label(self, text: str, x: float, y: float, anchor: tuple[float, float], role: str,
               bold: bool = False) -> pg.TextItem:
        """A text whose pixel size follows the nodes' size on screen (see _fit_labels)."""
        item = pg.TextItem(text, color=self._theme.foreground, anchor=anchor)
        item.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        font = QFont()
        font.setBold(bold)
        item.setFont(font)
        item.setPos(x, y)
        # Labels don't change while training, but TextItem re-maps its transform and lays its
        # text out on every paint: kept as pixmaps they cost a blit (a 2-8-8-1 repaint: -0.6 ms).
        for cached in (item, item.textItem):
            cached.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._labels.append((item, role, x, y))
        return self._add(item, 11.0)

    def _build(self) -> None:
        for item in self._built + [item for item in self._thumbs if item is not None]:
            self._box.removeItem(item)
        self._built, self._labels, self._label_key = [], [], None
        self._thumbs, self._thumb_counts = [], []
        sizes, theme, grid = self._sizes, self._theme, self._mode == "weight_images"
        self._layout = layout = network_layout(sizes, self._has_bias, self._image_shape,
                                               grid_layers=grid)
        starts, ends = [], []
        for k, index in enumerate(self._index):
            below, above = layout.layers[k], layout.layers[k + 1]
            start = below.outlets[np.maximum(index.source, 0)]
            if below.bias is not None:
                start[index.source < 0] = below.bias
            starts.append(start)
            ends.append(above.positions[index.target])
        self._tiled = [grid and 0 < k < len(sizes) - 1 for k in range(len(sizes))]
        self._edges.set_geometry(self._index, starts, ends, self._tiled[1:])
        outline = pg.mkPen(theme.foreground, width=1.2 * theme.stroke_scale)
        values = max(sizes) <= VALUE_LIMIT and layout.layers[0].style == "circles"
        self._side_labels = (not values and layout.layers[0].style == "circles",
                             not values and layout.layers[-1].style == "circles")
        self._nodes, self._value_texts, hits, frames = [], [], [], []
        circles, self._circle_brushes = [], []  # every circle in one item: one paint call
        for k, geometry in enumerate(layout.layers):
            texts, radius, (x0, y0, w, h) = None, geometry.cell * 0.5, geometry.rect
            if geometry.style == "image":
                node = self._add(_image(self._image_shape, geometry.rect, GREYS), 10.0, True)
                radius = geometry.cell * 0.71
            elif geometry.style == "column":  # a bar, one stripe per neuron
                node = self._add(_image((sizes[k], 1), (x0 - 0.15, y0 - h / (sizes[k] - 1) / 2,
                                                         0.3, h * sizes[k] / (sizes[k] - 1)),
                                        self._lut), 10.0, True)
            elif geometry.style == "grid":
                node = None
            else:
                node = slice(len(circles), len(circles) + sizes[k])
                circles.extend(geometry.positions)
                self._circle_brushes.extend([self._brushes[FILL_LEVELS // 2]] * sizes[k])
                radius = self._node_d / 2
                texts = self._node_labels(k, geometry.positions, values)
            if geometry.style != "circles":
                frames.append(_frame(node.mapRectToParent(node.boundingRect()).getRect()
                                     if node is not None else geometry.rect))
            self._nodes.append(node)
            self._value_texts.append(texts)
            hits.append((geometry.positions, k, np.arange(sizes[k]), radius))
            if geometry.bias is not None:
                circles.append(geometry.bias)
                self._circle_brushes.append(pg.mkBrush(theme.neutral))
                self._label("+1", *geometry.bias, (0.5, 0.5), "bias", bold=True)
                hits.append((geometry.bias[None], k, np.array([-1]), self._node_d / 2))
            self._label(self._caption(k), x0 + w / 2, layout.caption_y, (0.5, 1.0), "caption")
        self._circles = None if not circles else self._add(pg.ScatterPlotItem(
            pos=np.array(circles), size=10, pen=outline, brush=self._circle_brushes), 10.0, True)
        if frames:
            self._add(pg.PlotCurveItem(*np.concatenate(frames).T, connect="pairs",
                                       pen=pg.mkPen(theme.grid, width=1)), 10.2)
        self._hit_xy = np.concatenate([h[0] for h in hits])
        self._hit_layer = np.concatenate([np.full(len(h[2]), h[1]) for h in hits])
        self._hit_neuron = np.concatenate([h[2] for h in hits])
        self._hit_radius = np.concatenate([np.full(len(h[2]), h[3]) for h in hits])
        self._build_tiles()
        if self._maps is not None:
            self.set_neuron_thumbnails(self._maps)
        self._fit_labels()
        self._redraw()

    def _node_labels(self, k: int, positions: np.ndarray, values: bool) -> NodeLabels | None:
        """Names of a layer of circles: inside with the value (filled per frame), or beside."""
        names, last = self._names[k], len(self._sizes) - 1
        if values:
            labels = NodeLabels(positions, names, self._layout.bounds)
            self._add(labels, 11.0)
            return labels
        if k in (0, last) and self._side_labels[0 if k == 0 else 1]:
            side = (self._node_d / 2 + 0.08) * (-1 if k == 0 else 1)
            for name, (x, y) in zip(names, positions, strict=True):
                self._label(name, x + side, y, (1.0 if k == 0 else 0.0, 0.5), "side")
        return None

    def _caption(self, k: int) -> str:
        n, last = self._sizes[k], len(self._sizes) - 1
        if k == 0:
            shape = self._image_shape
            return f"inputs\n{shape[0]}x{shape[1]} = {n}" if shape else f"inputs\n{n}"
        title = "output" if k == last else "hidden" if last == 2 else f"hidden {k}"
        return f"{title}\n{n}, {self._activations[k - 1]}"

    def _fit_labels(self, *_: object) -> None:
        """Size nodes and their texts to the zoom (texts hide when the nodes get too small)."""
        if not self._labels:
            return
        node_px = self._node_d / max(self._box.viewPixelSize()[0], 1e-9)
        scale = self._theme.font_scale
        px = {"node": min(0.24 * node_px, 15 * scale),
              "side": min(0.5 * node_px, 12 * scale), "bias": min(0.38 * node_px, 14 * scale),
              "caption": 12.5 * scale}
        key = (*(round(v) for v in px.values()), round(node_px, 1))
        if key == self._label_key:
            return
        self._label_key = key
        if self._circles is not None:  # pixel-sized symbols paint from a cached atlas
            self._circles.setSize(min(node_px, 400.0))
        for labels in self._value_texts:
            if labels is not None:
                labels.set_pixel_size(px["node"])
        outside = px["bias"] < 9   # "+1" moves left of a node too small to hold it
        for item, role, x, y in self._labels:
            size = 10 * scale if role == "bias" and outside else px[role]
            item.setVisible(round(size) >= 7)
            font = item.textItem.font()
            font.setPixelSize(max(round(size), 1))
            item.setFont(font)
            if role == "bias":
                item.setAnchor((1.0, 0.5) if outside else (0.5, 0.5))
                item.setPos(x - self._node_d / 2 - 0.05 if outside else x, y)
            item.textItem.setTextWidth(-1)  # centred lines need the text's own width
            if role == "caption":
                item.textItem.setTextWidth(item.textItem.document().idealWidth())
            item.updateTextPos()

    def _build_tiles(self) -> None:
        """Weight-image mode: one mosaic picture per hidden layer, a tile per neuron."""
        self._tiles = {}
        for k in (k for k, tiled in enumerate(self._tiled) if tiled):
            geometry = self._layout.layers[k]
            th, tw = tile_shape(self._sizes[k - 1], self._image_shape if k == 1 else None)
            pad = max(1, round(th / 8))
            if geometry.style == "grid":
                (rows, columns), rect = grid_shape(self._sizes[k]), geometry.rect
            else:  # a strip of tiles left of the circles, where the incoming edges would be
                rows, columns = self._sizes[k], 1
                width = geometry.cell * (tw + 2 * pad) / (th + 2 * pad)
                x, y = geometry.positions[0]
                rect = (x - self._node_d / 2 - 0.1 - width, y - geometry.cell / 2, width,
                        geometry.cell * rows)
            shape = (rows * (th + 2 * pad), columns * (tw + 2 * pad))
            self._tiles[k] = (self._add(_image(shape, rect, self._lut), 9.0, True), (th, tw),
                              rows, columns, pad)

    def _build_thumbnails(self) -> None:
        for item in self._thumbs:
            if item is not None:
                self._box.removeItem(item)
        self._thumbs = []
        for k, layer_maps in enumerate((self._maps or ())[:len(self._sizes) - 2], start=1):
            geometry, item = self._layout.layers[k], None
            if geometry.style == "circles" and len(layer_maps) == self._sizes[k]:
                step = max(1, layer_maps.shape[1] // 40)
                n, gy, gx = layer_maps[:, ::-step, ::step].shape
                pad = max(1, round(gy / 18))  # tiles fill 90 % of the neuron spacing
                cell = min(geometry.cell, 1.0)
                x, y = geometry.positions[0]
                item = _image((n * (gy + 2 * pad), gx + 2 * pad),
                              (x + self._node_d / 2 + 0.03, y - cell / 2,
                               cell * (gx + 2 * pad) / (gy + 2 * pad), n * cell), self._lut)
                item.nnsim_pad, item.nnsim_step = pad, step
                item.setZValue(12.0)
                self._box.addItem(item, ignoreBounds=True)
            self._thumbs.append(item)

    # -- painting (per frame) ---------------------------------------------------------------

    def _redraw(self) -> None:
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)
        elif self._sizes:
            self._paint_focus(self._edge_values())

    def _paint_nodes(self, activations: Sequence[np.ndarray]) -> None:
        circles_changed = False
        for k, (node, values) in enumerate(zip(self._nodes, activations, strict=False)):
            values = np.asarray(values, dtype=float).ravel()
            if node is None or len(values) != self._sizes[k]:
                continue
            activation = "input" if k == 0 else self._activations[k - 1]
            if self._layout.layers[k].style == "image":
                low, high = float(np.nanmin(values)), float(np.nanmax(values))
                node.setImage(values.reshape(self._image_shape),
                              levels=(low, high if high > low else low + 1.0))
            elif self._layout.layers[k].style == "column":
                node.setImage(values[:, None], levels=value_levels(activation, values))
            else:
                level = np.rint(fill_positions(values, activation) * (FILL_LEVELS - 1))
                level = level.astype(int)
                brushes = [self._brushes[i] for i in level]
                if brushes != self._circle_brushes[node]:  # setBrush re-renders every symbol
                    self._circle_brushes[node] = brushes
                    circles_changed = True
                if self._value_texts[k] is not None:
                    self._value_texts[k].set_values([short_number(v) for v in values],
                                                    [self._text_colours[i] for i in level])
        if circles_changed:
            self._circles.setBrush(self._circle_brushes)

    def _edge_values(self) -> list[np.ndarray] | None:
        """The numbers the edges show: gradients when asked to, else the weights."""
        weights = None if self._snapshot is None else self._snapshot.weights
        source = self._gradients if self._gradients is not None else weights
        if source is None:
            return None
        values = flat_values(source)
        if [len(v) for v in values] != [len(i.source) for i in self._index]:
            self._message.setText("gradients do not match the network; showing weights")
            return None if weights is None else flat_values(weights)
        return values

    def _paint_tiles(self, weights: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> None:
        for k, (item, (th, tw), rows, columns, pad) in self._tiles.items():
            w = weights[k - 1][0]
            tiles = np.full((w.shape[1], th * tw), np.nan, dtype=np.float32)
            tiles[:, :w.shape[0]] = w.T
            top = float(np.nanmax(np.abs(w))) if np.isfinite(w).any() else 0.0
            item.setImage(tile_mosaic(tiles.reshape(-1, th, tw), rows, columns, pad),
                          levels=(-top, top) if top > 0 else (-1.0, 1.0))

    def _paint_focus(self, values: list[np.ndarray] | None) -> None:
        """The highlight: a ring around the neuron (or layer) and its edges in full colour."""
        self._ring.hide()
        self._ring_box.hide()
        layer, neuron, phase = self._highlight or (-1, None, "")
        if not 0 <= layer < len(self._sizes) or (
                neuron is not None and not 0 <= neuron < self._sizes[layer]):
            self._edges.focus.clear()
            return
        pen = pg.mkPen(FORWARD_COLOUR if phase in ("forward", "result") else BACKWARD_COLOUR,
                       width=3 * self._theme.stroke_scale)
        geometry = self._layout.layers[layer]
        if neuron is not None or geometry.style == "circles":
            size = self._node_d * 1.35 if geometry.style == "circles" else geometry.cell * 3
            points = geometry.positions if neuron is None else geometry.positions[[neuron]]
            self._ring.setData(pos=points, size=size, pen=pen, brush=pg.mkBrush(None))
            self._ring.show()
        else:
            self._ring_box.setData(*_frame(geometry.rect, 0.3)[[0, 1, 3, 5, 7]].T, pen=pen)
            self._ring_box.show()
        self._edges.draw_focus(values, layer, neuron, phase == "delta", self._edge_limit)

    # -- mouse ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._view.viewport() and event.type() == QEvent.Type.Leave:
            self._hover.hide()
            self._big.hide()
        return False

    def _node_at(self, point: QPointF) -> tuple[int, int] | None:
        if self._layout is None:
            return None
        distance = np.hypot(self._hit_xy[:, 0] - point.x(), self._hit_xy[:, 1] - point.y())
        i = int(np.argmin(distance))
        if distance[i] > max(self._hit_radius[i], 4 * self._box.viewPixelSize()[0]):
            return None
        return int(self._hit_layer[i]), int(self._hit_neuron[i])

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self._box.mapSceneToView(scene_pos)
        self._big.hide()
        text, node = None, self._node_at(point)
        weights = None if self._snapshot is None else self._snapshot.weights
        if node is not None:
            text = describe_neuron(self._names, self._activations, self._snapshot, *node,
                                   image_shape=self._image_shape)
            self._show_big_map(*node)
        elif self._layout is not None and (edge := self._edges.edge_at(
                point.x(), point.y(), 4 * self._box.viewPixelSize()[0])) is not None:
            gradients = self._gradients or (self._snapshot and self._snapshot.gradients)
            text = describe_edge(self._names, weights, *edge, gradients=gradients)
            if self._n_edges <= EDIT_LIMIT:
                text += "\n(double-click to edit)"
        if text is None:
            self._hover.hide()
            return
        self._hover.setText(text)
        self._hover.adjustSize()
        at = self._view.mapFromScene(scene_pos)
        x, y = at.x() + 16, at.y() + 16
        if x + self._hover.width() > self._view.width():
            x = max(0, at.x() - self._hover.width() - 8)
        if y + self._hover.height() > self._view.height():
            y = max(0, at.y() - self._hover.height() - 8)
        self._hover.move(x, y)
        self._hover.show()
        self._hover.raise_()

    def _show_big_map(self, layer: int, neuron: int) -> None:
        """Hovering a hidden neuron with output maps shows its map large beside it."""
        if self._maps is None or neuron < 0 or not 1 <= layer <= min(len(self._maps),
                                                                      len(self._sizes) - 2):
            return
        size = 180 * self._box.viewPixelSize()[1]
        x, y = self.node_position(layer, neuron)
        (x_min, _), (y_min, y_max) = self._box.viewRange()
        # Left of the node (its incoming side), clear of the hover text at the cursor's right.
        gap = self._node_d / 2 + 0.1
        left = x - gap - size if x - gap - size > x_min else x + gap + 40 * size / 180
        top = min(max(y - size / 2, y_min), y_max - size)
        image = self._maps[layer - 1][neuron]
        self._big.setImage(image[::-1], levels=value_levels(self._activations[layer - 1], image))
        self._big.setLookupTable(self._lut)
        self._big.setRect(QRectF(left, top, size, size))
        self._big.show()

    def _on_mouse_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._layout is None:
            return
        point = self._box.mapSceneToView(event.scenePos())
        node = self._node_at(point)
        if not event.double():
            if node is not None and node[1] >= 0:
                self.neuron_selected.emit(*node)
            return
        if node is not None:
            return
        edge = self._edges.edge_at(point.x(), point.y(), 4 * self._box.viewPixelSize()[0])
        if edge is None:
            self.fit_to_window()
        elif self._n_edges > EDIT_LIMIT:
            self._message.setText(f"weights can be edited by double-click on networks "
                                  f"of at most {EDIT_LIMIT} edges")
        elif self._snapshot is not None:
            layer, source, target = edge
            w, b = self._snapshot.weights[layer - 1]
            start = "+1" if source < 0 else self._names[layer - 1][source]
            value = self.ask_weight(f"{start} → {self._names[layer][target]}",
                                    float(b[target] if source < 0 else w[source, target]))
            if value is not None:
                self.weight_edited.emit(layer, source, target, float(value))

    def _ask_weight_dialog(self, edge: str, current: float) -> float | None:
        value, ok = QInputDialog.getDouble(self, "Edit weight", f"weight {edge}:", current,
                                           -1e6, 1e6, 4)
        return value if ok else None

    def _on_manual_range(self, *_: object) -> None:
        self._auto_fit = False

    def _on_resized(self, *_: object) -> None:
        if self._auto_fit:
            self.fit_to_window()

    def _check_folder(self, path: str) -> None:
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise OSError(errno.ENOENT, "the folder does not exist", str(folder))

    def _export(self, kind: type, path: str) -> bool:
        self._check_folder(path)
        try:
            exporter = kind(self._box)
            if "background" in [child.name() for child in exporter.parameters().children()]:
                exporter.parameters()["background"] = pg.mkColor(self._theme.background)
            result = exporter.export(str(path))
        except OSError:
            raise
        except Exception as error:  # pyqtgraph's exporters raise bare Exception
            raise OSError(errno.EIO, f"could not export the network: {error}", str(path)) \
                from error
        if result is False:  # QImage.save says no: unknown suffix or unwritable file
            raise OSError(errno.EIO, "could not write the image (does the name end in .png?)",
                          str(path))
        return True


# -- pure helpers and small items ---------------------------------------------------------------

def value_levels(activation: str, values: np.ndarray) -> tuple[float, float]:
    """Colour range for outputs: the activation's own range, else symmetric around 0."""
    if activation in BOUNDED:
        return BOUNDED[activation]
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return (-top, top) if top > 0 else (-1.0, 1.0)


def fill_positions(values: np.ndarray, activation: str) -> np.ndarray:
    """Each output's place on the palette: 0 blue, 0.5 neutral, 1 orange."""
    low, high = value_levels(activation, values)
    return np.clip((np.nan_to_num(np.asarray(values, dtype=float)) - low) / (high - low), 0, 1)


def describe_neuron(names: list[list[str]], activations: Sequence[str],
                    snapshot: Snapshot | None, layer: int, neuron: int,
                    image_shape: tuple[int, int] | None = None) -> str:
    """The hover text: out = f(sum w*x + b) with the snapshot's numbers (largest terms only)."""
    if neuron < 0:
        return f"+1: the constant bias input of layer {layer + 1};\nits edges are the biases b"
    name, outs = names[layer][neuron], None if snapshot is None else snapshot.activations
    if outs is None:
        return f"{name}: no values yet"
    if layer == 0:
        where = ""
        if image_shape is not None:
            row, column = divmod(neuron, image_shape[1])
            where = f" (pixel row {row + 1}, column {column + 1})"
        return f"{name} = {short_number(outs[0][neuron])}  input{where}"
    w, b = snapshot.weights[layer - 1]
    x = np.asarray(outs[layer - 1], dtype=float)
    terms = x * w[:, neuron]
    shown = np.arange(len(x)) if len(x) <= 6 else np.sort(np.argsort(-np.abs(terms))[:5])
    parts = [f"({short_number(x[i])} x {short_number(w[i, neuron])})" for i in shown]
    if len(shown) < len(x):
        parts.append(f"... ({len(x) - len(shown)} smaller terms)")
    if b is not None:
        parts.append(f"(1 x {short_number(b[neuron])})")
    net = float(terms.sum() + (b[neuron] if b is not None else 0.0))
    lines = [" + ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)]
    function, out = activations[layer - 1], short_number(outs[layer][neuron])
    result = (f"out = softmax of the layer's nets = {out}" if function == "softmax"
              else f"out = {function}(net) = {function}({short_number(net)}) = {out}")
    return "\n".join([name, "net = " + "\n    + ".join(lines), f"    = {short_number(net)}",
                      result])


class NodeLabels(pg.GraphicsObject):
    """The name and value of every node of a layer, in pixels at the node centres.

    One item drawing QStaticTexts: a QGraphicsTextItem per node re-lays out a whole text
    document on every value change, which made text the dearest part of a small net's frame.
    """

    def __init__(self, positions: np.ndarray, names: list[str], rect: Sequence[float]) -> None:
        super().__init__()
        self._points = [QPointF(float(x), float(y)) for x, y in positions]
        self._names = [QStaticText(name) for name in names]
        self._values = [QStaticText("") for _ in names]
        self._colours = [QColor(0, 0, 0)] * len(names)
        self._rect = QRectF(*rect)
        self._font = QFont()

    def set_values(self, values: Sequence[str], colours: Sequence[QColor]) -> None:
        """New value texts and text colours (only changed texts are laid out again)."""
        for text, value in zip(self._values, values, strict=False):
            if text.text() != value:
                text.setText(value)
        self._colours = list(colours)
        self.update()

    def set_pixel_size(self, size: float) -> None:
        """Font size in pixels; below 7 px the labels hide (hovering still tells)."""
        self._font.setPixelSize(max(round(size), 1))
        self.setVisible(round(size) >= 7)  # the size drawn, so 6.9 px shows as the 7 px it is
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._rect

    def paint(self, painter: QPainter, *args: object) -> None:
        transform = painter.transform()
        painter.resetTransform()  # draw in pixels: text does not scale with the zoom
        painter.setFont(self._font)
        line = self._font.pixelSize() * 0.62
        for point, name, value, colour in zip(self._points, self._names, self._values,
                                              self._colours, strict=False):
            centre = transform.map(point)
            painter.setPen(colour)
            for text, dy in ((name, -line), (value, line)):
                size = text.size()
                painter.drawStaticText(QPointF(centre.x() - size.width() / 2,
                                               centre.y() + dy - size.height() / 2), text)
        painter.setTransform(transform)


class FastImage(pg.ImageItem):
    """An ImageItem kept as premultiplied ARGB32: Qt paints the Indexed8 pictures that lookup
    tables make 5-10x slower inside the ViewBox's clip (8 ms against 0.9 ms for 640 px)."""

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() != PREMULTIPLIED:
            self.qimage = self.qimage.convertToFormat(PREMULTIPLIED)

    def show_values(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        """Colour ``values`` (of the shape the item was made with; NaN clear) through its
        lookup table straight into premultiplied ARGB32: one NumPy gather instead of
        pyqtgraph's float rescale, lookup and format conversion (a quarter of a 2-8-8-1
        frame, which redraws its neuron thumbnails every time)."""
        table = self._argb_table()
        top = len(table) - 2  # the last entry is the clear one, for NaN
        low, high = float(levels[0]), float(levels[1])
        scale = top / (high - low) if high > low else 0.0
        with np.errstate(invalid="ignore"):
            scaled = (np.asarray(values, dtype=np.float32) - low) * scale
        index = np.clip(np.nan_to_num(scaled, nan=0.0), 0, top).astype(np.intp)
        index[np.isnan(scaled)] = top + 1
        pixels = np.ascontiguousarray(table[index])
        rows, columns = pixels.shape
        self._pixels = pixels  # the QImage reads this buffer: keep it alive
        self.qimage = QImage(pixels.data, columns, rows, 4 * columns, PREMULTIPLIED)
        self.image = values
        self._renderRequired = False
        self.update()

    def _argb_table(self) -> np.ndarray:
        if getattr(self, "_table_of", None) is not self.lut:
            lut = np.asarray(self.lut, dtype=np.uint32)
            alpha = lut[:, 3] if lut.shape[1] == 4 else np.full(len(lut), 255, np.uint32)
            rgb = [lut[:, k] * alpha // 255 for k in range(3)]  # premultiplied
            table = (alpha << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]
            self._table, self._table_of = np.append(table, np.uint32(0)), self.lut
        return self._table


def _image(shape: Sequence[int], rect: Sequence[float], lut: np.ndarray) -> pg.ImageItem:
    """An ImageItem covering ``rect``; it needs an image of its final shape before setRect."""
    item = FastImage(np.full(tuple(shape), np.nan, dtype=np.float32), axisOrder="row-major",
                        lut=lut, levels=(0.0, 1.0))
    item.setRect(QRectF(*rect))
    return item


def _frame(rect: Sequence[float], pad: float = 0.0) -> np.ndarray:
    """The 4 sides of a rectangle as 8 points for a connect="pairs" curve."""
    x, y, w, h = rect
    x0, y0, x1, y1 = x - pad, y - pad, x + w + pad, y + h + pad
    return np.array([[x0, y0], [x1, y0], [x1, y0], [x1, y1], [x1, y1], [x0, y1], [x0, y1],
                     [x0, y0]])


def _demo() -> None:
    """A 2-3-1 net learning XOR live, and a button switching to 784-256-128-10 on digits."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnsim.core.datasets import load_dataset
    from nnsim.core.grid import grid_maps, grid_points
    from nnsim.core.network import Network
    from nnsim.core.optimizers import SGD

    app = QApplication.instance() or QApplication([])
    window = QWidget()
    canvas, switch = NetworkCanvas(), QPushButton("switch to 784-256-128-10")
    column = QVBoxLayout(window)
    column.addWidget(switch)
    column.addWidget(canvas)
    state: dict = {}

    def load(big: bool) -> None:
        sizes = [784, 256, 128, 10] if big else [2, 3, 1]
        acts = ["relu", "relu", "softmax"] if big else "sigmoid"
        state["net"] = Network.from_sizes(sizes, acts, seed=1,
                                          initializer="he_normal" if big else "lecture")
        if big:
            digits = load_dataset("mnist")
            state["X"], state["Y"] = digits.X[:64].reshape(64, -1), digits.y[:64]
        else:
            state["X"] = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
            state["Y"] = np.array([[0], [1], [1], [0]], dtype=float)
        state["step"], state["big"] = 0, big
        canvas.set_architecture(sizes, acts, True, (28, 28) if big else None)
        switch.setText(f"switch to {'2-3-1' if big else '784-256-128-10'}")

    def tick() -> None:
        net, X, Y = state["net"], state["X"], state["Y"]
        loss = "categorical_crossentropy" if state["big"] else "sse"
        net.train_on_batch(X, Y, SGD(0.05 if state["big"] else 0.5), loss)
        state["step"] += 1
        probe = X[state["step"] // 20 % len(X)]
        trace = net.forward_trace(probe)
        loss = "categorical_crossentropy" if state["big"] else "sse"
        gradients = tuple(net.gradients(X[:1], Y[:1], loss))
        canvas.show_snapshot(Snapshot(step=state["step"], epoch=0, loss=0.0,
                                      weights=tuple(net.get_weights()), gradients=gradients,
                                      activations=(trace.x, *(layer.out for layer in
                                                              trace.layers))))
        if not state["big"]:
            canvas.set_neuron_thumbnails(grid_maps(net, grid_points((-0.5, 1.5, -0.5, 1.5), 40),
                                                   40).neuron_maps)

    switch.clicked.connect(lambda: load(not state["big"]))
    load(False)
    timer = QTimer(window, interval=33)
    timer.timeout.connect(tick)
    timer.start()
    window.resize(1280, 800)
    window.show()
    app.exec()


if __name__ == "__main__":
    _demo()
