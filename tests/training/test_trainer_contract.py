"""The ``Trainer`` contract: every behaviour the app relies on, run against both adapters.

Each test runs once with the thread and once with the process, both made by ``make_trainer``
as the app makes them. Waits use ``qtbot.waitUntil`` on a recorder living in the GUI thread
(``waitSignal`` on a signal emitted from another thread is flaky: DESIGN.md, Threading). The
numbers asserted are worked out here, from the job, or by running the loop directly.
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.training.control import TrainingControl
from nnsim.training.loop import (
    DIVERGED,
    FINISHED,
    PAUSED,
    RUNNING,
    STOPPED,
    TrainingJob,
    run_training,
)
from nnsim.training.trainer import PROCESS, THREAD, TRAINER_CHOICE, Trainer
from nnsim.training.worker import TrainerProcess, TrainerThread, make_trainer

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])
ROWS = len(XOR_X)
WAIT_MS = 10_000  # generous: the machine is loaded; a passing wait returns at once


def xor_job(epochs: int | None = None, learning_rate: float = 0.5, batch_size: int = 1,
            **options) -> TrainingJob:
    """A 2-3-1 net on XOR, in order (no shuffling), so steps and epochs are predictable."""
    network = Network.from_sizes([2, 3, 1], ["tanh", "sigmoid"], seed=5)
    return TrainingJob(model=network, X=XOR_X, y=XOR_Y, epochs=epochs, batch_size=batch_size,
                       optimizer=SGD(learning_rate), loss="sse", shuffle=False, **options)


class Recorder(QObject):
    """Lives in the GUI thread; takes each Snapshot and acknowledges it, as the app's frames do."""

    def __init__(self, trainer: Trainer) -> None:
        super().__init__()
        self.trainer = trainer
        self.drawing = True
        self.snapshots: list = []
        self.results: list = []
        self.failures: list[str] = []
        self.running_at_end: list[bool] = []
        trainer.snapshot_ready.connect(self.take)
        trainer.finished.connect(self.record_result)
        trainer.failed.connect(self.record_failure)

    @property
    def last(self):
        return self.snapshots[-1] if self.snapshots else None

    @Slot()
    def take(self) -> None:
        snapshot = self.trainer.take_snapshot()
        if snapshot is not None:
            self.snapshots.append(snapshot)
            if self.drawing:
                self.trainer.frame_drawn()

    @Slot(object)
    def record_result(self, result) -> None:
        self.running_at_end.append(self.trainer.is_running)
        self.results.append(result)

    @Slot(str)
    def record_failure(self, message: str) -> None:
        self.running_at_end.append(self.trainer.is_running)
        self.failures.append(message)


@pytest.fixture(params=[THREAD, PROCESS])
def kind(request) -> str:
    return request.param


@pytest.fixture
def trainer(kind, qapp, monkeypatch):
    monkeypatch.setenv(TRAINER_CHOICE, kind)
    trainer = make_trainer()
    assert isinstance(trainer, TrainerThread if kind == THREAD else TrainerProcess)
    assert isinstance(trainer, Trainer)
    yield trainer
    trainer.close()


@pytest.fixture
def recorder(trainer) -> Recorder:
    return Recorder(trainer)


def wait_for_snapshot(qtbot, recorder: Recorder, condition) -> object:
    qtbot.waitUntil(lambda: recorder.last is not None and condition(recorder.last),
                    timeout=WAIT_MS)
    return recorder.last


def assert_same_weights(model: Network, reference: Network) -> None:
    for (W, b), (W_ref, b_ref) in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(W, W_ref, rtol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=1e-12)


def test_a_run_finishes_with_the_epochs_asked_for_as_the_loop_would(trainer, recorder, qtbot):
    epochs = 30
    job, reference = xor_job(epochs), xor_job(epochs)
    expected = run_training(reference, TrainingControl(), lambda snapshot: None)
    assert trainer.control is None and not trainer.is_running

    control = trainer.start(job)
    assert trainer.control is control and trainer.is_running
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)

    result = recorder.results[0]
    assert result.status == FINISHED
    assert result.epochs == epochs and len(result.history["loss"]) == epochs
    assert result.steps == epochs * ROWS  # batches of one row
    assert result.history["loss"] == pytest.approx(expected.history["loss"], rel=1e-12)
    assert_same_weights(job.model, reference.model)  # the app's own model holds the result
    assert result.snapshot.step == result.steps and result.snapshot.status == FINISHED
    assert recorder.running_at_end == [False]  # a handler may start the next run at once
    assert not trainer.is_running and recorder.failures == []


def test_stop_ends_a_run_promptly(trainer, recorder, qtbot):
    trainer.start(xor_job())
    wait_for_snapshot(qtbot, recorder, lambda s: s.step > 0)
    started = time.monotonic()
    assert trainer.stop(wait_ms=1000)
    assert time.monotonic() - started < 1.0
    assert not trainer.is_running
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    result = recorder.results[0]
    steps = [s.step for s in recorder.snapshots]
    assert steps == sorted(steps)
    assert result.status == STOPPED and result.steps >= steps[-1]
    assert len(result.history["loss"]) == result.epochs == result.steps // ROWS
    assert recorder.failures == []


def test_pause_holds_the_run_and_resume_goes_on(trainer, recorder, qtbot):
    control = trainer.start(xor_job())
    wait_for_snapshot(qtbot, recorder, lambda s: s.status == RUNNING and s.step > 0)
    control.pause()
    held = wait_for_snapshot(qtbot, recorder, lambda s: s.status == PAUSED).step
    qtbot.wait(150)
    assert recorder.last.step == held and trainer.is_running
    control.resume()
    wait_for_snapshot(qtbot, recorder, lambda s: s.status == RUNNING and s.step > held)
    assert trainer.stop(1000)
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    assert recorder.results[0].steps > held


def test_single_steps_advance_exactly_as_asked(trainer, recorder, qtbot):
    batch = 3
    before = TrainingControl()
    before.pause()  # set before the run: it starts paused
    control = trainer.start(xor_job(batch_size=batch), before)
    first = wait_for_snapshot(qtbot, recorder, lambda s: s.status == PAUSED)
    assert (first.step, first.epoch) == (0, 0)

    # Rows 0-3, batches of 3, in order: a sample is row 0; a batch is rows 1-3, which ends
    # epoch 1; an epoch is then ceil(4 / 3) = 2 batches (rows 0-2, row 3); a sample is row 0.
    step, epoch, position = 0, 0, 0
    for unit in ("sample", "batch", "epoch", "sample"):
        if unit == "epoch":
            step += math.ceil((ROWS - position) / batch)
        else:
            step += 1
        position = min(position + (1 if unit == "sample" else batch), ROWS)
        if unit == "epoch" or position == ROWS:
            epoch, position = epoch + 1, 0
        control.single_step(unit)
        shown = wait_for_snapshot(qtbot, recorder, lambda s, step=step: s.step >= step)
        assert (unit, shown.step, shown.epoch, shown.status) == (unit, step, epoch, PAUSED)
    assert (step, epoch) == (5, 2)  # the arithmetic above, spelled out
    assert trainer.is_running and control.is_paused
    assert trainer.stop(1000)
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    assert recorder.results[0].steps == step and recorder.results[0].epochs == epoch


def test_live_changes_are_in_force_while_running(trainer, recorder, qtbot):
    control = trainer.start(xor_job(learning_rate=0.5, batch_size=1))
    wait_for_snapshot(qtbot, recorder, lambda s: s.status == RUNNING)
    control.set_learning_rate(0.125)
    wait_for_snapshot(qtbot, recorder, lambda s: s.learning_rate == 0.125)
    control.set_batch_size(2)
    wait_for_snapshot(qtbot, recorder, lambda s: s.batch_size == 2 and s.learning_rate == 0.125)

    speed = 40.0  # steps a second; unlimited, this net runs thousands
    control.set_speed(speed)
    # In force once the loop's own measurement (over >= 0.25 s) is within the limit.
    wait_for_snapshot(qtbot, recorder, lambda s: 0 < s.steps_per_second <= 1.2 * speed)
    first, since = recorder.last.step, time.monotonic()
    qtbot.wait(600)
    last, seconds = recorder.last.step, time.monotonic() - since
    # Snapshots arrive a little after they were built (more on a loaded machine): allow a
    # quarter of a second. Unlimited, the same time would have run thousands of steps.
    assert speed * seconds / 4 <= last - first <= speed * (seconds + 0.25) + 2
    assert recorder.last.status == RUNNING and recorder.last.batch_size == 2
    assert trainer.stop(1000)


def test_frames_drawn_pace_the_snapshots(trainer, recorder, qtbot):
    trainer.start(xor_job())
    wait_for_snapshot(qtbot, recorder, lambda s: s.step > 0)
    recorder.drawing = False  # the view stops drawing: the one Snapshot in flight still comes
    count = len(recorder.snapshots)
    qtbot.waitUntil(lambda: len(recorder.snapshots) == count + 1, timeout=WAIT_MS)
    qtbot.wait(200)  # hundreds of steps, but no Snapshot is built for a view that draws none
    assert len(recorder.snapshots) == count + 1 and trainer.is_running
    recorder.drawing = True
    trainer.frame_drawn()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= count + 2, timeout=WAIT_MS)
    assert recorder.snapshots[count + 1].step > recorder.snapshots[count].step
    assert trainer.stop(1000)


def test_a_huge_learning_rate_ends_diverged_with_the_last_finite_weights(trainer, recorder,
                                                                          qtbot):
    def job() -> TrainingJob:  # a linear output: its steps overshoot without bound
        network = Network.from_sizes([2, 1], "linear", seed=3)
        return TrainingJob(model=network, X=XOR_X, y=XOR_Y, epochs=None, batch_size=1,
                           optimizer=SGD(100.0), loss="sse", shuffle=False)

    mine, reference = job(), job()
    expected = run_training(reference, TrainingControl(), lambda snapshot: None)
    trainer.start(mine)
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    result = recorder.results[0]
    assert result.status == expected.status == DIVERGED
    assert result.steps == expected.steps
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in mine.model.get_weights())
    assert_same_weights(mine.model, reference.model)


def _loop_thread_id() -> int:
    """The thread running ``run_training`` in this process."""
    for ident, frame in sys._current_frames().items():
        while frame is not None:
            if frame.f_code is run_training.__code__:
                return ident
            frame = frame.f_back
    raise AssertionError("no thread is running the training loop")


def kill_the_end(trainer: Trainer, kind: str) -> None:
    """End what runs the loop from outside: SIGKILL the child, or raise SystemExit into the
    thread (the nearest a thread comes to being killed)."""
    if kind == PROCESS:
        os.kill(trainer.child_process.pid, signal.SIGKILL)
    else:
        killed = ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(_loop_thread_id()), ctypes.py_object(SystemExit))
        assert killed == 1


def test_a_killed_end_is_reported_and_the_next_run_starts(trainer, recorder, qtbot, kind):
    trainer.start(xor_job())
    wait_for_snapshot(qtbot, recorder, lambda s: s.step > 0)
    kill_the_end(trainer, kind)
    qtbot.waitUntil(lambda: bool(recorder.failures), timeout=WAIT_MS)
    assert recorder.failures[0] and recorder.results == []
    assert not trainer.is_running and recorder.running_at_end == [False]

    epochs = 2
    trainer.start(xor_job(epochs))
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    assert recorder.results[0].status == FINISHED
    assert recorder.results[0].steps == epochs * ROWS


def test_an_exception_in_training_arrives_as_failed(trainer, recorder, qtbot):
    model = Network.from_sizes([2, 2], seed=0)
    before = [W.copy() for W, _ in model.get_weights()]
    trainer.start(TrainingJob(model=model, X=XOR_X, y=np.array([0, 1, 2, 3]), epochs=1))
    qtbot.waitUntil(lambda: bool(recorder.failures), timeout=WAIT_MS)
    assert "class labels must be in 0..1" in recorder.failures[0]
    assert recorder.results == [] and not trainer.is_running
    for (W, _), W0 in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_a_stopped_runs_late_messages_never_reach_the_next_run(trainer, recorder, qtbot):
    first_rate, second_rate, epochs = 0.25, 0.75, 3
    trainer.start(xor_job(learning_rate=first_rate))
    wait_for_snapshot(qtbot, recorder, lambda s: s.step > 0)
    assert trainer.stop(1000)
    trainer.start(xor_job(epochs, learning_rate=second_rate))  # no events delivered between
    seen = len(recorder.snapshots)
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    qtbot.wait(50)  # anything else still queued arrives too
    assert [s.learning_rate for s in recorder.snapshots[seen:]] == \
        [second_rate] * (len(recorder.snapshots) - seen)
    assert len(recorder.results) == 1  # the stopped run's end never arrives
    result = recorder.results[0]
    assert result.status == FINISHED and result.steps == epochs * ROWS
    assert result.snapshot.learning_rate == second_rate


def test_one_run_at_a_time_and_close_is_safe_twice(trainer, recorder, qtbot):
    trainer.start(xor_job())
    with pytest.raises(RuntimeError, match="already running"):
        trainer.start(xor_job())
    wait_for_snapshot(qtbot, recorder, lambda s: s.step > 0)
    trainer.close()
    assert not trainer.is_running
    trainer.close()
    epochs = 2
    trainer.start(xor_job(epochs))
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    assert [(r.status, r.steps) for r in recorder.results] == [(FINISHED, epochs * ROWS)]


def test_the_run_hands_back_its_weights_by_epoch_as_a_retrained_run_has_them(trainer, recorder,
                                                                             qtbot):
    """The timeline's record: epoch 0 is the weights before training, and the checkpoint of
    epoch n equals a fresh network trained n epochs by ``Network.fit`` with the same seed."""
    def network() -> Network:
        return Network.from_sizes([2, 3, 1], ["tanh", "sigmoid"], seed=11)

    start = network().get_weights()
    job = TrainingJob(model=network(), X=XOR_X, y=XOR_Y, epochs=40, batch_size=2,
                      optimizer=SGD(0.5, momentum=0.5), loss="sse", shuffle=True, seed=23,
                      checkpoint_budget=2**20)
    trainer.start(job)
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    record = recorder.results[0].checkpoints
    assert record is not None and record.epochs == list(range(41))
    for epoch in (0, 1, 25, 40):
        again = network()
        if epoch:
            again.fit(XOR_X, XOR_Y, epochs=epoch, batch_size=2, optimizer=SGD(0.5, momentum=0.5),
                      loss="sse", shuffle=True, seed=23)
        shown, weights = record.at(epoch)
        assert shown == epoch
        for (W, b), (W2, b2) in zip(weights, again.get_weights(), strict=True):
            np.testing.assert_array_equal(W, W2)
            np.testing.assert_array_equal(b, b2)
    assert not np.array_equal(record.at(0)[1][0][0], record.at(40)[1][0][0])
    np.testing.assert_array_equal(record.at(0)[1][0][0], start[0][0])
    assert_same_weights(job.model, network_with(record.at(40)[1]))


def network_with(weights) -> Network:
    model = Network.from_sizes([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    model.set_weights(weights)
    return model


def test_a_job_without_a_budget_records_nothing(trainer, recorder, qtbot):
    trainer.start(xor_job(3))
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=WAIT_MS)
    assert recorder.results[0].checkpoints is None
