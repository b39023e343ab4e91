"""The timeline in a session file: a bounded copy of the checkpoints, checked like the rest.

A file keeps at most ``MAX_FILE_CHECKPOINTS`` checkpoints and ``MAX_FILE_BYTES`` of their
numbers (before compression): 64 MB, so 64 checkpoints of the 784-256-128-10 network in
float32, every epoch of XOR up to 2,000. A longer record is thinned on saving the way the
record thins itself (first and latest kept, densest at the start). A network whose two
checkpoints alone would pass that bound is saved without its timeline.

Two members: ``timeline_epochs`` (int64, one per checkpoint, increasing) and ``timeline``
(one row of every parameter per checkpoint, in ``Network.get_weights()`` order), with the
count in the header key ``timeline_checkpoints``. Files without it (older ones) load with an
empty timeline. Loading trusts nothing: the count is bounded before any member is read, each
member's shape is fixed by the count and the architecture, the epochs must increase and stay
within the history, and every weight must be finite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nnsim.core.archive import Archive
from nnsim.core.checkpoints import OVERHEAD, Checkpoints, layout_of
from nnsim.core.fields import Fields

MAX_FILE_CHECKPOINTS = 2000
MAX_FILE_BYTES = 64 * 2**20
COUNT_KEY = "timeline_checkpoints"
EPOCHS_MEMBER, MATRIX_MEMBER = "timeline_epochs", "timeline"

Array = np.ndarray


def bounded(record: Checkpoints) -> Checkpoints:
    """``record`` thinned to what a file keeps (empty when two checkpoints would not fit)."""
    if not len(record):
        return record
    size = record.nbytes // len(record)  # one checkpoint, with its overhead
    if 2 * (size - OVERHEAD) > MAX_FILE_BYTES:
        return Checkpoints()
    budget = min(MAX_FILE_BYTES, MAX_FILE_CHECKPOINTS * size)
    if len(record) <= MAX_FILE_CHECKPOINTS and record.nbytes <= budget:
        return record
    thinned = Checkpoints(budget)
    thinned.extend(record)
    return thinned


def timeline_members(record: Checkpoints | None, weights: Sequence[Sequence[Array | None]]
                     ) -> tuple[dict[str, Any], dict[str, Array]]:
    """(header keys, archive members) that store ``record`` within the file's bounds; none
    when its checkpoints are of another architecture than ``weights`` (they could not be
    shown with this model)."""
    if record is not None and record.layout is not None and \
            record.layout != layout_of(weights):
        record = None
    record = bounded(record) if record is not None else None
    if record is None or not len(record):
        return {COUNT_KEY: 0}, {}
    return {COUNT_KEY: len(record)}, {
        EPOCHS_MEMBER: np.asarray(record.epochs, dtype=np.int64),
        MATRIX_MEMBER: record.matrix()}


def read_timeline(archive: Archive, top: Fields, weights: Sequence[Sequence[Array | None]],
                  history_epochs: int) -> Checkpoints | None:
    """The file's checkpoints of a model shaped as ``weights``, or None if it has none."""
    count = top.whole(COUNT_KEY, 0, MAX_FILE_CHECKPOINTS, 0)
    if count == 0:
        return None
    layout = layout_of(weights)
    parameters = sum(math.prod(shape) for layer in layout for shape in layer
                     if shape is not None)
    if count * parameters * 4 > MAX_FILE_BYTES:  # float32 at least
        raise top.fail(COUNT_KEY, f"{count:,} checkpoints of {parameters:,} weights, more "
                       f"than a session keeps ({MAX_FILE_BYTES // 2**20} MB)",
                       "The file is damaged.")
    epochs = archive.array(EPOCHS_MEMBER, shape=(count,), dtypes=("int64",),
                           max_bytes=count * 8)
    if epochs[0] < 0 or (count > 1 and not (np.diff(epochs) > 0).all()):
        raise archive.fail(EPOCHS_MEMBER, "the epochs do not increase from 0 or more",
                           "The file is damaged.")
    if epochs[-1] > history_epochs:
        raise archive.fail(EPOCHS_MEMBER, f"a checkpoint of epoch {int(epochs[-1]):,}, but the "
                           f"history holds {history_epochs:,} epochs", "The file is inconsistent.")
    matrix = archive.array(MATRIX_MEMBER, shape=(count, parameters), max_bytes=MAX_FILE_BYTES)
    if not np.isfinite(matrix).all():
        raise archive.fail(MATRIX_MEMBER, "NaN or infinity in a checkpoint's weights",
                           "The file is damaged.")
    return Checkpoints.from_matrix(epochs.tolist(), matrix, layout)
