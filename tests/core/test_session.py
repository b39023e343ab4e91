"""Session files: versioned, atomic, and every damaged or foreign file refused by name."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.core.network import Network
from nnsim.core.session import Session, SessionError, load_session, save_session


def _session() -> Session:
    network = Network.from_sizes([2, 3, 1], "sigmoid", seed=0)
    return Session("backprop-xor", "network", network.spec(), network.get_weights(),
                   optimizer={"name": "sgd", "learning_rate": 0.5}, history={"loss": [0.5, 0.4]},
                   seed=7, training={"epochs": 10}, view={"projector": False}, epoch=2)


def test_round_trip_keeps_everything(tmp_path):
    original = _session()
    path = save_session(original, tmp_path / "xor")
    assert path.suffix == ".nnsim"
    loaded = load_session(path)
    assert (loaded.lesson, loaded.seed, loaded.epoch, loaded.history) == \
        ("backprop-xor", 7, 2, {"loss": [0.5, 0.4]})
    for (W, b), (W2, b2) in zip(original.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


def _rewrite(path, **changes):
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta.update(changes.pop("meta", {}))
    arrays.update(changes)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


@pytest.mark.parametrize(("change", "message"), [
    ({"meta": {"version": 99}}, "newer nnsim"),
    ({"meta": {"format": "something-else"}}, "not an nnsim session"),
    ({"W0": np.zeros((5, 3))}, r"layer 1 weights have shape \(5, 3\), expected \(2, 3\)"),
    ({"W1": np.full((3, 1), np.nan)}, "NaN or infinity"),
    ({"meta": {"layers": 3}}, "incomplete or damaged"),
])
def test_damaged_sessions_are_refused_with_a_reason(tmp_path, change, message):
    path = save_session(_session(), tmp_path / "s.nnsim")
    _rewrite(path, **change)
    with pytest.raises(SessionError, match=message):
        load_session(path)


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
