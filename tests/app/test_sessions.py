"""Session files from the window: identical round trip, and a bad file keeps the work."""

from __future__ import annotations

import numpy as np

from tests.app.conftest import warnings_shown


def _train_a_little(nnsim_app, qtbot, epochs: int = 30) -> None:
    controller = nnsim_app.controller
    controller.settings.epochs = epochs
    controller.start_training()
    qtbot.waitUntil(lambda: not controller.is_training and controller.history.epochs == epochs,
                    timeout=30_000)


def test_save_and_load_give_identical_weights_and_history(nnsim_app, qtbot, tmp_path):
    _train_a_little(nnsim_app, qtbot)
    controller = nnsim_app.controller
    weights = controller.weights()
    history = {k: list(v) for k, v in controller.history.items()}
    path = tmp_path / "xor.nnsim"
    assert nnsim_app.sessions.save_to(path)
    controller.load_lesson_safely("perceptron-or")
    assert nnsim_app.sessions.open(path)
    assert controller.lesson.name == "backprop-xor"
    for (W1, b1), (W2, b2) in zip(weights, controller.weights(), strict=True):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    assert {k: list(v) for k, v in controller.history.items()} == history
    assert nnsim_app.sessions.recent()[0] == str(path)


def test_perceptron_session_round_trip(nnsim_app, tmp_path):
    controller = nnsim_app.controller
    controller.load_lesson_safely("perceptron-and")
    controller.model.weights[:] = [0.25, -0.5, 0.125]
    path = tmp_path / "and.nnsim"
    assert nnsim_app.sessions.save_to(path)
    controller.load_lesson_safely("backprop-xor")
    assert nnsim_app.sessions.open(path)
    np.testing.assert_array_equal(controller.model.weights, [0.25, -0.5, 0.125])


def test_a_corrupt_session_shows_an_error_and_keeps_the_current_work(nnsim_app, qtbot,
                                                                      tmp_path):
    _train_a_little(nnsim_app, qtbot, epochs=5)
    controller = nnsim_app.controller
    weights = controller.weights()
    bad = tmp_path / "broken.nnsim"
    bad.write_bytes(b"PK\x03\x04 this is not a real zip file")
    assert not nnsim_app.sessions.open(bad)
    assert any("broken.nnsim" in text for text in warnings_shown(nnsim_app.window))
    assert controller.lesson.name == "backprop-xor"
    for (W1, _), (W2, _) in zip(weights, controller.weights(), strict=True):
        np.testing.assert_array_equal(W1, W2)
    assert controller.history.epochs == 5


def test_saving_writes_atomically_and_keeps_the_old_file_on_error(nnsim_app, tmp_path,
                                                                   monkeypatch):
    path = tmp_path / "keep.nnsim"
    assert nnsim_app.sessions.save_to(path)
    original = path.read_bytes()
    import numpy

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(numpy, "savez_compressed", fail)
    assert not nnsim_app.sessions.save_to(path)
    assert path.read_bytes() == original
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_saving_while_training_saves_a_consistent_copy_and_trains_on(nnsim_app, qtbot,
                                                                    tmp_path):
    controller = nnsim_app.controller
    controller.settings.epochs = 0
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_snapshot.step > 20, timeout=10_000)
    assert nnsim_app.sessions.save_to(tmp_path / "live.nnsim")
    assert controller.is_training
    from nnsim.core.session import load_session

    saved = load_session(tmp_path / "live.nnsim")
    assert saved.epoch == len(saved.history["loss"]) > 0
