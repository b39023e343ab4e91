"""Rosenblatt's perceptron exactly as the lecture runs it.

A step unit over the inputs plus a constant +1 (the bias trick). For each training row, in order:
    y = step(w . x),  w <- w + eta * (d - y) * x
An epoch with no mistake means the data are linearly separated and training has converged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.core.activations import step
from nnsim.core.layers import Dense
from nnsim.core.network import Network

Array = np.ndarray


@dataclass
class PerceptronHistory:
    """Mistakes made in each epoch, and the first epoch that made none (None if never)."""

    mistakes: list[int] = field(default_factory=list)
    converged_epoch: int | None = None

    @property
    def converged(self) -> bool:
        return self.converged_epoch is not None


class Perceptron:
    """A single step neuron; ``weights[:-1]`` weigh the inputs and ``weights[-1]`` is the bias."""

    def __init__(self, n_inputs: int, learning_rate: float = 0.1,
                 seed: int | None = None) -> None:
        self.n_inputs = int(n_inputs)
        self.learning_rate = float(learning_rate)
        self.initialize(seed)
        self.history = PerceptronHistory()

    def initialize(self, seed: int | None = None) -> None:
        """The lecture's start: w ~ N(0, 1) / sqrt(n_inputs), bias included."""
        rng = np.random.default_rng(seed)
        self.weights = rng.standard_normal(self.n_inputs + 1) / np.sqrt(self.n_inputs)
        self.history = PerceptronHistory()

    @staticmethod
    def with_bias_input(X: Array) -> Array:
        """Append the constant +1 column: the bias trick."""
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        return np.c_[X, np.ones(len(X))]

    def net(self, X: Array) -> Array:
        """w . [x, 1] for each row."""
        return self.with_bias_input(X) @ self.weights

    def predict(self, X: Array) -> Array:
        """step(w . [x, 1]) for each row: 0 or 1."""
        return step(self.net(X))

    def update(self, x: Array, target: float) -> bool:
        """The delta rule on one row; returns True if the row was a mistake (weights moved)."""
        xb = np.append(np.asarray(x, dtype=np.float64), 1.0)
        y = 1.0 if float(xb @ self.weights) > 0 else 0.0
        error = float(target) - y
        if error:
            self.weights += self.learning_rate * error * xb
        return bool(error)

    def fit_epoch(self, X: Array, y: Array) -> int:
        """One pass over the rows in order; records and returns the number of mistakes."""
        mistakes = sum(self.update(row, target) for row, target in zip(X, y, strict=True))
        self.history.mistakes.append(mistakes)
        if mistakes == 0 and self.history.converged_epoch is None:
            self.history.converged_epoch = len(self.history.mistakes)
        return mistakes

    def fit(self, X: Array, y: Array, epochs: int = 20) -> PerceptronHistory:
        """Train for ``epochs`` passes (the lecture runs all of them, even after convergence)."""
        for _ in range(epochs):
            self.fit_epoch(X, y)
        return self.history

    def errors(self, X: Array, y: Array) -> int:
        """Rows currently misclassified."""
        return int(np.count_nonzero(self.predict(X) != np.asarray(y)))

    def as_network(self) -> Network:
        """The same unit as a one-layer Network, so the canvas and boundary draw it alike."""
        layer = Dense(self.n_inputs, 1, "step", bias=True)
        layer.set_weights(self.weights[:-1, np.newaxis], self.weights[-1:])
        return Network([layer])
