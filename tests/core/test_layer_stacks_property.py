"""Any stack of convolutional layers the lessons can name trains by the exact gradient: random
stacks (Hypothesis) checked against central differences, and every stack that a lesson table
refuses is refused with the layer's key, never with a traceback."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.core.errors import LessonError
from nnsim.core.lessons import parse_lesson
from nnsim.core.network import Network

CE = "categorical_crossentropy"


@st.composite
def conv_stacks(draw: st.DrawFn) -> dict:
    """A spec: image input, Conv2D, an optional pool that divides the maps, Flatten, Dense."""
    height, width = draw(st.integers(3, 7)), draw(st.integers(3, 7))
    channels = draw(st.integers(1, 2))
    kernel = draw(st.integers(1, min(height, width)))
    stride = draw(st.integers(1, 2))
    padding = draw(st.sampled_from(["valid", "same"]))
    layers = [{"kind": "conv2d", "filters": draw(st.integers(1, 3)), "kernel_size": kernel,
               "strides": stride, "padding": padding,
               "activation": draw(st.sampled_from(["tanh", "sigmoid", "elu"]))}]
    if draw(st.booleans()):
        layers.append({"kind": "max_pooling2d", "pool_size": 1})
    layers += [{"kind": "flatten"}, {"units": draw(st.integers(2, 3)), "activation": "softmax"}]
    return {"inputs": height * width * channels, "input_shape": [height, width, channels],
            "layers": layers}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=conv_stacks(), seed=st.integers(0, 2**16))
def test_random_conv_stacks_have_exact_gradients(spec, seed):
    network = Network.from_spec(spec, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, spec["inputs"]))
    y = rng.integers(0, network.n_outputs, 3)
    analytic = [g for layer in network.gradients(X, y, CE) for g in layer if g is not None]
    eps = 1e-6
    for param, grad in zip(network.parameters(), analytic, strict=True):
        for index in list(np.ndindex(param.shape))[:40]:  # enough entries of each array
            keep = param[index]
            param[index] = keep + eps
            up = network.loss(X, y, CE)
            param[index] = keep - eps
            down = network.loss(X, y, CE)
            param[index] = keep
            assert abs((up - down) / (2 * eps) - grad[index]) < 1e-6


LESSON = """
title = "t"
kind = "network"
[dataset]
name = "digits"
[model]
layers = [{layers}]
[training]
learning_rate = 0.1
epochs = 1
"""

LAYER_TABLES = st.sampled_from([
    '{ kind = "conv2d", filters = 2, kernel_size = 3 }',
    '{ kind = "conv2d", filters = 2, kernel_size = 5, strides = 2, padding = "same" }',
    '{ kind = "max_pooling2d", pool_size = 2 }',
    '{ kind = "max_pooling2d", pool_size = 3 }',
    '{ kind = "flatten" }',
    '{ units = 10, activation = "softmax" }',
    '{ units = 4 }',
    '{ kind = "rbf", units = 3 }',
    '{ kind = "experts", units = 2 }',
    '{ kind = "simple_rnn", units = 3 }',
])


@settings(max_examples=60, deadline=None)
@given(tables=st.lists(LAYER_TABLES, min_size=1, max_size=5))
def test_any_layer_stack_opens_or_is_refused_naming_a_layer(tables, tmp_path_factory):
    """Whatever order a teacher writes layers in, the file opens (and its model builds and
    predicts) or one LessonError names the layer that cannot follow the one before."""
    path = tmp_path_factory.mktemp("stacks") / "lesson.toml"
    try:
        lesson = parse_lesson(LESSON.format(layers=", ".join(tables)), path)
    except LessonError as error:
        assert "key 'model.layers[" in str(error), str(error)
        return
    network = lesson.build_model(64)
    out = network.predict(np.zeros((2, 64)))
    assert out.shape == (2, network.n_outputs) and np.isfinite(out).all()


@pytest.mark.parametrize("tables", [
    ['{ kind = "simple_rnn", units = 3 }', '{ units = 2 }'],  # digits rows as 64 steps
])
def test_a_recurrent_layer_reads_rows_as_sequences(tables, tmp_path):
    lesson = parse_lesson(LESSON.format(layers=", ".join(tables)), tmp_path / "l.toml")
    assert lesson.build_model(64).input_shape == (64, 1)
