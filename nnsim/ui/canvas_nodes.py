"""The canvas's nodes: circles filled by their output, pictures and bars for big layers, values.

``NodeLayer.build`` makes every item for one network; a frame (``paint``) only sets brushes,
pictures and texts. All circles of a network are one ScatterPlotItem (one paint call); an
input with an image shape is that picture, a big layer a bar with one stripe per neuron.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsObject

from nnsim.core.explain import short_number
from nnsim.ui import palette
from nnsim.ui.canvas_edges import EdgeCurve
from nnsim.ui.canvas_layout import CanvasLayout, Rect
from nnsim.ui.guard import guarded

VALUE_LIMIT = 12           # outputs are written inside the nodes while no layer is larger
FILL_LEVELS = 33
LUT_SIZE = 512             # colours in the tables of bars and pictures
GREYS = np.linspace(255, 0, LUT_SIZE).astype(np.ubyte)  # input pictures as ink on paper
PREMULTIPLIED = QImage.Format.Format_ARGB32_Premultiplied
BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "step": (0.0, 1.0), "tanh": (-1.0, 1.0),
           "gaussian": (0.0, 1.0), "gate": (0.0, 1.0)}


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


def frame_points(rect: Rect, pad: float = 0.0) -> np.ndarray:
    """The 4 sides of a rectangle as 8 points for a connect="pairs" curve."""
    x, y, w, h = rect
    x0, y0, x1, y1 = x - pad, y - pad, x + w + pad, y + h + pad
    return np.array([[x0, y0], [x1, y0], [x1, y0], [x1, y1], [x1, y1], [x0, y1], [x0, y1],
                     [x0, y0]])


def set_segments(curve: EdgeCurve, points: np.ndarray, pen: QPen) -> None:
    """Draw ``points`` (2k, 2) as k segments in ``pen``, with bounds that hold them."""
    low, high = points.min(0) - 0.5, points.max(0) + 0.5
    curve.prepareGeometryChange()
    curve.bounds = QRectF(*low, *(high - low))
    curve.setPen(pen)
    curve.setData(points[:, 0], points[:, 1], antialias=curve.opts["antialias"])


def argb_table(lut: np.ndarray) -> np.ndarray:
    """A lookup table ((n,) grey, (n, 3) RGB or (n, 4) RGBA) as premultiplied ARGB32 words,
    with one clear entry appended for NaN."""
    lut = np.asarray(lut, dtype=np.uint32)
    if lut.ndim == 1:
        lut = np.column_stack([lut, lut, lut])
    alpha = lut[:, 3] if lut.shape[1] == 4 else np.full(len(lut), 255, np.uint32)
    rgb = [lut[:, k] * alpha // 255 for k in range(3)]
    return np.append((alpha << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2], np.uint32(0))


class FastImage(QGraphicsObject):
    """Values coloured through a lookup table, drawn into a rectangle of data coordinates.

    One NumPy gather straight into premultiplied ARGB32: pyqtgraph's ImageItem rescales floats,
    looks colours up and converts formats on every frame (a quarter of a 2-8-8-1 frame), and Qt
    paints the Indexed8 pictures it makes 5-10x slower inside the ViewBox's clip. Row 0 is
    drawn at the rectangle's smaller y, as ImageItem draws it.
    """

    def __init__(self, shape: Sequence[int] | None = None, rect: Rect = (0.0, 0.0, 1.0, 1.0),
                 lut: np.ndarray = GREYS) -> None:
        super().__init__()
        self.lut, self._table = lut, argb_table(lut)
        self._rect, self._border = QRectF(*rect), None
        self.image: np.ndarray | None = None
        self.qimage: QImage | None = None
        self._levels = (0.0, 1.0)
        if shape is not None:
            self.show_values(np.full(tuple(shape), np.nan, dtype=np.float32), self._levels)

    def rect(self) -> QRectF:
        """Where the picture is drawn, in data coordinates."""
        return QRectF(self._rect)

    def set_rect(self, rect: QRectF) -> None:
        """Draw the picture into ``rect`` (data coordinates) from now on."""
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self.update()

    def set_border(self, pen: QPen | None) -> None:
        """A frame around the picture (None: no frame)."""
        self._border = pen
        self.update()

    def set_lookup_table(self, lut: np.ndarray) -> None:
        """New colours; the picture shown is coloured again with them."""
        self.lut, self._table = lut, argb_table(lut)
        if self.image is not None:
            self.show_values(self.image, self._levels)

    def show_values(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        """Colour ``values`` (2-D; NaN clear) with ``levels`` at the table's two ends."""
        top = len(self._table) - 2  # the last entry is the clear one, for NaN
        low, high = float(levels[0]), float(levels[1])
        scale = top / (high - low) if high > low else 0.0
        with np.errstate(invalid="ignore"):
            scaled = (np.asarray(values, dtype=np.float32) - low) * scale
        index = np.clip(np.nan_to_num(scaled, nan=0.0), 0, top).astype(np.intp)
        index[np.isnan(scaled)] = top + 1
        pixels = np.ascontiguousarray(self._table[index])
        rows, columns = pixels.shape
        self._pixels = pixels  # the QImage reads this buffer: keep it alive
        self.qimage = QImage(pixels.data, columns, rows, 4 * columns, PREMULTIPLIED)
        self.image, self._levels = values, (low, high)
        self.update()

    @guarded(QRectF)
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return QRectF(self._rect)

    @guarded()
    def paint(self, painter: QPainter, *args: object) -> None:
        if self.qimage is not None:
            painter.drawImage(self._rect, self.qimage)
        if self._border is not None:
            painter.setPen(self._border)
            painter.drawRect(self._rect)


class NodeLabels(QGraphicsObject):
    """The name and value of every node of a layer, in pixels at the node centres.

    One item drawing QStaticTexts: a QGraphicsTextItem per node re-lays out a whole text
    document on every value change, which made text the dearest part of a small net's frame.
    """

    def __init__(self, positions: np.ndarray, names: list[str], rect: Rect) -> None:
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
                text.prepare(QTransform(), self._font)
        self._colours = list(colours)
        self.update()

    def set_pixel_size(self, size: float) -> None:
        """Font size in pixels; below 7 px the labels hide (hovering still tells)."""
        self._font.setPixelSize(max(round(size), 1))
        # Laid out again now: size() centres each text, and would give the old font's size
        # until the next paint (texts sat off-centre after Fit until the next frame).
        for text in (*self._names, *self._values):
            text.prepare(QTransform(), self._font)
        self.setVisible(round(size) >= 7)  # the size drawn, so 6.9 px shows as the 7 px it is
        self.update()

    @guarded(QRectF)
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self._rect

    @guarded()
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


class NodeLayer:
    """Every node of the canvas and the highlight ring around one of them."""

    def __init__(self, box: pg.ViewBox) -> None:
        self._box = box
        self._items: list[QGraphicsObject] = []
        self.circles: pg.ScatterPlotItem | None = None
        self.layout: CanvasLayout | None = None
        self.ring, self.ring_box = pg.ScatterPlotItem(pxMode=False), EdgeCurve()
        for item in (self.ring, self.ring_box):
            item.setZValue(10.5)
            box.addItem(item, ignoreBounds=True)
            item.hide()
        self.set_theme(palette.LIGHT, 0.6)

    def set_theme(self, theme: palette.Theme, node_diameter: float) -> None:
        """Fill colours, outline and node size (the next ``build`` uses them)."""
        self.theme, self.node_d = theme, node_diameter
        table = palette.lookup_table(theme, FILL_LEVELS)
        self.brushes = [pg.mkBrush(*rgb) for rgb in table]
        self.text_colours = [QColor(255, 255, 255) if rgb @ (0.299, 0.587, 0.114) < 140
                             else QColor(0, 0, 0) for rgb in table.astype(float)]
        self.lut = palette.lookup_table(theme, LUT_SIZE)

    def build(self, layout: CanvasLayout, sizes: Sequence[int], activations: Sequence[str],
              names: Sequence[Sequence[str]], image_shape: tuple[int, int] | None,
              show_values: bool) -> None:
        """Items for this layout: circles (and "+1" nodes), pictures, bars, their frames."""
        self.clear()
        self.layout, self.sizes, self.activations = layout, list(sizes), list(activations)
        self.image_shape = image_shape
        self.nodes: list[FastImage | slice | None] = []
        self.value_texts: list[NodeLabels | None] = []
        circles, self.circle_brushes, frames, hits = [], [], [], []
        for k, geometry in enumerate(layout.layers):
            node, texts, radius = None, None, geometry.cell * 0.5
            x0, y0, _, h = geometry.rect
            if geometry.style == "image":
                node = self._add(FastImage(image_shape, geometry.rect, GREYS), 10.0)
                radius = geometry.cell * 0.71
            elif geometry.style == "column":  # a bar, one stripe per neuron
                stripe = h / (sizes[k] - 1)
                node = self._add(FastImage((sizes[k], 1), (x0 - 0.15, y0 - stripe / 2, 0.3,
                                                           stripe * sizes[k]), self.lut), 10.0)
            elif geometry.style == "circles":
                node = slice(len(circles), len(circles) + sizes[k])
                circles.extend(geometry.positions)
                self.circle_brushes.extend([self.brushes[FILL_LEVELS // 2]] * sizes[k])
                radius = self.node_d / 2
                if show_values:
                    texts = self._add(NodeLabels(geometry.positions, list(names[k]),
                                                 layout.bounds), 11.0)
            if geometry.style != "circles":
                frames.append(frame_points(node.rect().getRect() if node is not None
                                           else geometry.rect))
            self.nodes.append(node)
            self.value_texts.append(texts)
            hits.append((geometry.positions, k, np.arange(sizes[k]), radius))
            if geometry.bias is not None:
                circles.append(geometry.bias)
                self.circle_brushes.append(pg.mkBrush(self.theme.neutral))
                hits.append((geometry.bias[None], k, np.array([-1]), self.node_d / 2))
        outline = pg.mkPen(self.theme.foreground, width=1.2 * self.theme.stroke_scale)
        self.circles = None if not circles else self._add(pg.ScatterPlotItem(
            pos=np.array(circles), size=10, pen=outline, brush=self.circle_brushes), 10.0)
        if frames:
            frame = self._add(EdgeCurve(antialias=False), 10.2)
            set_segments(frame, np.concatenate(frames), pg.mkPen(self.theme.grid, width=1))
        self._hit_xy = np.concatenate([h[0] for h in hits])
        self._hit_layer = np.concatenate([np.full(len(h[2]), h[1]) for h in hits])
        self._hit_neuron = np.concatenate([h[2] for h in hits])
        self._hit_radius = np.concatenate([np.full(len(h[2]), h[3]) for h in hits])

    def clear(self) -> None:
        """Remove every node item (the ring stays, hidden)."""
        for item in self._items:
            self._box.removeItem(item)
        self._items, self.circles, self.layout = [], None, None
        self.hide_focus()

    def set_node_pixels(self, node_px: float, text_px: float) -> None:
        """Circles ``node_px`` wide on screen, values in ``text_px`` fonts."""
        if self.circles is not None:  # pixel-sized symbols paint from a cached atlas
            self.circles.setSize(min(node_px, 400.0))
        for labels in self.value_texts if self.layout is not None else ():
            if labels is not None:
                labels.set_pixel_size(text_px)

    def paint(self, outputs: Sequence[np.ndarray]) -> None:
        """Fill every node with its output (input first), write the values."""
        circles_changed = False
        for k, (node, values) in enumerate(zip(self.nodes, outputs, strict=False)):
            values = np.asarray(values, dtype=float).ravel()
            if node is None or len(values) != self.sizes[k]:
                continue
            activation = "input" if k == 0 else self.activations[k - 1]
            style = self.layout.layers[k].style
            if style == "image":
                low, high = float(np.nanmin(values)), float(np.nanmax(values))
                node.show_values(values.reshape(self.image_shape),
                                 (low, high if high > low else low + 1.0))
            elif style == "column":
                node.show_values(values[:, None], value_levels(activation, values))
            else:
                level = np.rint(fill_positions(values, activation) * (FILL_LEVELS - 1))
                level = level.astype(int)
                brushes = [self.brushes[i] for i in level]
                if brushes != self.circle_brushes[node]:  # setBrush re-renders every symbol
                    self.circle_brushes[node] = brushes
                    circles_changed = True
                if self.value_texts[k] is not None:
                    self.value_texts[k].set_values([short_number(v) for v in values],
                                                   [self.text_colours[i] for i in level])
        if circles_changed:
            self.circles.setBrush(self.circle_brushes)

    def node_at(self, x: float, y: float, tolerance: float) -> tuple[int, int] | None:
        """(layer, neuron) of the node under (x, y), -1 for a "+1" node; None off the nodes."""
        if self.layout is None:
            return None
        distance = np.hypot(self._hit_xy[:, 0] - x, self._hit_xy[:, 1] - y)
        i = int(np.argmin(distance))
        if distance[i] > max(self._hit_radius[i], tolerance):
            return None
        return int(self._hit_layer[i]), int(self._hit_neuron[i])

    def show_focus(self, layer: int, neuron: int | None, pen: QPen) -> None:
        """A ring around the neuron, or around every node (or the block) of the layer."""
        self.hide_focus()
        geometry = self.layout.layers[layer]
        if neuron is not None or geometry.style == "circles":
            size = self.node_d * 1.35 if geometry.style == "circles" else geometry.cell * 3
            points = geometry.positions if neuron is None else geometry.positions[[neuron]]
            self.ring.setData(pos=points, size=size, pen=pen, brush=pg.mkBrush(None))
            self.ring.show()
        else:
            set_segments(self.ring_box, frame_points(geometry.rect, 0.3), pen)
            self.ring_box.show()

    def hide_focus(self) -> None:
        """No ring."""
        self.ring.hide()
        self.ring_box.hide()

    def _add(self, item: QGraphicsObject, z: float) -> QGraphicsObject:
        item.setZValue(z)
        self._box.addItem(item, ignoreBounds=True)
        self._items.append(item)
        return item
