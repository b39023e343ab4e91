"""The loop's record for the timeline: epoch 0 and every finished epoch, never a NaN, and the
perceptron's weights in the network form every view reads."""

from __future__ import annotations

import numpy as np

from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.training.control import TrainingControl
from nnsim.training.loop import DIVERGED, STOPPED, TrainingJob, run_training

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_a_diverged_run_keeps_only_finite_checkpoints():
    # One step an epoch, so huge that epoch 1 ends with infinite weights (its loss, taken
    # before the step, is still finite); epoch 2's first loss is not, and the run ends.
    network = Network.from_sizes([2, 1], "linear", seed=3)
    job = TrainingJob(model=network, X=X, y=np.array([0.0, 1.0, 1.0, 0.0]), epochs=None,
                      batch_size=4, optimizer=SGD(1e308), loss="sse", shuffle=False,
                      checkpoint_budget=2**20)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    assert result.status == DIVERGED and result.epochs == 1
    record = result.checkpoints
    assert record.epochs == [0]  # epoch 1's infinite weights were dropped
    for epoch in record.epochs:
        assert all(np.isfinite(a).all() for layer in record.at(epoch)[1] for a in layer
                   if a is not None)


def test_a_perceptron_is_recorded_as_its_one_step_layer():
    perceptron = Perceptron(2, learning_rate=0.1, seed=2)
    start = perceptron.weights.copy()
    job = TrainingJob(model=perceptron, X=X, y=np.array([0, 0, 0, 1]), epochs=3,
                      shuffle=False, checkpoint_budget=2**20)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    record = result.checkpoints
    assert record.epochs == list(range(result.epochs + 1))
    (W, b), = record.at(0)[1]
    np.testing.assert_array_equal(np.append(W[:, 0], b), start)
    (W, b), = record.at(record.epochs[-1])[1]
    np.testing.assert_array_equal(np.append(W[:, 0], b), perceptron.weights)


def test_a_run_stopped_within_an_epoch_records_finished_epochs_only():
    network = Network.from_sizes([2, 2, 1], "sigmoid", seed=1)
    job = TrainingJob(model=network, X=X, y=np.array([0.0, 1.0, 1.0, 0.0]), epochs=10,
                      batch_size=1, optimizer=SGD(0.5), shuffle=False, max_steps=9,
                      checkpoint_budget=2**20)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    assert result.status == STOPPED and result.steps == 9
    assert result.checkpoints.epochs == [0, 1, 2]  # 9 steps of one row: two whole epochs
