"""The one trainer contract the app trains through, whichever adapter runs the loop.

``worker.TrainerThread`` (a QThread, ``NNSIM_TRAINER=thread``) and ``worker.TrainerProcess``
(a child process, the default) both implement ``Trainer``; ``worker.make_trainer`` picks one.
The app never asks which it got: what differs between them that the app must act on is a
property (``shares_gil``), not a type. ``tests/training/test_trainer_contract.py`` runs every
behaviour against both. No Qt here (the signals are typed ``Any``), so this imports anywhere.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from nnsim.core.snapshot import Snapshot
    from nnsim.training.control import TrainingControl
    from nnsim.training.loop import TrainingJob

TRAINER_CHOICE = "NNSIM_TRAINER"
"""The environment variable that picks the trainer: "thread", or anything else for a process."""
THREAD, PROCESS = "thread", "process"

LOST_ACK_S = 1.0
"""Longest wait for a frame's acknowledgement (``frame_drawn``) before the next running
Snapshot is built anyway, by either adapter: a Snapshot the consumer dropped without saying so
must not freeze the picture for the rest of the run."""


def trainer_kind() -> str:
    """``THREAD`` when ``NNSIM_TRAINER`` asks for one, else ``PROCESS`` (the faster default)."""
    asked = os.environ.get(TRAINER_CHOICE, "").strip().lower()
    return THREAD if asked == THREAD else PROCESS


@runtime_checkable
class Trainer(Protocol):
    """Runs one ``TrainingJob`` at a time beside the GUI and reports back in the GUI thread.

    Signals are emitted in the GUI thread (connect anything to them) and only for the current
    run: a stopped run's late messages never reach the app once the next run has started.
    """

    snapshot_ready: Any
    """Signal(): a new Snapshot waits, so the view can draw without polling."""
    finished: Any
    """Signal(object TrainingResult): the run ended (its last Snapshot is ``result.snapshot``;
    the job's model and optimizer hold the trained state); ``is_running`` is already False."""
    failed: Any
    """Signal(str): the run raised, or its thread or process died, so the app can say why."""
    shares_gil: bool
    """True when drawing slows training (a thread shares the GIL): the GUI then holds the loop
    while it draws and keeps a smaller drawing budget; False when training has its own core."""

    def start(self, job: TrainingJob, control: TrainingControl | None = None) -> TrainingControl:
        """Train ``job``; settings made on ``control`` beforehand (pause, speed) carry over.
        Steer the run through the control returned (also ``self.control``), not the one given.
        Raises RuntimeError while a run is going: one job at a time."""
        ...

    def stop(self, wait_ms: int = 1000) -> bool:
        """Ask the run to stop; True once it ended within ``wait_ms`` (``finished`` is then
        queued: deliver posted events to receive it), so Stop is prompt and verifiable."""
        ...

    def close(self) -> None:
        """Stop the run and release what runs it (join the thread, end the process), so quitting
        leaves nothing behind; safe to call twice, and ``start`` still works afterwards."""
        ...

    @property
    def is_running(self) -> bool:
        """True from ``start`` until the run's end is reported: Train and Stop follow it."""
        ...

    @property
    def control(self) -> TrainingControl | None:
        """The current (or last) run's control, for live changes; None before the first run."""
        ...

    def take_snapshot(self) -> Snapshot | None:
        """The newest Snapshot of the current run, or None: views draw the latest, skip the rest."""
        ...

    def frame_drawn(self) -> None:
        """The last Snapshot taken was drawn: only then is the next running one built, so no
        time goes into Snapshots nobody sees (call it after every frame drawn)."""
        ...
