"""The Qt worker and its thread, with pytest-qt.

Waits use ``qtbot.waitUntil`` on a recorder living in the GUI thread: ``waitSignal`` on a
signal emitted from another thread is flaky (DESIGN.md, Threading).
"""

import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnsim.core.datasets import load_dataset
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.training.control import TrainingControl
from nnsim.training.loop import FINISHED, PAUSED, STOPPED, TrainingJob
from nnsim.training.worker import TrainerThread, TrainingWorker


class Recorder(QObject):
    """Lives in the GUI thread; counts what the trainer reports."""

    def __init__(self, trainer: TrainerThread) -> None:
        super().__init__()
        self.trainer = trainer
        self.snapshots = []
        self.notifications = 0
        self.results = []
        self.failures = []
        trainer.snapshot_ready.connect(self.take)
        trainer.finished.connect(self.record_result)
        trainer.failed.connect(self.record_failure)

    @Slot()
    def take(self) -> None:
        self.notifications += 1
        snapshot = self.trainer.take_snapshot()
        if snapshot is not None:
            self.snapshots.append(snapshot)

    @Slot(object)
    def record_result(self, result) -> None:
        self.results.append(result)

    @Slot(str)
    def record_failure(self, message: str) -> None:
        self.failures.append(message)


def xor_job(**options) -> TrainingJob:
    xor = load_dataset("xor")
    settings = {"epochs": None, "batch_size": 1, "optimizer": SGD(0.5), "shuffle": False}
    settings.update(options)
    return TrainingJob(Network.from_sizes([2, 2, 1], seed=1), xor.X, xor.y, **settings)


@pytest.fixture
def trainer(qapp):
    trainer = TrainerThread()
    yield trainer
    trainer.stop(2000)


def test_snapshots_arrive_in_the_gui_thread_and_stop_is_quick(qtbot, trainer):
    recorder = Recorder(trainer)
    control = trainer.start(xor_job())
    assert trainer.control is control and trainer.is_running
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 5, timeout=5000)
    steps = [s.step for s in recorder.snapshots]
    assert steps == sorted(steps) and steps[-1] > 0
    started = time.monotonic()
    assert trainer.stop(wait_ms=1000)
    assert time.monotonic() - started < 1.0
    assert not trainer.is_running
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=2000)
    result = recorder.results[0]
    assert result.status == STOPPED and result.steps >= steps[-1]
    qtbot.waitUntil(lambda: recorder.snapshots[-1].status == STOPPED, timeout=2000)
    assert recorder.snapshots[-1].step == result.steps
    assert recorder.failures == []


def test_a_finished_run_reports_its_result_and_last_snapshot(qtbot, trainer):
    recorder = Recorder(trainer)
    trainer.start(xor_job(epochs=50))
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=5000)
    assert recorder.results[0].status == FINISHED and recorder.results[0].steps == 200
    qtbot.waitUntil(lambda: bool(recorder.snapshots) and recorder.snapshots[-1].step == 200,
                    timeout=2000)
    assert recorder.snapshots[-1].status == FINISHED
    qtbot.waitUntil(lambda: not trainer._alive, timeout=2000)
    assert not trainer.is_running


def test_pause_and_single_step_through_the_control(qtbot, trainer):
    recorder = Recorder(trainer)
    control = TrainingControl()
    control.pause()
    trainer.start(xor_job(), control)
    qtbot.waitUntil(lambda: bool(recorder.snapshots) and recorder.snapshots[-1].status == PAUSED,
                    timeout=5000)
    assert recorder.snapshots[-1].step == 0
    control.single_step("epoch")
    qtbot.waitUntil(lambda: recorder.snapshots[-1].step == 4, timeout=5000)
    assert recorder.snapshots[-1].status == PAUSED and recorder.snapshots[-1].epoch == 1
    assert trainer.is_running
    assert trainer.stop(1000)


def test_an_exception_in_training_arrives_as_failed(qtbot, trainer):
    recorder = Recorder(trainer)
    X = np.zeros((4, 2))
    job = TrainingJob(Network.from_sizes([2, 2], seed=0), X, np.array([0, 1, 2, 3]), epochs=1)
    trainer.start(job)
    qtbot.waitUntil(lambda: bool(recorder.failures), timeout=5000)
    assert "class labels must be in 0..1" in recorder.failures[0]
    assert recorder.results == []
    qtbot.waitUntil(lambda: not trainer.is_running and not trainer._alive, timeout=2000)


def test_start_and_stop_100_times_leaves_no_thread_running(qtbot, trainer):
    recorder = Recorder(trainer)
    threads = []
    for _ in range(100):
        trainer.start(xor_job())
        threads.append(trainer._run.thread)
        assert trainer.stop(wait_ms=1000)
        assert not trainer.is_running
    qtbot.waitUntil(lambda: not trainer._alive, timeout=5000)
    assert not any(thread.isRunning() for thread in threads)
    qtbot.waitUntil(lambda: len(recorder.results) == 1, timeout=2000)
    # Only the last run is current, so only its result is relayed.
    assert recorder.results[0].status == STOPPED
    assert recorder.failures == []


def test_starting_twice_is_refused(qtbot, trainer):
    trainer.start(xor_job())
    with pytest.raises(RuntimeError, match="already running"):
        trainer.start(xor_job())
    assert trainer.stop(1000)


def test_worker_notifies_only_when_the_mailbox_was_empty(qtbot, qapp):
    # run() called directly in the GUI thread: signals are delivered synchronously.
    worker = TrainingWorker(xor_job(epochs=20, grid=False))
    notifications, results = [], []
    worker.snapshot_ready.connect(lambda: notifications.append(1))
    worker.finished.connect(results.append)
    worker.run()
    # Nobody took the first Snapshot, so every later one replaced it without a notification.
    assert len(notifications) == 1
    assert results[0].status == FINISHED and results[0].steps == 80
    assert worker.take_snapshot().status == FINISHED
    assert worker.take_snapshot() is None
