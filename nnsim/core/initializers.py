"""Weight initialisers by name, all drawn from a seeded NumPy generator.

``lecture`` is the lecture's ``randn(n_in, n_out) / sqrt(n_in)``; with the bias trick the bias is
just one more weight, so it is drawn the same way. Glorot (for sigmoid and tanh) and He (for
ReLU) start the bias at zero, as Keras does.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def lecture(rng: np.random.Generator, n_in: int, n_out: int) -> tuple[Array, Array]:
    """W, b ~ N(0, 1) / sqrt(n_in)."""
    scale = 1.0 / np.sqrt(n_in)
    return rng.standard_normal((n_in, n_out)) * scale, rng.standard_normal(n_out) * scale


def glorot_uniform(rng: np.random.Generator, n_in: int, n_out: int) -> tuple[Array, Array]:
    """W ~ U(-l, l) with l = sqrt(6 / (n_in + n_out)); b = 0."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out)


def he_normal(rng: np.random.Generator, n_in: int, n_out: int) -> tuple[Array, Array]:
    """W ~ N(0, 2 / n_in); b = 0."""
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in), np.zeros(n_out)


_INITIALIZERS = {"lecture": lecture, "glorot_uniform": glorot_uniform, "he_normal": he_normal}


def initialize(
    name: str, rng: np.random.Generator, n_in: int, n_out: int
) -> tuple[Array, Array]:
    """Draw (weights of shape (n_in, n_out), bias of shape (n_out,)) with the named scheme."""
    try:
        scheme = _INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown initializer {name!r}; expected one of {', '.join(initializer_names())}"
        ) from None
    return scheme(rng, n_in, n_out)


def initializer_names() -> list[str]:
    """Every initialiser name the registry knows."""
    return list(_INITIALIZERS)
