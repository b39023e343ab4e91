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

    python bench/train_bench.py                       # every row, 5 repeats
    python bench/train_bench.py --rows digits,mnist --repeats 3

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

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD

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


ROWS = {
    "xor-sample": Row("XOR 2-2-1, batch 1 (per sample)", (2, 2, 1), 4, 1, 1000, 0.5),
    "xor-batch": Row("XOR 2-2-1, full batch (4)", (2, 2, 1), 4, 4, 1000, 0.5),
    "digits": Row("digits 64-32-16-10, batch 32", (64, 32, 16, 10), 1797, 32, 20, 0.1),
    "mnist": Row("MNIST-shaped 784-256-128-10, batch 128, 60,000 rows",
                 (784, 256, 128, 10), 60_000, 128, 1, 0.01),
}


def make_data(row: Row) -> tuple[np.ndarray, np.ndarray]:
    """The row's inputs (float32) and integer class labels."""
    if row.sizes[0] == 2:
        return (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=DTYPE),
                np.array([0, 1, 1, 0]))
    if row.sizes[0] == 64:
        digits = load_digits()
        return (digits.data / 16.0).astype(DTYPE), digits.target
    rng = np.random.default_rng(0)  # random data of MNIST's shape: the speed is the same
    return (rng.random((row.n_rows, row.sizes[0]), dtype=DTYPE),
            rng.integers(0, row.sizes[-1], row.n_rows))


# -- the trainers: each returns a function that trains `epochs` epochs -------------------------


def nnsim_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Network.fit, as the headless runner calls it (shuffled mini-batches, float32)."""
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


def sklearn_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """MLPClassifier, one partial_fit per epoch (plain SGD: no momentum, no L2)."""
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
    n, batch = len(X), row.batch_size

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


def loop_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """The same training as a hand-written NumPy loop, all layers unrolled by hand, no
    framework: what nnsim's general engine (any layers, activations, losses) costs over it."""
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


def gemm_trainer(row: Row, X: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Only the epoch's matrix multiplications, into preallocated outputs: the floor."""
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


TRAINERS: dict[str, Callable[[Row, np.ndarray, np.ndarray], Callable[[int], None]]] = {
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
    trainers = {name: TRAINERS[name](row, X, y) for name in peers}
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
        print(f"float32, 1 BLAS thread, {args.repeats} interleaved repeats. Times: median "
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
