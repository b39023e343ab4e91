"""NetworkEditor: add and remove hidden layers, set their sizes, activations and biases.

The input and output widths come from the dataset and are shown read-only. Edits are collected
and sent as one architecture on Apply (building a network resets training, so not on every
click). Combinations backpropagation cannot train are named in an inline message and Apply
stays disabled until they are fixed.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.activations import activation_names
from nnsim.core.limits import MAX_LAYERS, MAX_UNITS
from nnsim.ui.palette import Theme, apply_font_scale

WARNING = (180, 60, 0)  # a dark orange that reads on light and grey panels
#: The output layer is the last of MAX_LAYERS (core/limits.py owns the ranges).
MAX_HIDDEN_LAYERS = MAX_LAYERS - 1


def architecture_problems(layers: list[dict]) -> list[str]:
    """Why backprop could not train ``layers`` (the output layer last); empty when it can."""
    problems = []
    for index, layer in enumerate(layers):
        last = index == len(layers) - 1
        where = "The output layer" if last else f"Hidden layer {index + 1}"
        activation = layer["activation"]
        if activation == "step":
            problems.append(f"{where} uses step: its slope is 0, so backpropagation cannot pass "
                            "through it. Choose sigmoid, tanh or relu (step units are trained "
                            "by the perceptron rule).")
        if activation == "softmax" and layer["units"] < 2:
            problems.append(f"{where} uses softmax on one neuron, whose output is always 1. "
                            "Use sigmoid for one output, softmax for two or more.")
        if not 1 <= layer["units"] <= MAX_UNITS:
            problems.append(f"{where} has {layer['units']} neurons; use 1 to {MAX_UNITS}.")
    return problems


class NetworkEditor(QWidget):
    """Rows of (neurons, activation, bias) per layer between fixed input and output widths."""

    architecture_changed = Signal(list)
    """Apply was pressed: the layers as [{"units", "activation", "bias"}, ...], output last."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self._n_inputs = 0
        self._applied: list[dict] = []
        self._rows: list[tuple[QSpinBox, QComboBox, QCheckBox, dict]] = []

        self.inputs_label = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)  # the panel's colour, not a white well
        self.grid_host.setAutoFillBackground(False)
        self.add_button = QPushButton("Add hidden layer")
        self.add_button.setToolTip("Insert a hidden layer before the output layer")
        self.add_button.clicked.connect(self.add_hidden_layer)
        self.message = QLabel()
        self.message.setWordWrap(True)
        palette = self.message.palette()  # a palette, not a style sheet: fonts still scale
        palette.setColor(QPalette.ColorRole.WindowText, QColor(*WARNING))
        self.message.setPalette(palette)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Undo the edits since the last Apply")
        self.revert_button.clicked.connect(
            lambda: self.set_architecture(self._n_inputs, self._applied))
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Build this network (new random weights; training restarts)")
        self.apply_button.clicked.connect(self._apply_clicked)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.inputs_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.set_architecture(2, [{"units": 1, "activation": "sigmoid", "bias": True}])

    # -- API -------------------------------------------------------------------------------

    def set_architecture(self, n_inputs: int, layers: list[dict]) -> None:
        """Show a network: ``n_inputs`` inputs, then ``layers`` (output last); emits nothing."""
        self._n_inputs = int(n_inputs)
        self._applied = [_plain(layer) for layer in layers]
        self.inputs_label.setText(f"Inputs: <b>{self._n_inputs}</b> (fixed by the dataset)")
        self._rebuild(self._applied)

    def architecture(self) -> list[dict]:
        """The layers as edited (not yet applied), output last; a layer keeps its ``alpha``
        (leaky_relu, elu) while its activation is unchanged."""
        layers = []
        for units, combo, bias, source in self._rows:
            layer = {"units": units.value(), "activation": combo.currentText(),
                     "bias": bias.isChecked()}
            if "alpha" in source and source["activation"] == layer["activation"]:
                layer["alpha"] = source["alpha"]
            layers.append(layer)
        return layers

    def add_hidden_layer(self) -> None:
        """Insert a hidden layer (as wide as the one before it) just before the output."""
        layers = self.architecture()
        if len(layers) - 1 >= MAX_HIDDEN_LAYERS:
            return
        template = layers[-2] if len(layers) > 1 else {"units": 4, "activation": "sigmoid",
                                                       "bias": True}
        layers.insert(len(layers) - 1, dict(template))
        self._rebuild(layers)

    def remove_hidden_layer(self, index: int) -> None:
        """Remove hidden layer ``index`` (0 = the first hidden layer)."""
        layers = self.architecture()
        if 0 <= index < len(layers) - 1:
            del layers[index]
            self._rebuild(layers)

    def set_theme(self, theme: Theme) -> None:
        """Scale the fonts with ``theme.font_scale``."""
        apply_font_scale(self, self._base_point_size, theme)
        self._fit_width()

    def _fit_width(self) -> None:
        """Wide enough for every column (rows scroll vertically, never sideways) and tall
        enough for the header and two layers."""
        self.grid.activate()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(self.grid_host.minimumSizeHint().width() + bar)
        if self._rows:
            row = max(self._rows[0][0].sizeHint().height(), self._rows[0][1].sizeHint().height())
            header = self.grid.itemAtPosition(0, 0).widget().sizeHint().height()
            layers = min(len(self._rows), 2)
            spacing = self.grid.verticalSpacing()
            self.scroll.setMinimumHeight(header + layers * (row + spacing) + spacing)

    # -- rows --------------------------------------------------------------------------------

    def _rebuild(self, layers: list[dict]) -> None:
        """Lay out one row per layer; the output row's width is fixed by the dataset."""
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone now, not when the event loop next runs deleteLater
                widget.setParent(None)
                widget.deleteLater()
        self._rows = []
        for column, text in enumerate(("layer", "neurons", "activation", "bias")):
            self.grid.addWidget(QLabel(f"<i>{text}</i>"), 0, column)
        names = activation_names()
        for index, layer in enumerate(layers):
            output = index == len(layers) - 1
            row = index + 1
            self.grid.addWidget(QLabel("Output" if output else f"Hidden {index + 1}"), row, 0)
            units = QSpinBox()
            units.setRange(1, MAX_UNITS)
            units.setValue(min(max(int(layer["units"]), 1), MAX_UNITS))
            units.setReadOnly(output)
            units.setEnabled(not output)
            if output:
                units.setToolTip("One output per class or target, fixed by the dataset")
                units.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
            combo = QComboBox()
            combo.addItems(names)
            combo.setMinimumContentsLength(max(len(name) for name in names))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            if layer["activation"] not in names:
                combo.addItem(layer["activation"])
            combo.setCurrentText(layer["activation"])
            bias = QCheckBox()
            bias.setChecked(bool(layer.get("bias", True)))
            bias.setToolTip("Give each neuron a bias (the +1 input)")
            if not output:
                remove = QToolButton()
                remove.setText("✕")
                remove.setToolTip(f"Remove hidden layer {index + 1}")
                remove.clicked.connect(lambda _=False, i=index: self.remove_hidden_layer(i))
                self.grid.addWidget(remove, row, 4)
            self.grid.addWidget(units, row, 1)
            self.grid.addWidget(combo, row, 2)
            self.grid.addWidget(bias, row, 3, Qt.AlignmentFlag.AlignCenter)
            units.valueChanged.connect(self._edited)
            combo.currentTextChanged.connect(self._edited)
            bias.toggled.connect(self._edited)
            self._rows.append((units, combo, bias, dict(layer)))
        self.grid.setColumnStretch(2, 1)
        self.grid.setRowStretch(len(layers) + 1, 1)
        self._fit_width()
        self._edited()

    def _edited(self) -> None:
        layers = self.architecture()
        problems = architecture_problems(layers)
        self.message.setText("<br>".join(html.escape(p) for p in problems))
        self.message.setVisible(bool(problems))
        changed = layers != self._applied
        self.apply_button.setEnabled(not problems and changed)
        self.revert_button.setEnabled(changed)
        self.add_button.setEnabled(len(layers) - 1 < MAX_HIDDEN_LAYERS)
        sizes = [self._n_inputs, *(layer["units"] for layer in layers)]
        weights = sum(n_in * layer["units"] + (layer["units"] if layer["bias"] else 0)
                      for n_in, layer in zip(sizes, layers, strict=False))
        self.summary.setText(f"{'-'.join(str(s) for s in sizes)}: {weights:,} weights"
                             + (" (not applied)" if changed else ""))

    def _apply_clicked(self) -> None:
        layers = self.architecture()
        if architecture_problems(layers):
            return
        self._applied = [dict(layer) for layer in layers]
        self._edited()
        self.architecture_changed.emit(layers)


def _plain(layer: dict) -> dict:
    """The keys of Dense.spec(): units, activation, bias, and alpha where given."""
    plain = {"units": int(layer["units"]), "activation": str(layer["activation"]),
             "bias": bool(layer.get("bias", True))}
    if layer.get("alpha") is not None:
        plain["alpha"] = float(layer["alpha"])
    return plain


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    editor = NetworkEditor()
    editor.set_architecture(2, [{"units": 3, "activation": "sigmoid", "bias": True},
                                {"units": 1, "activation": "sigmoid", "bias": False}])
    editor.architecture_changed.connect(lambda layers: print("architecture_changed", layers))
    editor.resize(420, 320)
    editor.show()
    sys.exit(app.exec())
