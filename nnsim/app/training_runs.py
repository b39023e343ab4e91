"""Training runs for the window: start, pause, step, stop, live settings, and their ends.

Owns the Trainer (a child process or a thread, one contract) and the generation a run was
started under: a snapshot or a result of a run whose state is no longer open is dropped.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Slot

from nnsim.app.messages import TRAINING_FAILED, warn
from nnsim.app.timeline_link import RUN_BUDGET
from nnsim.core.lecture_run import describe_run, epochs_to_match
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult
from nnsim.training.trainer import Trainer
from nnsim.training.verdicts import verdict
from nnsim.training.worker import make_trainer
from nnsim.workspace import RunStatus, WorkspaceState

if TYPE_CHECKING:
    from nnsim.app.controller import AppController


class TrainingRuns(QObject):
    """The main trainer and what the window does around each run."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.workspace, self.window = controller.workspace, controller.window
        self.trainer: Trainer = make_trainer(self)
        self.trainer.snapshot_ready.connect(self._on_snapshot_ready)
        self.trainer.finished.connect(self._on_finished)
        self.trainer.failed.connect(self._on_failed)
        self.generation = -1
        """The workspace generation the current (or last) run was started under."""
        w, c = self.window, self.window.controls
        w.action_train.triggered.connect(self.toggle)
        w.action_step_sample.triggered.connect(lambda: self.single_step("sample"))
        w.action_step_batch.triggered.connect(lambda: self.single_step("batch"))
        w.action_step_epoch.triggered.connect(lambda: self.single_step("epoch"))
        c.train_toggled.connect(self._on_train_toggled)
        c.step_requested.connect(self.single_step)
        c.learning_rate_changed.connect(lambda v: self.set_live("learning_rate", float(v)))
        c.batch_size_changed.connect(lambda v: self.set_live("batch_size", int(v)))
        c.epochs_changed.connect(lambda v: self.set_live("epochs", int(v)))
        c.seed_changed.connect(lambda v: self.set_live("seed", int(v)))
        c.speed_changed.connect(lambda v: self.set_live("speed", v))
        w.action_match_lecture.triggered.connect(self.match_lecture)
        self.workspace.opened.connect(self._on_opened)

    @property
    def is_running(self) -> bool:
        return self.trainer.is_running

    def _on_opened(self, state: WorkspaceState) -> None:
        self.window.action_match_lecture.setEnabled(state.lesson.lecture is not None)

    @Slot()
    def match_lecture(self) -> bool:
        """Set the epochs (and unlimited speed) for as many updates as the lecture's run,
        through the controls, as if the user had typed them; False without a lecture run."""
        state = self.workspace.state
        lecture = None if state is None else state.lesson.lecture
        if lecture is None:
            return False
        rows, batch_size = len(state.data.X_train), state.settings.batch_size
        epochs = epochs_to_match(lecture.updates, rows, batch_size)
        controls = self.window.controls
        controls.epochs.setValue(epochs)
        controls.speed_slider.setValue(controls.speed_slider.maximum())  # unlimited
        self.window.statusBar().showMessage(
            f"{describe_run(rows, batch_size, epochs, 'the open rows')}, as many as "
            f"{lecture.describe()}. Press Train.", 15000)
        return True

    def job(self, model: Network | Perceptron, learning_rate: float, batch_size: int,
            loss: str, optimizer: SGD | None = None) -> TrainingJob:
        """A job on the open rows with the open settings (the companion uses it too)."""
        state = self.workspace.require()
        settings, data = state.settings, state.data
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

    def start(self, paused: bool = False) -> bool:
        """Start a run from the current weights; False if there is nothing to train."""
        state = self.workspace.state
        if state is None or not state.trainable or self.is_running:
            return False
        if not self.controller.edits.check_trainable():
            return False
        if not self.controller.timeline.may_start():  # an earlier epoch is shown: from where?
            return False
        state = self.workspace.require()  # a branch opened another state
        control = TrainingControl()
        if paused:
            control.pause()
        s = state.settings
        try:
            job = self.job(state.model, s.learning_rate, s.batch_size, state.lesson.loss,
                           state.optimizer)
        except ValueError as error:
            warn(self.window, "Cannot train", str(error))
            return False
        job.checkpoint_budget = RUN_BUDGET  # the run's weights by epoch, for the timeline
        self.generation = self.workspace.generation
        self.trainer.start(job, control)
        self.workspace.set_status(RunStatus.PAUSED if paused else RunStatus.RUNNING)
        self._show_running(not paused)
        return True

    def stop(self, wait_ms: int = 1000) -> bool:
        """Stop the run (and the comparison's network) and wait for both to end."""
        self.controller.companion.stop()
        ended = self.trainer.stop(wait_ms)
        # The run's `finished` is a queued call: deliver queued calls (never user input, which
        # could open another lesson in the middle of this one) so its history is folded in now.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return ended

    def _show_running(self, running: bool) -> None:
        self.window.controls.set_running(running)
        self.window.action_train.setChecked(running)

    @Slot(bool)
    def _on_train_toggled(self, run: bool) -> None:
        if run != self.running_unpaused():
            self.toggle()

    def running_unpaused(self) -> bool:
        control = self.trainer.control
        return self.is_running and control is not None and not control.is_paused

    @Slot()
    def toggle(self) -> None:
        """Train, pause, or resume (Space)."""
        if not self.is_running:
            if not self.start():
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
        if not self.is_running and not self.start(paused=True):
            return
        self.trainer.control.pause()
        self.trainer.control.single_step(unit)
        self.controller.companion.step(unit)
        self._show_running(False)

    def set_live(self, name: str, value: object) -> None:
        """A training control changed: keep it, and apply it to a run under way."""
        if self.workspace.state is None:
            return
        setattr(self.workspace.state.settings, name, value)
        control = self.trainer.control
        if not self.is_running or control is None:
            return
        if name == "learning_rate":
            control.set_learning_rate(value)
        elif name == "batch_size":
            control.set_batch_size(value)
        elif name == "speed":
            control.set_speed(value)
            self.controller.companion.set_speed(value)

    # -- what the trainer says -----------------------------------------------------------------

    @Slot()
    def _on_snapshot_ready(self) -> None:
        snapshot = self.trainer.take_snapshot()
        if snapshot is None:
            return
        if self.generation != self.workspace.generation:
            self.trainer.frame_drawn()  # never drawn, but acknowledged (the trainer waits)
            return
        snapshot = self.workspace.with_history(snapshot)
        if snapshot.status == "paused":
            self.controller.pacer.offer(snapshot, urgent=True)
            self._show_running(False)
        else:
            self.controller.pacer.offer(snapshot)

    @Slot(object)
    def _on_finished(self, result: TrainingResult) -> None:
        if self.generation != self.workspace.generation:
            return  # a run of a state that is no longer open
        final = None if result.snapshot is None else self.workspace.with_history(
            dataclasses.replace(result.snapshot, history=result.history))
        offset = self.workspace.require().history.epochs
        self.workspace.fold_history(result.history)
        self.controller.timeline.fold(result.checkpoints, offset)
        self.workspace.set_status(result.status)
        self._show_running(False)
        if final is not None:
            self.controller.pacer.offer(final, urgent=True)
        self.workspace.weights_were_set()
        figures, state = self.workspace.figures, self.workspace.require()
        outcome = verdict(result.status, epochs=result.epochs, dataset=state.lesson.dataset,
                          perceptron=isinstance(state.model, Perceptron), reason=result.reason,
                          right=figures.right if figures else None,
                          total=figures.total if figures else None,
                          planned=state.settings.epochs or None)
        self.controller.views.show_verdict(outcome.text, on_plot=self.workspace.status in (
            RunStatus.NOT_SEPARABLE, RunStatus.DIVERGED))
        self.controller.digits.training_ended()
        self.controller.training_finished.emit(result.status)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._show_running(False)
        self.workspace.set_status(RunStatus.STOPPED)
        warn(self.window, "Training stopped", TRAINING_FAILED.format(message=message))
        self.controller.show_still("stopped")
