"""One training step for each kind of model, behind one small interface the loop drives.

A Network steps by backpropagation on a mini-batch; a Perceptron by the delta rule on one row
(so its "batch" is always one row and its loss is the number of mistakes). The loop only sees
``step(start, stop) -> (loss, correct)`` over the current epoch's row order.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.losses import get_loss
from nnsim.core.network import Network, count_correct
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron

Array = np.ndarray
Weights = tuple[tuple[Array, Array | None], ...]


class NetworkStepper:
    """Mini-batch gradient descent on prepared rows, exactly as ``Network.run_epoch`` does it."""

    def __init__(self, network: Network, X: Array, y: Array, optimizer: SGD, loss: str) -> None:
        self.model = network
        self.X = network._as_inputs(X)
        self.T = network.as_targets(y, len(self.X))
        self.Xs, self.Ts = self.X, self.T
        self.optimizer = optimizer
        self.loss = get_loss(loss)
        #: sse is a sum by definition, so an epoch's sse adds batch losses instead of averaging.
        self.sum_loss = self.loss.name == "sse"

    @property
    def n_inputs(self) -> int:
        return self.model.n_inputs

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = value

    def batch_size(self, requested: int) -> int:
        return max(1, min(int(requested), len(self.X)))

    def begin_epoch(self, rng: np.random.Generator | None) -> None:
        """Draw this epoch's row order (the same draws as ``Network.fit`` for the same seed)."""
        if rng is None:
            self.Xs, self.Ts = self.X, self.T
        else:
            order = rng.permutation(len(self.X))
            self.Xs, self.Ts = self.X[order], self.T[order]

    def step(self, start: int, stop: int) -> tuple[float, int]:
        return self.model.train_step(self.Xs[start:stop], self.Ts[start:stop], self.optimizer,
                                     self.loss)

    def evaluate(self, X: Array, y: Array) -> tuple[float, float]:
        """(loss, accuracy) on other rows, on the same scale as an epoch's figures."""
        X = self.model._as_inputs(X)
        T = self.model.as_targets(y, len(X))
        out = self.model.predict(X)
        right = count_correct(out, T, self.model.shapes[-1])
        return self.loss.value(out, T), right / len(X)

    def baseline_loss(self) -> float | None:
        """The loss of always answering the mean target: what knowing nothing scores."""
        guess = np.broadcast_to(self.T.mean(axis=0), self.T.shape)
        return self.loss.value(guess, self.T)

    def epoch_finished(self, logs: dict[str, float]) -> None:
        """Nothing to record: the network keeps no history of its own."""

    def as_network(self) -> Network:
        return self.model

    def restore(self, weights: Weights) -> None:
        self.model.set_weights(weights)


class PerceptronStepper:
    """The lecture's delta rule, one row per step; the loss counts mistakes."""

    sum_loss = True

    def __init__(self, perceptron: Perceptron, X: Array, y: Array) -> None:
        self.model = perceptron
        self.X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        self.y = np.asarray(y, dtype=np.float64).reshape(-1)
        if self.X.shape[1] != perceptron.n_inputs or len(self.y) != len(self.X):
            raise ValueError(f"the perceptron expects rows of {perceptron.n_inputs} inputs and "
                             f"one 0/1 target per row, got X of shape {self.X.shape} and "
                             f"{len(self.y)} targets")
        self.Xs, self.ys = self.X, self.y

    @property
    def n_inputs(self) -> int:
        return self.model.n_inputs

    @property
    def learning_rate(self) -> float:
        return self.model.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.model.learning_rate = value

    def batch_size(self, requested: int) -> int:
        return 1

    def begin_epoch(self, rng: np.random.Generator | None) -> None:
        if rng is None:
            self.Xs, self.ys = self.X, self.y
        else:
            order = rng.permutation(len(self.X))
            self.Xs, self.ys = self.X[order], self.y[order]

    def step(self, start: int, stop: int) -> tuple[float, int]:
        mistake = self.model.update(self.Xs[start], self.ys[start])
        return float(mistake), int(not mistake)

    def evaluate(self, X: Array, y: Array) -> tuple[float, float]:
        """(mistakes, accuracy) on other rows."""
        errors = self.model.errors(X, np.asarray(y).reshape(-1))
        return float(errors), 1.0 - errors / len(X)

    def baseline_loss(self) -> float | None:
        """None: mistakes only fall or cycle, the perceptron rule cannot blow up."""
        return None

    def epoch_finished(self, logs: dict[str, float]) -> None:
        """Keep the perceptron's own history in step, as ``Perceptron.fit_epoch`` would."""
        history = self.model.history
        history.mistakes.append(int(logs["loss"]))
        if logs["loss"] == 0 and history.converged_epoch is None:
            history.converged_epoch = len(history.mistakes)

    def as_network(self) -> Network:
        return self.model.as_network()

    def restore(self, weights: Weights) -> None:
        (W, b), = weights
        self.model.weights = np.append(W[:, 0], b)


def make_stepper(model: Network | Perceptron, X: Array, y: Array, optimizer: SGD,
                 loss: str) -> NetworkStepper | PerceptronStepper:
    """The stepper for this kind of model."""
    if isinstance(model, Perceptron):
        return PerceptronStepper(model, X, y)
    if isinstance(model, Network):
        return NetworkStepper(model, X, y, optimizer, loss)
    raise TypeError(f"can train a Network or a Perceptron, got {type(model).__name__}")
