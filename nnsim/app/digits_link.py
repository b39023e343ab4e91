"""The digit pad and the evaluation: which network reads the pad, and the report.

The pad reads with the shipped pretrained network until the lesson's own has trained, and says
so on the pad; a pad row of another width than the open model's never reaches the canvas.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot

from nnsim.app.messages import warn
from nnsim.core.metrics import predicted_classes
from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui.digit_pad import DigitPad
from nnsim.ui.guard import guarded
from nnsim.workspace import Evaluation, RunStatus, WorkspaceState
from nnsim.workspace.opening import with_model

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

PAD_KINDS = {64: "digits", 784: "mnist"}


class DigitsLink(QObject):
    """Pad model and row, pretrained model, evaluation."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.pad_row: np.ndarray | None = None
        self.pad_network: Network | None = None
        self._scratch: Network | None = None
        self._refresh = QTimer(self)
        self._refresh.setInterval(2000)
        self._refresh.timeout.connect(self.refresh_pad_model)
        w = controller.window
        w.when_built("digits", "signals", self._connect_pad)
        w.action_pretrained.triggered.connect(self.load_pretrained)
        w.action_evaluate.triggered.connect(self.evaluate)
        workspace = controller.workspace
        workspace.opened.connect(self._on_opened)
        workspace.status_changed.connect(self._on_status)
        controller.views.frame_filters.append(self._with_pad_row)

    def _connect_pad(self, pad: DigitPad) -> None:
        pad.input_ready.connect(self._on_digit_input)
        pad.cleared.connect(self._on_digit_cleared)

    def _kind(self) -> str | None:
        return PAD_KINDS.get(self.controller.network().sizes[0])

    @guarded()
    def _on_opened(self, state: WorkspaceState) -> None:
        """A new model: the pad forgets its row and reads with the right network."""
        self._refresh.stop()
        self.pad_row, self._scratch = None, None
        kind = self._kind()
        w = self.controller.window
        if kind is None:
            self.pad_network = None
            w.when_built("digits", "model", lambda pad: pad.set_model(None, "mnist"))
            return
        self.pad_network, note = state.network.copy(), ""
        if state.history.epochs == 0 and state.model_source == "lesson":
            from nnsim.core import pretrained

            try:
                self.pad_network = pretrained.load(kind)
                note = "Read by the shipped pretrained network until this one has trained."
            except (OSError, ValueError):
                pass
        w.when_built("digits", "clear", lambda pad: pad.clear())
        w.digit_pad.set_model(self.pad_network.predict, kind, note)
        if state.lesson.report == "classification" and state.model_source == "pretrained":
            self.evaluate()

    @guarded()
    def _on_status(self, status: RunStatus) -> None:
        if status is RunStatus.RUNNING and self.controller.views.visible("digits"):
            self._refresh.start()
        elif not status.is_active:
            self._refresh.stop()

    def training_ended(self) -> None:
        """The run ended: the pad reads with the trained network; the report is refreshed."""
        self._refresh.stop()
        self.refresh_pad_model()
        state = self.controller.workspace.state
        if state is not None and state.lesson.report == "classification":
            self.evaluate()

    @Slot()
    def refresh_pad_model(self) -> None:
        """While training and after it, the pad reads with the lesson's own network."""
        controller = self.controller
        kind = self._kind() if controller.workspace.state is not None else None
        if kind is None or (controller.history.epochs == 0 and not controller.is_training):
            return
        network = controller.network().copy()
        viewing = getattr(controller, "timeline", None) is not None and \
            controller.timeline.viewing is not None
        if (controller.is_training or viewing) and controller.last_snapshot is not None:
            network.set_weights(controller.last_snapshot.weights)  # or the epoch viewed
        self.pad_network = network
        controller.window.digit_pad.set_model(network.predict, kind, "")

    # -- the pad's row on the canvas -----------------------------------------------------------

    def _fits(self, row: np.ndarray | None) -> bool:
        state = self.controller.workspace.state
        return row is not None and state is not None and row.size == state.network.sizes[0]

    def _activations(self, weights: object, row: np.ndarray) -> tuple[np.ndarray, ...]:
        """Every layer's output for ``row`` under ``weights`` (the core forward trace)."""
        if self._scratch is None or self._scratch.sizes != self.controller.network().sizes:
            self._scratch = self.controller.network().copy()  # once per model, not per frame
        network = self._scratch
        network.set_weights(weights)  # type: ignore[arg-type]
        trace = network.forward_trace(row)
        return tuple([np.asarray(row, dtype=float)] + [step.out for step in trace.layers])

    def _with_pad_row(self, snapshot: Snapshot) -> Snapshot:
        if not self._fits(self.pad_row) or not self.controller.views.visible("digits"):
            return snapshot
        return dataclasses.replace(snapshot, activations=self._activations(snapshot.weights,
                                                                           self.pad_row))

    @Slot(object)
    def _on_digit_input(self, row: object) -> None:
        """Show the pad's digit as the canvas's input, with the activations of the network
        that reads it (the pad's bars and the canvas agree)."""
        row = np.asarray(row, dtype=float).reshape(-1)
        if not self._fits(row):
            return  # a row drawn for another lesson's network
        self.pad_row = row
        controller = self.controller
        snapshot = controller.last_snapshot
        if snapshot is None or (controller.is_training and
                                controller.workspace.status is RunStatus.RUNNING):
            return  # a running trainer's next frame carries the row (``_with_pad_row``)
        pad = self.pad_network
        weights = pad.get_weights() if pad is not None and pad.sizes == \
            controller.network().sizes else snapshot.weights
        views = controller.views
        controller.window.show_model_frame(views.drawn_frame(dataclasses.replace(
            snapshot, activations=self._activations(weights, row))))

    @Slot()
    def _on_digit_cleared(self) -> None:
        self.pad_row = None
        if self.controller.last_snapshot is not None:
            self.controller.window.show_model_frame(
                self.controller.views.drawn_frame(self.controller.last_snapshot))

    # -- pretrained model and evaluation -------------------------------------------------------

    @Slot()
    def load_pretrained(self) -> None:
        """Put the shipped pretrained network in place of the model (undoable with Ctrl+Z)."""
        state = self.controller.workspace.state
        if state is None:
            return
        kind = PAD_KINDS.get(state.data.X_train.shape[1])
        if kind is None:
            warn(self.controller.window, "No pretrained model",
                 "Pretrained models exist for the digits and MNIST lessons only.")
            return
        from nnsim.core import pretrained

        try:
            network = pretrained.load(kind)
        except (OSError, ValueError) as error:
            warn(self.controller.window, "Cannot load the pretrained model", str(error))
            return
        self.controller.stop_training()
        self.controller.edits.replace_state(with_model(state, network, "pretrained"),
                                            "load the pretrained model")

    def evaluate(self) -> None:
        """Classification report and confusion matrix on the held-out rows."""
        controller = self.controller
        state = controller.workspace.state
        if state is None or not state.trainable or controller.is_training:
            return
        data = state.data
        predicted = predicted_classes(state.network.predict(data.X_test))
        controller.workspace.set_evaluation(Evaluation(data.y_test, predicted, data.X_test,
                                                       data.image_shape))
