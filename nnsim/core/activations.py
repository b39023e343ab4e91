"""Activation functions by name, each with the derivative backpropagation needs.

A neuron computes ``out = f(net)`` with ``net = sum(w * x)``. Backprop needs ``dout/dnet``;
for elementwise functions that is ``f'(net)``, written here in terms of ``net`` and ``out`` so
that the cheap forms (``out * (1 - out)`` for the sigmoid) are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


class NotDifferentiableError(ValueError):
    """Raised when backpropagation meets a function without a usable derivative (step)."""


@dataclass(frozen=True)
class Activation:
    """A named activation: ``function(net) -> out`` and ``derivative(net, out) -> dout/dnet``.

    ``derivative`` is None for functions backprop cannot pass through (the step function);
    softmax is not elementwise, so it has its own ``backward``. ``in_place`` computes the
    function over its argument's memory; it is set only where ``derivative`` reads ``out``
    alone (sigmoid, tanh), so the training step may drop ``net`` and save an array per layer.
    """

    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None
    alpha: float | None = None
    elementwise: bool = True
    in_place: Callable[[Array], Array] | None = None

    def __call__(self, net: Array) -> Array:
        return self.function(net)

    def __reduce__(self) -> tuple:
        """Pickled by name (a trainer process gets its network this way): the functions
        are closures and lambdas, which pickle cannot carry."""
        return (get_activation, (self.name, self.alpha))

    def backward(self, net: Array, out: Array, grad_out: Array, reuse: bool = False) -> Array:
        """dE/dnet from dE/dout: the chain rule through this function.

        ``reuse`` lets an elementwise function write the result over ``grad_out`` (a temporary
        of the caller's), which saves the training step one array per layer.
        """
        if not self.elementwise:  # softmax: J^T g = out * (g - sum(g * out))
            return out * (grad_out - np.sum(grad_out * out, axis=-1, keepdims=True))
        if self.derivative is None:
            raise NotDifferentiableError(
                f"the {self.name} activation has no useful derivative (it is 0 almost "
                "everywhere), so backpropagation cannot pass through it; use sigmoid, tanh "
                "or relu in layers trained by backprop, or train a step unit with the "
                "perceptron rule"
            )
        if reuse:
            grad_out *= self.derivative(net, out)
            return grad_out
        return grad_out * self.derivative(net, out)


def step(net: Array) -> Array:
    """1 where net > 0, else 0: the perceptron's threshold unit."""
    return (net > 0).astype(np.result_type(net, np.float32))


def sigmoid(net: Array) -> Array:
    """1 / (1 + e^-net), computed as (1 + tanh(net / 2)) / 2, which never overflows."""
    out = np.tanh(0.5 * net)
    out *= 0.5  # in place: one array fewer than 0.5 + 0.5 * tanh(...) on the training path
    out += 0.5
    return out


def sigmoid_in_place(net: Array) -> Array:
    """sigmoid(net) written over ``net`` (a float array the caller no longer needs)."""
    net *= 0.5
    np.tanh(net, out=net)
    net *= 0.5
    net += 0.5
    return net


def sigmoid_slope(out: Array) -> Array:
    """dout/dnet of the sigmoid from its output: out * (1 - out)."""
    slope = 1 - out
    slope *= out
    return slope


def tanh(net: Array) -> Array:
    """Hyperbolic tangent, output in (-1, 1)."""
    return np.tanh(net)


def relu(net: Array) -> Array:
    """max(0, net)."""
    return np.maximum(net, 0)


def linear(net: Array) -> Array:
    """The identity: out = net."""
    return net


def softmax(net: Array) -> Array:
    """e^net_i / sum_j e^net_j per row, shifted by the row maximum so it never overflows."""
    shifted = np.exp(net - np.maximum.reduce(net, axis=-1, keepdims=True))
    shifted /= np.add.reduce(shifted, axis=-1, keepdims=True)
    return shifted


def leaky_relu_function(alpha: float) -> Callable[[Array], Array]:
    """net where net > 0, else alpha * net."""
    return lambda net: np.where(net > 0, net, alpha * net)


def elu_function(alpha: float) -> Callable[[Array], Array]:
    """net where net > 0, else alpha * (e^net - 1)."""
    return lambda net: np.where(net > 0, net, alpha * np.expm1(np.minimum(net, 0)))


DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}

#: The six activations of the lecture, in lecture order (the gallery shows these).
LECTURE_ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu")


def get_activation(name: str, alpha: float | None = None) -> Activation:
    """Look an activation up by its plain-string name; ``alpha`` tunes leaky_relu and elu."""
    if name == "step":
        return Activation("step", step, None)
    if name == "sigmoid":
        return Activation("sigmoid", sigmoid, lambda net, out: sigmoid_slope(out),
                          in_place=sigmoid_in_place)
    if name == "tanh":
        return Activation("tanh", tanh, lambda net, out: 1 - out * out,
                          in_place=lambda net: np.tanh(net, out=net))
    if name == "relu":
        return Activation("relu", relu, lambda net, out: (net > 0).astype(net.dtype))
    if name == "linear":
        return Activation("linear", linear, lambda net, out: np.ones_like(net))
    if name == "softmax":
        return Activation("softmax", softmax, None, elementwise=False)
    if name == "leaky_relu":
        a = DEFAULT_ALPHA[name] if alpha is None else float(alpha)
        return Activation(
            name, leaky_relu_function(a),
            lambda net, out: np.where(net > 0, 1.0, a).astype(net.dtype), alpha=a
        )
    if name == "elu":
        a = DEFAULT_ALPHA[name] if alpha is None else float(alpha)
        return Activation(
            name, elu_function(a), lambda net, out: np.where(net > 0, 1.0, out + a), alpha=a
        )
    raise ValueError(
        f"unknown activation {name!r}; expected one of {', '.join(activation_names())}"
    )


def activation_names() -> list[str]:
    """Every activation name the registry knows."""
    return [*LECTURE_ACTIVATIONS, "linear", "softmax"]
