"""A trained network out of nnsim: a readable script for NumPy, Keras 3 or PyTorch.

``export_network`` writes ``OUT.py`` and, beside it, ``OUT.npz`` (no pickle) with the weights
in nnsim's layout (W of shape (inputs, units), as Keras; PyTorch's Linear stores W.T) and the
rows the lesson trains on. ``python OUT.py`` prints the model's outputs for the first rows;
``python OUT.py --train`` continues training with the lesson's loss, learning rate, momentum,
batch size and epochs; ``--save W.npz`` writes the weights back in nnsim's layout, so a test
can compare one step of each framework with one step of nnsim.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnsim.core.network import Network

TARGETS = ("numpy", "keras", "pytorch")
PRINTED_ROWS = 4

_KERAS_ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "elu": "elu",
                      "linear": "linear", "softmax": "softmax"}
_TORCH_ACTIVATIONS = {"sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
                      "linear": None, "softmax": "nn.Softmax(dim=1)"}
_KERAS_LOSSES = {"sse": "SumOfSquares()", "mse": '"mse"',
                 "binary_crossentropy": '"binary_crossentropy"',
                 "categorical_crossentropy": '"categorical_crossentropy"'}
_TORCH_LOSSES = {"sse": "0.5 * ((out - target) ** 2).sum()",
                 "mse": "((out - target) ** 2).mean()",
                 "binary_crossentropy": "-(target * torch.log(out.clamp(EPS, 1 - EPS)) + (1 - "
                                        "target) * torch.log((1 - out).clamp(EPS, 1 - EPS)))"
                                        ".mean()",
                 "categorical_crossentropy": "-(target * torch.log(out.clamp(EPS, 1 - EPS)))"
                                             ".sum() / len(out)"}


class ExportError(ValueError):
    """The network holds something the chosen framework cannot express."""


@dataclass(frozen=True)
class Training:
    """What the exported script trains with: the lesson's (or session's) settings."""

    loss: str
    learning_rate: float
    momentum: float
    epochs: int
    batch_size: int


def export_network(network: Network, X: np.ndarray, T: np.ndarray, training: Training,
                   to: str, out: str | Path, title: str = "nnsim model") -> list[Path]:
    """Write ``out`` (.py) and its ``.npz``; the paths written. ``T`` are the targets as
    nnsim trains on them (one-hot rows for class labels)."""
    if to not in TARGETS:
        raise ExportError(f"cannot export to {to!r}; choose one of {', '.join(TARGETS)}")
    script = Path(out).with_suffix(".py")
    if not network.dense_only:
        kinds = sorted({layer.kind for layer in network.layers if hasattr(layer, "kind")})
        raise ExportError(f"export writes Dense networks; this one has {', '.join(kinds)} "
                          "layers, which the exported scripts do not build yet")
    for index, layer in enumerate(network.layers, start=1):
        name = layer.activation.name
        if name == "step":
            raise ExportError(f"layer {index} uses the step unit: it has no derivative, so "
                              "the perceptron learns by the delta rule, which no framework "
                              "trains; export a network lesson (e.g. backprop-xor)")
    layers = [(layer.activation.name, layer.activation.alpha, layer.has_bias)
              for layer in network.layers]
    header = _HEADER.format(title=title, name=script.name, target=to, layers=layers,
                            loss=training.loss, rate=training.learning_rate,
                            momentum=training.momentum, epochs=training.epochs,
                            batch=training.batch_size, rows=PRINTED_ROWS)
    body = {"numpy": _numpy_body, "keras": _keras_body, "pytorch": _torch_body}[to](network,
                                                                                   training)
    arrays = {"X": np.asarray(X), "T": np.asarray(T, dtype=np.float64)}
    for index, (W, b) in enumerate(network.get_weights()):
        arrays[f"W{index}"] = W
        if b is not None:
            arrays[f"b{index}"] = b
    try:
        np.savez(script.with_suffix(".npz"), **arrays)
        script.write_text(header + body + _MAIN, encoding="utf-8")
    except OSError as error:
        raise ExportError(f"{script.name}: cannot be written in {script.parent} "
                          f"({error.strerror or error}); choose another folder") from None
    return [script, script.with_suffix(".npz")]


def _numpy_body(network: Network, training: Training) -> str:
    return _NUMPY


def _keras_body(network: Network, training: Training) -> str:
    lines = []
    for index, layer in enumerate(network.layers):
        name, alpha = layer.activation.name, layer.activation.alpha
        activation = _KERAS_ACTIVATIONS.get(name, "linear")
        lines.append(f"    layers.Dense({layer.n_out}, activation={activation!r}, "
                     f"use_bias={layer.has_bias}, name='dense_{index}'),")
        if name == "leaky_relu":
            lines.append(f"    layers.LeakyReLU(negative_slope={alpha!r}),")
    return _KERAS.format(inputs=network.sizes[0], layers="\n".join(lines),
                         loss=_KERAS_LOSSES[training.loss])


def _torch_body(network: Network, training: Training) -> str:
    lines = []
    for layer in network.layers:
        name, alpha = layer.activation.name, layer.activation.alpha
        lines.append(f"    nn.Linear({layer.n_in}, {layer.n_out}, bias={layer.has_bias}),")
        module = {"leaky_relu": f"nn.LeakyReLU({alpha!r})", "elu": f"nn.ELU({alpha!r})"}.get(
            name, _TORCH_ACTIVATIONS.get(name))
        if module is not None:
            lines.append(f"    {module},")
    return _TORCH.format(layers="\n".join(lines), loss=_TORCH_LOSSES[training.loss])


_HEADER = '''"""{title}, exported from nnsim for {target}.

    python {name}                 # the model's outputs for the first {rows} training rows
    python {name} --train         # continue training where nnsim stopped
    python {name} --train --epochs 1 --batch-size 4 --no-shuffle --save after.npz

The weights and the training rows are in the .npz beside this file (NumPy arrays, no pickle);
W has shape (inputs, units) as in nnsim and Keras.
"""

import argparse
from pathlib import Path

import numpy as np

ARRAYS = Path(__file__).with_suffix(".npz")
LAYERS = {layers!r}  # (activation, alpha, bias) per layer
LOSS = {loss!r}
LEARNING_RATE = {rate!r}
MOMENTUM = {momentum!r}
EPOCHS = {epochs!r}
BATCH_SIZE = {batch!r}
EPS = 1e-7  # probabilities are clipped to [EPS, 1 - EPS] inside logs, as nnsim and Keras do


def load():
    """Weights as (W, b) per layer, the training rows X and their targets T."""
    with np.load(ARRAYS, allow_pickle=False) as saved:
        weights = [(saved[f"W{{i}}"], saved[f"b{{i}}"] if f"b{{i}}" in saved else None)
                   for i in range(len(LAYERS))]
        return weights, saved["X"], saved["T"]
'''

_NUMPY = '''

def activate(name, alpha, net):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-net))
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0)
    if name == "leaky_relu":
        return np.where(net > 0, net, alpha * net)
    if name == "elu":
        return np.where(net > 0, net, alpha * np.expm1(np.minimum(net, 0)))
    if name == "softmax":
        e = np.exp(net - net.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return net  # linear


def slope(name, alpha, net, out):
    """d out / d net, elementwise (softmax only meets cross-entropy, handled below)."""
    if name == "sigmoid":
        return out * (1 - out)
    if name == "tanh":
        return 1 - out ** 2
    if name == "relu":
        return (net > 0).astype(net.dtype)
    if name == "leaky_relu":
        return np.where(net > 0, 1.0, alpha)
    if name == "elu":
        return np.where(net > 0, 1.0, out + alpha)
    return np.ones_like(net)


class Model:
    def __init__(self, weights):
        self.weights = [(W.astype(np.float64), None if b is None else b.astype(np.float64))
                        for W, b in weights]
        self.velocity = [np.zeros_like(p) for W, b in self.weights for p in (W, b)
                         if p is not None]

    def forward(self, X):
        nets, outs = [], [X]
        for (W, b), (name, alpha, _) in zip(self.weights, LAYERS):
            net = outs[-1] @ W + (0 if b is None else b)
            nets.append(net)
            outs.append(activate(name, alpha, net))
        return nets, outs

    def predict(self, X):
        return self.forward(X)[1][-1]

    def train_step(self, X, T):
        nets, outs = self.forward(X)
        out, n = outs[-1], len(X)
        name = LAYERS[-1][0]
        if LOSS == "categorical_crossentropy" and name == "softmax" or \\
                LOSS == "binary_crossentropy" and name == "sigmoid":
            delta = (out - T) / (n if LOSS == "categorical_crossentropy" else out.size)
        else:
            p = np.clip(out, EPS, 1 - EPS)
            grad = {"sse": out - T, "mse": 2 * (out - T) / out.size,
                    "binary_crossentropy": (p - T) / (p * (1 - p)) / out.size,
                    "categorical_crossentropy": -T / p / n}[LOSS]
            delta = grad * slope(name, LAYERS[-1][1], nets[-1], out)
        grads = []
        for index in range(len(self.weights) - 1, -1, -1):
            W, b = self.weights[index]
            grads[:0] = [outs[index].T @ delta] + ([] if b is None else [delta.sum(axis=0)])
            if index:
                name, alpha, _ = LAYERS[index - 1]
                delta = (delta @ W.T) * slope(name, alpha, nets[index - 1], outs[index])
        params = [p for W, b in self.weights for p in (W, b) if p is not None]
        for param, grad, velocity in zip(params, grads, self.velocity):
            velocity *= MOMENTUM
            velocity -= LEARNING_RATE * grad
            param += velocity



def build(weights):
    return Model(weights)


def predict(model, X):
    return model.predict(X)


def get_weights(model):
    return model.weights


def fit(model, X, T, epochs, batch_size, shuffle):
    rng = np.random.default_rng(0)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            model.train_step(X[rows], T[rows])
        print(f"epoch {epoch}: loss {loss_of(model.predict(X), T):.6f}")


def loss_of(out, T):
    p = np.clip(out, EPS, 1 - EPS)
    return {"sse": 0.5 * np.sum((out - T) ** 2), "mse": np.mean((out - T) ** 2),
            "binary_crossentropy": -np.mean(T * np.log(p) + (1 - T) * np.log(1 - p)),
            "categorical_crossentropy": -np.sum(T * np.log(p)) / len(out)}[LOSS]
'''

_KERAS = '''
import keras
from keras import layers

keras.config.set_floatx("float64")  # nnsim computes in float64: the same numbers


class SumOfSquares(keras.losses.Loss):
    """nnsim's (and the lecture's) E = 1/2 * sum of squared errors over the whole batch."""

    def __init__(self):
        super().__init__(name="sse", reduction="sum")

    def call(self, target, out):
        return 0.5 * keras.ops.sum(keras.ops.square(target - out), axis=-1)


def build(weights):
    model = keras.Sequential([
    keras.Input(shape=({inputs},)),
{layers}
    ])
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    for layer, (W, b) in zip(dense, weights):
        layer.set_weights([W] if b is None else [W, b])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE,
                                                 momentum=MOMENTUM),
                  loss={loss}, metrics=["accuracy"])
    return model


def fit(model, X, T, epochs, batch_size, shuffle):
    model.fit(X, T, epochs=epochs, batch_size=batch_size, shuffle=shuffle, verbose=2)


def get_weights(model):
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    return [tuple(layer.get_weights()) if len(layer.get_weights()) == 2
            else (layer.get_weights()[0], None) for layer in dense]


def predict(model, X):
    return np.asarray(model.predict(X, verbose=0))
'''

_TORCH = '''
import torch
from torch import nn

torch.set_default_dtype(torch.float64)


def build(weights):
    model = nn.Sequential(
{layers}
    )
    linear = [module for module in model if isinstance(module, nn.Linear)]
    with torch.no_grad():
        for module, (W, b) in zip(linear, weights):
            module.weight.copy_(torch.from_numpy(W.T))  # PyTorch stores W transposed
            if b is not None:
                module.bias.copy_(torch.from_numpy(b))
    return model


def loss_of(out, target):
    return {loss}


def fit(model, X, T, epochs, batch_size, shuffle):
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    X, T = torch.from_numpy(X.astype(np.float64)), torch.from_numpy(T)
    generator = torch.Generator().manual_seed(0)
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(X), generator=generator) if shuffle else torch.arange(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_of(model(X[rows]), T[rows])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            print(f"epoch {{epoch}}: loss {{loss_of(model(X), T).item():.6f}}")


def get_weights(model):
    linear = [module for module in model if isinstance(module, nn.Linear)]
    return [(m.weight.detach().numpy().T.copy(),
             None if m.bias is None else m.bias.detach().numpy().copy()) for m in linear]


def predict(model, X):
    with torch.no_grad():
        return model(torch.from_numpy(X.astype(np.float64))).numpy()
'''

_MAIN = '''

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="continue training")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--no-shuffle", action="store_true")
    parser.add_argument("--save", help="write the weights (nnsim's layout) to this .npz")
    args = parser.parse_args()
    weights, X, T = load()
    model = build(weights)
    if args.train:
        fit(model, X, T, args.epochs, args.batch_size, not args.no_shuffle)
    for row, out in zip(X[:{rows}], predict(model, X[:{rows}])):
        print("x =", " ".join(f"{{v:g}}" for v in row[:8]), "->",
              " ".join(f"{{v:.8f}}" for v in out))
    if args.save:
        arrays = {{}}
        for i, (W, b) in enumerate(get_weights(model)):
            arrays[f"W{{i}}"] = W
            if b is not None:
                arrays[f"b{{i}}"] = b
        np.savez(args.save, **arrays)


if __name__ == "__main__":
    main()
'''.replace("{rows}", str(PRINTED_ROWS)).replace("{{", "{").replace("}}", "}")
