"""Optimisers by name. SGD with optional (Nesterov) momentum, as Keras defines it:

    velocity = momentum * velocity - learning_rate * gradient
    w = w + velocity                                   (classic)
    w = w + momentum * velocity - learning_rate * g    (Nesterov)

With momentum 0 this is the lecture's w <- w - eta * dE/dw. Updates are in place, so views of
the weights see them and no arrays are reallocated per step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Array = np.ndarray


class SGD:
    """Stochastic gradient descent; ``learning_rate`` may be changed between steps."""

    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.velocities: list[Array] = []

    def apply(self, parameters: Sequence[Array], gradients: Sequence[Array]) -> None:
        """Update every parameter array in place from its gradient."""
        lr = self.learning_rate
        if self.momentum == 0:
            for param, grad in zip(parameters, gradients, strict=True):
                param -= lr * grad
            return
        if len(self.velocities) != len(parameters):
            self.velocities = [np.zeros_like(p) for p in parameters]
        m = self.momentum
        for param, grad, velocity in zip(parameters, gradients, self.velocities, strict=True):
            velocity *= m
            velocity -= lr * grad
            if self.nesterov:
                param += m * velocity - lr * grad
            else:
                param += velocity

    def reset(self) -> None:
        """Forget the momentum (after new weights are drawn)."""
        self.velocities = []

    def get_config(self) -> dict:
        """The settings as plain data."""
        return {"name": self.name, "learning_rate": self.learning_rate,
                "momentum": self.momentum, "nesterov": self.nesterov}

    def get_state(self) -> list[Array]:
        """Copies of the momentum buffers (for session files)."""
        return [v.copy() for v in self.velocities]

    def set_state(self, velocities: Sequence[Array]) -> None:
        """Restore momentum buffers saved by ``get_state``."""
        self.velocities = [np.array(v, copy=True) for v in velocities]


def get_optimizer(name: str, **options: float | bool) -> SGD:
    """Build an optimiser from its plain-string name and settings."""
    if name != "sgd":
        known = ", ".join(optimizer_names())
        raise ValueError(f"unknown optimizer {name!r}; expected one of {known}")
    return SGD(**options)  # type: ignore[arg-type]


def optimizer_names() -> list[str]:
    """Every optimiser name the registry knows."""
    return ["sgd"]
