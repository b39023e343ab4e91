"""The training loop on a fake clock with a list as ``publish``: no Qt, no threads."""

import numpy as np
import pytest

from nnsim.core.datasets import load_dataset
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.training.control import TrainingControl
from nnsim.training.loop import (
    CONVERGED,
    DIVERGED,
    FINISHED,
    NOT_SEPARABLE,
    PAUSED,
    STOPPED,
    TrainingJob,
    run_training,
)


def two_blobs(n: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] > X[:, 1]).astype(np.int64)


def run(job, clock, control=None, publish=None):
    """Run on the fake clock; return (result, published snapshots)."""
    control = control or TrainingControl()
    snapshots = []

    def record(snapshot):
        snapshots.append(snapshot)
        if publish is not None:
            publish(snapshot)

    result = run_training(job, control, record, clock=clock, sleep=clock.sleep)
    return result, snapshots


def one_second_of_1ms_steps(clock) -> TrainingJob:
    """XOR per sample for 250 epochs: 1,000 steps of 1 ms each on the fake clock."""
    xor = load_dataset("xor")
    net = Network.from_sizes([2, 2, 1], "sigmoid", seed=1)
    clock.tick(net)
    return TrainingJob(net, xor.X, xor.y, epochs=250, batch_size=1, optimizer=SGD(0.5),
                       shuffle=False)


def test_a_consumer_that_is_not_ready_gets_only_the_first_and_final_snapshots(clock):
    job = one_second_of_1ms_steps(clock)
    snapshots, asked = [], []

    def ready() -> bool:
        asked.append(clock.now)
        return len(asked) == 100  # ready once, a tenth of a second in

    result = run_training(job, TrainingControl(), snapshots.append, clock=clock,
                          sleep=clock.sleep, ready=ready)
    assert result.steps == 1000
    assert [s.status for s in snapshots] == ["running", "running", FINISHED]
    assert snapshots[1].step > 100 and len(asked) > 900


def test_one_second_of_1ms_steps_publishes_at_most_61_times(clock):
    job = one_second_of_1ms_steps(clock)
    result, snapshots = run(job, clock)
    assert result.status == FINISHED
    assert result.steps == 1000 and result.epochs == 250
    assert clock.now == pytest.approx(1.0)
    assert 50 <= len(snapshots) <= 61
    assert snapshots[0].step == 0 and snapshots[-1].step == 1000
    assert snapshots[-1].status == FINISHED and snapshots[-1] is result.snapshot
    # Never two snapshots closer than 1/60 s, except the final one.
    steps = [s.step for s in snapshots[:-1]]
    assert min(np.diff(steps)) >= 17
    assert snapshots[-1].steps_per_second == pytest.approx(1000)
    assert len(result.history["loss"]) == 250
    assert "val_loss" not in result.history


def test_stop_is_honoured_after_the_current_step(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    clock.tick(net)
    control = TrainingControl()

    def stop_at_third(snapshot):
        if snapshot.step >= 40 and not control.stop_requested:
            control.request_stop()
            stop_at_third.step = snapshot.step

    result, snapshots = run(TrainingJob(net, X, y, epochs=None, batch_size=2), clock, control,
                            stop_at_third)
    assert result.status == STOPPED
    assert result.steps == stop_at_third.step
    assert snapshots[-1].status == STOPPED and snapshots[-1].step == stop_at_third.step
    assert result.epochs == stop_at_third.step // 5


def test_single_steps_run_one_row_one_batch_one_epoch_then_stay_paused(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    control = TrainingControl()
    control.pause()
    commands = [lambda: control.single_step("epoch"), lambda: control.single_step("sample"),
                lambda: control.single_step("batch"), lambda: control.single_step("epoch"),
                control.request_stop]

    def next_command(snapshot):
        if snapshot.status == PAUSED:
            commands.pop(0)()

    job = TrainingJob(net, X, y, epochs=None, batch_size=4, shuffle=False,
                      optimizer=SGD(0.1))
    result, snapshots = run(job, clock, control, next_command)
    paused = [s for s in snapshots if s.status == PAUSED]
    # 10 rows in batches of 4: an epoch is 3 steps (4, 4, 2); the last epoch step, run from row
    # 5, finishes that epoch in 2 steps (4, 1).
    assert [(s.step, s.epoch, s.epoch_progress) for s in paused] == [
        (0, 0, 0.0), (3, 1, 0.0), (4, 1, 0.1), (5, 1, 0.5), (7, 2, 0.0)]
    assert result.status == STOPPED and result.steps == 7 and not commands
    # The sample step used exactly row 0, the batch step rows 1-4, as train_step computes them.
    replay = net.copy()
    replay.set_weights(paused[1].weights)
    T = replay.as_targets(y, len(y))
    replay.train_step(X[0:1], T[0:1], SGD(0.1), job_loss("sse"))
    assert_weights_equal(replay.get_weights(), paused[2].weights)
    replay.train_step(X[1:5], T[1:5], SGD(0.1), job_loss("sse"))
    assert_weights_equal(replay.get_weights(), paused[3].weights)


def test_learning_rate_change_applies_from_the_next_step(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    optimizer = SGD(0.1)
    used = []
    original = net.train_step

    def recording_step(*args):
        used.append(optimizer.learning_rate)
        clock.now += 0.001
        return original(*args)

    net.train_step = recording_step
    control = TrainingControl()
    changed_at = []

    def change_once(snapshot):
        if snapshot.step > 0 and not changed_at:
            control.set_learning_rate(0.5)
            changed_at.append(snapshot.step)
        elif len(used) >= 100:
            control.request_stop()

    result, snapshots = run(TrainingJob(net, X, y, epochs=None, batch_size=1,
                                        optimizer=optimizer), clock, control, change_once)
    step = changed_at[0]
    assert used[:step] == [0.1] * step
    assert used[step:] == [0.5] * (len(used) - step)
    assert snapshots[-1].learning_rate == 0.5
    assert {s.learning_rate for s in snapshots if s.step <= step} == {0.1}


def test_live_batch_size_and_probe_changes_while_paused(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    control = TrainingControl()
    control.pause()
    commands = [lambda: control.single_step("batch"),
                lambda: (control.set_batch_size(2), control.set_probe(7)),
                lambda: control.single_step("batch"), control.request_stop]

    def next_command(snapshot):
        if snapshot.status == PAUSED:
            commands.pop(0)()

    job = TrainingJob(net, X, y, epochs=None, batch_size=4, shuffle=False, probe_index=2)
    result, snapshots = run(job, clock, control, next_command)
    paused = [s for s in snapshots if s.status == PAUSED]
    # The new probe shows at once, while paused; the new batch size from the next batch.
    assert [(s.step, s.epoch_progress, s.batch_size, s.probe_index) for s in paused] == [
        (0, 0.0, 4, 2), (1, 0.4, 4, 2), (1, 0.4, 2, 7), (2, 0.6, 2, 7)]
    assert result.steps == 2
    np.testing.assert_array_equal(paused[2].activations[0], X[7])
    hidden = net.layers[0].forward(X[7:8])
    np.testing.assert_allclose(paused[3].activations[1], hidden[0], rtol=1e-12)
    np.testing.assert_allclose(paused[3].activations[2], net.predict(X[7])[0], rtol=1e-12)


def step_times(net, clock):
    """Make each step cost 1 ms of fake time and record when each one started."""
    times = []
    original = net.train_step

    def timed(*args):
        times.append(clock.now)
        clock.now += 0.001
        return original(*args)

    net.train_step = timed
    return times


def test_speed_limit_of_10_steps_per_second_runs_10_steps_a_second(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    times = step_times(net, clock)
    control = TrainingControl()
    clock.on_sleep = lambda: clock.now >= 2.0 and control.request_stop()
    job = TrainingJob(net, X, y, epochs=None, batch_size=1, steps_per_second=10)
    result, snapshots = run(job, clock, control)
    assert result.status == STOPPED
    assert sum(t < 1.0 - 1e-9 for t in times) == 10
    np.testing.assert_allclose(times[:20], np.arange(20) * 0.1, atol=1e-9)
    # It waits in short sleeps, so a stop request is seen within 20 ms.
    assert max(clock.sleeps) <= 0.02 + 1e-12
    assert snapshots[-1].steps_per_second == pytest.approx(10, rel=0.06)


def test_speed_changes_through_the_control_keep_their_pace(clock):
    X, y = two_blobs()
    net = Network.from_sizes([2, 3, 1], seed=0)
    times = step_times(net, clock)
    control = TrainingControl()
    control.set_speed(40)

    def slow_down_then_stop():
        if clock.now >= 0.5 and len(times) == 20:
            control.set_speed(4)
        if clock.now >= 1.5:
            control.request_stop()

    clock.on_sleep = slow_down_then_stop
    result, _ = run(TrainingJob(net, X, y, epochs=None, batch_size=1), clock, control)
    # 40 a second from t = 0 until the change at 0.5 s, then one every 0.25 s after the last.
    np.testing.assert_allclose(times[:20], np.arange(20) * 0.025, atol=1e-9)
    np.testing.assert_allclose(times[20:], 0.475 + 0.25 * np.arange(1, 5), atol=1e-9)
    assert result.steps == 24


def test_divergence_stops_and_restores_the_last_published_finite_weights(clock):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 2))
    y = X @ [2.0, -1.0] + 0.5
    net = Network.from_sizes([2, 4, 1], ["tanh", "linear"], seed=0)
    clock.tick(net)
    # One long epoch: the loss overflows to NaN mid-epoch, before any epoch-end check.
    job = TrainingJob(net, X, y, epochs=1, batch_size=4, loss="mse", optimizer=SGD(1.0),
                      shuffle=False)
    result, snapshots = run(job, clock)
    assert result.status == DIVERGED == "diverged: lower the learning rate"
    assert 100 < result.steps < 300
    final = net.get_weights()
    assert all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in final)
    earlier = snapshots[-2]
    assert earlier.status == "running" and earlier.step < result.steps
    assert_weights_equal(final, earlier.weights)
    assert_weights_equal(snapshots[-1].weights, earlier.weights)
    assert snapshots[-1].status == DIVERGED
    # It really had grown: the restored weights are far from where they started.
    assert np.abs(final[1][0]).max() > 1e6


def test_xor_2_2_1_learns_below_the_loss_threshold():
    xor = load_dataset("xor")
    net = Network.from_sizes([2, 2, 1], "sigmoid", seed=1)
    job = TrainingJob(net, xor.X, xor.y, epochs=5000, batch_size=1, optimizer=SGD(0.5),
                      loss="sse", shuffle=False, stop_when_loss_below=0.05)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    assert result.status == CONVERGED
    losses = result.history["loss"]
    assert losses[-1] < 0.05 <= losses[-2]
    assert result.epochs == len(losses) < 5000 and result.steps == 4 * result.epochs
    assert result.history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(np.round(net.predict(xor.X)[:, 0]), [0, 1, 1, 0])


def test_epoch_figures_match_network_fit_for_the_same_seed(clock):
    X, y = two_blobs(30, seed=4)
    X_val, y_val = two_blobs(12, seed=5)
    for loss in ("mse", "sse"):
        fitted = Network.from_sizes([2, 4, 1], seed=3)
        trained = fitted.copy()
        expected = fitted.fit(X, y, epochs=6, batch_size=7, optimizer=SGD(0.3), loss=loss,
                              seed=9, validation_data=(X_val, y_val))
        epochs_seen = []
        job = TrainingJob(trained, X, y, X_val=X_val, y_val=y_val, epochs=6, batch_size=7,
                          optimizer=SGD(0.3), loss=loss, seed=9)
        result = run_training(job, TrainingControl(), lambda s: None, clock=clock,
                              sleep=clock.sleep,
                              on_epoch_end=lambda epoch, logs, seen=epochs_seen: seen.append(epoch))
        assert result.status == FINISHED and result.steps == 6 * 5
        assert epochs_seen == [1, 2, 3, 4, 5, 6]
        assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        for key in expected:
            np.testing.assert_allclose(result.history[key], expected[key], rtol=1e-12)
        assert_weights_equal(trained.get_weights(), fitted.get_weights())
        assert result.snapshot.metrics == pytest.approx({k: v[-1] for k, v in expected.items()},
                                                        rel=1e-12)


def test_seconds_left_follow_the_measured_pace(clock):
    xor = load_dataset("xor")
    net = Network.from_sizes([2, 2, 1], seed=1)
    clock.tick(net)
    job = TrainingJob(net, xor.X, xor.y, epochs=300, batch_size=2, grid=False)
    result, snapshots = run(job, clock)
    measured = [s for s in snapshots if s.status == "running" and s.steps_per_second > 0]
    assert measured
    for snapshot in measured:
        assert snapshot.steps_per_second == pytest.approx(1000)
        assert snapshot.seconds_left == pytest.approx((600 - snapshot.step) / 1000)
    assert snapshots[0].seconds_left is None  # no pace measured yet
    assert result.snapshot.seconds_left is None and result.snapshot.epochs_total == 300


def test_perceptron_on_and_converges_like_the_lecture_rule():
    data = load_dataset("and")
    perceptron = Perceptron(2, learning_rate=0.1, seed=0)
    reference = Perceptron(2, learning_rate=0.1, seed=0)
    expected = reference.fit(data.X, data.y, epochs=9)
    job = TrainingJob(perceptron, data.X, data.y, epochs=50, shuffle=False)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    assert result.status == CONVERGED
    assert list(result.history["loss"]) == [4.0, 4.0, 3.0, 2.0, 2.0, 3.0, 2.0, 1.0, 0.0]
    assert list(result.history["loss"]) == [float(m) for m in expected.mistakes]
    assert result.epochs == perceptron.history.converged_epoch == 9
    np.testing.assert_array_equal(perceptron.weights, reference.weights)
    np.testing.assert_array_equal(perceptron.predict(data.X), [0, 0, 0, 1])
    # The snapshot draws it as a one-layer step network.
    (W, b), = result.snapshot.weights
    np.testing.assert_array_equal(np.append(W[:, 0], b), perceptron.weights)
    np.testing.assert_array_equal(result.snapshot.boundary[[0, -1], [0, -1]], [0, 1])


def test_perceptron_on_xor_is_not_separable_but_and_may_just_need_more_epochs():
    xor, and_ = load_dataset("xor"), load_dataset("and")
    result = run_training(TrainingJob(Perceptron(2, 0.1, seed=0), xor.X, xor.y, epochs=20,
                                      shuffle=False), TrainingControl(), lambda s: None)
    assert result.status == NOT_SEPARABLE
    assert result.status == ("not separable: no straight line separates these classes; "
                             "add a hidden layer")
    # It stops as soon as the weights come back to an earlier epoch's: they cycle for ever.
    assert result.steps % 4 == 0 and 4 < result.steps <= 80 and min(result.history["loss"]) > 0
    result = run_training(TrainingJob(Perceptron(2, 0.1, seed=0), and_.X, and_.y, epochs=3,
                                      shuffle=False), TrainingControl(), lambda s: None)
    assert result.status == FINISHED and list(result.history["loss"]) == [4.0, 4.0, 3.0]


def test_perceptron_learning_rate_changes_live(clock):
    data = load_dataset("and")
    perceptron = Perceptron(2, learning_rate=0.1, seed=0)
    control = TrainingControl()
    control.pause()
    commands = [lambda: (control.set_learning_rate(0.7), control.single_step("epoch")),
                control.request_stop]

    def next_command(snapshot):
        if snapshot.status == PAUSED:
            commands.pop(0)()

    result, snapshots = run(TrainingJob(perceptron, data.X, data.y, shuffle=False), clock,
                            control, next_command)
    assert perceptron.learning_rate == 0.7 and result.steps == 4
    assert snapshots[-1].learning_rate == 0.7 and snapshots[-1].batch_size == 1


def test_snapshot_boundary_and_neuron_maps_match_a_forward_pass(clock):
    from nnsim.core.grid import grid_points

    X, y = two_blobs(25, seed=2)
    net = Network.from_sizes([2, 4, 3, 2], ["tanh", "relu", "softmax"], seed=5)
    job = TrainingJob(net, X, y, epochs=3, batch_size=5, loss="categorical_crossentropy",
                      optimizer=SGD(0.2), grid_size=30, probe_index=4)
    result, snapshots = run(job, clock)
    snapshot = result.snapshot
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low)
    np.testing.assert_allclose(snapshot.grid_extent,
                               [low[0] - pad[0], high[0] + pad[0], low[1] - pad[1],
                                high[1] + pad[1]])
    points = grid_points(snapshot.grid_extent, 30)
    out = net.predict(points)
    assert snapshot.boundary.shape == (30, 30)
    np.testing.assert_allclose(snapshot.boundary, out[:, 0].reshape(30, 30), rtol=1e-12)
    np.testing.assert_allclose(snapshot.output_maps[1], out[:, 1].reshape(30, 30), rtol=1e-12)
    hidden_1 = net.layers[0].forward(points)
    hidden_2 = net.layers[1].forward(hidden_1)
    assert [m.shape for m in snapshot.neuron_maps] == [(4, 30, 30), (3, 30, 30)]
    np.testing.assert_allclose(snapshot.neuron_maps[0][2], hidden_1[:, 2].reshape(30, 30))
    np.testing.assert_allclose(snapshot.neuron_maps[1][0], hidden_2[:, 0].reshape(30, 30))
    # Row j of a map is y = ys[j]; column i is x = xs[i].
    assert snapshot.neuron_maps[0][1, 29, 0] == pytest.approx(
        net.layers[0].forward(np.array([[snapshot.grid_extent[0], snapshot.grid_extent[3]]]))[0, 1])
    assert [a.shape for a in snapshot.activations] == [(2,), (4,), (3,), (2,)]
    np.testing.assert_allclose(snapshot.activations[-1], net.predict(X[4])[0])
    shown = {k: v for k, v in snapshot.history.items() if k != "epoch"}  # the curve's view
    assert shown == {k: list(v) for k, v in result.history.items()}
    assert snapshot.history is not result.history
    assert snapshot.history["epoch"] == [float(e) for e in range(1, result.epochs + 1)]


def test_no_grid_for_models_without_two_inputs(clock):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3))
    net = Network.from_sizes([3, 2, 1], seed=0)
    result, _ = run(TrainingJob(net, X, (X[:, 0] > 0).astype(int), epochs=1), clock)
    assert result.snapshot.boundary is None and result.snapshot.neuron_maps is None
    assert result.snapshot.grid_extent is None
    with pytest.raises(ValueError, match="needs a 2-input model"):
        run(TrainingJob(net, X, (X[:, 0] > 0).astype(int), epochs=1, grid=True), clock)


def test_bad_data_raises_to_the_caller(clock):
    X, _ = two_blobs()
    net = Network.from_sizes([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="class labels must be in 0..1"):
        run(TrainingJob(net, X, np.arange(10), epochs=1), clock)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        TrainingJob(net, X, np.zeros(10), epochs=0)


def job_loss(name):
    from nnsim.core.losses import get_loss

    return get_loss(name)


def assert_weights_equal(actual, expected):
    assert len(actual) == len(expected)
    for (w1, b1), (w2, b2) in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)


@pytest.mark.parametrize("loss", ["sse", "mse", "categorical_crossentropy"])
def test_saturated_outputs_count_as_diverged_though_the_loss_stays_finite(clock, loss):
    # Sigmoid and softmax are bounded, so a huge learning rate saturates them instead of
    # producing NaN: the loss ends far above where it started, or stuck above a constant guess.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    net = Network.from_sizes([2, 8, 3], ["sigmoid", "softmax"], seed=0)
    job = TrainingJob(net, X, y, epochs=200, batch_size=10, optimizer=SGD(1e6), loss=loss,
                      seed=0)
    result, snapshots = run(job, clock)
    assert result.status == DIVERGED
    assert result.epochs <= 3
    assert_weights_equal(net.get_weights(), snapshots[-2].weights)
    assert result.history["accuracy"][-1] < 0.6


def test_a_sound_learning_rate_on_the_same_data_is_not_called_diverged(clock):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    for loss in ("sse", "mse", "categorical_crossentropy"):
        net = Network.from_sizes([2, 8, 3], ["sigmoid", "softmax"], seed=0)
        job = TrainingJob(net, X, y, epochs=150, batch_size=10, optimizer=SGD(0.5), loss=loss,
                          seed=0)
        result, _ = run(job, clock)
        assert result.status == FINISHED, loss
        assert result.history["loss"][-1] < result.history["loss"][0] / 2
        assert result.history["accuracy"][-1] > 0.9


def test_max_steps_stops_after_exactly_that_many_steps():
    from nnsim.core.lessons import load_lesson
    from nnsim.training.control import TrainingControl
    from nnsim.training.loop import STOPPED, TrainingJob, run_training

    lesson = load_lesson("backprop-xor")
    data = lesson.load_data()
    job = TrainingJob(model=lesson.build_model(2), X=data.X_train, y=data.y_train, epochs=None,
                      batch_size=1, optimizer=lesson.build_optimizer(), max_steps=37)
    published = []
    result = run_training(job, TrainingControl(), published.append)
    assert result.status == STOPPED
    assert result.steps == 37
    assert published[-1].step == 37


def test_perceptron_on_xor_stops_once_its_weights_cycle_even_without_an_epoch_limit():
    from nnsim.core.lessons import load_lesson
    from nnsim.training.control import TrainingControl
    from nnsim.training.loop import NOT_SEPARABLE, TrainingJob, run_training

    lesson = load_lesson("perceptron-xor")
    data = lesson.load_data()
    job = TrainingJob(model=lesson.build_model(2), X=data.X_train, y=data.y_train, epochs=None,
                      shuffle=False)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    assert result.status == NOT_SEPARABLE
    assert 1 < result.epochs < 100
    assert all(mistakes > 0 for mistakes in result.history["loss"])
