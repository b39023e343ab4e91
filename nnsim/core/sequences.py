"""Small, seeded sequence data sets for the recurrent lessons (the lecture's F and G).

- ``sine_wave``: the next value of a noisy sine wave (many-to-one regression);
- ``running_parity``: whether an odd number of 1 bits came so far (many-to-many, a classic a
  feed-forward net of fixed width cannot do for any length);
- ``reverse_digits``: a sequence of digits and the same digits reversed (sequence to
  sequence).

Inputs are (samples, time steps, features) as Keras's recurrent layers take them.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def _check(n_samples: int, steps: int) -> None:
    if n_samples < 1:
        raise ValueError(f"a sequence data set needs at least 1 sample, got {n_samples}")
    if steps < 1:
        raise ValueError(f"a sequence needs at least 1 time step, got {steps}")


def sine_wave(n_samples: int = 200, steps: int = 12, noise: float = 0.05,
              seed: int = 0) -> tuple[Array, Array]:
    """X (N, steps, 1): windows of sin(t) at random phases, plus noise; y (N, 1): the value one
    step after each window (without noise)."""
    _check(n_samples, steps)
    rng = np.random.default_rng(seed)
    dt = 2 * np.pi / 16  # 16 steps a period
    t = rng.uniform(0, 2 * np.pi, (n_samples, 1)) + dt * np.arange(steps + 1)
    wave = np.sin(t)
    X = wave[:, :steps] + noise * rng.standard_normal((n_samples, steps))
    return X[..., np.newaxis], wave[:, steps:]


def running_parity(n_samples: int = 200, steps: int = 8, seed: int = 0) -> tuple[Array, Array]:
    """X (N, steps, 1) random bits; y (N, steps, 1): 1 where the bits so far hold an odd
    number of ones."""
    _check(n_samples, steps)
    bits = np.random.default_rng(seed).integers(0, 2, (n_samples, steps))
    parity = np.cumsum(bits, axis=1) % 2
    return bits[..., np.newaxis].astype(np.float64), parity[..., np.newaxis].astype(np.float64)


def reverse_digits(n_samples: int = 500, length: int = 4, vocabulary: int = 5,
                   seed: int = 0) -> tuple[Array, Array]:
    """X (N, length) digits 0..vocabulary-1; y (N, length): each row reversed."""
    _check(n_samples, length)
    if vocabulary < 2:
        raise ValueError(f"a vocabulary needs at least 2 symbols, got {vocabulary}")
    X = np.random.default_rng(seed).integers(0, vocabulary, (n_samples, length))
    return X, X[:, ::-1].copy()


def one_hot_sequences(symbols: Array, vocabulary: int) -> Array:
    """(N, T) symbol indices as (N, T, vocabulary) one-hot rows; out-of-range is refused."""
    symbols = np.asarray(symbols)
    if symbols.size and (symbols.min() < 0 or symbols.max() >= vocabulary):
        raise ValueError(f"symbols must be in 0..{vocabulary - 1}, got "
                         f"{int(symbols.min())}..{int(symbols.max())}")
    return np.eye(vocabulary)[symbols]
