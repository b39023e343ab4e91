"""The trainer process's side: receive jobs and commands, run the loop, send back Snapshots.

``remote.RemoteTrainer`` starts ``serve`` in a child process ("spawn") and talks to it over two
pipes; this module holds everything that runs in the child, and the message framing both sides
use. No Qt.
"""

from __future__ import annotations

import os
import pickle
import queue
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from nnsim.core.snapshot import Snapshot
from nnsim.training.blas_threads import one_blas_thread
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, run_training
from nnsim.training.trainer import LOST_ACK_S

DATA_FIELDS = ("X", "y", "X_val", "y_val")
"""The job's arrays, which the child may keep between runs (``remote.data_key``)."""

_CHANGES: dict[str, Callable[[TrainingControl, Any], None]] = {
    "learning_rate": TrainingControl.set_learning_rate,
    "speed": TrainingControl.set_speed,
    "batch_size": TrainingControl.set_batch_size,
    "probe": TrainingControl.set_probe,
    "single_step": TrainingControl.single_step,
}
_FLAGS: dict[str, Callable[[TrainingControl], None]] = {
    "stop": TrainingControl.request_stop,
    "pause": TrainingControl.pause,
    "resume": TrainingControl.resume,
}


def send_message(connection: Connection, message: tuple) -> None:
    """Pickle ``message`` with its arrays out of band (pickle protocol 5): the arrays' memory
    goes to the pipe as it is, with no pickled copy. A spiral snapshot (1.4 MB of maps) took
    1.3 ms to pickle in-band, all of it holding the trainer's GIL."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    connection.send_bytes(len(buffers).to_bytes(4, "little") + head)
    for buffer in buffers:
        connection.send_bytes(buffer.raw())


def receive_message(connection: Connection) -> tuple:
    """The message ``send_message`` sent; its arrays are writable copies of their own."""
    head = connection.recv_bytes()
    count = int.from_bytes(head[:4], "little")
    buffers = [bytearray(connection.recv_bytes()) for _ in range(count)]
    return pickle.loads(memoryview(head)[4:], buffers=buffers)


class _Outbox:
    """The child's sending end: Snapshots only as fast as the parent draws them.

    One Snapshot may be in flight; a newer one waits here (newest wins) until the parent
    acknowledges the last, so a paused run's final Snapshot is never lost and a fast run
    builds only what the GUI draws. A thread of its own pickles and writes: a pipe blocks
    while the parent is busy painting, and the trainer must not wait for that.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._condition = threading.Condition()
        self._credit = True
        self.clock: Callable[[], float] = time.monotonic
        self._sent_at = 0.0
        self._waiting: tuple | None = None
        self._outgoing: deque[tuple] = deque()
        self._sending = False
        threading.Thread(target=self._send_all, name="nnsim-outbox", daemon=True).start()

    def ready(self) -> bool:
        """True when the parent has drawn the last Snapshot sent (or its acknowledgement is
        overdue, taken as lost): build the next one."""
        return self._credit or self._overdue()

    def _overdue(self) -> bool:
        return self.clock() - self._sent_at > LOST_ACK_S

    def publish(self, run: int, snapshot: Snapshot) -> None:
        with self._condition:
            if self._credit or self._overdue():
                self._credit = False
                self._waiting = None  # older than this one: never sent after it
                self._sent_at = self.clock()
                self._post(("snapshot", run, snapshot))
            else:
                self._waiting = ("snapshot", run, snapshot)

    def acknowledged(self) -> None:
        with self._condition:
            if self._waiting is not None:
                self._post(self._waiting)
                self._waiting = None
            else:
                self._credit = True

    def end_run(self, message: tuple) -> None:
        """Send the run's end; its last Snapshot rides in the result, so a waiting one goes."""
        with self._condition:
            self._waiting = None
            self._credit = True
            self._post(message)

    def flush(self, timeout: float = 1.0) -> None:
        """Wait until everything posted has been written (before the child exits)."""
        with self._condition:
            self._condition.wait_for(lambda: not self._outgoing and not self._sending, timeout)

    def _post(self, message: tuple) -> None:
        self._outgoing.append(message)
        self._condition.notify_all()

    def _send_all(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: bool(self._outgoing))
                message = self._outgoing.popleft()
                self._sending = True
            try:
                send_message(self._connection, message)
            except OSError:  # the parent is gone
                return
            except Exception as error:  # noqa: BLE001 - something pickle cannot carry
                send_message(self._connection, ("failed", message[1],
                                                f"the trainer could not report back ({error})"))
            finally:
                with self._condition:
                    self._sending = False
                    self._condition.notify_all()


def serve(commands: Connection, events: Connection) -> None:
    """The child's main: run each job the parent sends, steered by its commands, until told
    to quit or the parent goes away."""
    outbox = _Outbox(events)
    jobs: queue.SimpleQueue[tuple[int, TrainingJob, TrainingControl] | None] = queue.SimpleQueue()
    current: dict = {"control": TrainingControl(), "data": ()}

    def listen() -> None:
        try:
            obey()
        except Exception:  # noqa: BLE001 - a message this child cannot read: end it, and the
            traceback.print_exc()  # parent reports the run as ended and starts a new child
            os._exit(1)

    def obey() -> None:
        while True:
            try:
                kind, value = commands.recv()
            except (EOFError, OSError):  # the parent is gone
                kind, value = "quit", None
            if kind == "job":
                run, job, reuse, paused, changes = value
                if reuse:  # the parent left the data out: it is the last job's
                    for name, array in zip(DATA_FIELDS, current["data"], strict=True):
                        setattr(job, name, array)
                else:
                    current["data"] = tuple(getattr(job, name) for name in DATA_FIELDS)
                control = TrainingControl()  # set up as the parent's was, before step 1
                if paused:
                    control.pause()
                for change in changes:
                    _CHANGES[change.name](control, change.value)
                # A new job means the parent gave up on any run still going here (e.g. after
                # a message it could not read): stop it, or the new job would wait behind it
                # and its commands would steer the wrong run.
                current["control"].request_stop()
                current["control"] = control
                jobs.put((run, job, control))
            elif kind == "ack":
                outbox.acknowledged()
            elif kind == "quit":
                current["control"].request_stop()
                jobs.put(None)
                return
            elif kind == "change":
                _CHANGES[value.name](current["control"], value.value)
            else:
                _FLAGS[kind](current["control"])

    threading.Thread(target=listen, name="nnsim-commands", daemon=True).start()
    while (item := jobs.get()) is not None:
        run, job, control = item
        try:
            with one_blas_thread(job.model):
                result = run_training(job, control, lambda s, run=run: outbox.publish(run, s),
                                      ready=outbox.ready)
        except Exception as error:  # noqa: BLE001 - reported to the parent, which shows it
            outbox.end_run(("failed", run, str(error) or type(error).__name__))
            continue
        outbox.end_run(("finished", run, (result, job.model, job.optimizer)))
    outbox.flush()
