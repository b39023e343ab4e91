"""The lecture's other network types in the real window (issue 14): the types page opens
lessons by click, a CNN's filters and feature maps follow the pad, RBF centres and a gate's
regions sit on the boundary, sessions and projector mode keep them. Every picture is checked
against maths done here (SciPy's correlation, NumPy's softmax), not the app's own."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from scipy.signal import correlate2d

from nnsim.core.grid import grid_points
from tests.app.conftest import warnings_shown
from tests.app.tour import check_views_show, draw_on_pad, train_a_little


def feature_maps_by_scipy(image: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """ReLU(correlate(image, kernel_f) + b_f) per filter: the 'valid' maps, (h, w, filters)."""
    return np.stack([np.maximum(correlate2d(image, kernel[:, :, 0, f], mode="valid") + bias[f],
                                0) for f in range(kernel.shape[3])], axis=-1)


def test_the_types_page_opens_each_lesson_by_click(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely("network-types")
    page = window.types_page
    assert window.central.currentWidget() is page
    check_views_show(nnsim_app, "network-types")
    by_letter = {card.network_type.letter: card for card in page.cards}
    for letter, lesson in (("D", "cnn-mnist"), ("E", "rbf-xor"), ("F", "rnn-parity"),
                           ("G", "seq2seq-reverse"), ("H", "modular-experts")):
        assert controller.load_lesson_safely("network-types")
        page.scroll.ensureWidgetVisible(by_letter[letter].button)
        qtbot.mouseClick(by_letter[letter].button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda lesson=lesson: controller.lesson.name == lesson)
        check_views_show(nnsim_app, lesson)


def test_cnn_feature_maps_follow_training_and_the_pad(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely("cnn-mnist")
    view = window.feature_maps
    assert window.central.currentWidget() is view
    train_a_little(nnsim_app, qtbot)
    snapshot = controller.last_snapshot
    kernel, bias = snapshot.weights[0]
    np.testing.assert_allclose(view.shown["filters"], kernel[:, :, 0, :])
    probe = controller.data.X_train[snapshot.probe_index].reshape(28, 28)
    np.testing.assert_allclose(view.shown["input"], probe)
    expected = feature_maps_by_scipy(probe, kernel, bias)
    np.testing.assert_allclose(view.shown["feature maps"], expected, rtol=1e-4, atol=1e-5)
    pooled = expected.reshape(13, 2, 13, 2, -1).max(axis=(1, 3))
    np.testing.assert_allclose(view.shown["pooled maps"], pooled, rtol=1e-4, atol=1e-5)
    assert view.shown["prediction"].sum() == np.float32(1) or \
        abs(view.shown["prediction"].sum() - 1) < 1e-5
    # A stroke on the pad: the maps are of the pad's digit now, with the same filters.
    window.docks["digits"].raise_()
    draw_on_pad(nnsim_app, qtbot)
    row = controller.digits.pad_row
    qtbot.waitUntil(lambda: np.allclose(view.shown["input"], row.reshape(28, 28)))
    np.testing.assert_allclose(view.shown["feature maps"],
                               feature_maps_by_scipy(row.reshape(28, 28), kernel, bias),
                               rtol=1e-4, atol=1e-5)
    assert warnings_shown(window) == []


def test_rbf_centres_and_bumps_are_drawn_where_the_network_has_them(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely("rbf-xor")
    train_a_little(nnsim_app, qtbot)
    snapshot = controller.last_snapshot
    centres = snapshot.weights[0][0]
    x, y = window.boundary.marks.centres.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), centres)
    # The canvas draws the two Gaussian units: their edges carry the centres' coordinates.
    assert list(window.canvas._sizes) == [2, 2, 1]
    drawn = window.canvas.drawn_edges()
    assert drawn  # edges were drawn
    # Each unit's bump over the plane is its neuron map: exp(-gamma ||p - c||^2).
    extent = snapshot.grid_extent
    size = snapshot.neuron_maps[0].shape[-1]
    points = grid_points(extent, size)
    gamma = np.exp(snapshot.weights[0][1])
    bumps = np.exp(-gamma[:, None] * ((points[None] - centres[:, None]) ** 2).sum(-1))
    np.testing.assert_allclose(snapshot.neuron_maps[0], bumps.reshape(2, size, size),
                               rtol=1e-9, atol=1e-12)
    # Another lesson takes the centres away.
    assert controller.load_lesson_safely("moons")
    train_a_little(nnsim_app, qtbot)
    assert len(window.boundary.marks.centres.getData()[0]) == 0


def test_the_gates_regions_colour_the_boundary(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely("modular-experts")
    train_a_little(nnsim_app, qtbot)
    snapshot = controller.last_snapshot
    _, _, V, c = snapshot.weights[0]
    size = snapshot.boundary.shape[0]
    net = grid_points(snapshot.grid_extent, size) @ V + c
    gate = np.exp(net - net.max(axis=1, keepdims=True))
    expected = (gate / gate.sum(axis=1, keepdims=True)).argmax(axis=1).reshape(size, size)
    np.testing.assert_array_equal(window.boundary.marks.shown_regions, expected)
    labels = [label.textItem.toPlainText() for label in window.boundary.marks.labels]
    assert labels == [f"expert {k + 1}" for k in np.unique(expected)]
    # The canvas: two experts feeding the output through the gate's shares for the probe.
    assert list(window.canvas._sizes) == [2, 2, 1]


def test_sessions_and_projector_mode_keep_the_new_kinds(nnsim_app, qtbot, tmp_path):
    controller, window = nnsim_app.controller, nnsim_app.window
    presentation = nnsim_app.presentation
    for lesson in ("cnn-mnist", "rbf-circles", "modular-experts", "rnn-parity"):
        assert controller.load_lesson_safely(lesson)
        train_a_little(nnsim_app, qtbot)
        controller.stop_training()
        weights = controller.weights()
        path = tmp_path / f"{lesson}.nnsim"
        assert nnsim_app.sessions.save_to(path)
        assert controller.load_lesson_safely("backprop-xor")
        assert nnsim_app.sessions.open(path)
        assert controller.lesson.name == lesson
        for saved, opened in zip(weights, controller.weights(), strict=True):
            for a, b in zip(saved, opened, strict=True):
                np.testing.assert_array_equal(a, b)
        check_views_show(nnsim_app, lesson)
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: presentation.projector and window.isFullScreen())
        check_views_show(nnsim_app, lesson)
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: not presentation.projector and not window.isFullScreen())
    assert warnings_shown(window) == []


def test_the_app_can_start_on_each_new_lesson(qtbot, tmp_path):
    """Started on a lesson, not moved to it: no view may rely on an earlier lesson's set-up
    (the types page once left the canvas unbuilt and the first frame crashed)."""
    from PySide6.QtCore import QSettings

    from nnsim.app.application import NnsimApp
    from nnsim.app.main import make_application
    from nnsim.ui import guard

    make_application()
    for index, lesson in enumerate(("network-types", "cnn-mnist", "rbf-circles",
                                    "modular-experts", "rnn-parity", "seq2seq-reverse")):
        guard.forget_reported_errors()
        settings = QSettings(str(tmp_path / f"s{index}.ini"), QSettings.Format.IniFormat)
        settings.setValue("training/watchable", False)
        app = NnsimApp(settings)
        qtbot.addWidget(app.window)
        try:
            app.start(lesson)
            app.window.show()
            assert app.controller.lesson.name == lesson
            check_views_show(app, lesson)
            train_a_little(app, qtbot)
            check_views_show(app, lesson)
        finally:
            app.controller.stop_training(2000)
            app.window.close()


def test_the_rnn_unrolled_over_time_with_bptts_gradient_per_step(nnsim_app, qtbot):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely("rnn-parity")
    assert window.central.currentWidget() is window.unrolled
    train_a_little(nnsim_app, qtbot)
    snapshot = controller.last_snapshot
    W, U, b = snapshot.weights[0]
    V, c = snapshot.weights[1]
    x = controller.data.X_train[snapshot.probe_index]
    target = float(controller.data.y_train[snapshot.probe_index])
    # Forward by hand: h_t = tanh(x_t W + h_(t-1) U + b), out = sigmoid(h_T V + c).
    h, states = np.zeros(U.shape[0]), []
    for value in x:
        h = np.tanh(value * W[0] + h @ U + b)
        states.append(h)
    out = 1 / (1 + np.exp(-(h @ V + c)))
    shown = window.unrolled.shown
    np.testing.assert_allclose(shown.states, np.array(states), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(shown.output, out, rtol=1e-9)
    # Backward by hand: binary cross-entropy through the sigmoid gives out - t at the output;
    # each step passes delta_t = (dE/dh_t) * (1 - h_t^2) back through U.
    grad_h, sizes = (out - target) @ V.T, []
    for t in range(len(x) - 1, -1, -1):
        delta = grad_h * (1 - states[t] ** 2)
        sizes.append(np.linalg.norm(delta))
        grad_h = delta @ U.T
    np.testing.assert_allclose(shown.gradient_sizes, sizes[::-1], rtol=1e-6)
    assert f"target: {target:g}" in window.unrolled.caption.text()
    # Walk BPTT back with the keyboard: each key press is one step further back.
    view = window.unrolled
    view.walk.setFocus()
    assert view.walked_step() is None and not view.focus.isVisible()
    steps = len(x)
    for back in range(1, steps + 1):
        qtbot.keyClick(view.walk, Qt.Key.Key_Right)
        t = steps - back
        assert view.walked_step() == t and view.focus.isVisible()
        assert view.focus.rect().center().x() == t
        assert f"|delta_{t + 1}| = {sizes[back - 1]:.4g}" in view.walk_text.text()
    qtbot.keyClick(view.walk, Qt.Key.Key_Home)
    assert view.walked_step() is None


def test_a_failing_view_is_reported_and_the_rest_of_the_window_follows(nnsim_app, qtbot,
                                                                       monkeypatch):
    """One view that cannot draw a lesson must not stop the others or the lesson: the error
    is reported once (status bar), every other view shows the new lesson, training works."""
    from nnsim.ui import guard

    controller, window = nnsim_app.controller, nnsim_app.window
    guard.forget_reported_errors()

    def broken(*_args: object) -> None:
        raise RuntimeError("the view broke")

    monkeypatch.setattr(window.unrolled, "set_model", broken)
    assert controller.load_lesson_safely("rnn-parity")  # no exception out of the open
    assert [error[2] for error in guard.reported_errors()] == ["RuntimeError"]
    assert "the view broke" in window.statusBar().currentMessage()
    assert window.lessons.current_name() == "rnn-parity"
    assert window.windowTitle() == f"nnsim: {controller.lesson.title}"
    monkeypatch.undo()
    guard.forget_reported_errors()
    assert controller.load_lesson_safely("rnn-parity")
    check_views_show(nnsim_app, "rnn-parity")
