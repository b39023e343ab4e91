"""2-D labelled points as a teacher edits them: checked, read from and written to CSV files.

A points file has one row per point, ``x1,x2,label``, with label 0 or 1; a first line whose
fields are not numbers (``x1,x2,label``) is a header. Blank lines and lines starting with ``#``
are skipped. Every problem is one ``DatasetError`` naming the file, the line, what was wrong and
what was expected, so the GUI can show it as it is; a file of more than ``MAX_POINTS`` rows or
``MAX_BYTES`` bytes is refused (see ``nnsim.core.limits``).
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np

from nnsim.core.errors import DatasetError
from nnsim.core.leftovers import sweep_leftovers, temporary_beside
from nnsim.core.limits import MAX_POINTS, MAX_POINTS_FILE_BYTES

Array = np.ndarray

HEADER = ("x1", "x2", "label")
#: Files larger than this are refused before reading: a points file is hand-sized.
MAX_BYTES = MAX_POINTS_FILE_BYTES


def check_points(X: Array, y: Array) -> tuple[Array, Array]:
    """(X float (n, 2), y int (n,) of 0/1) or a DatasetError saying what does not fit."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise DatasetError(f"points must be rows of 2 coordinates (x1, x2); got shape {X.shape}.")
    if y.shape != (len(X),):
        raise DatasetError(f"{len(X)} points need {len(X)} labels; got labels of shape "
                           f"{y.shape}.")
    if not np.isfinite(X).all():
        raise DatasetError("point coordinates must be finite numbers (no NaN or infinity).")
    if y.size and not np.isin(y, (0, 1)).all():
        bad = y[~np.isin(y, (0, 1))][0].item()
        raise DatasetError(f"labels must be 0 or 1; got {bad!r}.")
    return X, y.astype(np.int64)


def nearest_point(X: Array, position: tuple[float, float], pixel_size: tuple[float, float],
                  radius: float = 8.0) -> int | None:
    """Index of the point nearest ``position`` within ``radius`` screen pixels, else None.

    ``pixel_size`` is the data width and height of one screen pixel, so the distance is measured
    as the user sees it even when the axes have different scales.
    """
    if len(X) == 0:
        return None
    dx = (X[:, 0] - position[0]) / pixel_size[0]
    dy = (X[:, 1] - position[1]) / pixel_size[1]
    distance = np.hypot(dx, dy)
    index = int(np.argmin(distance))
    return index if distance[index] <= radius else None


def read_points_csv(path: str | Path) -> tuple[Array, Array]:
    """Read ``x1,x2,label`` rows; raises DatasetError naming the file and line of any problem."""
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DatasetError(f"{name}: the file is larger than {MAX_BYTES // 1_000_000} MB; "
                               "a points file has one short line per point.")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise DatasetError(f"{name}: cannot be read ({error.strerror or error}). "
                           "Check the file name and that you may read it.") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{name}: not a text file. Expected CSV text with lines "
                           "x1,x2,label.") from None
    rows: list[tuple[float, float, int]] = []
    reader = csv.reader(io.StringIO(text))
    first = True
    try:
        for fields in reader:
            line = reader.line_num
            fields = [field.strip() for field in fields]
            if not any(fields) or fields[0].startswith("#"):
                continue
            if first and not any(map(_is_number, fields)):
                first = False
                continue  # a header such as x1,x2,label
            first = False
            if len(rows) == MAX_POINTS:
                raise DatasetError(f"{name}, line {line}: more than {MAX_POINTS:,} points. "
                                   "Keep the first ones in a separate file.")
            rows.append(_parse_row(name, line, fields))
    except csv.Error as error:
        raise DatasetError(f"{name}, line {reader.line_num}: not valid CSV ({error}).") from None
    if not rows:
        raise DatasetError(f"{name}: no points in the file. Expected one line per point: "
                           "x1,x2,label (label 0 or 1).")
    data = np.array(rows, dtype=np.float64)
    return data[:, :2].copy(), data[:, 2].astype(np.int64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_row(name: str, line: int, fields: list[str]) -> tuple[float, float, int]:
    where = f"{name}, line {line}"
    if len(fields) != 3:
        raise DatasetError(f"{where}: {len(fields)} columns, expected 3 (x1, x2, label).")
    values = []
    for column, text in zip(HEADER, fields, strict=True):
        try:
            value = float(text)
        except ValueError:
            raise DatasetError(f"{where}: column {column} is {text!r}, not a number. "
                               "Expected a number such as 0.5.") from None
        if not math.isfinite(value):
            raise DatasetError(f"{where}: column {column} is {text!r}. Expected a finite number.")
        values.append(value)
    if values[2] not in (0.0, 1.0):
        raise DatasetError(f"{where}: label is {fields[2]!r}. Expected 0 or 1.")
    return values[0], values[1], int(values[2])


def write_points_csv(path: str | Path, X: Array, y: Array) -> None:
    """Write ``x1,x2,label`` rows atomically: a temporary file in the same folder, then a rename.

    Coordinates are written with ``repr`` so reading the file back gives the same floats.
    """
    X, y = check_points(X, y)
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = temporary_beside(path)
    except OSError as error:
        raise DatasetError(f"{path.name}: cannot write in {folder} "
                           f"({error.strerror or error}). Choose another folder.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows((repr(float(a)), repr(float(b)), int(label))
                             for (a, b), label in zip(X, y, strict=True))
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a points file is shareable
        os.replace(temporary, path)
    except OSError as error:
        raise DatasetError(f"{path.name}: cannot be written ({error.strerror or error}). "
                           "Check the folder and free space.") from None
    finally:  # any failure takes its temporary file with it
        temporary.unlink(missing_ok=True)
    sweep_leftovers(path)
