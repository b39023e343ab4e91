"""What keeps the window alive and honest between lessons: the frame gate, guarded overrides,
an excepthook that never raises, focus, layout, the perceptron-vs-network panel, bad files."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.app import main as app_main
from nnsim.core.network import Network
from nnsim.training.still import still_snapshot
from nnsim.ui import guard
from tests.app.conftest import run_over, warnings_shown


def test_a_frame_of_the_previous_network_never_reaches_the_canvas(nnsim_app, monkeypatch):
    controller, window = nnsim_app.controller, nnsim_app.window
    controller.load_lesson_safely("mnist-keras")
    drawn = []
    monkeypatch.setattr(window.canvas, "show_snapshot", drawn.append)
    xor = Network.from_sizes([2, 2, 1])
    controller.pacer.offer(still_snapshot(xor, np.zeros((4, 2))), urgent=True)
    assert drawn == []
    controller.show_still()
    assert len(drawn) == 1 and drawn[0].weights[0][0].shape == (784, 256)


def test_a_pad_row_of_another_width_is_ignored(nnsim_app):
    controller = nnsim_app.controller
    controller.load_lesson_safely("mnist-keras")
    controller.digits._on_digit_input(np.ones(64))  # drawn while the digits lesson was open
    assert controller.digits.pad_row is None
    guard.forget_reported_errors()
    controller.show_still()  # draws without trying a 64-wide row on a 784-input net
    assert guard.reported_errors() == []


def test_an_override_that_raises_skips_the_frame_and_is_reported_once(nnsim_app, monkeypatch,
                                                                       qtbot):
    guard.forget_reported_errors()
    window = nnsim_app.window
    messages = []
    monkeypatch.setattr(window.statusBar(), "showMessage", lambda text, *a: messages.append(text))

    def broken(*_args):
        raise ValueError("matmul: size 2 is different from 784")

    monkeypatch.setattr(window.curves, "_place_plots", broken)
    for width in (500, 520, 540):
        window.curves.resize(width, 300)
        qtbot.wait(10)
    assert guard.reported_errors() == [("CurvesPlot", "resizeEvent", "ValueError")]
    assert len(messages) == 1 and "CurvesPlot" in messages[0]
    monkeypatch.undo()
    assert nnsim_app.controller.load_lesson_safely("spiral")  # the window goes on working
    guard.forget_reported_errors()


def test_the_excepthook_never_raises_even_for_an_unprintable_error(capsys):
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no text")

    app_main._excepthook(Unprintable, Unprintable(), None)
    app_main._excepthook(ValueError, ValueError("once"), None)
    app_main._excepthook(ValueError, ValueError("once"), None)
    assert capsys.readouterr().err.count("ValueError: once") == 2  # printed, shown once


def test_stepper_keys_work_right_after_choosing_the_lesson_in_the_list(nnsim_app, qtbot):
    window = nnsim_app.window
    browser = window.lessons
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    browser.set_current("worked-example")
    browser.list.setFocus()
    QTest.keyClick(browser.list, Qt.Key.Key_Return)
    assert nnsim_app.controller.lesson.name == "worked-example"
    qtbot.waitUntil(lambda: nnsim_app.controller.views.visible("stepper"), timeout=5000)
    assert window.stepper.current_index() == -1
    QTest.keyClick(browser.list, Qt.Key.Key_Right)
    QTest.keyClick(browser.list, Qt.Key.Key_Right)
    assert window.stepper.current_index() == 1
    QTest.keyClick(browser.list, Qt.Key.Key_Left)
    assert window.stepper.current_index() == 0
    assert browser.current_name() == "worked-example"  # the list itself did not move


def test_reset_layout_brings_back_the_lessons_panels(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    controller.load_lesson_safely("digits")
    window.docks["digits"].close()
    window.docks["curves"].close()
    window.action_reset_layout.trigger()
    qtbot.wait(10)
    for panel in controller.lesson.panels:
        if panel != "canvas":
            assert window.docks[panel].isVisible(), panel
    assert window.screen().availableGeometry().contains(window.frameGeometry())


def test_the_network_beats_the_perceptron_on_xor_whichever_tab_is_shown(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    controller.load_lesson_safely("perceptron-xor")
    assert "comparison" in controller.lesson.panels
    window.docks["truth_table"].raise_()  # the comparison tab is not the one shown
    assert controller.start_training()
    qtbot.waitUntil(lambda: run_over(controller), timeout=30_000)
    assert controller.workspace.status.value == "not separable"
    companion = controller.companion
    qtbot.waitUntil(lambda: not companion.trainer.is_running, timeout=60_000)
    X, y = controller.data.X_train, controller.data.y_train
    predicted = (companion.model.predict(X)[:, 0] >= 0.5).astype(int)
    assert (predicted == y).all()  # 4 of 4, where the perceptron cannot get all four
    assert companion.last is not None and companion.last.epoch > 0


def test_a_session_that_fails_late_leaves_the_trained_work(nnsim_app, qtbot, tmp_path):
    from nnsim.app.session_io import session_of
    from nnsim.core.session import save_session

    controller = nnsim_app.controller
    controller.load_lesson_safely("spiral")
    controller.settings.epochs = 3
    assert controller.start_training()
    qtbot.waitUntil(lambda: run_over(controller), timeout=30_000)
    weights = [W.copy() for W, _ in controller.weights()]
    epochs = controller.history.epochs
    assert epochs == 3
    session = session_of(controller)
    wide = Network.from_sizes([3, 8, 1], "tanh")
    session.architecture, session.weights = wide.spec(), wide.get_weights()
    session.optimizer_state = []  # a consistent file in itself: only its width is wrong
    path = save_session(session, tmp_path / "wide.nnsim")
    assert not nnsim_app.sessions.open(path)
    assert any("wide.nnsim" in text and "3 inputs" in text
               for text in warnings_shown(nnsim_app.window))
    assert controller.history.epochs == epochs
    assert all(np.array_equal(a, W) for a, (W, _) in zip(weights, controller.weights(),
                                                       strict=True))


def test_the_walk_fits_a_1920x1080_screen_too(tmp_path):
    """The keyboard walk again, on a pretend 1920x1080 screen (one size per Qt process)."""
    env = dict(os.environ, NNSIM_OFFSCREEN_SIZE="1920x1080", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/app/test_lesson_walk.py"], capture_output=True, text=True, timeout=600,
        env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_new_architecture_then_other_lessons_keep_the_window_whole(nnsim_app, qtbot):
    """The issue's second route: moons, the editor's first hidden layer set to 4 relu with
    the editor's own widgets, Apply, Train, XOR, back to moons."""
    from tests.app.tour import check_views_show

    controller, window = nnsim_app.controller, nnsim_app.window
    controller.load_lesson_safely("moons")
    window.docks["editor"].show()
    window.docks["editor"].raise_()
    editor = window.editor
    units, combo, _bias, _spec = editor._rows[0]
    units.setValue(4)
    combo.setCurrentText("relu")
    QTest.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert controller.network().sizes[1] == 4
    assert controller.network().layers[0].activation.name == "relu"
    controller.settings.epochs = 5
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: controller.workspace.status.value == "finished", timeout=30_000)
    window.action_undo.trigger()  # the new architecture is one undoable step
    assert controller.network().sizes[1] != 4
    window.action_redo.trigger()
    assert controller.network().sizes[1] == 4 and controller.history.epochs == 5
    for name in ("backprop-xor", "moons"):
        assert controller.load_lesson_safely(name)
        check_views_show(nnsim_app, name)
    assert controller.network().sizes[1] != 4  # the lesson's own network again


def test_loading_the_pretrained_model_is_undoable(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    controller.load_lesson_safely("digits")
    controller.settings.epochs = 2
    assert controller.start_training()
    qtbot.waitUntil(lambda: run_over(controller), timeout=60_000)
    trained = [W.copy() for W, _ in controller.weights()]
    assert controller.history.epochs == 2
    window.action_pretrained.trigger()
    assert controller.history.epochs == 0 and controller.state.model_source == "pretrained"
    assert controller.workspace.evaluation is not None  # the pretrained net's report
    window.action_undo.trigger()
    assert controller.history.epochs == 2
    assert all(np.array_equal(a, W) for a, (W, _) in zip(trained, controller.weights(),
                                                       strict=True))


def test_lessons_open_at_a_watchable_speed_with_unlimited_one_step_away(make_app):
    app = make_app(watchable=True)
    controls, controller = app.window.controls, app.controller
    assert controller.load_lesson_safely("backprop-xor")
    assert controls.speed() == controller.settings.speed == 200  # 4,000 steps in 20 s
    controls.speed_slider.setValue(controls.speed_slider.maximum())  # "unlimited"
    assert controls.speed() is None and controller.settings.speed is None
    assert controller.load_lesson_safely("perceptron-and")  # each lesson sets its own pace
    assert controls.speed() == controller.settings.speed is not None


def test_readable_at_1280x800_every_lesson_in_the_list_and_a_legible_matrix(nnsim_app, qtbot):
    window, controller = nnsim_app.window, nnsim_app.controller
    listing = window.lessons.list
    viewport = listing.viewport().rect()
    for row in range(listing.count()):  # every lesson on one visible line, none scrolled away
        rect = listing.visualItemRect(listing.item(row))
        assert viewport.contains(rect), (row, rect, viewport)
        assert rect.height() < 2 * listing.fontMetrics().height()
    controller.load_lesson_safely("digits")
    controller.digits.load_pretrained()
    window.docks["evaluation"].raise_()
    qtbot.wait(50)
    panel = window.evaluation
    qtbot.waitUntil(lambda: panel.matrix_view.isVisible(), timeout=3000)
    step = panel.cell_centre(1, 1) - panel.cell_centre(0, 0)
    assert min(abs(step.x()), abs(step.y())) >= 16  # a count's digits fit in a cell
    assert panel.matrix_view.rect().contains(panel.cell_centre(9, 9))
    QTest.mouseClick(panel.matrix_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.cell_centre(3, 3))
    assert panel.selected == (3, 3) and panel.cell_title.text().startswith("True 3, predicted 3")


def test_the_network_editor_is_one_click_away_and_open_in_the_architecture_lessons(nnsim_app):
    window, controller = nnsim_app.window, nnsim_app.controller
    editor_button = next(action for action in window.toolbar.actions()
                         if action.text() == "Network editor")
    controller.load_lesson_safely("backprop-xor")
    assert not window.docks["editor"].isVisible()
    editor_button.trigger()
    assert window.docks["editor"].isVisible()
    for name in ("moons", "spiral"):
        controller.load_lesson_safely(name)
        assert window.docks["editor"].isVisible(), name


def test_copy_figure_puts_the_focused_panel_on_the_clipboard(nnsim_app, qtbot):
    from PySide6.QtGui import QGuiApplication, QImage

    window = nnsim_app.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.docks["boundary"].raise_()
    window.boundary.setFocus()
    QGuiApplication.clipboard().clear()
    QTest.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    image = QGuiApplication.clipboard().image()
    assert not image.isNull()
    assert image.width() == 2 * window.boundary.width()  # twice its size on screen
    assert abs(image.height() - 2 * window.boundary.height()) <= 1
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    colours = {rgb.pixel(x, y) for x in range(0, rgb.width(), 7) for y in range(0, rgb.height(), 7)}
    assert len(colours) > 20  # the heatmap, points and axes, not a blank picture
    assert "boundary" in window.statusBar().currentMessage()


def test_digit_outputs_are_labelled_by_the_digit_they_stand_for(nnsim_app):
    controller, canvas = nnsim_app.controller, nnsim_app.window.canvas
    for name in ("digits", "mnist-keras"):
        controller.load_lesson_safely(name)
        assert canvas._names[-1] == [str(d) for d in range(10)], name
    controller.load_lesson_safely("backprop-xor")
    assert canvas._names[-1] == ["out"]


@pytest.mark.parametrize("name", ["digits", "mnist-keras", "spiral", "moons", "backprop-xor"])
def test_layer_headings_never_run_into_each_other(nnsim_app, qtbot, name):
    """The issue: the digits lesson's headings ran into each other at 1280x800. Each heading's
    painted width (Qt's own text metrics) must end before the next one starts."""
    app = nnsim_app
    assert app.controller.load_lesson_safely(name)
    canvas = app.window.canvas
    qtbot.wait(50)
    canvas.view_box.scene().prepareForPaint()
    labels = canvas._labels
    per_pixel = canvas.view_box.viewPixelSize()[0]
    spans = []
    for label, (width, _height) in zip(labels.labels, labels._extents, strict=True):
        if label.role != "caption":
            continue
        left = label.x / per_pixel - label.anchor[0] * width
        spans.append((left, left + width, label.text))
    spans.sort()
    assert len(spans) == len(app.controller.network().sizes)
    for (_, right, text), (left, _, after) in zip(spans, spans[1:], strict=False):
        assert right <= left, f"{text!r} runs into {after!r} ({right:.0f} > {left:.0f} px)"
