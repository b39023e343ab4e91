"""A modular network (the lecture's "H"): a gate shares the input out among expert networks.

    y(x) = sum_k g_k(x) * e_k(x),    g = softmax(x V + c),    e_k = sigmoid(x W_k + b_k)

Each expert is one sigmoid unit, so it draws one line; the softmax gate learns which expert
answers where. Two experts and a gate solve the four-square checkerboard (XOR's layout) that
neither line can alone. It is one layer (the interface of docs/DESIGN.md, "Layers beyond
Dense"), so a ``Network`` trains it end to end by backprop with any loss it knows.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.activations import sigmoid, softmax

Array = np.ndarray


class MixtureOfExperts:
    """``experts`` (2 to 4) sigmoid experts and a softmax gate over ``n_inputs`` inputs;
    one output, the gate-weighted sum of the experts' outputs."""

    kind = "experts"

    def __init__(self, n_inputs: int, experts: int = 2,
                 seed: int | np.random.Generator | None = None) -> None:
        if not 2 <= experts <= 4:
            raise ValueError(f"a mixture of experts has 2 to 4 experts here, got {experts}")
        if n_inputs < 1:
            raise ValueError(f"a mixture of experts needs at least 1 input, got {n_inputs}")
        self.in_features, self.units = int(n_inputs), int(experts)
        self.initialize(seed)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Normal weights (so the experts start on different lines) and zero biases."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        shape = (self.in_features, self.units)
        self.expert_weights = rng.normal(0, 1, shape)  # column k: expert k
        self.expert_bias = np.zeros(self.units)
        self.gate_weights = rng.normal(0, 1, shape)
        self.gate_bias = np.zeros(self.units)

    def parameters(self) -> list[Array]:
        return [self.expert_weights, self.expert_bias, self.gate_weights, self.gate_bias]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int]:
        if tuple(input_shape) != (self.in_features,):
            raise ValueError(f"the mixture expects {self.in_features} inputs, got "
                             f"{tuple(input_shape)}")
        return (1,)

    def parts(self, X: Array) -> tuple[Array, Array]:
        """(gate shares g (N, k), expert outputs e (N, k)): what the views colour by."""
        X = np.asarray(X, dtype=np.float64)
        return softmax(X @ self.gate_weights + self.gate_bias), \
            sigmoid(X @ self.expert_weights + self.expert_bias)

    def chosen_expert(self, X: Array) -> Array:
        """The expert the gate trusts most at each row."""
        return self.parts(X)[0].argmax(axis=1)

    def forward(self, x: Array) -> tuple[Array, tuple]:
        x = np.asarray(x, dtype=np.float64)
        gate, experts = self.parts(x)
        return np.sum(gate * experts, axis=1, keepdims=True), (x, gate, experts)

    def backward(self, grad_out: Array, cache: tuple) -> tuple[Array, list[Array]]:
        """y = sum g e: dy/de_k = g_k (then the sigmoid's e (1 - e)); dy/dg_k = e_k (then the
        softmax's Jacobian g (dE/dg - sum g dE/dg))."""
        x, gate, experts = cache
        grad_out = np.asarray(grad_out).reshape(-1, 1)
        expert_net = grad_out * gate * experts * (1 - experts)
        grad_gate = grad_out * experts
        gate_net = gate * (grad_gate - np.sum(grad_gate * gate, axis=1, keepdims=True))
        grad_x = expert_net @ self.expert_weights.T + gate_net @ self.gate_weights.T
        return grad_x, [x.T @ expert_net, expert_net.sum(0), x.T @ gate_net, gate_net.sum(0)]

    def spec(self) -> dict:
        return {"kind": self.kind, "units": self.units, "in_features": self.in_features}

    def copy(self) -> MixtureOfExperts:
        twin = MixtureOfExperts(self.in_features, self.units, seed=0)
        for mine, theirs in zip(self.parameters(), twin.parameters(), strict=True):
            theirs[...] = mine
        return twin
