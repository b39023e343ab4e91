"""A modular network (the lecture's "H"): a gate shares the input out among expert networks.

    y(x) = sum_k g_k(x) * e_k(x),    g = softmax(x V + c),    e_k = sigmoid(x W_k + b_k)

Each expert is one sigmoid unit, so it draws one line; the softmax gate learns which expert
answers where. Two experts and a gate solve the four-square checkerboard (XOR's layout) that
neither line can alone. Trained end to end by backprop on binary cross-entropy, as one network.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.activations import sigmoid, softmax
from nnsim.core.optimizers import SGD

Array = np.ndarray
EPSILON = 1e-7


class MixtureOfExperts:
    """``experts`` (2 to 4) sigmoid experts and a softmax gate over ``n_inputs`` inputs."""

    def __init__(self, n_inputs: int, experts: int = 2, seed: int | None = None) -> None:
        if not 2 <= experts <= 4:
            raise ValueError(f"a mixture of experts has 2 to 4 experts here, got {experts}")
        if n_inputs < 1:
            raise ValueError(f"a mixture of experts needs at least 1 input, got {n_inputs}")
        rng = np.random.default_rng(seed)
        self.expert_weights = rng.normal(0, 1, (n_inputs, experts))  # column k: expert k
        self.expert_bias = np.zeros(experts)
        self.gate_weights = rng.normal(0, 1, (n_inputs, experts))
        self.gate_bias = np.zeros(experts)

    def parameters(self) -> list[Array]:
        return [self.expert_weights, self.expert_bias, self.gate_weights, self.gate_bias]

    def parts(self, X: Array) -> tuple[Array, Array]:
        """(gate shares g (N, k), expert outputs e (N, k)): what the views colour by."""
        X = np.asarray(X, dtype=np.float64)
        return softmax(X @ self.gate_weights + self.gate_bias), \
            sigmoid(X @ self.expert_weights + self.expert_bias)

    def predict(self, X: Array) -> Array:
        gate, experts = self.parts(X)
        return np.sum(gate * experts, axis=1, keepdims=True)

    def chosen_expert(self, X: Array) -> Array:
        """The expert the gate trusts most at each row."""
        return self.parts(X)[0].argmax(axis=1)

    def loss(self, X: Array, y: Array) -> float:
        p = np.clip(self.predict(X)[:, 0], EPSILON, 1 - EPSILON)
        t = np.asarray(y, dtype=np.float64).ravel()
        return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))

    def gradients(self, X: Array, y: Array) -> tuple[float, list[Array]]:
        X = np.asarray(X, dtype=np.float64)
        t = np.asarray(y, dtype=np.float64).reshape(-1, 1)
        gate, experts = self.parts(X)
        out = np.sum(gate * experts, axis=1, keepdims=True)
        p = np.clip(out, EPSILON, 1 - EPSILON)
        loss = float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
        inside = (out > EPSILON) & (out < 1 - EPSILON)  # the clip passes no gradient
        grad_out = np.where(inside, (p - t) / (p * (1 - p)), 0.0) / len(X)
        expert_net = grad_out * gate * experts * (1 - experts)
        grad_gate = grad_out * experts
        gate_net = gate * (grad_gate - np.sum(grad_gate * gate, axis=1, keepdims=True))
        return loss, [X.T @ expert_net, expert_net.sum(0), X.T @ gate_net, gate_net.sum(0)]

    def train_step(self, X: Array, y: Array, optimizer: SGD) -> float:
        loss, grads = self.gradients(X, y)
        optimizer.apply(self.parameters(), grads)
        return loss
