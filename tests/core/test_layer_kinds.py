"""A Network holding every layer kind: gradients by central differences, traces, weights,
specs, sessions, lessons, and bad layer stacks named at load time (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnsim.core.conv import Conv2D, Flatten, MaxPooling2D
from nnsim.core.errors import LessonError
from nnsim.core.experts import MixtureOfExperts
from nnsim.core.layers import Dense
from nnsim.core.lessons import load_lesson, parse_lesson
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.rbf import RBF
from nnsim.core.session import Session, load_session, save_session
from tests.core.test_gradients import numeric_gradients

CE = "categorical_crossentropy"


def small_cnn(seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    return Network([Conv2D(2, 3, padding="same", activation="tanh", in_channels=1, seed=rng),
                    MaxPooling2D(2), Conv2D(3, 2, strides=1, activation="sigmoid",
                                            in_channels=2, seed=rng),
                    Flatten(), Dense(12, 3, "softmax", seed=rng)], input_shape=(6, 6, 1))


def flat(grads) -> list[np.ndarray]:
    return [g for layer in grads for g in layer if g is not None]


def test_a_cnn_networks_gradients_match_central_differences():
    network = small_cnn()
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 36)), rng.integers(0, 3, 5)
    analytic = flat(network.gradients(X, y, CE))
    numeric = numeric_gradients(network, X, y, CE)
    assert [a.shape for a in analytic] == [n.shape for n in numeric]
    for a, n in zip(analytic, numeric, strict=True):
        assert np.abs(a - n).max() < 1e-7


def test_rbf_then_dense_gradients_match_central_differences_with_sse():
    rng = np.random.default_rng(2)
    network = Network([RBF(3, 0.7, in_features=2, seed=rng), Dense(3, 2, "tanh", seed=rng)])
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    for a, n in zip(flat(network.gradients(X, Y, "sse")), numeric_gradients(network, X, Y, "sse"),
                    strict=True):
        assert np.abs(a - n).max() < 1e-6


def test_the_chained_path_equals_the_dense_path():
    """A Dense-only network takes the fused path; the same layers behind a Flatten (which does
    nothing to rows) take the chain: same outputs, gradients and training step."""
    dense = Network.from_sizes([3, 4, 2], ["tanh", "softmax"], seed=4)
    chained = Network([Flatten(), *[layer.copy() for layer in dense.layers]], input_shape=(3,))
    assert dense.dense_only and not chained.dense_only
    X, y = np.random.default_rng(5).normal(size=(7, 3)), np.arange(7) % 2
    np.testing.assert_allclose(chained.predict(X), dense.predict(X), rtol=1e-12)
    for a, b in zip(flat(chained.gradients(X, y, CE)), flat(dense.gradients(X, y, CE)),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)
    dense.train_on_batch(X, y, SGD(0.3, 0.5), CE)
    chained.train_on_batch(X, y, SGD(0.3, 0.5), CE)
    np.testing.assert_allclose(chained.predict(X), dense.predict(X), rtol=1e-10)


def test_traces_carry_every_layer_kind():
    network = small_cnn(3)
    x = np.random.default_rng(6).normal(size=36)
    forward = network.forward_trace(x)
    assert [layer.kind for layer in forward.layers] == ["conv2d", "max_pooling2d", "conv2d",
                                                        "flatten", "dense"]
    assert forward.layers[0].input.shape == (6, 6, 1)
    assert forward.layers[0].out.shape == (6, 6, 2)
    assert forward.layers[1].out.shape == (3, 3, 2)
    np.testing.assert_allclose(forward.output, network.predict(x)[0])
    trace = network.backward_trace(x, 1, CE, learning_rate=0.05)
    for a, b in zip(flat(trace.gradients()), flat(network.gradients(x[None], [1], CE)),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert trace.loss_after < trace.loss  # a small step downhill


def test_weights_specs_and_copies_round_trip():
    network = small_cnn(7)
    twin = Network.from_spec(network.spec(), seed=99)
    assert twin.spec() == network.spec()
    assert twin.sizes == network.sizes == [36, 72, 18, 12, 12, 3]
    twin.set_weights(network.get_weights())
    X = np.random.default_rng(8).normal(size=(3, 36))
    np.testing.assert_array_equal(twin.predict(X), network.predict(X))
    copy = network.copy()
    copy.parameters()[0][...] += 1
    assert not np.array_equal(copy.predict(X), network.predict(X))
    with pytest.raises(ValueError, match=r"layer 1 \(conv2d\) takes arrays of shapes"):
        network.set_weights([(np.zeros((2, 2, 1, 2)), np.zeros(2))] + network.get_weights()[1:])


def test_sessions_keep_every_layer_kind(tmp_path: Path):
    network = Network([Flatten(), RBF(3, in_features=2, seed=1), Dense(3, 1)],
                      input_shape=(2,))
    network.parameters()[1][:] = [0.1, 0.2, 0.3]
    experts = Network([MixtureOfExperts(2, 3, seed=2)])
    for index, model in enumerate((small_cnn(9), network, experts)):
        session = Session(lesson="x", model_kind="network", architecture=model.spec(),
                          weights=model.get_weights(),
                          optimizer_state=[np.ones_like(p) for p in model.parameters()])
        path = save_session(session, tmp_path / f"s{index}.nnsim")
        back = load_session(path)
        rebuilt = Network.from_spec(back.architecture)
        rebuilt.set_weights(back.weights)
        X = np.random.default_rng(index).normal(size=(4, model.n_inputs))
        np.testing.assert_array_equal(rebuilt.predict(X), model.predict(X))
        assert [b.shape for b in back.optimizer_state] == [p.shape for p in model.parameters()]


LESSON = """
title = "t"
kind = "network"
[dataset]
name = "{dataset}"
[model]
layers = [{layers}]
[training]
learning_rate = 0.1
epochs = 1
"""


@pytest.mark.parametrize(("dataset", "layers", "message"), [
    ("digits", '{ kind = "conv2d", filters = 2, kernel_size = 9 }, { kind = "flatten" }, '
               '{ units = 10, activation = "softmax" }',
     r"layers\[0\]'.*9x9 kernel is larger than its 8x8 input"),
    ("mnist", '{ units = 10 }, { kind = "conv2d", filters = 2, kernel_size = 3 }',
     r"layers\[1\]'.*conv2d layer cannot follow layers\[0\].*cannot follow a Dense"),
    ("mnist", '{ kind = "conv2d", filters = 2, kernel_size = 3 }, '
              '{ kind = "max_pooling2d", pool_size = 4 }',
     r"layers\[1\]'.*4x4 pool does not divide the 26x26 map"),
    ("xor", '{ kind = "rbf", units = 0 }, { units = 1 }', r"layers\[0\]\.units'.*0"),
    ("xor", '{ kind = "experts", units = 7 }', r"layers\[0\]\.units'.*7"),
    ("mnist", '{ kind = "conv2d", filters = 2 }, { units = 10 }',
     r"layers\[1\]'.*put Flatten before it"),
])
def test_bad_layer_stacks_are_named_at_load_time(dataset, layers, message, tmp_path):
    with pytest.raises(LessonError, match=message):
        parse_lesson(LESSON.format(dataset=dataset, layers=layers), tmp_path / "bad.toml")


def test_rbf_lesson_places_centres_by_kmeans_and_solves_xor():
    from sklearn.cluster import KMeans

    from nnsim.workspace.opening import open_lesson

    state = open_lesson("rbf-xor")
    rbf = state.network.layers[0]
    expected = KMeans(2, n_init=10, random_state=state.lesson.seed).fit(
        state.data.X_train).cluster_centers_
    np.testing.assert_allclose(np.sort(rbf.centres, axis=0), np.sort(expected, axis=0))
    lesson = state.lesson
    start = rbf.centres.copy()
    state.network.fit(state.data.X_train, state.data.y_train, epochs=lesson.epochs,
                      batch_size=lesson.batch_size, optimizer=lesson.build_optimizer(),
                      loss=lesson.loss, shuffle=False)
    out = state.network.predict(state.data.X_train)[:, 0]
    assert np.array_equal(out > 0.5, state.data.y_train == 1)
    assert np.abs(rbf.centres - start).max() > 0.05  # training moved the centres


def test_cnn_lesson_reaches_the_issues_accuracy_on_held_out_images():
    """cnn-mnist as the lesson file trains it: >= 0.95 on the 1,250 validation images (its
    time, about 10 s here against the 60 s target, is in bench/RESULTS.md)."""
    lesson = load_lesson("cnn-mnist")
    data = lesson.load_data()
    network = lesson.build_model(784)
    history = network.fit(data.X_train, data.y_train, epochs=lesson.epochs,
                          batch_size=lesson.batch_size, optimizer=lesson.build_optimizer(),
                          loss=lesson.loss, seed=lesson.seed,
                          validation_data=(data.X_test, data.y_test))
    assert history["val_accuracy"][-1] >= 0.95


def test_cnn_lesson_builds_the_issues_network():
    lesson = load_lesson("cnn-mnist")
    network = lesson.build_model(784)
    assert [type(layer).__name__ for layer in network.layers] == [
        "Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert network.input_shape == (28, 28, 1)
    assert network.shapes == [(26, 26, 8), (13, 13, 8), (1352,), (10,)]
    assert network.layers[0].kernel.shape == (3, 3, 1, 8)


def test_an_rnn_networks_gradients_match_central_differences():
    from nnsim.core.rnn import SimpleRNN

    rng = np.random.default_rng(11)
    network = Network([SimpleRNN(3, "tanh", in_features=2, seed=rng), Dense(3, 2, "softmax",
                                                                            seed=rng)],
                      input_shape=(4, 2))
    X, y = rng.normal(size=(5, 8)), rng.integers(0, 2, 5)
    for a, n in zip(flat(network.gradients(X, y, CE)), numeric_gradients(network, X, y, CE),
                    strict=True):
        assert np.abs(a - n).max() < 1e-7


@pytest.mark.parametrize(("options", "message"), [
    ("{ steps = 0 }", r"dataset\.options\.steps'.*0"),
    ("{ steps = 65 }", r"dataset\.options\.steps'.*65"),
])
def test_sequence_lessons_refuse_bad_lengths(options, message, tmp_path):
    text = LESSON.format(dataset="parity", layers='{ kind = "simple_rnn", units = 4 }, '
                                                  '{ units = 1 }')
    text = text.replace('name = "parity"', f'name = "parity"\noptions = {options}')
    with pytest.raises(LessonError, match=message):
        parse_lesson(text, tmp_path / "bad.toml")


def test_an_rnn_after_a_dense_layer_is_named_at_load_time(tmp_path):
    text = LESSON.format(dataset="parity", layers='{ units = 4 }, '
                                                  '{ kind = "simple_rnn", units = 4 }')
    with pytest.raises(LessonError, match=r"layers\[1\]'.*needs sequences"):
        parse_lesson(text, tmp_path / "bad.toml")


def test_per_step_outputs_through_time_distributed_dense():
    """SimpleRNN(return_sequences) -> TimeDistributed(Dense): one output per step, each the
    Dense layer of that step's state; gradients by central differences; the trace agrees."""
    from nnsim.core.rnn import SimpleRNN
    from nnsim.core.stack import TimeDistributed

    rng = np.random.default_rng(12)
    rnn = SimpleRNN(3, "tanh", return_sequences=True, in_features=1, seed=rng)
    dense = Dense(3, 1, "sigmoid", seed=rng)
    network = Network([rnn, TimeDistributed(dense)], input_shape=(5, 1))
    assert network.shapes == [(5, 3), (5, 1)] and network.n_outputs == 5
    X = rng.integers(0, 2, (4, 5)).astype(float)
    Y = (np.cumsum(X, axis=1) % 2)  # running parity: a target per step
    states = rnn.forward(X[..., None])[0]
    np.testing.assert_allclose(network.predict(X), dense.forward(states.reshape(-1, 3))
                               .reshape(4, 5), rtol=1e-12)
    loss = "binary_crossentropy"
    for a, n in zip(flat(network.gradients(X, Y, loss)),
                    numeric_gradients(network, X, Y, loss), strict=True):
        assert np.abs(a - n).max() < 1e-8
    trace = network.backward_trace(X[0], Y[0], loss)
    for a, b in zip(flat(trace.gradients()), flat(network.gradients(X[:1], Y[:1], loss)),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    twin = Network.from_spec(network.spec(), seed=3)
    twin.set_weights(network.get_weights())
    np.testing.assert_array_equal(twin.predict(X), network.predict(X))


def test_sessions_keep_recurrent_layers(tmp_path: Path):
    from nnsim.core.rnn import SimpleRNN
    from nnsim.core.stack import TimeDistributed

    rng = np.random.default_rng(13)
    network = Network([SimpleRNN(4, "tanh", return_sequences=True, in_features=2, seed=rng),
                       TimeDistributed(Dense(4, 3, "softmax", seed=rng))], input_shape=(3, 2))
    session = Session(lesson="x", model_kind="network", architecture=network.spec(),
                      weights=network.get_weights())
    back = load_session(save_session(session, tmp_path / "rnn.nnsim"))
    rebuilt = Network.from_spec(back.architecture)
    rebuilt.set_weights(back.weights)
    X = rng.normal(size=(2, 6))
    np.testing.assert_array_equal(rebuilt.predict(X), network.predict(X))
