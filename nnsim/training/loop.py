"""The training loop: a plain function, no Qt, no threads (DESIGN.md, Threading).

``run_training`` runs epochs of mini-batches, checks a ``TrainingControl`` between steps, and
hands ``publish`` a Snapshot at most ~60 times a second (and at the end, after each single step
and whenever it pauses). Time comes from injected ``clock`` and ``sleep`` so tests run it on a
fake clock. The hot path is a train step plus a few attribute reads; Snapshots, weight copies
and the boundary grid are only built when one is published.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.grid import grid_extent, grid_maps, grid_points
from nnsim.core.history import History, history_view
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.control import Change, TrainingControl
from nnsim.training.derived import probe_activations, weights_finite
from nnsim.training.recording import RunRecord
from nnsim.training.separability import linearly_separable
from nnsim.training.steppers import NetworkStepper, PerceptronStepper, Weights, make_stepper

Array = np.ndarray

RUNNING = "running"
PAUSED = "paused"
STOPPED = "stopped"
FINISHED = "finished"
CONVERGED = "converged"
DIVERGED = "diverged: lower the learning rate"
NOT_SEPARABLE = "not separable: no straight line separates these classes; add a hidden layer"

#: Shortest time between two published Snapshots: about 60 a second.
#: Why a run diverged (TrainingResult.reason).
NON_FINITE = "the loss or a weight became infinite or NaN in epoch {epoch}"
WORSE = ("epoch {epoch} ended with loss {loss:.4g}, above {factor:g} times the loss of the "
         "starting weights or of always guessing the mean target (limit {ceiling:.4g}), far "
         "above it or for {patience} epochs in a row")
STUCK = ("the loss stayed at {loss:.4g} in epoch {epoch}, worse than always guessing the mean "
         "target ({baseline:.4g}): the units saturated and nothing learns any more")

MIN_PUBLISH_INTERVAL = 1 / 60
#: Most of the trainer's time that building Snapshots (the grid, copies) may take.
SNAPSHOT_SHARE = 0.2
#: Longest single sleep while paused or held back by the speed limit, so stop stays prompt.
POLL_INTERVAL = 0.02
#: Steps per second are measured over windows at least this long.
RATE_WINDOW = 0.25
#: An epoch loss this many times worse than both the starting loss and a constant guess means
#: the steps overshoot: bounded outputs (sigmoid, softmax) saturate instead of reaching NaN.
DIVERGENCE_FACTOR = 1.5
#: Epochs in a row above the ceiling before a run counts as diverged: with momentum one epoch
#: can spike and recover (the spiral's did at epoch 1,874 and went on to loss 0.0008).
DIVERGENCE_PATIENCE = 5
#: ... unless it is this many times above the ceiling: then at once (a real blow-up).
DIVERGENCE_AT_ONCE = 2.0
#: Epoch losses this close are "unchanged": saturated units pass no gradient, so nothing moves.
STUCK_TOLERANCE = 1e-9


@dataclass
class TrainingJob:
    """Everything one run needs. ``epochs=None`` trains until stopped.

    ``y`` holds class labels or targets (as ``Network.as_targets`` accepts them; 0/1 for a
    Perceptron, which ignores ``optimizer``, ``loss`` and ``batch_size`` and uses its own
    ``learning_rate``). ``grid=None`` computes the decision boundary when the model has exactly
    2 inputs. ``steps_per_second`` is the starting speed limit (None: unlimited).
    """

    model: Network | Perceptron
    X: Array
    y: Array
    X_val: Array | None = None
    y_val: Array | None = None
    epochs: int | None = 100
    batch_size: int = 32
    optimizer: SGD = field(default_factory=SGD)
    loss: str = "sse"
    seed: int | None = None
    shuffle: bool = True
    probe_index: int = 0
    grid: bool | None = None
    grid_size: int = 100
    stop_when_loss_below: float | None = None
    max_steps: int | None = None
    steps_per_second: float | None = None
    checkpoint_budget: int | None = None
    """Record the weights at every epoch's end (and before the first) within this many bytes,
    for the timeline (``TrainingResult.checkpoints``); None records nothing."""

    def __post_init__(self) -> None:
        if self.epochs is not None and self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, or None to train until stopped, "
                             f"got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if len(self.X) == 0:
            raise ValueError("there are no training rows: X is empty")
        if (self.X_val is None) != (self.y_val is None):
            raise ValueError("give both X_val and y_val, or neither")


@dataclass
class TrainingResult:
    """How a run ended: its status, per-epoch history, steps and epochs run, last Snapshot."""

    status: str
    history: History
    steps: int
    epochs: int
    snapshot: Snapshot | None = None
    reason: str = ""
    """Why a run diverged, in words (verdicts.py says it to the user)."""
    checkpoints: Checkpoints | None = None
    """The run's weights by epoch counted from its start (0: before its first step), when
    the job asked for them (``TrainingJob.checkpoint_budget``)."""


Publish = Callable[[Snapshot], object]
EpochCallback = Callable[[int, dict[str, float]], object]


def run_training(job: TrainingJob, control: TrainingControl, publish: Publish, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep,
                 on_epoch_end: EpochCallback | None = None,
                 ready: Callable[[], bool] | None = None) -> TrainingResult:
    """Train ``job.model`` in place until its epochs end, it converges, diverges or is stopped.

    Diverged means a batch loss or a weight became NaN or infinite, or an epoch's loss ended
    ``DIVERGENCE_FACTOR`` times above both the starting loss and the loss of always guessing the
    mean target, or stayed unchanged above that guess (units saturated, nothing learns); the
    weights of the last published Snapshot are then restored. Exceptions (bad
    data, a step activation under backprop) propagate to the caller.

    ``ready`` (optional) says whether the consumer wants a running Snapshot now; while it
    says no, none is built (a trainer process builds one per frame the GUI draws). Paused,
    single-step and final Snapshots are always published.
    """
    # Divergence is detected and handled below; NumPy's overflow warnings would only be noise.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _Loop(job, control, publish, clock, sleep, on_epoch_end, ready).run()


class _Loop:
    """The state of one run; ``run`` is the loop itself."""

    def __init__(self, job: TrainingJob, control: TrainingControl, publish: Publish,
                 clock: Callable[[], float], sleep: Callable[[float], object],
                 on_epoch_end: EpochCallback | None,
                 ready: Callable[[], bool] | None = None) -> None:
        self.job, self.control, self.publish_to = job, control, publish
        self.ready = ready if ready is not None else lambda: True
        self.clock, self.sleep, self.on_epoch_end = clock, sleep, on_epoch_end
        self.stepper = make_stepper(job.model, job.X, job.y, job.optimizer, job.loss)
        self.n = len(self.stepper.X)
        self.rng = np.random.default_rng(job.seed) if job.shuffle else None
        self.batch_size = self.stepper.batch_size(job.batch_size)
        self.speed = job.steps_per_second
        self.probe = min(max(int(job.probe_index), 0), self.n - 1)
        self.history = History()
        self.step = self.epoch = self.position = 0
        self.epoch_loss, self.epoch_correct = 0.0, 0
        loss, accuracy = self.stepper.evaluate(job.X, job.y)
        self.loss = loss
        self.metrics = {"loss": loss, "accuracy": accuracy}
        self.baseline = self.stepper.baseline_loss()
        self.loss_ceiling = (None if self.baseline is None
                             else DIVERGENCE_FACTOR * max(loss, self.baseline))
        self.pending_units: deque[str] = deque()
        self.unit: str | None = None
        self._init_grid()
        now = clock()
        self.next_step_at, self.last_step_at = now, -math.inf
        self.last_publish_at = -math.inf
        self.publish_interval = MIN_PUBLISH_INTERVAL
        self.rate_since, self.rate_steps, self.steps_per_second = now, 0, 0.0
        self.last_snapshot: Snapshot | None = None
        self.seen_weights: set[tuple[float, ...]] = set()
        self.settings_changed = False  # since the last Snapshot
        self.good_weights: Weights | None = None
        self.reason = NON_FINITE  # what made a run diverge, when it does
        self.epochs_above = 0  # epochs in a row above the loss ceiling
        self.record: RunRecord | None = None
        if job.checkpoint_budget is not None:
            self.record = RunRecord(job.checkpoint_budget, self.stepper.as_network())
            self.record.record(0, self.stepper.as_network())

    def _init_grid(self) -> None:
        grid = self.job.grid
        if grid is None:
            grid = self.stepper.n_inputs == 2
        elif grid and self.stepper.n_inputs != 2:
            raise ValueError(f"a decision boundary needs a 2-input model, this one has "
                             f"{self.stepper.n_inputs} inputs; set grid=False")
        self.extent = grid_extent(self.stepper.X) if grid else None
        self.points = grid_points(self.extent, self.job.grid_size) if grid else None

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> TrainingResult:
        control, stepper = self.control, self.stepper
        stepper.begin_epoch(self.rng)
        status = self._loop(control, stepper)
        if status == DIVERGED and self.good_weights is not None:
            stepper.restore(self.good_weights)
        if status == DIVERGED and self.record is not None:
            self.record.drop_non_finite()
        self._publish(status, check=False)
        reason = self.reason.format(epoch=self.epoch + 1) if self.reason == NON_FINITE \
            else self.reason
        return TrainingResult(status, self.history, self.step, self.epoch, self.last_snapshot,
                              reason if status == DIVERGED else "",
                              None if self.record is None else self.record.checkpoints)

    def _loop(self, control: TrainingControl, stepper: NetworkStepper | PerceptronStepper) -> str:
        if not self._publish(PAUSED if control.is_paused else RUNNING):
            return DIVERGED
        n, sum_loss, clock = self.n, stepper.sum_loss, self.clock
        while True:
            if control.stop_requested:
                return STOPPED
            if control.gui_drawing:
                control.wait_while_drawing()
            if self.job.max_steps is not None and self.step >= self.job.max_steps:
                return STOPPED
            if control.has_changes:
                self._apply(control.take_changes())
            if self.unit is None:
                if control.is_paused:
                    if not self.pending_units:
                        if not self._wait_while_paused():
                            return STOPPED
                        continue
                    self.unit = self.pending_units.popleft()
                else:
                    if self.pending_units:
                        self.pending_units.clear()  # resumed: queued single steps are moot
                    if self.speed is not None and not self._turn_has_come():
                        continue
            rows = 1 if self.unit == "sample" else self.batch_size
            stop = min(self.position + rows, n)
            value, correct = stepper.step(self.position, stop)
            self.step += 1
            if not math.isfinite(value):
                return DIVERGED
            self.loss = value
            self.epoch_loss += value if sum_loss else value * (stop - self.position)
            self.epoch_correct += correct
            self.position = stop
            unit_done = self.unit in ("sample", "batch")
            if stop == n:
                status = self._end_epoch()
                if status is not None:
                    return status
                unit_done = self.unit is not None
            if unit_done:
                self.unit = None
                if not self._publish(PAUSED if control.is_paused else RUNNING):
                    return DIVERGED
            elif clock() - self.last_publish_at >= self.publish_interval and self.ready():
                if not self._publish(RUNNING):
                    return DIVERGED

    def _end_epoch(self) -> str | None:
        """Record the epoch's figures; the final status if training ends here, else None."""
        job, stepper = self.job, self.stepper
        loss = self.epoch_loss if stepper.sum_loss else self.epoch_loss / self.n
        logs = {"loss": loss, "accuracy": self.epoch_correct / self.n}
        if job.X_val is not None:
            logs["val_loss"], logs["val_accuracy"] = stepper.evaluate(job.X_val, job.y_val)
        self.history.append(logs)
        self.metrics = dict(logs)
        stepper.epoch_finished(logs)
        self.epoch += 1
        self.epoch_loss, self.epoch_correct, self.position = 0.0, 0, 0
        if self.record is not None:
            self.record.record(self.epoch, self.stepper.as_network())
        if self.on_epoch_end is not None:
            self.on_epoch_end(self.epoch, dict(logs))
        if self._blown_up(loss):
            return DIVERGED
        perceptron = isinstance(job.model, Perceptron)
        if perceptron and loss == 0:
            return CONVERGED
        if perceptron and self._cycled(job.model):
            return NOT_SEPARABLE
        if job.stop_when_loss_below is not None and loss < job.stop_when_loss_below:
            return CONVERGED
        if job.epochs is not None and self.epoch >= job.epochs:
            if perceptron and linearly_separable(stepper.X, stepper.y) is False:
                return NOT_SEPARABLE  # proved by the linear programme, not guessed
            return FINISHED
        stepper.begin_epoch(self.rng)
        return None

    def _cycled(self, perceptron: Perceptron) -> bool:
        """The weights came back to where an earlier epoch with mistakes left them: they cycle
        for ever, which only happens when no line separates the classes (the LP confirms)."""
        key = tuple(np.round(perceptron.weights, 9))
        if key not in self.seen_weights:
            self.seen_weights.add(key)
            return False
        return linearly_separable(self.stepper.X, self.stepper.y) is False

    def _blown_up(self, loss: float) -> bool:
        """Far worse than at the start, or stuck worse than a constant guess (saturated)."""
        if self.baseline is None:
            return False
        history = self.history["loss"]
        stuck = len(history) >= 2 and loss > self.baseline and \
            abs(loss - history[-2]) <= STUCK_TOLERANCE * abs(loss)
        self.epochs_above = self.epochs_above + 1 if loss > self.loss_ceiling else 0
        if loss > DIVERGENCE_AT_ONCE * self.loss_ceiling:
            self.epochs_above = max(self.epochs_above, DIVERGENCE_PATIENCE)
        if stuck:
            self.reason = STUCK.format(loss=loss, baseline=self.baseline, epoch=self.epoch)
        elif self.epochs_above >= DIVERGENCE_PATIENCE:
            self.reason = WORSE.format(loss=loss, factor=DIVERGENCE_FACTOR,
                                       ceiling=self.loss_ceiling, epoch=self.epoch,
                                       patience=DIVERGENCE_PATIENCE)
        elif math.isfinite(loss) and loss <= self.loss_ceiling / DIVERGENCE_FACTOR:
            # No worse than where the run started: weights worth going back to (a run that
            # publishes no snapshots, the command line's, has no other record of them).
            self.good_weights = tuple(self.stepper.as_network().get_weights())
        return stuck or self.epochs_above >= DIVERGENCE_PATIENCE

    # -- control -----------------------------------------------------------------------------

    def _apply(self, changes: list[Change]) -> None:
        self.settings_changed = True
        for name, value in changes:
            if name == "learning_rate":
                self.stepper.learning_rate = value
            elif name == "speed":
                self.speed = value
                if value is not None:
                    self.next_step_at = self.last_step_at + 1 / value
            elif name == "batch_size":
                self.batch_size = self.stepper.batch_size(value)
            elif name == "probe":
                self.probe = min(value, self.n - 1)
            elif name == "single_step":
                self.pending_units.append(value)

    def _wait_while_paused(self) -> bool:
        """Wait, staying responsive, until resumed or a single step; False if stopped."""
        control = self.control
        shown = self.last_snapshot
        if shown is None or shown.status != PAUSED or shown.step != self.step \
                or self.settings_changed:
            self._publish(PAUSED)
        while control.is_paused and not control.stop_requested:
            if control.has_changes:
                self._apply(control.take_changes())
                if self.pending_units:
                    break
                self._publish(PAUSED)  # a new probe or learning rate should show at once
            self.sleep(POLL_INTERVAL)
        now = self.clock()
        self.next_step_at = now
        self.rate_since, self.rate_steps = now, self.step
        return not control.stop_requested

    def _turn_has_come(self) -> bool:
        """Under a speed limit: True when the next step is due, else sleep a little."""
        now = self.clock()
        if now < self.next_step_at:
            self.sleep(min(self.next_step_at - now, POLL_INTERVAL))
            return False
        interval = 1 / self.speed
        late = now - self.next_step_at > interval  # after a slow step, do not catch up in bursts
        self.next_step_at = now + interval if late else self.next_step_at + interval
        self.last_step_at = now
        return True

    # -- snapshots ---------------------------------------------------------------------------

    def _publish(self, status: str, check: bool = True) -> bool:
        """Build and publish a Snapshot; False (nothing published) if the weights diverged.

        Published weights are copies nobody writes to, so the last finite ones double as the
        weights to restore after a divergence, without copying anything per step.
        """
        clock = self.clock
        started = clock()
        network = self.stepper.as_network()
        weights = tuple(network.get_weights())
        if check:
            if not weights_finite(weights):
                return False
            self.good_weights = weights
        self.settings_changed = False
        elapsed = started - self.rate_since
        final = status not in (RUNNING, PAUSED)
        first = final and self.steps_per_second == 0 and self.step > self.rate_steps
        if elapsed >= RATE_WINDOW or (first and elapsed > 0):
            self.steps_per_second = (self.step - self.rate_steps) / elapsed
            self.rate_since, self.rate_steps = started, self.step
        maps = None if self.points is None else grid_maps(network, self.points,
                                                          self.job.grid_size)
        snapshot = Snapshot(
            step=self.step, epoch=self.epoch, loss=float(self.loss), weights=weights,
            metrics=dict(self.metrics),
            activations=probe_activations(network, self.stepper.X[self.probe]),
            probe_index=self.probe,
            boundary=None if maps is None else maps.boundary,
            neuron_maps=None if maps is None else maps.neuron_maps,
            output_maps=None if maps is None else maps.outputs,
            regions=None if maps is None else maps.regions,
            grid_extent=self.extent,
            history=history_view(self.history),  # bounded: a frame costs the same at any epoch
            status=status, steps_per_second=self.steps_per_second,
            epochs_total=self.job.epochs, seconds_left=self._seconds_left(status),
            learning_rate=self.stepper.learning_rate, batch_size=self.batch_size,
            epoch_progress=self.position / self.n)
        self.last_snapshot = snapshot
        self.publish_to(snapshot)
        finished = clock()
        self.last_publish_at = finished
        # A big grid or net makes Snapshots dear: publish less often rather than train slower.
        self.publish_interval = max(MIN_PUBLISH_INTERVAL, (finished - started) / SNAPSHOT_SHARE)
        return True

    def _seconds_left(self, status: str) -> float | None:
        """Training time still to go at the measured pace, when the epochs are fixed."""
        if self.job.epochs is None or status not in (RUNNING, PAUSED) \
                or self.steps_per_second <= 0:
            return None
        rows_left = (self.job.epochs - self.epoch) * self.n - self.position
        return math.ceil(rows_left / self.batch_size) / self.steps_per_second
