"""The forward and backward pass written out as the lecture writes it, one line per step.

Pure text from a ForwardTrace or BackwardTrace: the stepper panel and ``nnsim step`` /
``nnsim forward`` show these lines, so both say exactly the same thing. The canvas's hover
texts are written here too (``describe_neuron``, ``describe_edge``), from a Snapshot's numbers:
the view only places them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnsim.core.formatting import number, truncate
from nnsim.core.traces import BackwardTrace, ForwardTrace

Weights = Sequence[tuple[np.ndarray, np.ndarray | None]]

SYMBOLS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu",
           "elu": "elu", "step": "step", "linear": "linear", "softmax": "softmax"}


def neuron_names(sizes: Sequence[int], classes: Sequence[str] | None = None
                 ) -> list[list[str]]:
    """Labels per layer: x1.. for inputs, h1.. for one hidden layer (h1_1.. for several), o1..
    for outputs, or the class each output stands for when ``classes`` names them ("0".."9")."""
    hidden = len(sizes) - 2
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    for layer in range(1, len(sizes) - 1):
        prefix = "h" if hidden == 1 else f"h{layer}_"
        names.append([f"{prefix}{j + 1}" for j in range(sizes[layer])])
    if classes is not None and len(classes) == sizes[-1] > 1:
        names.append([str(name) for name in classes])
    else:
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
        text = (f"prediction {number(value, precision)}, thresholded at {threshold:g}: "
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
            if back.dout_dnet is None and trace.loss_name == "categorical_crossentropy":
                text = (f"delta {name} = dE/dnet = {n(back.delta[j])} (softmax with "
                        f"cross-entropy: out - target = {n(fwd.out[j])} - "
                        f"{n(trace.target[j])})")
            elif back.dout_dnet is None:
                text = (f"delta {name} = dE/dnet = {n(back.delta[j])} (softmax: every output "
                        f"depends on every net, so dE/dnet sums dE/dout x dout/dnet over all "
                        f"outputs; here dE/dout = {n(back.dE_dout[j])})")
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
                if len(weights) > 1:
                    terms = f"({terms})"
                text = (f"delta {name} = {fwd.activation}'(net) x sum(w x delta) = "
                        f"{n(back.dout_dnet[j])} x {terms} = {n(back.delta[j])}")
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


def chain_rule_lines(trace: BackwardTrace, step: Step, precision: int = 3) -> list[str]:
    """Which factor of the chain rule each number of a backward ``step`` is, with its value.

    dE/dw = dE/dout * dout/dnet * dnet/dw: ``delta`` is the first two factors (dE/dnet) and
    dnet/dw is the input the weight multiplies, so each gradient is written as that product.
    Forward steps have no chain rule and give an empty list.
    """
    def n(value: float) -> str:
        return number(value, precision)

    if step.phase == "loss":
        return [f"E = {trace.loss_name}(out, target): the number each update makes smaller"]
    if step.phase == "result" and step.text.startswith("loss before"):
        return [f"one step of w <- w - eta x dE/dw changed E by {n(trace.loss_after - trace.loss)}"]
    if step.phase not in ("delta", "gradient", "update") or step.neuron is None:
        return []
    forward = trace.forward
    sizes = [len(forward.x)] + [len(layer.out) for layer in forward.layers]
    names = neuron_names(sizes)
    back, fwd = trace.layers[step.layer - 1], forward.layers[step.layer - 1]
    j, name = step.neuron, names[step.layer][step.neuron]
    hidden = step.layer < len(trace.layers)
    if step.phase == "update":
        return [f"w <- w - eta x dE/dw: with eta = {n(trace.learning_rate)} each weight of "
                f"{name} moves a small step against its gradient, downhill on E"]
    if step.phase == "delta":
        if back.dout_dnet is None:
            return [f"dE/dnet = delta = {n(back.delta[j])}: softmax's outputs depend on every "
                    "net, so dE/dout and dout/dnet are taken together"]
        source = ("sum(w x delta) over the neurons it feeds: the error flowing back"
                  if hidden else f"{trace.loss_name}'(out): how E changes with this output")
        return [f"dE/dout = {n(back.dE_dout[j])}: {source}",
                f"dout/dnet = {n(back.dout_dnet[j])}: {fwd.activation}'(net), the slope of "
                f"{fwd.activation} at net = {n(fwd.net[j])}",
                f"dE/dnet = delta = dE/dout x dout/dnet = {n(back.delta[j])}"]
    if back.dout_dnet is None:
        first, values = "dE/dnet", f"{n(back.delta[j])}"
    else:
        first = "dE/dout x dout/dnet"
        values = f"{n(back.dE_dout[j])} x {n(back.dout_dnet[j])}"
    lines = [f"dE/dw({src}->{name}) = {first} x dnet/dw = {values} x {n(x)} = "
             f"{n(back.weight_gradient[i, j])}"
             for i, (src, x) in enumerate(zip(names[step.layer - 1], fwd.input, strict=True))]
    if back.bias_gradient is not None:
        lines.append(f"dE/db({name}) = {first} x dnet/db = {values} x 1 = "
                     f"{n(back.bias_gradient[j])}")
    return [*lines, "dnet/dw = the input the weight multiplies (1 for the bias)"]


def full_values(step: Step, forward: ForwardTrace,
                backward: BackwardTrace | None = None) -> list[tuple[str, float]]:
    """Every number of ``step`` at full precision, labelled: tooltips beside truncated text."""
    sizes = [len(forward.x)] + [len(layer.out) for layer in forward.layers]
    names = neuron_names(sizes)
    if step.phase == "forward" and step.neuron is None:
        return [(name, float(v)) for name, v in zip(names[0], forward.x, strict=True)]
    if step.phase == "result" and step.text.startswith("prediction"):
        return [(f"out {name}", float(v)) for name, v in zip(names[-1], forward.output,
                                                              strict=True)]
    if step.phase == "forward":
        fwd, j = forward.layers[step.layer - 1], step.neuron
        values = [(f"w({src})", float(w)) for src, w in zip(names[step.layer - 1],
                                                           fwd.weights[:, j], strict=True)]
        if fwd.bias is not None:
            values.append(("b", float(fwd.bias[j])))
        return [*values, ("net", float(fwd.net[j])), ("out", float(fwd.out[j]))]
    if backward is None:
        return []
    if step.phase == "loss":
        return [("E", backward.loss)]
    if step.phase == "result":
        return [("E before", backward.loss), ("E after", backward.loss_after)]
    back, fwd, j = backward.layers[step.layer - 1], forward.layers[step.layer - 1], step.neuron
    sources = names[step.layer - 1]
    if step.phase == "delta":
        values = [("dE/dout", float(back.dE_dout[j]))]
        if back.dout_dnet is not None:
            values.append(("dout/dnet", float(back.dout_dnet[j])))
        return [*values, ("delta", float(back.delta[j]))]
    if step.phase == "gradient":
        values = [(f"dE/dw({src})", float(g)) for src, g in zip(sources,
                                                               back.weight_gradient[:, j],
                                                               strict=True)]
        if back.bias_gradient is not None:
            values.append(("dE/db", float(back.bias_gradient[j])))
        return values
    values = [(f"new w({src})", float(w)) for src, w in zip(sources, back.new_weights[:, j],
                                                           strict=True)]
    if back.new_bias is not None:
        values.append(("new b", float(back.new_bias[j])))
    return values


# -- hover texts: one neuron's or one edge's numbers from a snapshot ---------------------------

def short_number(value: float) -> str:
    """The lecture's 3 truncated decimals, or scientific notation for tiny values."""
    value = float(value)
    return number(value, 3) if value == 0 or abs(value) >= 1e-3 else f"{value:.2e}"


@dataclass(frozen=True)
class NeuronSum:
    """One neuron's forward step: net = sum_i x_i w_i + b, and out = f(net) of the same pass."""

    inputs: np.ndarray      # x_i: the previous layer's outputs
    weights: np.ndarray     # w_i: the column of W into this neuron
    bias: float | None
    net: float
    out: float

    @property
    def terms(self) -> np.ndarray:
        """x_i * w_i, the products the sum adds up."""
        return self.inputs * self.weights


def neuron_sum(weights: Weights, outputs: Sequence[np.ndarray], layer: int,
               neuron: int) -> NeuronSum:
    """Neuron ``neuron`` of ``layer`` (1 = first Dense layer) for one sample.

    ``outputs`` are every layer's outputs for that sample, input first (Snapshot.activations):
    net is the weighted sum of the layer's input, out the output the same pass gave. Both come
    from here so a hover formula can never show an out that is not f(its net).
    """
    w, b = weights[layer - 1]
    x = np.asarray(outputs[layer - 1], dtype=float).ravel()
    column = np.asarray(w, dtype=float)[:, neuron]
    bias = None if b is None else float(b[neuron])
    net = float(x @ column + (0.0 if bias is None else bias))
    out = float(np.asarray(outputs[layer]).ravel()[neuron])
    return NeuronSum(x, column, bias, net, out)


def describe_neuron(names: Sequence[Sequence[str]], activations: Sequence[str],
                    weights: Weights | None, outputs: Sequence[np.ndarray] | None, layer: int,
                    neuron: int, image_shape: tuple[int, int] | None = None) -> str:
    """The hover text: out = f(sum w*x + b) with the sample's numbers (largest terms only).

    ``neuron`` -1 is the layer's "+1" bias node; ``image_shape`` names an input's pixel.
    """
    if neuron < 0:
        return f"+1: the constant bias input of layer {layer + 1};\nits edges are the biases b"
    name = names[layer][neuron]
    if outputs is None or weights is None:
        return f"{name}: no values yet"
    if layer == 0:
        where = ""
        if image_shape is not None:
            row, column = divmod(neuron, image_shape[1])
            where = f" (pixel row {row + 1}, column {column + 1})"
        return f"{name} = {short_number(np.asarray(outputs[0]).ravel()[neuron])}  input{where}"
    step = neuron_sum(weights, outputs, layer, neuron)
    x, w, terms = step.inputs, step.weights, step.terms
    shown = np.arange(len(x)) if len(x) <= 6 else np.sort(np.argsort(-np.abs(terms))[:5])
    parts = [f"({short_number(x[i])} x {short_number(w[i])})" for i in shown]
    if len(shown) < len(x):
        parts.append(f"... ({len(x) - len(shown)} smaller terms)")
    if step.bias is not None:
        parts.append(f"(1 x {short_number(step.bias)})")
    lines = [" + ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)]
    function, net, out = activations[layer - 1], short_number(step.net), short_number(step.out)
    result = (f"out = softmax of the layer's nets = {out}" if function == "softmax"
              else f"out = {function}(net) = {function}({net}) = {out}")
    return "\n".join([name, "net = " + "\n    + ".join(lines), f"    = {net}", result])


def describe_edge(names: Sequence[Sequence[str]], weights: Weights | None, layer: int,
                  source: int, target: int, gradients: Weights | None = None) -> str:
    """The hover text of an edge (``source`` -1 = the bias): its weight and last dE/dw."""
    start = "+1" if source < 0 else names[layer - 1][source]
    lines = [f"{'bias' if source < 0 else 'weight'} {start} → {names[layer][target]}"]
    for label, arrays in (("w", weights), ("last gradient dE/dw", gradients)):
        if arrays:
            w, b = arrays[layer - 1]
            value = b[target] if source < 0 else w[source, target]
            lines.append(f"{label} = {short_number(value)}")
    if not gradients:
        lines.append("no gradient yet")
    return "\n".join(lines)
