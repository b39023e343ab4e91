"""Training in a child process: its own interpreter, so its own GIL and its own core.

A trainer thread shares the GIL with the GUI: every Qt paint call waits for the trainer's
Python and the other way round, so a GUI drawing at 20-30 frames a second kept only 55-67 % of
the headless speed of a small net (bench/app_bench.py). A child process runs the same loop
(``run_training``) beside the GUI instead. The parent keeps the same API: ``RemoteControl``
is a ``TrainingControl`` whose every call also goes to the child. Snapshots come back
newest-wins, one per frame the GUI draws: the parent acknowledges each frame, and only then
does the child build the next running Snapshot, so no grid maps are computed and nothing is
pickled for frames never drawn. At the end the trained weights, optimizer state and
perceptron history are copied into the parent's own objects, so the rest of the app sees
exactly what a thread would have left.

No Qt here: ``worker.TrainerProcess`` adapts this to signals. The child is started once, on
the first run (with "spawn", the same on every platform), and serves one job after another;
its side is ``child.serve``.
"""

from __future__ import annotations

import copy
import hashlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection

import numpy as np

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.child import DATA_FIELDS, receive_message, serve
from nnsim.training.control import Change, TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult
from nnsim.training.mailbox import LatestMailbox

CACHE_MIN_BYTES = 8 * 2**20
"""Data this big stays in the child between runs: each Train no longer pickles and pipes it
(the full MNIST is 188 MB: most of a second, and a second copy in memory while it travels)."""

CHILD_ENDED = ("the training process ended unexpectedly; press Train to start a new one "
               "(the weights are those from before this run)")


class RemoteControl(TrainingControl):
    """The GUI's control of a run in the child: each call is checked and kept here (so
    ``is_paused`` answers at once) and sent to the child's own control."""

    def __init__(self, send: Callable[[tuple], None]) -> None:
        super().__init__()
        self._send = send

    def request_stop(self) -> None:
        super().request_stop()
        self._send(("stop", None))

    def pause(self) -> None:
        super().pause()
        self._send(("pause", None))

    def resume(self) -> None:
        super().resume()
        self._send(("resume", None))

    def set_learning_rate(self, learning_rate: float) -> None:
        super().set_learning_rate(learning_rate)
        self._forward_changes()

    def set_speed(self, steps_per_second: float | None) -> None:
        super().set_speed(steps_per_second)
        self._forward_changes()

    def set_batch_size(self, batch_size: int) -> None:
        super().set_batch_size(batch_size)
        self._forward_changes()

    def set_probe(self, index: int) -> None:
        super().set_probe(index)
        self._forward_changes()

    def single_step(self, unit: str) -> None:
        super().single_step(unit)
        self._forward_changes()

    def adopt(self, control: TrainingControl) -> tuple[bool, list[Change]]:
        """Take over what was set on a plain control before the run started; returns it
        (paused, changes) to travel with the job, so the child's first step obeys it."""
        paused = control.is_paused
        if paused:
            super().pause()  # kept here; the child learns it from the job
        return paused, control.take_changes()

    def _forward_changes(self) -> None:
        for change in self.take_changes():
            self._send(("change", change))


# -- the parent --------------------------------------------------------------------------------


def data_key(job: TrainingJob) -> tuple | None:
    """What identifies a job's arrays, when they are big enough to keep in the child: each
    array's identity, shape, type and a digest of an even sample of it. None for small data,
    which is simply sent again (the points editor moves small arrays' points in place)."""
    arrays = [getattr(job, name) for name in DATA_FIELDS]
    if sum(array.nbytes for array in arrays if array is not None) < CACHE_MIN_BYTES:
        return None
    return tuple(None if array is None else
                 (id(array), array.shape, array.dtype.str, _sample_digest(array))
                 for array in arrays)


def _sample_digest(array: np.ndarray) -> str:
    flat = array.reshape(-1)
    sample = np.ascontiguousarray(flat[::max(1, flat.size // 65_536)])
    return hashlib.blake2b(sample.tobytes(), digest_size=16).hexdigest()


def adopt_model(mine: Network | Perceptron, trained: Network | Perceptron) -> None:
    """Copy a model trained in the child into the parent's object, in place, as a thread
    would have left it (views holding its arrays see the new numbers)."""
    if isinstance(mine, Network) and isinstance(trained, Network):
        targets, sources = mine.parameters(), trained.parameters()
        if len(targets) != len(sources):
            raise ValueError(f"the trained model has {len(sources)} weight arrays, this one "
                             f"{len(targets)}")
        pairs = list(zip(targets, sources, strict=True))
        _check_shapes(pairs)  # all or nothing: no half-copied model
        for target, source in pairs:
            np.copyto(target, source)
    elif isinstance(mine, Perceptron) and isinstance(trained, Perceptron):
        _check_shapes([(mine.weights, trained.weights)])
        np.copyto(mine.weights, trained.weights)
        mine.history = trained.history
    else:
        raise TypeError(f"cannot copy a trained {type(trained).__name__} into a "
                        f"{type(mine).__name__}")


def _check_shapes(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for target, source in pairs:
        if target.shape != source.shape:
            raise ValueError(f"trained weights of shape {source.shape} do not fit "
                             f"weights of shape {target.shape}")


def adopt_optimizer(mine: SGD, trained: SGD) -> None:
    """The momentum buffers the child built up (the learning rate stays the GUI's)."""
    mine.set_state(trained.get_state())


class RemoteTrainer:
    """The parent's side of the child: start jobs, steer them, read what comes back.

    ``on_snapshot(run)`` runs (in a reader thread) when a Snapshot of ``run`` waits and the
    mailbox was empty; ``on_end(run, result, error)`` runs there once per run, after the
    trained state was copied into the job's own model and optimizer. Either may only hand over
    to the GUI thread, which compares ``run`` with the one it started: a signal queued by a run
    given up on may arrive after the next one started.

    A run ends in one step under ``_lock``: the check that it is still the current run, the
    copy of its weights into its own job and ``is_running`` turning False. So no ``start`` or
    ``close`` can come between them: a run's weights go into that run's job or nowhere, and a
    run whose weights were copied is always reported.
    """

    def __init__(self, on_snapshot: Callable[[int], None],
                 on_end: Callable[[int, TrainingResult | None, str | None], None]) -> None:
        self._on_snapshot, self._on_end = on_snapshot, on_end
        self._process: multiprocessing.process.BaseProcess | None = None
        self._commands: Connection | None = None
        self._lock = threading.Lock()
        self._run = 0
        self._job: TrainingJob | None = None
        self._ended = threading.Event()  # set before on_end runs: is_running is False there
        self._reported = threading.Event()  # set after: a stop() that returns True has it queued
        self._ended.set()
        self._reported.set()
        self.mailbox: LatestMailbox[Snapshot] = LatestMailbox()
        self.control: RemoteControl | None = None
        self._child_data: tuple | None = None  # data_key of the arrays the child holds
        self._child_arrays: tuple = ()

    @property
    def is_running(self) -> bool:
        return not self._ended.is_set()

    @property
    def run(self) -> int:
        """The number of the last run started (runs count from 1)."""
        return self._run

    @property
    def child(self) -> multiprocessing.process.BaseProcess | None:
        """The child process, once started (None after ``close``)."""
        return self._process

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> RemoteControl:
        """Send ``job`` to the child (starting it if needed); returns the run's control."""
        if self.is_running:
            raise RuntimeError("training is already running: stop() it before starting again")
        self._ensure_child()
        with self._lock:  # the reader puts Snapshots under this lock: none of the last run's
            self._run += 1  # can land in the emptied mailbox
            run = self._run
            self._job = job
            self._ended.clear()
            self._reported.clear()
            self.mailbox.take()
        remote = RemoteControl(self._send)
        self.control = remote
        settings = remote.adopt(control) if control is not None else (False, [])
        key = data_key(job)
        reuse = key is not None and key == self._child_data
        sent = job
        if reuse:  # the child has these arrays from the last run
            sent = copy.copy(job)
            for name in DATA_FIELDS:
                setattr(sent, name, None)
        try:
            message = pickle.dumps(("job", (run, sent, reuse, *settings)),
                                   pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - e.g. a model patched with a local function
            self._finish(run, None, f"this model cannot be sent to the trainer process "
                                    f"({error}); set NNSIM_TRAINER=thread to train it")
            return remote
        if self._send_bytes(message):
            # The arrays are kept referenced, so their ids (part of the key) stay theirs.
            self._child_data = key
            self._child_arrays = tuple(getattr(job, name) for name in DATA_FIELDS)
        else:
            self._finish(run, None, CHILD_ENDED)
        return remote

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask the run to stop; True once its end has been reported within ``timeout``."""
        if self.control is not None and self.is_running:
            self.control.request_stop()
        return self._reported.wait(timeout)

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot, or None if none arrived since the last take."""
        return self.mailbox.take()

    def acknowledge(self) -> None:
        """The last Snapshot has been used (drawn): let the child build and send the next."""
        if self.is_running:
            self._send(("ack", None))

    def close(self, timeout: float = 1.0) -> None:
        """Stop the run and end the child (terminated if it does not end within ``timeout``)."""
        process, self._process = self._process, None
        if process is None:
            return
        self.stop(timeout)
        self._send(("quit", None))
        process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(timeout)
        if self._commands is not None:
            self._commands.close()
            self._commands = None
        with self._lock:  # whatever was still running ends here, unreported: the app is closing
            self._run += 1
            self._job = None
            self._ended.set()
            self._reported.set()

    # -- internals -----------------------------------------------------------------------------

    def _ensure_child(self) -> None:
        with self._lock:
            if self._process is not None and self._process.is_alive():
                return
        if self._commands is not None:  # a child that died: let go of its pipe
            self._commands.close()
            self._commands = None
        self._child_data, self._child_arrays = None, ()
        context = multiprocessing.get_context("spawn")
        commands_out, commands_in = context.Pipe(duplex=False)
        events_out, events_in = context.Pipe(duplex=False)
        process = context.Process(target=serve, args=(commands_out, events_in),
                                  name="nnsim-trainer", daemon=True)
        process.start()
        commands_out.close()  # the child's ends: closing ours lets EOF reach each side
        events_in.close()
        self._process, self._commands = process, commands_in
        threading.Thread(target=self._read, args=(events_out, process),
                         name="nnsim-trainer-reader", daemon=True).start()

    def _send(self, message: tuple) -> None:
        self._send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def _send_bytes(self, message: bytes) -> bool:
        """False if the child is gone (its reader reports that to the run)."""
        try:
            if self._commands is not None:
                self._commands.send_bytes(message)
                return True
        except OSError:
            pass
        return False

    def _read(self, events: Connection, process: multiprocessing.process.BaseProcess) -> None:
        while True:
            try:
                kind, run, payload = receive_message(events)
            except (EOFError, OSError):
                # Its pipe closes a moment before the process counts as dead: forget it now,
                # so the next run starts a new child instead of writing to this one. A child
                # already replaced (closed, or dead while idle) ends nothing: the run under
                # way is the new child's.
                with self._lock:
                    current = self._process is process
                    if current:
                        self._process = None
                    run = self._run  # the run this child was serving
                if current:
                    self._finish(run, None, CHILD_ENDED)
                return
            except Exception as error:  # noqa: BLE001 - a message this side cannot unpickle
                self._finish(self._run, None, f"could not read the trainer's message ({error})")
                continue
            if run != self._run:  # a late message of a run that was given up on
                continue
            if kind == "snapshot":
                with self._lock:
                    fresh = run == self._run and self.mailbox.put(payload)
                if fresh:
                    self._on_snapshot(run)
            elif kind == "finished":
                result, model, optimizer = payload
                self._finish(run, result, None, trained=(model, optimizer))
            else:
                self._finish(run, None, payload)

    def _finish(self, run: int, result: TrainingResult | None, error: str | None,
                trained: tuple[Network | Perceptron, SGD] | None = None) -> None:
        """End ``run`` if it is still the current one: copy ``trained`` (model, optimizer)
        into its own job, then report it. All but the report happen under the lock, so a
        ``start`` or ``close`` waits for them: the weights of a run given up on never land in
        the next run's job, and weights copied in are never left unreported."""
        with self._lock:
            if run != self._run or self._ended.is_set():
                return
            job, self._job = self._job, None
            if trained is not None and job is not None:
                try:
                    adopt_model(job.model, trained[0])
                    adopt_optimizer(job.optimizer, trained[1])
                except (TypeError, ValueError) as problem:  # the model changed meanwhile
                    result, error = None, (f"the trained weights no longer fit the model "
                                           f"({problem}); they were not kept")
            self._ended.set()
        self._on_end(run, result, error)
        self._reported.set()
