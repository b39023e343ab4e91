"""An encoder-decoder on one sequence: the encoder's states, the state it hands over, the
decoder's states and what it writes against the target.

One picture, left to right: a column per encoder step (the symbol read above it, its hidden
state as a column of colours), the handover arrow from the encoder's last state to the
decoder's first, then a column per decoder step (the symbol it read above, its state, and
below it the symbol it wrote, green where it matches the target, red where not, with the
target under it). Under the states the decoder's probability of each symbol at each step.
A line edit takes the presenter's own digits. The numbers come from ``EncoderDecoder.handover``
through a callable the app gives the view, so the view draws and never computes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from nnsim.core.seq2seq import Handover
from nnsim.core.sequences import sequence_text
from nnsim.core.snapshot import Snapshot
from nnsim.ui import palette

RIGHT, WRONG = (0, 140, 60), (200, 30, 30)
GAP = 1.0  # columns between the encoder and the decoder, for the handover arrow


class Seq2SeqView(QWidget):
    """The encoder's states handed to the decoder, and the decoded sequence vs the target."""

    sequence_typed = Signal(str)
    """The presenter typed a sequence to decode (the app parses it; "" goes back to the
    data's sample)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seq2seq")
        self.theme = palette.LIGHT
        self.model: Callable[[Snapshot], tuple[Handover, np.ndarray | None] | None] | None = None
        self.end: int | None = None
        self.shown: Handover | None = None
        self.target: np.ndarray | None = None
        self.caption = QLabel()
        self.caption.setObjectName("seq2seq-caption")
        self.caption.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        self.entry = QLineEdit()
        self.entry.setObjectName("seq2seq-entry")
        self.entry.setPlaceholderText("Your own digits, e.g. 3 1 4, then Enter")
        self.entry.returnPressed.connect(lambda: self.sequence_typed.emit(self.entry.text()))
        self.back = QPushButton("Back to the data")
        self.back.clicked.connect(self._back_to_data)
        self.message = QLabel()
        self.message.setObjectName("seq2seq-message")
        self.message.setWordWrap(True)
        entry_row = QHBoxLayout()
        entry_row.addWidget(QLabel("Decode:"))
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.graphics, 1)
        layout.addLayout(entry_row)
        layout.addWidget(self.message)
        self.states_plot = self.graphics.addPlot(row=0, col=0)
        self.encoder_image = pg.ImageItem(axisOrder="row-major")
        self.decoder_image = pg.ImageItem(axisOrder="row-major")
        self.states_plot.addItem(self.encoder_image)
        self.states_plot.addItem(self.decoder_image)
        self.handover_arrow = pg.ArrowItem(angle=180, headLen=14, tailLen=18, tailWidth=3)
        self.states_plot.addItem(self.handover_arrow)
        self.labels: dict[object, tuple[pg.PlotItem, pg.TextItem]] = {}
        self.probability_plot = self.graphics.addPlot(row=1, col=0)
        self.probabilities = pg.ImageItem(axisOrder="row-major")
        self.probability_plot.addItem(self.probabilities)
        for plot in (self.states_plot, self.probability_plot):
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.hideAxis("bottom")
        self.states_plot.hideAxis("left")
        self.states_plot.vb.sigResized.connect(lambda _box: self._fit_margins())
        self.probability_plot.hideAxis("left")
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.set_theme(self.theme)

    def set_model(self, model: Callable[[Snapshot], tuple[Handover, np.ndarray | None] | None]
                  | None, end: int | None) -> None:
        """How a snapshot becomes one sequence's handover (and its target, or None for a
        typed sequence); ``end`` is the end symbol, written "."."""
        self.model, self.end, self.shown = model, end, None
        self._forget_labels()
        self.entry.clear()
        self.message.clear()

    def show_message(self, text: str | None) -> None:
        """A problem with the typed sequence, said under it; None clears it."""
        self.message.setText(text or "")

    def _back_to_data(self) -> None:
        self.entry.clear()
        self.sequence_typed.emit("")

    def show_snapshot(self, snapshot: Snapshot) -> bool:
        """Decode the shown sequence under the snapshot's weights; False without a model."""
        if self.model is None:
            return False
        result = self.model(snapshot)
        if result is None:
            return False
        self.shown, self.target = result
        self._draw(self.shown, self.target)
        return True

    def _draw(self, shown: Handover, target: np.ndarray | None) -> None:
        steps, units = shown.encoder_states.shape
        lut = palette.lookup_table(self.theme)
        self.encoder_image.setImage(shown.encoder_states.T, levels=(-1, 1), lut=lut)
        self.encoder_image.setRect(-0.5, 0, steps, units)
        start = steps + GAP
        self.decoder_image.setImage(shown.decoder_states.T, levels=(-1, 1), lut=lut)
        self.decoder_image.setRect(start - 0.5, 0, steps, units)
        self.handover_arrow.setPos(start - 0.5, units / 2)
        unused = set(self.labels)
        fg = self.theme.foreground
        read = ["start" if s == shown.probabilities.shape[1] else self._symbol(s)
                for s in shown.decoder_inputs]
        for t in range(steps):
            # Rows of text above and below the states, offset by whole text heights (anchors),
            # so they never overlap at any size or font scale; _fit_margins makes room.
            self._label(unused, ("source", t), self._symbol(shown.source[t]), t, units, fg,
                        bold=True, row=1)
            self._label(unused, ("read", t), read[t], start + t, units, fg, row=1)
            right = target is None or shown.decoded[t] == target[t]
            self._label(unused, ("wrote", t), self._symbol(shown.decoded[t]), start + t, 0,
                        RIGHT if right else WRONG, bold=True, row=-1)
            if target is not None:
                self._label(unused, ("target", t), self._symbol(target[t]), start + t, 0, fg,
                            row=-2)
        self._label(unused, "encoder", "encoder reads", (steps - 1) / 2, units, fg, row=2)
        self._label(unused, "decoder", "decoder reads", start + (steps - 1) / 2, units, fg,
                    row=2)
        self._label(unused, "writes", "writes", steps + GAP / 2 - 0.5, 0, fg, row=-1)
        if target is not None:
            self._label(unused, "targets", "target", steps + GAP / 2 - 0.5, 0, fg, row=-2)
        self.states_plot.setXRange(-0.6, start + steps - 0.4, padding=0.02)
        self._fit_margins()
        vocabulary = shown.probabilities.shape[1]
        self.probabilities.setImage(shown.probabilities.T, levels=(0, 1),
                                    lut=palette.lookup_table(self.theme)[128:])
        self.probabilities.setRect(start - 0.5, -0.5, steps, vocabulary)
        self.probability_plot.setXRange(-0.6, start + steps - 0.4, padding=0.02)
        self.probability_plot.setYRange(-0.6, vocabulary - 0.2, padding=0)
        for k in range(vocabulary):  # the symbols, in the gap left of the decoder's steps
            self._label(unused, ("symbol", k), self._symbol(k), start - 0.8, k, fg,
                        plot=self.probability_plot, small=True)
        for key in unused:  # e.g. the targets of the data's row, for a typed sequence
            self.labels[key][1].setVisible(False)
        written = sequence_text(shown.decoded, self.end)
        text = (f"Encoder reads {sequence_text(shown.source, self.end)}; its last state is "
                f"handed to the decoder (the arrow), which writes {written}")
        if target is not None:
            verdict = "right" if np.array_equal(shown.decoded, target) else "wrong"
            text += f"; target {sequence_text(target, self.end)}: {verdict}."
        self.caption.setText(text)

    def _symbol(self, symbol: int) -> str:
        return "." if self.end is not None and int(symbol) == self.end else str(int(symbol))

    def _fit_margins(self) -> None:
        """Room for two rows of text above and below the states, in the state's units: the
        text keeps its size in pixels while the view's height changes."""
        if self.shown is None:
            return
        units = self.shown.encoder_states.shape[1]
        bold = self._font(False)
        bold.setBold(True)
        text = QFontMetricsF(bold).height() + 4  # a row of text in pixels, with its margin
        height = self.states_plot.vb.height()
        room = units * 2.2 * text / (height - 4.4 * text) if height > 6 * text else units
        self.states_plot.setYRange(-room, units + room, padding=0)

    def _font(self, small: bool) -> QFont:
        font = QFont()
        font.setPointSizeF((8 if small else 11) * self.theme.font_scale)
        return font

    def _label(self, unused: set, key: object, text: str, x: float, y: float, colour: tuple,
               bold: bool = False, plot: pg.PlotItem | None = None, row: int = 0,
               small: bool = False) -> None:
        """Text at (x, y); ``row`` k > 0 sits k rows of text above y, k < 0 below it. Each
        ``key`` keeps its item from frame to frame (made once: a frame re-made some 30 of
        them, 29 ms of the GUI thread's time)."""
        unused.discard(key)
        if key in self.labels:
            item = self.labels[key][1]
            item.setText(text, color=colour)
        else:
            vertical = 0.5 if row == 0 else (row if row > 0 else row + 1)
            item = pg.TextItem(text, color=colour, anchor=(0.5, vertical))
            font = self._font(small)
            font.setBold(bold)
            item.setFont(font)
            plot = plot or self.states_plot
            plot.addItem(item)
            self.labels[key] = (plot, item)
        item.setPos(x, y)
        item.setVisible(True)

    def _forget_labels(self) -> None:
        """Drop every text item (a new model or theme: other positions, other fonts)."""
        for plot, item in self.labels.values():
            plot.removeItem(item)
        self.labels = {}

    def set_theme(self, theme: palette.Theme) -> None:
        self.theme = theme
        self._forget_labels()  # their fonts follow the theme's scale
        self.graphics.setBackground(pg.mkColor(theme.background))
        self.handover_arrow.setStyle(pen=pg.mkPen(theme.foreground),
                                     brush=pg.mkBrush(theme.foreground))
        self.states_plot.setTitle("hidden states: encoder → handed over → decoder",
                                  color=pg.mkColor(theme.foreground),
                                  size=f"{10 * theme.font_scale:.0f}pt")
        self.probability_plot.setTitle("probability of each symbol",
                                       color=pg.mkColor(theme.foreground),
                                       size=f"{10 * theme.font_scale:.0f}pt")
        if self.shown is not None:
            self._draw(self.shown, self.target)
