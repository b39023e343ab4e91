"""Changes the user makes to the model: weights (undoable), fresh weights, the architecture.

Weight edits change the open model in place and are undoable; a new architecture or a fresh
start builds a new workspace state and opens it, so every view follows from one event.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from nnsim.app.messages import warn
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron
from nnsim.workspace.opening import with_model
from nnsim.workspace.state import WorkspaceState, copy_state

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

Weights = list[tuple[np.ndarray, np.ndarray | None]]


class SetWeights(QUndoCommand):
    """An undoable change of every weight (stepper update, edited weight, reset)."""

    def __init__(self, edits: ModelEdits, before: Weights, after: Weights, text: str) -> None:
        super().__init__(text)
        self.edits, self.before, self.after = edits, before, after

    def redo(self) -> None:
        self.edits.write_weights(self.after)

    def undo(self) -> None:
        self.edits.write_weights(self.before)


class ReplaceState(QUndoCommand):
    """An undoable swap of the whole workspace state (fresh weights, a new architecture, the
    pretrained model): undo brings back the model, optimiser and history as they were."""

    def __init__(self, edits: ModelEdits, before: WorkspaceState, after: WorkspaceState,
                 text: str) -> None:
        super().__init__(text)
        self.edits, self.before, self.after = edits, before, after

    def redo(self) -> None:
        self.edits.open_kept(self.after)

    def undo(self) -> None:
        # Redo brings back what was open when undo was pressed (training since included).
        self.edits.controller.stop_training()
        self.after = copy_state(self.edits.controller.state)
        self.edits.open_kept(self.before)


class ModelEdits(QObject):
    """Undo stack, weight edits, reset, architecture and the check that a model can train."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.undo_stack = QUndoStack(self)
        w = controller.window
        w.action_undo.triggered.connect(self.undo_stack.undo)
        w.action_redo.triggered.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(w.action_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(w.action_redo.setEnabled)
        w.action_undo.setEnabled(False)
        w.action_redo.setEnabled(False)
        w.action_reset.triggered.connect(lambda: self.reset_weights(new_seed=False))
        w.action_reset_random.triggered.connect(lambda: self.reset_weights(new_seed=True))
        w.controls.reset_requested.connect(lambda new: self.reset_weights(new_seed=new))
        w.canvas.weight_edited.connect(self.edit_weight)
        w.editor.architecture_changed.connect(self.change_architecture)
        self._keep_stack = False
        controller.workspace.opened.connect(self._on_opened)

    def _on_opened(self, _state: WorkspaceState) -> None:
        if not self._keep_stack:  # another lesson or session: its edits are not undoable here
            self.undo_stack.clear()

    def open_kept(self, state: WorkspaceState) -> None:
        """Open ``state`` from an undo command, keeping the undo stack."""
        self._keep_stack = True
        try:
            self.controller.open_state(copy_state(state))
        finally:
            self._keep_stack = False

    def replace_state(self, after: WorkspaceState, text: str) -> None:
        """Open ``after`` as an undoable step."""
        before = copy_state(self.controller.state)
        self.undo_stack.push(ReplaceState(self, before, after, text))

    # -- weights (undoable) ------------------------------------------------------------------

    def write_weights(self, weights: Weights) -> None:
        """Set every weight (undo/redo); training is stopped first."""
        controller = self.controller
        controller.stop_training()
        state = controller.state
        if isinstance(state.model, Perceptron):
            (W, b), = weights
            state.model.weights = np.concatenate([W[:, 0], b])
        else:
            state.model.set_weights(weights)
        controller.workspace.weights_were_set()
        controller.show_still()

    def change_weights(self, after: Weights, text: str) -> None:
        self.controller.stop_training()
        self.undo_stack.push(SetWeights(self, self.controller.weights(), after, text))

    @Slot(int, int, int, float)
    def edit_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """A weight typed on the canvas (source -1 is the bias)."""
        if self.controller.workspace.state is None:
            return
        after = self.controller.weights()
        W, b = after[layer - 1]
        if source < 0:
            if b is None:
                return
            b[target] = value
        else:
            W[source, target] = value
        self.change_weights(after, "edit weight")

    @Slot(object)
    def apply_update(self, new_weights: Weights) -> None:
        """The stepper's gradient-descent update, undoable with Ctrl+Z."""
        if self.controller.workspace.state is None:
            return
        self.change_weights([(np.array(W), None if b is None else np.array(b))
                             for W, b in new_weights], "apply update")

    # -- new models ----------------------------------------------------------------------------

    @Slot(bool)
    def reset_weights(self, new_seed: bool = False) -> None:
        """Fresh weights: the lesson's (its seed and any weights it gives) or a new seed."""
        controller = self.controller
        state = controller.workspace.state
        if state is None or not state.trainable:
            return
        controller.stop_training()
        if new_seed:
            state.settings.seed = random.randrange(1, 100_000)
        seed, lesson = state.settings.seed, state.lesson
        width = state.data.X_train.shape[1]
        if isinstance(state.model, Perceptron):
            fresh: Network | Perceptron = Perceptron(width, state.settings.learning_rate,
                                                     seed=seed)
        elif not new_seed and lesson.kind == "network" and _specs(state.model) == _specs(
                lesson.build_model(width)):
            fresh = lesson.build_model(width, seed=seed, X=state.data.X_train)
        else:
            fresh = state.network.copy()
            fresh.initialize(seed)
        self.replace_state(with_model(state, fresh, state.model_source), "reset weights")

    @Slot(list)
    def change_architecture(self, layers: list[dict]) -> None:
        """Rebuild the network from the editor's layer list (input size fixed by the data)."""
        controller = self.controller
        state = controller.workspace.state
        if state is None:
            return
        try:
            model = Network.from_spec({"inputs": state.data.X_train.shape[1], "layers": layers},
                                      initializer=state.lesson.initializer,
                                      seed=state.settings.seed, dtype=state.network.dtype)
        except (ValueError, KeyError) as error:
            warn(controller.window, "Cannot build this network", str(error))
            return
        self.replace_state(with_model(state, model, "editor"), "change the network")

    def check_trainable(self) -> bool:
        """Whether backpropagation can train the model; says why not in a dialog."""
        state = self.controller.state
        if isinstance(state.model, Perceptron) or not state.model.dense_only:
            return True  # other layer kinds check their activations when built
        for layer in state.model.layers[:-1]:
            if layer.activation.derivative is None and layer.activation.elementwise:
                warn(self.controller.window, "Cannot train this network",
                     f"A hidden layer uses the {layer.activation.name} activation, which has "
                     "no useful derivative, so backpropagation cannot pass through it. Choose "
                     "sigmoid, tanh or ReLU in the Network editor.")
                return False
        if state.model.layers[-1].activation.name == "step":
            warn(self.controller.window, "Cannot train this network",
                 "The output layer uses the step activation, which backpropagation cannot "
                 "train. Choose sigmoid for the output layer.")
            return False
        return True


def _specs(network: Network) -> list[dict]:
    return [layer.spec() for layer in network.layers]
