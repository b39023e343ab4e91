"""Read the standard MNIST IDX files, gzipped or not, with errors a user can act on.

An IDX file is a big-endian header followed by raw bytes: a magic number (2051 for unsigned-byte
images of 3 dimensions, 2049 for unsigned-byte labels of 1 dimension), then one 32-bit size per
dimension, then the data. See http://yann.lecun.com/exdb/mnist/.

The header's sizes are checked against ``nnsim.core.limits`` (MAX_IDX_ITEMS, MAX_INPUTS pixels
per image, MAX_IDX_BYTES) before any data is read, and the data is read in chunks up to one
byte past what the header announces: a small gzip file that unpacks to gigabytes costs no
more memory than the largest real MNIST file. Every problem is a ``DatasetError``.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from nnsim.core.errors import DatasetError
from nnsim.core.limits import MAX_IDX_BYTES, MAX_IDX_ITEMS, MAX_INPUTS

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
MNIST_IMAGE_SHAPE = (28, 28)
N_CLASSES = 10

_HEADER = np.dtype(">u4")
_GZIP_SIGNATURE = b"\x1f\x8b"
_CHUNK = 1 << 20

# Stem names as published, and the dotted spelling some mirrors use.
_STEMS = {
    "train_images": ("train-images-idx3-ubyte", "train-images.idx3-ubyte"),
    "train_labels": ("train-labels-idx1-ubyte", "train-labels.idx1-ubyte"),
    "test_images": ("t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"),
    "test_labels": ("t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"),
}


def _open(path: Path) -> BinaryIO:
    """The file as a stream, unpacked on the fly when it starts with the gzip signature."""
    try:
        stream: BinaryIO = path.open("rb")
    except OSError as error:
        raise DatasetError(f"{path}: cannot read the file ({error}).") from error
    try:
        compressed = stream.read(2) == _GZIP_SIGNATURE
        stream.seek(0)
    except OSError as error:
        stream.close()
        raise DatasetError(f"{path}: cannot read the file ({error}).") from error
    if compressed:
        stream.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]  # closes its own file
    return stream


def _read_up_to(path: Path, stream: BinaryIO, count: int) -> memoryview:
    """At most ``count`` bytes (a bound the caller has checked) into one buffer, read in
    chunks: a gzip bomb is never unpacked past the cap, and nothing is copied twice."""
    buffer = bytearray(count)
    view, filled = memoryview(buffer), 0
    try:
        while filled < count:
            read = stream.readinto(view[filled:filled + _CHUNK])
            if not read:
                break
            filled += read
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(
            f"{path}: the gzip data is damaged or incomplete ({error}). "
            "Download the file again, or unpack it with another tool."
        ) from error
    return view[:filled]


def _parse(path: Path, expected_magic: int, n_dims: int, what: str
           ) -> tuple[list[int], memoryview]:
    """Check the header of an unsigned-byte IDX file, then read exactly the data it announces
    (its sizes checked against the limits first); return the sizes and the data bytes."""
    stream = _open(path)
    with stream:
        header_size = 4 * (1 + n_dims)
        header = _read_up_to(path, stream, header_size)
        if len(header) >= 4:
            magic = int(np.frombuffer(header, dtype=_HEADER, count=1)[0])
            if magic != expected_magic:
                raise DatasetError(
                    f"{path}: magic number is {magic}, expected {expected_magic} for an IDX "
                    f"{what} file. Check that images and labels files are not swapped and that "
                    "the file is MNIST IDX."
                )
        if len(header) < header_size:
            raise DatasetError(
                f"{path}: the file is {len(header)} bytes long, too short for an IDX {what} "
                f"header ({header_size} bytes). The file is truncated or not an IDX file."
            )
        sizes = [int(size) for size in np.frombuffer(header, dtype=_HEADER, offset=4)]
        _check_sizes(path, sizes, what)
        expected_bytes = math.prod(sizes)
        wanted = expected_bytes + 1  # one more byte tells a file longer than announced
        if not isinstance(stream, gzip.GzipFile):  # no buffer larger than the file
            wanted = min(wanted, max(os.fstat(stream.fileno()).st_size - header_size, 0))
        payload = _read_up_to(path, stream, wanted)
    if len(payload) != expected_bytes:
        shape = " x ".join(str(size) for size in sizes)
        if len(payload) < expected_bytes:
            problem, follow = "truncated", f"but {len(payload)} follow"
        else:
            problem, follow = "longer than its header says", "but more follow"
        raise DatasetError(
            f"{path}: the file is {problem}: the header announces {shape} = {expected_bytes} "
            f"bytes of {what}, {follow}. Download the file again."
        )
    return sizes, payload


def _check_sizes(path: Path, sizes: list[int], what: str) -> None:
    """The header's sizes within the limits, before any data is read."""
    count = sizes[0]
    if count == 0:
        raise DatasetError(f"{path}: no {what} (the header announces 0). "
                           "Choose a file that holds some.")
    if count > MAX_IDX_ITEMS:
        raise DatasetError(f"{path}: the header announces {count:,} {what}, more than the "
                           f"{MAX_IDX_ITEMS:,} nnsim reads. The file is damaged or too large.")
    if len(sizes) == 3:
        rows, cols = sizes[1:]
        if not 1 <= rows * cols <= MAX_INPUTS:
            raise DatasetError(f"{path}: images of {rows} x {cols} pixels; expected 1 to "
                               f"{MAX_INPUTS:,} pixels each (MNIST's are 28 x 28).")
    if math.prod(sizes) > MAX_IDX_BYTES:
        raise DatasetError(f"{path}: the header announces {math.prod(sizes):,} bytes of "
                           f"{what}, more than the {MAX_IDX_BYTES:,} nnsim reads.")


def read_idx_images(
    path: str | Path, image_shape: tuple[int, int] | None = MNIST_IMAGE_SHAPE
) -> np.ndarray:
    """Images of an IDX3 file as a uint8 array of shape (n, rows, cols).

    ``image_shape`` is the (rows, cols) the caller expects; None accepts any size.
    """
    path = Path(path)
    sizes, payload = _parse(path, IMAGES_MAGIC, 3, "images")
    n, rows, cols = sizes
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
