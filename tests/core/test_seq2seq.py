"""Sequence data sets and the encoder-decoder layer: gradients by central differences (teacher
forcing and greedy), teacher forcing's shift, greedy decoding written out by hand, the
exact-sequence score, bad sequences named, sessions, and the lesson's promise (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nnsim.core.errors import SessionError
from nnsim.core.network import Network, count_correct
from nnsim.core.optimizers import SGD
from nnsim.core.seq2seq import EncoderDecoder
from nnsim.core.sequences import (
    check_symbols,
    one_hot_sequences,
    pad_sequences,
    parse_sequence,
    reverse_digits,
    running_parity,
    sine_wave,
)
from nnsim.core.session import Session, load_session, save_session

H = 1e-6


def test_the_data_sets_say_what_they_are():
    X, y = sine_wave(50, steps=12, noise=0.0, seed=1)
    assert X.shape == (50, 12, 1) and y.shape == (50, 1)
    # One step after the window, 16 steps a period: sin(a + 12 dt) -> sin(a + 13 dt).
    dt = 2 * np.pi / 16
    phase = np.arcsin(np.clip(X[:, 0, 0], -1, 1))
    candidates = np.stack([np.sin(phase + 12 * dt), np.sin(np.pi - phase + 12 * dt)])
    assert np.all(np.min(np.abs(candidates - y[:, 0]), axis=0) < 1e-9)
    bits, parity = running_parity(30, steps=6, seed=2)
    for row_bits, row_parity in zip(bits[..., 0], parity[..., 0], strict=True):
        assert list(row_parity) == [sum(row_bits[: t + 1]) % 2 for t in range(6)]
    with pytest.raises(ValueError, match="at least 1 time step"):
        sine_wave(10, steps=0)
    with pytest.raises(ValueError, match=r"symbols must be in 0\.\.4, got 0\.\.5"):
        one_hot_sequences(np.array([[0, 5]]), 5)
    with pytest.raises(ValueError, match="at least 2 symbols"):
        reverse_digits(10, vocabulary=1)


def test_reversal_rows_are_distinct_padded_and_reversed():
    X, y = reverse_digits(3875, 3, 5, vocabulary=5, seed=3)
    assert X.shape == y.shape == (3875, 5)
    assert len({tuple(row) for row in X}) == 3875  # every sequence of 3..5 digits, once
    for source, target in zip(X, y, strict=True):
        digits = [int(s) for s in source if s != 5]
        assert 3 <= len(digits) <= 5 and list(source[len(digits):]) == [5] * (5 - len(digits))
        assert list(target) == digits[::-1] + [5] * (5 - len(digits))
    with pytest.raises(ValueError, match="only 3,875 distinct sequences"):
        reverse_digits(3876, 3, 5, vocabulary=5)
    with pytest.raises(ValueError, match="shorter than the shortest"):
        reverse_digits(10, 4, 3)


@pytest.mark.parametrize(("rows", "message"), [
    ([[1, 2, 3], [1, 2]], r"different lengths \(2 to 3 steps\).*pad them"),
    (np.zeros((3, 0)), "at least 1 time step, got 0"),
    ([[0, 7, 1]], r"sequence 1, step 2: symbol 7 is outside the vocabulary 0\.\.5"),
    ([[0, 1], [-1, 1]], r"sequence 2, step 1: symbol -1 is outside"),
    ([[0.5, 1.0]], r"0\.5 is not a symbol index"),
    ([[np.nan, 1.0]], "not a number"),
    (np.zeros(4), r"one row of symbols per sample, got an array of shape \(4,\)"),
])
def test_bad_sequences_are_named(rows, message):
    with pytest.raises(ValueError, match=message):
        check_symbols(rows, 6)
    network = Network([EncoderDecoder(6, 3, seed=0)], input_shape=(3,))
    if isinstance(rows, list) and len({len(r) for r in rows}) == 1 and len(rows[0]) == 3:
        with pytest.raises(ValueError, match=message):
            network.predict(np.array(rows, dtype=float))


def test_typed_sequences_are_padded_or_refused():
    assert parse_sequence("3 1 4", 5, 5).tolist() == [3, 1, 4, 5, 5]
    assert parse_sequence("3,1", 5, 5).tolist() == [3, 1, 5, 5, 5]
    assert parse_sequence("314", 5, 5).tolist() == [3, 1, 4, 5, 5]
    for text, message in (("3 1 9", "'9' is not a digit from 0 to 4"), ("", "at least one"),
                          ("1 2 3 4 0 1", "6 digits; the network reads at most 5"),
                          ("a b", "'a' is not a digit")):
        with pytest.raises(ValueError, match=message):
            parse_sequence(text, 5, 5)
    assert pad_sequences([[1], [2, 3]], 3, 9).tolist() == [[1, 9, 9], [2, 3, 9]]


def _teacher_forced_loss(layer: EncoderDecoder, X: np.ndarray, T: np.ndarray) -> float:
    """Cross-entropy summed over the steps, averaged over the samples: by hand."""
    probabilities, _ = layer.forward(X, T)
    return float(-np.sum(T.reshape(probabilities.shape) * np.log(probabilities)) / len(X))


def test_encoder_decoder_gradients_match_central_differences():
    """Teacher forcing (what training differentiates): every parameter of the encoder, the
    decoder and the softmax layer against central differences of the loss computed here."""
    network = Network([EncoderDecoder(4, 3, seed=0)], input_shape=(4,))
    X, y = reverse_digits(5, 2, 4, vocabulary=3, seed=4)
    T = network.as_targets(y, len(X))
    assert T.shape == (5, 16) and np.all(T.reshape(5, 4, 4).sum(axis=2) == 1)
    layer = network.layers[0]
    grads = network.gradients(X, y, "categorical_crossentropy")[0]
    for param, grad in zip(layer.parameters(), grads, strict=True):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + H
            up = _teacher_forced_loss(layer, X, T)
            param[index] = keep - H
            down = _teacher_forced_loss(layer, X, T)
            param[index] = keep
            numeric[index] = (up - down) / (2 * H)
        np.testing.assert_allclose(grad, numeric, atol=1e-7)


def test_greedy_decoding_is_the_decoder_fed_its_own_choices():
    """Written out by hand: the encoder's last state starts the decoder, which reads the start
    symbol, then each step the symbol it chose before."""
    layer = EncoderDecoder(4, 5, seed=2)
    source = np.array([[0, 3, 1, 2]])
    W, U, b, dW, dU, db, V, c = layer.parameters()
    h = np.zeros(5)
    for symbol in source[0]:
        h = np.tanh(np.eye(4)[symbol] @ W + h @ U + b)
    previous, decoded, states = 4, [], []
    for _ in range(4):
        h = np.tanh(np.eye(5)[previous] @ dW + h @ dU + db)
        net = h @ V + c
        probabilities = np.exp(net - net.max()) / np.exp(net - net.max()).sum()
        previous = int(np.argmax(probabilities))
        decoded.append(previous)
        states.append(h)
    shown = layer.handover(source[0])
    assert shown.decoded.tolist() == decoded
    assert shown.decoder_inputs.tolist() == [4, *decoded[:-1]]
    np.testing.assert_allclose(shown.decoder_states, np.array(states), atol=1e-12)
    network = Network([layer], input_shape=(4,))
    assert network.predict(source).reshape(4, 4).argmax(axis=1).tolist() == decoded


def test_teacher_forcing_reads_the_start_symbol_then_the_true_previous_one():
    layer = EncoderDecoder(3, 2, seed=0)
    target = np.eye(3)[[2, 0, 1]].reshape(1, -1)
    _, cache = layer.forward(np.array([[1.0, 1.0, 0.0]]), target)
    assert cache[5].tolist() == [[3, 2, 0]]  # 3 is the start symbol


def test_exact_sequence_accuracy_needs_every_step_right():
    target = np.eye(3)[[[0, 1, 2], [2, 2, 1]]].reshape(2, 9)
    out = target.copy()
    assert count_correct(out, target, (3, 3)) == 2
    out[1] = np.eye(3)[[2, 2, 0]].reshape(9)  # one step wrong: the sequence is wrong
    assert count_correct(out, target, (3, 3)) == 1
    assert count_correct(out, target) == 2  # without the shape: only the first step counts


def test_sessions_keep_an_encoder_decoder(tmp_path: Path):
    network = Network([EncoderDecoder(6, 4, seed=5)], input_shape=(5,))
    session = Session(lesson="seq2seq-reverse", model_kind="network",
                      architecture=network.spec(), weights=network.get_weights())
    back = load_session(save_session(session, tmp_path / "s2s.nnsim"))
    rebuilt = Network.from_spec(back.architecture)
    rebuilt.set_weights(back.weights)
    X, _ = reverse_digits(20, 3, 5, vocabulary=5, seed=1)
    np.testing.assert_array_equal(rebuilt.predict(X), network.predict(X))
    # A hostile file: a vocabulary far past the limit, written past save_session's check.
    from tests.core.test_session import _rewrite

    architecture = dict(network.spec(), layers=[{"kind": "seq2seq", "units": 4,
                                                 "vocabulary": 500}])
    _rewrite(tmp_path / "s2s.nnsim", meta={"architecture": architecture})
    with pytest.raises(SessionError, match=r"s2s\.nnsim.*vocabulary.*500"):
        load_session(tmp_path / "s2s.nnsim")


def test_it_learns_to_reverse_unseen_sequences():
    X, y = reverse_digits(3875, 3, 5, vocabulary=5, seed=0)
    train, test = slice(0, 2900), slice(2900, None)  # held out: sequences never trained on
    network = Network([EncoderDecoder(6, 32, seed=1)], input_shape=(5,))
    network.fit(X[train], y[train], epochs=40, batch_size=32, optimizer=SGD(0.005, 0.9),
                loss="categorical_crossentropy", seed=1)
    decoded = network.predict(X[test]).reshape(-1, 5, 6).argmax(axis=2)
    assert np.mean(np.all(decoded == y[test], axis=1)) >= 0.95


def test_nnsim_run_ends_with_the_exact_sequence_accuracy(capsys):
    from nnsim.cli import main

    assert main(["run", "seq2seq-reverse"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    found = re.fullmatch(r"exact-sequence accuracy (\d\.\d\d)", lines[-1])
    assert found and float(found.group(1)) >= 0.95
    assert any(re.search(r"\d( \d)* \.? ?.*-> .*\(target .*\): right", line) for line in lines)
