"""Driving the real window through lessons, and checking that every view shows the open one.

Shared by the lesson-tour tests: a few training steps with real key presses, a stroke on the
digit pad, and one check of every view against the workspace, computed independently.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from nnsim.core.lessons import list_lessons
from nnsim.ui import guard
from nnsim.workspace.state import model_with_weights
from tests.app.conftest import warnings_shown

LESSONS = [lesson.name for lesson in list_lessons()]
REPRS = ("((", "snapshot is", "array(", "Traceback", "dtype=")


def train_a_little(app, qtbot, steps: int = 3) -> None:
    """Press S a few times (one sample each) and wait for the frames of those steps."""
    controller = app.controller
    if not controller.workspace.state.trainable:
        return
    window = app.window
    window.activateWindow()  # shortcuts reach the active window only (a dialog may have been)
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for _ in range(steps):
        QTest.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: controller.last_snapshot is not None
                    and controller.last_snapshot.step >= steps, timeout=30_000)


def draw_on_pad(app, qtbot) -> None:
    """One stroke across the digit pad with the mouse."""
    pad = app.window.digit_pad
    canvas = pad.canvas
    size = min(canvas.width(), canvas.height())
    start = QPoint(canvas.width() // 2, (canvas.height() - size) // 2 + size // 5)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 9):
        QTest.mouseMove(canvas, start + QPoint(0, k * size // 14))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(0, 8 * size // 14))
    qtbot.waitUntil(lambda: pad.outputs is not None, timeout=5000)


def visible_texts(window) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if label.isVisible()]


def check_views_show(app, name: str) -> None:
    """Every view shows lesson ``name`` and nothing of another one; no error anywhere."""
    window, controller = app.window, app.controller
    QApplication.processEvents()
    state = controller.workspace.state
    assert state.lesson.name == name
    assert controller.lesson.name == name and window.lessons.current_name() == name
    network = state.network
    # The centre shows this network (canvas, feature maps or the types page) and the last
    # frame is of this network.
    central = window.central.currentWidget()
    if state.lesson.kind == "overview":
        assert central is window.types_page
    elif getattr(network.layers[0], "kind", "") == "seq2seq":
        assert central is window.seq2seq
        shown = window.seq2seq.shown
        steps, units = network.input_shape[0], network.layers[0].units
        assert shown is None or (shown.encoder_states.shape == (steps, units)
                                 and shown.probabilities.shape == (steps,
                                                                   network.layers[0].vocabulary))
    elif any(getattr(layer, "kind", "") == "simple_rnn" for layer in network.layers):
        assert central is window.unrolled
        assert window.unrolled.shown is None or \
            window.unrolled.shown.states.shape == (network.input_shape[0],
                                                   network.layers[0].units)
    elif any(getattr(layer, "kind", "") == "conv2d" for layer in network.layers):
        assert central is window.feature_maps
        assert window.feature_maps.filters == network.layers[0].filters
    else:
        assert central is window.canvas
        drawn = [network.n_inputs]
        for layer in network.layers:  # RBF: its units; experts: the experts, then the output
            kind = getattr(layer, "kind", "dense")
            drawn += {"dense": [getattr(layer, "n_out", 0)],
                      "rbf": [getattr(layer, "units", 0)],
                      "experts": [getattr(layer, "units", 0), 1]}[kind]
        assert list(window.canvas._sizes) == drawn
    frame = controller.last_snapshot
    assert frame is not None
    assert [[np.shape(a) for a in layer] for layer in frame.weights] == \
        [[np.shape(a) for a in layer] for layer in network.get_weights()]
    # Curves: as many epochs as this lesson's history, axis from 0 to at least its epochs.
    curves = window.curves
    epochs = frame.history.get("epoch") or [0]
    shown_epochs = int(epochs[-1])  # the folded history and a run's own
    assert shown_epochs >= state.history.epochs
    if window.docks["curves"].isVisible():  # a hidden tab draws when it is brought up
        window.docks["curves"].raise_()
        QApplication.processEvents()
        QApplication.processEvents()
        assert curves._epochs == shown_epochs, (curves._epochs, shown_epochs)
        low, high = curves.loss_plot.viewRange()[0]
        planned = max(state.settings.epochs, shown_epochs, 1)
        assert low <= 0.5 and planned * 0.9 <= high <= planned * 1.1 + 1, (low, high, planned)
    else:  # not shown: cleared when the lesson opened, never another lesson's curves
        assert curves._epochs in (0, shown_epochs)
    # Evaluation: empty, or of this lesson's held-out rows.
    if window._lazy["evaluation"].is_built:
        evaluation = window.evaluation
        assert evaluation.y_true.size in (0, len(state.data.y_test))
    # Status bar and truth table agree with a score computed here from the weights.
    figures = controller.workspace.figures
    if state.trainable:
        shown = model_with_weights(state.model, frame.weights)
        predicted = shown.predict(state.data.X_train)
        predicted = np.asarray(predicted).reshape(len(state.data.X_train), -1)
        if np.ndim(state.data.y_train) == 2:  # sequences: right only if every step is
            steps = state.data.y_train.shape[1]
            symbols = predicted.reshape(len(predicted), steps, -1).argmax(axis=2)
            right = int(np.count_nonzero(np.all(symbols == state.data.y_train, axis=1)))
        else:
            labels = (predicted[:, 0] >= 0.5).astype(int) if predicted.shape[1] == 1 \
                else predicted.argmax(axis=1)
            right = int(np.count_nonzero(labels == state.data.y_train))
        assert figures.source == "epoch" or figures.right == right
        if figures.source == "weights" and figures.total <= 100:
            assert f"{right} of {len(labels)} right" in window.status.labels["accuracy"].text()
        if window.docks["truth_table"].isVisible() and state.data.X_train.shape[1] == 2:
            assert int(np.count_nonzero(window.truth_table.right)) == right
    # The pad reads with a network of this lesson's width, or none.
    if window._lazy["digits"].is_built and controller.digits.pad_row is not None:
        assert controller.digits.pad_row.size == network.sizes[0]
    # The whole window on the screen, nothing of Python's on it, no error reported.
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry()), (window.frameGeometry(), available)
    for text in visible_texts(window):
        assert not any(marker in text for marker in REPRS), text
    assert guard.reported_errors() == [], guard.reported_errors()
    assert warnings_shown(window) == []
