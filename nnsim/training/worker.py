"""The Qt adapters around the training loop: a worker thread, or a trainer process.

The only Qt module of ``nnsim.training``. The loop publishes into a one-slot mailbox; the worker
emits ``snapshot_ready`` only when the slot was empty, so at most one notification is ever
queued and a slow view skips frames instead of slowing training. The GUI steers through the
run's ``TrainingControl`` (thread-safe primitives), never through signals into the busy thread.
"""

from __future__ import annotations

import multiprocessing.process

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from nnsim.core.snapshot import Snapshot
from nnsim.training.blas_threads import one_blas_thread
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult, run_training
from nnsim.training.mailbox import LatestMailbox
from nnsim.training.remote import RemoteTrainer


class TrainingWorker(QObject):
    """Runs one TrainingJob in whatever thread it lives in; never lets an exception escape."""

    snapshot_ready = Signal()
    """A new Snapshot waits in the mailbox: call ``take_snapshot()``."""
    finished = Signal(object)
    """Training ended; carries the TrainingResult."""
    failed = Signal(str)
    """Training raised an exception; carries its message."""

    def __init__(self, job: TrainingJob, control: TrainingControl | None = None,
                 mailbox: LatestMailbox[Snapshot] | None = None) -> None:
        super().__init__()
        self.job = job
        self.control = control if control is not None else TrainingControl()
        self.mailbox = mailbox if mailbox is not None else LatestMailbox()

    @Slot()
    def run(self) -> None:
        """Train; emit ``finished(result)`` or ``failed(message)``."""
        try:
            # One BLAS thread for the trainer leaves the other core to the GUI (DESIGN.md, 7).
            with one_blas_thread(self.job.model):
                result = run_training(self.job, self.control, self._publish)
        except Exception as error:  # noqa: BLE001 - an escaped exception would kill the thread
            self.failed.emit(str(error) or type(error).__name__)
            return
        self.finished.emit(result)

    def _publish(self, snapshot: Snapshot) -> None:
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

    def __init__(self, owner: TrainerThread, job: TrainingJob, control: TrainingControl) -> None:
        super().__init__()
        self.owner = owner
        self.control = control
        self.mailbox: LatestMailbox[Snapshot] = LatestMailbox()
        self.thread = QThread()
        self.worker = TrainingWorker(job, control, self.mailbox)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: quit from the worker thread itself, so a GUI thread blocked in stop()'s wait()
        # need not deliver it. QThread.quit is thread-safe.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.failed.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self.worker.deleteLater)
        self.worker.snapshot_ready.connect(self._on_snapshot_ready)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.thread.finished.connect(self._on_thread_finished)

    @Slot()
    def _on_snapshot_ready(self) -> None:
        if self.owner._run is self:
            self.owner.snapshot_ready.emit()

    @Slot(object)
    def _on_finished(self, result: TrainingResult) -> None:
        if self.owner._run is self:
            self.owner.finished.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.owner._run is self:
            self.owner.failed.emit(message)

    @Slot()
    def _on_thread_finished(self) -> None:
        self.thread.wait()  # finished is emitted just before the thread ends; let it end
        self.owner._alive.discard(self)


class TrainerThread(QObject):
    """Owns the training thread: start a job, stop it, read its Snapshots. Lives in the GUI.

    Its signals are emitted in the GUI thread, so anything may be connected to them.
    """

    snapshot_ready = Signal()
    """A new Snapshot is waiting: call ``take_snapshot()``."""
    finished = Signal(object)
    """The current run ended; carries its TrainingResult."""
    failed = Signal(str)
    """The current run raised an exception; carries its message."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run: _Run | None = None
        self._alive: set[_Run] = set()  # runs whose thread has not yet reported finished

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> TrainingControl:
        """Train ``job`` in a new thread; pass a control to set speed or pause before step 1."""
        if self.is_running:
            raise RuntimeError("training is already running: stop() it before starting again")
        run = _Run(self, job, control if control is not None else TrainingControl())
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

    @property
    def is_running(self) -> bool:
        return self._run is not None and self._run.thread.isRunning()

    @property
    def control(self) -> TrainingControl | None:
        """The current (or last) run's control; None before the first start."""
        return None if self._run is None else self._run.control

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot of the current (or last) run, or None if none is new."""
        return None if self._run is None else self._run.mailbox.take()

    def frame_drawn(self) -> None:
        """Nothing to do: a thread publishes at its own pace (TrainerProcess's API)."""


class TrainerProcess(QObject):
    """``TrainerThread``'s API over a child process (``remote.RemoteTrainer``), which trains
    beside the GUI with its own GIL: drawing never slows it and it never slows drawing.

    The child's messages arrive in a reader thread, whose private signals are queued to this
    object in the GUI thread; the public signals are emitted there, as ``TrainerThread``'s.
    """

    snapshot_ready = Signal()
    """A new Snapshot is waiting: call ``take_snapshot()``."""
    finished = Signal(object)
    """The current run ended; carries its TrainingResult (the model already holds its weights)."""
    failed = Signal(str)
    """The current run raised an exception, or the child died; carries the message."""

    _arrived = Signal()
    _ended = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._arrived.connect(self.snapshot_ready, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._remote = RemoteTrainer(self._arrived.emit, self._ended.emit)

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> TrainingControl:
        """Train ``job`` in the child process; settings made on ``control`` carry over."""
        return self._remote.start(job, control)

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

    @Slot(object, object)
    def _on_ended(self, result: TrainingResult | None, error: str | None) -> None:
        if error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
