"""Inspector: everything about the neuron clicked on the canvas.

Its name and activation, the incoming weights (one row per source neuron), the bias, the
weighted sum net and the output out, and a small plot of the activation function with the
neuron's current point (net, out) marked: where it sits on the curve shows at a glance
whether it saturates.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.activations import get_activation
from nnsim.core.formatting import truncate
from nnsim.ui.palette import (
    LIGHT,
    NEGATIVE,
    NEGATIVE_LIGHT,
    POSITIVE,
    POSITIVE_LIGHT,
    Theme,
    apply_font_scale,
)

HINT = "Click a neuron on the canvas to inspect it."
#: The curve is drawn over [-CURVE_HALF_WIDTH, CURVE_HALF_WIDTH], widened to include net.
CURVE_HALF_WIDTH = 6.0
CURVE_POINTS = 241
PRECISION = 3


def curve_range(net: float | None) -> tuple[float, float]:
    """[-6, 6], widened so that ``net`` sits inside with a margin."""
    low, high = -CURVE_HALF_WIDTH, CURVE_HALF_WIDTH
    if net is not None and np.isfinite(net):
        low, high = min(low, net - 1.0), max(high, net + 1.0)
    return low, high


def _is_input(activation: str | None) -> bool:
    return not activation or activation == "input"


def _text(value: float | None) -> str:
    return "–" if value is None else truncate(float(value), PRECISION)


class Inspector(QWidget):
    """One neuron's name, incoming weights, bias, net, out and its point on the activation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self._theme = LIGHT
        self._weight_colours = {False: NEGATIVE, True: POSITIVE}  # negative blue, positive orange

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["from", "weight"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMinimumHeight(60)
        # One wrapping line: the table and the plot need the height.
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setMinimumSize(180, 110)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "net")
        self.plot.setLabel("left", "out")
        self.curve = pg.PlotDataItem()
        self.guides = pg.PlotDataItem(connect="pairs")
        self.point = pg.ScatterPlotItem(size=10)
        self.plot.addItem(self.curve)
        self.plot.addItem(self.guides)
        self.plot.addItem(self.point)
        self.plot_note = pg.TextItem(anchor=(0.5, 0.5))
        self.plot.addItem(self.plot_note, ignoreBounds=True)

        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.title)
        details.addWidget(self.table, 1)
        details.addWidget(self.figures)
        details.addWidget(self.plot_widget, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.details, 1)
        self.setMinimumSize(200, 220)
        self.set_theme(LIGHT)
        self.clear()

    def show_neuron(self, name: str, activation: str, incoming: list[tuple[str, float]],
                    bias: float | None, net: float | None, out: float | None) -> None:
        """Show one neuron; ``bias``, ``net`` and ``out`` may be None (no bias / no input yet)."""
        self.hint.hide()
        self.details.show()
        kind = ("input: passes its value on" if _is_input(activation)
                else f"activation: {html.escape(activation)}")
        self.title.setText(f"<b>{html.escape(name)}</b> &nbsp; {kind}")
        self.table.setRowCount(len(incoming))
        for row, (source, weight) in enumerate(incoming):
            self.table.setItem(row, 0, QTableWidgetItem(str(source)))
            cell = QTableWidgetItem(_text(weight))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cell.setForeground(QColor(*self._weight_colours[weight >= 0]))
            cell.setToolTip(repr(float(weight)))
            self.table.setItem(row, 1, cell)
        self.table.setVisible(bool(incoming))
        self._fit_table()
        values = (("bias", "none" if bias is None else _text(bias)), ("net", _text(net)),
                  ("out", _text(out)))
        self.figures.setText(" &nbsp; ".join(f"<i>{key}</i>&nbsp;{value}"
                                             for key, value in values))
        self._draw_curve(activation, net, out)

    def _fit_table(self) -> None:
        """No taller than its rows, so a neuron with few inputs leaves the room to the plot."""
        self.table.resizeRowsToContents()
        heights = [self.table.rowHeight(r) for r in range(self.table.rowCount())]
        chrome = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth() + 2
        self.table.setMaximumHeight(chrome + sum(heights))
        self.table.setMinimumHeight(chrome + sum(heights[:3]))  # up to 3 rows without scrolling

    def clear(self) -> None:
        """Show only the hint: no neuron is selected."""
        self.details.hide()
        self.hint.show()
        self.table.setRowCount(0)
        self.curve.setData([], [])
        self.guides.setData([], [])
        self.point.setData([], [])

    def marked_point(self) -> tuple[float, float] | None:
        """The (net, out) point marked on the curve, or None."""
        points = self.point.points()
        if len(points) == 0:
            return None
        position = points[0].pos()
        return float(position.x()), float(position.y())

    def _draw_curve(self, activation: str, net: float | None, out: float | None) -> None:
        self.plot_note.setText("")
        try:
            function = None if _is_input(activation) else get_activation(activation)
        except ValueError:
            function = None
        if function is None or not function.elementwise:
            # Softmax depends on every output of the layer, so one neuron has no curve of net.
            self.curve.setData([], [])
            self.guides.setData([], [])
            if function is not None:
                note = "softmax: out depends on every net of the layer"
            else:
                note = "an input has no activation" if _is_input(activation) \
                    else "no activation curve"
            self.plot_note.setText(note)
            self.plot_note.setPos(0.0, 0.5)
            self._mark(net, out)
            self.plot.setXRange(-CURVE_HALF_WIDTH, CURVE_HALF_WIDTH, padding=0.05)
            self.plot.setYRange(0, 1, padding=0.1)
            return
        low, high = curve_range(net)
        x = np.linspace(low, high, CURVE_POINTS)
        # Insert 0 so the step function's jump is drawn as a vertical edge.
        x = np.union1d(x, [0.0])
        self.curve.setData(x, function.function(x))
        self._mark(net, out)
        self.plot.enableAutoRange()

    def _mark(self, net: float | None, out: float | None) -> None:
        if net is None or out is None or not (np.isfinite(net) and np.isfinite(out)):
            self.point.setData([], [])
            self.guides.setData([], [])
            return
        self.point.setData([float(net)], [float(out)])
        # Dotted guides from the axes to the point: read net below it and out beside it.
        low, _high = curve_range(net)
        self.guides.setData([net, net, low, net], [0.0, out, out, out])

    def set_theme(self, theme: Theme) -> None:
        """Colours of the plot and font sizes of ``theme``."""
        self._theme = theme
        dark = theme.is_dark  # the deep hues vanish on a dark background
        self._weight_colours = ({False: NEGATIVE_LIGHT, True: POSITIVE_LIGHT} if dark
                                else {False: NEGATIVE, True: POSITIVE})
        apply_font_scale(self, self._base_point_size, theme)
        self.plot_widget.setBackground(theme.background)
        # Larger tick labels need a taller plot before the axes eat all of it.
        self.plot_widget.setMinimumHeight(round(70 + 45 * theme.font_scale))
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(8 * theme.font_scale)
        style = {"color": "#{:02x}{:02x}{:02x}".format(*theme.foreground),
                 "font-size": f"{round(9 * theme.font_scale)}pt"}
        for side, text in (("left", "out"), ("bottom", "net")):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(theme.foreground))
            axis.setTextPen(pg.mkPen(theme.foreground))
            axis.setTickFont(tick_font)
            axis.setLabel(text, **style)
        self._fit_table()
        width = max(1.0, theme.stroke_scale)
        self.curve.setPen(pg.mkPen(theme.foreground, width=width))
        self.guides.setPen(pg.mkPen(theme.grid, width=1, style=Qt.PenStyle.DotLine))
        self.point.setPen(pg.mkPen(theme.foreground, width=1))
        self.point.setBrush(pg.mkBrush(*POSITIVE))
        self.point.setSize(10 * theme.stroke_scale)
        self.plot_note.setColor(theme.foreground)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    inspector = Inspector()
    inspector.show_neuron("h1 (hidden layer 1)", "sigmoid",
                          [("x1", 0.351), ("x2", 1.076)], 1.116, 2.192, 0.899)
    inspector.resize(300, 480)
    inspector.show()
    sys.exit(app.exec())
