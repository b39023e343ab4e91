"""CurvesPlot: training and validation loss and accuracy per epoch, as Keras's history plot.

Two plots share the epoch axis: loss (optionally on a log scale) and accuracy. Training curves
are solid, validation curves dashed, so they read apart without colour. Hovering shows the
epoch under the mouse with every value at it. The items are built once; ``show_history`` only
calls ``setData``, so long histories stay cheap to redraw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnsim.core.history import EPOCH_KEY
from nnsim.ui.figure_export import export_figure
from nnsim.ui.guard import guarded
from nnsim.ui.palette import (
    LIGHT,
    NEGATIVE,
    NEGATIVE_LIGHT,
    POSITIVE,
    POSITIVE_LIGHT,
    Theme,
    apply_font_scale,
)

#: (history key, legend name, plot, dashed) for each curve, in legend order.
CURVES = (
    ("loss", "training", "loss", False),
    ("val_loss", "validation", "loss", True),
    ("accuracy", "training", "accuracy", False),
    ("val_accuracy", "validation", "accuracy", True),
)
#: Side by side when the widget is this much wider than tall, else stacked.
WIDE_ASPECT = 1.8
HINT = "Move the mouse over the plots to read the values of an epoch."


class LossAxis(pg.AxisItem):
    """A y axis whose log mode labels only 1, 2 and 5 per decade (0.9, 0.8, ... overlap)."""

    def logTickStrings(self, values: list[float], scale: float,  # noqa: N802 (Qt's name)
                       spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        decades = max(values) - min(values) if values else 0.0
        keep = (1,) if decades > 2.5 else (1, 2, 5)
        mantissas = [round(10 ** (v - np.floor(v + 1e-9)), 6) for v in values]
        return [text if mantissa in keep else "" for text, mantissa in zip(strings, mantissas,
                                                                           strict=True)]


class CurvesPlot(QWidget):
    """Loss and accuracy per epoch (training solid, validation dashed), with a hover readout."""

    epoch_clicked = Signal(int)
    """A click on a plot at this epoch (the timeline shows it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = LIGHT
        self._base_point_size = self.font().pointSizeF()
        self._values: dict[str, np.ndarray] = {}
        self._epochs = 0
        self._x = np.zeros(0)
        self._epoch_range = 10
        self._side_by_side = False
        self._hover_epoch: int | None = None
        self._legend_colours = {False: _css(NEGATIVE), True: _css(POSITIVE)}

        self.log_check = QCheckBox("Log scale (loss)")
        self.log_check.setToolTip("Show the loss on a logarithmic axis, where late, small "
                                  "improvements stay visible.")
        self.log_check.toggled.connect(self.set_log_scale)
        self.readout = QLabel(HINT)
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(240, 120)
        self.loss_plot = pg.PlotItem(axisItems={"left": LossAxis("left")})
        self.accuracy_plot = pg.PlotItem()
        self.plots = {"loss": self.loss_plot, "accuracy": self.accuracy_plot}
        self.items: dict[str, pg.PlotDataItem] = {}
        self.cursors: dict[str, pg.InfiniteLine] = {}
        self.viewed_lines: dict[str, pg.InfiniteLine] = {}
        self.markers: dict[str, pg.PlotDataItem] = {}
        for key, plot in self.plots.items():
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", key)
            for side in ("left", "bottom"):  # "loss (x0.001)" confuses a lecture audience
                plot.getAxis(side).enableAutoSIPrefix(False)
            plot.setMenuEnabled(False)
            # Equal, unreachable preferred heights: the layout then shrinks both plots alike,
            # so stacked plots get equal data areas whatever their axis labels take.
            plot.setPreferredHeight(10_000)
            plot.setDownsampling(auto=True, mode="peak")
            cursor = pg.InfiniteLine(angle=90, movable=False)
            cursor.hide()
            plot.addItem(cursor, ignoreBounds=True)
            self.cursors[key] = cursor
            viewed = pg.InfiniteLine(angle=90, movable=False,
                                     pen=pg.mkPen((242, 193, 78), width=2))
            viewed.hide()
            plot.addItem(viewed, ignoreBounds=True)
            self.viewed_lines[key] = viewed
            marker = pg.PlotDataItem(pen=None, symbol="o", symbolSize=7)
            plot.addItem(marker, ignoreBounds=True)
            self.markers[key] = marker
        self.accuracy_plot.setXLink(self.loss_plot)
        # One legend row above both plots: the styles are shared, and a legend inside a small
        # plot (projector fonts) would cover the curves.
        self.legend = pg.LabelItem(justify="center")
        for key, name, plot_key, _dashed in CURVES:
            item = pg.PlotDataItem(name=name)
            self.plots[plot_key].addItem(item)
            self.items[key] = item
        self._place_plots(side_by_side=False)
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._mouse_clicked)

        top = QHBoxLayout()
        top.addWidget(self.log_check)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.setMinimumSize(260, 170)
        self.set_theme(LIGHT)
        self.clear()

    # -- data ------------------------------------------------------------------------------

    def show_history(self, history: dict[str, list[float]]) -> None:
        """Draw every curve the history has (epoch 1 first); missing keys draw nothing.

        A long run's history comes thinned (``core.history.history_view``): its "epoch" key
        gives each point's epoch number; without it the points are epochs 1, 2, ...
        """
        self._values = {}
        x = np.asarray(history.get(EPOCH_KEY, ()), dtype=float).ravel()
        for key, *_rest in CURVES:
            values = np.asarray(history.get(key, ()), dtype=float).ravel()
            item = self.items[key]
            if values.size:
                self._values[key] = values
                xs = x[:values.size] if x.size >= values.size else \
                    np.arange(1, values.size + 1, dtype=float)
                item.setData(xs, values)
            else:
                item.setData([], [])
        size = max((len(v) for v in self._values.values()), default=0)
        self._x = x[:size] if x.size >= size else np.arange(1, size + 1, dtype=float)
        self._epochs = int(self._x[-1]) if size else 0
        if self._epochs > self._epoch_range:  # training went past the planned epochs
            self.set_epoch_range(max(self._epochs, 2 * self._epoch_range))
        self._update_legend()
        if self._hover_epoch is not None:  # keep the readout true while training goes on
            self.show_epoch(self._hover_epoch)
        else:
            self.readout.setText(HINT if self._epochs else "No epochs trained yet.")

    def clear(self, epochs: int | None = None) -> None:
        """Remove every curve and the hover readout; the epoch axis runs 0..``epochs`` (the
        run's planned length), so one lesson's axes never carry over into the next."""
        self._hover_epoch = None
        self.set_epoch_range(epochs if epochs and epochs > 0 else 10)
        for plot in self.plots.values():
            plot.enableAutoRange(axis="y", enable=True)
        self.show_history({})
        self._hide_cursor()

    def set_epoch_range(self, epochs: int) -> None:
        """The x axis from 0 to ``epochs`` (not auto-ranged: one epoch would span -150..150)."""
        self._epoch_range = max(int(epochs), 1)
        for plot in self.plots.values():
            plot.enableAutoRange(axis="x", enable=False)
            plot.setXRange(0, self._epoch_range, padding=0.02)

    def set_log_scale(self, on: bool) -> None:
        """Loss on a logarithmic axis (values <= 0 are left out there)."""
        if self.log_check.isChecked() != on:
            self.log_check.setChecked(on)  # comes back here through toggled
            return
        self.loss_plot.setLogMode(y=on)
        self._hide_cursor()  # its markers were placed for the other scale

    def is_log_scale(self) -> bool:
        """True while the loss axis is logarithmic."""
        return bool(self.loss_plot.getAxis("left").logMode)

    # -- hover -----------------------------------------------------------------------------

    def show_epoch(self, epoch: int | None) -> None:
        """Mark ``epoch`` (1-based) in both plots and list its values; None hides the mark."""
        if epoch is None or self._epochs == 0:
            self._hide_cursor()
            return
        epoch = int(min(max(epoch, 1), self._epochs))
        # The point kept nearest the epoch (a thinned long run keeps some epochs only).
        index = int(np.clip(np.searchsorted(self._x, epoch), 0, len(self._x) - 1))
        if index > 0 and abs(self._x[index - 1] - epoch) < abs(self._x[index] - epoch):
            index -= 1
        epoch = int(self._x[index])
        self._hover_epoch = epoch
        parts = [f"<b>epoch&nbsp;{epoch}</b>"]
        for plot_key in self.plots:
            ys = []
            for key, _name, key_plot, _dashed in CURVES:
                values = self._values.get(key)
                if key_plot != plot_key or values is None or index >= values.size:
                    continue
                value = float(values[index])
                ys.append(value)
                parts.append(f"{key}&nbsp;{value:.4g}")
            self.cursors[plot_key].setValue(epoch)
            self.cursors[plot_key].show()
            # A log axis cannot place 0 (a perfect loss) or NaN: mark only what it can draw.
            log = plot_key == "loss" and self.is_log_scale()
            ys = [y for y in ys if np.isfinite(y) and (y > 0 or not log)]
            self.markers[plot_key].setData([float(epoch)] * len(ys), ys)
        self.readout.setText("&nbsp;&nbsp; ".join(parts))

    def _mouse_moved(self, position: QPointF) -> None:
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(position):
                x = plot.vb.mapSceneToView(position).x()
                self.show_epoch(int(round(x)))
                return
        self._hide_cursor()

    def epoch_at(self, position: QPointF) -> int | None:
        """The epoch under a scene position on either plot, or None off the plots."""
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(position):
                return max(int(round(plot.vb.mapSceneToView(position).x())), 0)
        return None

    @guarded()
    def _mouse_clicked(self, event: object) -> None:
        epoch = self.epoch_at(event.scenePos())  # type: ignore[attr-defined]
        if epoch is not None and event.button() == Qt.MouseButton.LeftButton:  # type: ignore
            self.epoch_clicked.emit(epoch)

    def show_viewed(self, epoch: int | None) -> None:
        """Mark the epoch the timeline shows (None: the latest, no mark)."""
        for line in self.viewed_lines.values():
            if epoch is None:
                line.hide()
            else:
                line.setValue(epoch)
                line.show()

    def _hide_cursor(self) -> None:
        self._hover_epoch = None
        for key in self.plots:
            self.cursors[key].hide()
            self.markers[key].setData([], [])
        self.readout.setText(HINT if self._epochs else "No epochs trained yet.")

    # -- look ------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        """Colours, pen widths and font sizes of ``theme``."""
        self._theme = theme
        apply_font_scale(self, self._base_point_size, theme)
        dark = theme.is_dark
        colours = {False: NEGATIVE_LIGHT if dark else NEGATIVE,
                   True: POSITIVE_LIGHT if dark else POSITIVE}
        width = max(1.0, theme.stroke_scale)
        self.graphics.setBackground(theme.background)
        size = f"{round(9 * theme.font_scale)}pt"
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(8 * theme.font_scale)
        for key, plot in self.plots.items():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(theme.foreground))
                axis.setTextPen(pg.mkPen(theme.foreground))
                axis.setTickFont(tick_font)
                axis.setLabel("epoch" if side == "bottom" else key,
                              **{"color": _css(theme.foreground), "font-size": size})
            self.loss_plot.getAxis("bottom").showLabel(self._side_by_side)
            self.cursors[key].setPen(pg.mkPen(theme.grid, width=1))
            self.markers[key].setSymbolPen(pg.mkPen(theme.foreground))
            self.markers[key].setSymbolBrush(pg.mkBrush(theme.background))
            self.markers[key].setSymbolSize(7 * theme.stroke_scale)
        for key, _name, _plot, dashed in CURVES:
            style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            self.items[key].setPen(pg.mkPen(colours[dashed], width=width, style=style))
        self._legend_colours = {dashed: _css(colour) for dashed, colour in colours.items()}
        self._update_legend()

    def _update_legend(self) -> None:
        """The legend row: a solid "training" and a dashed "validation" sample, each shown
        only when the history has that curve (in either plot)."""
        entries = []
        for dashed, name, keys in ((False, "training", ("loss", "accuracy")),
                                   (True, "validation", ("val_loss", "val_accuracy"))):
            if any(key in self._values for key in keys):
                line = "╍╍╍" if dashed else "━━━"
                entries.append(f"<span style='color: {self._legend_colours[dashed]}'>{line}"
                               f"</span>&nbsp;{name}")
        size = f"{round(9 * self._theme.font_scale)}pt"
        self.legend.setText(" &nbsp; &nbsp; ".join(entries) or "&nbsp;",
                            color=_css(self._theme.foreground), size=size)

    @guarded()
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        size = event.size()
        self._place_plots(size.width() > WIDE_ASPECT * max(size.height(), 1))

    def _place_plots(self, side_by_side: bool) -> None:
        """Stack the plots in a tall dock, put them side by side in a wide one."""
        layout = self.graphics.ci
        if side_by_side == self._side_by_side and layout.items:
            return
        self._side_by_side = side_by_side
        for item in (self.legend, *self.plots.values()):
            if item in layout.items:
                layout.removeItem(item)
        layout.addItem(self.legend, row=0, col=0, colspan=2 if side_by_side else 1)
        layout.addItem(self.loss_plot, row=1, col=0)
        layout.addItem(self.accuracy_plot, row=1 if side_by_side else 2,
                       col=1 if side_by_side else 0)

        # Stacked plots share the epoch axis: one "epoch" label, under the lower plot, is enough.
        self.loss_plot.getAxis("bottom").showLabel(side_by_side)

    # -- export ----------------------------------------------------------------------------

    def export_png(self, path: str | Path, width: int | None = None) -> None:
        """Save both plots as a PNG ``width`` pixels wide (default twice the on-screen size,
        sharp on slides; same look at any width). Raises FigureExportError (an OSError)."""
        self._export_source()
        export_figure(self.graphics.ci, path, width, background=self._theme.background,
                      title="nnsim training curves")

    def export_svg(self, path: str | Path) -> None:
        """Save both plots as an SVG drawing (scalable, for slides and papers)."""
        self._export_source()
        export_figure(self.graphics.ci, path, background=self._theme.background,
                      title="nnsim training curves")

    def _export_source(self) -> QRectF:
        """The scene rectangle holding both plots (laid out, even if never shown)."""
        if not self.isVisible() and self.graphics.width() < 100:
            self.resize(max(self.width(), 640), max(self.height(), 480))
        self.graphics.scene().prepareForPaint()  # let the views apply their auto-range first
        return self.graphics.ci.sceneBoundingRect()


def _css(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _made_up_history(epochs: int = 60) -> dict[str, list[float]]:
    """A history shaped like a real one: loss falls, validation turns up late (overfitting)."""
    t = np.arange(epochs)
    rng = np.random.default_rng(0)
    loss = 2.0 * np.exp(-t / 12) + 0.05 + 0.01 * rng.standard_normal(epochs)
    val_loss = loss + 0.002 * np.maximum(t - 25, 0) ** 1.5
    accuracy = 1 - 0.9 * np.exp(-t / 10)
    return {"loss": loss.tolist(), "val_loss": val_loss.tolist(),
            "accuracy": accuracy.tolist(),
            "val_accuracy": (accuracy - 0.002 * np.maximum(t - 25, 0)).tolist()}


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    plot = CurvesPlot()
    plot.show_history(_made_up_history())
    plot.resize(520, 480)
    plot.show()
    sys.exit(app.exec())
