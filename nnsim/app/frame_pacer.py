"""Draw the newest Snapshot, but only as often as a drawing budget allows.

The trainer shares the GIL with the GUI, and long paint calls hold it (DESIGN.md): drawing flat
out at 30 fps left the trainer 7 % of its speed. So each frame's cost is measured and the next
frame waits until drawing has used no more than ``budget_share`` of wall time, between
``max_fps`` and ``min_fps``. Frames that arrive meanwhile are dropped; only the newest is drawn.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from nnsim.core.snapshot import Snapshot


class FramePacer(QObject):
    """Calls ``draw(snapshot)`` with the latest offered snapshot at an adaptive rate."""

    def __init__(self, draw: Callable[[Snapshot], None], budget_share: float = 0.2,
                 max_fps: float = 30.0, min_fps: float = 2.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._draw = draw
        self.budget_share = budget_share
        self.max_fps = max_fps
        self.min_fps = min_fps
        self._latest: Snapshot | None = None
        self._next_allowed = 0.0
        self._busy = False
        self.last_cost = 0.0
        self.frames = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers drift 5 %: 28 fps
        self._timer.timeout.connect(self._draw_latest)

    def offer(self, snapshot: Snapshot, urgent: bool = False) -> None:
        """Keep ``snapshot`` as the newest; draw now if allowed, else when the budget is free."""
        self._latest = snapshot
        if self._busy:  # offered while a frame paints: it is drawn right after
            return
        if urgent:
            self._timer.stop()
            self._draw_latest()
            return
        if self._timer.isActive():
            return
        delay = max(0.0, self._next_allowed - time.perf_counter())
        self._timer.start(int(delay * 1000))

    def discard(self) -> None:
        """Forget the pending frame (its model was replaced)."""
        self._latest = None
        self._timer.stop()

    def flush(self) -> None:
        """Draw the pending snapshot at once (when training ends or pauses)."""
        if self._latest is not None:
            self._timer.stop()
            self._draw_latest()

    @property
    def interval(self) -> float:
        """Seconds between frames the budget currently allows."""
        wanted = self.last_cost / self.budget_share if self.budget_share > 0 else 0.0
        return min(max(wanted, 1.0 / self.max_fps), 1.0 / self.min_fps)

    def _draw_latest(self) -> None:
        snapshot, self._latest = self._latest, None
        if snapshot is None:
            return
        started = time.perf_counter()
        self._busy = True
        try:
            self._draw(snapshot)
        finally:
            self._busy = False
        finished = time.perf_counter()
        self.last_cost = finished - started
        self.frames += 1
        # Start to start: a frame may begin one interval after the last one began, so drawing
        # takes ``budget_share`` of the time and 30 fps means 30, not 1 / (interval + cost).
        self._next_allowed = started + self.interval
        if self._latest is not None:
            self._timer.start(int(max(0.0, self._next_allowed - time.perf_counter()) * 1000))
