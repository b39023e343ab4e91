"""Perceptron vs network: a 2-2-1 network learns the same gate beside the perceptron.

It starts with the perceptron's run whenever the lesson has the comparison panel, whichever
tab is shown, and goes on after the perceptron gives up (on XOR it must: the point of the panel
is to show the network win), until it has every row right or its epochs run out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.control import TrainingControl
from nnsim.training.worker import TrainerThread
from nnsim.ui.guard import guarded
from nnsim.workspace import RunStatus, WorkspaceState

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

#: The network's run: XOR needs a few thousand epochs of online SGD from seed 26.
EPOCHS, LEARNING_RATE, SEED, STOP_BELOW = 5000, 0.5, 26, 0.02


class Companion(QObject):
    """The comparison panel's 2-2-1 network and its own trainer thread."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.trainer = TrainerThread(self)
        self.trainer.snapshot_ready.connect(self._on_snapshot_ready)
        self.model: Network | None = None
        self.last: Snapshot | None = None
        self.generation = -1
        workspace = controller.workspace
        workspace.opened.connect(self._on_opened)
        workspace.status_changed.connect(self._on_status)
        controller.window.docks["comparison"].visibilityChanged.connect(self._on_shown)

    def _wanted(self) -> bool:
        state = self.controller.workspace.state
        return state is not None and isinstance(state.model, Perceptron) and \
            "comparison" in state.lesson.panels

    @guarded()
    def _on_opened(self, _state: WorkspaceState) -> None:
        self.stop()
        self.model, self.last = None, None

    @guarded()
    def _on_status(self, status: RunStatus) -> None:
        if not self._wanted():
            return
        control = self.trainer.control if self.trainer.is_running else None
        if status is RunStatus.RUNNING:
            if control is None:
                self._start()
            else:
                control.resume()
        elif status is RunStatus.PAUSED and control is not None:
            control.pause()

    def _start(self) -> None:
        controller = self.controller
        if self.model is None:
            self.model = Network.from_sizes([2, 2, 1], "sigmoid", seed=SEED)
        job = controller.runs.job(self.model, LEARNING_RATE, 1, "sse", SGD(LEARNING_RATE))
        job.epochs = EPOCHS
        job.stop_when_loss_below = STOP_BELOW
        job.steps_per_second = controller.state.settings.speed
        self.generation = controller.workspace.generation
        self.trainer.start(job, TrainingControl())

    def step(self, unit: str) -> None:
        """Step the network with the perceptron (a paused run of its own)."""
        if not self._wanted():
            return
        if not self.trainer.is_running:
            self._start()
        control = self.trainer.control
        control.pause()
        control.single_step(unit)

    def set_speed(self, value: float | None) -> None:
        if self.trainer.is_running and self.trainer.control is not None:
            self.trainer.control.set_speed(value)

    def stop(self) -> None:
        self.trainer.stop(1000)

    @Slot()
    def _on_snapshot_ready(self) -> None:
        snapshot = self.trainer.take_snapshot()
        if snapshot is None or self.generation != self.controller.workspace.generation:
            return
        self.last = snapshot
        if self.controller.views.visible("comparison"):
            self.controller.window.comparison.show_right(snapshot)
        self.trainer.frame_drawn()  # the next snapshot is built once this one is drawn

    def _on_shown(self, visible: bool) -> None:
        if visible and self.last is not None:
            self.controller.window.comparison.show_right(self.last)
