"""Clicks on the canvas and the plane feed the inspector and the stepper; steps light the canvas.

The stepper shows traces computed by ``Network.forward_trace``/``backward_trace`` (core); this
only chooses the input and the weights, and follows the workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Slot

from nnsim.core.explain import neuron_names
from nnsim.core.network import Network
from nnsim.ui.guard import guarded
from nnsim.workspace import WorkspaceState

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

#: Larger networks have too many steps to walk one by one.
MAX_INPUTS, MAX_NEURONS = 16, 60
#: Keys the lesson list passes on to the stepper (Up, Down, Home, End move in the list).
LIST_FORWARDS = (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_P)


class StepperLink(QObject):
    """Inspector, gallery marker, forward/backward stepper and canvas highlights."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.stepper_input: tuple[np.ndarray, float | None] | None = None
        self.backward_trace = None
        w = controller.window
        w.canvas.neuron_selected.connect(self.inspect_neuron)
        w.stepper.input_chosen.connect(self._on_stepper_input)
        w.stepper.settings_changed.connect(self.refresh_stepper)
        w.stepper.step_shown.connect(self._on_step_shown)
        w.stepper.update_applied.connect(lambda weights: controller.edits.apply_update(weights))
        w.boundary.point_clicked.connect(self._on_point_clicked)
        w.boundary.plane_clicked.connect(lambda point: self._on_stepper_input(point, None))
        workspace = controller.workspace
        workspace.opened.connect(self._on_opened)
        workspace.weights_changed.connect(self.refresh_stepper)
        # After a lesson is chosen in the list the focus stays there; the stepper's keys
        # that a vertical list has no use for still step (no click on the stepper first).
        w.lessons.list.installEventFilter(self)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress and event.key() in LIST_FORWARDS \
                and not event.modifiers() and self.controller.views.visible("stepper"):
            return self.controller.window.stepper.handle_key(event)
        return super().eventFilter(watched, event)

    @guarded()
    def _on_opened(self, state: WorkspaceState) -> None:
        self.stepper_input = None
        data, lesson, stepper = state.data, state.lesson, self.controller.window.stepper
        # A target per sample (a sequence's targets are a row: the stepper walks Dense nets).
        choices = [(_row_label(x, t), x, float(t)) for x, t in
                   zip(data.X_train[:50], data.y_train[:50], strict=True)] \
            if np.ndim(data.y_train) == 1 else []
        if lesson.probe_input is not None:
            probe = np.array(lesson.probe_input)
            choices.insert(0, ("lesson input " + _row_label(probe, lesson.probe_target), probe,
                               lesson.probe_target))
        if state.network.sizes[0] <= MAX_INPUTS:
            stepper.set_input_choices(choices)
        stepper.set_learning_rate(state.settings.learning_rate)
        self.refresh_stepper()

    @Slot(int, int)
    def inspect_neuron(self, layer: int, index: int) -> None:
        """Show a clicked neuron in the inspector and on its activation curve."""
        snapshot = self.controller.last_snapshot
        network = self.controller.network()
        if snapshot is None or snapshot.activations is None or not network.dense_only:
            return  # the inspector and stepper walk Dense layers (their docks are disabled)
        names = neuron_names(network.sizes)
        w = self.controller.window
        if layer == 0:
            value = float(snapshot.activations[0][index])
            w.inspector.show_neuron(names[0][index], "input", [], None, None, value)
            w.gallery.show_point(None, None)
            return
        shown = network.copy()
        shown.set_weights(snapshot.weights)
        step = shown.forward_trace(snapshot.activations[0]).layers[layer - 1]  # core's maths
        W, b = step.weights, step.bias
        net, out = float(step.net[index]), float(step.out[index])
        activation = network.layers[layer - 1].activation.name
        incoming = [(names[layer - 1][i], float(W[i, index])) for i in range(W.shape[0])]
        w.inspector.show_neuron(names[layer][index], activation, incoming,
                                None if b is None else float(b[index]), net, out)
        w.gallery.show_point(activation, net)

    def _stepper_network(self) -> Network:
        network = self.controller.network().copy()
        snapshot = self.controller.last_snapshot
        viewing = getattr(self.controller, "timeline", None) is not None and \
            self.controller.timeline.viewing is not None
        if snapshot is not None and (self.controller.is_training or viewing):
            network.set_weights(snapshot.weights)  # the run's, or the epoch the timeline shows
        return network

    @Slot()
    @guarded()
    def refresh_stepper(self) -> None:
        """Recompute the stepper's traces from the current weights and its chosen input."""
        state = self.controller.workspace.state
        if state is None or not state.network.dense_only:
            return
        network = self._stepper_network()
        if network.sizes[0] > MAX_INPUTS or sum(network.sizes) > MAX_NEURONS:
            return
        stepper = self.controller.window.stepper
        if self.stepper_input is not None and len(self.stepper_input[0]) == network.sizes[0]:
            row, target = self.stepper_input
            if target is None:
                target = stepper.target()
        else:
            row = state.data.X_train[state.probe_index]
            target = float(state.data.y_train[state.probe_index])
        row = np.asarray(row, dtype=float)
        forward = network.forward_trace(row)
        backward = None
        output = network.layers[-1].activation
        if target is not None and (output.derivative is not None or output.name == "softmax"):
            try:
                backward = network.backward_trace(row, target, state.lesson.loss,
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
        canvas = self.controller.window.canvas
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
        dock = self.controller.window.docks["stepper"]
        if dock.isVisible():
            dock.raise_()


def _row_label(x: np.ndarray, target: float | None) -> str:
    values = ", ".join(f"{v:g}" for v in x[:4]) + (", …" if len(x) > 4 else "")
    return f"[{values}]" + ("" if target is None else f" → {int(target)}")
