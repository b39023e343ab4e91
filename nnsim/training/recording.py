"""A run's record for the timeline: the weights at every epoch's end, within a budget.

The loop keeps one ``RunRecord`` when its job asks for checkpoints (the app's runs do; ``nnsim
run`` does not) and hands ``checkpoints`` back with the run's result.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.checkpoints import Checkpoints, flatten, layout_of
from nnsim.core.network import Network


class RunRecord:
    """Checkpoints of one run, counted from its start (0: before its first step)."""

    def __init__(self, budget: int, network: Network) -> None:
        self.checkpoints = Checkpoints(budget)
        self.layout = layout_of(network.get_weights())

    def record(self, epoch: int, network: Network) -> None:
        """The weights now, as this epoch's checkpoint: one copy of the live parameters into
        one vector, a few microseconds even for XOR's one-step epochs."""
        self.checkpoints.record_flat(epoch, flatten([network.parameters()]), self.layout)

    def drop_non_finite(self) -> None:
        """Drop a diverged run's last checkpoints whose weights are NaN or infinite: nothing to
        go back to. A weight that went NaN ends the run, so only the last ones can be."""
        checkpoints = self.checkpoints
        for epoch in reversed(checkpoints.epochs):
            if all(a is None or np.isfinite(a).all() for layer in checkpoints.at(epoch)[1]
                   for a in layer):
                return
            checkpoints.truncate(epoch - 1)
