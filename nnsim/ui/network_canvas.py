"""The network as the lecture draws it, live: neurons filled by their output, edges by weight.

Every pyqtgraph item is built in ``set_architecture``; ``show_snapshot`` only updates them, so
a frame costs a few milliseconds even for 784-256-128-10 (its input drawn as the picture, its
strongest edges only, big layers as a bar). The view's aspect is locked, which keeps
antialiased pens cheap. The parts live beside this module: ``canvas_edges`` (edges),
``canvas_nodes`` (nodes and values), ``canvas_labels`` (headings, "+1"), ``canvas_tiles``
(weight images, output maps); the hover texts come from ``nnsim.core.explain``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QInputDialog, QVBoxLayout, QWidget

from nnsim.core.explain import describe_edge, describe_neuron, neuron_names
from nnsim.core.snapshot import Snapshot
from nnsim.ui import palette
from nnsim.ui.canvas_edges import EdgeLayer, edge_ends, edge_index, flat_values
from nnsim.ui.canvas_hover import HoverText
from nnsim.ui.canvas_labels import CanvasLabels, label_sizes, network_labels
from nnsim.ui.canvas_layout import NODE_DIAMETER, fitted_range, network_layout
from nnsim.ui.canvas_nodes import VALUE_LIMIT, NodeLayer
from nnsim.ui.canvas_tiles import TileLayer
from nnsim.ui.canvas_toolbar import EDGE_LIMITS, CanvasToolbar
from nnsim.ui.figure_export import export_figure
from nnsim.ui.guard import guarded

EDIT_LIMIT = 60            # weights can be edited by double-click on nets this small
SMOOTH_LIMIT = 1000        # edges are antialiased while at most this many are drawn
LIVE_SMOOTH_LIMIT = 300    # ... and while training: 1,000 long smooth lines took 30-45 ms
FORWARD_COLOUR, BACKWARD_COLOUR = (0, 158, 115), (204, 121, 167)   # Okabe-Ito green, purple


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
        self._edges, self._nodes = EdgeLayer(self._box), NodeLayer(self._box)
        self._tiles, self._labels = TileLayer(self._box), CanvasLabels()
        self._labels.setZValue(11.0)
        self._box.addItem(self._labels, ignoreBounds=True)
        self._hover = HoverText(self._view)
        self._view.viewport().installEventFilter(self)
        self._toolbar = bar = CanvasToolbar()
        bar.edge_limit_chosen.connect(self.set_edge_limit)
        bar.weight_images_toggled.connect(
            lambda on: self.set_summary_mode("weight_images" if on else "edges"))
        bar.fit_clicked.connect(self.fit_to_window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(bar)
        layout.addWidget(self._view, 1)

        scene = self._view.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._box.sigRangeChangedManually.connect(self._on_manual_range)
        self._box.sigResized.connect(self._on_resized)
        self._box.sigRangeChanged.connect(self._fit_labels)

        self._sizes: list[int] = []
        self._label_key: tuple | None = None
        self._layout = None
        self._snapshot: Snapshot | None = None
        self._gradients = None
        self._highlight: tuple[int, int | None, str] | None = None
        self._maps: tuple[np.ndarray, ...] | None = None
        self._side_labels = (False, False)
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
                         image_shape: tuple[int, int] | None = None,
                         classes: Sequence[str] | None = None) -> None:
        """Build every item for this network; drawing starts with the next snapshot.
        ``classes`` labels the outputs by the class each stands for (MNIST's 0..9)."""
        sizes = [int(n) for n in sizes]
        n_layers = len(sizes) - 1
        acts = [activations] * n_layers if isinstance(activations, str) else list(activations)
        bias = [has_bias] * n_layers if isinstance(has_bias, bool) else list(has_bias)
        if len(acts) != n_layers or len(bias) != n_layers:
            raise ValueError(f"need one activation and one has_bias per Dense layer "
                             f"({n_layers}), got {len(acts)} and {len(bias)}")
        if image_shape is not None and int(np.prod(image_shape)) != sizes[0]:
            raise ValueError(f"an image shape of {image_shape[0]}x{image_shape[1]} does not "
                             f"hold {sizes[0]} inputs")
        self._sizes, self._activations, self._has_bias = sizes, acts, [bool(b) for b in bias]
        self._image_shape = tuple(image_shape) if image_shape is not None else None
        self._snapshot, self._gradients, self._highlight, self._maps = None, None, None, None
        self._names = neuron_names(sizes, classes)
        self._index = edge_index(sizes, self._has_bias)
        self._n_edges = sum(len(index.source) for index in self._index)
        self._toolbar.message.clear()  # it spoke of the network before (e.g. "too big to edit")
        self._toolbar.show_summary_controls(self._n_edges > EDGE_LIMITS[0] or max(sizes) > 40)
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= SMOOTH_LIMIT)
        self._edges.set_theme(self._theme, self._edge_width, dim=False)
        self._build()
        self.fit_to_window()

    def show_snapshot(self, snapshot: Snapshot) -> bool:
        """Draw one frame: node fills, values, edges; only updates items built beforehand.

        A snapshot of another network (other weight shapes) is not drawn: False.
        """
        shapes = [(np.shape(layer[0]), None if layer[1] is None else np.shape(layer[1]))
                  if len(layer) == 2 else None for layer in snapshot.weights]
        expected = [((i, o), (o,) if b else None)
                    for i, o, b in zip(self._sizes, self._sizes[1:], self._has_bias, strict=False)]
        if shapes != expected:
            return False
        self._snapshot = snapshot
        if snapshot.activations is not None:
            self._nodes.paint(snapshot.activations)
        values = self._edge_values()
        # Moving lines need no smoothing: a running frame draws many edges aliased, several
        # times faster; the paused or final frame draws them smooth again.
        limit = LIVE_SMOOTH_LIMIT if snapshot.status == "running" else SMOOTH_LIMIT
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= limit)
        self._edges.draw(values, self._edge_limit)
        self._tiles.paint_tiles(snapshot.weights)
        if self._highlight is not None:
            self._paint_focus(values)
        return True

    def set_edge_limit(self, n: int) -> None:
        """Draw at most n edges (the strongest of each layer) per frame."""
        self._edge_limit = max(int(n), 1)
        self._edges.set_antialias(min(self._edge_limit, self._n_edges) <= SMOOTH_LIMIT)
        self._toolbar.set_edge_limit(self._edge_limit)
        self._redraw()

    def set_summary_mode(self, mode: str) -> None:
        """"edges", or "weight_images": each hidden neuron's incoming weights as a picture."""
        if mode not in ("edges", "weight_images"):
            raise ValueError(f'summary mode must be "edges" or "weight_images", got {mode!r}')
        self._toolbar.set_weight_images(mode == "weight_images")
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
        scale = self._theme.font_scale
        # Pixels kept free around the nodes for the headings and the names beside them.
        margins = (44 * scale if self._side_labels[0] else 24 * scale, 34 * scale + 8,
                   44 * scale if self._side_labels[1] else 36 * scale, 6.0)
        rect = fitted_range(self._layout.bounds, self._box.width(), self._box.height(), margins)
        self._box.setRange(QRectF(*(rect or self._layout.bounds)),
                           padding=0.0 if rect else 0.02)

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

        Drawn beside the nodes, one picture per layer; hovering a neuron shows its map large.
        """
        self._maps = None if maps is None else tuple(np.asarray(m) for m in maps)
        if self._layout is not None:
            self._tiles.show_maps(self._maps, self._layout, self._sizes, self._activations,
                                  self._node_d)

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
        self._nodes.set_theme(theme, self._node_d)
        self._tiles.set_theme(self._nodes.lut, pg.mkPen(theme.foreground, width=1))
        self._hover.set_theme(theme)
        self._toolbar.set_theme(theme)
        if self._sizes:
            self._build()
            self.fit_to_window()

    def export_png(self, path: str, width: int | None = None) -> bool:
        """Save the drawing as a PNG ``width`` pixels wide (default twice the screen's).

        FigureExportError (an OSError naming the file) if it cannot be written.
        """
        export_figure(self._view, path, width, background=self._theme.background,
                      title="nnsim network")
        return True

    def export_svg(self, path: str) -> bool:
        """Save the drawing as an SVG; FigureExportError if it cannot be written."""
        export_figure(self._view, path, background=self._theme.background,
                      title="nnsim network")
        return True

    # -- building (on a new network, summary mode or theme; never per frame) ----------------

    def _build(self) -> None:
        sizes, grid = self._sizes, self._mode == "weight_images"
        self._layout = layout = network_layout(sizes, self._has_bias, self._image_shape,
                                               grid_layers=grid)
        tiled = [grid and 0 < k < len(sizes) - 1 for k in range(len(sizes))]
        self._edges.set_geometry(self._index, *edge_ends(layout, self._index), tiled[1:])
        values = max(sizes) <= VALUE_LIMIT and layout.layers[0].style == "circles"
        self._side_labels = (not values and layout.layers[0].style == "circles",
                             not values and layout.layers[-1].style == "circles")
        self._nodes.build(layout, sizes, self._activations, self._names, self._image_shape,
                          values)
        self._labels.set_labels(network_labels(layout, sizes, self._names, self._activations,
                                               self._image_shape, self._side_labels,
                                               self._node_d),
                                QColor(*self._theme.foreground), self._node_d)
        self._label_key = None
        self._tiles.build_tiles(layout, sizes, tiled, self._image_shape, self._node_d)
        self._tiles.clear_thumbnails()
        if self._maps is not None:
            self.set_neuron_thumbnails(self._maps)
        self._fit_labels()
        self._redraw()

    def _fit_labels(self, *_: object) -> None:
        """Size nodes and their texts to the zoom (texts hide when the nodes get too small)."""
        pixel = self._box.viewPixelSize()
        node_px = self._node_d / max(pixel[0], 1e-9)
        sizes = label_sizes(node_px, self._theme.font_scale)
        key = (*(round(v) for v in sizes.values()), round(node_px, 1))
        if key == self._label_key:
            return
        self._label_key = key
        self._nodes.set_node_pixels(node_px, sizes["node"])
        self._labels.fit(sizes, pixel, self._theme.font_scale)

    # -- painting (per frame) ---------------------------------------------------------------

    def _redraw(self) -> None:
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)
        elif self._sizes:
            self._paint_focus(self._edge_values())

    def _edge_values(self) -> list[np.ndarray] | None:
        """The numbers the edges show: gradients when asked to, else the weights."""
        weights = None if self._snapshot is None else self._snapshot.weights
        source = self._gradients if self._gradients is not None else weights
        if source is None:
            return None
        values = flat_values(source)
        if [len(v) for v in values] != [len(i.source) for i in self._index]:
            self._toolbar.message.setText("the gradients are for another network: "
                                          "showing weights")
            return None if weights is None else flat_values(weights)
        return values

    def _paint_focus(self, values: list[np.ndarray] | None) -> None:
        """The highlight: a ring around the neuron (or layer) and its edges in full colour."""
        layer, neuron, phase = self._highlight or (-1, None, "")
        if not 0 <= layer < len(self._sizes) or (
                neuron is not None and not 0 <= neuron < self._sizes[layer]):
            self._nodes.hide_focus()
            self._edges.focus.clear()
            return
        pen = pg.mkPen(FORWARD_COLOUR if phase in ("forward", "result") else BACKWARD_COLOUR,
                       width=3 * self._theme.stroke_scale)
        self._nodes.show_focus(layer, neuron, pen)
        self._edges.draw_focus(values, layer, neuron, phase == "delta", self._edge_limit)

    # -- mouse ------------------------------------------------------------------------------

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._view.viewport() and event.type() == QEvent.Type.Leave:
            self._hover.hide()
            self._tiles.big.hide()
        return False

    def _tolerance(self) -> float:
        """4 screen pixels in data units: how near the mouse must be to an edge or node."""
        return 4 * self._box.viewPixelSize()[0]

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self._box.mapSceneToView(scene_pos)
        self._tiles.big.hide()
        text, node = None, self._nodes.node_at(point.x(), point.y(), self._tolerance())
        snapshot = self._snapshot
        weights = None if snapshot is None else snapshot.weights
        if node is not None:
            text = describe_neuron(self._names, self._activations, weights,
                                   None if snapshot is None else snapshot.activations, *node,
                                   image_shape=self._image_shape)
            if node[0] < len(self._sizes) - 1:   # hidden layers only: outputs have no map
                self._tiles.show_neuron_map(self._maps, self._activations, *node,
                                            self.node_position(*node), self._node_d)
        elif self._layout is not None and (edge := self._edges.edge_at(
                point.x(), point.y(), self._tolerance())) is not None:
            gradients = self._gradients or (snapshot and snapshot.gradients)
            text = describe_edge(self._names, weights, *edge, gradients=gradients)
            if self._n_edges <= EDIT_LIMIT:
                text += "\n(double-click to edit)"
        if text is None:
            self._hover.hide()
            return
        self._hover.show_near(text, self._view.mapFromScene(scene_pos))

    def _on_mouse_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._layout is None:
            return
        point = self._box.mapSceneToView(event.scenePos())
        node = self._nodes.node_at(point.x(), point.y(), self._tolerance())
        if not event.double():
            if node is not None and node[1] >= 0:
                self.neuron_selected.emit(*node)
            return
        if node is not None:
            return
        edge = self._edges.edge_at(point.x(), point.y(), self._tolerance())
        if edge is None:
            self.fit_to_window()
        elif self._n_edges > EDIT_LIMIT:
            self._toolbar.message.setText(f"weights can be edited by double-click on "
                                          f"networks of at most {EDIT_LIMIT} edges")
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


if __name__ == "__main__":
    from nnsim.ui.canvas_demo import main

    main()
