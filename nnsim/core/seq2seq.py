"""Sequence to sequence (the lecture's "G"): an encoder RNN hands its last state to a decoder.

Encoder: SimpleRNN over the one-hot source; its final state h_T starts the decoder. Decoder:
SimpleRNN over "the previous target symbol" (a start symbol first), every state mapped to
softmax probabilities by one Dense layer. Training uses teacher forcing (the decoder reads the
true previous symbol); prediction decodes greedily (it reads its own previous choice).
The loss is categorical cross-entropy averaged over every predicted symbol.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.layers import Dense
from nnsim.core.optimizers import SGD
from nnsim.core.rnn import SimpleRNN
from nnsim.core.sequences import one_hot_sequences

Array = np.ndarray
EPSILON = 1e-7


class Seq2Seq:
    """Encoder-decoder over symbols 0..vocabulary-1 (the decoder's start symbol is extra)."""

    def __init__(self, vocabulary: int, units: int = 32, seed: int | None = None) -> None:
        if vocabulary < 2:
            raise ValueError(f"a vocabulary needs at least 2 symbols, got {vocabulary}")
        rng = np.random.default_rng(seed)
        self.vocabulary = int(vocabulary)
        self.encoder = SimpleRNN(units, in_features=vocabulary, seed=rng)
        self.decoder = SimpleRNN(units, return_sequences=True, in_features=vocabulary + 1,
                                 seed=rng)
        self.output = Dense(units, vocabulary, "softmax", initializer="glorot_uniform",
                            seed=rng)

    def parameters(self) -> list[Array]:
        return [*self.encoder.parameters(), *self.decoder.parameters(),
                self.output.weights, self.output.bias]

    def _decoder_inputs(self, target: Array) -> Array:
        """The start symbol, then the target shifted right by one (teacher forcing)."""
        n, steps = target.shape
        previous = np.full((n, steps), self.vocabulary)
        previous[:, 1:] = target[:, :-1]
        return one_hot_sequences(previous, self.vocabulary + 1)

    def _forward(self, source: Array, target: Array) -> tuple[Array, tuple]:
        state, enc = self.encoder.forward(one_hot_sequences(source, self.vocabulary))
        hidden, dec = self.decoder.forward(self._decoder_inputs(target), state)
        n, steps, units = hidden.shape
        probabilities = self.output.forward(hidden.reshape(n * steps, units))
        return probabilities.reshape(n, steps, -1), (enc, dec, hidden)

    def loss(self, source: Array, target: Array) -> float:
        """Mean cross-entropy of the true next symbols under teacher forcing."""
        probabilities, _ = self._forward(source, target)
        picked = np.take_along_axis(probabilities, np.asarray(target)[..., None], axis=-1)
        return float(-np.mean(np.log(np.clip(picked, EPSILON, 1.0))))

    def gradients(self, source: Array, target: Array) -> tuple[float, list[Array]]:
        """The loss and its gradient for every parameter (order of ``parameters()``)."""
        source, target = np.asarray(source), np.asarray(target)
        probabilities, (enc, dec, hidden) = self._forward(source, target)
        n, steps, _ = probabilities.shape
        truth = one_hot_sequences(target, self.vocabulary)
        picked = np.sum(probabilities * truth, axis=-1)
        loss = float(-np.mean(np.log(np.clip(picked, EPSILON, 1.0))))
        delta = ((probabilities - truth) / (n * steps)).reshape(n * steps, -1)  # softmax + CE
        flat_hidden = hidden.reshape(n * steps, -1)
        grad_out_W, grad_out_b = flat_hidden.T @ delta, delta.sum(axis=0)
        grad_hidden = (delta @ self.output.weights.T).reshape(hidden.shape)
        _, grad_state, dec_grads = self.decoder.backward_through_time(grad_hidden, dec)
        _, enc_grads = self.encoder.backward(grad_state, enc)
        return loss, [*enc_grads, *dec_grads, grad_out_W, grad_out_b]

    def train_step(self, source: Array, target: Array, optimizer: SGD) -> float:
        loss, grads = self.gradients(source, target)
        optimizer.apply(self.parameters(), grads)
        return loss

    def predict(self, source: Array, length: int | None = None) -> Array:
        """Greedy decoding: each step reads the symbol chosen at the step before."""
        source = np.asarray(source)
        n, steps = source.shape
        length = steps if length is None else int(length)
        state, _ = self.encoder.forward(one_hot_sequences(source, self.vocabulary))
        previous = np.full(n, self.vocabulary)
        decoded = np.empty((n, length), dtype=np.int64)
        for t in range(length):
            step_input = one_hot_sequences(previous[:, None], self.vocabulary + 1)
            hidden, _ = self.decoder.forward(step_input, state)
            state = hidden[:, -1]
            decoded[:, t] = np.argmax(self.output.forward(state), axis=1)
            previous = decoded[:, t]
        return decoded
