"""Train the pretrained digit models that ship in resources/models/, from a fixed seed.

    python scripts/train_pretrained.py            # train, measure, write resources/models/
    python scripts/train_pretrained.py --dry-run  # train and measure only

Both use nnsim's own engine (Network.fit) on one BLAS thread, and end in a softmax trained with
categorical cross-entropy, so ``predict`` gives class probabilities:

- "digits": 64-32-16-10 (sigmoid, sigmoid, softmax), the digits lesson's layer sizes, trained on
  the lesson's split (75 % of scikit-learn's digits, stratified, seed 0) and tested on its 25 %.
  The lesson itself ends in sigmoid units with the lecture's squared error; softmax is used here
  so the pad's ten bars are probabilities that sum to 1.
- "mnist": 784-256-128-10 (sigmoid, sigmoid, softmax, Glorot uniform), the MNIST lesson's
  network, trained on 75 % of the bundled 5,000 images and tested on the other 1,250. SGD with
  momentum 0.9 and learning rate 0.1 replaces the lesson's plain SGD at 0.01, which needs far
  more epochs.

Then it measures what the digit pad relies on: where the ink sits and how large it is in each
training set against the preprocessed output, and each model's accuracy on digits made
differently (the other data set pushed through the preprocessing, and pad-like strokes drawn by
``render_strokes`` at random sizes, places, slants and brush widths).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from nnsim.core import pretrained
from nnsim.core.datasets import load_dataset, train_test_split
from nnsim.core.layers import Dense
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.preprocess import render_strokes, resize, to_digits_8x8, to_mnist_28x28

MODELS_DIR = Path(__file__).resolve().parent.parent / "resources" / "models"
SEED = 0
PAD_SIZE = 192  # the digit pad's canvas, in pixels

RECIPES = {
    "digits": {
        "dataset": "digits", "test_size": 0.25, "split_seed": 0, "inputs": 64,
        "layers": [(32, "sigmoid"), (16, "sigmoid"), (10, "softmax")],
        "initializer": "glorot_uniform", "learning_rate": 0.1, "momentum": 0.9,
        "batch_size": 16, "epochs": 60, "loss": "categorical_crossentropy",
        "preprocess": "to_digits_8x8(image) / 16",
    },
    "mnist": {
        "dataset": "mnist", "test_size": 0.25, "split_seed": 0, "inputs": 784,
        "layers": [(256, "sigmoid"), (128, "sigmoid"), (10, "softmax")],
        "initializer": "glorot_uniform", "learning_rate": 0.1, "momentum": 0.9,
        "batch_size": 32, "epochs": 30, "loss": "categorical_crossentropy",
        "preprocess": "to_mnist_28x28(image)",
    },
}


def train(name: str) -> tuple[Network, dict, float, tuple[np.ndarray, np.ndarray]]:
    """Train one recipe; returns the network, the recipe, its test accuracy and test rows."""
    recipe = RECIPES[name]
    data = load_dataset(recipe["dataset"])
    X_train, X_test, y_train, y_test = train_test_split(
        data, test_size=recipe["test_size"], seed=recipe["split_seed"])
    rng = np.random.default_rng(SEED)
    layers, n_in = [], recipe["inputs"]
    for units, activation in recipe["layers"]:
        layers.append(Dense(n_in, units, activation, initializer=recipe["initializer"], seed=rng))
        n_in = units
    network = Network(layers)
    start = time.perf_counter()
    network.fit(np.asarray(X_train, dtype=np.float64), y_train, epochs=recipe["epochs"],
                batch_size=recipe["batch_size"],
                optimizer=SGD(recipe["learning_rate"], recipe["momentum"]),
                loss=recipe["loss"], seed=SEED)
    accuracy = float(np.mean(network.predict(X_test).argmax(axis=1) == y_test))
    print(f"{name}: trained {recipe['epochs']} epochs on {len(X_train)} images in "
          f"{time.perf_counter() - start:.1f} s; test accuracy {accuracy:.4f} "
          f"on {len(X_test)} held-out images")
    return network, recipe, accuracy, (X_test, y_test)


def save(name: str, network: Network, recipe: dict, accuracy: float, specs: dict) -> None:
    """Write <name>.npz (float32) and the model's entry in models.json."""
    arrays = {}
    for index, (weights, bias) in enumerate(network.get_weights()):
        arrays[f"W{index}"] = weights.astype(np.float32)
        arrays[f"b{index}"] = bias.astype(np.float32)
    np.savez_compressed(MODELS_DIR / f"{name}.npz", **arrays)
    specs[name] = {
        "file": f"{name}.npz",
        "inputs": recipe["inputs"],
        "layers": [{"units": u, "activation": a, "bias": True} for u, a in recipe["layers"]],
        "input": recipe["preprocess"] + ", values in [0, 1]",
        "output": "10 class probabilities (softmax)",
        "trained_by": "scripts/train_pretrained.py",
        "training": {key: recipe[key] for key in (
            "dataset", "test_size", "split_seed", "initializer", "learning_rate", "momentum",
            "batch_size", "epochs", "loss")} | {"seed": SEED, "optimizer": "sgd"},
        "test_accuracy": round(accuracy, 4),
    }


# -- what the pad relies on -------------------------------------------------------------------


def ink_statistics(images: np.ndarray) -> str:
    """Mean ink box (height x width, top-left) and centre of mass of (n, rows, cols) images."""
    ink = images > 0
    rows, cols = ink.any(axis=2), ink.any(axis=1)
    top, left = rows.argmax(axis=1), cols.argmax(axis=1)
    height = images.shape[1] - rows[:, ::-1].argmax(axis=1) - top
    width = images.shape[2] - cols[:, ::-1].argmax(axis=1) - left
    mass = images.sum(axis=(1, 2))
    centre_row = images.sum(axis=2) @ np.arange(images.shape[1]) / mass
    centre_col = images.sum(axis=1) @ np.arange(images.shape[2]) / mass
    return (f"box {height.mean():5.2f} x {width.mean():5.2f} at ({top.mean():4.2f}, "
            f"{left.mean():4.2f}); centre of mass ({centre_row.mean():5.2f} +- "
            f"{centre_row.std():.2f}, {centre_col.mean():5.2f} +- {centre_col.std():.2f}); "
            f"mean value {images.mean():.3f}")


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> list:
    """Points (x, y) of an elliptic arc, angles in degrees anticlockwise with y pointing up."""
    angles = np.radians(np.linspace(start, stop, 24))
    return list(zip(cx + rx * np.cos(angles), cy - ry * np.sin(angles), strict=True))


#: Each digit as pen strokes of (x, y) points in a unit box, y downwards: a plain hand.
STROKES = {
    0: [_arc(0.5, 0.5, 0.36, 0.48, 90, 450)],
    1: [[(0.3, 0.22), (0.56, 0.02), (0.56, 0.98)]],
    2: [_arc(0.5, 0.3, 0.32, 0.28, 160, -40) + [(0.12, 0.98), (0.9, 0.98)]],
    3: [_arc(0.48, 0.27, 0.3, 0.25, 150, -90) + _arc(0.48, 0.73, 0.34, 0.25, 90, -150)],
    4: [[(0.55, 0.02), (0.1, 0.66), (0.9, 0.66)], [(0.62, 0.3), (0.62, 0.98)]],
    5: [[(0.82, 0.02), (0.3, 0.02), (0.24, 0.45)] + _arc(0.5, 0.68, 0.34, 0.3, 140, -150)],
    6: [[(0.72, 0.02)] + _arc(0.68, 0.62, 0.5, 0.6, 110, 200) + _arc(0.5, 0.7, 0.32, 0.28, 180,
                                                                        -180)],
    7: [[(0.1, 0.02), (0.9, 0.02), (0.4, 0.98)]],
    8: [_arc(0.5, 0.26, 0.26, 0.24, -90, 270), _arc(0.5, 0.73, 0.32, 0.25, 90, 450)],
    9: [_arc(0.5, 0.3, 0.3, 0.28, 0, 360), [(0.8, 0.3), (0.72, 0.98)]],
}


#: Brush radius over digit height for the pad drawings: about the pad's default brushes (18 and
#: 26 pixels wide) on a digit 140 pixels tall. scikit-learn's digits have thicker strokes.
PAD_BRUSH = {"mnist": (0.045, 0.09), "digits": (0.08, 0.12)}


def pad_digits(n_per_digit: int, brush: tuple[float, float],
               seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Pad-like drawings of STROKES: random size, place, slant, width and brush, shaky points."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit, strokes in STROKES.items():
        for _ in range(n_per_digit):
            height = rng.uniform(0.3, 0.85) * PAD_SIZE
            width = height * rng.uniform(0.55, 0.95)
            slant = rng.uniform(-0.25, 0.25)
            top = rng.uniform(0, PAD_SIZE - height)
            left = rng.uniform(0, PAD_SIZE - width - abs(slant) * height)
            radius = rng.uniform(*brush) * height
            drawn = []
            for stroke in strokes:
                x, y = np.asarray(stroke, dtype=float).T
                row = top + y * height + rng.normal(0, 0.01 * height, y.shape)
                col = left + (x + slant * (1 - y)) * width + rng.normal(0, 0.01 * height, x.shape)
                drawn.append(np.column_stack([row, col]))
            images.append(render_strokes(drawn, (PAD_SIZE, PAD_SIZE), radius))
            labels.append(digit)
    return np.array(images), np.array(labels)


def _accuracy(network: Network, rows: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(network.predict(rows).argmax(axis=1) == labels))


def measure(digits_net: Network, mnist_net: Network) -> None:
    """Print ink placement per data set and each model's accuracy on digits made differently."""
    digits = load_dataset("digits")
    mnist = load_dataset("mnist")
    digit_images = np.asarray(digits.X).reshape(-1, 8, 8) * 16
    mnist_images = np.asarray(mnist.X, dtype=np.float64).reshape(-1, 28, 28)
    pad_mnist, pad_labels = pad_digits(30, PAD_BRUSH["mnist"])
    pad_digit_images, _ = pad_digits(30, PAD_BRUSH["digits"])

    as_mnist = {
        "MNIST (training set)": mnist_images,
        "MNIST re-preprocessed": [to_mnist_28x28(image) for image in mnist_images],
        "digits 8x8 -> 32x32 -> 28x28": [to_mnist_28x28(resize(image, (32, 32)))
                                          for image in digit_images],
        "pad drawings -> 28x28": [to_mnist_28x28(image) for image in pad_mnist],
    }
    as_digits = {
        "digits (training set)": digit_images,
        "digits re-preprocessed": [to_digits_8x8(image) for image in digit_images],
        "MNIST 28x28 -> 8x8": [to_digits_8x8(image) for image in mnist_images],
        "pad drawings -> 8x8": [to_digits_8x8(image) for image in pad_digit_images],
    }
    labels = {"MNIST": mnist.y, "digits": digits.y, "pad": pad_labels}
    for title, sets, network, shape, scale in (
            ("28x28 inputs, mnist model", as_mnist, mnist_net, (28, 28), 1.0),
            ("8x8 inputs (0..16), digits model", as_digits, digits_net, (8, 8), 16.0)):
        print(f"\n{title}: ink box (rows x cols at top, left), centre of mass, accuracy")
        for name, images in sets.items():
            images = np.asarray(images).reshape(-1, *shape)
            y = labels[name.split()[0]]
            accuracy = _accuracy(network, images.reshape(len(images), -1) / scale, y)
            print(f"  {name:30s} {ink_statistics(images)}; accuracy {accuracy:.3f} "
                  f"(n={len(y)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="train and measure, write nothing")
    args = parser.parse_args(argv)
    with threadpool_limits(1):
        trained = {name: train(name) for name in RECIPES}
        if not args.dry_run:
            specs: dict = {}
            for name, (network, recipe, accuracy, _) in trained.items():
                save(name, network, recipe, accuracy, specs)
            (MODELS_DIR / pretrained.SPEC_FILE).write_text(json.dumps(specs, indent=2) + "\n")
            for name, (_, _, _, (X_test, y_test)) in trained.items():
                path = MODELS_DIR / f"{name}.npz"  # the shipped float32 weights must score too
                shipped = _accuracy(pretrained.load(name), X_test, y_test)
                print(f"{name}: wrote {path} ({path.stat().st_size / 1e3:.0f} kB); "
                      f"test accuracy as loaded by pretrained.load: {shipped:.4f}")
        measure(trained["digits"][0], trained["mnist"][0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
