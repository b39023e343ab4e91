"""The lecture's activation functions: values, derivatives, names and numerical safety."""

import numpy as np
import pytest

from nnsim.core.activations import (
    LECTURE_ACTIVATIONS,
    NotDifferentiableError,
    activation_names,
    get_activation,
    sigmoid,
    softmax,
)

Z = np.array([-3.0, -1.0, -0.25, 0.25, 1.0, 3.0])  # no zero: relu and step have a kink there
ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear"]


def test_registry_names_in_lecture_order():
    assert LECTURE_ACTIVATIONS == ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu")
    assert activation_names() == [*LECTURE_ACTIVATIONS, "linear", "softmax"]
    for name in activation_names():
        assert get_activation(name).name == name


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; expected one of step, "
                                         "sigmoid"):
        get_activation("sigmod")


@pytest.mark.parametrize(("name", "expected"), [
    ("step", [0, 0, 0, 1, 1, 1]),
    ("sigmoid", 1 / (1 + np.exp(-Z))),
    ("tanh", np.tanh(Z)),
    ("relu", [0, 0, 0, 0.25, 1, 3]),
    ("leaky_relu", [-0.03, -0.01, -0.0025, 0.25, 1, 3]),
    ("elu", [np.exp(-3) - 1, np.exp(-1) - 1, np.exp(-0.25) - 1, 0.25, 1, 3]),
    ("linear", Z),
])
def test_values(name, expected):
    np.testing.assert_allclose(get_activation(name)(Z), expected, rtol=1e-12, atol=1e-15)


def test_worked_example_sigmoids():
    # The lecture's hidden neurons: sigmoid(2.192) = 0.8995..., sigmoid(0.377), sigmoid(-0.496).
    np.testing.assert_allclose(sigmoid(np.array([2.192, 0.377, -0.496])),
                               [0.899529, 0.593149, 0.378481], atol=1e-6)


def test_step_is_zero_at_zero_and_keeps_float32():
    out = get_activation("step")(np.array([-1.0, 0.0, 1e-9], dtype=np.float32))
    np.testing.assert_array_equal(out, [0, 0, 1])
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name):
    act = get_activation(name)
    h = 1e-6
    numeric = (act(Z + h) - act(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z, act(Z)), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
@pytest.mark.parametrize("alpha", [0.1, 0.5, 2.0])
def test_alpha_sets_the_negative_side(name, alpha):
    act = get_activation(name, alpha)
    assert act.alpha == alpha
    net = np.array([-2.0])
    expected = alpha * -2.0 if name == "leaky_relu" else alpha * (np.exp(-2.0) - 1)
    np.testing.assert_allclose(act(net), [expected])
    h = 1e-6
    numeric = (act(net + h) - act(net - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(net, act(net)), numeric, rtol=1e-6)


def test_default_alphas():
    assert get_activation("leaky_relu").alpha == 0.01
    assert get_activation("elu").alpha == 1.0
    assert get_activation("sigmoid").alpha is None


def test_step_has_no_derivative_and_says_what_to_do():
    act = get_activation("step")
    assert act.derivative is None
    with pytest.raises(NotDifferentiableError, match="use sigmoid, tanh or relu"):
        act.backward(Z, act(Z), np.ones_like(Z))


def test_sigmoid_never_overflows():
    with np.errstate(all="raise"):
        out = sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    np.testing.assert_allclose(out, [0, 0, 0.5, 1, 1], atol=1e-20)


def test_softmax_rows_sum_to_one_even_for_huge_inputs():
    net = np.array([[1000.0, 1000.0, -1000.0], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = softmax(net)
    np.testing.assert_allclose(out.sum(axis=1), [1, 1])
    np.testing.assert_allclose(out[0], [0.5, 0.5, 0])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(out[1], e / e.sum())
    # one row as a plain list, and whole numbers: as before
    np.testing.assert_allclose(softmax([1.0, 2.0, 3.0]), e / e.sum())
    np.testing.assert_allclose(softmax(np.array([1, 2, 3])), e / e.sum())


def test_softmax_backward_is_the_jacobian_product():
    act = get_activation("softmax")
    assert not act.elementwise
    net = np.array([[0.3, -1.2, 2.0]])
    out = act(net)
    g = np.array([[0.5, -1.0, 2.0]])
    jacobian = np.diag(out[0]) - np.outer(out[0], out[0])
    np.testing.assert_allclose(act.backward(net, out, g), g @ jacobian)


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax", "step"])
def test_float32_in_float32_out(name):
    net = np.array([[-1.5, 0.5, 2.0]], dtype=np.float32)
    act = get_activation(name)
    assert act(net).dtype == np.float32
    if act.derivative is not None:
        out = act(net)
        assert act.backward(net, out, np.ones_like(net)).dtype == np.float32
