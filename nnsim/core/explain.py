"""The forward and backward pass written out as the lecture writes it, one line per step.

Pure text from a ForwardTrace or BackwardTrace: the stepper panel and ``nnsim step`` /
``nnsim forward`` show these lines, so both say exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnsim.core.formatting import number, truncate
from nnsim.core.traces import BackwardTrace, ForwardTrace

SYMBOLS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu",
           "elu": "elu", "step": "step", "linear": "linear", "softmax": "softmax"}


def neuron_names(sizes: Sequence[int]) -> list[list[str]]:
    """Labels per layer: x1.. for inputs, h1.. for one hidden layer (h1_1.. for several), o1..."""
    hidden = len(sizes) - 2
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    for layer in range(1, len(sizes) - 1):
        prefix = "h" if hidden == 1 else f"h{layer}_"
        names.append([f"{prefix}{j + 1}" for j in range(sizes[layer])])
    names.append([f"o{j + 1}" for j in range(sizes[-1])] if sizes[-1] > 1 else ["out"])
    return names


@dataclass(frozen=True)
class Step:
    """One step of the stepper: which neuron (layer 1.. = first Dense layer, 0 = inputs) and
    its text. ``phase`` is "forward", "loss", "delta", "gradient", "update" or "result"."""

    phase: str
    layer: int
    neuron: int | None
    text: str


def forward_steps(trace: ForwardTrace, precision: int = 3, threshold: float = 0.5,
                  target: float | None = None) -> list[Step]:
    """One step per neuron: the weighted sum with its numbers, then f(net) = out."""
    def n(value: float) -> str:
        return number(value, precision)

    sizes = [len(trace.x)] + [len(layer.out) for layer in trace.layers]
    names = neuron_names(sizes)
    steps = [Step("forward", 0, None, "input: " + ", ".join(
        f"{name} = {n(v)}" for name, v in zip(names[0], trace.x, strict=True)) + ", +1 (bias)")]
    for index, layer in enumerate(trace.layers, start=1):
        for j in range(len(layer.out)):
            terms = [f"({n(x)} x {n(w)})" for x, w in zip(layer.input, layer.weights[:, j],
                                                           strict=True)]
            if layer.bias is not None:
                terms.append(f"(1 x {n(layer.bias[j])})")
            function = SYMBOLS[layer.activation]
            text = (f"{names[index][j]} = {function}({' + '.join(terms)}) = "
                    f"{function}({n(layer.net[j])}) = {n(layer.out[j])}")
            if layer.activation == "softmax":
                text = (f"{names[index][j]}: net = {' + '.join(terms)} = {n(layer.net[j])}; "
                        f"softmax gives {n(layer.out[j])}")
            steps.append(Step("forward", index, j, text))
    steps.append(Step("result", len(trace.layers), None,
                      prediction_text(trace.output, precision, threshold, target)))
    return steps


def prediction_text(output: np.ndarray, precision: int = 3, threshold: float = 0.5,
                    target: float | None = None) -> str:
    """"prediction 0.506, thresholded at 0.5: class 1 (target 1: right)"."""
    if len(output) == 1:
        value = float(output[0])
        label = int(value >= threshold)
        text = (f"prediction {truncate(value, precision)}, thresholded at {threshold:g}: "
                f"class {label}")
    else:
        label = int(np.argmax(output))
        text = (f"prediction: class {label} (largest output, "
                f"{truncate(float(output[label]), precision)})")
    if target is not None:
        verdict = "right" if label == int(target) else "wrong"
        text += f" (target {int(target)}: {verdict})"
    return text


def backward_steps(trace: BackwardTrace, precision: int = 3) -> list[Step]:
    """The chain rule with the numbers: loss, deltas from the output back, gradients, updates."""
    def n(value: float) -> str:
        return number(value, precision)

    forward = trace.forward
    sizes = [len(forward.x)] + [len(layer.out) for layer in forward.layers]
    names = neuron_names(sizes)
    last = len(trace.layers)
    targets = ", ".join(n(t) for t in trace.target)
    steps = [Step("loss", last, None,
                  f"loss E = {trace.loss_name}(out, target = [{targets}]) = {n(trace.loss)}")]
    for index in range(last, 0, -1):
        back, fwd = trace.layers[index - 1], forward.layers[index - 1]
        for j in range(len(back.delta)):
            name = names[index][j]
            if back.dout_dnet is None:
                text = (f"delta {name} = dE/dnet = {n(back.delta[j])} (softmax with "
                        f"cross-entropy: out - target = {n(fwd.out[j])} - "
                        f"{n(trace.target[j])})")
            elif index == last:
                factors = f"{n(back.dE_dout[j])} x {n(back.dout_dnet[j])}"
                if trace.loss_name == "sse" and fwd.activation == "sigmoid":
                    out, t = n(fwd.out[j]), n(trace.target[j])
                    factors = f"({out} - {t}) x {out} x (1 - {out}) = {factors}"
                text = (f"delta {name} = dE/dout x dout/dnet = {factors} = {n(back.delta[j])}"
                        f"   [dE/dout = {trace.loss_name}'(out); dout/dnet = "
                        f"{fwd.activation}'(net)]")
            else:
                above = trace.layers[index]
                weights = forward.layers[index].weights[j]
                terms = " + ".join(f"({n(w)} x {n(d)})" for w, d in zip(weights, above.delta,
                                                                         strict=True))
                text = (f"delta {name} = {fwd.activation}'(net) x sum(w x delta) = "
                        f"{n(back.dout_dnet[j])} x ({terms}) = {n(back.delta[j])}")
            steps.append(Step("delta", index, j, text))
    for index in range(last, 0, -1):
        back, fwd = trace.layers[index - 1], forward.layers[index - 1]
        sources = names[index - 1]
        for j in range(len(back.delta)):
            parts = [f"dE/dw({src}->{names[index][j]}) = delta x input = {n(back.delta[j])} x "
                     f"{n(x)} = {n(back.weight_gradient[i, j])}"
                     for i, (src, x) in enumerate(zip(sources, fwd.input, strict=True))]
            if back.bias_gradient is not None:
                parts.append(f"dE/db({names[index][j]}) = delta x 1 = {n(back.bias_gradient[j])}")
            steps.append(Step("gradient", index, j, "; ".join(parts)))
    rate = n(trace.learning_rate)
    for index in range(last, 0, -1):
        back, fwd = trace.layers[index - 1], forward.layers[index - 1]
        for j in range(len(back.delta)):
            parts = [f"w({src}->{names[index][j]}) = {n(fwd.weights[i, j])} - {rate} x "
                     f"{n(back.weight_gradient[i, j])} = {n(back.new_weights[i, j])}"
                     for i, src in enumerate(names[index - 1])]
            if back.new_bias is not None:
                parts.append(f"b({names[index][j]}) = {n(fwd.bias[j])} - {rate} x "
                             f"{n(back.bias_gradient[j])} = {n(back.new_bias[j])}")
            steps.append(Step("update", index, j, "; ".join(parts)))
    steps.append(Step("result", last, None,
                      f"loss before the update {n(trace.loss)}, after {n(trace.loss_after)}"))
    return steps
