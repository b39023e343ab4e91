"""One sample's forward and backward pass with every factor kept, for the stepper and CLI.

Dense layers record the chain rule factor by factor (dE/dout, f'(net), delta); a layer of
another kind records its input, output, parameters and their gradients, so a trace walks
through every kind a ``Network`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nnsim.core.layers import Dense
from nnsim.core.losses import get_loss
from nnsim.core.stack import backward as layer_backward
from nnsim.core.stack import forward as layer_forward
from nnsim.core.stack import output_gradient, pre_activation
from nnsim.core.traces import BackwardTrace, ForwardTrace, LayerBackward, LayerForward, as_row

if TYPE_CHECKING:
    from nnsim.core.network import Network

Array = np.ndarray


def forward_trace(network: Network, x: Array) -> ForwardTrace:
    """Every layer's input, weighted sum (net) and output for one sample."""
    row = network._as_inputs(as_row(x))
    out = row.reshape((1, *network.input_shape))
    layers = []
    for layer in network.layers:
        given = out
        out, cache = layer_forward(layer, given)
        net = pre_activation(layer, out, cache)
        if isinstance(layer, Dense):
            layers.append(LayerForward(
                input=given[0].copy(), weights=layer.weights.copy(),
                bias=None if layer.bias is None else layer.bias.copy(), net=net[0].copy(),
                out=out[0].copy(), activation=layer.activation.name))
            continue
        params = tuple(p.copy() for p in layer.parameters())
        activation = getattr(layer, "activation", None)
        layers.append(LayerForward(
            input=given[0].copy(), weights=params[0] if params else np.empty(0),
            bias=params[1] if len(params) > 1 else None, net=np.array(net[0]),
            out=np.array(out[0]), activation=activation.name if activation else "none",
            kind=layer.kind, parameters=params))
    return ForwardTrace(x=row[0].copy(), layers=tuple(layers))


def backward_trace(network: Network, x: Array, target: Array | float, loss: str = "sse",
                   learning_rate: float = 0.1) -> BackwardTrace:
    """The chain rule for one sample, every factor kept, and the SGD step it implies."""
    forward = forward_trace(network, x)
    loss_fn = get_loss(loss)
    target = np.atleast_1d(np.asarray(target))
    if target.ndim == 1 and target.size == network.n_outputs > 1:
        target = target[np.newaxis]  # one row of targets, not n_out class labels
    T = network.as_targets(target, 1)
    out = forward.layers[-1].out.reshape(1, -1)  # per-step outputs as one row
    grad, is_delta = output_gradient(network.layers[-1], forward.layers[-1].out[np.newaxis],
                                     T, loss_fn)
    dE_dout = loss_fn.gradient(out, T).reshape(grad.shape) if is_delta else grad
    records: list[LayerBackward] = [None] * len(network.layers)  # type: ignore[list-item]
    for i in range(len(network.layers) - 1, -1, -1):
        layer, record = network.layers[i], forward.layers[i]
        if isinstance(layer, Dense):
            act = layer.activation
            delta = grad if is_delta else act.backward(record.net[np.newaxis],
                                                       record.out[np.newaxis], grad)
            dout_dnet = (act.derivative(record.net, record.out)
                         if act.elementwise and act.derivative is not None else None)
            dW = np.outer(record.input, delta[0])
            db = None if layer.bias is None else delta[0].copy()
            records[i] = LayerBackward(
                dE_dout=dE_dout[0].copy(), dout_dnet=dout_dnet, delta=delta[0].copy(),
                weight_gradient=dW, bias_gradient=db,
                new_weights=layer.weights - learning_rate * dW,
                new_bias=None if db is None else layer.bias - learning_rate * db)
            grad = np.dot(delta, layer.weights.T)
        else:
            cache = layer_forward(layer, record.input[np.newaxis])[1]
            below, grads = layer_backward(layer, grad, cache, is_delta=is_delta)
            params = layer.parameters()
            new = [p - learning_rate * g for p, g in zip(params, grads, strict=True)]
            records[i] = LayerBackward(
                dE_dout=np.array(dE_dout[0]), dout_dnet=None, delta=np.array(grad[0]),
                weight_gradient=grads[0] if grads else np.empty(0),
                bias_gradient=grads[1] if len(grads) > 1 else None,
                new_weights=new[0] if new else np.empty(0),
                new_bias=new[1] if len(new) > 1 else None, gradients=tuple(grads),
                kind=layer.kind)
            grad = below
        dE_dout, is_delta = grad, False
    updated = network.copy()
    updated.set_weights([(r.new_weights, r.new_bias) if isinstance(layer, Dense)
                         else tuple(p - learning_rate * g for p, g
                                    in zip(layer.parameters(), r.gradients, strict=True))
                         for layer, r in zip(network.layers, records, strict=True)])
    return BackwardTrace(
        forward=forward, target=T[0].copy(), loss_name=loss, learning_rate=learning_rate,
        loss=loss_fn.value(out, T), layers=tuple(records),
        loss_after=loss_fn.value(updated.predict(forward.x), T))


@dataclass(frozen=True)
class Unrolled:
    """One sample through a recurrent network, step by step: what the unrolled view draws.

    ``inputs`` (T, features); ``states`` (T, units) the hidden state after each step;
    ``output`` the network's output; ``deltas`` (T, units) dE/dnet_t, what backpropagation
    through time brings back to each step; ``gradient_sizes`` (T,) their lengths (the
    vanishing gradient)."""

    inputs: Array
    states: Array
    output: Array
    target: Array
    deltas: Array
    gradient_sizes: Array


def unroll(network: Network, x: Array, target: Array | float, loss: str) -> Unrolled:
    """The first SimpleRNN of ``network`` unrolled over one sample ``x``, with BPTT's
    gradient size per step for ``target`` under ``loss``."""
    from nnsim.core.rnn import SimpleRNN
    from nnsim.core.stack import chain_forward

    index = next(i for i, layer in enumerate(network.layers) if isinstance(layer, SimpleRNN))
    rows = network._as_inputs(as_row(x))
    outs, caches = chain_forward(network.layers, rows.reshape((1, *network.input_shape)))
    loss_fn = get_loss(loss)
    T = network.as_targets(np.atleast_1d(np.asarray(target)), 1)
    grad, is_delta = output_gradient(network.layers[-1], outs[-1], T, loss_fn)
    for j in range(len(network.layers) - 1, index, -1):
        grad, _ = layer_backward(network.layers[j], grad, caches[j],
                                 is_delta=is_delta and j == len(network.layers) - 1)
    rnn = network.layers[index]
    cache = caches[index]
    deltas = rnn.step_deltas(grad, cache)
    return Unrolled(inputs=np.array(cache[0][0]), states=np.array(cache[2][0, 1:]),
                    output=np.array(outs[-1][0]), target=T[0].copy(), deltas=deltas[0].copy(),
                    gradient_sizes=np.linalg.norm(deltas[0], axis=1))
