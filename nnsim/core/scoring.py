"""The figures every view shows for a model on its rows: one computation, so they agree.

The status bar, the truth table, the curves' last point and the pad used to compute "loss",
"accuracy" and "n of N right" each their own way (an epoch's running count against the current
weights), and contradicted each other on screen. They all read a :class:`Score` now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.core.losses import get_loss
from nnsim.core.network import Network, count_correct
from nnsim.core.perceptron import Perceptron

Array = np.ndarray


@dataclass(frozen=True)
class Score:
    """A model's loss on some rows and how many of them it classifies right."""

    loss: float
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        """right / total (0 for no rows)."""
        return self.right / self.total if self.total else 0.0

    def right_text(self) -> str:
        """"3 of 4 right", as the truth table and the status bar both say it."""
        return f"{self.right:,} of {self.total:,} right"


def score(model: Network | Perceptron, X: Array, y: Array, loss: str = "sse") -> Score:
    """The model's current figures on (X, y).

    A perceptron's loss is its number of mistakes (what its learning rule counts); a network's
    is ``loss`` on the same scale as a training epoch's (the lecture's SSE summed over rows,
    cross-entropy averaged).
    """
    X = np.atleast_2d(np.asarray(X))
    y = np.asarray(y)
    if isinstance(model, Perceptron):
        errors = model.errors(X, y.reshape(-1))
        return Score(float(errors), len(X) - errors, len(X))
    out = model.predict(X)
    target = model.as_targets(y, len(X))
    return Score(float(get_loss(loss).value(out, target)),
                 count_correct(out, target, model.shapes[-1]), len(X))
