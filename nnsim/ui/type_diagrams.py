"""Small code-drawn diagrams of the lecture's network types and of the neuron analogy.

Everything is painted with QPainter in a fixed logical canvas that is scaled (keeping its
aspect ratio) to the widget, so the pictures stay sharp at any size and in every theme and
ship without image files. The colours come from the project palette.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnsim.ui.guard import guarded
from nnsim.ui.palette import (
    LIGHT,
    MULTICLASS_COLOURS,
    NEGATIVE,
    NEGATIVE_LIGHT,
    POSITIVE,
    POSITIVE_LIGHT,
    Theme,
)

RGB = tuple[int, int, int]
#: The logical canvas of a type diagram; the painter scales it to the widget.
CANVAS = (220.0, 140.0)
#: One colour per correspondence (Okabe-Ito, colour-blind safe), shared with the page's legend.
DENDRITE, SYNAPSE, SOMA, AXON = (MULTICLASS_COLOURS[i] for i in (2, 3, 1, 0))


def lighter(rgb: RGB, amount: float = 0.6) -> RGB:
    """``rgb`` mixed with white: a fill that keeps dark text and outlines readable."""
    return tuple(round(c + (255 - c) * amount) for c in rgb)  # type: ignore[return-value]


class Sketch:
    """Drawing primitives (nodes, boxes, arrows, text) in one theme's colours."""

    def __init__(self, painter: QPainter, theme: Theme) -> None:
        self.p = painter
        self.theme = theme
        self.ink = QColor(*theme.foreground)
        self.edge = QColor(*theme.foreground)
        self.edge.setAlpha(120)
        self.stroke = max(1.0, theme.stroke_scale * 0.8)

    def pen(self, colour: QColor | RGB | None = None, width: float = 1.0,
            dashed: bool = False) -> QPen:
        colour = self.ink if colour is None else colour
        pen = QPen(colour if isinstance(colour, QColor) else QColor(*colour), width * self.stroke)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def text(self, centre: QPointF, text: str, size: float = 9.0, colour: QColor | RGB | None
             = None, bold: bool = False, width: float = 120.0) -> None:
        font = QFont(self.p.font())
        font.setPixelSize(max(1, round(size * self.theme.font_scale ** 0.5)))
        font.setBold(bold)
        self.p.setFont(font)
        self.p.setPen(self.pen(colour))
        box = QRectF(centre.x() - width / 2, centre.y() - size, width, 2 * size)
        # Centred on the box but never clipped by it: projector fonts are larger.
        self.p.drawText(box, int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextDontClip),
                        text)

    def node(self, centre: QPointF, radius: float, fill: RGB, label: str = "",
             outline: RGB | None = None) -> None:
        self.p.setPen(self.pen(outline, 1.2))
        self.p.setBrush(QColor(*fill))
        self.p.drawEllipse(centre, radius, radius)
        if label:
            dark = sum(fill) < 3 * 128
            self.text(centre, label, min(11.0, radius * 1.1),
                      (240, 240, 240) if dark else (20, 20, 20), width=4 * radius)

    def box(self, rect: QRectF, fill: RGB | QColor, label: str = "", size: float = 9.0) -> None:
        self.p.setPen(self.pen(None, 1.2))
        self.p.setBrush(fill if isinstance(fill, QColor) else QColor(*fill))
        self.p.drawRoundedRect(rect, 3, 3)
        if label:
            self.text(rect.center(), label, size, (20, 20, 20), width=rect.width() + 20)

    def line(self, a: QPointF, b: QPointF, colour: QColor | RGB | None = None,
             width: float = 1.0, dashed: bool = False) -> None:
        self.p.setPen(self.pen(self.edge if colour is None else colour, width, dashed))
        self.p.drawLine(a, b)

    def head(self, tip: QPointF, towards: float, colour: QColor | RGB | None = None,
             size: float = 5.0) -> None:
        """An arrowhead at ``tip`` pointing along the angle ``towards`` (radians)."""
        colour = self.ink if colour is None else colour
        wing = 0.45
        points = [tip] + [QPointF(tip.x() - size * math.cos(towards + s * wing),
                                  tip.y() - size * math.sin(towards + s * wing)) for s in (1, -1)]
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(colour if isinstance(colour, QColor) else QColor(*colour))
        self.p.drawPolygon(QPolygonF(points))

    def arrow(self, a: QPointF, b: QPointF, start_gap: float = 0.0, end_gap: float = 0.0,
              colour: QColor | RGB | None = None, width: float = 1.0, dashed: bool = False,
              size: float = 5.0) -> None:
        """A line from ``a`` to ``b`` that stops ``start_gap``/``end_gap`` short (node radii)."""
        angle = math.atan2(b.y() - a.y(), b.x() - a.x())
        ux, uy = math.cos(angle), math.sin(angle)
        start = QPointF(a.x() + ux * start_gap, a.y() + uy * start_gap)
        tip = QPointF(b.x() - ux * end_gap, b.y() - uy * end_gap)
        colour = self.ink if colour is None else colour
        back = QPointF(tip.x() - ux * size * 0.8, tip.y() - uy * size * 0.8)
        self.line(start, back, colour, width, dashed)
        self.head(tip, angle, colour, size)


def polar(origin: QPointF, distance: float, angle: float) -> QPointF:
    """The point ``distance`` away from ``origin`` in direction ``angle`` (radians)."""
    return QPointF(origin.x() + distance * math.cos(angle), origin.y() + distance * math.sin(angle))


def column(x: float, n: int, top: float = 18.0, bottom: float = 112.0) -> list[QPointF]:
    """``n`` points spread evenly at height ``top``..``bottom`` (centred when n is 1)."""
    if n == 1:
        return [QPointF(x, (top + bottom) / 2)]
    step = (bottom - top) / (n - 1)
    return [QPointF(x, top + i * step) for i in range(n)]


def _layers(s: Sketch, sizes: list[int], xs: list[float], radius: float) -> None:
    columns = [column(x, n) for x, n in zip(xs, sizes, strict=True)]
    for left, right in zip(columns, columns[1:], strict=False):
        for a in left:
            for b in right:
                s.line(a, b)
    last = len(columns) - 1
    for index, points in enumerate(columns):
        fill = NEGATIVE_LIGHT if index == 0 else POSITIVE_LIGHT if index == last else None
        for point in points:
            s.node(point, radius, fill or s.theme.neutral)


def draw_perceptron(s: Sketch) -> None:
    out = QPointF(135, 65)
    for i, point in enumerate(column(38, 3, 20, 110)):
        s.arrow(point, out, 10, 18, s.edge)
        s.text(QPointF((point.x() + out.x()) / 2, (point.y() + out.y()) / 2 - 7), f"w{i + 1}", 8)
        s.node(point, 10, NEGATIVE_LIGHT, f"x{i + 1}")
    s.node(out, 18, POSITIVE_LIGHT, "\u03a3 f")
    s.arrow(out, QPointF(198, 65), 18, 0)
    s.text(QPointF(208, 65), "y", 11, width=20)
    s.text(QPointF(110, 130), "one neuron, step output", 8, width=200)


def draw_feedforward(s: Sketch) -> None:
    _layers(s, [3, 4, 2], [35, 110, 185], 9)
    s.arrow(QPointF(80, 130), QPointF(140, 130), colour=POSITIVE)
    s.text(QPointF(40, 130), "input", 8, width=50)
    s.text(QPointF(182, 130), "output", 8, width=50)


def draw_mlp(s: Sketch) -> None:
    _layers(s, [3, 4, 4, 4, 2], [22, 66, 110, 154, 198], 7.5)
    s.p.setPen(s.pen(s.theme.grid, 1.0, dashed=True))
    s.p.setBrush(Qt.BrushStyle.NoBrush)
    s.p.drawRoundedRect(QRectF(52, 8, 116, 114), 6, 6)
    s.text(QPointF(110, 131), "hidden layers", 8, width=120)


def draw_cnn(s: Sketch) -> None:
    cell, x0, y0 = 10.0, 8.0, 32.0
    ink = {(1, 2), (2, 1), (3, 1), (4, 2), (4, 3), (3, 4), (2, 4), (1, 3), (2, 2)}
    s.p.setPen(s.pen(s.theme.grid, 0.6))
    for row in range(6):
        for col in range(6):
            s.p.setBrush(QColor(*(NEGATIVE if (col, row) in ink else s.theme.neutral)))
            s.p.drawRect(QRectF(x0 + col * cell, y0 + row * cell, cell, cell))
    kernel = QRectF(x0 + cell, y0 + cell, 3 * cell, 3 * cell)
    fill = QColor(*POSITIVE)
    fill.setAlpha(70)
    s.p.setPen(s.pen(POSITIVE, 2.0))
    s.p.setBrush(fill)
    s.p.drawRect(kernel)
    for k in (2, 1, 0):
        s.box(QRectF(92 + 6 * k, 40 - 6 * k, 36, 36), lighter(NEGATIVE, 0.75 - 0.15 * k))
    target = QRectF(98, 46, 6, 6)
    s.box(target, POSITIVE)
    for corner in (kernel.topRight(), kernel.bottomRight()):
        s.line(corner, target.center(), POSITIVE, 0.8, dashed=True)
    for k in (2, 1, 0):
        s.box(QRectF(150 + 4 * k, 52 - 4 * k, 18, 18), lighter(NEGATIVE, 0.75 - 0.15 * k))
    s.arrow(QPointF(130, 58), QPointF(148, 62), colour=s.edge, size=4)
    for point in column(204, 3, 40, 90):
        s.line(QPointF(168, 61), point)
        s.node(point, 6, POSITIVE_LIGHT)
    s.text(QPointF(38, 108), "image", 8, width=60)
    s.text(QPointF(38, 22), "kernel", 8, POSITIVE, width=60)
    s.text(QPointF(118, 108), "feature maps", 8, width=80)
    s.text(QPointF(204, 108), "dense", 8, width=40)


def draw_rbf(s: Sketch) -> None:
    inputs = column(28, 2, 40, 90)
    units = column(104, 3, 22, 108)
    out = QPointF(170, 65)
    for a in inputs:
        for b in units:
            s.line(a, b)
    for b in units:
        s.line(b, out)
    for point in inputs:
        s.node(point, 9, NEGATIVE_LIGHT)
    for point in units:
        s.node(point, 15, s.theme.neutral)
        bell = QPainterPath()
        for i in range(21):
            t = -1 + i / 10
            xy = QPointF(point.x() + 11 * t, point.y() + 7 - 13 * math.exp(-((2.4 * t) ** 2)))
            if i == 0:
                bell.moveTo(xy)
            else:
                bell.lineTo(xy)
        s.p.setPen(s.pen(NEGATIVE, 1.4))
        s.p.setBrush(Qt.BrushStyle.NoBrush)
        s.p.drawPath(bell)
    s.node(out, 12, POSITIVE_LIGHT, "\u03a3")
    s.arrow(out, QPointF(204, 65), 12, 0)
    s.text(QPointF(212, 65), "y", 10, width=16)
    s.text(QPointF(104, 130), "bell-shaped units, linear sum", 8, width=200)


def draw_recurrent(s: Sketch) -> None:
    def cell(x: float, previous: QPointF | None) -> QPointF:
        xs, h, ys = QPointF(x, 108), QPointF(x, 68), QPointF(x, 28)
        s.arrow(xs, h, 8, 10)
        s.arrow(h, ys, 10, 8)
        if previous is not None:
            s.arrow(previous, h, 10, 10, POSITIVE)
        s.node(xs, 8, NEGATIVE_LIGHT, "x")
        s.node(h, 10, s.theme.neutral, "h")
        s.node(ys, 8, POSITIVE_LIGHT, "y")
        return h

    cell(32, None)
    loop = QPainterPath(QPointF(40, 61))
    loop.cubicTo(QPointF(70, 40), QPointF(70, 96), QPointF(41.5, 76))
    s.p.setPen(s.pen(POSITIVE, 1.6))
    s.p.setBrush(Qt.BrushStyle.NoBrush)
    s.p.drawPath(loop)
    s.head(QPointF(40, 75), math.atan2(76 - 90, 41.5 - 62), POSITIVE)
    s.text(QPointF(82, 68), "=", 14, width=16)
    previous = None
    for index, x in enumerate((118, 160, 202)):
        previous = cell(x, previous)
        s.text(QPointF(x, 128), ("t-1", "t", "t+1")[index], 8, width=30)


def draw_seq2seq(s: Sketch) -> None:
    encoder = [QPointF(x, 72) for x in (20, 50, 80)]
    decoder = [QPointF(x, 72) for x in (140, 170, 200)]
    state = QRectF(99, 61, 22, 22)
    for chain in (encoder, decoder):
        for a, b in zip(chain, chain[1:], strict=False):
            s.arrow(a, b, 9, 9)
    s.arrow(encoder[-1], state.center(), 9, 11, POSITIVE)
    s.arrow(state.center(), decoder[0], 11, 9, POSITIVE)
    for point in encoder:
        token = QRectF(point.x() - 5, 100, 10, 10)
        s.arrow(token.center(), point, 5, 9, s.edge, size=4)
        s.box(token, NEGATIVE_LIGHT)
        s.node(point, 9, s.theme.neutral)
    for point in decoder:
        token = QRectF(point.x() - 5, 32, 10, 10)
        s.arrow(point, token.center(), 9, 5, s.edge, size=4)
        s.box(token, POSITIVE_LIGHT)
        s.node(point, 9, s.theme.neutral)
    s.box(state, POSITIVE, "c")
    s.text(QPointF(50, 128), "encoder", 8, width=70)
    s.text(QPointF(110, 100), "state", 8, POSITIVE, width=40)
    s.text(QPointF(170, 128), "decoder", 8, width=70)


def draw_modular(s: Sketch) -> None:
    source = QPointF(16, 80)
    combine = QPointF(172, 80)
    gate = QRectF(78, 6, 56, 22)
    experts = [QRectF(76, y, 60, 20) for y in (40, 70, 100)]
    for rect in experts:
        s.line(source, QPointF(rect.left(), rect.center().y()))
        s.line(QPointF(rect.right(), rect.center().y()), combine)
    s.line(source, QPointF(gate.left(), gate.center().y()))
    s.arrow(QPointF(gate.right(), gate.center().y()), combine, 0, 11, POSITIVE, dashed=True)
    s.box(gate, POSITIVE_LIGHT, "gate", 8)
    for index, rect in enumerate(experts):
        s.box(rect, lighter(NEGATIVE, 0.55), f"expert {index + 1}", 8)
    s.node(source, 8, NEGATIVE_LIGHT, "x")
    s.node(combine, 11, POSITIVE_LIGHT, "\u03a3")
    s.arrow(combine, QPointF(206, 80), 11, 0)
    s.text(QPointF(213, 80), "y", 10, width=14)


DRAWERS: dict[str, Callable[[Sketch], None]] = {
    "perceptron": draw_perceptron, "feedforward": draw_feedforward, "mlp": draw_mlp,
    "cnn": draw_cnn, "rbf": draw_rbf, "recurrent": draw_recurrent, "seq2seq": draw_seq2seq,
    "modular": draw_modular,
}


class CanvasWidget(QWidget):
    """A widget that paints a fixed logical canvas scaled into itself, on the theme's ground."""

    canvas = CANVAS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = LIGHT
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_theme(self, theme: Theme) -> None:
        """Repaint in ``theme``'s colours."""
        self.theme = theme
        self.update()

    def draw(self, sketch: Sketch) -> None:
        raise NotImplementedError

    @guarded()
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.fillRect(self.rect(), QColor(*self.theme.background))
            width, height = self.canvas
            scale = min(self.width() / width, self.height() / height)
            painter.translate((self.width() - width * scale) / 2,
                              (self.height() - height * scale) / 2)
            painter.scale(scale, scale)
            self.draw(Sketch(painter, self.theme))
        finally:
            painter.end()


class TypeDiagram(CanvasWidget):
    """One network type drawn as nodes and arrows; ``kind`` is a key of ``DRAWERS``."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        if kind not in DRAWERS:
            raise ValueError(f"unknown diagram {kind!r}; expected one of {sorted(DRAWERS)}")
        super().__init__(parent)
        self.kind = kind
        self.setMinimumSize(150, 96)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(220, 140)

    def draw(self, sketch: Sketch) -> None:
        DRAWERS[self.kind](sketch)
