"""The lecture's first slide, drawn: a biological neuron beside the artificial one it inspired
(dendrites -> inputs, synapses -> weights, cell body -> weighted sum and activation, axon ->
output), each pair in one colour. Painted like the type diagrams (``type_diagrams.Sketch``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainterPath, QPolygonF
from PySide6.QtWidgets import QWidget

from nnsim.ui.type_diagrams import (
    AXON,
    DENDRITE,
    SOMA,
    SYNAPSE,
    CanvasWidget,
    Sketch,
    column,
    lighter,
    polar,
)

#: The logical canvas of the picture; the painter scales it to the widget.
NEURON_CANVAS = (600.0, 230.0)


class NeuronDiagram(CanvasWidget):
    """The lecture's first slide: a biological neuron beside the artificial neuron it inspired.

    Each biological part and its artificial counterpart share one colour.
    """

    canvas = NEURON_CANVAS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(300, 115)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 230)

    def draw(self, sketch: Sketch) -> None:
        self._biological(sketch)
        hollow = QPolygonF([QPointF(x, y) for x, y in ((292, 105), (308, 105), (308, 96),
                                                       (324, 115), (308, 134), (308, 125),
                                                       (292, 125))])
        sketch.p.setPen(sketch.pen(sketch.theme.grid, 1.5))
        sketch.p.setBrush(Qt.BrushStyle.NoBrush)
        sketch.p.drawPolygon(hollow)
        self._artificial(sketch)

    @staticmethod
    def _biological(s: Sketch) -> None:
        soma = QPointF(130, 115)
        for angle in (-150, 160, 200, 135, 230):
            a = math.radians(angle)
            start = QPointF(soma.x() + 26 * math.cos(a), soma.y() + 22 * math.sin(a))
            end = QPointF(soma.x() + 78 * math.cos(a), soma.y() + 70 * math.sin(a))
            bend = QPointF((start.x() + end.x()) / 2 + 6 * math.sin(a),
                           (start.y() + end.y()) / 2 - 6 * math.cos(a))
            path = QPainterPath(start)
            path.quadTo(bend, end)
            s.p.setPen(s.pen(DENDRITE, 3.0))
            s.p.setBrush(Qt.BrushStyle.NoBrush)
            s.p.drawPath(path)
            for spread in (-0.45, 0.45):
                tip = polar(end, 24, a + spread)
                s.line(end, tip, DENDRITE, 1.8)
                knob = polar(tip, 5, a + spread)
                s.node(knob, 3.5, SYNAPSE, outline=SYNAPSE)
        axon = QPainterPath(QPointF(soma.x() + 30, soma.y()))
        axon.cubicTo(QPointF(190, 100), QPointF(220, 130), QPointF(262, 115))
        s.p.setPen(s.pen(AXON, 3.0))
        s.p.setBrush(Qt.BrushStyle.NoBrush)
        s.p.drawPath(axon)
        for t in (0.3, 0.55, 0.8):
            centre = axon.pointAtPercent(t)
            s.p.setPen(s.pen(AXON, 1.0))
            s.p.setBrush(QColor(*lighter(AXON, 0.6)))
            s.p.drawRoundedRect(QRectF(centre.x() - 10, centre.y() - 5, 20, 10), 5, 5)
        for dy in (-20, 0, 20):
            tip = QPointF(282, 115 + dy)
            s.line(QPointF(262, 115), tip, AXON, 1.8)
            s.node(tip, 3.5, AXON, outline=AXON)
        s.p.setPen(s.pen(SOMA, 2.0))
        s.p.setBrush(QColor(*lighter(SOMA, 0.55)))
        s.p.drawEllipse(soma, 30, 26)
        s.node(soma, 9, lighter(SOMA, 0.1), outline=SOMA)
        s.text(QPointF(60, 14), "dendrites", 12, DENDRITE, bold=True)
        s.text(QPointF(62, 222), "synapses", 12, SYNAPSE, bold=True, width=80)
        s.text(QPointF(150, 160), "cell body (soma)", 12, SOMA, bold=True)
        s.text(QPointF(224, 88), "axon", 12, AXON, bold=True, width=60)

    @staticmethod
    def _artificial(s: Sketch) -> None:
        total = QPointF(460, 115)
        activation = QRectF(505, 100, 30, 30)
        for i, point in enumerate(column(360, 3, 50, 180)):
            s.arrow(point, total, 14, 23, s.edge)
            label = QPointF(point.x() + 0.45 * (total.x() - point.x()),
                            point.y() + 0.45 * (total.y() - point.y()) - 10)
            s.text(label, f"w{i + 1}", 12, SYNAPSE, bold=True, width=40)
            s.node(point, 14, lighter(DENDRITE, 0.55), f"x{i + 1}", outline=DENDRITE)
        s.node(total, 22, lighter(SOMA, 0.55), "\u03a3", outline=SOMA)
        s.arrow(total, QPointF(activation.left(), total.y()), 22, 0)
        s.box(activation, lighter(SOMA, 0.55), "f", 14)
        s.arrow(QPointF(activation.right(), total.y()), QPointF(578, 115), colour=AXON, width=2.0)
        s.text(QPointF(589, 115), "y", 14, AXON, bold=True, width=20)
        s.text(QPointF(360, 14), "inputs", 12, DENDRITE, bold=True)
        s.text(QPointF(405, 200), "weights", 12, SYNAPSE, bold=True)
        s.text(QPointF(490, 160), "sum + activation", 12, SOMA, bold=True, width=140)
        s.text(QPointF(558, 92), "output", 12, AXON, bold=True, width=60)
