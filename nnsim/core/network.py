"""A feed-forward network, trained by backpropagation.

Forward: for each layer, net = x @ W + b and out = f(net).
Backward: the output delta is dE/dnet = dE/dout * f'(net); each hidden delta is
f'(net) * (delta_next @ W_next^T); each gradient is dE/dW = input^T @ delta, dE/db = sum(delta).

Dense layers alone take the fused path below. A network that also holds Conv2D, pooling,
Flatten, RBF or a mixture of experts chains each layer's own forward and backward
(``core/stack.py``); its rows are reshaped to ``input_shape`` (e.g. 28x28x1) on the way in, so
data, targets and the training loop stay the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nnsim.core.blas_update import add_product
from nnsim.core.history import History
from nnsim.core.layers import Dense
from nnsim.core.losses import Loss, get_loss
from nnsim.core.optimizers import SGD
from nnsim.core.stack import (
    build_layer,
    chain_forward,
    chain_gradients,
    output_shape_of,
    output_shapes,
    parameters_of,
    pre_activation,
    size_of,
)
from nnsim.core.traces import BackwardTrace, ForwardTrace

Array = np.ndarray
Gradients = list[tuple[Array, Array | None]]
"""(W, b or None) per Dense layer; a layer of another kind has its own parameters' tuple."""
EpochCallback = Callable[[int, dict[str, float]], object]

#: Inputs up to this size are shuffled by one copy per epoch; larger ones batch by batch.
_SHUFFLE_COPY_BYTES = 1 << 20


class Network:
    """A stack of layers; each takes the shape the one before gives (``layers[i].n_out`` must
    equal ``layers[i + 1].n_in`` between Dense layers). ``input_shape`` is needed only when
    the first layer does not say it (e.g. (28, 28, 1) before a Conv2D)."""

    def __init__(self, layers: Sequence, input_shape: Sequence[int] | None = None) -> None:
        if not layers:
            raise ValueError("a network needs at least one layer")
        self.dense_only = all(isinstance(layer, Dense) for layer in layers)
        if self.dense_only:
            for index, (before, after) in enumerate(zip(layers, layers[1:], strict=False),
                                                    start=1):
                if before.n_out != after.n_in:
                    raise ValueError(f"layer {index} has {before.n_out} outputs but layer "
                                     f"{index + 1} expects {after.n_in} inputs")
        if input_shape is None:
            first = layers[0]
            width = getattr(first, "n_in", getattr(first, "in_features", None))
            if width is None:
                raise ValueError(f"a network starting with {type(first).__name__} needs its "
                                 "input_shape, e.g. (28, 28, 1)")
            input_shape = (width,)
        self.input_shape = tuple(int(size) for size in input_shape)
        self.layers: list = list(layers)
        self.shapes = output_shapes(self.layers, self.input_shape)
        self.stop_training = False

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_sizes(cls, sizes: Sequence[int], activations: str | Sequence[str] = "sigmoid",
                   bias: bool | Sequence[bool] = True, *, initializer: str = "lecture",
                   seed: int | None = None, dtype: type | np.dtype = np.float64) -> Network:
        """Build e.g. ``Network.from_sizes([2, 2, 1], "sigmoid", seed=1)``."""
        n_layers = len(sizes) - 1
        if n_layers < 1:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        acts = [activations] * n_layers if isinstance(activations, str) else list(activations)
        biases = [bias] * n_layers if isinstance(bias, bool) else list(bias)
        rng = np.random.default_rng(seed)
        return cls([Dense(sizes[i], sizes[i + 1], acts[i], biases[i], initializer=initializer,
                          seed=rng, dtype=dtype) for i in range(n_layers)])

    @classmethod
    def from_spec(cls, spec: dict, *, initializer: str = "lecture",
                  seed: int | np.random.Generator | None = None,
                  dtype: type | np.dtype = np.float64) -> Network:
        """The inverse of ``spec()``: {"inputs": n, "input_shape"?: [...], "layers":
        [{"units", "activation", "bias", "alpha"} or {"kind", ...}, ...]} with fresh weights
        from ``initializer``."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        shape = tuple(spec.get("input_shape") or (int(spec["inputs"]),))
        layers = []
        for layer_spec in spec["layers"]:
            layer = build_layer(layer_spec, shape, rng, initializer, dtype)
            shape = output_shape_of(layer, shape)
            layers.append(layer)
        return cls(layers, spec.get("input_shape"))

    @property
    def sizes(self) -> list[int]:
        """[inputs, values out of each layer...] (a layer's maps count every value)."""
        return [size_of(self.input_shape)] + [size_of(shape) for shape in self.shapes]

    @property
    def n_inputs(self) -> int:
        return size_of(self.input_shape)

    @property
    def n_outputs(self) -> int:
        return size_of(self.shapes[-1])

    @property
    def dtype(self) -> np.dtype:
        return next((layer.dtype for layer in self.layers if hasattr(layer, "dtype")),
                    np.dtype(np.float64))

    def initialize(self, seed: int | None = None) -> None:
        """Draw fresh weights for every layer from one seeded generator."""
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            if hasattr(layer, "initialize"):
                layer.initialize(rng)

    def copy(self) -> Network:
        """An independent copy whose weights share no memory with this one."""
        return Network([layer.copy() for layer in self.layers], self.input_shape)

    def get_weights(self) -> Gradients:
        """Copies of (weights, bias) per Dense layer, of every parameter for other kinds."""
        return [(layer.weights.copy(), None if layer.bias is None else layer.bias.copy())
                if isinstance(layer, Dense) else tuple(p.copy() for p in layer.parameters())
                for layer in self.layers]

    def set_weights(self, weights: Sequence[Sequence[Array | None]]) -> None:
        """Set (weights, bias) per layer (every parameter for other kinds), shapes checked."""
        if len(weights) != len(self.layers):
            raise ValueError(f"expected weights for {len(self.layers)} layers, "
                             f"got {len(weights)}")
        for index, (layer, values) in enumerate(zip(self.layers, weights, strict=True), 1):
            if isinstance(layer, Dense):
                layer.set_weights(*values)
                continue
            params = layer.parameters()
            if len(values) != len(params) or any(np.shape(v) != p.shape
                                                 for v, p in zip(values, params, strict=False)):
                raise ValueError(f"layer {index} ({layer.kind}) takes arrays of shapes "
                                 f"{[p.shape for p in params]}, got "
                                 f"{[np.shape(v) for v in values]}")
            for param, value in zip(params, values, strict=True):
                param[...] = value

    def parameters(self) -> list[Array]:
        """The live weight and bias arrays, in the order ``_flat_gradients`` uses."""
        return [param for layer in self.layers for param in parameters_of(layer)]

    def spec(self) -> dict:
        """The architecture as plain data."""
        spec = {"inputs": self.n_inputs, "layers": [layer.spec() for layer in self.layers]}
        if not self.dense_only:
            spec["input_shape"] = list(self.input_shape)
        return spec

    # -- forward -----------------------------------------------------------------------------

    def predict(self, X: Array) -> Array:
        """The outputs for a batch of rows (one row is also accepted)."""
        out = self._as_inputs(X)
        if not self.dense_only:
            return self._chain_forward(out)[0][-1].reshape(len(out), -1)
        for layer in self.layers:
            out = layer.activation.function(layer.net(out))
        return out

    def _chain_forward(self, X: Array) -> tuple[list[Array], list[tuple]]:
        """Every layer's output and cache, rows reshaped to ``input_shape`` first."""
        return chain_forward(self.layers, X.reshape((len(X), *self.input_shape)))

    def _chain_gradients(self, X: Array, T: Array, loss: Loss) -> tuple[Array, list[list]]:
        """(outputs, grads per layer in ``parameters_of`` order), backward through the chain."""
        return chain_gradients(self.layers, X.reshape((len(X), *self.input_shape)), T, loss)

    def _as_inputs(self, X: Array) -> Array:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X[np.newaxis, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"the network expects rows of {self.n_inputs} inputs, "
                             f"got an array of shape {X.shape}")
        return X

    def as_targets(self, Y: Array, n_samples: int) -> Array:
        """Targets as a float array (n_samples, n_outputs); class labels are one-hot encoded."""
        n_out = self.n_outputs
        Y = np.asarray(Y)
        per_step = self.shapes[-1]
        if len(per_step) == 2 and per_step[1] > 1 and Y.shape == (n_samples, per_step[0]):
            labels = Y.astype(np.int64)  # a class per time step (a decoded sequence)
            if labels.size and (labels.min() < 0 or labels.max() >= per_step[1]):
                raise ValueError(f"target symbols must be in 0..{per_step[1] - 1}, got "
                                 f"{labels.min()}..{labels.max()}")
            Y = np.eye(per_step[1], dtype=self.dtype)[labels].reshape(n_samples, n_out)
        elif Y.ndim <= 1:
            Y = Y.reshape(-1)
            if n_out > 1:
                labels = Y.astype(np.int64)
                if labels.size and (labels.min() < 0 or labels.max() >= n_out):
                    raise ValueError(f"class labels must be in 0..{n_out - 1} for "
                                     f"{n_out} outputs, got {labels.min()}..{labels.max()}")
                Y = np.eye(n_out, dtype=self.dtype)[labels]
            else:
                Y = Y.reshape(-1, 1)
        if Y.shape != (n_samples, n_out):
            raise ValueError(f"targets must have shape ({n_samples}, {n_out}) or be "
                             f"{n_samples} class labels, got shape {Y.shape}")
        return Y.astype(self.dtype, copy=False)

    def layer_outputs(self, X: Array) -> tuple[list[Array], list[Array]]:
        """(nets, outs): every layer's weighted sum and output for the rows of ``X``; what
        the truth table, the probe activations and the inspector show (for a Conv2D its
        maps before and after the activation; a layer without weights gives its output)."""
        X = self._as_inputs(X)
        if not self.dense_only:
            outs, caches = self._chain_forward(X)
            return [pre_activation(layer, out, cache) for layer, out, cache
                    in zip(self.layers, outs, caches, strict=True)], outs
        _, nets, outs = self._forward(X)
        return nets, outs

    def _forward(self, X: Array, in_place: bool = False
                 ) -> tuple[list[Array], list[Array], list[Array]]:
        """Every layer's input, net and output. With ``in_place`` (the training step) a
        function whose derivative reads only out is computed over its net, so that layer's
        "net" is its output: fine for backprop, wrong for anything that shows net."""
        inputs, nets, outs = [], [], []
        out = X
        for layer in self.layers:
            inputs.append(out)
            net = layer.net(out)
            activation = layer.activation
            if in_place and activation.in_place is not None:
                out = activation.in_place(net)
            else:
                out = activation.function(net)
            nets.append(net)
            outs.append(out)
        return inputs, nets, outs

    # -- loss and gradients ------------------------------------------------------------------

    def loss(self, X: Array, Y: Array, loss: str = "sse") -> float:
        """The named loss of the network's outputs against the targets."""
        X = self._as_inputs(X)
        return get_loss(loss).value(self.predict(X), self.as_targets(Y, len(X)))

    def gradients(self, X: Array, Y: Array, loss: str = "sse") -> Gradients:
        """(dE/dW, dE/db) per layer: the exact gradient of ``loss(X, Y, loss)``."""
        X = self._as_inputs(X)
        if not self.dense_only:
            _, grads = self._chain_gradients(X, self.as_targets(Y, len(X)), get_loss(loss))
            return [(g[0], g[1] if len(g) > 1 else None) if isinstance(layer, Dense)
                    else tuple(g) for layer, g in zip(self.layers, grads, strict=True)]
        inputs, nets, outs = self._forward(X)
        return self._backward(inputs, nets, outs, self.as_targets(Y, len(X)), get_loss(loss))

    def _output_delta(self, net: Array, out: Array, target: Array, loss: Loss) -> Array:
        activation = self.layers[-1].activation
        fused = loss.fused_delta(activation.name)
        if fused is not None:
            return fused(out, target)
        return activation.backward(net, out, loss.gradient(out, target))

    def _backward(self, inputs: list[Array], nets: list[Array], outs: list[Array],
                  target: Array, loss: Loss) -> Gradients:
        delta = self._output_delta(nets[-1], outs[-1], target, loss)
        return self._backpropagate(inputs, nets, outs, delta)

    def _backpropagate(self, inputs: list[Array], nets: list[Array], outs: list[Array],
                       delta: Array, apply: bool = False) -> Gradients:
        """Each layer's (input^T @ delta, sum(delta)) from the output delta back.

        With ``apply`` each pair is added to its layer's weights in place instead of returned,
        once the layer has passed its delta down with the weights that delta was found with.
        """
        grads: Gradients = [None] * len(self.layers)  # type: ignore[list-item]
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            db = None if layer.bias is None else np.add.reduce(delta, axis=0)
            below_delta = None
            if i:  # passed down with the weights this delta was found with, before any update
                below = self.layers[i - 1].activation
                below_delta = below.backward(nets[i - 1], outs[i - 1],
                                             np.dot(delta, layer.weights.T), reuse=True)
            if apply:
                if not add_product(layer.weights, inputs[i], delta):
                    layer.weights += np.dot(inputs[i].T, delta)
                if db is not None:
                    layer.bias += db  # type: ignore[operator]
            else:
                grads[i] = (np.dot(inputs[i].T, delta), db)
            delta = below_delta  # type: ignore[assignment]
        return grads

    # -- training ----------------------------------------------------------------------------

    def train_on_batch(self, X: Array, Y: Array, optimizer: SGD, loss: str = "sse") -> float:
        """One gradient-descent step on one batch; returns the batch's loss before the step."""
        X = self._as_inputs(X)
        value, _ = self.train_step(X, self.as_targets(Y, len(X)), optimizer, get_loss(loss))
        return value

    def train_step(self, X: Array, T: Array, optimizer: SGD, loss: Loss) -> tuple[float, int]:
        """The hot path: X and T already checked and converted. Returns (loss, correct rows)."""
        out = self._step(X, T, optimizer, loss)
        return loss.value(out, T), count_correct(out, T, self.shapes[-1])

    def _step(self, X: Array, T: Array, optimizer: SGD, loss: Loss) -> Array:
        """Forward, backward and update on one batch; returns its outputs before the update."""
        if not self.dense_only:
            out, grads = self._chain_gradients(X, T, loss)
            optimizer.apply(self.parameters(), [g for layer in grads for g in layer])
            return out
        inputs, nets, outs = self._forward(X, in_place=True)
        if optimizer.momentum == 0:
            # Plain SGD adds -learning_rate * gradient. Backprop is linear in the output delta,
            # so with that delta scaled by -learning_rate every "gradient" it yields is already
            # the update: one pass over each weight array instead of two, no extra arrays.
            delta = self._output_delta(nets[-1], outs[-1], T, loss)
            delta *= -optimizer.learning_rate
            self._backpropagate(inputs, nets, outs, delta, apply=True)
        else:
            flat = []
            for dW, db in self._backward(inputs, nets, outs, T, loss):
                flat.append(dW)
                if db is not None:
                    flat.append(db)
            optimizer.apply(self.parameters(), flat)
        return outs[-1]

    def evaluate(self, X: Array, Y: Array, loss: str = "sse") -> dict[str, float]:
        """{"loss": ..., "accuracy": ...} on the given rows."""
        X = self._as_inputs(X)
        T = self.as_targets(Y, len(X))
        out = self.predict(X)
        return {"loss": get_loss(loss).value(out, T),
                "accuracy": count_correct(out, T, self.shapes[-1]) / len(X)}

    def fit(self, X: Array, Y: Array, epochs: int = 1, batch_size: int = 32,
            optimizer: SGD | str = "sgd", loss: str = "sse", shuffle: bool = True,
            validation_data: tuple[Array, Array] | None = None, seed: int | None = None,
            on_epoch_end: EpochCallback | None = None) -> History:
        """Keras-style training: epochs of shuffled mini-batches, per-epoch History.

        The epoch's ``loss`` is the mean of the batch losses weighted by batch size (the sum for
        ``sse``, which is a sum by definition), as Keras reports it. If the loss becomes NaN or
        infinite, training stops, the weights of the last finite epoch are restored and
        ``history.diverged`` is True. Setting ``stop_training`` (e.g. from ``on_epoch_end``)
        ends training after the current epoch.
        """
        from nnsim.core.fitting import fit

        return fit(self, X, Y, epochs, batch_size, optimizer, loss, shuffle, validation_data,
                   seed, on_epoch_end)

    def run_epoch(self, X: Array, T: Array, batch_size: int, optimizer: SGD, loss: Loss,
                  rng: np.random.Generator | None = None) -> dict[str, float]:
        """One pass over prepared rows in mini-batches; shuffled when ``rng`` is given.

        The epoch's loss and accuracy are those of each batch before its update, as Keras
        reports them; they are computed once from all the batches' outputs, which equals the
        batch losses weighted by batch size (summed for ``sse``) and costs no NumPy calls per
        step.
        """
        n = len(X)
        order = None if rng is None else rng.permutation(n)
        if order is not None:
            T = T[order]
            if X.nbytes <= _SHUFFLE_COPY_BYTES:  # small: one shuffled copy, then cheap slices
                X, order = X[order], None
        outputs = np.empty((n, self.n_outputs), dtype=self.dtype)
        for start in range(0, n, batch_size):
            stop = start + batch_size
            # A large X is gathered batch by batch: a shuffled copy of all of it would be
            # written to memory and read back, while each gathered batch stays in cache.
            rows = X[start:stop] if order is None else X.take(order[start:stop], axis=0)
            outputs[start:stop] = self._step(rows, T[start:stop], optimizer, loss)
        return {"loss": loss.value(outputs, T),
                "accuracy": count_correct(outputs, T, self.shapes[-1]) / n}

    # -- traces for the stepper --------------------------------------------------------------

    def forward_trace(self, x: Array) -> ForwardTrace:
        """Every layer's input, weighted sum (net) and output for one sample."""
        from nnsim.core.tracing import forward_trace

        return forward_trace(self, x)

    def backward_trace(self, x: Array, target: Array | float, loss: str = "sse",
                       learning_rate: float = 0.1) -> BackwardTrace:
        """The chain rule for one sample, every factor kept, and the SGD step it implies."""
        from nnsim.core.tracing import backward_trace

        return backward_trace(self, x, target, loss, learning_rate)

    def __repr__(self) -> str:
        return f"Network({self.layers!r})"


def count_correct(out: Array, target: Array, output_shape: Sequence[int] | None = None) -> int:
    """Rows classified right: a single output thresholded at 0.5, else the arg-max class.
    With a per-step ``output_shape`` (steps, classes) a row is right only when every step
    is: the exact-sequence accuracy of a sequence-to-sequence network."""
    if output_shape is not None and len(output_shape) == 2:
        steps, classes = output_shape
        out, target = out.reshape(len(out), steps, classes), target.reshape(len(out), steps,
                                                                            classes)
        right = (out >= 0.5) == (target >= 0.5) if classes == 1 else \
            out.argmax(axis=-1) == target.argmax(axis=-1)
        return int(np.count_nonzero(right.reshape(len(out), -1).all(axis=1)))
    if out.shape[1] == 1:
        return int(np.count_nonzero((out >= 0.5) == (target >= 0.5)))
    return int(np.count_nonzero(out.argmax(axis=1) == target.argmax(axis=1)))
