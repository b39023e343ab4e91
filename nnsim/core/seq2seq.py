"""Sequence to sequence (the lecture's "G"): an encoder RNN hands its last state to a decoder.

One layer of the stack (kind "seq2seq"), so the Network trains, scores, saves and draws it
like any other. Per sample it takes a row of symbol indices 0..vocabulary-1 (one per time step)
and gives the decoder's probabilities over the vocabulary at every step, shape (steps,
vocabulary).

Encoder: a SimpleRNN over the one-hot source; its final state h_T starts the decoder.
Decoder: a SimpleRNN over "the previous output symbol" (a start symbol first), every state
mapped to softmax probabilities by one Dense layer. Training uses teacher forcing (the chain
hands the targets in and the decoder reads the true previous symbol); prediction decodes
greedily (it reads its own previous choice). Either way ``backward`` differentiates what
``forward`` computed, with the decoder's inputs as constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnsim.core.layers import Dense
from nnsim.core.rnn import SimpleRNN
from nnsim.core.sequences import check_symbols, one_hot_sequences

Array = np.ndarray


@dataclass(frozen=True)
class Handover:
    """One sample through the encoder-decoder, for the canvas: the source, the encoder's
    state per step, the state handed to the decoder (the encoder's last), the decoder's state
    per step, its probabilities and greedy choices."""

    source: Array  # (steps,) symbols
    encoder_states: Array  # (steps, units)
    decoder_states: Array  # (steps, units)
    decoder_inputs: Array  # (steps,) symbols read, the start symbol first
    probabilities: Array  # (steps, vocabulary)
    decoded: Array  # (steps,) symbols

    @property
    def handed_over(self) -> Array:
        return self.encoder_states[-1]


class EncoderDecoder:
    """Encoder SimpleRNN -> decoder SimpleRNN -> Dense softmax, over symbols
    0..vocabulary-1; the decoder's start symbol is one more (index ``vocabulary``)."""

    kind = "seq2seq"
    teacher_forced = True
    """The chain hands this layer the targets while training (teacher forcing)."""
    output_activation = "softmax"
    """Its output is a softmax, so the cross-entropy's delta fuses as a Dense layer's does."""

    def __init__(self, vocabulary: int, units: int = 32, *,
                 seed: int | np.random.Generator | None = None,
                 dtype: type | np.dtype = np.float64) -> None:
        if vocabulary < 2:
            raise ValueError(f"a vocabulary needs at least 2 symbols, got {vocabulary}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.vocabulary, self.units = int(vocabulary), int(units)
        self.dtype = np.dtype(dtype)
        self.encoder = SimpleRNN(units, in_features=vocabulary, seed=rng, dtype=dtype)
        self.decoder = SimpleRNN(units, return_sequences=True, in_features=vocabulary + 1,
                                 seed=rng, dtype=dtype)
        self.output = Dense(units, vocabulary, "softmax", initializer="glorot_uniform",
                            seed=rng, dtype=dtype)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.encoder.initialize(rng)
        self.decoder.initialize(rng)
        self.output.initialize(rng)

    def parameters(self) -> list[Array]:
        return [*self.encoder.parameters(), *self.decoder.parameters(),
                self.output.weights, self.output.bias]  # type: ignore[list-item]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int]:
        if len(input_shape) != 1:
            raise ValueError(f"an encoder-decoder reads one symbol per time step, a row of "
                             f"symbols per sample; got samples of shape {tuple(input_shape)}")
        if input_shape[0] < 1:
            raise ValueError("an encoder-decoder needs at least one time step, got 0")
        return (input_shape[0], self.vocabulary)

    # -- forward -----------------------------------------------------------------------------

    def forward(self, x: Array, targets: Array | None = None) -> tuple[Array, tuple]:
        """(probabilities (N, steps, vocabulary), cache). With ``targets`` (one-hot, (N,
        steps * vocabulary) or (N, steps, vocabulary)) the decoder reads the true previous
        symbols; without, its own greedy choices."""
        source = check_symbols(x, self.vocabulary)
        n, steps = source.shape
        state, enc = self.encoder.forward(self._one_hot(source))
        if targets is None:
            previous = self._greedy(state, steps)
        else:
            truth = np.asarray(targets).reshape(n, steps, self.vocabulary).argmax(axis=-1)
            previous = np.concatenate([np.full((n, 1), self.vocabulary), truth[:, :-1]], 1)
        hidden, dec = self.decoder.forward(
            one_hot_sequences(previous, self.vocabulary + 1).astype(self.dtype), state)
        flat = hidden.reshape(n * steps, self.units)
        net = self.output.net(flat)
        probabilities = self.output.activation.function(net)
        cache = (enc, dec, flat, net, probabilities, previous)
        return probabilities.reshape(n, steps, self.vocabulary), cache

    def _one_hot(self, symbols: Array) -> Array:
        return one_hot_sequences(symbols, self.vocabulary).astype(self.dtype)

    def _greedy(self, state: Array, steps: int) -> Array:
        """The symbols the decoder reads when it feeds back its own arg-max choice."""
        n = len(state)
        previous = np.full((n, steps), self.vocabulary)
        start = np.eye(self.vocabulary + 1, dtype=self.dtype)
        for t in range(steps - 1):
            hidden, _ = self.decoder.forward(start[previous[:, t]][:, np.newaxis], state)
            state = hidden[:, -1]
            previous[:, t + 1] = np.argmax(self.output.net(state), axis=1)
        return previous

    # -- backward ----------------------------------------------------------------------------

    def backward(self, grad_out: Array, cache: tuple, is_delta: bool = False
                 ) -> tuple[Array, list[Array]]:
        """(dE/dsource: zeros, symbols have no slope; grads in ``parameters()`` order).
        ``is_delta``: ``grad_out`` is already dE/dnet of the softmax (fused with the
        cross-entropy)."""
        enc, dec, flat, net, probabilities, _ = cache
        grad = np.asarray(grad_out, dtype=self.dtype).reshape(flat.shape[0], self.vocabulary)
        delta = grad if is_delta else self.output.activation.backward(net, probabilities, grad)
        grad_W, grad_b = flat.T @ delta, delta.sum(axis=0)
        n, steps = enc[0].shape[:2]
        grad_hidden = (delta @ self.output.weights.T).reshape(n, steps, self.units)
        _, grad_state, dec_grads = self.decoder.backward_through_time(grad_hidden, dec)
        _, enc_grads = self.encoder.backward(grad_state, enc)
        return np.zeros((n, steps), self.dtype), [*enc_grads, *dec_grads, grad_W, grad_b]

    # -- for the canvas ----------------------------------------------------------------------

    def handover(self, x: Array) -> Handover:
        """One sample (a row of symbols) decoded greedily, every state kept."""
        source = check_symbols(np.reshape(x, (1, -1)), self.vocabulary)
        probabilities, (enc, dec, *_, previous) = self.forward(source)
        return Handover(source[0], enc[2][0, 1:], dec[2][0, 1:], previous[0],
                        probabilities[0], probabilities[0].argmax(axis=-1))

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "units": self.units, "vocabulary": self.vocabulary}

    def copy(self) -> EncoderDecoder:
        twin = EncoderDecoder(self.vocabulary, self.units, seed=0, dtype=self.dtype)
        for mine, theirs in zip(twin.parameters(), self.parameters(), strict=True):
            mine[...] = theirs
        return twin
