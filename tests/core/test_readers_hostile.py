"""Every reader against hostile files: bombs, huge headers, random bytes and mutated real files.

The contract: a reader returns a valid object or raises its own nnsim error (SessionError,
LessonError, DatasetError, ModelFileError), one line naming the file, never a raw TypeError,
MemoryError, BadZipFile, RecursionError... and it never allocates far beyond what a valid
file needs (measured with tracemalloc here, and under an address-space limit in a child).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.core import pretrained
from nnsim.core.errors import (
    DatasetError,
    LessonError,
    ModelFileError,
    NnsimFileError,
    SessionError,
)
from nnsim.core.idx import read_idx_images, read_idx_labels
from nnsim.core.lessons import lessons_folder, load_lesson
from nnsim.core.network import Network
from nnsim.core.points import read_points_csv
from nnsim.core.resources import resource_path
from nnsim.core.session import Session, load_session, save_session

#: Examples per property: 60 keeps the module near 5 s; NNSIM_HOSTILE_EXAMPLES=5000 digs deeper.
HOSTILE = settings(max_examples=int(os.environ.get("NNSIM_HOSTILE_EXAMPLES", "60")),
                   deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
MIB = 1 << 20


# -- building hostile files -------------------------------------------------------------------


def deflate_zeros(prefix: bytes, mib: int) -> bytes:
    """A raw deflate stream of ``prefix`` then ``mib`` MiB of zeros, about 1 KB per MiB: one
    compressed MiB, repeated (a full flush makes every block independent of the last)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * mib + b"\x03\x00"  # an empty final block


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of (name, raw deflate data, crc, declared uncompressed size) members, written by
    hand so a member can declare what zipfile would never write."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        directory += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 8, 0, 33,
                                 crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, len(body))
        directory += encoded
        body += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 33, crc, len(data),
                            size, len(encoded), 0) + encoded + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))


def deflated(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        stream, {"descr": descr, "fortran_order": False, "shape": shape})
    return stream.getvalue()


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repack(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def peak_bytes(function, *args) -> tuple[object, int]:
    """(result or the exception raised, peak bytes allocated while it ran)."""
    tracemalloc.start()
    try:
        try:
            result = function(*args)
        except Exception as error:  # the caller checks what it is
            result = error
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def small_session() -> Session:
    network = Network.from_sizes([2, 3, 1], "sigmoid", seed=0)
    return Session("backprop-xor", "network", network.spec(), network.get_weights(),
                   optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.9},
                   optimizer_state=[np.zeros(p.shape) for p in network.parameters()],
                   history={"loss": [0.5, 0.4]}, seed=7,
                   training={"learning_rate": 0.5, "batch_size": 1, "epochs": 10},
                   view={"projector": False}, epoch=2)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def session_file(folder) -> Path:
    return save_session(small_session(), folder / "original.nnsim")


# -- bombs and lying headers ------------------------------------------------------------------

TWO_GB = 2000  # MiB


def gzip_bomb(path: Path, prefix: bytes, mib: int) -> None:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<2L", 0, (len(prefix) + mib * MIB) & 0xFFFFFFFF)
    path.write_bytes(header + deflate_zeros(prefix, mib) + trailer)


def idx_header(magic: int, *sizes: int) -> bytes:
    return np.array([magic, *sizes], dtype=">u4").tobytes()


@pytest.fixture(scope="module")
def bombs(folder, session_file) -> Path:
    """Files of 1 to 3 MB that unpack to 2 GB, each hiding where a reader might look."""
    session = members_of(session_file)
    others = [deflated(name, data) for name, data in session.items() if name != "W0.npy"]
    # A whole session plus an extra member of 2 GB nobody asked for.
    write_zip(folder / "extra.nnsim", [*others, deflated("W0.npy", session["W0.npy"]),
                                       ("junk.npy", deflate_zeros(npy_header((TWO_GB * MIB // 8,)),
                                                                  TWO_GB), 0, TWO_GB * MIB + 128)])
    # An expected member that says it is 2 GB.
    write_zip(folder / "bomb.nnsim", [*others, ("W0.npy", deflate_zeros(npy_header((2, 3)),
                                                                          TWO_GB),
                                                0, TWO_GB * MIB + 128)])
    # An expected member that says it is 176 bytes and holds 2 GB.
    declared = session["W0.npy"]
    write_zip(folder / "liar.nnsim", [*others, ("W0.npy", deflate_zeros(declared, TWO_GB),
                                                zlib.crc32(declared), len(declared))])
    model = members_of(resource_path("models", "digits.npz"))
    write_zip(folder / "model.npz",
              [deflated(name, data) for name, data in model.items() if name != "W1.npy"]
              + [("W1.npy", deflate_zeros(npy_header((32, 16), "<f4"), TWO_GB), 0,
                  TWO_GB * MIB + 128)])
    gzip_bomb(folder / "train-images-idx3-ubyte.gz", idx_header(2051, 2_700_000, 28, 28),
              TWO_GB)
    gzip_bomb(folder / "t10k-images-idx3-ubyte.gz", idx_header(2051, 60_000, 28, 28), TWO_GB)
    return folder


def test_an_extra_2_gb_member_is_never_inflated(bombs):
    path = bombs / "extra.nnsim"
    assert path.stat().st_size < 3 * MIB
    session, peak = peak_bytes(load_session, path)
    assert isinstance(session, Session) and session.weights[0][0].shape == (2, 3)
    assert peak < 5 * MIB


def test_an_expected_member_declaring_2_gb_is_refused_before_inflating(bombs):
    error, peak = peak_bytes(load_session, bombs / "bomb.nnsim")
    assert isinstance(error, SessionError)
    assert str(error).startswith("bomb.nnsim: member 'W0.npy': declares 2,097,152,128 bytes "
                                 "once unpacked, expected at most")
    assert peak < 5 * MIB


def test_a_member_lying_about_its_size_is_read_only_as_far_as_declared(bombs):
    """The directory says 176 bytes; the stream holds 2 GB. zipfile stops at the declared
    size, so only the declared bytes are ever unpacked."""
    session, peak = peak_bytes(load_session, bombs / "liar.nnsim")
    assert isinstance(session, Session)
    np.testing.assert_array_equal(session.weights[0][0], small_session().weights[0][0])
    assert peak < 5 * MIB


def test_a_model_member_declaring_2_gb_is_refused(bombs):
    error, peak = peak_bytes(pretrained.read_model, bombs / "model.npz",
                             pretrained.spec("digits"))
    assert isinstance(error, ModelFileError)
    assert str(error).startswith("model.npz: member 'W1.npy': declares 2,097,152,128 bytes")
    assert peak < 5 * MIB


def test_a_gzip_idx_bomb_announcing_too_many_images_is_refused_at_the_header(bombs):
    path = bombs / "train-images-idx3-ubyte.gz"
    assert path.stat().st_size < 2.2 * MIB
    error, peak = peak_bytes(read_idx_images, path)
    assert isinstance(error, DatasetError)
    assert "announces 2,700,000 images, more than the 100,000 nnsim reads" in str(error)
    assert peak < 2 * MIB


def test_a_gzip_idx_bomb_behind_a_real_header_costs_one_mnist_file(bombs):
    error, peak = peak_bytes(read_idx_images, bombs / "t10k-images-idx3-ubyte.gz")
    assert isinstance(error, DatasetError) and "longer than its header says" in str(error)
    assert peak < 60_000 * 784 + 8 * MIB  # the 47 MB buffer and a few chunks in flight


CHILD = """
import resource, sys
from pathlib import Path
import numpy as np
from nnsim.core import pretrained
from nnsim.core.errors import NnsimFileError
from nnsim.core.idx import read_idx_images
from nnsim.core.session import load_session

size = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status")
            if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (size + 400 * 2**20, resource.RLIM_INFINITY))
folder = Path(sys.argv[1])
for read, name in [(load_session, "extra.nnsim"), (load_session, "bomb.nnsim"),
                   (load_session, "liar.nnsim"),
                   (lambda p: pretrained.read_model(p, pretrained.spec("digits")), "model.npz"),
                   (read_idx_images, "train-images-idx3-ubyte.gz"),
                   (read_idx_images, "t10k-images-idx3-ubyte.gz")]:
    try:
        read(folder / name)
        print(name, "read")
    except NnsimFileError:
        print(name, "refused")
    try:
        np.ones(600 * 2**20, dtype=np.uint8)
        print("no limit")
    except MemoryError:
        pass
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and RLIMIT_AS")
def test_the_bombs_fit_in_400_mib_of_address_space(bombs):
    """The same files, read by a child whose address space ends 400 MiB above its size."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), str(bombs)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == [
        "extra.nnsim read", "bomb.nnsim refused", "liar.nnsim read", "model.npz refused",
        "train-images-idx3-ubyte.gz refused", "t10k-images-idx3-ubyte.gz refused"]


# -- properties: random and mutated files -----------------------------------------------------


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """``original`` with 1 to 4 bytes flipped, ranges cut out, bytes put in, or cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "flip", "insert", "delete", "truncate"]))
        if action == "flip" and data:
            data[where] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[where:where + draw(st.integers(1, 64))]
        elif action == "truncate":
            del data[where:]
    return bytes(data)


def outcome(read, path: Path, error_type: type[NnsimFileError]) -> object | None:
    """The object read, or None when the reader refused the file properly."""
    result, peak = peak_bytes(read, path)
    assert peak < 100 * MIB, f"{peak:,} bytes allocated"
    if isinstance(result, BaseException):
        assert type(result) is error_type, repr(result)
        message = str(result)
        assert path.name in message and "\n" not in message, message
        return None
    return result


def check_session(session: Session) -> None:
    sizes = [session.n_inputs] + [layer["units"] for layer in session.architecture["layers"]]
    assert 1 <= len(sizes) - 1 <= 9 and all(1 <= size <= 4096 for size in sizes)
    parameters = []
    for index, (W, b) in enumerate(session.weights):
        assert W.shape == (sizes[index], sizes[index + 1]) and W.dtype.kind == "f"
        parameters += [W] + ([] if b is None else [b])
    assert all(np.isfinite(p).all() for p in parameters)
    if session.optimizer_state:
        assert [v.shape for v in session.optimizer_state] == [p.shape for p in parameters]
    assert 0 <= session.seed <= 2**31 - 1
    assert 1 <= session.training.get("batch_size", 1) <= 65_536
    assert 1e-4 <= session.optimizer.get("learning_rate", 0.1) <= 10
    assert 0 <= session.optimizer.get("momentum", 0.0) <= 0.999


@HOSTILE
@given(data=st.binary(max_size=512), zip_like=st.booleans())
def test_session_random_bytes(folder, data, zip_like):
    path = folder / "random.nnsim"
    path.write_bytes((b"PK\x03\x04" if zip_like else b"") + data)
    assert outcome(load_session, path, SessionError) is None


@HOSTILE
@given(data=st.data())
def test_session_mutated_file(folder, session_file, data):
    path = folder / "mutated.nnsim"
    path.write_bytes(data.draw(mutated(session_file.read_bytes())))
    session = outcome(load_session, path, SessionError)
    if session is not None:
        check_session(session)


@HOSTILE
@given(data=st.data())
def test_session_mutated_member(folder, session_file, data):
    """A member changed and packed again with a right CRC, so the change reaches the
    JSON header or an npy header."""
    members = members_of(session_file)
    name = data.draw(st.sampled_from(sorted(members)))
    members[name] = data.draw(mutated(members[name]))
    path = folder / "member.nnsim"
    repack(path, members)
    session = outcome(load_session, path, SessionError)
    if session is not None:
        check_session(session)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=8)


def key_paths(value: object, path: tuple = ()) -> list[tuple]:
    paths = [path] if path else []
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        paths += key_paths(child, (*path, key))
    return paths


@HOSTILE
@given(data=st.data())
def test_session_header_values(folder, session_file, data):
    """Any value of the JSON header replaced by any JSON value, or removed."""
    members = members_of(session_file)
    meta = json.loads(np.lib.format.read_array(io.BytesIO(members["meta.npy"])).tobytes())
    where = data.draw(st.sampled_from(key_paths(meta)))
    parent = meta
    for key in where[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = data.draw(json_values)
    stream = io.BytesIO()
    np.lib.format.write_array(stream, np.frombuffer(json.dumps(meta).encode(), np.uint8))
    members["meta.npy"] = stream.getvalue()
    path = folder / "values.nnsim"
    repack(path, members)
    session = outcome(load_session, path, SessionError)
    if session is not None:
        check_session(session)


LESSON_TEXTS = sorted(path.read_text(encoding="utf-8")
                      for path in lessons_folder().glob("*.toml"))
WIDTHS = {"xor": 2, "and": 2, "or": 2, "moons": 2, "spiral": 2, "digits": 64, "mnist": 784}


def check_lesson(lesson) -> None:
    assert 1 <= lesson.epochs <= 1_000_000 or lesson.kind == "activations"
    assert 1 <= lesson.batch_size <= 65_536 and 0 <= lesson.seed <= 2**31 - 1
    assert 1e-4 <= lesson.learning_rate <= 10 and 0 <= lesson.momentum <= 0.999
    if lesson.kind == "network":
        assert 1 <= len(lesson.layers) <= 9
        width = WIDTHS.get(lesson.dataset, 2)
        network = lesson.build_model(width)
        if lesson.dense_only:
            assert network.sizes == [width] + [layer.units for layer in lesson.layers]
        else:
            assert network.sizes[0] == width and len(network.layers) == len(lesson.layers)


@HOSTILE
@given(data=st.binary(max_size=512))
def test_lesson_random_bytes(folder, data):
    path = folder / "random.toml"
    path.write_bytes(data)
    lesson = outcome(load_lesson, path, LessonError)
    assert lesson is None  # random bytes are never a whole lesson


@HOSTILE
@given(data=st.data())
def test_lesson_mutated_bytes(folder, data):
    path = folder / "mutated.toml"
    path.write_bytes(data.draw(mutated(data.draw(st.sampled_from(LESSON_TEXTS)).encode())))
    lesson = outcome(load_lesson, path, LessonError)
    if lesson is not None:
        check_lesson(lesson)


toml_values = st.one_of(
    st.integers().map(str), st.floats().map(repr).map(lambda t: t.replace("e+", "e")),
    st.sampled_from(["nan", "-inf", "true", "[]", "{}", '""', "[[1, 2], [3]]", "1e9", "-0",
                     "9223372036854775807", "[" * 300 + "]" * 300, '{ units = 1e9 }',
                     "[[nan, 1], [1, 1]]", '"sigmoid"', '{ n_samples = 1000000000 }']),
    st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\'),
            max_size=10).map(lambda text: f'"{text}"'),
    st.lists(st.integers(-3, 3) | st.floats(), max_size=4).map(
        lambda items: "[" + ", ".join(repr(i).replace("e+", "e") for i in items) + "]"))
ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][\w.]*\s*=\s*)(.+)$", re.MULTILINE)


@HOSTILE
@given(data=st.data())
def test_lesson_mutated_values(folder, data):
    """One ``key = value`` of a real lesson given any TOML value."""
    text = data.draw(st.sampled_from(LESSON_TEXTS))
    matches = list(ASSIGNMENT.finditer(text))
    match = data.draw(st.sampled_from(matches))
    value = data.draw(toml_values)
    path = folder / "values.toml"
    path.write_text(text[:match.start(2)] + value + text[match.end(2):], encoding="utf-8")
    lesson = outcome(load_lesson, path, LessonError)
    if lesson is not None:
        check_lesson(lesson)


IMAGES = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
IDX_FILES = {
    "images": idx_header(2051, 5, 28, 28) + IMAGES.tobytes(),
    "labels": idx_header(2049, 5) + bytes([0, 9, 3, 3, 1]),
}


def read_idx(path: Path):
    return (read_idx_images if "images" in path.name else read_idx_labels)(path)


def check_idx(array: np.ndarray, kind: str) -> None:
    assert array.dtype == np.uint8 and 1 <= len(array) <= 100_000
    if kind == "images":
        assert array.ndim == 3 and array.shape[1:] == (28, 28)
    else:
        assert array.ndim == 1 and array.max() < 10


@HOSTILE
@given(data=st.data(), kind=st.sampled_from(sorted(IDX_FILES)), packed=st.booleans())
def test_idx_mutated_and_random(folder, data, kind, packed):
    original = IDX_FILES[kind]
    if packed:
        original = gzip.compress(original, mtime=0)
    content = data.draw(mutated(original) | st.binary(max_size=256))
    path = folder / (f"train-{kind}-idx-ubyte" + (".gz" if packed else ""))
    path.write_bytes(content)
    array = outcome(read_idx, path, DatasetError)
    if array is not None:
        check_idx(array, kind)


POINTS = b"x1,x2,label\n0.5,-1,0\n# a comment\n1e-3,2.25,1\n\n-0.75,0,1\n"


@HOSTILE
@given(content=mutated(POINTS) | st.binary(max_size=256) | st.text(max_size=64).map(str.encode))
def test_points_mutated_and_random(folder, content):
    path = folder / "points.csv"
    path.write_bytes(content)
    points = outcome(read_points_csv, path, DatasetError)
    if points is not None:
        X, y = points
        assert X.ndim == 2 and X.shape[1] == 2 and len(X) == len(y) <= 10_000
        assert np.isfinite(X).all() and set(np.unique(y)) <= {0, 1}


DIGITS = resource_path("models", "digits.npz")


def read_digits_model(path: Path) -> Network:
    return pretrained.read_model(path, pretrained.spec("digits"))


def check_model(network: Network) -> None:
    assert network.sizes == [64, 32, 16, 10]
    assert all(np.isfinite(W).all() and (b is None or np.isfinite(b).all())
               for W, b in network.get_weights())


@HOSTILE
@given(content=mutated(DIGITS.read_bytes()) | st.binary(max_size=256))
def test_model_mutated_and_random_bytes(folder, content):
    path = folder / "model.npz"
    path.write_bytes(content)
    network = outcome(read_digits_model, path, ModelFileError)
    if network is not None:
        check_model(network)


@HOSTILE
@given(data=st.data())
def test_model_mutated_member(folder, data):
    members = members_of(DIGITS)
    name = data.draw(st.sampled_from(sorted(members)))
    members[name] = data.draw(mutated(members[name]))
    path = folder / "member.npz"
    repack(path, members)
    network = outcome(read_digits_model, path, ModelFileError)
    if network is not None:
        check_model(network)
