"""The fused weight update (one GEMM with beta = 1) against NumPy's two-step update."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core import blas_update
from nnsim.core.blas_update import FUSED_MIN_WEIGHTS, add_product, wants_blas
from nnsim.core.losses import get_loss
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_product_updates_the_weights_in_place(dtype: type) -> None:
    rng = np.random.default_rng(1)
    weights = rng.standard_normal((200, 100)).astype(dtype)
    inputs = rng.standard_normal((16, 200)).astype(dtype)
    delta = rng.standard_normal((16, 100)).astype(dtype)
    expected = weights + inputs.T @ delta
    buffer = weights.__array_interface__["data"][0]

    assert add_product(weights, inputs, delta)
    assert weights.__array_interface__["data"][0] == buffer
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(weights, expected, rtol=tolerance, atol=tolerance)


def test_arrays_that_do_not_suit_the_gemm_are_left_to_numpy() -> None:
    rng = np.random.default_rng(2)
    small = rng.standard_normal((10, 10))
    strided = rng.standard_normal((400, 200))[:, ::2]
    mixed = rng.standard_normal((200, 100)).astype(np.float32)
    before = [small.copy(), strided.copy(), mixed.copy()]

    assert not add_product(small, np.ones((4, 10)), np.ones((4, 10)))
    assert not add_product(strided, np.ones((4, 400)), np.ones((4, 100)))
    assert not add_product(mixed, np.ones((4, 200)), np.ones((4, 100)))  # float64 operands
    for array, original in zip((small, strided, mixed), before, strict=True):
        np.testing.assert_array_equal(array, original)


def test_only_networks_with_a_large_layer_want_the_fused_update() -> None:
    assert wants_blas([784, 256, 128, 10])
    assert not wants_blas([64, 32, 16, 10])
    assert FUSED_MIN_WEIGHTS > 64 * 32


def test_a_training_step_is_the_same_with_and_without_the_fused_update(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    X = rng.random((32, 300))
    T = np.eye(4)[rng.integers(0, 4, 32)]
    fused = Network.from_sizes([300, 80, 4], ["sigmoid", "softmax"], seed=4)
    plain = fused.copy()
    assert fused.layers[0].weights.size >= FUSED_MIN_WEIGHTS
    loss = get_loss("categorical_crossentropy")

    assert blas_update.load_blas()
    gemm, calls = blas_update._GEMM["float64"], []
    monkeypatch.setitem(blas_update._GEMM, "float64",
                        lambda *args, **kwargs: calls.append(1) or gemm(*args, **kwargs))
    fused.train_step(X, T, SGD(0.5), loss)
    assert len(calls) == 1  # the 300x80 layer; the 80x4 one is too small
    monkeypatch.setattr(blas_update, "FUSED_MIN_WEIGHTS", 10**9)
    plain.train_step(X, T, SGD(0.5), loss)

    for mine, reference in zip(fused.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(mine[0], reference[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mine[1], reference[1], rtol=1e-12, atol=1e-12)
    assert not np.allclose(fused.layers[0].weights, Network.from_sizes(
        [300, 80, 4], ["sigmoid", "softmax"], seed=4).layers[0].weights)
