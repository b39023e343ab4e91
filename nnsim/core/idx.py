"""Read the standard MNIST IDX files, gzipped or not, with errors a user can act on.

An IDX file is a big-endian header followed by raw bytes: a magic number (2051 for unsigned-byte
images of 3 dimensions, 2049 for unsigned-byte labels of 1 dimension), then one 32-bit size per
dimension, then the data. See http://yann.lecun.com/exdb/mnist/.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from nnsim.core.errors import DatasetError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
MNIST_IMAGE_SHAPE = (28, 28)
N_CLASSES = 10

_HEADER = np.dtype(">u4")
_GZIP_SIGNATURE = b"\x1f\x8b"

# Stem names as published, and the dotted spelling some mirrors use.
_STEMS = {
    "train_images": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "train_labels": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "test_images": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "test_labels": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}


def _read_bytes(path: Path) -> bytes:
    """The file's contents, decompressed when it starts with the gzip signature."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error}).") from error
    if not raw.startswith(_GZIP_SIGNATURE):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(
            f"{path}: the gzip data is damaged or incomplete ({error}). "
            "Download the file again, or unpack it with another tool."
        ) from error


def _parse(path: Path, expected_magic: int, n_dims: int, what: str) -> tuple[np.ndarray, bytes]:
    """Check the header of an unsigned-byte IDX file; return its sizes and the data bytes."""
    data = _read_bytes(path)
    header_size = 4 * (1 + n_dims)
    if len(data) >= 4:
        magic = int(np.frombuffer(data, dtype=_HEADER, count=1)[0])
        if magic != expected_magic:
            raise DatasetError(
                f"{path}: magic number is {magic}, expected {expected_magic} for an IDX {what} "
                "file. Check that images and labels files are not swapped and that the file is "
                "MNIST IDX."
            )
    if len(data) < header_size:
        raise DatasetError(
            f"{path}: the file is {len(data)} bytes long, too short for an IDX {what} header "
            f"({header_size} bytes). The file is truncated or not an IDX file."
        )
    sizes = np.frombuffer(data, dtype=_HEADER, count=n_dims, offset=4).astype(np.int64)
    payload = data[header_size:]
    expected_bytes = int(np.prod(sizes))
    if len(payload) != expected_bytes:
        shape = " x ".join(str(size) for size in sizes)
        problem = "truncated" if len(payload) < expected_bytes else "longer than its header says"
        raise DatasetError(
            f"{path}: the file is {problem}: the header announces {shape} = {expected_bytes} "
            f"bytes of {what}, but {len(payload)} follow. Download the file again."
        )
    return sizes, payload


def read_idx_images(
    path: str | Path, image_shape: tuple[int, int] | None = MNIST_IMAGE_SHAPE
) -> np.ndarray:
    """Images of an IDX3 file as a uint8 array of shape (n, rows, cols).

    ``image_shape`` is the (rows, cols) the caller expects; None accepts any size.
    """
    path = Path(path)
    sizes, payload = _parse(path, IMAGES_MAGIC, 3, "images")
    n, rows, cols = (int(size) for size in sizes)
    if image_shape is not None and (rows, cols) != tuple(image_shape):
        raise DatasetError(
            f"{path}: images are {rows} x {cols} pixels, expected "
            f"{image_shape[0]} x {image_shape[1]}."
        )
    return np.frombuffer(payload, dtype=np.uint8).reshape(n, rows, cols)


def read_idx_labels(path: str | Path, n_classes: int = N_CLASSES) -> np.ndarray:
    """Labels of an IDX1 file as a uint8 array of shape (n,), each in 0..n_classes-1."""
    path = Path(path)
    _, payload = _parse(path, LABELS_MAGIC, 1, "labels")
    labels = np.frombuffer(payload, dtype=np.uint8)
    bad = np.flatnonzero(labels >= n_classes)
    if bad.size:
        raise DatasetError(
            f"{path}: {bad.size} label(s) out of range, e.g. label {labels[bad[0]]} at index "
            f"{bad[0]}; expected labels 0 to {n_classes - 1}."
        )
    return labels


def find_idx_file(folder: str | Path, part: str) -> Path:
    """The file for ``part`` ("train_images", "train_labels", "test_images", "test_labels")."""
    folder = Path(folder)
    names = [stem + suffix for stem in _STEMS[part] for suffix in ("", ".gz")]
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise DatasetError(
        f"{folder}: no {part.replace('_', ' ')} file; expected one of {', '.join(names)}."
    )


def _read_pair(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images_path = find_idx_file(folder, f"{split}_images")
    labels_path = find_idx_file(folder, f"{split}_labels")
    images = read_idx_images(images_path)
    labels = read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise DatasetError(
            f"{images_path.name} has {len(images)} images but {labels_path.name} has "
            f"{len(labels)} labels; expected the same count. The files do not belong together."
        )
    return images.reshape(len(images), -1), labels


def load_idx_folder(
    folder: str | Path,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read the four MNIST IDX files of a folder by their standard names (``.gz`` or not).

    Returns ``(X_train, y_train, X_test, y_test)``: images as uint8 arrays of shape (n, 784)
    in row-major order, labels as uint8 arrays of shape (n,).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(
            f"{folder}: not a folder. Expected a folder holding the MNIST IDX files "
            "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
            "t10k-labels-idx1-ubyte.gz)."
        )
    X_train, y_train = _read_pair(folder, "train")
    X_test, y_test = _read_pair(folder, "test")
    return X_train, y_train, X_test, y_test
