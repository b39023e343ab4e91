"""The timeline in the real window: scrub, click the curves, replay, Train from the past (branch
and Ctrl+Z), lesson switches, projector mode and sessions.

Expected weights come from an independent re-training by core's ``Network.fit`` with the
lesson's seed and settings, never from the timeline's own record.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nnsim.core.grid import grid_extent, grid_maps, grid_points
from nnsim.core.network import Network
from nnsim.core.scoring import score
from nnsim.workspace.opening import lesson_state
from tests.app.conftest import run_over

EPOCHS = 40


def retrained(epochs: int) -> Network:
    """backprop-xor's fresh network trained ``epochs`` epochs in one go by ``Network.fit``."""
    state = lesson_state("backprop-xor")
    network = state.model
    if epochs:
        network.fit(state.data.X_train, state.data.y_train, epochs=epochs,
                    batch_size=state.settings.batch_size, optimizer=state.optimizer,
                    loss=state.lesson.loss, shuffle=state.lesson.shuffle,
                    seed=state.settings.seed)
    return network


def assert_weights(weights, network: Network) -> None:
    expected = network.get_weights()
    assert len(weights) == len(expected)
    for (W, b), (W2, b2) in zip(weights, expected, strict=True):
        np.testing.assert_allclose(W, W2, rtol=1e-12, atol=0)
        np.testing.assert_allclose(b, b2, rtol=1e-12, atol=0)


def train(app, qtbot, epochs: int = EPOCHS, total: int | None = None) -> None:
    """Press Train (Space) and wait until the run's end is handled."""
    controller = app.controller
    controller.window.controls.epochs.setValue(epochs)
    qtbot.keyClick(app.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: run_over(controller) and
                    controller.history.epochs == (epochs if total is None else total),
                    timeout=30_000)


def scrub_to(app, qtbot, epoch: int) -> None:
    """Home on the slider, then Right arrow ``epoch`` times, as a user would."""
    slider = app.controller.timeline.bar.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    for _ in range(epoch):
        qtbot.keyClick(slider, Qt.Key.Key_Right)


def answer_train_question(qtbot, button_text: str) -> list[str]:
    """Click ``button_text`` in the "Train from where?" box as soon as it opens; returns the
    texts the box showed (to assert it did open)."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "nnsim-train-from":
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        seen.append("no button " + button_text)
        box.reject()

    QTimer.singleShot(0, click)
    return seen


def activate(window, qtbot) -> None:
    """Give the window the focus back after a modal box (offscreen Qt leaves no window active,
    and shortcuts only reach the active one; a desktop reactivates the parent by itself)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def test_scrubbing_shows_the_checkpoint_everywhere(nnsim_app, qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    train(nnsim_app, qtbot)
    bar, link = controller.timeline.bar, controller.timeline
    assert bar.slider.isEnabled() and bar.slider.maximum() == EPOCHS
    assert bar.label.text() == "Latest: epoch 40"
    window.docks["truth_table"].show()
    window.docks["truth_table"].raise_()
    qtbot.waitUntil(lambda: controller.views.visible("truth_table"), timeout=5000)

    scrub_to(nnsim_app, qtbot, 15)
    assert link.viewing == 15
    assert bar.label.text() == "Viewing epoch 15 of 40"
    expected = retrained(15)
    assert_weights(window.canvas._snapshot.weights, expected)
    data = controller.data
    maps = grid_maps(expected, grid_points(grid_extent(data.X_train), 100), 100)
    np.testing.assert_allclose(window.boundary.values, maps.boundary, rtol=1e-12)
    assert_weights(window.truth_table.snapshot.weights, expected)
    out = expected.predict(data.X_train)[:, 0]
    shown = [float(window.truth_table.table.item(row, 3).text()) for row in range(len(out))]
    np.testing.assert_allclose(shown, out, atol=10 ** -window.truth_table.precision)
    stepper_weights = controller.window.stepper._forward.layers[0].weights
    np.testing.assert_allclose(stepper_weights, expected.get_weights()[0][0], rtol=1e-12)
    assert controller.workspace.figures.epoch == 15
    # The status bar's figures are those of the weights shown (scored by core).
    assert controller.workspace.figures.loss == score(expected, data.X_train, data.y_train,
                                                      controller.lesson.loss).loss
    assert window.curves.viewed_lines["loss"].value() == 15
    # The model itself was not changed by looking back.
    assert_weights(controller.weights(), retrained(EPOCHS))

    qtbot.keyClick(bar.slider, Qt.Key.Key_End)
    assert link.viewing is None and bar.label.text() == "Latest: epoch 40"
    assert_weights(window.canvas._snapshot.weights, retrained(EPOCHS))
    assert not window.curves.viewed_lines["loss"].isVisible()


def test_a_click_on_the_curves_shows_that_epoch(nnsim_app, qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    train(nnsim_app, qtbot)
    window.docks["curves"].show()
    window.docks["curves"].raise_()
    qtbot.waitUntil(lambda: controller.views.visible("curves"), timeout=5000)
    curves = window.curves
    plot = curves.loss_plot
    qtbot.waitUntil(lambda: plot.sceneBoundingRect().width() > 50, timeout=5000)
    (_, _), (y0, y1) = plot.vb.viewRange()
    scene = plot.vb.mapViewToScene(QPointF(25, (y0 + y1) / 2))
    where = curves.graphics.mapFromScene(scene)
    qtbot.mouseClick(curves.graphics.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(where.x(), where.y()))
    assert controller.timeline.viewing == 25
    assert_weights(window.canvas._snapshot.weights, retrained(25))
    assert curves.viewed_lines["accuracy"].value() == 25


def test_replay_plays_the_epochs_in_order_and_stops_at_the_latest(nnsim_app, qtbot):
    controller = nnsim_app.controller
    train(nnsim_app, qtbot)
    link, bar = controller.timeline, controller.timeline.bar
    shown: list = []
    link.model.viewing_changed.connect(shown.append)
    bar.pace.setValue(100.0)
    qtbot.mouseClick(bar.play, Qt.MouseButton.LeftButton)
    assert link.playing and bar.play.text() == "Pause"
    qtbot.waitUntil(lambda: not link.playing, timeout=10_000)
    epochs = [epoch for epoch in shown if epoch is not None]
    assert epochs[0] == 0 and len(epochs) >= 4
    assert epochs == sorted(epochs) and len(set(epochs)) == len(epochs)
    assert shown[-1] is None and link.viewing is None  # ended on the latest
    assert bar.play.text() == "Play" and not bar.play.isChecked()
    # Pause and step: ] goes one epoch on, [ one back.
    scrub_to(nnsim_app, qtbot, 10)
    qtbot.keyClick(nnsim_app.window, Qt.Key.Key_BracketRight)
    assert link.viewing == 11
    qtbot.keyClick(nnsim_app.window, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(nnsim_app.window, Qt.Key.Key_BracketLeft)
    assert link.viewing == 9
    assert_weights(nnsim_app.window.canvas._snapshot.weights, retrained(9))


def test_branching_from_an_epoch_drops_the_later_run_and_ctrl_z_brings_it_back(nnsim_app,
                                                                              qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    train(nnsim_app, qtbot)
    scrub_to(nnsim_app, qtbot, 10)
    window.controls.epochs.setValue(5)
    seen = answer_train_question(qtbot, "Branch from epoch 10")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert seen == ["You are viewing epoch 10 of 40."]
    qtbot.waitUntil(lambda: run_over(controller) and controller.history.epochs == 15,
                    timeout=30_000)
    link = controller.timeline
    activate(window, qtbot)
    assert link.model.epochs == list(range(16)) and link.viewing is None
    assert_weights(controller.weights(), retrained(15))  # went on from epoch 10
    assert controller.timeline.bar.label.text() == "Latest: epoch 15"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert controller.history.epochs == EPOCHS
    assert link.model.epochs == list(range(EPOCHS + 1))
    assert_weights(controller.weights(), retrained(EPOCHS))
    assert controller.timeline.bar.slider.maximum() == EPOCHS
    link.view_epoch(30)
    assert_weights(window.canvas._snapshot.weights, retrained(30))


def test_continue_from_latest_keeps_everything_and_cancel_trains_nothing(nnsim_app, qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    train(nnsim_app, qtbot)
    scrub_to(nnsim_app, qtbot, 10)
    window.controls.epochs.setValue(5)
    seen = answer_train_question(qtbot, "Cancel")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert seen and not controller.is_training and controller.history.epochs == EPOCHS
    assert controller.timeline.viewing == 10 and not window.action_train.isChecked()

    seen = answer_train_question(qtbot, "Continue from latest")
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert seen
    qtbot.waitUntil(lambda: run_over(controller) and controller.history.epochs == EPOCHS + 5,
                    timeout=30_000)
    assert controller.timeline.model.epochs == list(range(EPOCHS + 6))


def test_another_lesson_and_back_leave_no_stale_timeline(nnsim_app, qtbot):
    controller = nnsim_app.controller
    train(nnsim_app, qtbot)
    scrub_to(nnsim_app, qtbot, 10)
    bar = controller.timeline.bar
    assert controller.load_lesson_safely("moons")
    assert controller.timeline.viewing is None and controller.timeline.model.epochs == []
    assert bar.slider.maximum() == 0 and not bar.slider.isEnabled()
    assert bar.label.text().startswith("No epochs recorded")
    assert not nnsim_app.window.curves.viewed_lines["loss"].isVisible()
    assert controller.load_lesson_safely("backprop-xor")
    assert controller.timeline.model.epochs == [] and controller.history.epochs == 0
    train(nnsim_app, qtbot, 3)
    assert controller.timeline.model.epochs == [0, 1, 2, 3]


def test_the_bar_stays_in_reach_in_projector_mode(nnsim_app, qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    train(nnsim_app, qtbot)
    window.action_projector.trigger()
    try:
        qtbot.waitUntil(lambda: window.isFullScreen() or not window.docks["curves"].isVisible(),
                        timeout=5000)
        bar = controller.timeline.bar
        assert not window.docks["curves"].isVisible()
        assert bar.isVisible() and bar.slider.isEnabled()
        qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
        assert controller.timeline.viewing == EPOCHS - 1
        qtbot.mouseClick(bar.back, Qt.MouseButton.LeftButton)
        assert controller.timeline.viewing == EPOCHS - 2
        assert bar.label.text() == "Viewing epoch 38 of 40"
        assert_weights(window.canvas._snapshot.weights, retrained(EPOCHS - 2))
    finally:
        window.action_projector.trigger()


def test_a_saved_session_keeps_the_timeline(nnsim_app, qtbot, tmp_path):
    controller = nnsim_app.controller
    train(nnsim_app, qtbot)
    path = tmp_path / "xor.nnsim"
    assert nnsim_app.sessions.save_to(path)
    assert controller.load_lesson_safely("moons")
    assert nnsim_app.sessions.open(path)
    link = controller.timeline
    assert link.model.epochs == list(range(EPOCHS + 1))
    assert link.bar.slider.maximum() == EPOCHS and link.bar.slider.isEnabled()
    scrub_to(nnsim_app, qtbot, 15)
    assert link.viewing == 15
    assert_weights(nnsim_app.window.canvas._snapshot.weights, retrained(15))


def test_looking_back_on_a_paused_run_ends_it_and_shows_that_epoch(nnsim_app, qtbot):
    """Paused, the slider can be moved: the run ends (its checkpoints join the timeline) and
    the epoch chosen is shown, here the start: the lesson's fresh weights."""
    window, controller = nnsim_app.window, nnsim_app.controller
    link, bar = controller.timeline, controller.timeline.bar
    window.controls.epochs.setValue(100_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: controller.last_snapshot is not None
                    and controller.last_snapshot.epoch >= 5, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause
    qtbot.waitUntil(lambda: controller.workspace.status.name == "PAUSED", timeout=10_000)
    qtbot.waitUntil(lambda: bar.slider.isEnabled(), timeout=5000)
    assert bar.label.text().startswith("Paused at epoch ")
    bar.slider.setFocus()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: run_over(controller) and link.viewing == 0, timeout=30_000)
    trained = controller.history.epochs
    assert trained >= 5 and link.model.latest == trained
    assert bar.label.text() == f"Viewing epoch 0 of {trained:,}"
    assert_weights(window.canvas._snapshot.weights, retrained(0))
    assert_weights(link.model.checkpoints.at(5)[1], retrained(5))
