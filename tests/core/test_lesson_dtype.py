"""A lesson may ask for float32 (the MNIST net), which halves its matrix products' time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnsim.core.errors import LessonError
from nnsim.core.lessons import load_lesson, parse_lesson
from nnsim.core.session import Session, load_session, save_session


def test_mnist_keras_trains_in_float32_and_the_others_in_float64():
    network = load_lesson("mnist-keras").build_model(784)
    assert network.dtype == np.float32
    assert all(layer.weights.dtype == np.float32 for layer in network.layers)
    assert load_lesson("digits").build_model(64).dtype == np.float64


def test_an_unknown_dtype_is_named_with_the_choices():
    text = Path(load_lesson("backprop-xor").path).read_text(encoding="utf-8")
    text = text.replace("[model]\n", '[model]\ndtype = "float16"\n')
    with pytest.raises(LessonError, match=r"model\.dtype.*float16.*float64, float32"):
        parse_lesson(text, Path("bad.toml"))


def test_a_float32_session_round_trips_bit_for_bit(tmp_path):
    network = load_lesson("mnist-keras").build_model(784)
    path = save_session(Session("mnist-keras", "network", network.spec(),
                                network.get_weights()), tmp_path / "m.nnsim")
    loaded = load_session(path)
    for (W, b), (W2, b2) in zip(network.get_weights(), loaded.weights, strict=True):
        assert W2.dtype == np.float32
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
