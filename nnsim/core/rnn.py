"""Keras's SimpleRNN (the Elman network of the lecture's "F. Recurrent"), trained by BPTT.

    h_t = f(x_t W + h_{t-1} U + b),   t = 1..T,   h_0 = 0 (or a given state)

on input of shape (N, T, features). The layer kinds beyond Dense share one interface, so the
Network can later hold any of them:

- ``output_shape(input_shape)``: the per-sample output shape (without N), or ValueError;
- ``forward(x) -> (out, cache)`` and ``backward(grad_out, cache) -> (grad_in, grads)``, with
  ``grads`` in the order of ``parameters()`` (the arrays themselves, updated in place);
- ``spec()`` (Keras-like config) and ``copy()``.

The input projections x_t W of every step are one matrix product, and so are the weight
gradients after the backward loop: what stays per time step is the recurrence itself (one
product by U forward, one by U.T backward), which BPTT cannot avoid.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.activations import get_activation
from nnsim.core.initializers import glorot_uniform
from nnsim.core.sequences import check_same_length

Array = np.ndarray


class SimpleRNN:
    """A fully connected recurrent layer: ``units`` hidden units fed back every step."""

    kind = "simple_rnn"

    def __init__(self, units: int, activation: str = "tanh", return_sequences: bool = False,
                 *, in_features: int, seed: int | np.random.Generator | None = None,
                 dtype: type | np.dtype = np.float64) -> None:
        if units < 1 or in_features < 1:
            raise ValueError(f"SimpleRNN needs at least 1 unit and 1 input feature, got "
                             f"{units} units and {in_features} features")
        self.units, self.in_features = int(units), int(in_features)
        self.activation = get_activation(activation)
        if self.activation.derivative is None:
            raise ValueError(f"SimpleRNN cannot train a {activation} activation by "
                             "backpropagation through time; use tanh, sigmoid or relu")
        self.return_sequences = bool(return_sequences)
        self.dtype = np.dtype(dtype)
        self.W: Array
        self.U: Array
        self.b: Array
        self.initialize(seed)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """As Keras: Glorot-uniform kernel, orthogonal recurrent kernel, zero bias."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.W = glorot_uniform(rng, self.in_features, self.units)[0].astype(self.dtype)
        q, r = np.linalg.qr(rng.normal(size=(self.units, self.units)))
        self.U = (q * np.sign(np.diag(r))).astype(self.dtype)
        self.b = np.zeros(self.units, dtype=self.dtype)

    def parameters(self) -> list[Array]:
        return [self.W, self.U, self.b]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(input_shape) != 2:
            raise ValueError(f"SimpleRNN needs (time steps, features) per sample, got "
                             f"{tuple(input_shape)}")
        steps, features = input_shape
        if steps < 1:
            raise ValueError("SimpleRNN needs at least one time step, got 0")
        if features != self.in_features:
            raise ValueError(f"SimpleRNN expects {self.in_features} features per step, "
                             f"got {features}")
        return (steps, self.units) if self.return_sequences else (self.units,)

    def forward(self, x: Array, initial_state: Array | None = None) -> tuple[Array, tuple]:
        """The last hidden state (N, units), or every state (N, T, units)."""
        check_same_length(x)
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 3:
            raise ValueError(f"SimpleRNN needs input of shape (samples, time steps, "
                             f"features), got {x.shape}")
        self.output_shape(x.shape[1:])
        n, steps, _ = x.shape
        h0 = np.zeros((n, self.units), self.dtype) if initial_state is None else \
            np.asarray(initial_state, dtype=self.dtype)
        if h0.shape != (n, self.units):
            raise ValueError(f"the initial state must have shape {(n, self.units)}, got "
                             f"{h0.shape}")
        projected = (x.reshape(n * steps, -1) @ self.W).reshape(n, steps, self.units) + self.b
        nets = np.empty_like(projected)
        states = np.empty((n, steps + 1, self.units), self.dtype)
        states[:, 0] = h0
        f = self.activation.function
        for t in range(steps):
            nets[:, t] = projected[:, t] + states[:, t] @ self.U
            states[:, t + 1] = f(nets[:, t])
        out = states[:, 1:].copy() if self.return_sequences else states[:, -1].copy()
        return out, (x, nets, states)

    def backward(self, grad_out: Array, cache: tuple) -> tuple[Array, list[Array]]:
        grad_x, _, grads = self.backward_through_time(grad_out, cache)
        return grad_x, grads

    def step_deltas(self, grad_out: Array, cache: tuple) -> Array:
        """dE/dnet_t for every step (N, T, units): what BPTT carries back, step by step; its
        size per step shows a gradient vanish on the way back through a long sequence."""
        return self.backward_through_time(grad_out, cache, keep_deltas=True)[3]

    def backward_through_time(self, grad_out: Array, cache: tuple, keep_deltas: bool = False
                              ) -> tuple:
        """(dE/dx, dE/dh_0, [dE/dW, dE/dU, dE/db]): the chain rule back through every step;
        dE/dh_0 is what a sequence-to-sequence encoder receives from its decoder."""
        x, nets, states = cache
        n, steps, features = x.shape
        grad_out = np.asarray(grad_out, dtype=self.dtype)
        if self.return_sequences:
            per_step = grad_out
        else:
            per_step = np.zeros((n, steps, self.units), self.dtype)
            per_step[:, -1] = grad_out
        deltas = np.empty_like(nets)
        carried = np.zeros((n, self.units), self.dtype)  # dE/dh_t from step t + 1
        slope = self.activation.derivative
        for t in range(steps - 1, -1, -1):
            grad_h = per_step[:, t] + carried
            deltas[:, t] = grad_h * slope(nets[:, t], states[:, t + 1])
            carried = deltas[:, t] @ self.U.T
        flat = deltas.reshape(n * steps, self.units)
        grad_W = x.reshape(n * steps, features).T @ flat
        grad_U = states[:, :-1].reshape(n * steps, self.units).T @ flat
        grad_b = flat.sum(axis=0)
        grad_x = (flat @ self.W.T).reshape(n, steps, features)
        if keep_deltas:
            return grad_x, carried, [grad_W, grad_U, grad_b], deltas
        return grad_x, carried, [grad_W, grad_U, grad_b]

    def spec(self) -> dict:
        return {"kind": self.kind, "units": self.units, "activation": self.activation.name,
                "return_sequences": self.return_sequences, "in_features": self.in_features}

    def copy(self) -> SimpleRNN:
        twin = SimpleRNN(self.units, self.activation.name, self.return_sequences,
                         in_features=self.in_features, seed=0, dtype=self.dtype)
        twin.W, twin.U, twin.b = self.W.copy(), self.U.copy(), self.b.copy()
        return twin
