"""SimpleRNN against a hand computation, against Dense at T = 1, and against central
differences through time (T = 1..6, last state or every state, a given initial state)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.core.layers import Dense
from nnsim.core.rnn import SimpleRNN


def test_two_steps_by_hand():
    layer = SimpleRNN(1, "tanh", in_features=1, seed=0)
    layer.W[:] = 0.5
    layer.U[:] = -0.8
    layer.b[:] = 0.1
    out, _ = layer.forward(np.array([[[1.0], [2.0]]]))
    h1 = math.tanh(1.0 * 0.5 + 0.1)
    h2 = math.tanh(2.0 * 0.5 + h1 * -0.8 + 0.1)
    assert out.shape == (1, 1) and out[0, 0] == pytest.approx(h2, abs=1e-15)
    layer.return_sequences = True
    every, _ = layer.forward(np.array([[[1.0], [2.0]]]))
    np.testing.assert_allclose(every[0, :, 0], [h1, h2], atol=1e-15)


def test_one_time_step_is_a_dense_layer():
    rng = np.random.default_rng(3)
    layer = SimpleRNN(4, "sigmoid", in_features=3, seed=1)
    dense = Dense(3, 4, "sigmoid")
    dense.set_weights(layer.W.copy(), layer.b + rng.normal(size=4))
    layer.b[:] = dense.bias
    x = rng.normal(size=(5, 3))
    out, _ = layer.forward(x[:, np.newaxis, :])
    np.testing.assert_allclose(out, dense.forward(x), atol=1e-14)


def _numeric(f, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + eps
        up = f()
        array[index] = keep - eps
        down = f()
        array[index] = keep
        grad[index] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("steps", [1, 2, 3, 6])
@pytest.mark.parametrize("sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_backpropagation_through_time_matches_central_differences(steps, sequences, activation):
    rng = np.random.default_rng(steps)
    layer = SimpleRNN(3, activation, sequences, in_features=2, seed=steps)
    layer.b[:] = rng.normal(size=3)
    x = rng.normal(size=(4, steps, 2))
    h0 = rng.normal(size=(4, 3))
    out, _ = layer.forward(x, h0)
    R = rng.normal(size=out.shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x, h0)[0] * R))

    _, cache = layer.forward(x, h0)
    grad_x, grad_h0, grads = layer.backward_through_time(R, cache)
    for analytic, array in [(grad_x, x), (grad_h0, h0), *zip(grads, layer.parameters(),
                                                               strict=True)]:
        numeric = _numeric(loss, array)
        scale = max(1.0, float(np.abs(numeric).max()))
        assert np.abs(analytic - numeric).max() / scale < 1e-7


def test_bad_input_is_named():
    layer = SimpleRNN(2, in_features=3, seed=0)
    with pytest.raises(ValueError, match="at least one time step"):
        layer.forward(np.zeros((1, 0, 3)))
    with pytest.raises(ValueError, match="expects 3 features per step, got 2"):
        layer.forward(np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match=r"\(samples, time steps, features\)"):
        layer.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"different lengths \(1 to 2 steps\)"):
        layer.forward([[[0, 0, 1], [1, 0, 0]], [[0, 1, 0]]])
    with pytest.raises(ValueError, match="at least 1 unit"):
        SimpleRNN(0, in_features=3)
    with pytest.raises(ValueError, match="step"):
        SimpleRNN(2, "step", in_features=3)
    assert layer.output_shape((7, 3)) == (2,)
    assert SimpleRNN(2, return_sequences=True, in_features=3).output_shape((7, 3)) == (7, 2)
