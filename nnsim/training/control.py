"""How the GUI steers a running trainer: thread-safe flags and a queue, never signals.

The trainer thread is busy in a loop and has no event loop to deliver signals to, so every
request goes through ``threading.Event`` (stop, pause) or a ``queue.SimpleQueue`` of live changes
that the loop drains between steps (DESIGN.md, Threading, point 3).
"""

from __future__ import annotations

import queue
import threading
from typing import Any, NamedTuple

STEP_UNITS = ("sample", "batch", "epoch")


class Change(NamedTuple):
    """One queued request: ``name`` is learning_rate, speed, batch_size, probe or single_step."""

    name: str
    value: Any


class TrainingControl:
    """Stop, pause, single steps and live changes for one training run, safe from any thread."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._changes: queue.SimpleQueue[Change] = queue.SimpleQueue()
        self._gui_idle = threading.Event()
        self._gui_idle.set()

    # -- flags -------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Ask the loop to end after the current step (status "stopped")."""
        self._stop.set()

    def pause(self) -> None:
        """Hold the loop between steps; it publishes a "paused" snapshot and waits."""
        self._paused.set()

    def resume(self) -> None:
        """Let a paused loop run on."""
        self._paused.clear()

    @property
    def is_paused(self) -> bool:
        return self._paused.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # -- sharing the GIL with the GUI ---------------------------------------------------------

    def hold_for_drawing(self) -> None:
        """The GUI starts a frame: the loop waits between steps until ``release_after_drawing``.

        Both threads share one GIL; a trainer running Python flat out makes every Qt call of the
        GUI wait for its turn (DESIGN.md, point 7), so a 5 ms frame took 25-50 ms. Waiting on an
        Event releases the GIL, so the frame runs at full speed and training loses only the
        frame's own time, which the GUI keeps within its drawing budget.
        """
        self._gui_idle.clear()

    def release_after_drawing(self) -> None:
        """The GUI's frame is done: the loop runs on."""
        self._gui_idle.set()

    @property
    def gui_drawing(self) -> bool:
        return not self._gui_idle.is_set()

    def wait_while_drawing(self, timeout: float = 0.25) -> None:
        """Called by the loop between steps; returns at once when the GUI is not drawing."""
        self._gui_idle.wait(timeout)

    # -- live changes, applied by the loop before its next step -------------------------------

    def set_learning_rate(self, learning_rate: float) -> None:
        """Change the step size from the next step on."""
        learning_rate = float(learning_rate)
        if not learning_rate > 0:
            raise ValueError(f"the learning rate must be positive, got {learning_rate}")
        self._changes.put(Change("learning_rate", learning_rate))

    def set_speed(self, steps_per_second: float | None) -> None:
        """Limit the pace for a lecture (steps per second), or None to run flat out."""
        if steps_per_second is not None:
            steps_per_second = float(steps_per_second)
            if not steps_per_second > 0:
                raise ValueError(f"the speed must be positive steps per second or None for "
                                 f"unlimited, got {steps_per_second}")
        self._changes.put(Change("speed", steps_per_second))

    def set_batch_size(self, batch_size: int) -> None:
        """Use this many rows per step from the next batch on."""
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"the batch size must be a whole number of at least 1, "
                             f"got {batch_size}")
        self._changes.put(Change("batch_size", int(batch_size)))

    def set_probe(self, index: int) -> None:
        """Show the activations for this training row."""
        if int(index) != index or index < 0:
            raise ValueError(f"the probe must be a row index of at least 0, got {index}")
        self._changes.put(Change("probe", int(index)))

    def single_step(self, unit: str) -> None:
        """Pause, run one sample, batch or (the rest of the) epoch, then stay paused."""
        if unit not in STEP_UNITS:
            raise ValueError(f"unknown step unit {unit!r}; expected one of {', '.join(STEP_UNITS)}")
        self._paused.set()
        self._changes.put(Change("single_step", unit))

    # -- the loop's side -----------------------------------------------------------------------

    @property
    def has_changes(self) -> bool:
        """Cheap enough to ask between every two steps."""
        return not self._changes.empty()

    def take_changes(self) -> list[Change]:
        """Every change queued so far, oldest first."""
        changes = []
        while True:
            try:
                changes.append(self._changes.get_nowait())
            except queue.Empty:
                return changes
