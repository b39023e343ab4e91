"""A recurrent network unrolled over one sample: a column per time step.

Top to bottom: the input at each step, the hidden state after each step (one colour per unit,
the recurrent weights U as the arrows from one column to the next), the output against the
target, and the size of the gradient backpropagation through time brings back to each step.
The numbers come from ``core.tracing.unroll`` through a callable the app gives the view, so
the view draws and never computes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from nnsim.core.snapshot import Snapshot
from nnsim.core.tracing import Unrolled
from nnsim.ui import palette

Array = np.ndarray


class UnrolledView(QWidget):
    """Inputs, hidden states and BPTT's gradient size per time step of one sample."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unrolled-rnn")
        self.theme = palette.LIGHT
        self.model: Callable[[Snapshot], Unrolled | None] | None = None
        self.shown: Unrolled | None = None
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.graphics, 1)
        # Walking backpropagation through time: 0 is off, k is the k-th step back from the
        # last (the order BPTT visits them in).
        self.walk = QSlider(Qt.Orientation.Horizontal)
        self.walk.setObjectName("bptt-walk")
        self.walk.setToolTip("Walk backpropagation through time, one step back at a time "
                             "(arrow keys)")
        self.walk.valueChanged.connect(self._show_walk)
        self.walk_text = QLabel()
        self.walk_text.setWordWrap(True)
        walk_row = QHBoxLayout()
        walk_row.addWidget(QLabel("Backward through time:"))
        walk_row.addWidget(self.walk, 1)
        layout.addLayout(walk_row)
        layout.addWidget(self.walk_text)
        self.inputs_plot = self.graphics.addPlot(row=0, col=0)
        self.inputs_plot.hideAxis("left")  # one row: the bits, no scale to read
        self.inputs = pg.ImageItem(axisOrder="row-major")
        self.inputs_plot.addItem(self.inputs)
        self.states_plot = self.graphics.addPlot(row=1, col=0)
        self.states = pg.ImageItem(axisOrder="row-major")
        self.states_plot.addItem(self.states)
        self.arrows: list[pg.ArrowItem] = []
        self.focus = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)  # the step BPTT is at
        self.focus.setVisible(False)
        self.states_plot.addItem(self.focus)
        self.sizes_plot = self.graphics.addPlot(row=2, col=0)
        self.titles = {self.inputs_plot: "input x_t (orange 1, grey 0)",
                       self.states_plot: "hidden state h_t, one row per unit (U carries it →)",
                       self.sizes_plot: "gradient size |dE/dnet_t| brought back to each step"}
        self.sizes = pg.BarGraphItem(x=[0], height=[0], width=0.6)
        self.sizes_plot.addItem(self.sizes)
        for plot in (self.inputs_plot, self.states_plot, self.sizes_plot):
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
        self.graphics.ci.layout.setRowStretchFactor(1, 3)
        self.graphics.ci.layout.setRowStretchFactor(2, 2)
        self.set_theme(self.theme)

    def set_model(self, model: Callable[[Snapshot], Unrolled | None] | None,
                  steps: int) -> None:
        """How a snapshot is unrolled (``core.tracing.unroll`` with the open lesson's data),
        and the number of steps, for the arrows between the columns."""
        self.model, self.shown = model, None
        for arrow in self.arrows:
            self.states_plot.removeItem(arrow)
        self.arrows = []
        for t in range(1, steps):
            arrow = pg.ArrowItem(angle=180, headLen=10, tailLen=12, tailWidth=2,
                                 pen=pg.mkPen(self.theme.foreground),
                                 brush=pg.mkBrush(self.theme.foreground))
            arrow.setPos(t - 0.5, -0.5)  # between column t - 1 and t, under the states
            self.states_plot.addItem(arrow)
            self.arrows.append(arrow)
        self.walk.setRange(0, steps)
        self.walk.setValue(0)
        ticks = [[(t, str(t + 1)) for t in range(steps)]]
        for plot in (self.inputs_plot, self.states_plot, self.sizes_plot):
            plot.getAxis("bottom").setTicks(ticks)
            plot.setXRange(-0.5, steps - 0.5, padding=0)

    def show_snapshot(self, snapshot: Snapshot) -> bool:
        """Unroll the snapshot's probe sample and draw it; False if there is no model."""
        if self.model is None:
            return False
        unrolled = self.model(snapshot)
        if unrolled is None:
            return False
        self.shown = unrolled
        steps = len(unrolled.states)
        lut = palette.lookup_table(self.theme)
        self.inputs.setImage(unrolled.inputs.T, levels=(-1, 1), lut=lut)
        self.inputs.setRect(-0.5, -0.5, steps, unrolled.inputs.shape[1])
        self.states.setImage(unrolled.states.T, levels=(-1, 1), lut=lut)
        self.states.setRect(-0.5, 0, steps, unrolled.states.shape[1])
        self.states_plot.setYRange(-1, unrolled.states.shape[1], padding=0)
        self.sizes.setOpts(x=np.arange(steps), height=unrolled.gradient_sizes)
        output = ", ".join(f"{v:.3f}" for v in np.ravel(unrolled.output))
        target = ", ".join(f"{v:g}" for v in np.ravel(unrolled.target))
        self.caption.setText(f"Output after the last step: {output}   target: {target}")
        self._show_walk(self.walk.value())
        return True

    def walked_step(self) -> int | None:
        """The time step (0-based) the backward walk shows, or None."""
        if self.shown is None or self.walk.value() == 0:
            return None
        return len(self.shown.states) - self.walk.value()

    def _show_walk(self, _value: int = 0) -> None:
        """The chain rule at one step: what arrives from the step after, through f', to
        this step's delta and on to the step before."""
        t = self.walked_step()
        if t is None:
            self.focus.setVisible(False)
            self.walk_text.setText("Move the slider (or press the arrow keys on it) to walk "
                                   "backpropagation through time from the last step back.")
            return
        shown = self.shown
        units = shown.states.shape[1]
        self.focus.setRect(t - 0.5, 0, 1, units)
        self.focus.setPen(pg.mkPen(self.theme.foreground, width=3))
        self.focus.setVisible(True)
        size = shown.gradient_sizes[t]
        last = t == len(shown.states) - 1
        source = "the output layer's error" if last else f"step {t + 2}'s delta through U"
        ratio = "" if last else (f" ({size / shown.gradient_sizes[t + 1]:.2f} times step "
                                 f"{t + 2}'s)" if shown.gradient_sizes[t + 1] else "")
        self.walk_text.setText(
            f"Step {t + 1}: dE/dh_{t + 1} comes from {source}; delta_{t + 1} = dE/dh_{t + 1} "
            f"* f'(net_{t + 1}), its size |delta_{t + 1}| = {size:.4g}{ratio}. It adds "
            f"x_{t + 1}^T delta to dE/dW and h_{t}^T delta to dE/dU, and passes delta U^T "
            f"back to step {t}." if t else
            f"Step 1: |delta_1| = {size:.4g}{ratio}; h_0 is the zero start state, so nothing "
            "goes further back.")

    def set_theme(self, theme: palette.Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(pg.mkColor(theme.background))
        self.sizes.setOpts(brush=pg.mkBrush(palette.POSITIVE))
        for plot, title in self.titles.items():
            plot.setTitle(title, color=pg.mkColor(theme.foreground),
                          size=f"{10 * theme.font_scale:.0f}pt")
            for name in ("left", "bottom"):
                plot.getAxis(name).setTextPen(pg.mkColor(theme.foreground))
