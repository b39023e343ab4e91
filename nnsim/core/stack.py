"""Layers of every kind in one stack: shapes, the general forward and backward pass, specs.

A network of Dense layers alone keeps ``Network``'s fused hot path; once it holds a Conv2D,
MaxPooling2D, Flatten, RBF or a mixture of experts, each layer's ``forward -> (out, cache)``
and ``backward(grad_out, cache) -> (grad_in, grads)`` (docs/DESIGN.md, "Layers beyond Dense")
are chained here. A Dense layer joins that chain through the two functions below, so each
piece of maths still has one implementation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nnsim.core.conv import Conv2D, Flatten, MaxPooling2D
from nnsim.core.experts import MixtureOfExperts
from nnsim.core.layers import Dense
from nnsim.core.rbf import RBF
from nnsim.core.rnn import SimpleRNN
from nnsim.core.seq2seq import EncoderDecoder

Array = np.ndarray
Shape = tuple[int, ...]
#: The layer kinds a lesson or session may name; "dense" is the default.
KINDS = ("dense", "conv2d", "max_pooling2d", "flatten", "rbf", "experts", "simple_rnn",
         "time_distributed", "seq2seq")
Layer = Dense | Conv2D | MaxPooling2D | Flatten | RBF | MixtureOfExperts | SimpleRNN | \
    EncoderDecoder


class TimeDistributed:
    """Keras's TimeDistributed(Dense): one Dense layer applied to every time step of
    (N, T, features) input, e.g. after a SimpleRNN with return_sequences; the per-step
    outputs of a many-to-many network. The steps are stacked into one batch, so it is the
    Dense layer's own maths, one matrix product for all steps."""

    kind = "time_distributed"

    def __init__(self, layer: Dense) -> None:
        self.layer = layer

    @property
    def dtype(self) -> np.dtype:
        return self.layer.dtype

    def parameters(self) -> list[Array]:
        return parameters_of(self.layer)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        self.layer.initialize(seed)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int]:
        if len(input_shape) != 2:
            raise ValueError(f"TimeDistributed needs (time steps, features) per sample, got "
                             f"{tuple(input_shape)}; put it after a SimpleRNN with "
                             "return_sequences = true")
        steps, features = input_shape
        if features != self.layer.n_in:
            raise ValueError(f"its Dense layer expects {self.layer.n_in} features per step, "
                             f"got {features}")
        return (steps, self.layer.n_out)

    def forward(self, x: Array) -> tuple[Array, tuple]:
        n, steps, features = np.shape(x)
        out, cache = forward(self.layer, np.reshape(x, (n * steps, features)))
        return out.reshape(n, steps, -1), (cache, n, steps)

    @property
    def output_activation(self) -> str:
        return self.layer.activation.name

    def backward(self, grad_out: Array, cache: tuple, is_delta: bool = False
                 ) -> tuple[Array, list[Array]]:
        inner, n, steps = cache
        grad_in, grads = backward(self.layer, np.reshape(grad_out, (n * steps, -1)), inner,
                                  is_delta=is_delta)
        return grad_in.reshape(n, steps, -1), grads  # type: ignore[union-attr]

    def spec(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.layer.spec()}

    def copy(self) -> TimeDistributed:
        return TimeDistributed(self.layer.copy())


def kind_of(layer: Any) -> str:
    """The layer's kind as lessons and sessions spell it."""
    return "dense" if isinstance(layer, Dense) else layer.kind


def parameters_of(layer: Any) -> list[Array]:
    """The live arrays the optimiser updates, in the order ``backward`` returns grads."""
    if isinstance(layer, Dense):
        return [layer.weights] if layer.bias is None else [layer.weights, layer.bias]
    return layer.parameters()


def output_shapes(layers: Sequence[Any], input_shape: Shape) -> list[Shape]:
    """Each layer's output shape (per sample), walking from ``input_shape``; a layer that
    cannot take what the one before gives raises ValueError naming both."""
    shapes, shape = [], tuple(int(s) for s in input_shape)
    for index, layer in enumerate(layers):
        before = "the input" if index == 0 else f"layer {index} ({kind_of(layers[index - 1])})"
        try:
            shape = output_shape_of(layer, shape)
        except ValueError as error:
            raise ValueError(f"layer {index + 1} ({kind_of(layer)}) cannot follow {before} "
                             f"of shape {shape}: {error}") from None
        shapes.append(shape)
    return shapes


def output_shape_of(layer: Any, shape: Shape) -> Shape:
    if isinstance(layer, Dense):
        if len(shape) != 1:
            raise ValueError(f"a Dense layer needs a row of numbers; put Flatten before it "
                             f"to turn the {'x'.join(map(str, shape))} maps into one")
        if shape[0] != layer.n_in:
            raise ValueError(f"it expects {layer.n_in} inputs")
        return (layer.n_out,)
    return tuple(layer.output_shape(shape))


def forward(layer: Any, x: Array) -> tuple[Array, tuple]:
    """(out, cache) of any layer; a Dense layer's cache is (input, net, out)."""
    if isinstance(layer, Dense):
        net = layer.net(x)
        out = layer.activation.function(net)
        return out, (x, net, out)
    return layer.forward(x)


def backward(layer: Any, grad_out: Array, cache: tuple, *, is_delta: bool = False,
             need_input: bool = True) -> tuple[Array | None, list[Array]]:
    """(dE/dinput, grads in ``parameters_of`` order). ``is_delta``: ``grad_out`` is already
    dE/dnet of a Dense layer (a fused softmax or sigmoid output delta). Without
    ``need_input`` (the first layer) a Conv2D skips dE/dinput and gives None."""
    if isinstance(layer, Conv2D):
        return layer.backward(grad_out, cache, need_input)
    if isinstance(layer, Dense):
        x, net, out = cache
        delta = grad_out if is_delta else layer.activation.backward(net, out, grad_out)
        grads = [np.dot(x.T, delta)]
        if layer.bias is not None:
            grads.append(np.add.reduce(delta, axis=0))
        return np.dot(delta, layer.weights.T), grads
    if is_delta:
        return layer.backward(grad_out, cache, is_delta=True)
    return layer.backward(grad_out, cache)


def chain_forward(layers: Sequence[Any], x: Array, targets: Array | None = None
                  ) -> tuple[list[Array], list[tuple]]:
    """Every layer's output and cache for inputs already in the first layer's shape.
    ``targets`` (training) reach a last layer that is ``teacher_forced`` (the decoder of an
    encoder-decoder reads the true previous symbols); without them it decodes greedily."""
    outs, caches = [], []
    for index, layer in enumerate(layers):
        if targets is not None and index == len(layers) - 1 and \
                getattr(layer, "teacher_forced", False):
            x, cache = layer.forward(x, targets)
        else:
            x, cache = forward(layer, x)
        outs.append(x)
        caches.append(cache)
    return outs, caches


def output_activation_of(layer: Any) -> str | None:
    """The activation that makes the layer's output (a Dense layer's, a TimeDistributed
    Dense's, an encoder-decoder's softmax), or None when its output is not one."""
    if isinstance(layer, Dense):
        return layer.activation.name
    return getattr(layer, "output_activation", None)


def output_gradient(last: Any, out: Array, T: Array, loss: Any) -> tuple[Array, bool]:
    """(gradient at the last layer's output, shaped as ``out``; whether it is already the
    fused dE/dnet of a softmax or sigmoid output). Per-step outputs meet the loss as one row:
    the fused delta (out - target) / N is the same element by element either way."""
    row = out.reshape(len(out), -1)
    activation = output_activation_of(last)
    fused = None if activation is None else loss.fused_delta(activation)
    grad = fused(row, T) if fused is not None else loss.gradient(row, T)
    return grad.reshape(out.shape), fused is not None


def chain_gradients(layers: Sequence[Any], x: Array, T: Array, loss: Any
                    ) -> tuple[Array, list[list[Array]]]:
    """(outputs, grads per layer in ``parameters_of`` order) of ``loss`` against ``T``: the
    output delta fused with a softmax or sigmoid output where the loss allows, then each
    layer's backward; the first layer computes no input gradient. A teacher-forced last layer
    reads ``T`` on the way forward."""
    outs, caches = chain_forward(layers, x, T)
    grad, is_delta = output_gradient(layers[-1], outs[-1], T, loss)
    grads: list[list[Array]] = [[] for _ in layers]
    for i in range(len(layers) - 1, -1, -1):
        grad, grads[i] = backward(layers[i], grad, caches[i], need_input=i > 0,
                                  is_delta=is_delta and i == len(layers) - 1)
    return outs[-1].reshape(len(x), -1), grads


def pre_activation(layer: Any, out: Array, cache: tuple) -> Array:
    """The weighted sum where the layer has one (Dense, Conv2D; a SimpleRNN's last or every
    step's), else its output."""
    if isinstance(layer, Dense):
        return cache[1]
    if isinstance(layer, Conv2D):
        return cache[3].reshape(out.shape)
    if isinstance(layer, SimpleRNN):
        return cache[1] if layer.return_sequences else cache[1][:, -1]
    return out


def build_layer(spec: dict[str, Any], input_shape: Shape, rng: np.random.Generator,
                initializer: str = "lecture", dtype: np.dtype | type = np.float64) -> Any:
    """A fresh layer from a spec (``layer_spec``'s output or a lesson's table) that takes
    inputs of ``input_shape``."""
    kind = spec.get("kind", "dense")
    if kind == "dense":
        if len(input_shape) != 1:
            raise ValueError(f"a Dense layer needs a row of numbers, got maps of shape "
                             f"{input_shape}; put Flatten before it")
        return Dense(input_shape[0], int(spec["units"]), spec.get("activation", "sigmoid"),
                     bool(spec.get("bias", True)), alpha=spec.get("alpha"),
                     initializer=initializer, seed=rng, dtype=dtype)
    if kind == "conv2d":
        if len(input_shape) != 3:
            raise ValueError(f"a Conv2D layer needs images (height, width, channels), got "
                             f"rows of shape {input_shape}; a Conv2D cannot follow a Dense "
                             "or Flatten layer")
        return Conv2D(int(spec["filters"]), _pair(spec.get("kernel_size", 3)),
                      _pair(spec.get("strides", 1)), spec.get("padding", "valid"),
                      spec.get("activation", "relu"), in_channels=input_shape[2], seed=rng,
                      dtype=dtype)
    if kind == "max_pooling2d":
        return MaxPooling2D(_pair(spec.get("pool_size", 2)))
    if kind == "flatten":
        return Flatten()
    if kind == "rbf":
        return RBF(int(spec["units"]), float(spec.get("gamma", 1.0)),
                   in_features=_features(input_shape, "RBF"), seed=rng, dtype=dtype)
    if kind == "simple_rnn":
        if len(input_shape) != 2:
            raise ValueError(f"a SimpleRNN needs sequences (time steps, features), got "
                             f"{input_shape}")
        return SimpleRNN(int(spec["units"]), spec.get("activation", "tanh"),
                         bool(spec.get("return_sequences", False)),
                         in_features=input_shape[1], seed=rng, dtype=dtype)
    if kind == "time_distributed":
        if len(input_shape) != 2:
            raise ValueError(f"TimeDistributed needs sequences (time steps, features), got "
                             f"{input_shape}; put it after a SimpleRNN with "
                             "return_sequences = true")
        return TimeDistributed(build_layer({**spec, "kind": "dense"}, input_shape[1:], rng,
                                           initializer, dtype))
    if kind == "seq2seq":
        if len(input_shape) != 1:
            raise ValueError(f"an encoder-decoder reads a row of symbols per sample, got "
                             f"{input_shape}")
        return EncoderDecoder(int(spec["vocabulary"]), int(spec["units"]), seed=rng,
                              dtype=dtype)
    if kind == "experts":
        return MixtureOfExperts(_features(input_shape, "a mixture of experts"),
                                int(spec.get("units", 2)), seed=rng)
    raise ValueError(f"unknown layer kind {kind!r}; known: {', '.join(KINDS)}")


def _pair(value: Any) -> int | tuple[int, int]:
    return int(value) if not isinstance(value, list | tuple) else (int(value[0]), int(value[1]))


def _features(shape: Shape, what: str) -> int:
    if len(shape) != 1:
        raise ValueError(f"{what} needs a row of numbers, got maps of shape {shape}; put "
                         "Flatten before it")
    return shape[0]


def size_of(shape: Shape) -> int:
    return math.prod(shape)


def parameter_shapes(specs: Sequence[dict[str, Any]], input_shape: Shape) -> list[list[Shape]]:
    """Each layer's parameter shapes, from specs alone: what a session file must hold, known
    before any array is read or allocated (only windowed layers are built, and they are
    small). A layer that cannot take what the one before gives raises ValueError."""
    shapes, shape = [], tuple(input_shape)
    for index, spec in enumerate(specs):
        kind = spec.get("kind", "dense")
        try:
            if kind in ("conv2d", "max_pooling2d", "flatten", "simple_rnn",
                        "time_distributed", "seq2seq"):
                layer = build_layer(spec, shape, np.random.default_rng(0), dtype=np.float32)
                params = [p.shape for p in parameters_of(layer)]
                shape = output_shape_of(layer, shape)
            else:
                n_in, units = _features(shape, kind), int(spec.get("units", 2))
                params = {"dense": [(n_in, units)] + ([(units,)] if spec.get("bias", True)
                                                      else []),
                          "rbf": [(units, n_in), (units,)],
                          "experts": [(n_in, units), (units,)] * 2}[kind]
                shape = (1,) if kind == "experts" else (units,)
        except (ValueError, KeyError) as error:
            raise ValueError(f"layer {index + 1} ({kind}): {error}") from None
        shapes.append(params)
    return shapes
