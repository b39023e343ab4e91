"""The command line's step-by-step text for recurrent networks: what ``nnsim forward`` and
``nnsim step --backward`` print when the network reads a sequence instead of a row.

A SimpleRNN is written out one time step at a time (its input, its hidden state, and with
the backward pass the size of what backpropagation through time brings back to the step); an
encoder-decoder as the encoder's states, the state handed over and what the decoder writes
against the target. The numbers come from ``core.tracing.unroll`` and
``EncoderDecoder.handover``; this module only words them.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.formatting import number
from nnsim.core.network import Network
from nnsim.core.seq2seq import EncoderDecoder
from nnsim.core.sequences import sequence_text
from nnsim.core.tracing import unroll

Array = np.ndarray


def _vector(values: Array, precision: int) -> str:
    return "[" + ", ".join(number(v, precision) for v in np.ravel(values)) + "]"


def recurrent_steps(network: Network, x: Array, target: Array | float | None, loss: str,
                    precision: int = 3, backward: bool = False) -> list[str]:
    """Lines for a network whose first layer is a SimpleRNN or an encoder-decoder."""
    first = network.layers[0]
    if isinstance(first, EncoderDecoder):
        if backward:
            raise ValueError("an encoder-decoder's backward pass is not printed step by step")
        return _handover_lines(first, x, target, precision)
    target_row = 0.0 if target is None else target
    unrolled = unroll(network, np.asarray(x, dtype=float), target_row, loss)
    lines = ["h_t = tanh(x_t W + h_(t-1) U + b), h_0 = 0"]
    for t, (x_t, h_t) in enumerate(zip(unrolled.inputs, unrolled.states, strict=True), 1):
        lines.append(f"step {t}: x_{t} = {_vector(x_t, precision)}, h_{t} = "
                     f"{_vector(h_t, precision)}")
    output = _vector(unrolled.output, precision)
    lines.append(f"output after the last step: {output}" +
                 ("" if target is None else f" (target {_vector(np.atleast_1d(target), 0)})"))
    if backward:
        if target is None:
            raise ValueError("--backward needs --target T (the sequence's label)")
        lines.append(f"backward through time, loss {loss}: |dE/dnet_t| per step, from the "
                     "last step back")
        steps = len(unrolled.states)
        for t in range(steps, 0, -1):
            lines.append(f"step {t}: |delta_{t}| = "
                         f"{number(unrolled.gradient_sizes[t - 1], precision)}")
    return lines


def _handover_lines(layer: EncoderDecoder, x: Array, target: Array | float | None,
                    precision: int) -> list[str]:
    end = layer.vocabulary - 1  # the vocabulary's last symbol ends a sequence
    shown = layer.handover(x)
    lines = [f"encoder reads {sequence_text(shown.source, end)}"]
    for t, state in enumerate(shown.encoder_states, 1):
        lines.append(f"encoder step {t}: h_{t} = {_vector(state, precision)}")
    lines.append(f"handed to the decoder: h_{len(shown.source)} = "
                 f"{_vector(shown.handed_over, precision)}")
    start = layer.vocabulary
    for t, (read, wrote) in enumerate(zip(shown.decoder_inputs, shown.decoded, strict=True), 1):
        name = "start" if read == start else ("." if read == end else str(int(read)))
        lines.append(f"decoder step {t}: reads {name}, writes "
                     f"{sequence_text([wrote], end)} (p = "
                     f"{number(shown.probabilities[t - 1, wrote], precision)})")
    text = f"decoded {sequence_text(shown.decoded, end)}"
    if target is not None:
        target = np.asarray(target).astype(int)
        verdict = "right" if np.array_equal(target, shown.decoded) else "wrong"
        text += f", target {sequence_text(target, end)}: {verdict}"
    return [*lines, text]
