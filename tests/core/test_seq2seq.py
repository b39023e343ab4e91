"""Sequence data sets and the encoder-decoder: gradients by central differences, teacher
forcing's shift, greedy decoding, and learning to reverse digits."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.optimizers import SGD
from nnsim.core.seq2seq import Seq2Seq
from nnsim.core.sequences import one_hot_sequences, reverse_digits, running_parity, sine_wave


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
    source, target = reverse_digits(20, length=4, vocabulary=5, seed=3)
    assert [list(s)[::-1] for s in source] == [list(t) for t in target]
    with pytest.raises(ValueError, match="at least 1 time step"):
        sine_wave(10, steps=0)
    with pytest.raises(ValueError, match=r"symbols must be in 0\.\.4, got 0\.\.5"):
        one_hot_sequences(np.array([[0, 5]]), 5)
    with pytest.raises(ValueError, match="at least 2 symbols"):
        reverse_digits(10, vocabulary=1)


def test_encoder_decoder_gradients_match_central_differences():
    model = Seq2Seq(vocabulary=3, units=4, seed=0)
    source, target = reverse_digits(5, length=3, vocabulary=3, seed=4)
    _, grads = model.gradients(source, target)
    eps = 1e-6
    for param, grad in zip(model.parameters(), grads, strict=True):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + eps
            up = model.loss(source, target)
            param[index] = keep - eps
            down = model.loss(source, target)
            param[index] = keep
            numeric[index] = (up - down) / (2 * eps)
        assert np.abs(grad - numeric).max() < 1e-7


def test_teacher_forcing_reads_the_start_symbol_then_the_true_previous_one():
    model = Seq2Seq(vocabulary=3, units=2, seed=0)
    inputs = model._decoder_inputs(np.array([[2, 0, 1]]))
    assert inputs.argmax(axis=-1).tolist() == [[3, 2, 0]]  # 3 is the start symbol


def test_it_learns_to_reverse_digits_and_decodes_greedily():
    source, target = reverse_digits(1200, length=3, vocabulary=3, seed=0)
    held_source, held_target = reverse_digits(300, length=3, vocabulary=3, seed=1)
    model = Seq2Seq(vocabulary=3, units=24, seed=0)
    optimizer, rng = SGD(0.1, 0.9), np.random.default_rng(0)
    for _ in range(15):
        order = rng.permutation(len(source))
        for start in range(0, len(source), 32):
            rows = order[start:start + 32]
            model.train_step(source[rows], target[rows], optimizer)
    decoded = model.predict(held_source)
    assert np.mean(np.all(decoded == held_target, axis=1)) >= 0.95
    # Where greedy decoding is right, it read exactly what teacher forcing feeds: the same
    # probabilities' argmax.
    right = np.all(decoded == held_target, axis=1)
    forced, _ = model._forward(held_source[right], held_target[right])
    assert np.array_equal(forced.argmax(axis=-1), decoded[right])
