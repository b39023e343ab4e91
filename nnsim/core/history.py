"""Training history as Keras keeps it: a dict of lists, one value per epoch."""

from __future__ import annotations

HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


class History(dict):
    """{"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}.

    ``history.history`` is the dict itself, so code written for Keras's History object works.
    """

    @property
    def history(self) -> dict[str, list[float]]:
        return self

    @property
    def epochs(self) -> int:
        return len(self.get("loss", []))

    def append(self, logs: dict[str, float]) -> None:
        """Record one epoch's figures."""
        for key, value in logs.items():
            self.setdefault(key, []).append(float(value))
