"""The timeline's record: a checkpoint holds the weights a re-trained run has at that epoch;
a budget thins it, densest at the start; a branch forgets what came after."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.lessons import load_lesson


def _xor():
    lesson = load_lesson("backprop-xor")
    data = lesson.load_data()
    return lesson, data


def test_a_checkpoint_equals_a_run_retrained_to_that_epoch():
    lesson, data = _xor()
    recorded = lesson.build_model(2, seed=3)
    optimizer = lesson.build_optimizer()
    checkpoints = Checkpoints()
    for epoch in range(1, 301):
        recorded.fit(data.X_train, data.y_train, epochs=1, batch_size=1, optimizer=optimizer,
                     loss=lesson.loss, shuffle=False)
        checkpoints.record(epoch, recorded.get_weights())
    assert checkpoints.epochs == list(range(1, 301))  # a small net keeps every epoch
    again = lesson.build_model(2, seed=3)
    again.fit(data.X_train, data.y_train, epochs=200, batch_size=1,
              optimizer=lesson.build_optimizer(), loss=lesson.loss, shuffle=False)
    epoch, weights = checkpoints.at(200)
    assert epoch == 200
    for (W, b), (W2, b2) in zip(weights, again.get_weights(), strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    # Copies: training on does not change what was recorded.
    assert not np.array_equal(checkpoints.at(1)[1][0][0], recorded.get_weights()[0][0])


def test_a_budget_keeps_a_bounded_record_densest_at_the_start():
    weights = [(np.zeros((100, 100)), np.zeros(100))]  # 80,800 bytes a checkpoint
    checkpoints = Checkpoints(budget=50 * 80_800)
    for epoch in range(1, 5001):
        checkpoints.record(epoch, weights)
    epochs = checkpoints.epochs
    assert len(epochs) <= 50 and checkpoints.nbytes <= 50 * 80_800
    assert epochs[0] == 1 and epochs[-1] == 5000
    gaps = np.diff(epochs)
    assert gaps[:5].mean() < gaps[-5:].mean() / 10  # dense early, sparse late
    assert checkpoints.at(2500)[0] <= 2500 < epochs[epochs.index(checkpoints.at(2500)[0]) + 1]


def test_a_branch_forgets_the_later_checkpoints_and_order_is_kept():
    checkpoints = Checkpoints()
    for epoch in (1, 2, 5, 9):
        checkpoints.record(epoch, [(np.full((1, 1), float(epoch)), None)])
    checkpoints.truncate(5)
    assert checkpoints.epochs == [1, 2, 5]
    assert checkpoints.at(100)[0] == 5
    with pytest.raises(ValueError, match="go forward"):
        checkpoints.record(5, [(np.zeros((1, 1)), None)])
    with pytest.raises(ValueError, match="no checkpoint at or before epoch 0"):
        checkpoints.at(0)
    with pytest.raises(ValueError, match="positive"):
        Checkpoints(budget=0)


def test_a_record_pickles_as_one_matrix_and_comes_back_equal():
    import pickle

    checkpoints = Checkpoints(budget=10**6)
    layers = [(np.arange(6.0).reshape(2, 3), np.arange(3.0)), (np.ones((3, 1)), None)]
    for epoch in (0, 1, 4):
        checkpoints.record(epoch, [(W * epoch, None if b is None else b + epoch)
                                   for W, b in layers])
    buffers: list = []
    data = pickle.dumps(checkpoints, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 2  # the epochs and one matrix, whatever the count
    back = pickle.loads(data, buffers=buffers)
    assert back.epochs == [0, 1, 4] and back.budget == 10**6 and back.layout == checkpoints.layout
    (W, b), (W2, b2) = back.at(4)[1]
    np.testing.assert_array_equal(W, layers[0][0] * 4)
    np.testing.assert_array_equal(b, layers[0][1] + 4)
    assert b2 is None and W2.shape == (3, 1)


def test_runs_join_after_the_epochs_before_them_and_architectures_do_not_mix():
    first, run = Checkpoints(), Checkpoints()
    for epoch in (0, 1, 2):
        first.record(epoch, [(np.full((1, 1), float(epoch)), None)])
    for epoch in (0, 1, 2):
        run.record(epoch, [(np.full((1, 1), 10.0 + epoch), None)])
    first.extend(run, offset=2)
    assert first.epochs == [0, 1, 2, 3, 4]
    assert first.at(2)[1][0][0][0, 0] == 2.0  # the run's epoch 0 was the previous run's last
    assert first.at(4)[1][0][0][0, 0] == 12.0
    twin = first.copy()
    twin.truncate(1)
    assert first.epochs == [0, 1, 2, 3, 4] and twin.epochs == [0, 1]
    with pytest.raises(ValueError, match="another architecture"):
        first.record(9, [(np.zeros((2, 1)), None)])


def test_the_budget_counts_what_a_tiny_networks_checkpoints_really_cost():
    checkpoints = Checkpoints(budget=100_000)
    for epoch in range(10_000):
        checkpoints.record(epoch, [(np.zeros((2, 2)), np.zeros(2)), (np.zeros((2, 1)), None)])
    assert len(checkpoints) < 100_000 // 80  # 56 bytes of numbers, and the array around them
    assert checkpoints.nbytes <= 100_000
