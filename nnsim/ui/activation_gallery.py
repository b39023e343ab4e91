"""ActivationGallery: each activation of the lecture beside its derivative, where it saturates.

One small plot per function of ``LECTURE_ACTIVATIONS``: f(z) solid, f'(z) dashed, and shaded
where |f'(z)| is so small that backpropagation passes almost nothing through (saturation).
A marker shows the selected neuron's net on its function, or the z slider's value on every
function when no neuron is selected. The curves come from the engine's own functions.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QVBoxLayout, QWidget

from nnsim.core.activations import DEFAULT_ALPHA, LECTURE_ACTIVATIONS, get_activation
from nnsim.core.formatting import number
from nnsim.ui.palette import (
    LIGHT,
    NEGATIVE,
    NEGATIVE_LIGHT,
    POSITIVE,
    POSITIVE_LIGHT,
    Theme,
    apply_font_scale,
)

Z = np.linspace(-6.0, 6.0, 601)
#: |f'(z)| below this counts as saturated: the gradient through the neuron nearly vanishes.
SATURATION = 0.05
TITLES = {"step": "step: 1 if z > 0, else 0", "sigmoid": "sigmoid: 1/(1 + e^-z)",
          "tanh": "tanh(z)", "relu": "ReLU: max(0, z)", "leaky_relu": "leaky ReLU: max(\u03b1z, z)",
          "elu": "ELU: \u03b1(e^z - 1) if z < 0"}
TICKS = [[(v, f"{v:g}") for v in (-4, 0, 4)], [(v, "") for v in range(-6, 7)]]
#: alpha slider (minimum, maximum) in hundredths, for the functions that have an alpha.
ALPHA_RANGE = {"leaky_relu": (0, 50), "elu": (10, 300)}
HINT = "Move z to read every function and its slope there; select a neuron to mark its net."
LEGEND = ("solid: f(z); dashed: f'(z); shaded: saturated (|f'| < 0.05, little gradient "
          "flows back)")


def saturated_intervals(z: np.ndarray, df: np.ndarray) -> list[tuple[float, float]]:
    """The runs of z where |f'(z)| < SATURATION, as (start, end) pairs."""
    mask = np.abs(df) < SATURATION
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    return [(float(z[start]), float(z[stop - 1])) for start, stop in edges.reshape(-1, 2)]


class ActivationGallery(QWidget):
    """Each lecture activation and its derivative, with alpha and z sliders and a net marker."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = LIGHT
        self._base_point_size = self.font().pointSizeF()
        self._alpha = dict(DEFAULT_ALPHA)
        self._selected: tuple[str, float] | None = None
        self._note = HINT

        self.caption = QLabel(LEGEND)
        self.caption.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(300, 220)
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.markers: dict[str, pg.PlotDataItem] = {}
        self.cursors: dict[str, pg.InfiniteLine] = {}
        self.regions: dict[str, list[pg.LinearRegionItem]] = {}
        for index, name in enumerate(LECTURE_ACTIVATIONS):
            plot = self.graphics.addPlot(row=index // 3, col=index % 3)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setXRange(Z[0], Z[-1], padding=0.02)
            plot.getAxis("bottom").setTicks(TICKS)
            self.regions[name] = []
            for _ in range(2):  # at most a left and a right saturated run
                region = pg.LinearRegionItem(movable=False)
                region.setZValue(-10)
                plot.addItem(region, ignoreBounds=True)
                self.regions[name].append(region)
            self.curves[name] = (plot.plot(), plot.plot())
            cursor = pg.InfiniteLine(angle=90, movable=False)
            plot.addItem(cursor, ignoreBounds=True)
            marker = pg.PlotDataItem(pen=None, symbol="o", symbolSize=8)
            plot.addItem(marker, ignoreBounds=True)
            self.plots[name], self.markers[name], self.cursors[name] = plot, marker, cursor

        self.z_slider = self._slider(-600, 600, 0)
        self.z_slider.valueChanged.connect(self._refresh_markers)
        self.alpha_sliders = {}
        for name, (low, high) in ALPHA_RANGE.items():
            slider = self._slider(low, high, round(100 * DEFAULT_ALPHA[name]))
            slider.valueChanged.connect(lambda value, n=name: self.set_alpha(n, value / 100))
            self.alpha_sliders[name] = slider
        self.labels = {key: QLabel() for key in ("z", "leaky_relu", "elu")}
        self.info = QLabel()
        self.info.setWordWrap(True)
        controls = QGridLayout()
        for row, (key, slider) in enumerate((("z", self.z_slider),
                                             ("leaky_relu", self.alpha_sliders["leaky_relu"]),
                                             ("elu", self.alpha_sliders["elu"]))):
            controls.addWidget(self.labels[key], row, 0)
            controls.addWidget(slider, row, 1)
        controls.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.graphics, 1)
        layout.addLayout(controls)
        layout.addWidget(self.info)
        for name in LECTURE_ACTIVATIONS:
            self._update_curves(name)
        self.set_theme(LIGHT)

    @staticmethod
    def _slider(low: int, high: int, value: int) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(low, high)
        slider.setValue(value)
        return slider

    # -- data ------------------------------------------------------------------------------

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(z, f(z), f'(z)) from the engine's function; the step's f' is 0 (undefined at 0)."""
        activation = get_activation(name, self._alpha.get(name))
        f = activation.function(Z)
        df = np.zeros_like(Z) if activation.derivative is None else activation.derivative(Z, f)
        return Z, f, df

    def alpha(self, name: str) -> float:
        return self._alpha[name]

    def set_alpha(self, name: str, alpha: float) -> None:
        """alpha of leaky_relu or elu; the curves, shading and marker follow."""
        self._alpha[name] = float(alpha)
        slider = self.alpha_sliders[name]
        if slider.value() != round(100 * alpha):
            slider.blockSignals(True)
            slider.setValue(round(100 * alpha))
            slider.blockSignals(False)
        self._update_curves(name)
        self._refresh_markers()

    def set_z(self, z: float) -> None:
        """Move the free marker (shown when no neuron is selected) to z."""
        self.z_slider.setValue(round(100 * float(np.clip(z, Z[0], Z[-1]))))

    def z(self) -> float:
        return self.z_slider.value() / 100

    def show_point(self, activation: str | None, net: float | None,
                   alpha: float | None = None) -> None:
        """Mark a selected neuron's net on its activation's plot; None returns to the slider."""
        if alpha is not None and activation in self.alpha_sliders:
            self.set_alpha(activation, alpha)
        if activation in self.plots and net is not None and np.isfinite(net):
            self._selected = (activation, float(net))
        else:
            self._selected = None
        self.z_slider.setEnabled(self._selected is None)
        self._note = HINT
        if activation is not None and self._selected is None:
            reason = {"softmax": "its outputs depend on every net of the layer together",
                      "linear": "it is the identity, out = net, with slope 1"}
            self._note = (f"{activation} is not in the gallery"
                          f"{': ' + reason[activation] if activation in reason else ''}.")
        self._refresh_markers()

    def saturated(self, name: str) -> list[tuple[float, float]]:
        """The shaded intervals of ``name``'s plot."""
        return [tuple(region.getRegion()) for region in self.regions[name] if region.isVisible()]

    def marker_points(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(x, y) of the marker on ``name``'s plot, or None when it is hidden."""
        marker = self.markers[name]
        return marker.getData() if marker.isVisible() else None

    def _update_curves(self, name: str) -> None:
        z, f, df = self.curve_data(name)
        function, derivative = self.curves[name]
        function.setData(z, f)
        derivative.setData(z, df)
        runs = saturated_intervals(z, df)
        for index, region in enumerate(self.regions[name]):
            region.setVisible(index < len(runs))
            if index < len(runs):
                region.setRegion(runs[index])
        if name in self.labels:
            self.labels[name].setText(f"{TITLES[name].split(':')[0]} \u03b1 = "
                                      f"{self._alpha[name]:.2f}")

    def _refresh_markers(self) -> None:
        z_free = self.z()
        self.labels["z"].setText(f"z = {z_free:+.2f}")
        for name in LECTURE_ACTIVATIONS:
            selected = self._selected is not None and self._selected[0] == name
            visible = self._selected is None or selected
            z = self._selected[1] if selected else z_free
            activation = get_activation(name, self._alpha.get(name))
            f = float(activation.function(np.array(z)))
            df = (0.0 if activation.derivative is None
                  else float(activation.derivative(np.array(z), np.array(f))))
            self.markers[name].setData([z, z], [f, df])
            for item in (self.markers[name], self.cursors[name]):
                item.setVisible(visible)
            self.cursors[name].setValue(z)
            colour = POSITIVE if selected else self._theme.grid
            self.plots[name].getViewBox().setBorder(pg.mkPen(colour, width=2 if selected else 1))
            if selected:
                off = "" if Z[0] <= z <= Z[-1] else " (off the plot)"
                self.info.setText(f"selected neuron: {name} at net = {number(z)}{off}: "
                                  f"out = {number(f)}, f'(net) = {number(df)}")
        if self._selected is None:
            self.info.setText(self._note)

    def set_theme(self, theme: Theme) -> None:
        """Colours, pen widths and font sizes of ``theme``."""
        self._theme = theme
        apply_font_scale(self, self._base_point_size, theme)
        dark = theme.is_dark
        width = max(1.0, theme.stroke_scale)
        function_pen = pg.mkPen(NEGATIVE_LIGHT if dark else NEGATIVE, width=width)
        derivative_pen = pg.mkPen(POSITIVE_LIGHT if dark else POSITIVE, width=width,
                                  style=Qt.PenStyle.DashLine)
        shade = QColor(*theme.grid)
        shade.setAlpha(90)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(7 * theme.font_scale)
        self.graphics.setBackground(theme.background)
        for name, plot in self.plots.items():
            function, derivative = self.curves[name]
            function.setPen(function_pen)
            derivative.setPen(derivative_pen)
            for region in self.regions[name]:
                region.setBrush(shade)
                for line in region.lines:
                    line.setPen(pg.mkPen(None))
            self.cursors[name].setPen(pg.mkPen(theme.foreground, width=1,
                                               style=Qt.PenStyle.DotLine))
            self.markers[name].setSymbolBrush(theme.foreground)
            self.markers[name].setSymbolPen(theme.background)
            self.markers[name].setSymbolSize(8 * theme.stroke_scale)
            plot.setTitle(html.escape(TITLES[name]), color=theme.foreground,
                          size=f"{8.5 * theme.font_scale:.1f}pt")
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(theme.foreground))
                axis.setTextPen(pg.mkPen(theme.foreground))
                axis.setTickFont(tick_font)
        self._refresh_markers()


def main() -> None:
    """The gallery alone; the z slider moves a marker on every function."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    gallery = ActivationGallery()
    gallery.set_z(1.0)
    gallery.resize(900, 600)
    gallery.show()
    app.exec()


if __name__ == "__main__":
    main()
