"""Network: building, checking shapes, the worked example's traces, and Keras-style fit."""

import numpy as np
import pytest

from nnsim.core.layers import Dense
from nnsim.core.losses import get_loss
from nnsim.core.network import Network, count_correct
from nnsim.core.optimizers import SGD

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])


def worked_example() -> Network:
    """The lecture's 2-3-1 sigmoid network: biases on the hidden layer, none on the output."""
    hidden = Dense(2, 3, "sigmoid")
    hidden.set_weights([[0.351, -0.097, 0.457], [1.076, -0.165, -0.165]],
                       [1.116, 0.542, -0.331])
    output = Dense(3, 1, "sigmoid", bias=False)
    output.set_weights([[0.383], [-0.327], [-0.329]])
    return Network([hidden, output])


# -- building and shapes -------------------------------------------------------------------


def test_from_sizes_builds_the_layers():
    net = Network.from_sizes([64, 32, 16, 10], ["sigmoid", "relu", "softmax"],
                             bias=[True, False, True], seed=0)
    assert net.sizes == [64, 32, 16, 10]
    assert [layer.activation.name for layer in net.layers] == ["sigmoid", "relu", "softmax"]
    assert [layer.bias is None for layer in net.layers] == [False, True, False]
    assert [layer.weights.shape for layer in net.layers] == [(64, 32), (32, 16), (16, 10)]
    assert net.dtype == np.float64
    assert "Dense(64, 32, activation='sigmoid', bias=True)" in repr(net)


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (Network.from_sizes([3, 4, 2], seed=s) for s in (5, 5, 6))
    for (wa, ba), (wb, bb), (wc, _) in zip(a.get_weights(), b.get_weights(), c.get_weights(),
                                           strict=True):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(ba, bb)
        assert not np.array_equal(wa, wc)


def test_layers_must_chain():
    with pytest.raises(ValueError, match="layer 1 has 3 outputs but layer 2 expects 4 inputs"):
        Network([Dense(2, 3), Dense(4, 1)])
    with pytest.raises(ValueError, match="at least one layer"):
        Network([])
    with pytest.raises(ValueError, match="at least an input and an output size"):
        Network.from_sizes([3])
    with pytest.raises(ValueError, match="at least 1 input and 1 output"):
        Dense(0, 3)


def test_predict_accepts_one_row_and_names_a_wrong_width():
    net = Network.from_sizes([2, 3, 1], seed=0)
    assert net.predict([0.0, 1.0]).shape == (1, 1)
    assert net.predict(XOR_X).shape == (4, 1)
    with pytest.raises(ValueError, match="expects rows of 2 inputs, got an array of shape "
                                         r"\(4, 3\)"):
        net.predict(np.zeros((4, 3)))


def test_targets_from_labels_and_arrays():
    net = Network.from_sizes([2, 3], seed=0)
    np.testing.assert_array_equal(net.as_targets([2, 0], 2), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(net.as_targets([[0.1, 0.2, 0.7]], 1), [[0.1, 0.2, 0.7]])
    with pytest.raises(ValueError, match=r"class labels must be in 0\.\.2 for 3 outputs, "
                                         r"got 0\.\.3"):
        net.as_targets([0, 3], 2)
    with pytest.raises(ValueError, match=r"targets must have shape \(2, 3\)"):
        net.as_targets(np.zeros((2, 4)), 2)
    single = Network.from_sizes([2, 1], seed=0)
    np.testing.assert_array_equal(single.as_targets([0, 1, 1], 3), [[0], [1], [1]])


def test_weights_are_copied_in_and_out():
    net = Network.from_sizes([2, 2, 1], seed=0)
    weights = net.get_weights()
    weights[0][0][:] = 99
    assert not np.any(net.layers[0].weights == 99)
    new = [(np.ones((2, 2)), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    net.set_weights(new)
    new[0][0][:] = 5
    np.testing.assert_array_equal(net.layers[0].weights, np.ones((2, 2)))
    with pytest.raises(ValueError, match="expected weights for 2 layers, got 1"):
        net.set_weights(new[:1])


def test_layer_weight_errors_name_the_shape():
    layer = Dense(2, 3)
    with pytest.raises(ValueError, match=r"weights must have shape \(2, 3\) \(inputs x "
                                         r"neurons\), got \(3, 2\)"):
        layer.set_weights(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="this layer has a bias: give 3 bias values"):
        layer.set_weights(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\), got \(2,\)"):
        layer.set_weights(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="no bias"):
        Dense(2, 3, bias=False).set_weights(np.zeros((2, 3)), np.zeros(3))


def test_copy_shares_no_memory():
    net = Network.from_sizes([2, 2, 1], seed=0)
    clone = net.copy()
    clone.layers[0].weights += 1
    clone.layers[0].bias += 1
    assert not np.array_equal(clone.layers[0].weights, net.layers[0].weights)
    assert not np.array_equal(clone.layers[0].bias, net.layers[0].bias)


def test_spec_is_plain_data():
    net = Network.from_sizes([2, 3, 1], ["leaky_relu", "sigmoid"], seed=0)
    assert net.spec() == {"inputs": 2, "layers": [
        {"units": 3, "activation": "leaky_relu", "bias": True, "alpha": 0.01},
        {"units": 1, "activation": "sigmoid", "bias": True}]}


def test_count_correct():
    assert count_correct(np.array([[0.2], [0.5], [0.9]]), np.array([[0.0], [1.0], [0.0]])) == 2
    out = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]])
    assert count_correct(out, np.array([[0, 1, 0], [0, 0, 1]])) == 1


# -- the worked example ----------------------------------------------------------------------


def test_worked_example_forward_trace():
    trace = worked_example().forward_trace([0, 1])
    hidden, output = trace.layers
    np.testing.assert_allclose(hidden.net, [2.192, 0.377, -0.496], atol=1e-12)
    np.testing.assert_allclose(hidden.out, [0.899529, 0.593149, 0.378481], atol=1e-6)
    assert output.bias is None
    np.testing.assert_allclose(output.net, [0.026039], atol=1e-6)
    np.testing.assert_allclose(trace.output, [0.506509], atol=1e-6)
    assert trace.output[0] >= 0.5  # class 1
    np.testing.assert_array_equal(trace.x, [0, 1])
    np.testing.assert_array_equal(hidden.input, [0, 1])
    np.testing.assert_array_equal(output.input, hidden.out)


def test_worked_example_backward_trace():
    net = worked_example()
    trace = net.backward_trace([0, 1], 1, "sse", learning_rate=0.5)
    out = trace.forward.output[0]
    hidden, output = trace.layers
    assert trace.loss == pytest.approx(0.5 * (out - 1) ** 2)
    np.testing.assert_allclose(output.dE_dout, [out - 1])
    np.testing.assert_allclose(output.dout_dnet, [out * (1 - out)])
    np.testing.assert_allclose(output.delta, [(out - 1) * out * (1 - out)])
    assert output.delta[0] == pytest.approx(-0.123352, abs=1e-6)  # the lecture's -0.123
    h = trace.forward.layers[0].out
    np.testing.assert_allclose(output.weight_gradient[:, 0], output.delta[0] * h)
    assert output.bias_gradient is None and output.new_bias is None
    w_out = np.array([0.383, -0.327, -0.329])
    np.testing.assert_allclose(hidden.delta, h * (1 - h) * w_out * output.delta[0])
    np.testing.assert_allclose(hidden.weight_gradient, np.outer([0, 1], hidden.delta))
    np.testing.assert_allclose(hidden.new_bias, [1.116, 0.542, -0.331] - 0.5 * hidden.delta)
    assert trace.loss_after < trace.loss
    # The trace leaves the network alone.
    np.testing.assert_array_equal(net.layers[1].weights[:, 0], w_out)


# -- training --------------------------------------------------------------------------------


def test_fit_learns_xor_and_keeps_keras_history():
    net = Network.from_sizes([2, 2, 1], "sigmoid", seed=26)
    seen = []
    history = net.fit(XOR_X, XOR_Y, epochs=1000, batch_size=1, optimizer=SGD(0.5), loss="sse",
                      shuffle=False, on_epoch_end=lambda epoch, logs: seen.append(epoch))
    assert history.epochs == 1000 and seen == list(range(1, 1001))
    assert set(history) == {"loss", "accuracy"} and history.history is history
    assert history["loss"][-1] < history["loss"][0] / 10
    assert history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(np.round(net.predict(XOR_X)[:, 0]), XOR_Y)


def test_stop_training_ends_after_the_current_epoch():
    net = Network.from_sizes([2, 2, 1], seed=0)

    def stop_at_3(epoch, logs):
        if epoch == 3:
            net.stop_training = True

    history = net.fit(XOR_X, XOR_Y, epochs=50, on_epoch_end=stop_at_3)
    assert history.epochs == 3


def test_validation_figures_per_epoch():
    net = Network.from_sizes([2, 3, 1], seed=0)
    history = net.fit(XOR_X, XOR_Y, epochs=4, batch_size=2, optimizer=SGD(0.5), loss="mse",
                      validation_data=(XOR_X[:2], XOR_Y[:2]), seed=1)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 4 for values in history.values())
    assert history["val_loss"][-1] == pytest.approx(net.evaluate(XOR_X[:2], XOR_Y[:2],
                                                                 "mse")["loss"])


def test_divergence_restores_the_last_finite_weights():
    net = Network.from_sizes([2, 4, 1], ["relu", "linear"], seed=0)
    history = net.fit(XOR_X * 1e3, XOR_Y, epochs=500, batch_size=4, optimizer=SGD(100.0),
                      loss="sse")
    assert history.diverged
    assert 1 < history.epochs < 500
    assert all(np.all(np.isfinite(w)) for w, _ in net.get_weights())
    assert np.isfinite(history["loss"]).all()


def test_shuffling_follows_the_seed():
    runs = []
    for seed in (3, 3, 4):
        net = Network.from_sizes([2, 3, 1], seed=0)
        net.fit(XOR_X, XOR_Y, epochs=5, batch_size=1, optimizer=SGD(0.5), seed=seed)
        runs.append(net.layers[0].weights)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


@pytest.mark.parametrize("rows", [40, 5000], ids=["small-X-copied", "large-X-gathered"])
@pytest.mark.parametrize("loss", ["sse", "mse", "categorical_crossentropy"])
def test_an_epoch_equals_its_train_steps_replayed(loss, rows):
    # run_epoch computes the epoch's figures once from all outputs; they must equal the batch
    # losses (before each step) weighted by batch size, the sum for sse, and the same weights.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 30))  # 5000 x 30 floats is over the 1 MiB copy threshold
    y = rng.integers(0, 3, rows)
    net = Network.from_sizes([30, 8, 3], ["tanh", "softmax"], seed=1)
    replay = net.copy()
    T = net.as_targets(y, rows)
    logs = net.run_epoch(X, T, 16, SGD(0.1), get_loss(loss), np.random.default_rng(7))
    order = np.random.default_rng(7).permutation(rows)
    Xs, Ts = X[order], T[order]
    total, correct = 0.0, 0
    for start in range(0, rows, 16):
        value, right = replay.train_step(Xs[start:start + 16], Ts[start:start + 16], SGD(0.1),
                                         get_loss(loss))
        total += value if loss == "sse" else value * len(Xs[start:start + 16])
        correct += right
    assert logs["loss"] == pytest.approx(total if loss == "sse" else total / rows, rel=1e-12)
    assert logs["accuracy"] == correct / rows
    for (a, b), (c, d) in zip(net.get_weights(), replay.get_weights(), strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_momentum_follows_the_keras_rule():
    X, y = XOR_X, XOR_Y
    net = Network.from_sizes([2, 3, 1], seed=0)
    manual = net.copy()
    optimizer = SGD(0.2, momentum=0.9)
    velocity = [np.zeros_like(p) for p in manual.parameters()]
    for _ in range(3):
        grads = [g for pair in manual.gradients(X, y, "sse") for g in pair]
        for p, v, g in zip(manual.parameters(), velocity, grads, strict=True):
            v *= 0.9
            v -= 0.2 * g
            p += v
        net.train_on_batch(X, y, optimizer, "sse")
    for a, b in zip(net.parameters(), manual.parameters(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_float32_networks_train_in_float32():
    net = Network.from_sizes([2, 3, 1], ["leaky_relu", "sigmoid"], seed=0, dtype=np.float32)
    net.fit(XOR_X, XOR_Y, epochs=3, batch_size=2, optimizer=SGD(0.5), loss="mse")
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.predict(XOR_X).dtype == np.float32


def test_evaluate():
    net = worked_example()
    result = net.evaluate(XOR_X, XOR_Y, "sse")
    assert result["loss"] == pytest.approx(net.loss(XOR_X, XOR_Y, "sse"))
    out = net.predict(XOR_X)[:, 0]
    assert result["accuracy"] == np.mean((out >= 0.5) == XOR_Y)


def test_from_spec_is_the_inverse_of_spec():
    from nnsim.core.layers import Dense as _Dense
    from nnsim.core.network import Network as _Network

    original = _Network([_Dense(2, 3, "leaky_relu", alpha=0.2), _Dense(3, 1, "sigmoid", False)])
    rebuilt = _Network.from_spec(original.spec(), seed=4, dtype=np.float32)
    assert rebuilt.spec() == original.spec()
    assert rebuilt.sizes == [2, 3, 1] and rebuilt.dtype == np.float32
    assert rebuilt.layers[0].activation.alpha == 0.2 and rebuilt.layers[1].bias is None
    again = _Network.from_spec(original.spec(), seed=4, dtype=np.float32)
    np.testing.assert_array_equal(rebuilt.layers[0].weights, again.layers[0].weights)
