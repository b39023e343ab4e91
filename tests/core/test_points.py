"""Points CSV files: a round trip keeps every point; every bad file names its problem."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.errors import DatasetError
from nnsim.core.points import (
    check_points,
    nearest_point,
    read_points_csv,
    write_points_csv,
)


def test_round_trip_keeps_every_point_exactly(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(257, 2)) * [1e-7, 1e6]
    X[0] = [0.1, -1 / 3]
    y = rng.integers(0, 2, size=257)
    path = tmp_path / "points.csv"
    write_points_csv(path, X, y)
    X_read, y_read = read_points_csv(path)
    np.testing.assert_array_equal(X_read, X)       # bit for bit: repr round-trips floats
    np.testing.assert_array_equal(y_read, y)
    assert X_read.dtype == np.float64 and y_read.dtype == np.int64
    assert path.read_text().splitlines()[0] == "x1,x2,label"
    assert [p.name for p in tmp_path.iterdir()] == ["points.csv"]   # no temporary file left


def test_write_replaces_an_existing_file_atomically(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("old contents\n")
    write_points_csv(path, [[1.0, 2.0]], [1])
    assert path.read_text() == "x1,x2,label\n1.0,2.0,1\n"


def test_reads_without_header_with_blanks_comments_spaces_and_bom(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_bytes("\ufeff# made by hand\n0, 0, 0\n\n 1 ,1.5,1\n1e-1,-2,1.0\n".encode())
    X, y = read_points_csv(path)
    np.testing.assert_array_equal(X, [[0, 0], [1, 1.5], [0.1, -2]])
    np.testing.assert_array_equal(y, [0, 1, 1])


@pytest.mark.parametrize(("contents", "message"), [
    ("x1,x2,label\n0,0\n", "bad.csv, line 2: 2 columns, expected 3 (x1, x2, label)."),
    ("x1,x2,label\n0,0,1,4\n", "bad.csv, line 2: 4 columns, expected 3 (x1, x2, label)."),
    ("x1,x2,label\n0,0,1\n0.5,abc,1\n",
     "bad.csv, line 3: column x2 is 'abc', not a number. Expected a number such as 0.5."),
    ("1,2,0\nhello,2,1\n", "bad.csv, line 2: column x1 is 'hello', not a number."),
    ("x1,x2,label\n0,0,2\n", "bad.csv, line 2: label is '2'. Expected 0 or 1."),
    ("x1,x2,label\n0,0,0.5\n", "bad.csv, line 2: label is '0.5'. Expected 0 or 1."),
    ("x1,x2,label\n0,0,-1\n", "bad.csv, line 2: label is '-1'. Expected 0 or 1."),
    ("x1,x2,label\nnan,0,1\n", "bad.csv, line 2: column x1 is 'nan'. Expected a finite number."),
    ("", "bad.csv: no points in the file."),
    ("x1,x2,label\n\n", "bad.csv: no points in the file."),
    ('x1,x2,label\n"0,0,1\n', "bad.csv, line"),
    ("x1,x2,label\n0,-inf,1\n", "bad.csv, line 2: column x2 is '-inf'. Expected a finite"),
    ("x1,x2,label\n0,1e999,1\n", "bad.csv, line 2: column x2 is '1e999'. Expected a finite"),
    ("x1,x2,label\n0,0,1\n0,\x00,1\n", "bad.csv, line 3: column x2 is '\\x00', not a number"),
    ("x1,x2,label\n" + "9" * 200_000 + ",0,1\n", "bad.csv, line 2: not valid CSV"),
    ("x1,x2,label\n" + "0,0,1\n" * 10_000 + "0,0,1\n",
     "bad.csv, line 10002: more than 10,000 points."),
])
def test_bad_files_name_file_line_and_problem(tmp_path, contents, message):
    path = tmp_path / "bad.csv"
    path.write_text(contents)
    with pytest.raises(DatasetError) as caught:
        read_points_csv(path)
    assert str(caught.value).startswith(message)


def test_ten_thousand_points_are_read(tmp_path):
    path = tmp_path / "full.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i},0.5,{i % 2}\n" for i in range(10_000)))
    X, y = read_points_csv(path)
    assert X.shape == (10_000, 2) and X[-1].tolist() == [9999.0, 0.5] and y.sum() == 5000


def test_a_file_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"#" * 4_000_001)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read"))
    with pytest.raises(DatasetError, match=r"^big\.csv: the file is larger than 4 MB"):
        read_points_csv(path)


def test_missing_and_binary_files_are_named(tmp_path):
    with pytest.raises(DatasetError, match=r"^gone.csv: cannot be read \("):
        read_points_csv(tmp_path / "gone.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(DatasetError, match="image.csv: not a text file"):
        read_points_csv(binary)


def test_write_refuses_bad_points_and_leaves_the_file(tmp_path):
    path = tmp_path / "keep.csv"
    path.write_text("x1,x2,label\n0,0,1\n")
    with pytest.raises(DatasetError, match="labels must be 0 or 1; got 3"):
        write_points_csv(path, [[0.0, 0.0]], [3])
    with pytest.raises(DatasetError, match="rows of 2 coordinates"):
        write_points_csv(path, [[0.0, 0.0, 0.0]], [1])
    with pytest.raises(DatasetError, match="finite"):
        write_points_csv(path, [[np.inf, 0.0]], [1])
    with pytest.raises(DatasetError, match="cannot write in"):
        write_points_csv(tmp_path / "no" / "such" / "folder.csv", [[0.0, 0.0]], [1])
    assert path.read_text() == "x1,x2,label\n0,0,1\n"


def test_check_points_converts_and_checks_lengths():
    X, y = check_points([[0, 1]], np.array([True]))
    assert X.dtype == np.float64 and y.tolist() == [1]
    with pytest.raises(DatasetError, match="2 points need 2 labels"):
        check_points([[0, 1], [2, 3]], [1])


def test_nearest_point_measures_in_screen_pixels():
    X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 1.0]])
    # One pixel is 1 unit wide but 0.1 units high: (0, 0.6) is 6 px from (0, 0), 4 from (0, 1).
    assert nearest_point(X, (0.0, 0.6), (1.0, 0.1), radius=8) == 2
    assert nearest_point(X, (0.0, 0.3), (1.0, 0.1), radius=8) == 0
    assert nearest_point(X, (5.0, 0.0), (1.0, 0.1), radius=4) is None
    assert nearest_point(np.zeros((0, 2)), (0.0, 0.0), (1.0, 1.0)) is None
