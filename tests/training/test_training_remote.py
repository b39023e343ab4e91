"""The trainer process (no Qt): the same loop in a child, steered and read from the parent."""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time

import numpy as np
import pytest

from nnsim.core.activations import get_activation
from nnsim.core.history import History
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.training import remote
from nnsim.training.child import receive_message, send_message
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult, run_training
from nnsim.training.remote import CHILD_ENDED, RemoteTrainer

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


class Recorder:
    """Collects what the reader thread reports."""

    def __init__(self) -> None:
        self.snapshots = 0
        self.ends: list[tuple[TrainingResult | None, str | None]] = []
        self.runs: list[int] = []  # the run number of each end, in order
        self.ended = threading.Event()

    def on_snapshot(self, run: int) -> None:
        self.snapshots += 1

    def on_end(self, run: int, result: TrainingResult | None, error: str | None) -> None:
        self.runs.append(run)
        self.ends.append((result, error))
        self.ended.set()


@pytest.fixture
def trainer():
    recorder = Recorder()
    remote = RemoteTrainer(recorder.on_snapshot, recorder.on_end)
    remote.recorder = recorder
    yield remote
    remote.close()


def xor_job(epochs: int | None = 300, **options) -> TrainingJob:
    network = Network.from_sizes([2, 3, 1], ["tanh", "sigmoid"], seed=5)
    return TrainingJob(model=network, X=XOR_X, y=XOR_Y, epochs=epochs, batch_size=1,
                       optimizer=SGD(0.5, momentum=0.5), loss="sse", seed=7, **options)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_messages_carry_their_arrays_out_of_band_and_writable() -> None:
    reader, writer = multiprocessing.Pipe(duplex=False)
    maps = np.arange(30_000, dtype=np.float64).reshape(3, 100, 100)
    message = ("snapshot", 7, {"maps": maps, "weights": (np.eye(2), None)})
    sender = threading.Thread(target=send_message, args=(writer, message))  # a pipe holds 64 kB
    sender.start()
    kind, run, payload = receive_message(reader)
    sender.join()
    assert (kind, run) == ("snapshot", 7)
    np.testing.assert_array_equal(payload["maps"], maps)
    np.testing.assert_array_equal(payload["weights"][0], np.eye(2))
    payload["maps"][0, 0, 0] = -1.0  # views may not write, but a copy of ours could
    assert maps[0, 0, 0] == 0.0


def test_every_activation_pickles_by_name_with_its_alpha() -> None:
    for name, alpha in [("sigmoid", None), ("tanh", None), ("relu", None), ("step", None),
                        ("leaky_relu", 0.2), ("elu", 0.5), ("softmax", None), ("linear", None)]:
        activation = get_activation(name, alpha)
        copy = pickle.loads(pickle.dumps(activation))
        grid = np.linspace(-2, 2, 9)
        assert copy.name == name and copy.alpha == activation.alpha
        np.testing.assert_array_equal(copy(grid), activation(grid))


def test_a_run_in_the_child_leaves_the_parents_model_as_a_thread_would(trainer) -> None:
    job, reference = xor_job(), xor_job()
    expected = run_training(reference, TrainingControl(), lambda snapshot: None)
    weights_before = job.model.layers[0].weights  # the same array object afterwards

    trainer.start(job)
    assert trainer.recorder.ended.wait(20)

    result, error = trainer.recorder.ends[0]
    assert error is None and result.status == expected.status == "finished"
    assert result.steps == expected.steps == 1200
    assert result.history["loss"] == pytest.approx(expected.history["loss"], rel=1e-12)
    assert job.model.layers[0].weights is weights_before
    for (W, b), (W_ref, b_ref) in zip(job.model.get_weights(), reference.model.get_weights(),
                                      strict=True):
        np.testing.assert_allclose(W, W_ref, rtol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=1e-12)
    for mine, theirs in zip(job.optimizer.velocities, reference.optimizer.velocities,
                            strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
    assert not trainer.is_running


def test_a_perceptron_comes_back_with_its_history(trainer) -> None:
    model = Perceptron(2, 0.1, seed=3)
    job = TrainingJob(model=model, X=XOR_X, y=np.array([0.0, 0.0, 0.0, 1.0]), epochs=20, seed=1)
    reference = Perceptron(2, 0.1, seed=3)
    expected = run_training(TrainingJob(model=reference, X=job.X, y=job.y, epochs=20, seed=1),
                            TrainingControl(), lambda snapshot: None)
    trainer.start(job)
    assert trainer.recorder.ended.wait(20)
    assert trainer.recorder.ends[0][0].status == expected.status
    assert len(model.history.mistakes) == 20
    assert model.history.mistakes == reference.history.mistakes
    np.testing.assert_array_equal(model.weights, reference.weights)


def test_an_error_in_the_child_is_reported_and_the_parents_model_kept(trainer) -> None:
    job = xor_job()
    before = job.model.get_weights()
    trainer.start(TrainingJob(model=job.model, X=np.ones((4, 3)), y=XOR_Y))
    assert trainer.recorder.ended.wait(20)
    result, error = trainer.recorder.ends[0]
    assert result is None and "2 inputs" in error
    for (W, _), (W0, _) in zip(job.model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(W, W0)
    trainer.start(xor_job(epochs=2))  # the same child serves the next job
    wait_until(lambda: len(trainer.recorder.ends) == 2)
    assert trainer.recorder.ends[1][0].status == "finished"


def test_a_job_that_cannot_be_sent_is_reported_not_raised(trainer) -> None:
    job = xor_job()
    job.model.train_step = lambda *args: None  # a local function: pickle refuses it
    trainer.start(job)
    assert trainer.recorder.ended.is_set()
    assert "cannot be sent" in trainer.recorder.ends[0][1]
    assert not trainer.is_running


def test_a_dead_child_is_reported_and_the_next_run_starts_a_new_one(trainer) -> None:
    trainer.start(xor_job(epochs=None))
    wait_until(lambda: trainer.recorder.snapshots >= 1)
    child = trainer.child
    child.kill()
    assert trainer.recorder.ended.wait(10)
    assert trainer.recorder.ends[0] == (None, CHILD_ENDED)
    trainer.start(xor_job(epochs=2))
    wait_until(lambda: len(trainer.recorder.ends) == 2)
    assert trainer.recorder.ends[1][0].status == "finished"
    assert trainer.child.pid != child.pid and trainer.child.is_alive()


def test_close_stops_the_run_and_ends_the_child(trainer) -> None:
    trainer.start(xor_job(epochs=None))
    wait_until(lambda: trainer.recorder.snapshots >= 1)
    child = trainer.child
    trainer.close()
    assert not trainer.is_running
    assert not child.is_alive() and trainer.child is None


def test_weights_that_no_longer_fit_the_parents_model_are_reported_not_forced(trainer) -> None:
    job = xor_job(epochs=None)
    trainer.start(job)
    wait_until(lambda: trainer.recorder.snapshots >= 1)
    job.model.layers[0].weights = np.zeros((2, 5))  # the parent's model changed meanwhile
    assert trainer.stop(5.0)
    result, error = trainer.recorder.ends[0]
    assert result is None and "no longer fit" in error
    np.testing.assert_array_equal(job.model.layers[0].weights, np.zeros((2, 5)))


def test_big_data_stays_in_the_child_between_runs(trainer, monkeypatch) -> None:
    rng = np.random.default_rng(4)
    X = rng.random((11_000, 100))  # 8.8 MB: over CACHE_MIN_BYTES
    y = (X[:, 0] > X[:, 1]).astype(float)

    def job() -> TrainingJob:
        network = Network.from_sizes([100, 4, 1], "sigmoid", seed=2)
        return TrainingJob(model=network, X=X, y=y, epochs=1, batch_size=500,
                           optimizer=SGD(0.5), loss="sse", seed=3)

    sizes: list[int] = []
    send = trainer._send_bytes
    monkeypatch.setattr(trainer, "_send_bytes", lambda message: sizes.append(len(message))
                        or send(message))
    first, second, reference = job(), job(), job()
    expected = run_training(reference, TrainingControl(), lambda snapshot: None)
    for number, run_job in enumerate((first, second), start=1):
        trainer.start(run_job)
        wait_until(lambda number=number: len(trainer.recorder.ends) == number)
    assert sizes[0] > X.nbytes and sizes[1] < 100_000  # the second job left the data out
    assert trainer.recorder.runs == [1, 2]
    for (result, error), trained in zip(trainer.recorder.ends, (first, second), strict=True):
        assert error is None and result.status == expected.status  # each run's own end
        assert result.history["loss"] == pytest.approx(expected.history["loss"], rel=1e-12)
        np.testing.assert_allclose(trained.model.layers[0].weights,
                                   reference.model.layers[0].weights, rtol=1e-12)
    trainer.start(TrainingJob(model=job().model, X=X.copy(), y=y, epochs=1))  # new arrays
    wait_until(lambda: len(trainer.recorder.ends) == 3)
    assert sizes[-1] > X.nbytes


def test_a_runs_weights_go_into_its_own_job_and_are_always_reported(trainer,
                                                                     monkeypatch) -> None:
    """Checking the run, copying its weights and ending it are one step: a start or close
    that comes meanwhile waits, so the weights never land in the next run's job and a run
    whose weights were copied is never dropped unreported."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    mine, trained, nxt = xor_job(), xor_job(), xor_job()
    run_training(trained, TrainingControl(), lambda snapshot: None)
    untouched = nxt.model.get_weights()
    trainer._run, trainer._job = 1, mine  # run 1 in progress, as start() leaves it
    trainer._ended.clear()
    trainer._reported.clear()
    replaced = threading.Event()

    def give_up_and_start_the_next() -> None:  # what close() and start() do to the state
        with trainer._lock:
            trainer._run += 2
            trainer._job = nxt
            trainer._ended.clear()
        replaced.set()

    adopt = remote.adopt_model

    def adopt_slowly(model, source) -> None:  # the GUI gives up on run 1 while it is copied
        threading.Thread(target=give_up_and_start_the_next, daemon=True).start()
        replaced.wait(0.2)
        adopt(model, source)

    monkeypatch.setattr(remote, "adopt_model", adopt_slowly)
    thread = threading.Thread(target=trainer._read, args=(reader, None), daemon=True)
    thread.start()
    result = TrainingResult("finished", History(), 1200, 300)
    send_message(writer, ("finished", 1, (result, trained.model, trained.optimizer)))
    assert trainer.recorder.ended.wait(5) and replaced.wait(5)
    assert trainer.recorder.runs == [1] and trainer.recorder.ends[0] == (result, None)
    for (W, _), (W_ref, _) in zip(mine.model.get_weights(), trained.model.get_weights(),
                                  strict=True):
        np.testing.assert_array_equal(W, W_ref)
    for (W, _), (W0, _) in zip(nxt.model.get_weights(), untouched, strict=True):
        np.testing.assert_array_equal(W, W0)
    assert trainer.run == 3 and trainer.is_running  # the next run goes on, unended
    writer.close()
    thread.join(5)


def test_a_new_job_stops_a_run_the_parent_gave_up_on(trainer) -> None:
    trainer.start(xor_job(epochs=None))  # runs until stopped
    wait_until(lambda: trainer.recorder.snapshots >= 1)
    trainer._finish(trainer.run, None, "given up")  # as an unreadable message ends it
    assert not trainer.is_running
    trainer.start(xor_job(epochs=2))  # not queued behind the endless one
    wait_until(lambda: len(trainer.recorder.ends) == 2)
    assert trainer.recorder.runs == [1, 2]
    assert trainer.recorder.ends[1][0].status == "finished"


def test_an_unreadable_message_ends_the_run_with_a_message(trainer) -> None:
    reader, writer = multiprocessing.Pipe(duplex=False)
    trainer._run = 1  # a run in progress, as start() leaves it
    trainer._ended.clear()
    trainer._reported.clear()
    thread = threading.Thread(target=trainer._read, args=(reader, None), daemon=True)
    thread.start()
    writer.send_bytes((0).to_bytes(4, "little") + b"not a pickle")
    assert trainer.recorder.ended.wait(5)
    result, error = trainer.recorder.ends[0]
    assert result is None and "could not read the trainer's message" in error
    assert not trainer.is_running
    writer.close()  # end of file ends the reader
    thread.join(5)
    assert not thread.is_alive()


def test_the_end_of_a_replaced_child_does_not_end_the_run_under_way(trainer) -> None:
    reader, writer = multiprocessing.Pipe(duplex=False)
    trainer._run = 2  # a run in progress in a new child, as start() leaves it
    trainer._ended.clear()
    trainer._reported.clear()
    replaced = object()  # the child this reader served: closed, so no longer trainer.child
    thread = threading.Thread(target=trainer._read, args=(reader, replaced), daemon=True)
    thread.start()
    writer.close()  # the old child's pipe ends late, after the new run started
    thread.join(5)
    assert not thread.is_alive()
    assert trainer.is_running and trainer.recorder.ends == []


def test_settings_made_before_the_start_travel_with_the_job(trainer, monkeypatch) -> None:
    control = TrainingControl()
    control.pause()
    control.set_learning_rate(0.25)
    send = trainer._send  # drop any pause or change sent after the job: the job must carry them
    monkeypatch.setattr(trainer, "_send", lambda message: None if message[0] in
                        ("pause", "change") else send(message))
    remote = trainer.start(xor_job(epochs=None), control)
    assert remote.is_paused
    shown = []

    def shows_the_new_rate() -> bool:  # the first Snapshot is built before changes apply
        snapshot = trainer.take_snapshot()
        if snapshot is not None:
            shown.append(snapshot)
            trainer.acknowledge()
        return bool(shown) and shown[-1].learning_rate == 0.25

    wait_until(shows_the_new_rate)
    assert [(s.status, s.step) for s in shown] == [("paused", 0)] * len(shown)
    assert trainer.stop(2.0)
