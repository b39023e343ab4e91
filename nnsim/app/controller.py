"""The controller: wires the window to the workspace and the trainers.

The workspace (``nnsim.workspace``) holds what is open; views and the links subscribe to it.
This class only turns user intent into workspace changes and trainer runs: opening states,
starting, pausing and stopping training, and passing its frames through the workspace's gate.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from nnsim.app.companion import Companion
from nnsim.app.data_link import DataLink
from nnsim.app.digits_link import DigitsLink
from nnsim.app.frame_pacer import FramePacer
from nnsim.app.frame_views import FrameViews
from nnsim.app.main_window import MainWindow
from nnsim.app.messages import message_for, warn
from nnsim.app.model_edits import ModelEdits
from nnsim.app.stepper_link import StepperLink
from nnsim.app.timeline_link import TimelineLink
from nnsim.app.training_runs import TrainingRuns
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.lessons import Lesson, list_lessons
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.still import still_snapshot
from nnsim.training.trainer import TRAINER_CHOICE, Trainer
from nnsim.workspace import Workspace, WorkspaceState
from nnsim.workspace.opening import lesson_state
from nnsim.workspace.state import TrainingSettings

PROCESS_BUDGET_FACTOR = 2.0
"""A trainer process loses nothing to drawing, so the GUI may draw twice the chosen share."""
PROCESS_MAX_FPS = 32.0
"""Frames a second at most with a trainer process (30 with a thread, which each frame slows):
on two cores every frame more still costs training (the spiral kept 87 % at 32 fps)."""


class AppController(QObject):
    """Opening, training and the frame gate for one MainWindow and its Workspace."""

    lesson_loaded = Signal(str)
    """A lesson (or a session of one) finished opening; carries the lesson's name."""
    training_finished = Signal(str)
    """A training run ended; carries its final status text."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = Workspace()
        self.runs = TrainingRuns(self)
        self.pacer = FramePacer(self._draw, parent=self)
        self.budget_share = 0.3
        self.watchable = True
        """Lessons open at a speed their run can be followed at (Preferences may turn it off)."""
        self.views = FrameViews(self.workspace, window, self)
        self.edits = ModelEdits(self)
        self.stepper = StepperLink(self)
        self.digits = DigitsLink(self)
        self.datasets = DataLink(self)
        self.companion = Companion(self)
        self.timeline = TimelineLink(self)
        self.workspace.opened.connect(self._on_opened)
        self._connect()

    # -- what is open (read by the links, the session code and tests) ------------------------

    @property
    def state(self) -> WorkspaceState:
        return self.workspace.require()

    @property
    def lesson(self) -> Lesson | None:
        return self.workspace.state.lesson if self.workspace.state else None

    @property
    def model(self) -> Network | Perceptron | None:
        return self.workspace.state.model if self.workspace.state else None

    @property
    def data(self):  # noqa: ANN201 - LessonData | None
        return self.workspace.state.data if self.workspace.state else None

    @property
    def history(self):  # noqa: ANN201 - History
        return self.state.history

    @property
    def optimizer(self) -> SGD:
        return self.state.optimizer

    @property
    def settings(self) -> TrainingSettings:
        return self.state.settings

    @property
    def last_snapshot(self) -> Snapshot | None:
        return self.workspace.last_frame

    @property
    def last_status(self) -> str:
        return self.workspace.status_text

    def network(self) -> Network:
        """The model as a Network (a perceptron as its one step layer)."""
        return self.state.network

    def weights(self) -> list:
        return self.network().get_weights()

    # -- wiring ------------------------------------------------------------------------------

    def _connect(self) -> None:
        w = self.window
        w.action_fit.triggered.connect(w.canvas.fit_to_window)
        w.lessons.lesson_chosen.connect(self.load_lesson_safely)
        w.types_page.lesson_chosen.connect(self.load_lesson_safely)

    # -- opening -----------------------------------------------------------------------------

    def lesson_list(self) -> list[Lesson]:
        return list_lessons()

    @Slot(str)
    def load_lesson_safely(self, name: str) -> bool:
        """Open a lesson; on a bad file, say so and keep everything as it was."""
        try:
            state = lesson_state(name, self.watchable)
        except (LessonError, DatasetError, FileNotFoundError, ValueError, MemoryError) as error:
            warn(self.window, "Cannot open the lesson", message_for(error, name))
            return False
        self.open_state(state)
        return True

    def load_lesson(self, name_or_path: str | Path) -> None:
        """Open a lesson, raising its error (the CLI-style path; the GUI uses the safe one)."""
        self.open_state(lesson_state(name_or_path, self.watchable))

    def open_state(self, state: WorkspaceState) -> None:
        """Stop training, then swap the whole state in at once: every view follows."""
        self.stop_training()
        self.pacer.discard()
        self.workspace.open(state)

    def _on_opened(self, state: WorkspaceState) -> None:
        self.set_drawing_budget(self.budget_share)
        self.show_still()
        self.lesson_loaded.emit(state.lesson.name)

    # -- drawing -----------------------------------------------------------------------------

    def show_still(self, status: str | None = None) -> None:
        """Draw the model as it stands (no training running)."""
        state = self.workspace.state
        if state is None:
            return
        history = state.history
        snapshot = still_snapshot(state.model, state.data.X_train, state.probe_index,
                                  history=history, status=status or self.last_status,
                                  epoch=history.epochs,
                                  loss=history["loss"][-1] if history.epochs else float("nan"))
        self.pacer.offer(snapshot, urgent=True)

    def _draw(self, snapshot: Snapshot) -> None:
        """One frame, only if it is of the open model; running trainers wait meanwhile."""
        generation = None if snapshot.status not in ("running", "paused") else \
            self.runs.generation
        if not self.workspace.belongs(snapshot, generation):
            self.trainer.frame_drawn()  # dropped, but acknowledged: the trainer sends the next
            return
        control = self.trainer.control if self.trainer.is_running else None
        if control is not None and self.trainer.shares_gil:
            control.hold_for_drawing()
        try:
            self.workspace.show_frame(snapshot)
        finally:
            if control is not None and self.trainer.shares_gil:
                control.release_after_drawing()
            self.trainer.frame_drawn()

    def set_drawing_budget(self, share: float) -> None:
        """Let drawing take about ``share`` of the GUI's time while training."""
        self.budget_share = share
        state = self.workspace.state
        weights = 0 if state is None else sum(p.size for p in state.network.parameters())
        if self.trainer.shares_gil:
            # Big nets spend their steps in BLAS: a smaller share keeps >= 80 % of a trainer
            # thread's speed while the canvas still updates a few times a second.
            self.pacer.budget_share = share * (0.5 if weights > 50_000 else 1.0)
        else:  # its own GIL: the budget only keeps the GUI free for input
            self.pacer.budget_share = min(PROCESS_BUDGET_FACTOR * share, 0.75)
            self.pacer.max_fps = PROCESS_MAX_FPS

    # -- training (TrainingRuns does the work) -------------------------------------------------

    @property
    def trainer(self) -> Trainer:
        return self.runs.trainer

    @property
    def is_training(self) -> bool:
        return self.runs.trainer.is_running

    def start_training(self, paused: bool = False) -> bool:
        """Start a run from the current weights; False if there is nothing to train."""
        return self.runs.start(paused)

    def stop_training(self, wait_ms: int = 1000) -> bool:
        """Stop the run (and the comparison's network) and wait for both to end."""
        return self.runs.stop(wait_ms)

    @Slot()
    def toggle_training(self) -> None:
        """Train, pause, or resume (Space)."""
        self.runs.toggle()

    @Slot(str)
    def single_step(self, unit: str) -> None:
        """Train one sample, batch or epoch, then stay paused."""
        self.runs.single_step(unit)

    def close_trainers(self) -> None:
        """Stop training and end the trainers (the window is closing)."""
        self.companion.stop()
        self.runs.trainer.close()


__all__ = ["TRAINER_CHOICE", "AppController"]
