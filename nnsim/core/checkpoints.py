"""A run's weights over time, for scrubbing back and replaying (the timeline's record).

Small networks keep every epoch. When the copies would pass a memory budget, each new one
pushes out the checkpoint that is most crowded on a log scale of epochs, so the record tends
to epochs spread geometrically: densest at the start, where training changes the most, and
always holding the first and the latest epoch.
What is drawn from a checkpoint (boundary, neuron maps, truth table) is recomputed on demand,
never stored.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

Array = np.ndarray
Weights = Sequence[tuple[Array, Array | None]]

DEFAULT_BUDGET = 200 * 2**20
"""About 200 MB: 236 checkpoints of the 784-256-128-10 network in float32."""


def _nbytes(weights: Weights) -> int:
    return sum(0 if a is None else a.nbytes for layer in weights for a in layer)


class Checkpoints:
    """Copies of a model's weights by epoch, within ``budget`` bytes."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        if budget < 1:
            raise ValueError(f"a checkpoint budget must be positive, got {budget} bytes")
        self.budget = int(budget)
        self._epochs: list[int] = []
        self._weights: list[tuple[tuple[Array, Array | None], ...]] = []

    @property
    def epochs(self) -> list[int]:
        return list(self._epochs)

    @property
    def nbytes(self) -> int:
        return sum(_nbytes(weights) for weights in self._weights)

    def capacity(self, weights: Weights) -> int:
        """How many checkpoints of this size the budget holds (at least the first and last)."""
        return max(2, self.budget // max(_nbytes(weights), 1))

    def record(self, epoch: int, weights: Weights) -> None:
        """Keep a copy of ``weights`` as they are after ``epoch`` (epochs only increase)."""
        if self._epochs and epoch <= self._epochs[-1]:
            raise ValueError(f"checkpoints go forward: epoch {epoch} after {self._epochs[-1]}")
        self._epochs.append(int(epoch))
        self._weights.append(tuple(tuple(None if a is None else a.copy() for a in layer)
                                   for layer in weights))
        while len(self._epochs) > self.capacity(weights):
            self._drop_most_crowded()

    def _drop_most_crowded(self) -> None:
        """Forget the checkpoint whose neighbours are closest on a log scale of epochs: the
        record tends to even spacing in log(epoch), densest at the start, first and latest
        always kept, one removal per new checkpoint."""
        position = np.log(np.asarray(self._epochs, dtype=np.float64) - self._epochs[0] + 1)
        crowding = position[2:] - position[:-2]  # the span a middle checkpoint sits in
        index = 1 + int(np.argmin(crowding))
        del self._epochs[index], self._weights[index]

    def at(self, epoch: int) -> tuple[int, tuple[tuple[Array, Array | None], ...]]:
        """(the recorded epoch at or before ``epoch``, its weights); ValueError before the
        first."""
        index = bisect.bisect_right(self._epochs, epoch) - 1
        if index < 0:
            raise ValueError(f"no checkpoint at or before epoch {epoch}; the first is "
                             f"{self._epochs[0] if self._epochs else 'not yet recorded'}")
        return self._epochs[index], self._weights[index]

    def truncate(self, epoch: int) -> None:
        """Forget every checkpoint after ``epoch`` (training goes on from there: a branch)."""
        index = bisect.bisect_right(self._epochs, epoch)
        del self._epochs[index:], self._weights[index:]
