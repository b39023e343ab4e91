"""Loss functions by name, each with dE/dout, the start of backpropagation.

``sse`` is the lecture's 1/2 * sum((out - target)^2) over the whole batch. ``mse``,
``binary_crossentropy`` and ``categorical_crossentropy`` are means over the batch, as Keras and
scikit-learn define them. When a cross-entropy follows the activation it was made for (softmax,
sigmoid), the output delta dE/dnet simplifies to (out - target) / N; ``fused_delta`` gives that
exact shortcut, which is also the numerically stable one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

#: Probabilities are clipped to [EPSILON, 1 - EPSILON] before a logarithm, as Keras does.
EPSILON = 1e-7


@dataclass(frozen=True)
class Loss:
    """A named loss: ``value(out, target) -> float`` and ``gradient(out, target) -> dE/dout``."""

    name: str
    value: Callable[[Array, Array], float]
    gradient: Callable[[Array, Array], Array]
    fused_activation: str | None = None

    def __call__(self, out: Array, target: Array) -> float:
        return self.value(out, target)

    def fused_delta(self, activation_name: str) -> Callable[[Array, Array], Array] | None:
        """dE/dnet = (out - target) / N when this loss meets its own output activation."""
        if activation_name != self.fused_activation:
            return None
        if self.name == "binary_crossentropy":  # a mean over every output, not only samples
            return lambda out, target: (out - target) / out.size
        return lambda out, target: (out - target) / out.shape[0]


def _clip(p: Array) -> Array:
    return np.clip(p, EPSILON, 1 - EPSILON)


def sse(out: Array, target: Array) -> float:
    """E = 1/2 * sum((out - target)^2), summed over the batch (the lecture's loss)."""
    diff = out - target
    return 0.5 * float(np.vdot(diff, diff))


def mse(out: Array, target: Array) -> float:
    """E = mean((out - target)^2) over every output of every sample."""
    diff = out - target
    return float(np.vdot(diff, diff)) / diff.size


def binary_crossentropy(out: Array, target: Array) -> float:
    """E = -mean(t log p + (1 - t) log(1 - p))."""
    p = _clip(out)
    return -float(np.mean(target * np.log(p) + (1 - target) * np.log(1 - p)))


def categorical_crossentropy(out: Array, target: Array) -> float:
    """E = -1/N * sum over samples of sum_k t_k log p_k (targets one-hot)."""
    return -float(np.sum(target * np.log(_clip(out)))) / out.shape[0]


def _binary_crossentropy_gradient(out: Array, target: Array) -> Array:
    p = _clip(out)
    return (p - target) / (p * (1 - p)) / out.size


def _categorical_crossentropy_gradient(out: Array, target: Array) -> Array:
    return -target / _clip(out) / out.shape[0]


_LOSSES = {
    "sse": Loss("sse", sse, lambda out, target: out - target),
    "mse": Loss("mse", mse, lambda out, target: 2 * (out - target) / out.size),
    "binary_crossentropy": Loss(
        "binary_crossentropy", binary_crossentropy, _binary_crossentropy_gradient, "sigmoid"
    ),
    "categorical_crossentropy": Loss(
        "categorical_crossentropy",
        categorical_crossentropy,
        _categorical_crossentropy_gradient,
        "softmax",
    ),
}


def get_loss(name: str) -> Loss:
    """Look a loss up by its plain-string name."""
    try:
        return _LOSSES[name]
    except KeyError:
        raise ValueError(
            f"unknown loss {name!r}; expected one of {', '.join(loss_names())}"
        ) from None


def loss_names() -> list[str]:
    """Every loss name the registry knows."""
    return list(_LOSSES)
