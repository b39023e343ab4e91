"""Session files: versioned, atomic, and every damaged or foreign file refused by name."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile

import numpy as np
import pytest

from nnsim.core.network import Network
from nnsim.core.session import Session, SessionError, load_session, save_session


def _session(network: Network | None = None) -> Session:
    network = network or Network.from_sizes([2, 3, 1], "sigmoid", seed=0)
    buffers = [np.full(p.shape, 0.25 * (i + 1)) for i, p in enumerate(network.parameters())]
    return Session("backprop-xor", "network", network.spec(), network.get_weights(),
                   optimizer={"name": "sgd", "learning_rate": 0.5, "momentum": 0.9},
                   optimizer_state=buffers, history={"loss": [0.5, 0.4]},
                   seed=7, training={"epochs": 10}, view={"projector": False}, epoch=2)


def test_round_trip_keeps_everything(tmp_path):
    original = _session()
    path = save_session(original, tmp_path / "xor")
    assert path.suffix == ".nnsim"
    loaded = load_session(path)
    assert (loaded.lesson, loaded.seed, loaded.epoch, loaded.history) == \
        ("backprop-xor", 7, 2, {"loss": [0.5, 0.4]})
    assert loaded.optimizer == {"name": "sgd", "learning_rate": 0.5, "momentum": 0.9}
    assert loaded.training == {"epochs": 10} and loaded.view == {"projector": False}
    for (W, b), (W2, b2) in zip(original.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    assert [v.tolist() for v in loaded.optimizer_state] == \
        [[[0.25] * 3] * 2, [0.5] * 3, [[0.75]] * 3, [1.0]]


def test_float32_weights_and_a_perceptron_round_trip(tmp_path):
    network = Network.from_sizes([2, 4, 1], "tanh", seed=1, dtype=np.float32)
    loaded = load_session(save_session(_session(network), tmp_path / "f32.nnsim"))
    assert [W.dtype for W, _ in loaded.weights] == [np.float32, np.float32]
    perceptron = Session("perceptron-and", "perceptron",
                         {"inputs": 2, "layers": [{"units": 1, "activation": "step"}]},
                         [(np.array([[0.25], [-0.5]]), np.array([0.125]))])
    loaded = load_session(save_session(perceptron, tmp_path / "and.nnsim"))
    assert loaded.weights[0][0].tolist() == [[0.25], [-0.5]]
    assert loaded.weights[0][1].tolist() == [0.125] and loaded.optimizer_state == []


def _rewrite(path, **changes):
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    meta = json.loads(arrays["meta"].tobytes())
    for key, value in changes.pop("meta", {}).items():
        table, _, leaf = key.rpartition(".")
        (meta[table] if table else meta)[leaf] = value
    arrays.update(changes)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


def _with_nan(shape, index):
    array = np.zeros(shape)
    array[index] = np.nan
    return array


@pytest.mark.parametrize(("change", "message"), [
    ({"meta": {"version": 99}}, "s.nnsim was saved by a newer nnsim (format version 99"),
    ({"meta": {"version": 0}}, "key 'version': expected a whole number from 1 to 1, got 0"),
    ({"meta": {"format": "something-else"}}, "s.nnsim is not an nnsim session file."),
    ({"W0": np.zeros((5, 3))}, "member 'W0.npy': shape (5, 3), expected (2, 3)"),
    ({"W1": np.full((3, 1), np.nan)}, "member 'W1.npy': NaN or infinity in the layer 2 weights"),
    ({"W0": _with_nan((2, 3), (1, 2))}, "member 'W0.npy': NaN or infinity in the layer 1"),
    ({"b0": np.array([0.0, np.inf, 0.0])}, "member 'b0.npy': NaN or infinity in the layer 1 bias"),
    ({"v3": np.array([-np.inf])}, "member 'v3.npy': NaN or infinity in the momentum buffer"),
    ({"W0": np.array([["a", "b", "c"], ["d", "e", "f"]])},
     "member 'W0.npy': numbers of type '<U1', expected float32 or float64"),
    ({"W0": np.ones((2, 3), dtype=np.int64)},
     "member 'W0.npy': numbers of type '<i8', expected float32 or float64"),
    ({"W0": np.array([[object()] * 3] * 2)}, "member 'W0.npy': numbers of type '|O'"),
    ({"v2": np.zeros((1, 3))}, "member 'v2.npy': shape (1, 3), expected (3, 1)"),
    ({"meta": {"optimizer_buffers": 3}},
     "key 'optimizer_buffers': 3 momentum buffers for 4 weight and bias arrays"),
    ({"meta": {"layers": 3}}, "key 'layers': 3 weight matrices, but the architecture has 2"),
    ({"meta": {"layers": 0, "has_bias": [], "architecture": {"inputs": 2, "layers": []}}},
     "key 'architecture.layers': 0 entries, expected from 1 to 9"),
    ({"meta": {"architecture.inputs": 3}}, "member 'W0.npy': shape (2, 3), expected (3, 3)"),
    ({"meta": {"has_bias": [True, False]}}, "key 'has_bias': [True, False] does not match"),
    ({"meta": {"training.batch_size": 0}},
     "key 'training.batch_size': expected a whole number from 1 to 65,536, got 0"),
    ({"meta": {"training.learning_rate": float("nan")}},
     "key 'training.learning_rate': expected a finite number from 0.0001 to 10, got nan"),
    ({"meta": {"optimizer.learning_rate": float("inf")}},
     "key 'optimizer.learning_rate': expected a finite number from 0.0001 to 10, got inf"),
    ({"meta": {"seed": -1}}, "key 'seed': expected a whole number from 0 to 2,147,483,647, "
                             "got -1"),
    ({"meta": {"optimizer.momentum": 5.0}},
     "key 'optimizer.momentum': expected a finite number from 0 to 0.999, got 5.0"),
    ({"meta": {"training.epochs": 10**30}}, "key 'training.epochs': expected a whole number "
                                            f"from 0 to 1,000,000, got {10**30}"),
    ({"meta": {"step": -5}}, "key 'step': expected a whole number from 0 to"),
    ({"meta": {"model_kind": "perceptron"}}, "key 'architecture': a perceptron is one neuron"),
    ({"meta": {"history": {"loss": ["low"]}}}, "key 'history.loss': expected a list of numbers"),
    ({"meta": {"history": {"loss": [10**400]}}}, "key 'history.loss': expected a list of numbers"),
    ({"meta": {"history": {"loss": [True]}}}, "key 'history.loss': expected a list of numbers"),
    ({"meta": {"lesson": ""}}, "key 'lesson': 0 characters"),
    ({"meta": {"architecture": {"inputs": 2, "layers": [{"units": 3, "activation": "sigmod"},
                                                        {"units": 1}]}}},
     "key 'architecture.layers[0].activation': unknown value 'sigmod'"),
    ({"meta": {"architecture": {"inputs": 2, "layers": [{"units": 100_000}, {"units": 1}]}}},
     "key 'architecture.layers[0].units': expected a whole number from 1 to 512, got 100000"),
    ({"meta": {"optimizer": [1, 2]}}, "key 'optimizer': expected a table, got [1, 2]"),
])
def test_damaged_sessions_are_refused_with_a_reason(tmp_path, change, message):
    path = save_session(_session(), tmp_path / "s.nnsim")
    _rewrite(path, **change)
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value).startswith("s.nnsim")
    assert message in str(info.value)


@pytest.mark.parametrize(("header", "message"), [
    (b"{", "s.nnsim: the header is damaged (not JSON text)."),
    (b"[" * 1000 + b"]" * 1000, "s.nnsim: the header is damaged (not JSON text)."),
    (b"[" * 100_000, "s.nnsim: the header holds about 100,000 lists and tables, more than a "
                     "session has (1,000). It was not read."),
    (b'["' + b'", "' * 10_000 + b'"]', "s.nnsim: the header holds about 10,001 strings, more "
                                       "than a session has (10,000)."),
    (b"[" + b"0," * 4_010_001 + b"0]", "s.nnsim: the header holds about 4,010,001 values, more "
                                       "than a session has (4,010,000)."),
    (b"\xff\xfe", "s.nnsim: the header is damaged (not JSON text)."),
    (b"[1, 2]", "s.nnsim is not an nnsim session file."),
])
def test_a_damaged_header(tmp_path, header, message):
    path = save_session(_session(), tmp_path / "s.nnsim")
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["meta"] = np.frombuffer(header, dtype=np.uint8)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)
    with pytest.raises(SessionError, match=re.escape(message)):
        load_session(path)


def _npy_header(shape, descr="<f8") -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        stream, {"descr": descr, "fortran_order": False, "shape": shape})
    return stream.getvalue()


def test_a_member_claiming_298_gib_is_refused_before_any_allocation(tmp_path):
    path = save_session(_session(), tmp_path / "s.nnsim")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert 200_000 * 200_000 * 8 / 2**30 == pytest.approx(298.0, abs=0.1)
    members["W0.npy"] = _npy_header((200_000, 200_000)) + bytes(64)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    tracemalloc.start()
    try:
        with pytest.raises(SessionError, match=re.escape(
                "s.nnsim: member 'W0.npy': shape (200000, 200000), expected (2, 3)")):
            load_session(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_a_header_member_claiming_too_much_is_refused(tmp_path):
    path = save_session(_session(), tmp_path / "s.nnsim")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["meta.npy"] = _npy_header((10**12,), "|u1") + b"{}"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(SessionError, match=re.escape(
            "s.nnsim: member 'meta.npy': its header announces 1,000,000,000,000 bytes, expected "
            "at most 96,000,000")):
        load_session(path)


def test_the_input_width_is_checked_by_the_opener(tmp_path):
    """A session is consistent on its own with 3 inputs; only its lesson knows the data
    has 2 columns, so the opener asks ``check_inputs``."""
    wide = _session(Network.from_sizes([3, 8, 1], "sigmoid", seed=0))
    loaded = load_session(save_session(wide, tmp_path / "wide.nnsim"))
    assert loaded.n_inputs == 3 and loaded.weights[0][0].shape == (3, 8)
    loaded.check_inputs(3, "wide.nnsim")
    with pytest.raises(SessionError, match=re.escape(
            "wide.nnsim: key 'architecture.inputs': the network takes 3 inputs but the lesson's "
            "rows have 2 columns.")):
        loaded.check_inputs(2, "wide.nnsim")


@pytest.mark.parametrize(("change", "message"), [
    ({"seed": -1}, "key 'seed': expected a whole number from 0 to 2,147,483,647, got -1"),
    ({"weights": [(np.full((2, 3), np.nan), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))]},
     "member 'W0.npy': NaN or infinity in the layer 1 weights"),
    ({"view": {"colour": object()}}, "the settings are not plain data"),
    ({"optimizer_state": [np.zeros(2)] * 6},
     "key 'optimizer_buffers': 6 momentum buffers for 4 weight and bias arrays"),
])
def test_saving_refuses_what_could_not_be_opened(tmp_path, change, message):
    session = _session()
    for key, value in change.items():
        setattr(session, key, value)
    with pytest.raises(SessionError) as info:
        save_session(session, tmp_path / "s.nnsim")
    assert str(info.value).startswith("s.nnsim: cannot be saved: ")
    assert message in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_files_that_are_not_sessions(tmp_path):
    text = tmp_path / "notes.nnsim"
    text.write_text("hello")
    with pytest.raises(SessionError, match="notes.nnsim is not an nnsim session file"):
        load_session(text)
    with pytest.raises(SessionError, match="no such file"):
        load_session(tmp_path / "missing.nnsim")
    plain = tmp_path / "plain.nnsim"
    with open(plain, "wb") as stream:
        np.savez(stream, x=np.arange(3))
    with pytest.raises(SessionError, match="no header"):
        load_session(plain)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = save_session(_session(), tmp_path / "keep.nnsim")
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full_disk)
    with pytest.raises(SessionError, match="No space left"):
        save_session(_session(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.nnsim"]


def test_a_failure_of_any_kind_leaves_no_temporary(tmp_path, monkeypatch):
    path = save_session(_session(), tmp_path / "keep.nnsim")

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(np, "savez_compressed", out_of_memory)
    with pytest.raises(MemoryError):
        save_session(_session(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.nnsim"]


_KILLED_SAVE = """
import os, sys
import numpy as np
from nnsim.core.network import Network
from nnsim.core.session import Session, save_session
network = Network.from_sizes([2, 3, 1], "sigmoid", seed=0)
os.fsync = lambda fd: os.kill(os.getpid(), 9)  # killed mid-write, as by kill -9
save_session(Session("backprop-xor", "network", network.spec(), network.get_weights()),
             sys.argv[1])
"""


def test_saves_killed_mid_write_are_swept_by_the_next_save(tmp_path):
    """kill -9 during a save leaves its hidden temporary file (nothing can remove it then); the
    next save to that file removes those older than a minute, and never a file of the user's."""
    import os
    import subprocess
    import sys
    import time

    path = tmp_path / "work.nnsim"
    for _ in range(3):
        killed = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path)], check=False)
        assert killed.returncode == -9
    leftovers = [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) == 3 and all(p.name.startswith(".work.nnsim-") for p in leftovers)
    mine = tmp_path / ".work.nnsim-notes.tmp"  # not mkstemp's 8 letters: the user's
    mine.write_text("keep me")
    an_hour_ago = time.time() - 3600
    for leftover in (*leftovers, mine):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    fresh = tmp_path / ".work.nnsim-abcdefgh.tmp"  # a save running right now elsewhere
    fresh.write_bytes(b"")
    save_session(_session(), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["work.nnsim", mine.name, fresh.name])
    assert load_session(path).epoch == 2


def test_a_zip_listing_thousands_of_members_is_refused_before_they_are_listed(tmp_path):
    path = save_session(_session(), tmp_path / "s.nnsim")
    with zipfile.ZipFile(path, "a") as archive:
        for index in range(1000):
            archive.writestr(f"x{index}", b"")
    with pytest.raises(SessionError, match=re.escape(
            "s.nnsim: its zip directory lists 1,009 members in ")):
        load_session(path)


def test_a_diverged_loss_in_the_history_is_kept(tmp_path):
    session = _session()
    session.history = {"loss": [0.5, float("inf"), float("nan")]}
    loaded = load_session(save_session(session, tmp_path / "s.nnsim"))
    assert loaded.history["loss"][:2] == [0.5, float("inf")]
    assert np.isnan(loaded.history["loss"][2])


def test_a_file_over_256_mb_is_refused_unread(tmp_path):
    path = tmp_path / "huge.nnsim"
    with open(path, "wb") as stream:
        stream.truncate(256_000_001)  # sparse: no disk space used
    with pytest.raises(SessionError, match=re.escape(
            "huge.nnsim: the file is 256,000,001 bytes, more than the 256,000,000 bytes an "
            "nnsim session file may have. It was not read.")):
        load_session(path)


def _cnn_session_file(tmp_path):
    from nnsim.core.lessons import load_lesson

    network = load_lesson("cnn-mnist").build_model(784)
    session = Session("cnn-mnist", "network", network.spec(), network.get_weights())
    return save_session(session, tmp_path / "s.nnsim"), network


@pytest.mark.parametrize(("change", "message"), [
    (lambda spec: spec.update(input_shape=[28, 28, 2]),
     r"'architecture\.input_shape': \[28, 28, 2\] is not 1 to 3 sizes whose product is the "
     r"784 inputs"),
    (lambda spec: spec["layers"].insert(0, {"units": 10}),
     r"'architecture': layer 1 \(dense\).*maps of shape \(28, 28, 1\); put Flatten before"),
    (lambda spec: spec["layers"][0].update(kernel_size=29),
     r"'architecture\.layers\[0\]\.kernel_size': expected a whole number from 1 to 11, got "
     r"29"),
    (lambda spec: spec["layers"][0].update(kernel_size=[5, 0]),
     r"'architecture\.layers\[0\]\.kernel_size'.*not two whole numbers"),
    (lambda spec: spec["layers"][1].update(pool_size=5),
     r"'architecture': layer 2 \(max_pooling2d\).*pool does not divide the 26x26 map"),
    (lambda spec: spec["layers"][0].update(kind="lstm"),
     r"'architecture\.layers\[0\]\.kind'.*lstm"),
    (lambda spec: spec["layers"][0].update(filters=100000),
     r"'architecture\.layers\[0\]\.filters': expected a whole number from 1 to 64, got "
     r"100000"),
])
def test_damaged_architectures_of_other_layer_kinds_are_refused(tmp_path, change, message):
    path, network = _cnn_session_file(tmp_path)
    spec = network.spec()
    change(spec)
    _rewrite(path, meta={"architecture": spec,
                         "layers": len(spec["layers"]),
                         "has_bias": [("kind" not in layer) for layer in spec["layers"]]})
    with pytest.raises(SessionError, match=message):
        load_session(path)


def test_a_kernel_of_the_wrong_shape_is_refused_before_use(tmp_path):
    path, _ = _cnn_session_file(tmp_path)
    _rewrite(path, P0_0=np.zeros((3, 3, 1, 9)))
    with pytest.raises(SessionError, match=r"P0_0.*\(3, 3, 1, 8\)"):
        load_session(path)
