"""Small, seeded sequence data sets for the recurrent lessons (the lecture's F and G).

- ``sine_wave``: the next value of a noisy sine wave (many-to-one regression);
- ``running_parity``: whether an odd number of 1 bits came so far (many-to-many, a classic a
  feed-forward net of fixed width cannot do for any length);
- ``reverse_digits``: sequences of digits and the same digits reversed (sequence to
  sequence), of several lengths padded by an end symbol.

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


def reverse_digits(n_samples: int = 500, min_length: int = 4, max_length: int | None = None,
                   vocabulary: int = 5, seed: int = 0) -> tuple[Array, Array]:
    """X (N, max_length): distinct sequences of ``min_length``..``max_length`` digits
    0..vocabulary-1, each ended and padded by the end symbol ``vocabulary``; y: the digits of
    each row reversed, padded the same way. Rows are drawn without repeats, so rows split off
    for testing are sequences the network never saw."""
    max_length = min_length if max_length is None else max_length
    _check(n_samples, min_length)
    if max_length < min_length:
        raise ValueError(f"the longest sequence ({max_length}) is shorter than the shortest "
                         f"({min_length})")
    if vocabulary < 2:
        raise ValueError(f"a vocabulary needs at least 2 symbols, got {vocabulary}")
    lengths = np.arange(min_length, max_length + 1)
    counts = vocabulary ** lengths  # distinct sequences of each length
    if n_samples > counts.sum():
        raise ValueError(f"there are only {int(counts.sum()):,} distinct sequences of "
                         f"{min_length}..{max_length} digits from {vocabulary} symbols; asked "
                         f"for {n_samples:,}")
    picked = np.random.default_rng(seed).choice(int(counts.sum()), n_samples, replace=False)
    ends = np.cumsum(counts)
    which = np.searchsorted(ends, picked, side="right")  # the length of each picked row
    code = picked - (ends - counts)[which]
    X = np.full((n_samples, max_length), vocabulary)
    y = X.copy()
    for index, (length, number) in enumerate(zip(lengths[which], code, strict=True)):
        digits = [(int(number) // vocabulary ** k) % vocabulary for k in range(length)]
        X[index, :length] = digits
        y[index, :length] = digits[::-1]
    return X, y


def check_same_length(sequences: object) -> None:
    """A list of sequences of different lengths is refused by name (NumPy would say only
    "inhomogeneous shape"); arrays are rectangular already."""
    if isinstance(sequences, list | tuple):
        lengths = sorted({len(row) if isinstance(row, list | tuple | np.ndarray) else 0
                          for row in sequences})
        if len(lengths) > 1:
            raise ValueError(f"the sequences have different lengths ({lengths[0]} to "
                             f"{lengths[-1]} steps); pad them to one length (for symbols "
                             "with the end symbol: sequences.pad_sequences)")


def check_symbols(x: Array, vocabulary: int) -> Array:
    """Rows of symbol indices as whole numbers, or ValueError naming what is wrong: not one
    row per sample, zero time steps, a fraction, an index outside 0..vocabulary-1."""
    check_same_length(x)
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"sequences must be one row of symbols per sample, got an array of "
                         f"shape {x.shape}")
    if x.shape[1] == 0:
        raise ValueError("a sequence needs at least 1 time step, got 0")
    if x.dtype.kind == "f":
        if not np.all(np.isfinite(x)):
            raise ValueError("a sequence holds a value that is not a number")
        whole = np.rint(x)
        if np.any(whole != x):
            row, step = np.argwhere(whole != x)[0]
            raise ValueError(f"sequence {row + 1}, step {step + 1}: {x[row, step]:g} is not "
                             f"a symbol index (a whole number)")
        x = whole
    symbols = x.astype(np.int64)
    outside = (symbols < 0) | (symbols >= vocabulary)
    if np.any(outside):
        row, step = np.argwhere(outside)[0]
        raise ValueError(f"sequence {row + 1}, step {step + 1}: symbol {symbols[row, step]} is "
                         f"outside the vocabulary 0..{vocabulary - 1}")
    return symbols


def pad_sequences(sequences: list[list[int]], steps: int, end: int) -> Array:
    """Sequences of different lengths as one array of ``steps`` columns, each ended and
    padded by the symbol ``end``; a sequence that is empty or longer than ``steps`` is
    refused by number."""
    rows = np.full((len(sequences), steps), end)
    for index, sequence in enumerate(sequences):
        if not 1 <= len(sequence) <= steps:
            raise ValueError(f"sequence {index + 1} has {len(sequence)} steps; the network "
                             f"reads 1 to {steps}")
        rows[index, :len(sequence)] = sequence
    return rows


def one_hot_sequences(symbols: Array, vocabulary: int) -> Array:
    """(N, T) symbol indices as (N, T, vocabulary) one-hot rows; out-of-range is refused."""
    symbols = np.asarray(symbols)
    if symbols.size and (symbols.min() < 0 or symbols.max() >= vocabulary):
        raise ValueError(f"symbols must be in 0..{vocabulary - 1}, got "
                         f"{int(symbols.min())}..{int(symbols.max())}")
    return np.eye(vocabulary)[symbols]


def sequence_text(symbols: Array, end: int | None = None) -> str:
    """Symbols as the lesson writes them: digits apart, the end symbol as "."."""
    return " ".join("." if end is not None and int(s) == end else str(int(s)) for s in symbols)


def decoded_symbols(probabilities: Array, steps: int) -> Array:
    """A sequence model's outputs (rows of steps x vocabulary probabilities) as the symbol
    chosen at every step (N, steps)."""
    probabilities = np.asarray(probabilities)
    return probabilities.reshape(len(probabilities), steps, -1).argmax(axis=-1)


def parse_sequence(text: str, digits: int, steps: int) -> Array:
    """What a presenter types ("3 1 4", "3,1,4" or "314") as one row of ``steps`` symbols,
    ended and padded by the end symbol ``digits``; ValueError saying what is wrong."""
    cleaned = text.replace(",", " ").split()
    tokens = cleaned if len(cleaned) > 1 else list(cleaned[0]) if cleaned else []
    if not tokens:
        raise ValueError("type at least one digit")
    symbols = []
    for token in tokens:
        if not token.isdigit() or int(token) >= digits:
            raise ValueError(f"{token!r} is not a digit from 0 to {digits - 1}")
        symbols.append(int(token))
    if len(symbols) > steps:
        raise ValueError(f"{len(symbols)} digits; the network reads at most {steps}")
    return pad_sequences([symbols], steps, digits)[0]
