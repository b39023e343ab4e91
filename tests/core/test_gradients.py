"""Backpropagation checked against central differences of the loss itself.

For every output activation with every loss it can meet, and every activation inside hidden
layers with every loss, in nets of 1 to 3 layers with and without bias, each analytic
dE/dw must equal (E(w + h) - E(w - h)) / 2h. Float64 and h = 1e-6 make the check tight: an
error in any factor of the chain rule shows up in the fifth digit or earlier.
"""

import numpy as np
import pytest

from nnsim.core.activations import NotDifferentiableError
from nnsim.core.layers import Dense
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD

SMOOTH = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear", "softmax"]
LOSSES = ["sse", "mse", "binary_crossentropy", "categorical_crossentropy"]
PROBABILITY_OUTPUTS = ["sigmoid", "softmax"]  # cross-entropy needs outputs in (0, 1)
H = 1e-6


def output_pairs():
    """(output activation, loss): the squared errors take any output, cross-entropies need
    probabilities (with sigmoid+categorical and softmax+binary taking the unfused path)."""
    pairs = [(act, loss) for act in SMOOTH for loss in ("sse", "mse")]
    pairs += [(act, loss) for act in PROBABILITY_OUTPUTS
              for loss in ("binary_crossentropy", "categorical_crossentropy")]
    return pairs


def make_net(n_layers, hidden, output, bias, seed=0):
    sizes = [3, 4, 5, 3][: n_layers] + [3]
    rng = np.random.default_rng(seed)
    layers = [Dense(sizes[i], sizes[i + 1], hidden if i < n_layers - 1 else output, bias,
                    initializer="glorot_uniform", seed=rng) for i in range(n_layers)]
    net = Network(layers)
    if bias:  # non-zero biases, so a wrong bias gradient cannot hide behind b = 0
        for layer in net.layers:
            layer.bias[:] = rng.normal(0, 0.5, layer.n_out)
    return net


def make_data(seed=1, n=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1.0, (n, 3))
    # Targets in (0, 1), rows summing to 1: valid for every loss (cross-entropies included).
    T = rng.dirichlet(np.ones(3), n)
    return X, T


def numeric_gradients(net, X, T, loss):
    grads = []
    for param in net.parameters():
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + H
            up = net.loss(X, T, loss)
            param[index] = saved - H
            down = net.loss(X, T, loss)
            param[index] = saved
            grad[index] = (up - down) / (2 * H)
        grads.append(grad)
    return grads


def flat(gradients):
    out = []
    for dW, db in gradients:
        out.append(dW)
        if db is not None:
            out.append(db)
    return out


def assert_gradients_match(net, X, T, loss):
    analytic = flat(net.gradients(X, T, loss))
    numeric = numeric_gradients(net, X, T, loss)
    assert len(analytic) == len(numeric) == len(net.parameters())
    for a, n, p in zip(analytic, numeric, net.parameters(), strict=True):
        assert a.shape == p.shape
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-8)
    # A real check: the gradient is not zero everywhere.
    assert max(np.abs(a).max() for a in analytic) > 1e-4


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("n_layers", [1, 2, 3])
@pytest.mark.parametrize(("output", "loss"), output_pairs())
def test_output_activation_and_loss(output, loss, n_layers, bias):
    net = make_net(n_layers, "tanh", output, bias)
    X, T = make_data()
    assert_gradients_match(net, X, T, loss)


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("n_layers", [2, 3])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("hidden", SMOOTH)
def test_hidden_activation_and_loss(hidden, loss, n_layers, bias):
    output = "softmax" if loss == "categorical_crossentropy" else "sigmoid"
    net = make_net(n_layers, hidden, output, bias, seed=2)
    X, T = make_data(seed=3)
    assert_gradients_match(net, X, T, loss)


@pytest.mark.parametrize("alpha", [0.2, 2.0])
@pytest.mark.parametrize("activation", ["leaky_relu", "elu"])
def test_alpha_reaches_the_derivative(activation, alpha):
    rng = np.random.default_rng(4)
    net = Network([Dense(3, 4, activation, alpha=alpha, seed=rng), Dense(4, 3, "linear",
                                                                        seed=rng)])
    X, T = make_data(seed=5)
    assert_gradients_match(net, X, T, "sse")


def test_float32_gradients_match_float64():
    X, T = make_data(seed=6)
    net64 = make_net(3, "sigmoid", "softmax", True)
    net32 = Network.from_sizes(net64.sizes, ["sigmoid", "sigmoid", "softmax"],
                               dtype=np.float32)
    net32.set_weights(net64.get_weights())
    for (a, b), (c, d) in zip(net32.gradients(X, T, "categorical_crossentropy"),
                              net64.gradients(X, T, "categorical_crossentropy"), strict=True):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(b, d, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("loss", LOSSES)
def test_backward_trace_gradients_equal_network_gradients(loss):
    net = make_net(3, "tanh", "sigmoid", True, seed=7)
    X, T = make_data(seed=8, n=1)
    trace = net.backward_trace(X[0], T[0], loss, learning_rate=0.3)
    for (a, b), (c, d) in zip(trace.gradients(), net.gradients(X, T, loss), strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b, d, rtol=1e-12, atol=1e-15)
    for record, (W, b), (dW, db) in zip(trace.layers, net.get_weights(), trace.gradients(),
                                        strict=True):
        np.testing.assert_allclose(record.new_weights, W - 0.3 * dW)
        np.testing.assert_allclose(record.new_bias, b - 0.3 * db)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize(("hidden", "output", "loss"), [
    ("sigmoid", "softmax", "sse"), ("sigmoid", "softmax", "categorical_crossentropy"),
    ("tanh", "sigmoid", "sse"), ("relu", "tanh", "mse"), ("elu", "sigmoid",
                                                          "binary_crossentropy")])
def test_one_training_step_moves_by_learning_rate_times_gradient(hidden, output, loss,
                                                                 momentum):
    # The first step of SGD is w - lr * g with or without momentum (the velocity starts at 0).
    # The training step computes sigmoid and tanh over their nets and folds -lr into the
    # deltas; it must still move every weight by exactly -lr times the gradient.
    net = make_net(3, hidden, output, True, seed=9)
    X, T = make_data(seed=10, n=8)
    before, loss_before = net.get_weights(), net.loss(X, T, loss)
    grads = net.gradients(X, T, loss)
    value = net.train_on_batch(X, T, SGD(0.25, momentum=momentum), loss)
    assert value == pytest.approx(loss_before, rel=1e-12)
    for (W0, b0), (W1, b1), (dW, db) in zip(before, net.get_weights(), grads, strict=True):
        np.testing.assert_allclose(W1, W0 - 0.25 * dW, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b1, b0 - 0.25 * db, rtol=1e-12, atol=1e-14)


def test_train_on_batch_returns_the_loss_before_the_step():
    net = make_net(2, "tanh", "sigmoid", True, seed=11)
    X, T = make_data(seed=12)
    before = net.loss(X, T, "mse")
    assert net.train_on_batch(X, T, SGD(0.5), "mse") == pytest.approx(before, rel=1e-12)
    assert net.loss(X, T, "mse") < before


def test_the_step_function_cannot_be_backpropagated():
    net = Network([Dense(2, 2, "step", seed=0), Dense(2, 1, "sigmoid", seed=1)])
    with pytest.raises(NotDifferentiableError, match="perceptron rule"):
        net.gradients([[0.5, 1.0]], [1.0])
    output_step = Network([Dense(2, 1, "step", seed=0)])
    with pytest.raises(NotDifferentiableError, match="step"):
        output_step.gradients([[0.5, 1.0]], [1.0])
