"""How a run stands, as an enum: views compare members, never match status strings."""

from __future__ import annotations

from enum import Enum


class RunStatus(Enum):
    """The run state shown in the status bar; the loop's status text maps onto one member."""

    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"
    CONVERGED = "converged"
    DIVERGED = "diverged"
    NOT_SEPARABLE = "not separable"
    FAILED = "failed"

    @classmethod
    def of(cls, text: str) -> RunStatus:
        """The member for the loop's status text ("diverged: lower the learning rate")."""
        head = text.split(":", 1)[0].strip()
        try:
            return cls(head)
        except ValueError:
            return cls.FAILED

    @property
    def is_active(self) -> bool:
        """A run is under way (running or paused between steps)."""
        return self in (RunStatus.RUNNING, RunStatus.PAUSED)
