"""nnsim computes what scikit-learn's MLPClassifier computes, on the same weights.

Our weights are copied into ``coefs_`` and ``intercepts_`` (both libraries store W as
(n_in, n_out)); then the forward pass must equal ``predict_proba``, and one SGD step on the same
batch (alpha 0, momentum 0, the same learning rate) must give the same weights as
``partial_fit``. scikit-learn's loss is the log-loss: binary cross-entropy on a sigmoid output
for two classes, categorical cross-entropy on softmax for more.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD

# scikit-learn's names for our hidden activations
HIDDEN = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu", "linear": "identity"}
ARCHITECTURES = [(), (5,), (6, 4)]  # 1, 2 and 3 layers


def data(n_classes, n=24, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, n_features))
    y = np.arange(n) % n_classes  # every class present
    rng.shuffle(y)
    return X, y


def networks(hidden, activation, n_classes, seed=0):
    n_out = 1 if n_classes == 2 else n_classes
    output = "sigmoid" if n_out == 1 else "softmax"
    sizes = [4, *hidden, n_out]
    net = Network.from_sizes(sizes, [activation] * len(hidden) + [output],
                             initializer="glorot_uniform", seed=seed)
    rng = np.random.default_rng(seed + 100)
    for layer in net.layers:  # non-zero biases
        layer.bias[:] = rng.normal(0, 0.3, layer.n_out)
    loss = "binary_crossentropy" if n_out == 1 else "categorical_crossentropy"
    return net, loss


def sklearn_copy(net, hidden, activation, X, y, learning_rate):
    """An MLPClassifier set up for the same batch, holding a copy of ``net``'s weights."""
    model = MLPClassifier(hidden_layer_sizes=hidden, activation=HIDDEN[activation],
                          solver="sgd", learning_rate="constant",
                          learning_rate_init=learning_rate, momentum=0.0,
                          nesterovs_momentum=False, alpha=0.0, batch_size=len(X),
                          shuffle=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.partial_fit(X, y, classes=np.unique(y))  # sets the classes and the shapes up
    model.coefs_ = [layer.weights.copy() for layer in net.layers]
    model.intercepts_ = [layer.bias.copy() for layer in net.layers]
    return model


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("activation", list(HIDDEN))
@pytest.mark.parametrize("hidden", ARCHITECTURES, ids=["1-layer", "2-layers", "3-layers"])
def test_forward_pass_equals_predict_proba(hidden, activation, n_classes):
    X, y = data(n_classes)
    net, _ = networks(hidden, activation, n_classes)
    model = sklearn_copy(net, hidden, activation, X, y, 0.1)
    proba = model.predict_proba(X)
    out = net.predict(X)
    if n_classes == 2:
        np.testing.assert_allclose(out[:, 0], proba[:, 1], rtol=1e-12, atol=1e-14)
    else:
        np.testing.assert_allclose(out, proba, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(model.predict(X), out.argmax(axis=1) if n_classes > 2
                                  else (out[:, 0] > 0.5).astype(int))


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("activation", list(HIDDEN))
@pytest.mark.parametrize("hidden", ARCHITECTURES, ids=["1-layer", "2-layers", "3-layers"])
def test_one_sgd_step_equals_partial_fit(hidden, activation, n_classes):
    X, y = data(n_classes, seed=1)
    net, loss = networks(hidden, activation, n_classes, seed=2)
    model = sklearn_copy(net, hidden, activation, X, y, 0.3)
    value = net.train_on_batch(X, y, SGD(0.3), loss)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.partial_fit(X, y)
    assert value == pytest.approx(model.loss_, rel=1e-12)  # the batch loss before the step
    for layer, W, b in zip(net.layers, model.coefs_, model.intercepts_, strict=True):
        np.testing.assert_allclose(layer.weights, W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.bias, b, rtol=1e-12, atol=1e-14)


def test_many_steps_in_mini_batches_stay_equal():
    # Ten epochs of mini-batches in order: the two libraries must not drift apart.
    X, y = data(3, n=40, seed=3)
    net, loss = networks((6,), "sigmoid", 3, seed=4)
    model = sklearn_copy(net, (6,), "sigmoid", X, y, 0.5)
    model.set_params(batch_size=8)
    net.fit(X, y, epochs=10, batch_size=8, optimizer=SGD(0.5), loss=loss, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(10):
            model.partial_fit(X, y)
    for layer, W, b in zip(net.layers, model.coefs_, model.intercepts_, strict=True):
        np.testing.assert_allclose(layer.weights, W, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(layer.bias, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(net.predict(X), model.predict_proba(X), rtol=1e-10)


def test_float32_step_stays_float32_and_close():
    X, y = data(3, seed=5)
    net, loss = networks((5,), "tanh", 3, seed=6)
    net32 = Network.from_sizes(net.sizes, ["tanh", "softmax"], dtype=np.float32)
    net32.set_weights(net.get_weights())
    model = sklearn_copy(net, (5,), "tanh", X, y, 0.3)
    net32.train_on_batch(X, y, SGD(0.3), loss)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.partial_fit(X, y)
    for layer, W in zip(net32.layers, model.coefs_, strict=True):
        assert layer.weights.dtype == np.float32
        np.testing.assert_allclose(layer.weights, W, rtol=1e-5, atol=1e-6)
