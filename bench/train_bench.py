"""Training speed of nnsim against scikit-learn's MLPClassifier and PyTorch, in one run.

Each row trains the same network (same sizes, sigmoid hidden layers, the same output and loss:
sigmoid + binary cross-entropy for one output, softmax + categorical cross-entropy for several),
the same batch size, epochs and float type with every trainer, interleaved and repeated, and
prints the median time per epoch and the ratios nnsim/peer. The trainers: nnsim's
``Network.fit``; a hand-written NumPy loop of the same maths (the layers unrolled, everything
in place: what nnsim's generality costs); scikit-learn's MLPClassifier, one ``partial_fit`` per
epoch; PyTorch on the CPU; and GEMM-only: the same epoch's matrix multiplications alone
(forward x @ W, backward input^T @ delta and delta @ W^T) into preallocated outputs, on
unshuffled rows, as a floor no NumPy trainer can reach.

The ``cnn`` row is the cnn-mnist network, Conv2D(8 filters, 3x3, relu, valid) ->
MaxPooling2D(2) -> Flatten -> Dense(10, softmax) with categorical cross-entropy and plain SGD,
on the 5,000 bundled MNIST images: nnsim, PyTorch (NCHW ``nn.Conv2d``) and GEMM-only (the
im2col product, the kernel's gradient product and the dense layer's three products, on
im2col columns laid out once before timing); the NumPy loop and scikit-learn show "-" there
(scikit-learn has no convolution).

The recurrent rows, in float64 as nnsim's recurrent layers compute: ``rnn`` is the rnn-parity
network, SimpleRNN(16, tanh) over 6 steps of 1 feature -> Dense(1, sigmoid) with binary
cross-entropy, batch 8, 600 bit strings; ``seq2seq`` is the seq2seq-reverse lesson's
encoder-decoder (SimpleRNN(32) encoder whose last state starts a SimpleRNN(32) decoder fed the
previous true symbol, Dense softmax over 6 symbols at each of 5 steps), batch 32, its 2,900
training sequences of 3 to 5 digits padded by the end symbol. nnsim (``Network.run_epoch``
for both), a hand-written NumPy
loop of the rnn row (time-major, in place), PyTorch (``nn.RNN`` + ``nn.Linear``, float64) and
GEMM-only (the batched input projections x @ W, the per-step h @ U forward and delta @ U^T
backward, the weight gradients and the dense layers' products, on stand-in arrays).

    python bench/train_bench.py                       # every row, 5 repeats
    python bench/train_bench.py --rows digits,mnist --repeats 3
    python bench/train_bench.py --rows cnn --repeats 3
    python bench/train_bench.py --rows rnn,seq2seq --repeats 3

Every library gets one BLAS thread (threadpoolctl, torch.set_num_threads(1)). PyTorch is
optional: the row shows "-" without it. This is a benchmark, not a test: numbers depend on the
machine; bench/RESULTS.md records the figures and how they were taken.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

try:  # imported before threadpoolctl limits, so its BLAS is limited too
    import torch
except ImportError:  # pragma: no cover - optional peer
    torch = None

import sklearn
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier  # loads scipy's BLAS before the limit
from threadpoolctl import threadpool_info, threadpool_limits

from nnsim.core.conv import Conv2D, Flatten, MaxPooling2D
from nnsim.core.datasets import load_dataset
from nnsim.core.layers import Dense
from nnsim.core.losses import get_loss
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.rnn import SimpleRNN
from nnsim.core.seq2seq import EncoderDecoder
from nnsim.core.sequences import reverse_digits

DTYPE = np.float32
PEER_ORDER = ("nnsim", "loop", "sklearn", "torch", "gemm")
COLUMNS = {"nnsim": "nnsim", "loop": "NumPy loop", "sklearn": "scikit-learn", "torch": "PyTorch",
           "gemm": "GEMM-only"}


@dataclass(frozen=True)
class Row:
    """One benchmark row: a network, its data and its training settings."""

    name: str
    sizes: tuple[int, ...]
    n_rows: int
    batch_size: int
    epochs: int  # epochs per timed repetition
    learning_rate: float
    kind: str = "mlp"  # "mlp": Dense layers of ``sizes``; "cnn", "rnn", "seq2seq": below


#: The cnn row's network: 28x28x1 images, 8 filters 3x3 (valid: 26x26 maps), 2x2 pooling
#: (13x13x8 = 1,352 values), 10 softmax outputs.
CNN_IMAGE, CNN_FILTERS, CNN_KERNEL, CNN_POOL = 28, 8, 3, 2
CNN_MAP = CNN_IMAGE - CNN_KERNEL + 1
CNN_FLAT = (CNN_MAP // CNN_POOL) ** 2 * CNN_FILTERS

#: The recurrent rows compute in float64 (nnsim's SimpleRNN and EncoderDecoder default). The
#: rnn row: bit strings of 6 steps x 1 feature, 16 tanh units. The seq2seq row: the
#: seq2seq-reverse lesson's, 3 to 5 digits 0..4 padded to 5 steps by the end symbol, so 6
#: symbols (the decoder reads 7: the start symbol too), 32 units in the encoder and decoder.
RNN_DTYPE = np.float64
RNN_STEPS = 6
S2S_DIGITS, S2S_VOCABULARY, S2S_LENGTH = 5, 6, 5


ROWS = {
    "xor-sample": Row("XOR 2-2-1, batch 1 (per sample)", (2, 2, 1), 4, 1, 1000, 0.5),
    "xor-batch": Row("XOR 2-2-1, full batch (4)", (2, 2, 1), 4, 4, 1000, 0.5),
    "digits": Row("digits 64-32-16-10, batch 32", (64, 32, 16, 10), 1797, 32, 20, 0.1),
    "mnist": Row("MNIST-shaped 784-256-128-10, batch 128, 60,000 rows",
                 (784, 256, 128, 10), 60_000, 128, 1, 0.01),
    "cnn": Row("cnn-mnist Conv2D(8, 3x3, relu) + MaxPool 2 + Dense 10, batch 32, 5,000 images",
               (784, CNN_FLAT, 10), 5_000, 32, 2, 0.05, kind="cnn"),
    "rnn": Row("rnn-parity SimpleRNN(16, tanh) + Dense(1, sigmoid), 6 steps, batch 8, "
               "600 strings", (1, 16, 1), 600, 8, 10, 0.03, kind="rnn"),
    "seq2seq": Row("seq2seq-reverse SimpleRNN(32) encoder + decoder + Dense(6, softmax), "
                   "5 steps, batch 32, 2,900 sequences", (S2S_VOCABULARY, 32, S2S_VOCABULARY),
                   2_900, 32, 4, 0.005, kind="seq2seq"),
}


def make_data(row: Row) -> tuple[np.ndarray, np.ndarray]:
    """The row's inputs (float32; float64 bits for rnn) and integer class labels (seq2seq:
    source and target digit strings)."""
    if row.kind == "rnn":  # the rnn-parity lesson's data: (600, 6) bits, parity labels
        parity = load_dataset("parity", n_samples=row.n_rows, steps=RNN_STEPS, seed=0)
        return np.array(parity.X, dtype=RNN_DTYPE), parity.y
    if row.kind == "seq2seq":
        return reverse_digits(row.n_rows, 3, S2S_LENGTH, vocabulary=S2S_DIGITS, seed=0)
    if row.kind == "cnn":  # the bundled sample: 5,000 images as rows of 784 pixels in 0..1
        mnist = load_dataset("mnist")
        X = np.array(mnist.X.reshape(len(mnist.X), -1)[:row.n_rows], dtype=DTYPE)  # writable
        return X, mnist.y[:row.n_rows]
    if row.sizes[0] == 2:
        return (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=DTYPE),
                np.array([0, 1, 1, 0]))
    if row.sizes[0] == 64:
        digits = load_digits()
        return (digits.data / 16.0).astype(DTYPE), digits.target
    rng = np.random.default_rng(0)  # random data of MNIST's shape: the speed is the same
    return (rng.random((row.n_rows, row.sizes[0]), dtype=DTYPE),
            rng.integers(0, row.sizes[-1], row.n_rows))


# -- the trainers: each returns a function that trains `epochs` epochs (None: not for this row)


def nnsim_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Network.fit, as the headless runner calls it (shuffled mini-batches, float32)."""
    if row.kind != "mlp":
        return {"cnn": nnsim_cnn_trainer, "rnn": nnsim_rnn_trainer,
                "seq2seq": nnsim_seq2seq_trainer}[row.kind](row, X, y)
    n_layers = len(row.sizes) - 1
    multi = row.sizes[-1] > 1
    activations = ["sigmoid"] * (n_layers - 1) + ["softmax" if multi else "sigmoid"]
    loss = "categorical_crossentropy" if multi else "binary_crossentropy"
    network = Network.from_sizes(row.sizes, activations, initializer="glorot_uniform", seed=0,
                                 dtype=DTYPE)
    optimizer = SGD(row.learning_rate)
    seeds = iter(range(1_000_000))

    def train(epochs: int) -> None:
        network.fit(X, y, epochs=epochs, batch_size=row.batch_size, optimizer=optimizer,
                    loss=loss, shuffle=True, seed=next(seeds))
    return train


def nnsim_cnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The cnn-mnist network, one ``run_epoch`` per epoch (what ``fit`` runs each epoch) on
    rows and one-hot targets prepared once."""
    rng = np.random.default_rng(0)
    network = Network([
        Conv2D(CNN_FILTERS, CNN_KERNEL, activation="relu", in_channels=1, seed=rng, dtype=DTYPE),
        MaxPooling2D(CNN_POOL), Flatten(),
        Dense(CNN_FLAT, row.sizes[-1], "softmax", initializer="glorot_uniform", seed=rng,
              dtype=DTYPE),
    ], input_shape=(CNN_IMAGE, CNN_IMAGE, 1))
    T = network.as_targets(y, len(X))
    optimizer, loss = SGD(row.learning_rate), get_loss("categorical_crossentropy")

    def train(epochs: int) -> None:
        for _ in range(epochs):
            network.run_epoch(X, T, row.batch_size, optimizer, loss, rng)
    return train


def nnsim_rnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The rnn-parity network, one ``run_epoch`` per epoch on targets prepared once; plain SGD
    (the lesson adds momentum 0.9)."""
    rng = np.random.default_rng(0)
    units = row.sizes[1]
    network = Network([
        SimpleRNN(units, "tanh", in_features=row.sizes[0], seed=rng, dtype=RNN_DTYPE),
        Dense(units, row.sizes[-1], "sigmoid", initializer="glorot_uniform", seed=rng,
              dtype=RNN_DTYPE),
    ], input_shape=(RNN_STEPS, row.sizes[0]))
    T = network.as_targets(y, len(X))
    optimizer, loss = SGD(row.learning_rate), get_loss("binary_crossentropy")

    def train(epochs: int) -> None:
        for _ in range(epochs):
            network.run_epoch(X, T, row.batch_size, optimizer, loss, rng)
    return train


def nnsim_seq2seq_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The seq2seq-reverse network (one ``EncoderDecoder`` layer), one ``run_epoch`` per
    epoch on targets prepared once (one-hot per step), as the lesson trains it."""
    network = Network([EncoderDecoder(S2S_VOCABULARY, row.sizes[1], seed=0)],
                      input_shape=(S2S_LENGTH,))
    source = np.asarray(X, dtype=RNN_DTYPE)
    T = network.as_targets(y, len(X))
    optimizer, loss = SGD(row.learning_rate), get_loss("categorical_crossentropy")
    rng = np.random.default_rng(0)

    def train(epochs: int) -> None:
        for _ in range(epochs):
            network.run_epoch(source, T, row.batch_size, optimizer, loss, rng)
    return train


def sklearn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None] | None:
    """MLPClassifier, one partial_fit per epoch (plain SGD: no momentum, no L2)."""
    if row.kind != "mlp":
        return None  # scikit-learn has no convolutional layers
    model = MLPClassifier(hidden_layer_sizes=row.sizes[1:-1], activation="logistic",
                          solver="sgd", learning_rate="constant",
                          learning_rate_init=row.learning_rate, momentum=0.0,
                          nesterovs_momentum=False, alpha=0.0, batch_size=row.batch_size,
                          shuffle=True, random_state=0)
    classes = np.arange(max(2, row.sizes[-1]))
    model.partial_fit(X, y, classes=classes)  # draws the weights, fixes the classes
    assert model.coefs_[0].dtype == DTYPE, "scikit-learn did not keep float32"

    def train(epochs: int) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning is meaningless here
            for _ in range(epochs):
                model.partial_fit(X, y)
    return train


def torch_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """A careful PyTorch loop: randperm, index the batch, forward, loss, backward, SGD step."""
    torch.manual_seed(0)
    if row.kind != "mlp":
        return {"cnn": torch_cnn_trainer, "rnn": torch_rnn_trainer,
                "seq2seq": torch_seq2seq_trainer}[row.kind](row, X, y)
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(row.sizes, row.sizes[1:], strict=False)):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(row.sizes) - 2:
            layers.append(torch.nn.Sigmoid())
    multi = row.sizes[-1] > 1
    if not multi:
        layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss() if multi else torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=row.learning_rate)
    X_t = torch.from_numpy(X)
    y_t = torch.from_numpy(y.astype(np.int64)) if multi else torch.from_numpy(
        y.astype(DTYPE)).reshape(-1, 1)
    return _torch_loop(model, loss_fn, optimizer, X_t, y_t, row.batch_size)


def _torch_loop(model, loss_fn, optimizer, X_t, y_t, batch: int) -> Callable[[int], None]:
    """PyTorch's usual epoch: a fresh permutation, then zero_grad, forward, backward, step."""
    n = len(X_t)

    def train(epochs: int) -> None:
        for _ in range(epochs):
            order = torch.randperm(n)
            for start in range(0, n, batch):
                index = order[start:start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(X_t[index]), y_t[index])
                loss.backward()
                optimizer.step()
    return train


def torch_cnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The cnn row in PyTorch: NCHW images, Conv2d + ReLU + MaxPool2d + Flatten + Linear,
    CrossEntropyLoss (softmax and cross-entropy in one), plain SGD; the same loop as above."""
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, CNN_FILTERS, CNN_KERNEL), torch.nn.ReLU(),
        torch.nn.MaxPool2d(CNN_POOL), torch.nn.Flatten(),
        torch.nn.Linear(CNN_FLAT, row.sizes[-1]))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=row.learning_rate)
    X_t = torch.from_numpy(X).reshape(-1, 1, CNN_IMAGE, CNN_IMAGE)
    y_t = torch.from_numpy(y.astype(np.int64))
    return _torch_loop(model, loss_fn, optimizer, X_t, y_t, row.batch_size)


def torch_rnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The rnn row in PyTorch, float64: ``nn.RNN`` (tanh, batch_first) and ``nn.Linear`` on
    its last state, ``BCEWithLogitsLoss`` (the sigmoid and the cross-entropy in one), plain
    SGD; the same loop as above."""
    n_in, units, n_out = row.sizes

    class LastState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = torch.nn.RNN(n_in, units, nonlinearity="tanh", batch_first=True)
            self.linear = torch.nn.Linear(units, n_out)

        def forward(self, x):
            _, last = self.rnn(x)  # (1, N, units): the last step's state
            return self.linear(last[0])

    model = LastState().double()
    optimizer = torch.optim.SGD(model.parameters(), lr=row.learning_rate)
    X_t = torch.from_numpy(X).reshape(-1, RNN_STEPS, n_in)
    y_t = torch.from_numpy(y.astype(RNN_DTYPE)).reshape(-1, 1)
    return _torch_loop(model, torch.nn.BCEWithLogitsLoss(), optimizer, X_t, y_t,
                       row.batch_size)


def torch_seq2seq_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The seq2seq row in PyTorch, float64: one-hot source into an ``nn.RNN`` encoder whose
    last state starts an ``nn.RNN`` decoder reading the start symbol, then the previous true
    symbol (teacher forcing, one-hot of 7); ``nn.Linear`` logits at every step and
    ``CrossEntropyLoss`` averaged over all of them; plain SGD. The one-hot inputs are built
    per batch inside the model, as nnsim's layer builds its own. (nnsim's loss sums the steps,
    PyTorch's averages them: the same work, a learning rate 5 times apart.)"""
    vocabulary, units = S2S_VOCABULARY, row.sizes[1]
    one_hot = torch.nn.functional.one_hot

    class EncoderDecoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = torch.nn.RNN(vocabulary, units, batch_first=True)
            self.decoder = torch.nn.RNN(vocabulary + 1, units, batch_first=True)
            self.output = torch.nn.Linear(units, vocabulary)

        def forward(self, pairs):  # (N, 2, T): source and target strings
            source, target = pairs[:, 0], pairs[:, 1]
            previous = torch.full_like(target, vocabulary)  # the start symbol first
            previous[:, 1:] = target[:, :-1]
            _, state = self.encoder(one_hot(source, vocabulary).to(torch.float64))
            hidden, _ = self.decoder(one_hot(previous, vocabulary + 1).to(torch.float64),
                                     state)
            return self.output(hidden)  # (N, T, vocabulary) logits

    model = EncoderDecoder().double()
    cross_entropy = torch.nn.CrossEntropyLoss()

    def loss_fn(logits, target):
        return cross_entropy(logits.reshape(-1, vocabulary), target.reshape(-1))

    optimizer = torch.optim.SGD(model.parameters(), lr=row.learning_rate)
    pairs = torch.from_numpy(np.stack([X, y], axis=1).astype(np.int64))
    return _torch_loop(model, loss_fn, optimizer, pairs, torch.from_numpy(y.astype(np.int64)),
                       row.batch_size)


def loop_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None] | None:
    """The same training as a hand-written NumPy loop, all layers unrolled by hand, no
    framework: what nnsim's general engine (any layers, activations, losses) costs over it."""
    if row.kind == "rnn":
        return loop_rnn_trainer(row, X, y)
    if row.kind != "mlp":
        return None  # no hand loop for the convolutional and seq2seq rows
    rng = np.random.default_rng(0)
    sizes, multi = row.sizes, row.sizes[-1] > 1
    weights = [rng.uniform(-1, 1, (a, b)).astype(DTYPE) * DTYPE(np.sqrt(6 / (a + b)))
               for a, b in zip(sizes, sizes[1:], strict=False)]
    biases = [np.zeros(b, DTYPE) for b in sizes[1:]]
    targets = np.eye(sizes[-1], dtype=DTYPE)[y] if multi else y.astype(DTYPE).reshape(-1, 1)
    n, batch, last = len(X), row.batch_size, len(weights) - 1
    scale = DTYPE(-row.learning_rate)
    seeds = iter(range(1_000_000))

    def train(epochs: int) -> None:
        for _ in range(epochs):
            order = np.random.default_rng(next(seeds)).permutation(n)
            T = targets[order]
            for start in range(0, n, batch):
                outs = [X.take(order[start:start + batch], axis=0)]
                for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
                    net = np.dot(outs[-1], w)
                    net += b
                    if i < last or not multi:  # sigmoid in place
                        net *= 0.5
                        np.tanh(net, out=net)
                        net *= 0.5
                        net += 0.5
                    else:  # softmax in place
                        net -= np.maximum.reduce(net, axis=1, keepdims=True)
                        np.exp(net, out=net)
                        net /= np.add.reduce(net, axis=1, keepdims=True)
                    outs.append(net)
                delta = outs[-1] - T[start:start + batch]  # cross-entropy's output delta
                delta *= scale / len(delta)                # folded: -lr / batch
                for i in range(last, -1, -1):
                    update = np.dot(outs[i].T, delta)
                    bias_update = np.add.reduce(delta, axis=0)
                    if i:
                        grad = np.dot(delta, weights[i].T)
                        grad *= outs[i]
                        grad *= 1 - outs[i]
                        delta = grad
                    weights[i] += update
                    biases[i] += bias_update
    return train


def loop_rnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The rnn row by hand: time-major buffers allocated once with every per-step view taken
    once, so a time step costs 3 NumPy calls forward (h_t = tanh(h_{t-1} @ U + xW_t + b) in
    place) and 2 backward (delta_t = (delta_{t+1} @ U^T) * (1 - h_t^2), the slopes of every
    step in one pass). The output delta is scaled by -lr / batch at once, so each "gradient" is
    the SGD update (as nnsim's Dense path does). Same initial weight scheme as nnsim's layers."""
    rng = np.random.default_rng(0)
    features, units, n_out = row.sizes
    steps, n, batch = RNN_STEPS, len(X), row.batch_size
    W = rng.uniform(-1, 1, (features, units)) * np.sqrt(6 / (features + units))
    q, r = np.linalg.qr(rng.normal(size=(units, units)))
    U, b = q * np.sign(np.diag(r)), np.zeros(units)
    V = rng.uniform(-1, 1, (units, n_out)) * np.sqrt(6 / (units + n_out))
    c, U_T, V_T = np.zeros(n_out), U.T, V.T   # transposed views follow the in-place updates
    targets = y.astype(RNN_DTYPE).reshape(-1, 1)
    sequences = X.reshape(n, steps, features)
    outputs = np.empty((n, n_out))  # every batch's outputs, for the epoch's loss, as nnsim

    def buffers(size: int) -> dict:
        x = np.empty((steps, size, features))
        states = np.zeros((steps + 1, size, units))  # states[0] = h_0 = 0, never written
        projected, deltas = np.empty((steps, size, units)), np.empty((steps, size, units))
        slopes = np.empty((steps, size, units))
        return {"x": x, "states": states, "projected": projected, "slopes": slopes,
                "h": list(states), "p": list(projected), "d": list(deltas), "s": list(slopes),
                "flat_x_T": x.reshape(-1, features).T, "flat_d": deltas.reshape(-1, units),
                "flat_h_T": states[:-1].reshape(-1, units).T, "after": states[1:]}
    per_size = {size: buffers(size) for size in {batch, n % batch or batch}}
    scale = -row.learning_rate / n_out  # binary cross-entropy: a mean over every output

    def train(epochs: int) -> None:
        for _ in range(epochs):
            order = rng.permutation(n)
            time_major = np.ascontiguousarray(sequences[order].transpose(1, 0, 2))
            T = targets[order]
            for start in range(0, n, batch):
                stop = min(start + batch, n)
                buf = per_size[stop - start]
                h, p, d, s = buf["h"], buf["p"], buf["d"], buf["s"]
                np.copyto(buf["x"], time_major[:, start:stop])
                np.matmul(buf["x"], W, out=buf["projected"])
                np.add(buf["projected"], b, out=buf["projected"])  # (a closure: no +=)
                for t in range(steps):                      # forward: 3 calls a step
                    np.dot(h[t], U, out=h[t + 1])
                    h[t + 1] += p[t]
                    np.tanh(h[t + 1], out=h[t + 1])
                last = h[steps]
                out = np.dot(last, V)
                np.add(out, c, out=out)
                out *= 0.5                                  # sigmoid in place
                np.tanh(out, out=out)
                out *= 0.5
                out += 0.5
                outputs[start:stop] = out
                delta = out - T[start:stop]                 # fused cross-entropy delta
                delta *= scale / len(delta)
                grad_last = np.dot(delta, V_T)              # before V changes
                np.add(V, np.dot(last.T, delta), out=V)
                np.add(c, np.add.reduce(delta, axis=0), out=c)
                np.multiply(buf["after"], buf["after"], out=buf["slopes"])  # 1 - h^2, all
                np.subtract(1.0, buf["slopes"], out=buf["slopes"])
                np.multiply(grad_last, s[steps - 1], out=d[steps - 1])
                for t in range(steps - 2, -1, -1):          # backward: 2 calls a step
                    np.dot(d[t + 1], U_T, out=d[t])
                    d[t] *= s[t]
                np.add(W, np.dot(buf["flat_x_T"], buf["flat_d"]), out=W)
                np.add(U, np.dot(buf["flat_h_T"], buf["flat_d"]), out=U)
                np.add(b, np.add.reduce(buf["flat_d"], axis=0), out=b)
    return train


def gemm_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Only the epoch's matrix multiplications, into preallocated outputs: the floor."""
    if row.kind != "mlp":
        return {"cnn": gemm_cnn_trainer, "rnn": gemm_rnn_trainer,
                "seq2seq": gemm_seq2seq_trainer}[row.kind](row, X, y)
    rng = np.random.default_rng(0)
    sizes = row.sizes
    weights = [rng.standard_normal((a, b)).astype(DTYPE) * DTYPE(0.1)
               for a, b in zip(sizes, sizes[1:], strict=False)]
    n, batch = len(X), row.batch_size
    outs = {b: [np.empty((b, s), DTYPE) for s in sizes[1:]]
            for b in {batch, n % batch or batch}}
    grads = [np.empty_like(w) for w in weights]

    def train(epochs: int) -> None:
        for _ in range(epochs):
            for start in range(0, n, batch):
                x = X[start:start + batch]
                out = outs[len(x)]
                inputs = [x, *out[:-1]]
                for i, w in enumerate(weights):            # forward: x @ W
                    np.dot(inputs[i], w, out=out[i])
                delta = out[-1]
                for i in range(len(weights) - 1, -1, -1):  # backward: in^T @ d, d @ W^T
                    np.dot(inputs[i].T, delta, out=grads[i])
                    if i:
                        np.dot(delta, weights[i].T, out=out[i - 1])
                        delta = out[i - 1]
    return train


def gemm_cnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The cnn row's products alone, per batch: the im2col forward (B*26*26, 9) @ (9, 8), the
    kernel's gradient (9, B*26*26) @ (B*26*26, 8), and the dense layer's forward
    (B, 1352) @ (1352, 10), weight gradient (1352, B) @ (B, 10) and input gradient
    (B, 10) @ (10, 1352). The im2col columns of every image are laid out once, before timing,
    in batch order (unshuffled); the pooled maps and deltas are preallocated stand-ins."""
    rng = np.random.default_rng(0)
    n, batch, k = len(X), row.batch_size, CNN_KERNEL
    images = X.reshape(n, CNN_IMAGE, CNN_IMAGE)
    windows = np.lib.stride_tricks.sliding_window_view(images, (k, k), axis=(1, 2))
    columns = np.ascontiguousarray(windows.reshape(n, CNN_MAP * CNN_MAP, k * k))  # 122 MB
    pixels = CNN_MAP * CNN_MAP
    kernel = rng.standard_normal((k * k, CNN_FILTERS)).astype(DTYPE)
    weights = rng.standard_normal((CNN_FLAT, row.sizes[-1])).astype(DTYPE)
    grad_kernel, grad_weights = np.empty_like(kernel), np.empty_like(weights)

    def buffers(b: int) -> dict[str, np.ndarray]:
        return {"maps": np.empty((b * pixels, CNN_FILTERS), DTYPE),
                "map_delta": rng.standard_normal((b * pixels, CNN_FILTERS)).astype(DTYPE),
                "pooled": rng.random((b, CNN_FLAT), dtype=DTYPE),
                "out": np.empty((b, row.sizes[-1]), DTYPE),
                "pooled_grad": np.empty((b, CNN_FLAT), DTYPE)}
    per_size = {b: buffers(b) for b in {batch, n % batch or batch}}

    def train(epochs: int) -> None:
        for _ in range(epochs):
            for start in range(0, n, batch):
                cols = columns[start:start + batch].reshape(-1, k * k)
                buf = per_size[len(cols) // pixels]
                np.dot(cols, kernel, out=buf["maps"])                        # conv forward
                np.dot(buf["pooled"], weights, out=buf["out"])               # dense forward
                delta = buf["out"]
                np.dot(buf["pooled"].T, delta, out=grad_weights)            # dense dW
                np.dot(delta, weights.T, out=buf["pooled_grad"])            # dense dX
                np.dot(cols.T, buf["map_delta"], out=grad_kernel)           # kernel's gradient
    return train


class _RecurrentProducts:
    """One recurrent layer's products for a batch, into preallocated outputs, on stand-in
    arrays: forward the input projection (B*T, F) @ (F, H) and T products (B, H) @ (H, H);
    backward T products delta_t @ U^T and the weight gradients x^T @ deltas and
    states^T @ deltas, (F or H, B*T) @ (B*T, H). No input gradient (it is the first layer or
    reads one-hot symbols); time-major, so every step's slice is contiguous."""

    def __init__(self, rng: np.random.Generator, batch: int, steps: int, features: int,
                 units: int) -> None:
        def normal(*shape: int) -> np.ndarray:
            return rng.standard_normal(shape) * 0.1
        self.steps = steps
        self.W, self.U = normal(features, units), normal(units, units)
        self.x = normal(steps * batch, features)
        self.projected = np.empty((steps * batch, units))
        self.states = normal(steps + 1, batch, units)   # read by the products, never written
        self.nets = np.empty((steps, batch, units))
        self.deltas = normal(steps, batch, units)
        self.carried = np.empty((batch, units))
        self.grad_W, self.grad_U = np.empty_like(self.W), np.empty_like(self.U)

    def forward(self) -> np.ndarray:
        np.dot(self.x, self.W, out=self.projected)
        for t in range(self.steps):
            np.dot(self.states[t], self.U, out=self.nets[t])
        return self.states[1:].reshape(-1, self.U.shape[0])  # every step's state

    def backward(self) -> None:
        U_T, flat = self.U.T, self.deltas.reshape(-1, self.U.shape[0])
        for t in range(self.steps - 1, -1, -1):
            np.dot(self.deltas[t], U_T, out=self.carried)
        np.dot(self.x.T, flat, out=self.grad_W)
        np.dot(self.states[:-1].reshape(-1, self.U.shape[0]).T, flat, out=self.grad_U)


def gemm_rnn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The rnn row's products alone, per batch: the SimpleRNN's (``_RecurrentProducts``) and
    the dense layer's forward (B, 16) @ (16, 1), weight gradient and input gradient."""
    rng = np.random.default_rng(0)
    n_in, units, n_out = row.sizes
    n, batch = len(X), row.batch_size
    dense = rng.standard_normal((units, n_out)) * 0.1
    grad_dense = np.empty_like(dense)
    per_size = {b: (_RecurrentProducts(rng, b, RNN_STEPS, n_in, units), np.empty((b, n_out)),
                    np.empty((b, units))) for b in {batch, n % batch or batch}}

    def train(epochs: int) -> None:
        for _ in range(epochs):
            for start in range(0, n, batch):
                recurrent, out, grad_last = per_size[min(batch, n - start)]
                recurrent.forward()
                last = recurrent.states[-1]
                np.dot(last, dense, out=out)
                np.dot(last.T, out, out=grad_dense)
                np.dot(out, dense.T, out=grad_last)
                recurrent.backward()
    return train


def gemm_seq2seq_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The seq2seq row's products alone, per batch: the encoder's and the decoder's
    (``_RecurrentProducts``) and the output layer's forward (B*T, 32) @ (32, 5), weight
    gradient (32, B*T) @ (B*T, 5) and gradient into the decoder's states (B*T, 5) @ (5, 32)."""
    rng = np.random.default_rng(0)
    units, n, batch = row.sizes[1], len(X), row.batch_size
    dense = rng.standard_normal((units, S2S_VOCABULARY)) * 0.1
    grad_dense = np.empty_like(dense)

    def buffers(b: int) -> tuple:
        return (_RecurrentProducts(rng, b, S2S_LENGTH, S2S_VOCABULARY, units),
                _RecurrentProducts(rng, b, S2S_LENGTH, S2S_VOCABULARY + 1, units),
                np.empty((b * S2S_LENGTH, S2S_VOCABULARY)), np.empty((b * S2S_LENGTH, units)))
    per_size = {b: buffers(b) for b in {batch, n % batch or batch}}

    def train(epochs: int) -> None:
        for _ in range(epochs):
            for start in range(0, n, batch):
                encoder, decoder, logits, grad_hidden = per_size[min(batch, n - start)]
                encoder.forward()
                hidden = decoder.forward()
                np.dot(hidden, dense, out=logits)
                np.dot(hidden.T, logits, out=grad_dense)
                np.dot(logits, dense.T, out=grad_hidden)
                decoder.backward()
                encoder.backward()
    return train


Trainer = Callable[[Row, np.ndarray, np.ndarray], Callable[[int], None] | None]
TRAINERS: dict[str, Trainer] = {
    "nnsim": nnsim_trainer,
    "loop": loop_trainer,
    "sklearn": sklearn_trainer,
    "torch": torch_trainer,
    "gemm": gemm_trainer,
}


# -- measuring ---------------------------------------------------------------------------------


def measure(row: Row, repeats: int, peers: list[str]) -> dict[str, dict[str, list[float]]]:
    """Seconds per epoch of each trainer in every repeat, wall clock and CPU time.

    The trainers are interleaved in every repeat (and the order rotated), so a burst of load
    from other users of the machine hits them alike; CPU time is less sensitive to it still.
    """
    X, y = make_data(row)
    made = {name: TRAINERS[name](row, X, y) for name in peers}
    trainers = {name: train for name, train in made.items() if train is not None}
    for train in trainers.values():  # warm-up: first-call costs, caches, lazy imports
        train(max(1, row.epochs // 10))
    wall: dict[str, list[float]] = {name: [] for name in trainers}
    cpu: dict[str, list[float]] = {name: [] for name in trainers}
    names = list(trainers)
    for repeat in range(repeats):
        for name in names[repeat % len(names):] + names[:repeat % len(names)]:  # rotate
            started, started_cpu = time.perf_counter(), time.process_time()
            trainers[name](row.epochs)
            wall[name].append((time.perf_counter() - started) / row.epochs)
            cpu[name].append((time.process_time() - started_cpu) / row.epochs)
    return {"wall": wall, "cpu": cpu}


def paired_ratio(mine: list[float], theirs: list[float] | None) -> float | None:
    """The median over repeats of mine/theirs: each pair ran seconds apart, under the same
    load, so this ratio is steadier than a ratio of medians on a shared machine."""
    if not theirs:
        return None
    return statistics.median(a / b for a, b in zip(mine, theirs, strict=True))


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 0.1:
        return f"{value:.3f} s"
    if value >= 1e-4:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.0f} us"


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def describe_machine() -> list[str]:
    blas = [f"{info['internal_api']} {info.get('version')} {info.get('architecture', '')} "
            f"({info['prefix']}, threads {info['num_threads']})"
            for info in threadpool_info() if info["user_api"] == "blas"]
    env = {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return [
        f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, torch {torch.__version__ if torch else 'not installed'}",
        f"cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        f"BLAS under the limit: {'; '.join(blas)}",
        f"environment: {env}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS),
                        help=f"comma-separated rows out of {', '.join(ROWS)}")
    parser.add_argument("--repeats", type=int, default=5, help="timed repetitions per trainer")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    args = parser.parse_args(argv)
    rows = [name.strip() for name in args.rows.split(",") if name.strip()]
    unknown = [name for name in rows if name not in ROWS]
    if unknown:
        parser.error(f"unknown rows {unknown}; expected some of {list(ROWS)}")
    peers = ["nnsim", "loop", "sklearn"] + (["torch"] if torch and not args.no_torch else [])
    peers.append("gemm")
    if torch:
        torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        recurrent = any(ROWS[name].kind in ("rnn", "seq2seq") for name in rows)
        floats = "float32 (rnn, seq2seq: float64)" if recurrent else "float32"
        print(f"{floats}, 1 BLAS thread, {args.repeats} interleaved repeats. Times: median "
              "seconds per epoch. Ratios nnsim/peer: median of the per-repeat ratios.\n")
        results = []
        for name in rows:
            results.append((ROWS[name], measure(ROWS[name], args.repeats, peers)))
            print(f"measured {name}", file=sys.stderr, flush=True)
        for clock, title in (("wall", "wall clock"), ("cpu", "CPU time of the process")):
            print(f"{title}:\n")
            print("| row | " + " | ".join(COLUMNS[p] for p in PEER_ORDER) + " | "
                  + " | ".join(f"nnsim/{COLUMNS[p]}" for p in PEER_ORDER[1:]) + " |")
            print("|---|" + "---:|" * (2 * len(PEER_ORDER) - 1))
            for row, result in results:
                times = [seconds(statistics.median(result[clock][p]))
                         if p in result[clock] else "-" for p in PEER_ORDER]
                ratios = [ratio(paired_ratio(result[clock]["nnsim"], result[clock].get(p)))
                          for p in PEER_ORDER[1:]]
                print(f"| {row.name} | " + " | ".join(times + ratios) + " |")
            print()
        print()
        for line in describe_machine():
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
