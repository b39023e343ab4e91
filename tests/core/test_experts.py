"""The mixture of experts, as a layer a Network trains: gradients by central differences, and
a gate that splits the four-square checkerboard between two one-line experts."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.experts import MixtureOfExperts
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD

LOSS = "binary_crossentropy"


def test_gradients_match_central_differences():
    rng = np.random.default_rng(0)
    layer = MixtureOfExperts(2, experts=3, seed=1)
    model = Network([layer])
    X, y = rng.normal(size=(12, 2)), rng.integers(0, 2, 12)
    (grads,) = model.gradients(X, y, LOSS)
    eps = 1e-6
    for param, grad in zip(layer.parameters(), grads, strict=True):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + eps
            up = model.loss(X, y, LOSS)
            param[index] = keep - eps
            down = model.loss(X, y, LOSS)
            param[index] = keep
            numeric[index] = (up - down) / (2 * eps)
        assert np.abs(grad - numeric).max() < 1e-8


def test_two_experts_and_a_gate_solve_the_checkerboard():
    """Label 1 where x1 and x2 have different signs (XOR's four squares): no line does it,
    two lines and a gate that splits at x1 = 0 (or x2 = 0) do."""
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (400, 2))
    X = X[np.abs(X).min(axis=1) > 0.1]  # a margin around the axes
    y = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(float)
    from sklearn.linear_model import LogisticRegression

    assert LogisticRegression().fit(X, y).score(X, y) < 0.75  # one line cannot
    layer = MixtureOfExperts(2, experts=2, seed=3)
    model = Network([layer])
    optimizer = SGD(0.5, 0.9)
    for _ in range(1500):
        model.train_on_batch(X, y, optimizer, LOSS)
    accuracy = np.mean((model.predict(X)[:, 0] > 0.5) == y)
    assert accuracy >= 0.95
    chosen = layer.chosen_expert(X)

    def splits_at_zero(axis: int) -> bool:
        """Each half (by the sign of x_axis) is almost all one expert's, a different one."""
        halves = [chosen[X[:, axis] < 0], chosen[X[:, axis] > 0]]
        mains = [np.bincount(half, minlength=2).argmax() for half in halves]
        return mains[0] != mains[1] and all(np.mean(half == main) >= 0.9
                                            for half, main in zip(halves, mains, strict=True))

    assert splits_at_zero(0) or splits_at_zero(1)  # the problem is symmetric in x1 and x2


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="2 to 4 experts"):
        MixtureOfExperts(2, experts=5)
    with pytest.raises(ValueError, match="at least 1 input"):
        MixtureOfExperts(0)
