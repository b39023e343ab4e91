"""A gate's truth table, live: for each row x1, x2, net, out, prediction, target, right or wrong.

The numbers come from one vectorised forward pass over the rows with the Snapshot's weights, so
they are exactly what the model computes at that moment. Right and wrong are shown by colour
and by a ✓ / ✗ symbol, so they read without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.formatting import number
from nnsim.core.layers import Dense
from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui.guard import guarded
from nnsim.ui.palette import LIGHT, Theme

Array = np.ndarray
Weights = Sequence[tuple[Array, Array | None]]
COLUMNS = ("x1", "x2", "net", "out", "prediction", "target", "result")
RIGHT_COLOUR = (0, 158, 115)     # Okabe-Ito bluish green
WRONG_COLOUR = (213, 94, 0)      # Okabe-Ito vermillion
#: Where an output activation's range puts the line between class 0 and class 1.
THRESHOLDS = {"tanh": 0.0}


def forward_rows(weights: Weights, activations: Sequence[tuple[str, float | None]],
                 X: Array) -> tuple[Array, Array]:
    """(net, out) of the output layer for every row, by the core's forward pass."""
    layers = [Dense(W.shape[0], W.shape[1], name, bias=b is not None, alpha=alpha)
              for (W, b), (name, alpha) in zip(weights, activations, strict=True)]
    network = Network(layers)
    network.set_weights(weights)
    nets, outs = network.layer_outputs(np.asarray(X, dtype=np.float64))
    return nets[-1], outs[-1]


def activations_of(spec: dict | Sequence[str]) -> list[tuple[str, float | None]]:
    """(name, alpha) per layer from ``Network.spec()`` or from a list of activation names."""
    if isinstance(spec, dict):
        return [(layer["activation"], layer.get("alpha")) for layer in spec["layers"]]
    return [(name, None) for name in spec]


class TruthTable(QWidget):
    """Each row of a small dataset with the model's net, output, prediction and verdict."""

    row_clicked = Signal(object, object)
    """A row was clicked: (inputs (2,), target), e.g. to run the forward stepper on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.X, self.y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
        self.activations: list[tuple[str, float | None]] | None = None
        self.precision = 3
        self.snapshot: Snapshot | None = None
        self.right = np.zeros(0, dtype=bool)
        self._theme = LIGHT
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)   # takes the rounding
        self.table.viewport().installEventFilter(self)
        self.table.cellClicked.connect(self._clicked)
        # As tall as its rows, so the summary sits right under them.
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.set_theme(LIGHT)

    def set_architecture(self, spec: dict | Sequence[str]) -> None:
        """The activations to compute with: ``Network.spec()`` or one name per layer.

        Without it a one-layer model is taken for a perceptron (step) and deeper ones for
        sigmoid networks, the lecture's two cases.
        """
        self.activations = activations_of(spec)

    def set_rows(self, X: Array, y: Array) -> None:
        """The rows to list (a gate's 4); their cells are built once here."""
        self.X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
        self.y = np.asarray(y).reshape(len(self.X))
        self.right = np.zeros(len(self.X), dtype=bool)
        self.table.setRowCount(len(self.X))
        for row in range(len(self.X)):
            for column in range(len(COLUMNS)):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
            self._set(row, 0, number(self.X[row, 0], self.precision))
            self._set(row, 1, number(self.X[row, 1], self.precision))
            self._set(row, 5, number(self.y[row], self.precision))
        self.summary.setText("")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Recompute net, out, prediction and verdict for every row with the snapshot's weights."""
        self.snapshot = snapshot
        if not len(self.X):
            return
        weights = snapshot.weights
        activations = self.activations or (
            [("step", None)] if len(weights) == 1 else [("sigmoid", None)] * len(weights))
        net, out = forward_rows(weights, activations, self.X)
        if out.shape[1] == 1:
            threshold = THRESHOLDS.get(activations[-1][0], 0.5)
            column = np.zeros(len(out), dtype=np.int64)
            prediction = (out[:, 0] >= threshold).astype(np.int64)
        else:
            column = prediction = out.argmax(axis=1)
        rows = np.arange(len(out))
        self.right = prediction == self.y
        for row in rows:
            self._set(row, 2, number(net[row, column[row]], self.precision))
            self._set(row, 3, number(out[row, column[row]], self.precision))
            self._set(row, 4, str(int(prediction[row])))
            self._set(row, 6, "✓ right" if self.right[row] else "✗ wrong")
            self._colour(row, bool(self.right[row]))
        self.summary.setText(f"{int(self.right.sum())} of {len(self.right)} right")
        self._fit_columns()

    def set_precision(self, digits: int) -> None:
        """Decimals shown (truncated, as the lecture prints them)."""
        self.precision = int(digits)
        if len(self.X):
            self.set_rows(self.X, self.y)
            if self.snapshot is not None:
                self.show_snapshot(self.snapshot)

    def set_theme(self, theme: Theme) -> None:
        """Verdict tints and the summary's font for a light, dark or projector look."""
        self._theme = theme
        font = self.table.font()
        font.setPointSizeF(10 * theme.font_scale)
        self.table.setFont(font)
        self.table.horizontalHeader().setFont(font)
        self.summary.setFont(font)
        for row, right in enumerate(self.right):
            self._colour(row, bool(right))
        self._fit_columns()

    def _fit_columns(self) -> None:
        # Each column gets its widest text plus an equal share of the spare width: never
        # "✗ …" or "-0.0…", and no column hogs the space.
        header = self.table.horizontalHeader()
        hints = [max(header.sectionSizeHint(column), self.table.sizeHintForColumn(column))
                 for column in range(len(COLUMNS))]
        spare = max(0, self.table.viewport().width() - sum(hints)) // len(COLUMNS)
        for column, hint in enumerate(hints):
            header.resizeSection(column, hint + spare)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _set(self, row: int, column: int, text: str) -> None:
        self.table.item(row, column).setText(text)

    def _colour(self, row: int, right: bool) -> None:
        # A tint of the verdict colour towards the background, so the text stays readable.
        base = np.array(RIGHT_COLOUR if right else WRONG_COLOUR, dtype=np.float64)
        tint = 0.35 * base + 0.65 * np.array(self._theme.background, dtype=np.float64)
        item = self.table.item(row, 6)
        item.setBackground(QBrush(QColor(*tint.astype(int))))
        item.setForeground(QBrush(QColor(*self._theme.foreground)))

    def _clicked(self, row: int, _column: int) -> None:
        self.row_clicked.emit(self.X[row].copy(), int(self.y[row]))


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    table = TruthTable()
    table.set_rows(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 0, 0, 1]))
    table.set_architecture(["step"])
    weights = ((np.array([[0.6], [0.4]]), np.array([-0.5])),)
    table.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=weights))
    table.resize(560, 200)
    table.show()
    app.exec()
