"""The Qt adapters of the ``Trainer`` contract (``trainer.py``): a thread, or a process.

The only Qt module of ``nnsim.training``. The loop publishes into a one-slot mailbox; the worker
emits ``snapshot_ready`` only when the slot was empty, so at most one notification is ever
queued and a slow view skips frames instead of slowing training. The GUI steers through the
run's ``TrainingControl`` (thread-safe primitives), never through signals into the busy thread.
``make_trainer`` picks the adapter the app trains with.
"""

from __future__ import annotations

import multiprocessing.process
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from nnsim.core.snapshot import Snapshot
from nnsim.training.blas_threads import one_blas_thread
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult, run_training
from nnsim.training.mailbox import LatestMailbox
from nnsim.training.remote import RemoteTrainer
from nnsim.training.trainer import LOST_ACK_S, THREAD, TRAINER_CHOICE, Trainer, trainer_kind

THREAD_ENDED = "the training thread was ended ({name}); press Train to start again"
CLOSE_WAIT_S = 5.0
"""Longest wait for a run's thread on closing: the loop checks for stop between steps, and a
thread cannot be ended from outside, so only a huge single step could take this long."""


class FrameCredit:
    """One Snapshot in flight: the next running one is built once the last was drawn.

    Only once the consumer has said it draws (``drawn`` was called): a consumer that merely
    shows each Snapshot never acknowledges, and then gets them at the loop's own pace. An
    acknowledgement that has not come within ``LOST_ACK_S`` is taken as lost.
    """

    def __init__(self, paced: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.paced = paced
        self._drawn = True
        self._clock = clock
        self._spent_at = 0.0

    def ready(self) -> bool:
        """Asked by the loop before it builds a running Snapshot (any thread)."""
        return self._drawn or not self.paced or self._clock() - self._spent_at > LOST_ACK_S

    def spend(self) -> None:
        """A Snapshot goes out: called before it is handed over, so its own ack is never lost."""
        self._spent_at = self._clock()
        self._drawn = False

    def drawn(self) -> None:
        """The consumer drew the last Snapshot."""
        self.paced = True
        self._drawn = True


def back_to_gui_thread(worker: QObject) -> None:
    """Hand a worker object back to the GUI thread as its last act in its own thread.

    Deleted in the worker thread (``deleteLater`` on the thread's ``finished``), a Python
    QObject with connections to GUI objects takes Qt's connection locks there and then waits
    for the GIL, while the GUI thread, holding the GIL, waits for those locks to disconnect a
    signal: both wait for ever (a frozen window; caught once in CI, in the dataset loader).
    Back home it is destroyed by the GUI thread, with the GIL, when its owner lets it go."""
    app = QCoreApplication.instance()
    if app is not None and worker.thread() is not app.thread():
        worker.moveToThread(app.thread())


class TrainingWorker(QObject):
    """Runs one TrainingJob in whatever thread it lives in; never lets an exception escape."""

    snapshot_ready = Signal()
    """A new Snapshot waits in the mailbox: call ``take_snapshot()``."""
    finished = Signal(object)
    """Training ended; carries the TrainingResult."""
    failed = Signal(str)
    """Training raised an exception, or the thread was ended from outside; carries why."""

    def __init__(self, job: TrainingJob, control: TrainingControl | None = None,
                 mailbox: LatestMailbox[Snapshot] | None = None,
                 credit: FrameCredit | None = None) -> None:
        super().__init__()
        self.job = job
        self.control = control if control is not None else TrainingControl()
        self.mailbox = mailbox if mailbox is not None else LatestMailbox()
        self.credit = credit

    @Slot()
    def run(self) -> None:
        """Train; emit ``finished(result)`` or ``failed(message)``."""
        try:
            self._run()
        finally:
            back_to_gui_thread(self)

    def _run(self) -> None:
        ready = None if self.credit is None else self.credit.ready
        try:
            # One BLAS thread for the trainer leaves the other core to the GUI (DESIGN.md, 7).
            with one_blas_thread(self.job.model):
                result = run_training(self.job, self.control, self._publish, ready=ready)
        except Exception as error:  # noqa: BLE001 - an escaped exception would kill the thread
            self.failed.emit(str(error) or type(error).__name__)
            return
        except BaseException as error:  # noqa: BLE001 - e.g. SystemExit raised into the thread:
            # escaping, it would leave the thread's event loop running and the run never ended
            self.failed.emit(THREAD_ENDED.format(name=type(error).__name__))
            return
        self.finished.emit(result)

    def _publish(self, snapshot: Snapshot) -> None:
        if self.credit is not None:
            self.credit.spend()
        if self.mailbox.put(snapshot):
            self.snapshot_ready.emit()

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot, or None if none arrived since the last take."""
        return self.mailbox.take()


class _Run(QObject):
    """One run's thread, worker and mailbox, kept alive until its thread has finished.

    Lives in the GUI thread, so the worker's signals arrive here as queued calls (DESIGN.md,
    point 4); it relays them only while it is still the owner's current run, so a late signal
    of a stopped run never reaches the app as if the new run had sent it.
    """

    def __init__(self, owner: TrainerThread, job: TrainingJob, control: TrainingControl,
                 paced: bool) -> None:
        super().__init__()
        self.owner = owner
        self.control = control
        self.reported = False  # its end reached the GUI thread: no longer running
        self.mailbox: LatestMailbox[Snapshot] = LatestMailbox()
        self.credit = FrameCredit(paced)
        self.thread = QThread()
        self.worker = TrainingWorker(job, control, self.mailbox, self.credit)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: quit from the worker thread itself, so a GUI thread blocked in stop()'s wait()
        # need not deliver it. QThread.quit is thread-safe.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.failed.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.snapshot_ready.connect(self._on_snapshot_ready)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.thread.finished.connect(self._on_thread_finished)

    @property
    def current(self) -> bool:
        return self.owner._run is self

    @Slot()
    def _on_snapshot_ready(self) -> None:
        if self.current:
            self.owner.snapshot_ready.emit()

    @Slot(object)
    def _on_finished(self, result: TrainingResult) -> None:
        self.reported = True
        if self.current:
            self.owner.finished.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.reported = True
        if self.current:
            self.owner.failed.emit(message)

    @Slot()
    def _on_thread_finished(self) -> None:
        self.thread.wait()  # finished is emitted just before the thread ends; let it end
        self.owner._alive.discard(self)


class TrainerThread(QObject):
    """The ``Trainer`` over a QThread: the loop shares the GUI's GIL (``NNSIM_TRAINER=thread``).

    Lives in the GUI thread; its signals are emitted there, so anything may be connected.
    """

    snapshot_ready = Signal()
    """A new Snapshot is waiting: call ``take_snapshot()``."""
    finished = Signal(object)
    """The current run ended; carries its TrainingResult."""
    failed = Signal(str)
    """The current run raised an exception; carries its message."""
    shares_gil = True
    """Every frame drawn is time the loop cannot run Python: the GUI holds it while drawing."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run: _Run | None = None
        self._alive: set[_Run] = set()  # runs whose thread has not yet reported finished
        self._paced = False  # a consumer acknowledged a frame: build Snapshots per frame

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> TrainingControl:
        """Train ``job`` in a new thread; pass a control to set speed or pause before step 1."""
        if self.is_running:
            raise RuntimeError("training is already running: stop() it before starting again")
        run = _Run(self, job, control if control is not None else TrainingControl(),
                   self._paced)
        self._run = run
        self._alive.add(run)
        run.thread.start()
        return run.control

    def stop(self, wait_ms: int = 1000) -> bool:
        """Ask the loop to stop and wait for its thread; True if it ended within ``wait_ms``."""
        run = self._run
        if run is None:
            return True
        run.control.request_stop()
        return run.thread.wait(wait_ms)

    def close(self) -> None:
        """Stop the run and join every thread still ending (a stopped run's too)."""
        deadline = time.monotonic() + CLOSE_WAIT_S
        for run in list(self._alive):
            run.control.request_stop()
            run.thread.wait(max(0, int(1000 * (deadline - time.monotonic()))))

    @property
    def is_running(self) -> bool:
        run = self._run
        return run is not None and not run.reported and run.thread.isRunning()

    @property
    def control(self) -> TrainingControl | None:
        """The current (or last) run's control; None before the first start."""
        return None if self._run is None else self._run.control

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot of the current (or last) run, or None if none is new."""
        return None if self._run is None else self._run.mailbox.take()

    def frame_drawn(self) -> None:
        """A frame was drawn: from now on the loop builds one running Snapshot per frame, so
        it spends no time (and no GIL the GUI waits for) on Snapshots nobody sees."""
        self._paced = True
        if self._run is not None:
            self._run.credit.drawn()


class TrainerProcess(QObject):
    """The ``Trainer`` over a child process (``remote.RemoteTrainer``), which trains beside
    the GUI with its own GIL: drawing never slows it and it never slows drawing.

    The child's messages arrive in a reader thread, whose private signals are queued to this
    object in the GUI thread; the public signals are emitted there, as ``TrainerThread``'s.
    """

    snapshot_ready = Signal()
    """A new Snapshot is waiting: call ``take_snapshot()``."""
    finished = Signal(object)
    """The current run ended; carries its TrainingResult (the model already holds its weights)."""
    failed = Signal(str)
    """The current run raised an exception, or the child died; carries the message."""
    shares_gil = False
    """Its own interpreter and core: drawing costs training nothing."""

    _arrived = Signal(int)
    _ended = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._remote = RemoteTrainer(self._arrived.emit, self._ended.emit)
        self._current = 0  # the run whose signals are relayed: the last one started

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> TrainingControl:
        """Train ``job`` in the child process; settings made on ``control`` carry over."""
        remote = self._remote.start(job, control)
        self._current = self._remote.run  # its signals are queued: none was relayed yet
        return remote

    def stop(self, wait_ms: int = 1000) -> bool:
        """Ask the run to stop; True if its end was reported within ``wait_ms`` (the signal
        is then queued: process events to receive it)."""
        return self._remote.stop(wait_ms / 1000)

    def close(self) -> None:
        """Stop the run and end the child process (on quitting)."""
        self._remote.close()

    @property
    def is_running(self) -> bool:
        return self._remote.is_running

    @property
    def control(self) -> TrainingControl | None:
        """The current (or last) run's control; None before the first start."""
        return self._remote.control

    @property
    def child_process(self) -> multiprocessing.process.BaseProcess | None:
        """The trainer process, once the first run started it."""
        return self._remote.child

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot of the current (or last) run, or None if none is new."""
        return self._remote.take_snapshot()

    def frame_drawn(self) -> None:
        """A frame was drawn: the child builds the next Snapshot (one per frame)."""
        self._remote.acknowledge()

    @Slot(int)
    def _on_arrived(self, run: int) -> None:
        if run == self._current:
            self.snapshot_ready.emit()

    @Slot(int, object, object)
    def _on_ended(self, run: int, result: TrainingResult | None, error: str | None) -> None:
        if run != self._current:
            return
        if error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)


def make_trainer(parent: QObject | None = None) -> Trainer:
    """The trainer ``NNSIM_TRAINER`` picks: a thread if it says "thread", else a process."""
    return TrainerThread(parent) if trainer_kind() == THREAD else TrainerProcess(parent)


__all__ = ["TRAINER_CHOICE", "Trainer", "TrainerProcess", "TrainerThread", "TrainingWorker",
           "make_trainer"]
