"""Clicks on the canvas and the plane feed the inspector and the stepper; steps light the canvas.

A part of ``AppController`` (a mixin): it reads the controller's model and last Snapshot.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Slot

from nnsim.core.explain import neuron_names
from nnsim.core.network import Network


class StepperLink:
    """Inspector, gallery marker, forward/backward stepper and canvas highlights."""


    @Slot(int, int)
    def inspect_neuron(self, layer: int, index: int) -> None:
        """Show a clicked neuron in the inspector and on its activation curve."""
        snapshot = self.last_snapshot
        if snapshot is None or snapshot.activations is None or self.model is None:
            return
        network = self.network()
        names = neuron_names(network.sizes)
        w = self.window
        if layer == 0:
            value = float(snapshot.activations[0][index])
            w.inspector.show_neuron(names[0][index], "input", [], None, None, value)
            w.gallery.show_point(None, None)
            return
        W, b = snapshot.weights[layer - 1]
        inputs = snapshot.activations[layer - 1]
        net = float(inputs @ W[:, index] + (0.0 if b is None else b[index]))
        out = float(snapshot.activations[layer][index])
        activation = network.layers[layer - 1].activation.name
        incoming = [(names[layer - 1][i], float(W[i, index])) for i in range(W.shape[0])]
        w.inspector.show_neuron(names[layer][index], activation, incoming,
                                None if b is None else float(b[index]), net, out)
        w.gallery.show_point(activation, net)

    def _stepper_network(self) -> Network:
        network = self.network().copy()
        if self.last_snapshot is not None and self.is_training:
            network.set_weights(self.last_snapshot.weights)
        return network

    @Slot()
    def refresh_stepper(self) -> None:
        """Recompute the stepper's traces from the current weights and its chosen input."""
        if self.model is None or self.data is None:
            return
        network = self._stepper_network()
        if network.sizes[0] > 16 or sum(network.sizes) > 60:
            return
        stepper = self.window.stepper
        if self.stepper_input is not None and len(self.stepper_input[0]) == network.sizes[0]:
            row, target = self.stepper_input
            if target is None:
                target = stepper.target()
        else:
            row = self.data.X_train[self.probe_index]
            target = float(self.data.y_train[self.probe_index])
        row = np.asarray(row, dtype=float)
        forward = network.forward_trace(row)
        backward = None
        if target is not None and network.layers[-1].activation.derivative is not None or (
                target is not None and network.layers[-1].activation.name == "softmax"):
            try:
                backward = network.backward_trace(row, target, self.loss_name,
                                                  stepper.learning_rate())
            except ValueError:
                backward = None
        self.backward_trace = backward
        stepper.set_traces(forward, backward, target)

    @Slot(object, object)
    def _on_stepper_input(self, row: object, target: object) -> None:
        self.stepper_input = (np.asarray(row, dtype=float),
                              None if target is None else float(target))
        self.refresh_stepper()

    @Slot(object)
    def _on_step_shown(self, step: object) -> None:
        canvas = self.window.canvas
        if step is None:
            canvas.clear_highlight()
            canvas.show_gradients(None)
            return
        canvas.highlight(step.layer, step.neuron, step.phase)
        trace = self.backward_trace
        if step.phase in ("delta", "gradient", "update") and trace is not None:
            canvas.show_gradients(trace.gradients())
        else:
            canvas.show_gradients(None)

    @Slot(object, object)
    def _on_point_clicked(self, row: object, label: object) -> None:
        self._on_stepper_input(row, label)
        if self.window.docks["stepper"].isVisible():
            self.window.docks["stepper"].raise_()

    @Slot(object)
    def _on_plane_clicked(self, point: object) -> None:
        self._on_stepper_input(point, None)
