"""The controller: owns the lesson, the model and the trainer, and feeds the views.

Views only draw and forward intent; the trainer only trains. Everything that changes the model
happens here, in the GUI thread, and only while no training thread is running.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from nnsim.app.data_link import CLOUDS, DataLink
from nnsim.app.digits_link import DigitsLink
from nnsim.app.frame_pacer import FramePacer
from nnsim.app.main_window import MainWindow
from nnsim.app.messages import DIVERGED, NOT_SEPARABLE, TRAINING_FAILED, warn
from nnsim.app.stepper_link import StepperLink
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.history import History
from nnsim.core.layers import Dense
from nnsim.core.lessons import Lesson, LessonData, list_lessons, load_lesson
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult
from nnsim.training.still import still_snapshot
from nnsim.training.worker import TrainerProcess, TrainerThread

Weights = list[tuple[np.ndarray, np.ndarray | None]]
COMPANION = "companion"
CURVES_INTERVAL = 0.5


class SetWeights(QUndoCommand):
    """An undoable change of every weight (stepper update, edited weight, reset)."""

    def __init__(self, controller: AppController, before: Weights, after: Weights,
                 text: str) -> None:
        super().__init__(text)
        self.controller, self.before, self.after = controller, before, after

    def redo(self) -> None:
        self.controller.write_weights(self.after)

    def undo(self) -> None:
        self.controller.write_weights(self.before)


PROCESS_BUDGET_FACTOR = 2.0
"""A trainer process loses nothing to drawing, so the GUI may draw twice the chosen share."""
PROCESS_MAX_FPS = 32.0
"""Frames a second at most with a trainer process (30 with a thread, which each frame slows):
smooth on a projector with room for timer slack; on two cores every frame more still costs
training (the spiral with its boundary kept 87 % at 32 fps, 63-84 % at 40)."""
TRAINER_CHOICE = "NNSIM_TRAINER"
"""Set to "thread" to train in a thread of the GUI's process instead of a child process."""


def make_trainer(parent: QObject) -> TrainerProcess | TrainerThread:
    """The main trainer: a child process, whose own GIL lets it train at full speed while the
    GUI draws (bench/app_bench.py measures both); a thread where ``NNSIM_TRAINER=thread``."""
    if os.environ.get(TRAINER_CHOICE, "").strip().lower() == "thread":
        return TrainerThread(parent)
    return TrainerProcess(parent)


class AppController(StepperLink, DigitsLink, DataLink, QObject):
    """Lesson, model, training and drawing for one MainWindow."""

    lesson_loaded = Signal(str)
    """A lesson finished loading; carries its name."""
    training_finished = Signal(str)
    """A training run ended; carries its final status."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.trainer = make_trainer(self)
        self.trainer.snapshot_ready.connect(self._on_snapshot_ready)
        self.trainer.finished.connect(self._on_finished)
        self.trainer.failed.connect(self._on_failed)
        self.companion = TrainerThread(self)
        self.companion.snapshot_ready.connect(self._on_companion_snapshot)
        self.pacer = FramePacer(self._draw, parent=self)
        self._curves_epochs, self._curves_drawn_at = -1, 0.0
        self.budget_share = 0.3
        self.undo_stack = QUndoStack(self)
        self.lesson: Lesson | None = None
        self.data: LessonData | None = None
        self.model: Network | Perceptron | None = None
        self.companion_model: Network | None = None
        self.optimizer = SGD(0.1)
        self.history = History()
        self.seed = 0
        self.runs = 0
        self.learning_rate = 0.1
        self.batch_size = 1
        self.epochs = 10
        self.speed: float | None = None
        self.max_steps: int | None = None
        self.probe_index = 0
        self.last_snapshot: Snapshot | None = None
        self.last_status = "ready"
        self.loss_name = "sse"
        self.stepper_input: tuple[np.ndarray, float | None] | None = None
        self.pad_row: np.ndarray | None = None
        self.pad_network: Network | None = None
        self.backward_trace = None
        self._digit_refresh = QTimer(self)
        self._digit_refresh.setInterval(2000)
        self._digit_refresh.timeout.connect(self._refresh_digit_model)
        self._connect()

    # -- wiring ------------------------------------------------------------------------------

    def _connect(self) -> None:
        w = self.window
        w.action_train.triggered.connect(self.toggle_training)
        w.action_step_sample.triggered.connect(lambda: self.single_step("sample"))
        w.action_step_batch.triggered.connect(lambda: self.single_step("batch"))
        w.action_step_epoch.triggered.connect(lambda: self.single_step("epoch"))
        w.action_reset.triggered.connect(lambda: self.reset_weights(new_seed=False))
        w.action_reset_random.triggered.connect(lambda: self.reset_weights(new_seed=True))
        w.action_undo.triggered.connect(self.undo_stack.undo)
        w.action_redo.triggered.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(w.action_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(w.action_redo.setEnabled)
        w.action_undo.setEnabled(False)
        w.action_redo.setEnabled(False)
        w.action_fit.triggered.connect(w.canvas.fit_to_window)
        c = w.controls
        c.train_toggled.connect(self._on_train_toggled)
        c.step_requested.connect(self.single_step)
        c.reset_requested.connect(lambda new: self.reset_weights(new_seed=new))
        c.learning_rate_changed.connect(self.set_learning_rate)
        c.batch_size_changed.connect(self.set_batch_size)
        c.epochs_changed.connect(self.set_epochs)
        c.seed_changed.connect(self.set_seed)
        c.speed_changed.connect(self.set_speed)
        w.lessons.lesson_chosen.connect(self.load_lesson_safely)
        w.canvas.neuron_selected.connect(self.inspect_neuron)
        w.canvas.weight_edited.connect(self.edit_weight)
        w.editor.architecture_changed.connect(self.change_architecture)
        w.stepper.input_chosen.connect(self._on_stepper_input)
        w.stepper.settings_changed.connect(self.refresh_stepper)
        w.stepper.step_shown.connect(self._on_step_shown)
        w.stepper.update_applied.connect(self.apply_update)
        w.boundary.point_clicked.connect(self._on_point_clicked)
        w.boundary.plane_clicked.connect(self._on_plane_clicked)
        w.boundary.points_edited.connect(self.replace_points)
        w.when_built("digits", "signals", self._connect_digit_pad)
        w.action_pretrained.triggered.connect(self.load_pretrained)
        w.action_evaluate.triggered.connect(self.evaluate)
        w.cloud_actions.triggered.connect(lambda action: self.set_cloud(name=action.data()))
        w.noise_actions.triggered.connect(lambda action: self.set_cloud(noise=action.data()))
        w.action_resample.triggered.connect(lambda: self.set_cloud(resample=True))
        for key, dock in w.docks.items():
            dock.visibilityChanged.connect(lambda visible, key=key: self._on_dock_shown(key,
                                                                                      visible))

    # -- lessons -----------------------------------------------------------------------------

    def lesson_list(self) -> list[Lesson]:
        return list_lessons()

    @Slot(str)
    def load_lesson_safely(self, name: str) -> bool:
        """Load a lesson; on a bad file, say so and keep the current one."""
        try:
            self.load_lesson(name)
        except (LessonError, DatasetError, FileNotFoundError, ValueError) as error:
            warn(self.window, "Cannot open the lesson", str(error))
            return False
        return True

    def load_lesson(self, name_or_path: str) -> None:
        """Stop training, build the lesson's model and data, and show its panels."""
        lesson = load_lesson(name_or_path)
        data = lesson.load_data() if lesson.kind != "activations" else None
        self.stop_training()
        self.lesson, self.data = lesson, data
        self.seed = lesson.seed
        self.learning_rate, self.batch_size = lesson.learning_rate, lesson.batch_size
        self.epochs, self.loss_name = lesson.epochs, lesson.loss
        self.probe_index = self._probe_index_for(lesson, data)
        self.history = History()
        self.undo_stack.clear()
        self.last_status = "ready"
        self.stepper_input = None
        self.cloud_options = {"name": lesson.dataset, **lesson.dataset_options}
        w = self.window
        w.controls.set_values(self.learning_rate, self.batch_size, self.epochs, self.seed)
        w.controls.set_enabled_for(lesson.kind)
        w.lessons.set_current(lesson.name)
        w.show_panels(lesson.panels)
        w.setWindowTitle(f"nnsim: {lesson.title}")
        if data is None:
            # The activations lesson: one neuron, out = f(w1*x1 + w2*x2 + b), to click on.
            self.data = LessonData(np.array([[1.0, 0.5]]), np.array([1]), np.array([[1.0, 0.5]]),
                                   np.array([1]), 2, None, ("x1", "x2"), False)
            neuron = Dense(2, 1, "sigmoid")
            neuron.set_weights(np.array([[0.8], [-0.6]]), np.array([0.2]))
            self.model = Network([neuron])
            self._configure_views()
            w.gallery.show_point(None, None)
            w.resizeDocks([w.docks["gallery"]], [640], Qt.Orientation.Horizontal)
        else:
            self.model = lesson.build_model(data.X_train.shape[1], seed=self.seed)
            self._configure_views()
        self._sync_data_menu()
        self.lesson_loaded.emit(lesson.name)

    def _probe_index_for(self, lesson: Lesson, data: LessonData | None) -> int:
        if data is None or lesson.probe_input is None:
            return 0
        matches = np.flatnonzero(np.all(np.isclose(data.X_train, lesson.probe_input), axis=1))
        return int(matches[0]) if len(matches) else 0

    def _configure_views(self) -> None:
        """Give every view the new architecture and data, then draw the model as it stands."""
        w, data, network = self.window, self.data, self.network()
        assert data is not None
        self.set_drawing_budget(self.budget_share)
        activations = [layer.activation.name for layer in network.layers]
        w.canvas.set_architecture(network.sizes, activations,
                                  [layer.bias is not None for layer in network.layers],
                                  image_shape=data.image_shape)
        w.curves.clear()
        self._curves_epochs = -1
        w.editor.set_architecture(network.sizes[0], [layer.spec() for layer in network.layers])
        two_d = data.X_train.shape[1] == 2
        if two_d:
            test_mask = None
            X, y = data.X_train, data.y_train
            if data.held_out:
                X = np.vstack([data.X_train, data.X_test])
                y = np.concatenate([data.y_train, data.y_test])
                test_mask = np.r_[np.zeros(len(data.X_train), bool), np.ones(len(data.X_test),
                                                                               bool)]
            w.boundary.set_points(X, y, test_mask)
            w.boundary.show_message(None)
            w.boundary.set_editable(False)
            w.truth_table.set_architecture(network.spec())
            w.truth_table.set_rows(data.X_train, data.y_train)
            cloud = self.lesson is not None and self.lesson.dataset in CLOUDS
            w.boundary.toolbar.setVisible(cloud)
            w.when_built("comparison", "points", lambda view, X=data.X_train,
                         y=data.y_train: view.set_points(X, y))
        choices = [(self._row_label(x, t), x, float(t)) for x, t in
                   zip(data.X_train[:50], data.y_train[:50], strict=True)]
        if self.lesson is not None and self.lesson.probe_input is not None:
            target = self.lesson.probe_target
            choices.insert(0, ("lesson input " + self._row_label(
                np.array(self.lesson.probe_input), target), np.array(self.lesson.probe_input),
                target))
        if network.sizes[0] <= 16:
            w.stepper.set_input_choices(choices)
        w.stepper.set_learning_rate(self.learning_rate)
        self._configure_digit_pad()
        self.show_still()
        self.refresh_stepper()

    @staticmethod
    def _row_label(x: np.ndarray, target: float | None) -> str:
        values = ", ".join(f"{v:g}" for v in x[:4]) + (", …" if len(x) > 4 else "")
        return f"[{values}]" + ("" if target is None else f" → {int(target)}")

    def network(self) -> Network:
        """The model as a Network (a perceptron as its one step layer)."""
        assert self.model is not None
        return self.model.as_network() if isinstance(self.model, Perceptron) else self.model

    # -- drawing -----------------------------------------------------------------------------

    def show_still(self, status: str | None = None) -> None:
        """Draw the model as it stands (no training running)."""
        if self.model is None or self.data is None:
            return
        snapshot = still_snapshot(self.model, self.data.X_train, self.probe_index,
                                  history=self.history, status=status or self.last_status,
                                  epoch=self.history.epochs,
                                  loss=self.history["loss"][-1] if self.history.epochs
                                  else float("nan"))
        self.last_snapshot = snapshot
        self.pacer.offer(snapshot, urgent=True)

    def _visible(self, key: str) -> bool:
        dock = self.window.docks[key]
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _draw(self, snapshot: Snapshot) -> None:
        """One frame; running trainers wait between steps meanwhile, so it has the GIL."""
        controls = [trainer.control for trainer in (self.trainer, self.companion)
                    if trainer.is_running and trainer.control is not None]
        for control in controls:
            control.hold_for_drawing()
        try:
            self._draw_views(snapshot)
            if controls:  # paint now, while the trainers wait, not later against them
                QCoreApplication.processEvents(
                    QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            for control in controls:
                control.release_after_drawing()
            self.trainer.frame_drawn()

    def _draw_views(self, snapshot: Snapshot) -> None:
        w = self.window
        if self.pad_row is not None and self._visible("digits"):
            snapshot = dataclasses.replace(snapshot, activations=self._activations(
                snapshot.weights, self.pad_row))
        w.status.show_snapshot(snapshot)
        if self._visible("curves") and self._draw_curves(snapshot) \
                and snapshot.status == "running":
            # Re-laying the curves' axes out takes 10-15 ms, as long as a big canvas: a frame
            # of its own, so no frame holds the GUI for both; the views follow next frame.
            self.pacer.offer(snapshot)
            return
        w.canvas.show_snapshot(snapshot)
        if snapshot.boundary is not None:
            if self._visible("boundary"):
                w.boundary.show_snapshot(snapshot)
            if self._visible("comparison"):
                w.comparison.show_left(snapshot)
            if self._visible("truth_table"):
                w.truth_table.show_snapshot(snapshot)
            w.canvas.set_neuron_thumbnails(snapshot.neuron_maps)

    def _draw_curves(self, snapshot: Snapshot) -> bool:
        """Curves change once per epoch; a fast run ends hundreds of epochs a second, and
        re-laying the axes out costs more than the rest of a frame, so at most twice a
        second while running (always for the final or a paused snapshot). True if drawn."""
        epochs = len(snapshot.history.get("loss", ()))
        now = time.perf_counter()
        if epochs == self._curves_epochs:
            return False
        if snapshot.status == "running" and now - self._curves_drawn_at < CURVES_INTERVAL:
            return False
        self.window.curves.show_history(snapshot.history)
        self._curves_epochs, self._curves_drawn_at = epochs, now
        return True

    def _on_dock_shown(self, key: str, visible: bool) -> None:
        self._curves_epochs = -1
        if visible and self.last_snapshot is not None and key in ("curves", "boundary",
                                                                   "truth_table", "comparison"):
            QTimer.singleShot(0, lambda: self._draw(self.last_snapshot))

    def _with_run_offsets(self, snapshot: Snapshot) -> Snapshot:
        """A run's snapshot seen against everything trained before it."""
        if not self.history:  # the first run: the trainer's copy is already the whole story
            return snapshot
        history = {key: list(values) for key, values in self.history.items()}
        for key, values in snapshot.history.items():
            history.setdefault(key, []).extend(values)
        return dataclasses.replace(snapshot, epoch=self.history.epochs + snapshot.epoch,
                                   history=history)

    @Slot()
    def _on_snapshot_ready(self) -> None:
        snapshot = self.trainer.take_snapshot()
        if snapshot is None:
            return
        snapshot = self._with_run_offsets(snapshot)
        self.last_snapshot = snapshot
        if snapshot.status == "paused":
            self.pacer.offer(snapshot, urgent=True)
            self.window.controls.set_running(False)
            self.window.action_train.setChecked(False)
        else:
            self.pacer.offer(snapshot)

    @Slot()
    def _on_companion_snapshot(self) -> None:
        snapshot = self.companion.take_snapshot()
        if snapshot is not None and self._visible("comparison"):
            self.window.comparison.show_right(snapshot)

    # -- training ----------------------------------------------------------------------------

    @property
    def is_training(self) -> bool:
        return self.trainer.is_running

    def _job(self, model: Network | Perceptron, learning_rate: float, batch_size: int,
             loss: str) -> TrainingJob:
        assert self.data is not None and self.lesson is not None
        data = self.data
        validation = (data.X_test, data.y_test) if data.held_out else (None, None)
        if isinstance(model, Perceptron):
            model.learning_rate = learning_rate
            optimizer = SGD(learning_rate)
        else:
            optimizer = self.optimizer if model is self.model else SGD(learning_rate)
            optimizer.learning_rate = learning_rate
        return TrainingJob(
            model=model, X=data.X_train, y=data.y_train, X_val=validation[0],
            y_val=validation[1], epochs=self.epochs if self.epochs > 0 else None,
            batch_size=batch_size, optimizer=optimizer, loss=loss,
            seed=self.seed + self.runs, shuffle=self.lesson.shuffle,
            probe_index=self.probe_index, steps_per_second=self.speed,
            max_steps=self.max_steps)

    def start_training(self, paused: bool = False) -> bool:
        """Start a run from the current weights; False if there is nothing to train."""
        if self.model is None or self.data is None or self.is_training:
            return False
        if self.lesson is not None and self.lesson.kind == "activations":
            return False
        if not self._check_trainable():
            return False
        control = TrainingControl()
        if paused:
            control.pause()
        try:
            job = self._job(self.model, self.learning_rate, self.batch_size, self.loss_name)
        except ValueError as error:
            warn(self.window, "Cannot train", str(error))
            return False
        self.runs += 1
        self.trainer.start(job, control)
        self._start_companion(paused)
        self.window.controls.set_running(not paused)
        self.window.action_train.setChecked(not paused)
        if self._visible("digits"):
            self._digit_refresh.start()
        return True

    def set_drawing_budget(self, share: float) -> None:
        """Let drawing take about ``share`` of the GUI's time while training."""
        self.budget_share = share
        network = self.network() if self.model is not None else None
        weights = 0 if network is None else sum(layer.weights.size for layer in network.layers)
        if isinstance(self.trainer, TrainerThread):
            # Big nets spend their steps in BLAS: a smaller drawing share keeps >= 80 % of a
            # trainer thread's speed while the canvas still updates a few times a second.
            self.pacer.budget_share = share * (0.5 if weights > 50_000 else 1.0)
        else:  # its own GIL: the budget only keeps the GUI free for input
            self.pacer.budget_share = min(PROCESS_BUDGET_FACTOR * share, 0.75)
            self.pacer.max_fps = PROCESS_MAX_FPS

    def _check_trainable(self) -> bool:
        network = self.network()
        for layer in network.layers[:-1] if isinstance(self.model, Network) else []:
            if layer.activation.derivative is None and layer.activation.elementwise:
                warn(self.window, "Cannot train this network",
                     f"A hidden layer uses the {layer.activation.name} activation, which has "
                     "no useful derivative, so backpropagation cannot pass through it. Choose "
                     "sigmoid, tanh or ReLU in the Network editor.")
                return False
        if isinstance(self.model, Network) and network.layers[-1].activation.name == "step":
            warn(self.window, "Cannot train this network",
                 "The output layer uses the step activation, which backpropagation cannot "
                 "train. Choose sigmoid for the output layer.")
            return False
        return True

    def _start_companion(self, paused: bool) -> None:
        """Side by side: a 2-2-1 network learns the same gate as the perceptron, in step."""
        if not isinstance(self.model, Perceptron) or not self._visible("comparison"):
            return
        if self.companion_model is None:
            self.companion_model = Network.from_sizes([2, 2, 1], "sigmoid", seed=26)
        control = TrainingControl()
        if paused:
            control.pause()
        job = self._job(self.companion_model, 0.5, 1, "sse")
        job.epochs = None if self.epochs <= 0 else max(self.epochs, 1000)
        self.companion.start(job, control)

    def close_trainers(self) -> None:
        """Stop training and end the trainer process (the window is closing)."""
        self.stop_training(wait_ms=1000)
        if isinstance(self.trainer, TrainerProcess):
            self.trainer.close()

    def stop_training(self, wait_ms: int = 1000) -> bool:
        """Stop the run (and the companion) and wait for the threads to end."""
        self._digit_refresh.stop()
        ended = self.trainer.stop(wait_ms) and self.companion.stop(wait_ms)
        # The finished signal is queued; fold the run into the history now.
        QCoreApplication.processEvents()
        return ended

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
        controls = [c for c in (self.trainer.control,
                                self.companion.control if self.companion.is_running else None)
                    if c is not None]
        if controls[0].is_paused:
            for control in controls:
                control.resume()
            self.window.controls.set_running(True)
            self.window.action_train.setChecked(True)
        else:
            for control in controls:
                control.pause()
            self.window.controls.set_running(False)
            self.window.action_train.setChecked(False)

    @Slot(str)
    def single_step(self, unit: str) -> None:
        """Train one sample, batch or epoch, then stay paused."""
        if not self.is_training and not self.start_training(paused=True):
            return
        for trainer in (self.trainer, self.companion):
            control = trainer.control
            if trainer.is_running and control is not None:
                control.pause()
                control.single_step(unit)
        self.window.controls.set_running(False)
        self.window.action_train.setChecked(False)

    @Slot(object)
    def _on_finished(self, result: TrainingResult) -> None:
        self._digit_refresh.stop()
        self.companion.stop(1000)
        for key, values in result.history.items():
            self.history.setdefault(key, []).extend(values)
        self.last_status = result.status
        w = self.window
        w.controls.set_running(False)
        w.action_train.setChecked(False)
        if result.snapshot is not None:
            snapshot = dataclasses.replace(result.snapshot, epoch=self.history.epochs,
                                           history={k: list(v) for k, v in
                                                    self.history.items()})
            self.last_snapshot = snapshot
            self.pacer.offer(snapshot, urgent=True)
        if result.status.startswith("not separable"):
            w.boundary.show_message(NOT_SEPARABLE)
            w.comparison.show_message(NOT_SEPARABLE)
        elif result.status.startswith("diverged"):
            w.statusBar().showMessage(DIVERGED, 15000)
        self.refresh_stepper()
        self._refresh_digit_model()
        if self.lesson is not None and self.lesson.report == "classification":
            self.evaluate()
        self.training_finished.emit(result.status)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._digit_refresh.stop()
        self.window.controls.set_running(False)
        self.window.action_train.setChecked(False)
        self.last_status = "stopped"
        warn(self.window, "Training stopped", TRAINING_FAILED.format(message=message))
        self.show_still("stopped")

    # -- live settings -----------------------------------------------------------------------

    @Slot(float)
    def set_learning_rate(self, value: float) -> None:
        self.learning_rate = float(value)
        if self.trainer.control is not None and self.is_training:
            self.trainer.control.set_learning_rate(self.learning_rate)

    @Slot(int)
    def set_batch_size(self, value: int) -> None:
        self.batch_size = int(value)
        if self.trainer.control is not None and self.is_training:
            self.trainer.control.set_batch_size(self.batch_size)

    @Slot(int)
    def set_epochs(self, value: int) -> None:
        self.epochs = int(value)

    @Slot(int)
    def set_seed(self, value: int) -> None:
        self.seed = int(value)

    @Slot(object)
    def set_speed(self, value: float | None) -> None:
        self.speed = value
        for trainer in (self.trainer, self.companion):
            if trainer.is_running and trainer.control is not None:
                trainer.control.set_speed(value)

    # -- changing the model (never while training) ------------------------------------------

    def weights(self) -> Weights:
        return self.network().get_weights()

    def write_weights(self, weights: Weights) -> None:
        """Set every weight (used by undo/redo); training is stopped first."""
        self.stop_training()
        if isinstance(self.model, Perceptron):
            (W, b), = weights
            self.model.weights = np.concatenate([W[:, 0], b])
        else:
            self.network().set_weights(weights)
        self.show_still()
        self.refresh_stepper()

    def _change_weights(self, after: Weights, text: str) -> None:
        self.stop_training()
        self.undo_stack.push(SetWeights(self, self.weights(), after, text))

    @Slot(bool)
    def reset_weights(self, new_seed: bool = False) -> None:
        """Fresh weights: the lesson's (its seed and any weights it gives) or a new seed."""
        if self.lesson is None or self.data is None or self.model is None:
            return
        self.stop_training()
        if new_seed:
            self.seed = random.randrange(1, 100_000)
            self.window.controls.set_values(self.learning_rate, self.batch_size, self.epochs,
                                            self.seed)
        if isinstance(self.model, Network) and self.lesson.kind == "network" and \
                [layer.spec() for layer in self.model.layers] == \
                [layer.spec() for layer in self.lesson.build_model(
                    self.data.X_train.shape[1]).layers] and not new_seed:
            fresh = self.lesson.build_model(self.data.X_train.shape[1], seed=self.seed)
        elif isinstance(self.model, Perceptron):
            fresh = Perceptron(self.model.n_inputs, self.learning_rate, seed=self.seed)
        else:
            fresh = self.network().copy()
            fresh.initialize(self.seed)
        self.history = History()
        self.optimizer.reset()
        self.last_status = "ready"
        self.window.boundary.show_message(None)
        self.window.when_built("comparison", "message", lambda view: view.show_message(None))
        self.companion_model = None
        after = fresh.as_network().get_weights() if isinstance(fresh, Perceptron) \
            else fresh.get_weights()
        self._change_weights(after, "reset weights")
        self.window.curves.clear()
        self._curves_epochs = -1

    @Slot(int, int, int, float)
    def edit_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """A weight typed on the canvas (source -1 is the bias)."""
        if self.model is None:
            return
        after = self.weights()
        W, b = after[layer - 1]
        if source < 0:
            if b is None:
                return
            b[target] = value
        else:
            W[source, target] = value
        self._change_weights(after, "edit weight")

    @Slot(object)
    def apply_update(self, new_weights: Weights) -> None:
        """The stepper's gradient-descent update, undoable with Ctrl+Z."""
        if self.model is None:
            return
        self._change_weights([(np.array(W), None if b is None else np.array(b))
                              for W, b in new_weights], "apply update")

    @Slot(list)
    def change_architecture(self, layers: list[dict]) -> None:
        """Rebuild the network from the editor's layer list (input size fixed by the data)."""
        if self.data is None:
            return
        self.stop_training()
        initializer = self.lesson.initializer if self.lesson is not None else "lecture"
        dtype = self.network().dtype if self.model is not None else np.float64
        try:
            model = Network.from_spec({"inputs": self.data.X_train.shape[1], "layers": layers},
                                      initializer=initializer, seed=self.seed, dtype=dtype)
        except (ValueError, KeyError) as error:
            warn(self.window, "Cannot build this network", str(error))
            return
        self.model = model
        self.optimizer = SGD(self.learning_rate)
        self.history = History()
        self.undo_stack.clear()
        self.last_status = "ready"
        self.window.boundary.show_message(None)
        self.window.controls.set_enabled_for("network")
        self._configure_views()
