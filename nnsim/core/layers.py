"""The Dense layer: out = f(x @ weights + bias)."""

from __future__ import annotations

import numpy as np

from nnsim.core.activations import Activation, get_activation
from nnsim.core.initializers import initialize

Array = np.ndarray


class Dense:
    """A fully connected layer.

    ``weights`` has shape (n_in, n_out), the Keras and scikit-learn convention, so column j holds
    the incoming weights of neuron j. ``bias`` has shape (n_out,), or is None when the layer has
    no bias; the lecture's bias trick (a constant +1 input) is the same number drawn as an edge.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str = "sigmoid",
        bias: bool = True,
        *,
        alpha: float | None = None,
        initializer: str = "lecture",
        seed: int | np.random.Generator | None = None,
        dtype: type | np.dtype = np.float64,
    ) -> None:
        if n_in < 1 or n_out < 1:
            raise ValueError(f"a Dense layer needs at least 1 input and 1 output, got "
                             f"{n_in} -> {n_out}")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.activation: Activation = get_activation(activation, alpha)
        self.initializer = initializer
        self.dtype = np.dtype(dtype)
        self.has_bias = bool(bias)
        self.weights: Array
        self.bias: Array | None
        self.initialize(seed)

    @property
    def activation_name(self) -> str:
        return self.activation.name

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Draw fresh weights (and bias) with this layer's initialiser."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        weights, bias = initialize(self.initializer, rng, self.n_in, self.n_out)
        self.weights = weights.astype(self.dtype)
        self.bias = bias.astype(self.dtype) if self.has_bias else None

    def set_weights(self, weights: Array, bias: Array | None = None) -> None:
        """Replace the weights (and bias), checking shapes so a mistake is named, not broadcast."""
        weights = np.asarray(weights, dtype=self.dtype)
        if weights.shape != (self.n_in, self.n_out):
            raise ValueError(f"weights must have shape ({self.n_in}, {self.n_out}) "
                             f"(inputs x neurons), got {weights.shape}")
        if self.has_bias:
            if bias is None:
                raise ValueError(f"this layer has a bias: give {self.n_out} bias values")
            bias = np.asarray(bias, dtype=self.dtype)
            if bias.shape != (self.n_out,):
                raise ValueError(f"bias must have shape ({self.n_out},), got {bias.shape}")
            self.bias = bias.copy()
        elif bias is not None:
            raise ValueError("this layer has no bias, so no bias values can be set")
        self.weights = weights.copy()

    def net(self, x: Array) -> Array:
        """The weighted sum: net = x @ W + b."""
        net = np.dot(x, self.weights)  # np.dot: half the call overhead of @ on small arrays
        if self.bias is not None:
            net += self.bias
        return net

    def forward(self, x: Array) -> Array:
        """out = f(net)."""
        return self.activation.function(self.net(x))

    def copy(self) -> Dense:
        """An independent copy (weights copied, never shared)."""
        clone = object.__new__(Dense)
        clone.__dict__.update(self.__dict__)
        clone.weights = self.weights.copy()
        clone.bias = None if self.bias is None else self.bias.copy()
        return clone

    def spec(self) -> dict:
        """The layer as plain data (for lessons and session files)."""
        spec = {"units": self.n_out, "activation": self.activation.name, "bias": self.has_bias}
        if self.activation.alpha is not None:
            spec["alpha"] = self.activation.alpha
        return spec

    def __repr__(self) -> str:
        return (f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}, "
                f"bias={self.has_bias})")
