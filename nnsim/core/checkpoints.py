"""A run's weights over time, for scrubbing back and replaying (the timeline's record).

Small networks keep every epoch. When the copies would pass a memory budget, each new one
pushes out the checkpoint that is most crowded on a log scale of epochs, so the record tends
to epochs spread geometrically: densest at the start, where training changes the most, and
always holding the first and the latest epoch.
What is drawn from a checkpoint (boundary, neuron maps, truth table) is recomputed on demand,
never stored.

Each checkpoint is one flat vector of every parameter (one NumPy object, not one per array):
the budget then counts what memory really holds even for XOR's nine weights, recording is one
copy, and a record pickles as a single matrix (the trainer process sends it back in one piece).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import numpy as np

Array = np.ndarray
Weights = Sequence[Sequence[Array | None]]
Layout = tuple[tuple[tuple[int, ...] | None, ...], ...]

DEFAULT_BUDGET = 200 * 2**20
"""About 200 MB: 236 checkpoints of the 784-256-128-10 network in float32."""
OVERHEAD = 128
"""Bytes a checkpoint costs beyond its numbers (the array object, list slots): counted in the
budget so a tiny network's millions of epochs cannot pass it unseen."""


def layout_of(weights: Weights) -> Layout:
    """Every array's shape (None for a missing bias), layer by layer."""
    return tuple(tuple(None if a is None else tuple(np.shape(a)) for a in layer)
                 for layer in weights)


def flatten(weights: Weights) -> Array:
    """Every parameter in one new vector (a copy), in layer order. Once an epoch in the
    training loop: the arrays' own ``ravel`` costs half of ``np.ravel`` on XOR's four."""
    parts = [a.ravel() for layer in weights for a in layer if a is not None]
    return np.concatenate(parts) if parts else np.zeros(0)


def unflatten(flat: Array, layout: Layout) -> tuple[tuple[Array | None, ...], ...]:
    """The weights ``flatten`` made ``flat`` from, as new arrays of the layout's shapes."""
    layers, start = [], 0
    for shapes in layout:
        arrays: list[Array | None] = []
        for shape in shapes:
            if shape is None:
                arrays.append(None)
                continue
            size = int(np.prod(shape, dtype=np.int64))
            arrays.append(flat[start:start + size].reshape(shape).copy())
            start += size
        layers.append(tuple(arrays))
    return tuple(layers)


class Checkpoints:
    """Copies of a model's weights by epoch, within ``budget`` bytes."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        if budget < 1:
            raise ValueError(f"a checkpoint budget must be positive, got {budget} bytes")
        self.budget = int(budget)
        self._epochs: list[int] = []
        self._flat: list[Array] = []
        self.layout: Layout | None = None
        """The shapes every checkpoint has (set by the first; None while empty)."""
        self._capacity = 2

    def __len__(self) -> int:
        return len(self._epochs)

    @property
    def epochs(self) -> list[int]:
        return list(self._epochs)

    @property
    def latest(self) -> int | None:
        """The last epoch recorded, or None."""
        return self._epochs[-1] if self._epochs else None

    @property
    def nbytes(self) -> int:
        return sum(flat.nbytes + OVERHEAD for flat in self._flat)

    def capacity(self, weights: Weights | Array) -> int:
        """How many checkpoints of this size the budget holds (at least the first and last)."""
        size = weights.nbytes if isinstance(weights, np.ndarray) else \
            sum(0 if a is None else np.asarray(a).nbytes for layer in weights for a in layer)
        return max(2, self.budget // (size + OVERHEAD))

    def record(self, epoch: int, weights: Weights) -> None:
        """Keep a copy of ``weights`` as they are after ``epoch`` (epochs only increase)."""
        self.record_flat(epoch, flatten(weights), layout_of(weights))

    def record_flat(self, epoch: int, flat: Array, layout: Layout) -> None:
        """Keep ``flat`` (``flatten``'s vector, not copied: nobody may write to it again)."""
        epochs = self._epochs
        if epochs and epoch <= epochs[-1]:
            raise ValueError(f"checkpoints go forward: epoch {epoch} after {epochs[-1]}")
        if not epochs:
            self.layout, self._capacity = layout, self.capacity(flat)
        elif layout is not self.layout and layout != self.layout:
            raise ValueError("a checkpoint of another architecture cannot join this record")
        epochs.append(int(epoch))
        self._flat.append(flat)
        if len(epochs) > self._capacity:  # every checkpoint of a record has the same size
            self._drop_most_crowded()

    def _drop_most_crowded(self) -> None:
        """Forget the checkpoint whose neighbours are closest on a log scale of epochs: the
        record tends to even spacing in log(epoch), densest at the start, first and latest
        always kept, one removal per new checkpoint."""
        position = np.log(np.asarray(self._epochs, dtype=np.float64) - self._epochs[0] + 1)
        crowding = position[2:] - position[:-2]  # the span a middle checkpoint sits in
        index = 1 + int(np.argmin(crowding))
        del self._epochs[index], self._flat[index]

    def at(self, epoch: int) -> tuple[int, tuple[tuple[Array | None, ...], ...]]:
        """(the recorded epoch at or before ``epoch``, new arrays of its weights); ValueError
        before the first."""
        index = bisect.bisect_right(self._epochs, epoch) - 1
        if index < 0:
            raise ValueError(f"no checkpoint at or before epoch {epoch}; the first is "
                             f"{self._epochs[0] if self._epochs else 'not yet recorded'}")
        assert self.layout is not None
        return self._epochs[index], unflatten(self._flat[index], self.layout)

    def truncate(self, epoch: int) -> None:
        """Forget every checkpoint after ``epoch`` (training goes on from there: a branch)."""
        index = bisect.bisect_right(self._epochs, epoch)
        del self._epochs[index:], self._flat[index:]

    def extend(self, other: Checkpoints, offset: int = 0) -> None:
        """Append ``other``'s checkpoints ``offset`` epochs later (a run's, after those before
        it); any at or before the last one here are skipped (a run's epoch 0 is usually the
        previous run's last). The vectors are shared, not copied: records never write them."""
        for epoch, flat in zip(other._epochs, other._flat, strict=True):
            if self._epochs and epoch + offset <= self._epochs[-1]:
                continue
            assert other.layout is not None
            self.record_flat(epoch + offset, flat, other.layout)

    def copy(self) -> Checkpoints:
        """An independent record (the vectors are shared: nothing writes to them)."""
        twin = Checkpoints(self.budget)
        twin._epochs, twin._flat, twin.layout = list(self._epochs), list(self._flat), self.layout
        twin._capacity = self._capacity
        return twin

    def matrix(self) -> Array:
        """Every checkpoint as a row (n, parameters): how files and pipes carry the record."""
        if not self._flat:
            return np.zeros((0, 0))
        return np.stack(self._flat)

    @classmethod
    def from_matrix(cls, epochs: Sequence[int], matrix: Array, layout: Layout,
                    budget: int = DEFAULT_BUDGET) -> Checkpoints:
        """The record ``matrix`` came from (rows copied, so the matrix itself is freed)."""
        record = cls(budget)
        for epoch, row in zip(epochs, matrix, strict=True):
            record.record_flat(int(epoch), np.array(row), layout)
        return record

    def __getstate__(self) -> dict[str, Any]:
        return {"budget": self.budget, "epochs": np.asarray(self._epochs, dtype=np.int64),
                "layout": self.layout, "matrix": self.matrix()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        loaded = Checkpoints.from_matrix(state["epochs"].tolist(), state["matrix"],
                                         state["layout"], state["budget"])
        self.__dict__.update(loaded.__dict__)
