"""A bounded view of a long history: the curves' cost must not grow with the epochs."""

from __future__ import annotations

import numpy as np

from nnsim.core.history import EPOCH_KEY, VIEW_POINTS, history_view, join_views


def test_a_short_history_is_kept_whole_with_its_epoch_numbers():
    view = history_view({"loss": [3.0, 2.0, 1.0]}, first_epoch=11)
    assert view == {"loss": [3.0, 2.0, 1.0], EPOCH_KEY: [11.0, 12.0, 13.0]}


def test_a_long_history_keeps_the_recent_half_whole_and_thins_the_rest():
    n = 200_000
    loss = list(np.linspace(2.0, 0.0, n))
    view = history_view({"loss": loss, "accuracy": [0.5] * n})
    epochs = np.array(view[EPOCH_KEY])
    assert len(epochs) == VIEW_POINTS == len(view["loss"]) == len(view["accuracy"])
    assert np.all(np.diff(epochs) > 0) and epochs[0] == 1 and epochs[-1] == n
    recent = epochs[-VIEW_POINTS // 2:]
    assert np.array_equal(recent, np.arange(n - VIEW_POINTS // 2 + 1, n + 1))
    for epoch, value in zip(epochs, view["loss"], strict=True):  # each point is its epoch's
        assert value == loss[int(epoch) - 1]


def test_joining_what_came_before_with_a_run_stays_bounded_and_ordered():
    before = history_view({"loss": [1.0] * 5000})
    run = history_view({"loss": [0.5] * 3000}, first_epoch=5001)
    joined = join_views(before, run)
    epochs = np.array(joined[EPOCH_KEY])
    assert len(epochs) <= VIEW_POINTS and np.all(np.diff(epochs) > 0)
    assert epochs[-1] == 8000 and joined["loss"][-1] == 0.5 and joined["loss"][0] == 1.0
    assert join_views({}, run) is run


def test_a_runs_history_is_packed_eight_bytes_an_epoch():
    """A long run's history must not grow by a float object per value (issue: long runs)."""
    import pickle

    from nnsim.core.history import History

    history = History()
    for epoch in range(10_000):
        history.append({"loss": 1 / (epoch + 1), "accuracy": 0.5})
    loss = history["loss"]
    assert history.epochs == 10_000 and loss[-1] == 1 / 10_000 and loss[:2].tolist() == [1, 0.5]
    assert loss.itemsize * len(loss) == 80_000  # 8 bytes a value
    assert list(pickle.loads(pickle.dumps(history))["loss"]) == list(loss)  # to the GUI
