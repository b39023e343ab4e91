"""Conv2D, MaxPooling2D and Flatten: against SciPy's correlate2d, Keras's shape formulas,
central differences, and the documented routing of tied maxima."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.signal import correlate2d

from nnsim.core.conv import Conv2D, Flatten, MaxPooling2D


def _keras_same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [1, 2, (1, 2)])
@pytest.mark.parametrize("kernel", [3, (2, 3)])
def test_conv2d_equals_scipy_correlation_summed_over_channels(padding, strides, kernel):
    rng = np.random.default_rng(0)
    layer = Conv2D(4, kernel, strides, padding, "linear", in_channels=3, seed=1)
    layer.bias[:] = rng.normal(size=4)
    x = rng.normal(size=(2, 7, 8, 3))
    out, _ = layer.forward(x)
    kh, kw = layer.kernel_size
    sh, sw = layer.strides
    if padding == "same":
        pads = (_keras_same_pad(7, kh, sh), _keras_same_pad(8, kw, sw))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    for n in range(2):
        for f in range(4):
            full = sum(correlate2d(x[n, :, :, c], layer.kernel[:, :, c, f], mode="valid")
                       for c in range(3)) + layer.bias[f]
            np.testing.assert_allclose(out[n, :, :, f], full[::sh, ::sw], atol=1e-12)


def test_shapes_follow_keras_formulas():
    x = np.zeros((5, 28, 28, 1))
    conv, same = Conv2D(8, 3, in_channels=1), Conv2D(8, 3, padding="same", in_channels=1)
    out, _ = conv.forward(x)
    assert out.shape == (5, 28 - 3 + 1, 28 - 3 + 1, 8)  # valid: n - k + 1
    assert same.forward(x)[0].shape == (5, 28, 28, 8)  # same, stride 1: n
    assert Conv2D(8, 3, 2, "same", in_channels=1).forward(x)[0].shape == (5, 14, 14, 8)
    pooled, _ = MaxPooling2D(2).forward(out)
    assert pooled.shape == (5, 13, 13, 8)
    assert Flatten().forward(pooled)[0].shape == (5, 13 * 13 * 8)
    assert Flatten().output_shape((13, 13, 8)) == (1352,)


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


@pytest.mark.parametrize(("kernel", "strides", "padding", "activation"), [
    (3, 1, "valid", "tanh"), (3, 2, "same", "sigmoid"), ((2, 3), (2, 1), "same", "linear"),
    (2, 1, "valid", "relu")])
def test_conv2d_gradients_match_central_differences(kernel, strides, padding, activation):
    rng = np.random.default_rng(5)
    layer = Conv2D(3, kernel, strides, padding, activation, in_channels=2, seed=2)
    layer.bias[:] = rng.normal(size=3)
    x = rng.normal(size=(2, 6, 5, 2))
    out, cache = layer.forward(x)
    R = rng.normal(size=out.shape)
    grad_x, grads = layer.backward(R, cache)

    def loss() -> float:
        return float(np.sum(layer.forward(x)[0] * R))

    for analytic, array in [(grad_x, x), *zip(grads, layer.parameters(), strict=True)]:
        assert np.abs(analytic - _numeric(loss, array)).max() < 1e-6


def test_pooling_gradient_goes_to_each_pools_maximum():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 4, 6, 3))  # no ties: central differences apply
    pool = MaxPooling2D(2)
    out, cache = pool.forward(x)
    R = rng.normal(size=out.shape)
    grad_x, _ = pool.backward(R, cache)
    numeric = _numeric(lambda: float(np.sum(pool.forward(x)[0] * R)), x)
    assert np.abs(grad_x - numeric).max() < 1e-8


def test_tied_maxima_route_the_gradient_to_the_first_in_row_major_order():
    x = np.zeros((1, 2, 4, 1))
    x[0, :, 2:, 0] = [[5.0, 5.0], [5.0, 1.0]]  # a three-way tie in the second pool
    pool = MaxPooling2D(2)
    out, cache = pool.forward(x)
    grad_x, _ = pool.backward(np.array([[[[2.0], [3.0]]]]), cache)
    expected = np.zeros_like(x)  # computed by hand from the rule, pool by pool
    expected[0, 0, 0, 0] = 2.0  # first pool: all zeros, the top-left wins
    expected[0, 0, 2, 0] = 3.0  # second pool: the first 5 (top-left) wins
    np.testing.assert_array_equal(grad_x, expected)
    assert out[0, 0, :, 0].tolist() == [0.0, 5.0]


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="5x5 kernel is larger than its 4x4 input"):
        Conv2D(2, 5, in_channels=1).forward(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="2x2 pool does not divide the 5x4 map"):
        MaxPooling2D(2).forward(np.zeros((1, 5, 4, 1)))
    with pytest.raises(ValueError, match="at least 1 filter"):
        Conv2D(0, 3, in_channels=1)
    with pytest.raises(ValueError, match="positive whole number"):
        Conv2D(2, 3, strides=0, in_channels=1)
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        Conv2D(2, 3, in_channels=1).output_shape((28, 28))
    with pytest.raises(ValueError, match="expects 1 channels, got 3"):
        Conv2D(2, 3, in_channels=1).forward(np.zeros((1, 8, 8, 3)))
