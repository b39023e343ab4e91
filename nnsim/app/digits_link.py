"""The digit pad and the evaluation panel: which network reads the pad, and the report.

A part of ``AppController`` (a mixin).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import Slot

from nnsim.app.messages import warn
from nnsim.core.history import History
from nnsim.core.metrics import predicted_classes
from nnsim.core.optimizers import SGD
from nnsim.ui.digit_pad import DigitPad


class DigitsLink:
    """Which network reads the pad (pretrained until the lesson's own has trained), the pad's
    digit on the canvas, and the evaluation."""

    def _activations(self, weights, row: np.ndarray) -> tuple[np.ndarray, ...]:
        """Every layer's output for ``row`` under ``weights`` (the model's own functions)."""
        outputs = [np.asarray(row, dtype=float)]
        x = outputs[0][np.newaxis]
        for layer, (W, b) in zip(self.network().layers, weights, strict=True):
            net = x @ W if b is None else x @ W + b
            x = layer.activation.function(net)
            outputs.append(x[0])
        return tuple(outputs)

    def _connect_digit_pad(self, pad: DigitPad) -> None:
        pad.input_ready.connect(self._on_digit_input)
        pad.cleared.connect(self._on_digit_cleared)

    def _configure_digit_pad(self) -> None:
        """The pad reads with the pretrained model until this lesson's model has trained."""
        network = self.network()
        kind = {64: "digits", 784: "mnist"}.get(network.sizes[0])
        self.pad_row = None
        if kind is None:
            self.pad_network = None
            self.window.when_built("digits", "model", lambda pad: pad.set_model(None, "mnist"))
            return
        self.pad_network = network.copy()
        if self.history.epochs == 0:
            from nnsim.core import pretrained

            try:
                self.pad_network = pretrained.load(kind)
            except (OSError, ValueError):
                pass
        self.window.digit_pad.set_model(self.pad_network.predict, kind)

    @Slot()
    def _refresh_digit_model(self) -> None:
        """While training and after it, the pad reads with the lesson's own network."""
        if self.model is None or self.network().sizes[0] not in (64, 784):
            return
        if self.history.epochs == 0 and not self.is_training:
            return
        network = self.network().copy()
        if self.is_training and self.last_snapshot is not None:
            network.set_weights(self.last_snapshot.weights)
        self.pad_network = network
        kind = "digits" if network.sizes[0] == 64 else "mnist"
        self.window.digit_pad.set_model(network.predict, kind)

    @Slot(object)
    def _on_digit_input(self, row: object) -> None:
        """Show the pad's preprocessed digit as the canvas's input, with the activations of the
        network that reads it (the bars and the canvas agree)."""
        self.pad_row = np.asarray(row, dtype=float)
        if self.last_snapshot is None or self.model is None or self.is_training:
            return
        pad = self.pad_network
        weights = tuple(pad.get_weights()) if pad is not None and pad.sizes == \
            self.network().sizes else self.last_snapshot.weights
        self.window.canvas.show_snapshot(dataclasses.replace(
            self.last_snapshot, activations=self._activations(weights, self.pad_row)))

    @Slot()
    def _on_digit_cleared(self) -> None:
        self.pad_row = None
        if self.last_snapshot is not None:
            self.window.canvas.show_snapshot(self.last_snapshot)

    @Slot()
    def load_pretrained(self) -> None:
        """Put the shipped pretrained network in place of the model (digits and MNIST)."""
        if self.data is None:
            return
        kind = {64: "digits", 784: "mnist"}.get(self.data.X_train.shape[1])
        if kind is None:
            warn(self.window, "No pretrained model",
                 "Pretrained models exist for the digits and MNIST lessons only.")
            return
        from nnsim.core import pretrained

        try:
            network = pretrained.load(kind)
        except (OSError, ValueError) as error:
            warn(self.window, "Cannot load the pretrained model", str(error))
            return
        self.stop_training()
        self.model = network
        self.optimizer = SGD(self.learning_rate)
        self.history = History()
        self.undo_stack.clear()
        self._configure_views()
        self.window.digit_pad.set_model(network.predict, kind)
        self.pad_network = network
        self.evaluate()

    def evaluate(self) -> None:
        """Classification report and confusion matrix on the held-out rows."""
        if self.model is None or self.data is None or self.is_training:
            return
        data = self.data
        predicted = predicted_classes(self.network().predict(data.X_test))
        self.window.evaluation.show_evaluation(data.y_test, predicted, data.X_test,
                                               data.image_shape)
