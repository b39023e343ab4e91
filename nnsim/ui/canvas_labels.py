"""The canvas's texts: layer headings, the "+1" of the bias nodes, names beside big layers.

They are drawn in screen pixels at points of the drawing, sized from how large the nodes are
on screen (``label_sizes``), by one item with QStaticTexts. pyqtgraph's TextItem re-maps and
lays its text out on every paint, and cached as a pixmap it kept stale positions after the
window changed size (projector mode lost its headings and "+1" labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsObject

from nnsim.ui.canvas_layout import CanvasLayout
from nnsim.ui.guard import guarded

MIN_PIXELS = 7           # texts smaller than this hide (hovering still tells)
BIAS_INSIDE_PIXELS = 9   # a "+1" smaller than this moves left of its node
CAPTION_GAP_PIXELS = 8   # closer than this, headings break "256, sigmoid" into two lines


@dataclass
class Label:
    """A text at (x, y) in data coordinates; ``anchor`` is the point of the text put there
    ((0, 0) its top left, (0.5, 1) the middle of its bottom). ``role`` picks its size."""

    text: str
    x: float
    y: float
    anchor: tuple[float, float]
    role: str   # "caption", "bias" or "side"
    bold: bool = False


def label_sizes(node_pixels: float, font_scale: float) -> dict[str, float]:
    """Pixel font size of each role for nodes ``node_pixels`` wide on screen.

    Texts inside or beside a node grow with it up to a cap; headings keep the theme's size.
    """
    return {"node": min(0.24 * node_pixels, 15 * font_scale),
            "side": min(0.5 * node_pixels, 12 * font_scale),
            "bias": min(0.38 * node_pixels, 14 * font_scale),
            "caption": 12.5 * font_scale}


class CanvasLabels(QGraphicsObject):
    """Every heading, "+1" and side name of the canvas, in one item drawn in pixels."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self.set_labels([], QColor(0, 0, 0), 0.6)

    def set_labels(self, labels: Sequence[Label], colour: QColor, node_diameter: float) -> None:
        """New texts (a new network or theme), in ``colour``; ``fit`` sizes them."""
        self.labels = list(labels)
        self._lines = [[QStaticText(line) for line in label.text.split("\n")]
                       for label in self.labels]
        self._home = [(label.x, label.anchor) for label in self.labels]
        self._colour, self._node_d = QColor(colour), node_diameter
        self._fonts: dict[tuple[str, bool], QFont] = {}
        self._shown: dict[str, bool] = {}
        self._extents: list[tuple[float, float]] = [(0.0, 0.0)] * len(self.labels)
        self.update()

    def shown(self, role: str) -> bool:
        """Whether texts of ``role`` are drawn at the current size."""
        return self._shown.get(role, False)

    def fit(self, sizes: dict[str, float], pixel: tuple[float, float],
            font_scale: float = 1.0) -> None:
        """Font sizes per role (pixels) and the view's data units per pixel (x, y).

        A "+1" too small to read inside its node is written left of it instead.
        """
        sizes = dict(sizes)
        outside = sizes["bias"] < BIAS_INSIDE_PIXELS
        if outside:
            sizes["bias"] = 10 * font_scale
        self._fonts, self._shown = {}, {}
        for role, size in sizes.items():
            self._shown[role] = round(size) >= MIN_PIXELS
            for bold in (False, True):
                font = QFont()
                font.setPixelSize(max(round(size), 1))
                font.setBold(bold)
                self._fonts[role, bold] = font
        for label, (x, anchor) in zip(self.labels, self._home, strict=True):
            if label.role == "bias":
                label.x = x - self._node_d / 2 - 0.05 if outside else x
                label.anchor = (1.0, 0.5) if outside else anchor
        self._lines = self._split(narrow=False)
        self._measure()
        if self._crowded(pixel[0]):  # headings would run into each other: "256" over "relu"
            self._lines = self._split(narrow=True)
            self._measure()
        rect = QRectF()
        for label, (width, height) in zip(self.labels, self._extents, strict=True):
            # The item's bounds, in data units: the text may lie on either side of its point.
            ax, ay = label.anchor
            # 4 px more: antialiased glyph edges, so no partial repaint leaves a trace.
            rx = (max(ax, 1 - ax) * width + 4) * pixel[0]
            ry = (max(ay, 1 - ay) * height + 4) * pixel[1]
            rect = rect.united(QRectF(label.x - rx, label.y - ry, 2 * rx, 2 * ry))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def _split(self, narrow: bool) -> list[list[QStaticText]]:
        """Each label's lines; ``narrow`` puts a heading's size and activation on lines of
        their own."""
        return [[QStaticText(line) for line in (label.text.replace(", ", "\n")
                 if narrow and label.role == "caption" else label.text).split("\n")]
                for label in self.labels]

    def _measure(self) -> None:
        for k, (label, lines) in enumerate(zip(self.labels, self._lines, strict=True)):
            font = self._fonts.get((label.role, label.bold), QFont())
            for line in lines:
                line.prepare(QTransform(), font)
            self._extents[k] = (max(line.size().width() for line in lines),
                                sum(line.size().height() for line in lines))

    def _crowded(self, pixel_x: float) -> bool:
        """Whether two neighbouring headings, centred on their layers, would touch."""
        captions = sorted((label.x, k) for k, label in enumerate(self.labels)
                          if label.role == "caption" and self._shown.get("caption", False))
        pairs = zip(captions, captions[1:], strict=False)
        return any((x2 - x1) / pixel_x < (self._extents[a][0] + self._extents[b][0]) / 2
                   + CAPTION_GAP_PIXELS for (x1, a), (x2, b) in pairs)

    @guarded(QRectF)
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return QRectF(self._rect)

    @guarded()
    def paint(self, painter: QPainter, *args: object) -> None:
        transform = painter.transform()
        painter.resetTransform()  # draw in pixels: text does not scale with the zoom
        painter.setPen(self._colour)
        for label, lines, (width, height) in zip(self.labels, self._lines, self._extents,
                                                 strict=True):
            if not self._shown.get(label.role, False):
                continue
            painter.setFont(self._fonts[label.role, label.bold])
            point = transform.map(QPointF(label.x, label.y))
            left = point.x() - label.anchor[0] * width
            top = point.y() - label.anchor[1] * height
            for line in lines:  # every line centred on the widest
                size = line.size()
                painter.drawStaticText(QPointF(left + (width - size.width()) / 2, top), line)
                top += size.height()
        painter.setTransform(transform)


def layer_caption(k: int, sizes: Sequence[int], activations: Sequence[str],
                  image_shape: tuple[int, int] | None = None) -> str:
    """The heading of layer ``k`` (0 = inputs): its role, size and activation."""
    n, last = sizes[k], len(sizes) - 1
    if k == 0:
        return (f"inputs\n{image_shape[0]}x{image_shape[1]} = {n}" if image_shape
                else f"inputs\n{n}")
    title = "output" if k == last else "hidden" if last == 2 else f"hidden {k}"
    if k < last and activations[k] == "gate":  # a mixture: its experts feed the gate
        title = "experts"
    elif k < last and activations[k - 1] == "gaussian":
        title = "RBF units"
    return f"{title}\n{n}, {activations[k - 1]}"


def network_labels(layout: CanvasLayout, sizes: Sequence[int], names: Sequence[Sequence[str]],
                   activations: Sequence[str], image_shape: tuple[int, int] | None,
                   side_names: tuple[bool, bool], node_diameter: float) -> list[Label]:
    """Headings over the layers, "+1" in the bias nodes, and with ``side_names`` (first
    layer, last layer) the names beside those nodes, for nodes too small to hold them."""
    labels, last = [], len(sizes) - 1
    for k, geometry in enumerate(layout.layers):
        x0, _, width, _ = geometry.rect
        labels.append(Label(layer_caption(k, sizes, activations, image_shape),
                            x0 + width / 2, layout.caption_y, (0.5, 1.0), "caption"))
        if geometry.bias is not None:
            labels.append(Label("+1", *geometry.bias, (0.5, 0.5), "bias", bold=True))
        if k in (0, last) and side_names[0 if k == 0 else 1]:
            side = (node_diameter / 2 + 0.08) * (-1 if k == 0 else 1)
            labels += [Label(name, x + side, y, (1.0 if k == 0 else 0.0, 0.5), "side")
                       for name, (x, y) in zip(names[k], geometry.positions, strict=True)]
    return labels
