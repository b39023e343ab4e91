"""Radial basis function units (the lecture's "E"): Gaussian bumps with trainable centres.

    out_j = exp(-gamma_j * ||x - c_j||^2)

Each unit answers how close the input is to its centre c_j; a linear layer after them can then
separate what no line can (two units solve XOR). Centres start where k-means (scikit-learn)
puts them, widths from the spread of those centres. The width is trained as log(gamma), so it
stays positive whatever step the optimiser takes. Same interface as ``core/rnn.py``.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class RBF:
    """``units`` Gaussian units over ``in_features`` inputs."""

    kind = "rbf"

    def __init__(self, units: int, gamma: float = 1.0, *, in_features: int,
                 seed: int | np.random.Generator | None = None,
                 dtype: type | np.dtype = np.float64) -> None:
        if units < 1 or in_features < 1:
            raise ValueError(f"RBF needs at least 1 unit and 1 input, got {units} units and "
                             f"{in_features} inputs")
        if not np.isfinite(gamma) or gamma <= 0:
            raise ValueError(f"RBF gamma must be a positive number, got {gamma}")
        self.units, self.in_features = int(units), int(in_features)
        self.dtype = np.dtype(dtype)
        self.start_gamma = float(gamma)
        self.centres: Array
        self.log_gamma: Array
        self.initialize(seed)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Centres from a standard normal and the starting width; ``init_centres`` places
        them by k-means once there is data."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.centres = rng.standard_normal((self.units, self.in_features)).astype(self.dtype)
        self.log_gamma = np.full(self.units, np.log(self.start_gamma), dtype=self.dtype)

    @property
    def gamma(self) -> Array:
        return np.exp(self.log_gamma)

    def parameters(self) -> list[Array]:
        return [self.centres, self.log_gamma]

    def init_centres(self, X: Array, seed: int = 0) -> None:
        """Centres by k-means on ``X``; gamma = 1 / (2 sigma^2) with sigma the mean distance
        between the centres (one unit: the spread of X), so neighbouring bumps overlap."""
        from sklearn.cluster import KMeans

        X = np.asarray(X, dtype=np.float64)
        distinct = len(np.unique(X, axis=0))
        if distinct < self.units:
            raise ValueError(f"RBF needs at least {self.units} distinct rows to place "
                             f"{self.units} centres, got {distinct}")
        centres = KMeans(n_clusters=self.units, n_init=10, random_state=seed).fit(X) \
            .cluster_centers_
        if self.units > 1:
            gaps = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1))
            sigma = gaps[np.triu_indices(self.units, 1)].mean()
        else:
            sigma = float(X.std(axis=0).mean())
        sigma = max(sigma, 1e-3)
        self.centres[:] = centres
        self.log_gamma[:] = np.log(1.0 / (2.0 * sigma**2))

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int]:
        if tuple(input_shape) != (self.in_features,):
            raise ValueError(f"RBF expects {self.in_features} inputs, got {tuple(input_shape)}")
        return (self.units,)

    def forward(self, x: Array) -> tuple[Array, tuple]:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 2:
            raise ValueError(f"RBF needs rows of inputs (samples, features), got {x.shape}")
        self.output_shape(x.shape[1:])
        # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, one product for every pair; clipped at 0
        # where rounding makes a tiny distance negative.
        squared = (x * x).sum(1)[:, None] - 2 * x @ self.centres.T + \
            (self.centres * self.centres).sum(1)[None]
        np.maximum(squared, 0, out=squared)
        out = np.exp(-self.gamma * squared)
        return out, (x, squared, out)

    def backward(self, grad_out: Array, cache: tuple) -> tuple[Array, list[Array]]:
        x, squared, out = cache
        gamma = self.gamma
        g = np.asarray(grad_out) * out  # dE/d(-gamma d^2) per sample and unit
        grad_log_gamma = -(g * squared).sum(0) * gamma
        weight = g * gamma * 2  # d/dx of -gamma ||x - c||^2 is -2 gamma (x - c)
        grad_x = -(weight.sum(1)[:, None] * x - weight @ self.centres)
        grad_centres = weight.T @ x - weight.sum(0)[:, None] * self.centres
        return grad_x, [grad_centres, grad_log_gamma]

    def spec(self) -> dict:
        return {"kind": self.kind, "units": self.units, "in_features": self.in_features,
                "gamma": self.start_gamma}

    def copy(self) -> RBF:
        twin = RBF(self.units, self.start_gamma, in_features=self.in_features, seed=0,
                   dtype=self.dtype)
        twin.centres, twin.log_gamma = self.centres.copy(), self.log_gamma.copy()
        return twin
