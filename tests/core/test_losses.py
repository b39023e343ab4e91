"""Losses: values by hand, gradients by central differences, the fused output deltas."""

import numpy as np
import pytest

from nnsim.core.activations import get_activation
from nnsim.core.losses import EPSILON, get_loss, loss_names

OUT = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
TARGET = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_registry():
    assert loss_names() == ["sse", "mse", "binary_crossentropy", "categorical_crossentropy"]
    with pytest.raises(ValueError, match="unknown loss 'l2'; expected one of sse, mse"):
        get_loss("l2")


def test_sse_is_half_the_summed_squares_over_the_batch():
    # 1/2 * (0.04 + 0.09 + 0.01 + 0.16 + 0.09 + 0.01) = 0.2
    assert get_loss("sse")(OUT, TARGET) == pytest.approx(0.2)
    # the worked example: 1/2 (0.506 - 1)^2
    assert get_loss("sse")(np.array([[0.506]]), np.array([[1.0]])) == pytest.approx(0.122018)


def test_mse_is_the_mean_over_every_output():
    assert get_loss("mse")(OUT, TARGET) == pytest.approx(0.4 / 6)


def test_binary_crossentropy_by_hand():
    p, t = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    expected = -(np.log(0.9) + np.log(0.8)) / 2
    assert get_loss("binary_crossentropy")(p, t) == pytest.approx(expected)


def test_categorical_crossentropy_by_hand():
    expected = -(np.log(0.7) + np.log(0.6)) / 2
    assert get_loss("categorical_crossentropy")(OUT, TARGET) == pytest.approx(expected)


def test_crossentropies_agree_with_scikit_learn():
    from sklearn.metrics import log_loss

    assert get_loss("categorical_crossentropy")(OUT, TARGET) == pytest.approx(
        log_loss([1, 0], OUT, labels=[0, 1, 2]))
    p = np.array([[0.9], [0.2], [0.6]])
    assert get_loss("binary_crossentropy")(p, np.array([[1.0], [0.0], [1.0]])) == \
        pytest.approx(log_loss([1, 0, 1], p[:, 0]))


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_certain_wrong_answers_are_clipped_not_infinite(name):
    out, target = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    with np.errstate(all="raise"):
        value = get_loss(name)(out, target)
        grad = get_loss(name).gradient(out, target)
    assert value == pytest.approx(-np.log(EPSILON), rel=1e-6)  # about 16.1, not infinity
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", ["sse", "mse", "binary_crossentropy",
                                  "categorical_crossentropy"])
def test_gradient_matches_central_difference(name):
    loss = get_loss(name)
    rng = np.random.default_rng(0)
    out = rng.uniform(0.1, 0.9, (4, 3))
    target = rng.dirichlet(np.ones(3), 4)
    h = 1e-7
    numeric = np.zeros_like(out)
    for index in np.ndindex(out.shape):
        up, down = out.copy(), out.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (loss(up, target) - loss(down, target)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(out, target), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("name", "activation"), [("binary_crossentropy", "sigmoid"),
                                                  ("categorical_crossentropy", "softmax")])
def test_fused_delta_equals_the_chain_rule(name, activation):
    loss, act = get_loss(name), get_activation(activation)
    rng = np.random.default_rng(1)
    net = rng.normal(0, 2, (5, 3))
    out = act(net)
    target = np.eye(3)[rng.integers(0, 3, 5)]
    fused = loss.fused_delta(activation)
    assert fused is not None
    np.testing.assert_allclose(fused(out, target),
                               act.backward(net, out, loss.gradient(out, target)),
                               rtol=1e-9, atol=1e-12)


def test_no_fused_delta_for_other_pairs():
    assert get_loss("sse").fused_delta("sigmoid") is None
    assert get_loss("binary_crossentropy").fused_delta("softmax") is None
    assert get_loss("categorical_crossentropy").fused_delta("sigmoid") is None


@pytest.mark.parametrize("name", loss_names())
def test_value_is_a_python_float(name):
    value = get_loss(name)(OUT.astype(np.float32), TARGET.astype(np.float32))
    assert type(value) is float and value > 0
