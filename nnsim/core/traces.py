"""Every number of one sample's forward and backward pass, for the stepper to show.

The stepper is a view over these records and never recomputes the maths itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class LayerForward:
    """One layer's forward pass: ``net = input @ weights + bias`` and ``out = f(net)``."""

    input: Array
    weights: Array
    bias: Array | None
    net: Array
    out: Array
    activation: str
    kind: str = "dense"
    parameters: tuple[Array, ...] = ()
    """Every parameter of a layer of another kind (Conv2D: kernel and bias; RBF: centres and
    log gamma), whose first two are also ``weights`` and ``bias``."""


@dataclass(frozen=True)
class ForwardTrace:
    """The forward pass of one sample through every layer."""

    x: Array
    layers: tuple[LayerForward, ...]

    @property
    def output(self) -> Array:
        return self.layers[-1].out


@dataclass(frozen=True)
class LayerBackward:
    """One layer's backward pass, the chain rule dE/dw = dE/dout * dout/dnet * dnet/dw.

    ``dE_dout`` is dE/dout (for a hidden layer: sum over next-layer neurons of w * delta);
    ``dout_dnet`` is f'(net) (None for softmax, whose Jacobian is not diagonal);
    ``delta`` is dE/dnet; ``weight_gradient[i, j] = input[i] * delta[j]`` since dnet/dw = input;
    ``new_weights`` and ``new_bias`` are w - learning_rate * gradient.
    """

    dE_dout: Array
    dout_dnet: Array | None
    delta: Array
    weight_gradient: Array
    bias_gradient: Array | None
    new_weights: Array
    new_bias: Array | None
    gradients: tuple[Array, ...] = ()
    kind: str = "dense"
    """Every parameter's gradient for a layer of another kind; its ``delta`` and ``dE_dout``
    are then both dE/dout of the layer's output."""


@dataclass(frozen=True)
class BackwardTrace:
    """The backward pass of one sample: its loss before and after one gradient-descent step."""

    forward: ForwardTrace
    target: Array
    loss_name: str
    loss: float
    learning_rate: float
    layers: tuple[LayerBackward, ...]
    loss_after: float

    def gradients(self) -> list[tuple[Array, Array | None]]:
        """(dW, db) per layer, in the same form as ``Network.gradients``."""
        return [(layer.weight_gradient, layer.bias_gradient) if layer.kind == "dense"
                else layer.gradients for layer in self.layers]


def as_row(x: Array | list[float]) -> Array:
    """One sample as a float row vector of shape (1, n)."""
    return np.atleast_2d(np.asarray(x, dtype=np.float64))
