"""Sessions keep the timeline: a round trip gives the same checkpoints, a long record is thinned
to the file's bound, old files without one still open, and a damaged timeline is refused with
one message naming the file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.core import session_timeline
from nnsim.core.checkpoints import Checkpoints
from nnsim.core.network import Network
from nnsim.core.session import Session, SessionError, load_session, save_session

EPOCHS = 5


def _network(seed: int) -> Network:
    return Network.from_sizes([2, 3, 1], "sigmoid", seed=seed)


def _session(record: Checkpoints | None) -> Session:
    network = _network(0)
    return Session("backprop-xor", "network", network.spec(), network.get_weights(),
                   history={"loss": [0.5 - 0.01 * i for i in range(EPOCHS)]}, epoch=EPOCHS,
                   timeline=record)


def _record(epochs=range(EPOCHS + 1)) -> Checkpoints:
    record = Checkpoints()
    for epoch in epochs:
        record.record(epoch, _network(epoch + 1).get_weights())
    return record


def _rewrite(path, drop=(), meta=None, **arrays_changed):
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files if key not in drop}
    header = json.loads(arrays["meta"].tobytes())
    for key in drop:
        header.pop(key, None)
    header.update(meta or {})
    arrays.update(arrays_changed)
    arrays["meta"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


def test_the_timeline_survives_a_round_trip(tmp_path):
    path = save_session(_session(_record()), tmp_path / "s.nnsim")
    loaded = load_session(path).timeline
    assert loaded is not None and loaded.epochs == list(range(EPOCHS + 1))
    for epoch in (0, 3, EPOCHS):
        shown, weights = loaded.at(epoch)
        assert shown == epoch
        for (W, b), (W2, b2) in zip(weights, _network(epoch + 1).get_weights(), strict=True):
            np.testing.assert_array_equal(W, W2)
            np.testing.assert_array_equal(b, b2)


def test_files_without_a_timeline_still_open(tmp_path):
    path = save_session(_session(None), tmp_path / "s.nnsim")
    assert load_session(path).timeline is None
    path = save_session(_session(_record()), tmp_path / "old.nnsim")
    # As nnsim wrote sessions before the timeline: neither the key nor the members.
    _rewrite(path, drop=("timeline_checkpoints", "timeline", "timeline_epochs"))
    session = load_session(path)
    assert session.timeline is None and session.epoch == EPOCHS


def test_a_long_record_is_thinned_to_the_files_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(session_timeline, "MAX_FILE_CHECKPOINTS", 50)
    record = Checkpoints()
    weights = _network(1).get_weights()
    for epoch in range(301):
        record.record(epoch, weights)
    session = _session(record)
    session.history = {"loss": [0.1] * 300}
    loaded = load_session(save_session(session, tmp_path / "long.nnsim")).timeline
    assert 2 < len(loaded) <= 50 and loaded.epochs[0] == 0 and loaded.epochs[-1] == 300
    gaps = np.diff(loaded.epochs)
    assert gaps[:5].mean() < gaps[-5:].mean()  # densest at the start
    assert len(record) == 301  # the open record is not thinned by saving

    monkeypatch.setattr(session_timeline, "MAX_FILE_BYTES", 1000)
    big = Checkpoints()
    wide = [(np.zeros((40, 10)), np.zeros(10))]  # 3,280 bytes: two would pass 1,000
    big.record(0, wide)
    assert len(session_timeline.bounded(big)) == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"meta": {"timeline_checkpoints": 10**9}},
     "key 'timeline_checkpoints': expected a whole number from 0 to 2,000, got 1000000000"),
    ({"meta": {"timeline_checkpoints": "six"}}, "key 'timeline_checkpoints'"),
    ({"meta": {"timeline_checkpoints": 7}}, "member 'timeline_epochs.npy': shape (6,), "
                                            "expected (7,)"),
    ({"drop": ("timeline",)}, "member 'timeline.npy': missing"),
    ({"timeline": np.zeros((6, 12))}, "member 'timeline.npy': shape (6, 12), expected (6, 13)"),
    ({"timeline": np.full((6, 13), np.nan)},
     "member 'timeline.npy': NaN or infinity in a checkpoint's weights"),
    ({"timeline": np.array([["x"] * 13] * 6)}, "member 'timeline.npy': numbers of type '<U1'"),
    ({"timeline_epochs": np.array([0, 1, 2, 2, 3, 4])},
     "member 'timeline_epochs.npy': the epochs do not increase"),
    ({"timeline_epochs": np.array([-1, 1, 2, 3, 4, 5])},
     "member 'timeline_epochs.npy': the epochs do not increase from 0"),
    ({"timeline_epochs": np.array([0, 1, 2, 3, 4, 99])},
     "member 'timeline_epochs.npy': a checkpoint of epoch 99, but the history holds 5 epochs"),
    ({"timeline_epochs": np.arange(6.0)},
     "member 'timeline_epochs.npy': numbers of type '<f8', expected int64"),
])
def test_a_damaged_timeline_is_refused_naming_the_file(tmp_path, change, message):
    path = save_session(_session(_record()), tmp_path / "s.nnsim")
    _rewrite(path, **change)
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value).startswith("s.nnsim: ")
    assert message in str(info.value)


def test_a_timeline_claiming_more_than_the_bound_is_refused_before_reading(tmp_path,
                                                                          monkeypatch):
    path = save_session(_session(_record()), tmp_path / "s.nnsim")
    monkeypatch.setattr(session_timeline, "MAX_FILE_BYTES", 100)
    with pytest.raises(SessionError, match="key 'timeline_checkpoints': 6 checkpoints of 13 "
                                           "weights, more than a session keeps"):
        load_session(path)


def test_a_record_of_another_architecture_is_not_saved(tmp_path):
    session = _session(_record())
    wide = Network.from_sizes([2, 8, 1], "tanh", seed=0)
    session.architecture, session.weights = wide.spec(), wide.get_weights()
    assert load_session(save_session(session, tmp_path / "wide.nnsim")).timeline is None
