"""The Qt worker and its thread, with pytest-qt: what only the thread does (the behaviours
both trainers share are in test_trainer_contract.py).

Waits use ``qtbot.waitUntil`` on a recorder living in the GUI thread: ``waitSignal`` on a
signal emitted from another thread is flaky (DESIGN.md, Threading).
"""

import pytest
from PySide6.QtCore import QObject, Slot

from nnsim.core.datasets import load_dataset
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.training.loop import FINISHED, RUNNING, STOPPED, TrainingJob
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


def test_a_consumer_that_never_acknowledges_frames_gets_snapshots_at_the_loops_pace(
        qtbot, trainer):
    # The comparison panel shows each Snapshot but draws no frames of the app's: frame_drawn
    # (the contract's pacing) only paces a consumer that calls it.
    recorder = Recorder(trainer)
    trainer.start(xor_job())
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= 5, timeout=5000)
    steps = [s.step for s in recorder.snapshots]
    assert steps == sorted(steps) and steps[-1] > 0
    assert all(s.status == RUNNING for s in recorder.snapshots)
    assert trainer.stop(wait_ms=1000)


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


def test_close_joins_the_thread(qtbot, trainer):
    recorder = Recorder(trainer)
    trainer.start(xor_job())
    qtbot.waitUntil(lambda: bool(recorder.snapshots), timeout=5000)
    thread = trainer._run.thread
    trainer.close()
    assert not thread.isRunning()


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


def test_a_lost_acknowledgement_stalls_the_frames_for_one_second_at_most():
    """A consumer that drops a Snapshot without acknowledging it must not stop the picture for
    the rest of the run: after LOST_ACK_S the loop builds the next one anyway."""
    from nnsim.training.trainer import LOST_ACK_S
    from nnsim.training.worker import FrameCredit

    now = [100.0]
    credit = FrameCredit(paced=True, clock=lambda: now[0])
    assert credit.ready()
    credit.spend()
    assert not credit.ready()
    now[0] += LOST_ACK_S / 2
    assert not credit.ready()  # still waiting for the frame to be drawn
    credit.drawn()
    assert credit.ready()
    credit.spend()
    now[0] += LOST_ACK_S + 0.01
    assert credit.ready()  # never acknowledged: taken as lost
    assert FrameCredit(paced=False).ready()


def test_the_trainer_process_outbox_also_takes_an_overdue_acknowledgement_as_lost():
    """The child's outbox sends one Snapshot per acknowledged frame; one never acknowledged
    holds the next for LOST_ACK_S at most, and a late ack never sends an older one after."""
    from multiprocessing import Pipe

    from nnsim.training import child
    from nnsim.training.trainer import LOST_ACK_S

    now = [1000.0]
    parent, child_end = Pipe()
    outbox = child._Outbox(child_end)
    outbox.clock = lambda: now[0]

    def received() -> list[int]:
        outbox.flush()
        steps = []
        while parent.poll(0.2):
            steps.append(child.receive_message(parent)[2])
        return steps

    outbox.publish(1, "s1")
    assert received() == ["s1"]
    outbox.publish(1, "s2")  # s1 not yet drawn: s2 waits
    assert not outbox.ready() and received() == []
    now[0] += LOST_ACK_S + 0.1
    assert outbox.ready()
    outbox.publish(1, "s3")  # the ack of s1 is overdue: s3 goes, s2 is dropped
    assert received() == ["s3"]
    outbox.acknowledged()  # s1's late ack sends nothing old
    assert received() == []


def test_a_finished_workers_object_goes_back_to_the_gui_thread(qtbot, trainer, qapp):
    """Destroyed in its own thread, the worker took Qt's connection locks there and waited for
    the GIL the GUI thread held while it waited for those locks (a frozen window): it must end
    its run in the GUI thread's hands, alive, and its thread must end."""
    recorder = Recorder(trainer)
    trainer.start(xor_job(epochs=20))
    run = trainer._run
    qtbot.waitUntil(lambda: bool(recorder.results), timeout=5000)
    qtbot.waitUntil(lambda: not run.thread.isRunning(), timeout=5000)
    qapp.processEvents()
    assert run.worker.thread() is qapp.thread()  # not deleted: a live object, at home
    assert run.worker.objectName() == ""
