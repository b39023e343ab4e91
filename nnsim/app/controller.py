"""The controller: wires the window to the workspace and the trainers.

The workspace (``nnsim.workspace``) holds what is open; views and the links subscribe to it.
This class only turns user intent into workspace changes and trainer runs: opening states,
starting, pausing and stopping training, and passing its frames through the workspace's gate.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot

from nnsim.app.companion import Companion
from nnsim.app.data_link import DataLink
from nnsim.app.digits_link import DigitsLink
from nnsim.app.frame_pacer import FramePacer
from nnsim.app.frame_views import FrameViews
from nnsim.app.main_window import MainWindow
from nnsim.app.messages import TRAINING_FAILED, message_for, warn
from nnsim.app.model_edits import ModelEdits
from nnsim.app.stepper_link import StepperLink
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.lessons import Lesson, list_lessons
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training import worker as _worker
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult
from nnsim.training.still import still_snapshot
from nnsim.training.verdicts import verdict
from nnsim.training.worker import TrainerThread

try:  # TEMPORARY until the trainer contract lands
    from nnsim.training.worker import make_trainer
except ImportError:
    import os

    def make_trainer(parent):  # type: ignore[no-redef]
        thread = os.environ.get("NNSIM_TRAINER", "").strip().lower() == "thread"
        trainer = (_worker.TrainerThread if thread else _worker.TrainerProcess)(parent)
        trainer.shares_gil = thread
        if thread:
            trainer.close = lambda: trainer.stop(1000)
        return trainer
from nnsim.workspace import RunStatus, Workspace, WorkspaceState
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
        self.trainer = make_trainer(self)
        self.trainer.snapshot_ready.connect(self._on_snapshot_ready)
        self.trainer.finished.connect(self._on_finished)
        self.trainer.failed.connect(self._on_failed)
        self.run_generation = -1
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
        w, c = self.window, self.window.controls
        w.action_train.triggered.connect(self.toggle_training)
        w.action_step_sample.triggered.connect(lambda: self.single_step("sample"))
        w.action_step_batch.triggered.connect(lambda: self.single_step("batch"))
        w.action_step_epoch.triggered.connect(lambda: self.single_step("epoch"))
        w.action_fit.triggered.connect(w.canvas.fit_to_window)
        w.lessons.lesson_chosen.connect(self.load_lesson_safely)
        c.train_toggled.connect(self._on_train_toggled)
        c.step_requested.connect(self.single_step)
        c.learning_rate_changed.connect(lambda v: self._set_live("learning_rate", float(v)))
        c.batch_size_changed.connect(lambda v: self._set_live("batch_size", int(v)))
        c.epochs_changed.connect(lambda v: self._set_live("epochs", int(v)))
        c.seed_changed.connect(lambda v: self._set_live("seed", int(v)))
        c.speed_changed.connect(lambda v: self._set_live("speed", v))

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
            self.run_generation
        if not self.workspace.belongs(snapshot, generation):
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
        weights = 0 if state is None else sum(W.size for W, _ in state.network.get_weights())
        if self.trainer.shares_gil:
            # Big nets spend their steps in BLAS: a smaller share keeps >= 80 % of a trainer
            # thread's speed while the canvas still updates a few times a second.
            self.pacer.budget_share = share * (0.5 if weights > 50_000 else 1.0)
        else:  # its own GIL: the budget only keeps the GUI free for input
            self.pacer.budget_share = min(PROCESS_BUDGET_FACTOR * share, 0.75)
            self.pacer.max_fps = PROCESS_MAX_FPS

    # -- training ----------------------------------------------------------------------------

    @property
    def is_training(self) -> bool:
        return self.trainer.is_running

    def _job(self, model: Network | Perceptron, learning_rate: float, batch_size: int,
             loss: str, optimizer: SGD | None = None) -> TrainingJob:
        state, settings = self.state, self.state.settings
        data = state.data
        if isinstance(model, Perceptron):
            model.learning_rate = learning_rate
        optimizer = optimizer if optimizer is not None else SGD(learning_rate)
        optimizer.learning_rate = learning_rate
        return TrainingJob(
            model=model, X=data.X_train, y=data.y_train,
            X_val=data.X_test if data.held_out else None,
            y_val=data.y_test if data.held_out else None,
            epochs=settings.epochs if settings.epochs > 0 else None, batch_size=batch_size,
            optimizer=optimizer, loss=loss, seed=settings.seed + state.history.epochs,
            shuffle=state.lesson.shuffle, probe_index=state.probe_index,
            steps_per_second=settings.speed, max_steps=settings.max_steps)

    def start_training(self, paused: bool = False) -> bool:
        """Start a run from the current weights; False if there is nothing to train."""
        state = self.workspace.state
        if state is None or not state.trainable or self.is_training:
            return False
        if not self.edits.check_trainable():
            return False
        control = TrainingControl()
        if paused:
            control.pause()
        s = state.settings
        try:
            job = self._job(state.model, s.learning_rate, s.batch_size, state.lesson.loss,
                            state.optimizer)
        except ValueError as error:
            warn(self.window, "Cannot train", str(error))
            return False
        self.run_generation = self.workspace.generation
        self.trainer.start(job, control)
        self.workspace.set_status(RunStatus.PAUSED if paused else RunStatus.RUNNING)
        self._show_running(not paused)
        return True

    def stop_training(self, wait_ms: int = 1000) -> bool:
        """Stop the run (and the comparison's network) and wait for both to end."""
        self.companion.stop()
        ended = self.trainer.stop(wait_ms)
        # The run's `finished` is a queued call: deliver queued calls (never user input, which
        # could open another lesson in the middle of this one) so its history is folded in now.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return ended

    def close_trainers(self) -> None:
        """Stop training and end the trainers (the window is closing)."""
        self.companion.stop()
        self.trainer.close()

    def _show_running(self, running: bool) -> None:
        self.window.controls.set_running(running)
        self.window.action_train.setChecked(running)

    @Slot(bool)
    def _on_train_toggled(self, run: bool) -> None:
        if run != self._running_unpaused():
            self.toggle_training()

    def _running_unpaused(self) -> bool:
        control = self.trainer.control
        return self.is_training and control is not None and not control.is_paused

    @Slot()
    def toggle_training(self) -> None:
        """Train, pause, or resume (Space)."""
        if not self.is_training:
            if not self.start_training():
                self.window.action_train.setChecked(False)
            return
        pause = not self.trainer.control.is_paused
        if pause:
            self.trainer.control.pause()
        else:
            self.trainer.control.resume()
        self.workspace.set_status(RunStatus.PAUSED if pause else RunStatus.RUNNING)
        self._show_running(not pause)

    @Slot(str)
    def single_step(self, unit: str) -> None:
        """Train one sample, batch or epoch, then stay paused."""
        if not self.is_training and not self.start_training(paused=True):
            return
        self.trainer.control.pause()
        self.trainer.control.single_step(unit)
        self.companion.step(unit)
        self._show_running(False)

    def _set_live(self, name: str, value: object) -> None:
        """A training control changed: keep it, and apply it to a run under way."""
        if self.workspace.state is None:
            return
        setattr(self.state.settings, name, value)
        control = self.trainer.control
        if not self.is_training or control is None:
            return
        if name == "learning_rate":
            control.set_learning_rate(value)
        elif name == "batch_size":
            control.set_batch_size(value)
        elif name == "speed":
            control.set_speed(value)
            self.companion.set_speed(value)

    @Slot()
    def _on_snapshot_ready(self) -> None:
        snapshot = self.trainer.take_snapshot()
        if snapshot is None or self.run_generation != self.workspace.generation:
            return
        snapshot = self.workspace.with_history(snapshot)
        if snapshot.status == "paused":
            self.pacer.offer(snapshot, urgent=True)
            self._show_running(False)
        else:
            self.pacer.offer(snapshot)

    @Slot(object)
    def _on_finished(self, result: TrainingResult) -> None:
        if self.run_generation != self.workspace.generation:
            return  # a run of a state that is no longer open
        final = None if result.snapshot is None else self.workspace.with_history(
            dataclasses.replace(result.snapshot, history=result.history))
        self.workspace.fold_history(result.history)
        self.workspace.set_status(result.status)
        self._show_running(False)
        if final is not None:
            self.pacer.offer(final, urgent=True)
        self.workspace.weights_were_set()
        figures, state = self.workspace.figures, self.state
        outcome = verdict(result.status, epochs=result.epochs, dataset=state.lesson.dataset,
                          perceptron=isinstance(state.model, Perceptron), reason=result.reason,
                          right=figures.right if figures else None,
                          total=figures.total if figures else None,
                          planned=state.settings.epochs or None)
        self.views.show_verdict(outcome.text, on_plot=self.workspace.status in (
            RunStatus.NOT_SEPARABLE, RunStatus.DIVERGED))
        self.digits.training_ended()
        self.training_finished.emit(result.status)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._show_running(False)
        self.workspace.set_status(RunStatus.STOPPED)
        warn(self.window, "Training stopped", TRAINING_FAILED.format(message=message))
        self.show_still("stopped")


__all__ = ["AppController", "TrainerThread"]
