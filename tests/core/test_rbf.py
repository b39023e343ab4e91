"""RBF units: by hand, against SciPy's distances, central differences, k-means centres, XOR."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans

from nnsim.core.rbf import RBF


def test_by_hand():
    layer = RBF(2, gamma=1.0, in_features=2)
    layer.centres[:] = [[0.0, 0.0], [1.0, 1.0]]
    out, _ = layer.forward(np.array([[1.0, 0.0], [1.0, 1.0]]))
    np.testing.assert_allclose(out, [[math.exp(-1), math.exp(-1)], [math.exp(-2), 1.0]],
                               atol=1e-15)


def test_against_scipy_distances():
    rng = np.random.default_rng(1)
    layer = RBF(5, in_features=3, seed=2)
    layer.log_gamma[:] = rng.normal(size=5)
    x = rng.normal(size=(40, 3))
    out, _ = layer.forward(x)
    expected = np.exp(-layer.gamma * cdist(x, layer.centres, "sqeuclidean"))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-14)


def test_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    layer = RBF(4, in_features=3, seed=4)
    layer.log_gamma[:] = rng.normal(scale=0.3, size=4)
    x = rng.normal(size=(6, 3))
    out, cache = layer.forward(x)
    R = rng.normal(size=out.shape)
    grad_x, grads = layer.backward(R, cache)
    eps = 1e-6
    for analytic, array in [(grad_x, x), *zip(grads, layer.parameters(), strict=True)]:
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            keep = array[index]
            array[index] = keep + eps
            up = float(np.sum(layer.forward(x)[0] * R))
            array[index] = keep - eps
            down = float(np.sum(layer.forward(x)[0] * R))
            array[index] = keep
            numeric[index] = (up - down) / (2 * eps)
        assert np.abs(analytic - numeric).max() < 1e-8


def test_centres_come_from_kmeans_and_widths_from_their_spread():
    rng = np.random.default_rng(5)
    X = np.concatenate([rng.normal(loc, 0.1, size=(30, 2)) for loc in ((0, 0), (3, 0), (0, 4))])
    layer = RBF(3, in_features=2)
    layer.init_centres(X, seed=7)
    np.testing.assert_allclose(layer.centres,
                               KMeans(3, n_init=10, random_state=7).fit(X).cluster_centers_)
    sigma = np.mean([3.0, 4.0, 5.0])  # the distances between the three clusters
    assert layer.gamma == pytest.approx(1 / (2 * sigma**2), rel=0.05)
    with pytest.raises(ValueError, match="at least 4 distinct rows"):
        RBF(4, in_features=2).init_centres(np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5))


def test_two_gaussian_units_and_a_linear_output_solve_xor():
    """The lecture's RBF network: the units sit on the two 'false' corners, and the output is
    a line in their space. Trained here by plain gradient descent on the squared error."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    layer = RBF(2, gamma=1.0, in_features=2)
    layer.init_centres(X[[0, 3]], seed=0)  # k-means on the two corners of class 0
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=2), 0.0
    for _ in range(2000):
        hidden, cache = layer.forward(X)
        error = hidden @ w + b - y
        grad_hidden = np.outer(error, w)
        w -= 0.5 * hidden.T @ error / 4
        b -= 0.5 * error.mean()
        _, (grad_centres, grad_log_gamma) = layer.backward(grad_hidden / 4, cache)
        layer.centres -= 0.5 * grad_centres
        layer.log_gamma -= 0.5 * grad_log_gamma
    predicted = (layer.forward(X)[0] @ w + b > 0.5).astype(float)
    assert predicted.tolist() == y.tolist()


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="at least 1 unit"):
        RBF(0, in_features=2)
    with pytest.raises(ValueError, match="gamma must be a positive number, got -1"):
        RBF(2, gamma=-1, in_features=2)
    with pytest.raises(ValueError, match="expects 2 inputs, got \\(3,\\)"):
        RBF(2, in_features=2).forward(np.zeros((1, 3)))
