"""DigitPad: draw a digit with the mouse or a pen and watch the network read it, stage by stage.

The ink lives in a NumPy array (``preprocess.draw_segment`` inks each mouse move), so what the
model sees is exactly what ``to_mnist_28x28`` or ``to_digits_8x8`` make of it. Previews show the
ink's crop, the box fitted into 20x20 (or framed into 32x32) and the network's input; ten bars
show its outputs and the top guess is written large. Each mouse move is answered at once (about
3 ms: preprocessing, prediction, bars), so the ink and the bars are painted together; a model
too slow for that is asked once per burst of moves instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnsim.core import preprocess
from nnsim.ui.ink_canvas import InkCanvas, grey_image
from nnsim.ui.palette import LIGHT, NEGATIVE_LIGHT, POSITIVE, Theme

KINDS = {"mnist": ("crop", "fitted 20×20", "input 28×28"),
         "digits": ("crop", "framed 32×32", "input 8×8 (0..16)")}
#: Default brush widths in pad pixels: on a digit about 140 pixels tall they give strokes as
#: thick, relative to the digit, as in each training set (scikit-learn's digits are bolder).
BRUSH = {"mnist": 18, "digits": 26}
PROMPT = "Draw a digit"
#: An answer costing up to this is given within the mouse event; slower ones wait for the
#: event loop, so a burst of moves costs one prediction and drawing never lags.
SYNCHRONOUS_MS = 8.0
Predict = Callable[[np.ndarray], np.ndarray]


class DigitPad(QWidget):
    """Draw a digit; see its preprocessing stages, the network's ten outputs and its top guess."""

    input_ready = Signal(object)
    """The drawing's preprocessed input row, scaled to [0, 1], for the canvas to show."""
    cleared = Signal()
    """The pad was cleared: there is no digit to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._predict: Predict | None = None
        self._kind = "mnist"
        self._theme = LIGHT
        self._base_point_size = self.font().pointSizeF()
        self._changed_at = 0.0
        self.latency_ms = 0.0
        """Wall time from the last ink change to the bars showing it."""
        self.cost_ms = 0.0
        """Processor time of the last answer (preprocessing, prediction, bars, previews)."""
        self.outputs: np.ndarray | None = None
        self._axis_title = "probability"
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._update_outputs)

        self.canvas = InkCanvas()
        self.canvas.ink_changed.connect(self._schedule)
        self.canvas.clear_requested.connect(self.clear)
        self.canvas.undo_requested.connect(self.undo)
        self.brush = QSlider(Qt.Orientation.Horizontal, minimum=4, maximum=40, value=BRUSH["mnist"])
        self.brush.setToolTip("Brush width in pad pixels (the pad is 192 wide).")
        self.brush.valueChanged.connect(self._set_brush)
        undo, clear = QPushButton("Undo"), QPushButton("Clear")
        undo.setToolTip("Remove the last stroke (Ctrl+Z)")
        clear.setToolTip("Clear the pad (Esc or right click)")
        undo.clicked.connect(self.undo)
        clear.clicked.connect(self.clear)

        self.previews = [QLabel() for _ in range(3)]
        self.captions = [QLabel() for _ in range(3)]
        self.guess = QLabel(PROMPT, alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(wordWrap=True)
        # One line, elided by the dock's width: a wrapped note made the panel taller than a
        # 1280x800 screen leaves for it.
        self.model_note = QLabel()
        self.model_note.setVisible(False)
        self.model_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.plot = pg.PlotWidget()
        self.plot.setMouseEnabled(False, False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setXRange(-0.6, 9.6, padding=0)
        self.plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        self.plot.setMinimumHeight(80)
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7)
        self.plot.addItem(self.bars)

        # The stages stand in a column beside the pad, so the panel fits under the curves'
        # dock at 1280 x 800.
        previews = QGridLayout()
        for row, (image, caption) in enumerate(zip(self.previews, self.captions, strict=True)):
            image.setFixedSize(52, 52)
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            previews.addWidget(image, 2 * row, 0, Qt.AlignmentFlag.AlignCenter)
            previews.addWidget(caption, 2 * row + 1, 0)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Brush"))
        tools.addWidget(self.brush, 1)
        tools.addWidget(undo)
        tools.addWidget(clear)
        answer = QHBoxLayout()
        answer.addWidget(self.plot, 3)
        answer.addWidget(self.guess, 1)
        drawing = QHBoxLayout()
        drawing.addWidget(self.canvas, 1)
        drawing.addLayout(previews)
        layout = QVBoxLayout(self)
        layout.addLayout(drawing, 3)
        layout.addLayout(tools)
        layout.addLayout(answer, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.model_note)
        self._set_brush(self.brush.value())
        self.set_theme(LIGHT)
        self.set_model(None, "mnist")

    # -- public API --------------------------------------------------------------------------

    def set_model(self, predict: Predict | None, kind: str, note: str = "") -> None:
        """Use ``predict`` (rows in [0, 1] -> outputs) with the preprocessing of ``kind``;
        ``note`` says which network that is when it is not the lesson's own."""
        self.model_note.setText(note)
        self.model_note.setToolTip(note)
        self.model_note.setVisible(bool(note))
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if kind != self._kind:
            self.brush.setValue(BRUSH[kind])
        self._predict, self._kind = predict, kind
        for caption, text in zip(self.captions, KINDS[kind], strict=True):
            caption.setText(text)
        self._update_outputs()

    def set_theme(self, theme: Theme) -> None:
        """Colours and font sizes of the theme (projector: larger)."""
        self._theme = theme
        self.canvas.theme = theme
        self.plot.setBackground(QColor(*theme.background))
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen(QColor(*theme.foreground))
            self.plot.getAxis(axis).setPen(QColor(*theme.grid))
        for preview in self.previews:
            preview.setStyleSheet(f"border: 1px solid {QColor(*theme.grid).name()}; "
                                  f"background: {QColor(*theme.background).name()}")
        # The guess sits on the theme's background like the bars, whatever Qt's palette is.
        self.guess.setStyleSheet(f"background: {QColor(*theme.background).name()}")
        font = QFont(self.font())
        font.setPointSizeF(self._base_point_size * theme.font_scale)
        self.plot.getAxis("bottom").setStyle(tickFont=font)
        self.canvas.refresh()
        self._update_outputs()

    def clear(self) -> None:
        """Wipe the pad; the bars give way to the prompt."""
        self.canvas.strokes.clear()
        self.canvas.ink[:] = 0
        self.canvas.refresh()
        self.cleared.emit()

    def undo(self) -> None:
        """Remove the last stroke."""
        if self.canvas.strokes:
            self.canvas.strokes.pop()
            self.canvas.redraw_strokes()
            if not self.canvas.strokes:
                self.cleared.emit()

    def image(self) -> np.ndarray:
        """A copy of the ink, (192, 192) in [0, 1], ink high."""
        return self.canvas.ink.copy()

    # -- drawing the answer --------------------------------------------------------------------

    def _set_brush(self, width: int) -> None:
        self.canvas.radius = width / 2

    def _schedule(self) -> None:
        """Answer at once while that is cheap; a slow model's answers coalesce on a timer."""
        if self._timer.isActive():
            return
        self._changed_at = time.perf_counter()
        if self.cost_ms <= SYNCHRONOUS_MS:
            self._update_outputs()
        else:
            self._timer.start()

    def _preview(self, label: QLabel, values: np.ndarray) -> None:
        image = grey_image(values, self._theme)
        side = min(label.width(), label.height())  # the whole stage, not its top-left corner
        label.setPixmap(pg.QtGui.QPixmap.fromImage(image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)))

    def _update_outputs(self) -> None:
        started = time.process_time()
        ink = self.canvas.ink
        blank = not ink.any()
        if blank:
            stages = None
        elif self._kind == "mnist":
            stages = preprocess.mnist_stages(ink)
        else:
            stages = preprocess.digits_stages(ink)
        for label, name in zip(self.previews, ("crop", "fitted", "result"), strict=True):
            if stages is None:
                label.setPixmap(pg.QtGui.QPixmap.fromImage(grey_image(np.zeros((1, 1)),
                                                                       self._theme)))
            else:
                values = getattr(stages, name)
                self._preview(label, values / 16 if name == "result" and
                              self._kind == "digits" else values)
        row = None
        if stages is not None:
            row = stages.result.reshape(1, -1) / (16.0 if self._kind == "digits" else 1.0)
        self.outputs = None
        if row is not None and self._predict is not None:
            try:
                outputs = np.asarray(self._predict(row), dtype=np.float64).reshape(-1)
                if outputs.shape != (10,):
                    raise ValueError(f"the model gives {outputs.size} outputs, expected 10")
                self.outputs = outputs
            except (ValueError, ArithmeticError) as error:
                self.message.setText(f"This model cannot read the pad: {error}")
        self._show_outputs(blank)
        if row is not None:
            self.input_ready.emit(row[0])
        self.latency_ms = (time.perf_counter() - self._changed_at) * 1e3
        self.cost_ms = (time.process_time() - started) * 1e3

    def _show_outputs(self, blank: bool) -> None:
        heights = np.zeros(10) if self.outputs is None else np.clip(self.outputs, 0, 1)
        top = int(np.argmax(heights))
        brushes = [pg.mkBrush(*(POSITIVE if i == top and self.outputs is not None
                                else NEGATIVE_LIGHT)) for i in range(10)]
        self.bars.setOpts(height=heights, brushes=brushes, pens=[pg.mkPen(None)] * 10)
        if self.outputs is not None:  # softmax models give probabilities, sigmoid ones do not
            probabilities = abs(self.outputs.sum() - 1) < 1e-3
            self._axis_title = "probability" if probabilities else "output"
        self.plot.setLabel("left", self._axis_title, color=QColor(*self._theme.foreground).name())
        size = self._base_point_size * self._theme.font_scale
        colour = QColor(*self._theme.foreground).name()
        if blank or self.outputs is None:
            self.guess.setText(f"<span style='font-size:{1.6 * size:.0f}pt; color:{colour}'>"
                               f"{PROMPT}</span>")
            if self._predict is None:
                self.message.setText("No model yet: train the lesson or load a model.")
            elif blank:
                self.message.setText("")
            return
        self.message.setText("")
        self.guess.setText(
            f"<div style='color:{colour}'><span style='font-size:{5 * size:.0f}pt; "
            f"font-weight:bold'>{top}</span><br><span style='font-size:{1.3 * size:.0f}pt'>"
            f"{self.outputs[top]:.0%}</span></div>")


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from nnsim.core import pretrained

    app = QApplication(sys.argv)
    kind = "digits" if "--digits" in sys.argv else "mnist"
    pad = DigitPad()
    pad.set_model(pretrained.load(kind).predict, kind)
    pad.resize(520, 760)
    pad.setWindowTitle(f"DigitPad ({kind} model)")
    pad.show()
    sys.exit(app.exec())
