"""Read chosen ``.npy`` members of a zip archive (``.npz``, ``.nnsim``) without trusting it.

``np.load`` trusts what a file says: a member whose header claims 298 GiB allocates 298 GiB,
and a member that inflates to 2 GB is inflated when touched. Here a member is read only when
asked for by name; its declared (uncompressed) size in the zip directory is checked against a
limit before a byte is inflated (and zipfile never inflates past that declared size); its npy
header is checked against the expected shape and dtype before the data is allocated; pickled
objects are never loaded; and every failure is one error of the caller's type naming the file
and the member.
"""

from __future__ import annotations

import math
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path
from types import TracebackType

import numpy as np

from nnsim.core.errors import NnsimFileError
from nnsim.core.limits import MAX_ARCHIVE_MEMBERS, MAX_DIRECTORY_BYTES

#: Room for a member's npy header on top of its data (numpy writes ~128 bytes and refuses
#: headers longer than 10,000).
HEADER_ROOM = 16_384
FLOATS = ("float32", "float64")

# What zipfile, zlib and numpy's header parser raise on damaged input.
_DAMAGE = (OSError, EOFError, ValueError, zipfile.BadZipFile, zipfile.LargeZipFile,
           NotImplementedError, RuntimeError, zlib.error, struct.error, SyntaxError,
           tokenize.TokenError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


class Archive:
    """A zip archive opened for reading chosen members; use as a context manager."""

    def __init__(self, path: str | Path, error: type[NnsimFileError], max_file_bytes: int,
                 what: str = "a NumPy archive", name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self.error, self.max_file_bytes, self.what = error, max_file_bytes, what
        self._zip: zipfile.ZipFile | None = None

    def __enter__(self) -> Archive:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            raise self.error(f"{self.name}: no such file. Check the name and folder.") from None
        except OSError as error:
            raise self.error(f"{self.name}: cannot be read ({error.strerror or error}).") \
                from None
        if size > self.max_file_bytes:
            raise self.error(f"{self.name}: the file is {size:,} bytes, more than the "
                             f"{self.max_file_bytes:,} bytes {self.what} may have. "
                             "It was not read.")
        self._check_directory()
        try:
            self._zip = zipfile.ZipFile(self.path)
        except _DAMAGE as error:
            raise self.error(f"{self.name} is not {self.what} (it could not be read as one: "
                             f"{_short(error)}). Choose a file saved by nnsim.") from None
        return self

    def _check_directory(self) -> None:
        """zipfile builds one object per directory entry: a small file may list millions.
        Its end record (read by zipfile's own helper) says how many, before any is built."""
        try:
            with self.path.open("rb") as stream:
                end = zipfile._EndRecData(stream)  # None when there is no end record
        except AttributeError:  # the helper is private: without it, trust the size limit
            return
        except _DAMAGE:
            return  # zipfile will say what is wrong
        if end is None:
            return
        entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
        if entries > MAX_ARCHIVE_MEMBERS or size > MAX_DIRECTORY_BYTES:
            raise self.error(f"{self.name}: its zip directory lists {entries:,} members in "
                             f"{size:,} bytes; {self.what} has at most {MAX_ARCHIVE_MEMBERS:,} "
                             "members. It was not read.")

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._zip is not None:
            self._zip.close()

    def fail(self, key: str, problem: str, fix: str = "") -> NnsimFileError:
        message = f"{self.name}: member '{key}.npy': {problem}."
        return self.error(f"{message} {fix}" if fix else message)

    def has(self, key: str) -> bool:
        assert self._zip is not None
        return f"{key}.npy" in self._zip.NameToInfo

    def array(self, key: str, *, shape: tuple[int, ...] | None = None, ndim: int | None = None,
              dtypes: tuple[str, ...] = FLOATS, max_bytes: int) -> np.ndarray:
        """Member ``key`` as a new native-order array, after checking its declared size,
        shape (``shape`` exactly, or ``ndim`` dimensions) and dtype (one of ``dtypes``)."""
        assert self._zip is not None
        info = self._zip.NameToInfo.get(f"{key}.npy")
        if info is None:
            raise self.fail(key, "missing", "The file is incomplete; save it again.")
        if shape is not None:
            max_bytes = min(max_bytes, math.prod(shape) * 8)
        if info.file_size > max_bytes + HEADER_ROOM:
            raise self.fail(key, f"declares {info.file_size:,} bytes once unpacked, expected at "
                                 f"most {max_bytes + HEADER_ROOM:,}", "It was not read.")
        try:
            with self._zip.open(info) as stream:
                array_shape, fortran, dtype = _read_header(stream)
                self._check(key, array_shape, dtype, shape, ndim, dtypes)
                nbytes = math.prod(array_shape) * dtype.itemsize
                if nbytes > max_bytes:
                    raise self.fail(key, f"its header announces {nbytes:,} bytes, expected at "
                                         f"most {max_bytes:,}")
                data = stream.read(nbytes)  # never more than the declared size
                if len(data) < nbytes:
                    raise self.fail(key, f"truncated: {len(data):,} of {nbytes:,} bytes")
                if stream.read(1):
                    raise self.fail(key, "longer than its header says")
        except NnsimFileError:
            raise
        except _DAMAGE as error:
            raise self.fail(key, f"damaged ({_short(error)})", "The file cannot be used.") \
                from None
        array = np.frombuffer(data, dtype=dtype).reshape(array_shape,
                                                         order="F" if fortran else "C")
        return array.astype(dtype.newbyteorder("="))  # a writable, native-order copy

    def _check(self, key: str, array_shape: tuple[int, ...], dtype: np.dtype,
               shape: tuple[int, ...] | None, ndim: int | None, dtypes: tuple[str, ...]) -> None:
        if dtype.hasobject or dtype.newbyteorder("=").name not in dtypes:
            raise self.fail(key, f"numbers of type {dtype.str!r}, expected "
                                 f"{' or '.join(dtypes)}", "nnsim saves no other kind.")
        if any(size < 0 for size in array_shape):
            raise self.fail(key, f"impossible shape {array_shape}")
        if shape is not None and tuple(array_shape) != tuple(shape):
            raise self.fail(key, f"shape {tuple(array_shape)}, expected {tuple(shape)}")
        if ndim is not None and len(array_shape) != ndim:
            raise self.fail(key, f"{len(array_shape)} dimensions, expected {ndim}")


def _read_header(stream: object) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran order, dtype) of an npy stream, which is left at the data."""
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream)
    raise ValueError(f"npy format version {version[0]}.{version[1]} is not supported")


def _short(error: BaseException) -> str:
    """An error's message on one line, cut to 120 characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
