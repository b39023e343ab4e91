"""The lecture's datasets, looked up by plain-string name: ``load_dataset("xor")``.

Lessons and session files store only the name and options, so every loader is deterministic for
a given seed. scikit-learn is imported inside the loaders that need it: it costs about a second
and the app should open without it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnsim.core.errors import DatasetError
from nnsim.core.idx import load_idx_folder
from nnsim.core.resources import resource_path

XY_FEATURES = ("x1", "x2")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples ``X`` (n, n_features) with integer class labels ``y`` (n,), or a label per
    time step (n, steps) for sequence targets; read-only.

    ``image_shape`` is (rows, cols) when each row of X is an image, else None.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    n_classes: int
    image_shape: tuple[int, int] | None
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        X, y = np.asarray(self.X).view(), np.asarray(self.y).view()
        if X.ndim != 2 or y.ndim not in (1, 2) or len(y) != len(X):
            raise DatasetError(
                f"dataset {self.name!r}: X has shape {X.shape} and y {y.shape}; "
                "expected X (n, n_features) and y (n,) or (n, steps)."
            )
        if len(self.feature_names) != X.shape[1]:
            raise DatasetError(
                f"dataset {self.name!r}: {len(self.feature_names)} feature names for "
                f"{X.shape[1]} features."
            )
        # Views, so the caller's arrays stay writable while the dataset's cannot change.
        X.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)


def _xy_dataset(name: str, X: np.ndarray, y: np.ndarray) -> Dataset:
    return Dataset(
        name=name,
        X=np.asarray(X, dtype=np.float64),
        y=np.asarray(y, dtype=np.int64),
        n_classes=2,
        image_shape=None,
        feature_names=XY_FEATURES,
    )


def _pixel_names(rows: int, cols: int) -> tuple[str, ...]:
    return tuple(f"pixel_{r}_{c}" for r in range(rows) for c in range(cols))


# --- Truth tables -------------------------------------------------------------------------------

_TRUTH_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
_TRUTH_OUTPUTS = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
}


def _truth_table(name: str) -> Callable[[], Dataset]:
    def load() -> Dataset:
        return _xy_dataset(name, _TRUTH_INPUTS.copy(), np.array(_TRUTH_OUTPUTS[name]))

    load.__doc__ = f"The {name.upper()} truth table: inputs (0,0), (0,1), (1,0), (1,1)."
    return load


# --- Two-dimensional point clouds ---------------------------------------------------------------


def _check_cloud_options(n_samples: int, noise: float) -> None:
    if int(n_samples) != n_samples or n_samples < 2:
        raise DatasetError(f"n_samples is {n_samples!r}; expected a whole number of at least 2.")
    if not noise >= 0:
        raise DatasetError(f"noise is {noise!r}; expected a number of at least 0.")


def _moons(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's make_moons)."""
    from sklearn.datasets import make_moons

    _check_cloud_options(n_samples, noise)
    X, y = make_moons(n_samples=int(n_samples), noise=noise, random_state=seed)
    return _xy_dataset("moons", X, y)


def _circles(
    n_samples: int = 200, noise: float = 0.05, seed: int = 0, factor: float = 0.5
) -> Dataset:
    """A small circle inside a large one (scikit-learn's make_circles); not linearly separable."""
    from sklearn.datasets import make_circles

    _check_cloud_options(n_samples, noise)
    X, y = make_circles(n_samples=int(n_samples), noise=noise, factor=factor, random_state=seed)
    return _xy_dataset("circles", X, y)


def _gaussian(n_samples: int = 200, noise: float = 0.5, seed: int = 0) -> Dataset:
    """Two Gaussian blobs around (-1, -1) and (1, 1), standard deviation ``noise``."""
    from sklearn.datasets import make_blobs

    _check_cloud_options(n_samples, noise)
    X, y = make_blobs(
        n_samples=int(n_samples),
        centers=[[-1.0, -1.0], [1.0, 1.0]],
        cluster_std=noise,
        random_state=seed,
    )
    return _xy_dataset("gaussian", X, y)


def _spiral(n_samples: int = 200, noise: float = 0.1, seed: int = 0, turns: float = 1.5) -> Dataset:
    """Two interleaved spirals of ``turns`` turns within the unit circle, the second rotated by pi.

    A point at distance t from the centre (0 < t <= 1) has angle 2 pi turns t + pi class.
    """
    _check_cloud_options(n_samples, noise)
    n_samples = int(n_samples)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n_samples) % 2)
    t = np.sqrt(rng.uniform(0.0, 1.0, n_samples))  # sqrt: even density along the arms
    angle = 2 * np.pi * turns * t + np.pi * y
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    X += rng.normal(scale=noise, size=X.shape)
    return _xy_dataset("spiral", X, y)


def _quadrants(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """XOR's layout as a cloud: points in [-1, 1]^2, class 1 where x1 and x2 have different
    signs (a checkerboard of four squares), each point moved by Gaussian ``noise``."""
    _check_cloud_options(n_samples, noise)
    n_samples = int(n_samples)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n_samples) % 2)  # balanced, as make_moons is
    first = rng.choice([-1.0, 1.0], n_samples)
    signs = np.column_stack([first, np.where(y == 1, -first, first)])
    X = signs * rng.uniform(0.02, 1.0, (n_samples, 2))
    return _xy_dataset("quadrants", X + rng.normal(scale=noise, size=X.shape), y)


def _parity(n_samples: int = 400, steps: int = 8, seed: int = 0) -> Dataset:
    """Bit strings of ``steps`` bits (one per time step) and their parity: 1 when an odd
    number of bits are 1. A recurrent net carries one bit of state along the string; the
    answer changes with every bit, so no single input tells it."""
    from nnsim.core.sequences import running_parity

    _check_sequences(n_samples, steps)
    bits, parity = running_parity(int(n_samples), int(steps), seed)
    return Dataset(name="parity", X=bits[:, :, 0], y=parity[:, -1, 0].astype(np.int64),
                   n_classes=2, image_shape=None,
                   feature_names=tuple(f"bit {t + 1}" for t in range(int(steps))))


def _sine(n_samples: int = 200, steps: int = 12, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Windows of a noisy sine wave (one value per time step) and the value one step after
    each: a recurrent network's regression (``y`` holds numbers, not classes)."""
    from nnsim.core.sequences import sine_wave

    _check_sequences(n_samples, steps)
    X, y = sine_wave(int(n_samples), int(steps), float(noise), int(seed))
    return Dataset(name="sine", X=X[:, :, 0], y=y[:, 0], n_classes=0, image_shape=None,
                   feature_names=tuple(f"x{t + 1}" for t in range(int(steps))))


def _running_parity(n_samples: int = 400, steps: int = 8, seed: int = 0) -> Dataset:
    """Bit strings and, at every step, the parity of the bits so far (a label per step: a
    many-to-many task for a SimpleRNN with return_sequences and TimeDistributed(Dense))."""
    from nnsim.core.sequences import running_parity

    _check_sequences(n_samples, steps)
    bits, parity = running_parity(int(n_samples), int(steps), seed)
    return Dataset(name="running_parity", X=bits[:, :, 0], y=parity[:, :, 0].astype(np.int64),
                   n_classes=2, image_shape=None,
                   feature_names=tuple(f"bit {t + 1}" for t in range(int(steps))))


def _check_sequences(n_samples: int, steps: int) -> None:
    if int(n_samples) != n_samples or n_samples < 2:
        raise DatasetError(f"n_samples is {n_samples!r}; expected a whole number of at least 2.")
    if int(steps) != steps or steps < 1:
        raise DatasetError(f"steps is {steps!r}; expected a whole number of at least 1.")


def _reverse(n_samples: int = 3000, min_length: int = 3, max_length: int = 5,
             vocabulary: int = 5, seed: int = 0) -> Dataset:
    """Distinct sequences of ``min_length``..``max_length`` digits and the same digits
    reversed, ended and padded by the end symbol ``vocabulary`` (so the labels have
    vocabulary + 1 classes): what a sequence-to-sequence network learns to write."""
    from nnsim.core.sequences import reverse_digits

    try:
        X, y = reverse_digits(int(n_samples), int(min_length), int(max_length),
                              int(vocabulary), int(seed))
    except ValueError as error:
        raise DatasetError(f"dataset 'reverse': {error}.") from None
    return Dataset(name="reverse", X=X.astype(np.float64), y=y, n_classes=int(vocabulary) + 1,
                   image_shape=None,
                   feature_names=tuple(f"step {t + 1}" for t in range(int(max_length))))


# --- Images -------------------------------------------------------------------------------------


def _digits() -> Dataset:
    """scikit-learn's 1,797 handwritten digits, 8x8 pixels scaled from 0..16 to 0..1."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return Dataset(
        name="digits",
        X=digits.data / 16.0,
        y=digits.target.astype(np.int64),
        n_classes=10,
        image_shape=(8, 8),
        feature_names=tuple(digits.feature_names),
    )


_MNIST_PARTS = ("all", "train", "test")


def _mnist(path: str | Path | None = None, part: str = "all") -> Dataset:
    """MNIST digits, 28x28 pixels scaled to 0..1 (float32).

    Without ``path``: the bundled sample of 5,000 images (500 per class). With ``path``: a folder
    holding the standard IDX files; ``part`` picks "train" (60,000), "test" (10,000) or "all".
    """
    if path is None:
        try:
            with np.load(resource_path("data", "mnist_5k.npz")) as archive:
                X, y = archive["X"], archive["y"]
        except FileNotFoundError as error:
            raise DatasetError(
                f"The bundled MNIST sample is missing ({error}). Reinstall nnsim, or load the "
                "full MNIST with path= a folder holding its IDX files."
            ) from error
    else:
        if part not in _MNIST_PARTS:
            raise DatasetError(f"part is {part!r}; expected one of {', '.join(_MNIST_PARTS)}.")
        X_train, y_train, X_test, y_test = load_idx_folder(path)
        X, y = {
            "train": (X_train, y_train),
            "test": (X_test, y_test),
            "all": (np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])),
        }[part]
    pixels = X.astype(np.float32)
    pixels /= 255  # in place: the full MNIST as float32 is already 220 MB
    return Dataset(
        name="mnist",
        X=pixels,
        y=y.astype(np.int64),
        n_classes=10,
        image_shape=(28, 28),
        feature_names=_pixel_names(28, 28),
    )


DATASETS: dict[str, Callable[..., Dataset]] = {
    **{name: _truth_table(name) for name in _TRUTH_OUTPUTS},
    "moons": _moons,
    "circles": _circles,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "quadrants": _quadrants,
    "parity": _parity,
    "running_parity": _running_parity,
    "sine": _sine,
    "reverse": _reverse,
    "digits": _digits,
    "mnist": _mnist,
}


#: The 2-D point clouds, in menu order: the Data menu offers them and the boundary's toolbar
#: re-draws them.
CLOUD_NAMES = ("moons", "circles", "gaussian", "spiral", "quadrants")


def dataset_names() -> list[str]:
    """Names accepted by load_dataset, in menu order."""
    return list(DATASETS)


def load_dataset(name: str, **options: object) -> Dataset:
    """Load the dataset registered under ``name`` with its loader's options (e.g. ``seed=1``)."""
    try:
        loader = DATASETS[name]
    except KeyError:
        raise DatasetError(
            f"Unknown dataset {name!r}; known datasets: {', '.join(DATASETS)}."
        ) from None
    signature = inspect.signature(loader)
    try:
        signature.bind(**options)
    except TypeError:
        accepted = ", ".join(signature.parameters) or "none"
        raise DatasetError(
            f"Dataset {name!r} got options {', '.join(options)}; it accepts: {accepted}."
        ) from None
    return loader(**options)


def train_test_split(
    dataset: Dataset, test_size: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split into ``(X_train, X_test, y_train, y_test)``, keeping class proportions
    (stratified; sequence targets are split at random)."""
    from sklearn.model_selection import train_test_split as sklearn_split

    try:
        return tuple(
            sklearn_split(
                dataset.X, dataset.y, test_size=test_size, random_state=seed,
                stratify=dataset.y if np.ndim(dataset.y) == 1 else None,
            )
        )
    except ValueError as error:
        raise DatasetError(
            f"Cannot split dataset {dataset.name!r} ({len(dataset.y)} samples) with "
            f"test_size={test_size}: {error}"
        ) from error


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Class labels (n,) as rows of the identity matrix (n, n_classes): the targets of softmax."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise DatasetError(f"one_hot needs integer class labels; got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise DatasetError(
            f"one_hot: labels range from {y.min()} to {y.max()}; expected 0 to {n_classes - 1}."
        )
    return np.eye(n_classes)[y]
