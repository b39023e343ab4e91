"""Rosenblatt's perceptron: the delta rule by hand, AND and OR converge, XOR never does."""

import numpy as np
import pytest

from nnsim.core.datasets import load_dataset
from nnsim.core.perceptron import Perceptron


def test_bias_trick_appends_a_constant_one():
    np.testing.assert_array_equal(Perceptron.with_bias_input([[0, 1], [1, 1]]),
                                  [[0, 1, 1], [1, 1, 1]])
    np.testing.assert_array_equal(Perceptron.with_bias_input([2, 3]), [[2, 3, 1]])


def test_lecture_start_weights():
    p = Perceptron(2, seed=1)
    expected = np.random.default_rng(1).standard_normal(3) / np.sqrt(2)
    np.testing.assert_array_equal(p.weights, expected)
    assert p.history.mistakes == [] and not p.history.converged


def test_delta_rule_by_hand():
    p = Perceptron(2, learning_rate=0.1, seed=0)
    p.weights = np.array([0.2, -0.3, 0.05])
    # x = (1, 1): net = 0.2 - 0.3 + 0.05 = -0.05, y = 0; target 1: w += 0.1 * 1 * (1, 1, 1)
    assert p.update([1, 1], 1) is True
    np.testing.assert_allclose(p.weights, [0.3, -0.2, 0.15])
    # x = (1, 0): net = 0.45 > 0, y = 1 = target: nothing changes
    assert p.update([1, 0], 1) is False
    np.testing.assert_allclose(p.weights, [0.3, -0.2, 0.15])
    # x = (1, 0) with target 0: w -= 0.1 * (1, 0, 1)
    assert p.update([1, 0], 0) is True
    np.testing.assert_allclose(p.weights, [0.2, -0.2, 0.05])


def test_net_and_predict():
    p = Perceptron(2, seed=0)
    p.weights = np.array([1.0, 1.0, -1.5])
    X = load_dataset("and").X
    np.testing.assert_allclose(p.net(X), [-1.5, -0.5, -0.5, 0.5])
    np.testing.assert_array_equal(p.predict(X), [0, 0, 0, 1])
    assert p.errors(X, [0, 0, 0, 1]) == 0
    assert p.errors(X, [0, 1, 1, 1]) == 2


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_separable_gates_converge(gate, seed):
    data = load_dataset(gate)
    p = Perceptron(2, learning_rate=0.1, seed=seed)
    history = p.fit(data.X, data.y, epochs=100)
    assert history.converged
    assert history.mistakes[history.converged_epoch - 1] == 0
    assert all(m > 0 for m in history.mistakes[:history.converged_epoch - 1])
    assert len(history.mistakes) == 100  # the lecture runs every epoch, even after converging
    assert p.errors(data.X, data.y) == 0
    np.testing.assert_array_equal(p.predict(data.X), data.y)


def test_and_with_the_lesson_settings_converges_within_its_epochs():
    data = load_dataset("and")
    p = Perceptron(2, learning_rate=0.1, seed=1)
    history = p.fit(data.X, data.y, epochs=20)
    assert history.converged and history.converged_epoch <= 20
    assert set(history.mistakes[history.converged_epoch - 1:]) == {0}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_xor_never_converges(seed):
    data = load_dataset("xor")
    p = Perceptron(2, learning_rate=0.1, seed=seed)
    history = p.fit(data.X, data.y, epochs=200)
    assert not history.converged and history.converged_epoch is None
    assert min(history.mistakes) >= 1
    assert p.errors(data.X, data.y) >= 1


def test_as_network_draws_the_same_unit():
    data = load_dataset("or")
    p = Perceptron(2, seed=3)
    p.fit(data.X, data.y, epochs=20)
    net = p.as_network()
    layer, = net.layers
    assert layer.activation.name == "step"
    np.testing.assert_array_equal(layer.weights[:, 0], p.weights[:2])
    np.testing.assert_array_equal(layer.bias, p.weights[2:])
    np.testing.assert_array_equal(net.predict(data.X)[:, 0], p.predict(data.X))
