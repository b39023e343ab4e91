"""The assembled window: lessons, training through the worker thread, stepping, closing."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest
from PySide6.QtCore import QThread

from nnsim.core.lessons import list_lessons
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron
from tests.app.conftest import run_over, warnings_shown


def test_opens_on_backprop_xor_with_its_panels(nnsim_app):
    window = nnsim_app.window
    assert nnsim_app.controller.lesson.name == "backprop-xor"
    assert window.windowTitle() == "nnsim: Backpropagation learns XOR"
    assert isinstance(nnsim_app.controller.model, Network)
    assert nnsim_app.controller.model.sizes == [2, 2, 1]
    for key in ("lessons", "training", "curves", "boundary", "stepper"):
        assert window.docks[key].isVisible(), key
    for key in ("digits", "evaluation", "gallery"):
        assert not window.docks[key].isVisible(), key


@pytest.mark.parametrize("name", [lesson.name for lesson in list_lessons()])
def test_every_lesson_loads_and_shows_its_panels(nnsim_app, name):
    controller = nnsim_app.controller
    assert controller.load_lesson_safely(name)
    lesson = controller.lesson
    assert lesson.name == name
    for panel in lesson.panels:
        if panel != "canvas":
            assert nnsim_app.window.docks[panel].isVisible(), panel
    if lesson.kind == "perceptron":
        assert isinstance(controller.model, Perceptron)
    elif lesson.kind == "network":
        assert controller.model.sizes[0] == controller.data.X_train.shape[1]
    assert warnings_shown(nnsim_app.window) == []


def test_xor_trains_below_0_05_then_stops(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.settings.epochs = 0  # until stopped
    assert controller.start_training()
    qtbot.waitUntil(lambda: controller.last_snapshot is not None
                    and controller.last_snapshot.metrics.get("loss", 1.0) < 0.05
                    and controller.last_snapshot.epoch > 0, timeout=60_000)
    assert controller.stop_training()
    qtbot.waitUntil(lambda: run_over(controller), timeout=2000)
    predictions = controller.model.predict(controller.data.X_train)[:, 0]
    assert ((predictions >= 0.5) == controller.data.y_train.astype(bool)).all()
    assert controller.history["loss"][-1] < 0.05


def test_pause_resume_and_single_steps(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.settings.epochs = 0
    controller.single_step("sample")
    qtbot.waitUntil(lambda: controller.last_snapshot is not None
                    and controller.last_snapshot.step == 1
                    and controller.last_snapshot.status == "paused", timeout=5000)
    controller.single_step("batch")  # batch size 1: one more step
    qtbot.waitUntil(lambda: controller.last_snapshot.step == 2, timeout=5000)
    controller.single_step("epoch")  # finishes the epoch of 4 rows
    qtbot.waitUntil(lambda: controller.last_snapshot.epoch == 1, timeout=5000)
    assert controller.last_snapshot.step == 4
    controller.toggle_training()  # resume
    qtbot.waitUntil(lambda: controller.last_snapshot.step > 40, timeout=10_000)
    controller.toggle_training()  # pause
    qtbot.waitUntil(lambda: controller.last_snapshot.status == "paused", timeout=5000)
    paused_at = controller.last_snapshot.step
    qtbot.wait(200)
    assert controller.last_snapshot.step == paused_at
    assert controller.is_training


def test_space_bar_action_trains_and_pauses(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.settings.epochs = 0  # until stopped, so the run cannot finish before the pause
    nnsim_app.window.action_train.trigger()
    qtbot.waitUntil(lambda: controller.last_snapshot.step > 10, timeout=10_000)
    nnsim_app.window.action_train.trigger()
    qtbot.waitUntil(lambda: controller.last_snapshot.status == "paused", timeout=5000)
    assert not nnsim_app.window.action_train.isChecked()


def test_closing_while_training_ends_the_run_and_the_trainer_process(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.settings.epochs = 0
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_snapshot.step > 10, timeout=10_000)
    child = controller.trainer.child_process
    assert child.name == "nnsim-trainer" and child.is_alive()
    nnsim_app.window.close()
    assert not controller.is_training
    assert not child.is_alive()


def test_train_and_stop_a_hundred_times_leaves_one_trainer_and_no_thread(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.settings.epochs = 0
    threads_before = threading.active_count()
    assert controller.start_training()
    assert controller.stop_training(2000)
    child = controller.trainer.child_process
    for _ in range(99):
        assert controller.start_training()
        assert controller.stop_training(2000)
        assert not controller.is_training
    assert controller.trainer.child_process is child and child.is_alive()  # one, reused
    assert threading.active_count() <= threads_before + 1  # the one reader of the process
    assert QThread.currentThread() is nnsim_app.window.thread()


def test_an_error_during_training_is_shown_and_the_window_stays_usable(nnsim_app, qtbot,
                                                                         monkeypatch):
    controller = nnsim_app.controller
    weights = controller.network().get_weights()
    make_job = controller.runs.job

    def job_with_bad_rows(*args, **kwargs):
        # Rows of 3 numbers for a net of 2 inputs: the trainer raises as it begins.
        return dataclasses.replace(make_job(*args, **kwargs), X=np.ones((4, 3)))

    monkeypatch.setattr(controller.runs, "job", job_with_bad_rows)
    controller.start_training()
    qtbot.waitUntil(lambda: any("because of an error" in text and "3" in text
                                for text in warnings_shown(nnsim_app.window)), timeout=10_000)
    for (W, _), (W0, _) in zip(controller.network().get_weights(), weights, strict=True):
        np.testing.assert_array_equal(W, W0)
    qtbot.waitUntil(lambda: run_over(controller), timeout=2000)
    monkeypatch.undo()
    assert controller.load_lesson_safely("perceptron-and")


def test_a_diverging_learning_rate_stops_with_a_clear_status(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.load_lesson_safely("mnist-keras")
    nnsim_app.window.controls.learning_rate.setValue(10.0)  # the control's maximum
    controller.settings.epochs = 0
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_status.startswith("diverged"), timeout=60_000)
    assert not controller.is_training
    for W, _ in controller.network().get_weights():
        assert np.isfinite(W).all()
    message = nnsim_app.window.statusBar().currentMessage()
    assert message.startswith("Training diverged: ") and "lower the learning rate" in message
    controller.load_lesson_safely("backprop-xor")  # the verdict does not follow into it
    assert nnsim_app.window.statusBar().currentMessage() == ""


def test_reset_weights_is_undoable(nnsim_app):
    controller = nnsim_app.controller
    before = controller.weights()
    controller.edits.reset_weights(new_seed=True)
    after = controller.weights()
    assert not np.allclose(before[0][0], after[0][0])
    nnsim_app.window.action_undo.trigger()
    assert np.allclose(controller.weights()[0][0], before[0][0])


def test_projector_mode_shows_only_the_main_panel_and_restores(nnsim_app):
    window = nnsim_app.window
    visible_before = {k for k, d in window.docks.items() if d.isVisible()}
    nnsim_app.presentation.set_projector(True)
    assert nnsim_app.presentation.theme.name == "projector"
    assert {k for k, d in window.docks.items() if d.isVisible()} == {"boundary"}
    nnsim_app.presentation.set_projector(False)
    assert {k for k, d in window.docks.items() if d.isVisible()} == visible_before


def test_a_lesson_opened_while_projecting_shows_only_its_main_panel(nnsim_app, qtbot):
    window, presentation = nnsim_app.window, nnsim_app.presentation
    presentation.set_projector(True)
    assert nnsim_app.controller.load_lesson_safely("activations")
    assert {k for k, d in window.docks.items() if d.isVisible()} == {"gallery"}
    qtbot.waitUntil(lambda: window.docks["gallery"].width() > 0.4 * window.width(),
                    timeout=2000)  # widened as on entering projector mode
    # Built under the projector theme, the gallery's text is scaled once, not twice.
    base = window._lazy["gallery"]._base_point_size
    assert window.gallery.font().pointSizeF() == pytest.approx(
        base * presentation.theme.font_scale, rel=0.01)
    presentation.set_projector(False)
    visible = {k for k, d in window.docks.items() if d.isVisible()}
    assert "gallery" in visible and "boundary" not in visible  # this lesson's, not XOR's


def test_interface_scale_changes_the_font(nnsim_app):
    from PySide6.QtWidgets import QApplication

    size = QApplication.font().pointSizeF()
    nnsim_app.window.action_zoom_in.trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(size * 1.15, rel=0.02)
    nnsim_app.window.action_zoom_reset.trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(size, rel=0.02)


def test_data_menu_switches_the_point_cloud_and_keeps_the_network(nnsim_app):
    controller = nnsim_app.controller
    assert not nnsim_app.window.data_menu.isEnabled()  # XOR is a gate, not a cloud
    controller.load_lesson_safely("moons")
    assert nnsim_app.window.data_menu.isEnabled()
    sizes = controller.model.sizes
    spiral = next(a for a in nnsim_app.window.cloud_actions.actions() if a.data() == "spiral")
    spiral.trigger()
    assert controller.state.cloud_options["name"] == "spiral"
    assert len(controller.data.X_train) + len(controller.data.X_test) == 200
    assert controller.model.sizes == sizes
    noise = next(a for a in nnsim_app.window.noise_actions.actions() if a.data() == 0.3)
    noise.trigger()
    assert controller.state.cloud_options["noise"] == 0.3
    np_points = nnsim_app.window.boundary.X
    assert len(np_points) == 200


def test_perceptron_on_xor_says_no_line_separates_it(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.load_lesson_safely("perceptron-xor")
    controller.settings.epochs = 0  # until stopped: the cycling weights end it
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_status.startswith("not separable"), timeout=20_000)
    assert "no straight line separates its classes" in nnsim_app.window.boundary.banner.text()
    assert "no straight line separates its classes" in nnsim_app.window.comparison.banner.text()


def test_perceptron_on_and_converges_with_every_row_right(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.load_lesson_safely("perceptron-and")
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_status == "converged", timeout=20_000)
    predictions = controller.model.predict(controller.data.X_train)
    np.testing.assert_array_equal(predictions, controller.data.y_train)
    assert nnsim_app.window.boundary.banner.text() == ""
