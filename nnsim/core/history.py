"""Training history as Keras keeps it: a dict of lists, one value per epoch."""

from __future__ import annotations

from array import array

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
        """Record one epoch's figures.

        A new series is a packed ``array("d")``: 8 bytes an epoch instead of a list's 32 (a
        float object and its pointer), so a run left going over a coffee break (the spiral
        makes about 900 epochs a second) grows by 1.7 MB a minute, not 7. It indexes, slices,
        iterates and pickles as a list does; ``list(series)`` gives plain floats.
        """
        for key, value in logs.items():
            self.setdefault(key, array("d")).append(float(value))


#: Points a Snapshot's history carries at most: the curves draw this many whatever the run's
#: length, so a frame costs the same at epoch 200,000 as at epoch 200 (issue "long runs").
VIEW_POINTS = 2000
EPOCH_KEY = "epoch"
"""The key of a view's x values: 1-based epoch numbers of the points kept."""


def history_view(history: dict[str, list[float]], points: int = VIEW_POINTS,
                 first_epoch: int = 1) -> dict[str, list[float]]:
    """The history as a curve needs it: the recent half of ``points`` epochs in full, the
    older epochs evenly thinned to the other half, with their epoch numbers under "epoch".

    ``first_epoch`` numbers the first entry (a run that continues earlier training).
    """
    n = max((len(values) for values in history.values()), default=0)
    if n <= points:
        kept = list(range(n))
    else:
        recent = points // 2
        older = n - recent
        step = older / (points - recent)
        kept = [int(i * step) for i in range(points - recent)] + list(range(older, n))
    view = {key: [values[i] for i in kept if i < len(values)] for key, values in history.items()}
    view[EPOCH_KEY] = [float(first_epoch + i) for i in kept]
    return view


def join_views(earlier: dict[str, list[float]], later: dict[str, list[float]],
               points: int = VIEW_POINTS) -> dict[str, list[float]]:
    """One view of two consecutive views (what was trained before a run, and the run)."""
    if not earlier.get(EPOCH_KEY):
        return later
    joined = {key: list(earlier.get(key, [])) + list(later.get(key, []))
              for key in set(earlier) | set(later)}
    if len(joined[EPOCH_KEY]) <= points:
        return joined
    thinned = history_view({k: v for k, v in joined.items() if k != EPOCH_KEY}, points)
    epochs = joined[EPOCH_KEY]
    thinned[EPOCH_KEY] = [epochs[int(e) - 1] for e in thinned[EPOCH_KEY]]
    return thinned
