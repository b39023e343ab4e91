"""The lecture's own training run, and counting weight updates to set ours beside it.

An epoch of mini-batch SGD makes one update per batch, so a run on fewer rows makes fewer
updates in the same number of epochs: 100 epochs on the 3,750 images of the bundled MNIST
sample are 3,000 updates, the lecture's 100 epochs on 52,500 images 41,100. Comparing
accuracies is only fair at equal updates, which ``epochs_to_match`` gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def batches_per_epoch(rows: int, batch_size: int) -> int:
    """Mini-batches in one pass over ``rows`` (the last one may be short)."""
    if rows < 1 or batch_size < 1:
        raise ValueError(f"need at least one row and a batch size of 1 or more, got {rows} "
                         f"rows and batch size {batch_size}")
    return math.ceil(rows / batch_size)


def weight_updates(rows: int, batch_size: int, epochs: int) -> int:
    """Updates (one per mini-batch) of ``epochs`` passes over ``rows``."""
    return batches_per_epoch(rows, batch_size) * epochs


def epochs_to_match(updates: int, rows: int, batch_size: int) -> int:
    """The fewest epochs over ``rows`` that make at least ``updates`` weight updates."""
    return math.ceil(updates / batches_per_epoch(rows, batch_size))


@dataclass(frozen=True)
class LectureRun:
    """What the lecture trained on and reached (a lesson's ``[lecture]`` table)."""

    train_images: int
    test_images: int
    epochs: int
    batch_size: int
    accuracy: float

    @property
    def updates(self) -> int:
        return weight_updates(self.train_images, self.batch_size, self.epochs)

    def describe(self) -> str:
        return (f"the lecture: {self.train_images:,} training images, {self.epochs} epochs of "
                f"batch {self.batch_size} = {self.updates:,} weight updates, accuracy "
                f"{self.accuracy:.2f} on {self.test_images:,} test images")


def describe_run(rows: int, batch_size: int, epochs: int, source: str) -> str:
    """One line on what a run trains on and how many updates that is."""
    return (f"{rows:,} training images ({source}), {epochs:,} epochs of "
            f"{batches_per_epoch(rows, batch_size)} batches of {batch_size} = "
            f"{weight_updates(rows, batch_size, epochs):,} weight updates")
