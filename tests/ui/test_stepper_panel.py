"""The stepper shows the engine's traces step by step; every backward number is the true slope."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from nnsim.core.layers import Dense
from nnsim.core.lessons import load_lesson
from nnsim.core.losses import get_loss
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.ui.palette import LIGHT, PROJECTOR
from nnsim.ui.stepper_panel import StepperPanel

X = np.array([0.0, 1.0])


@pytest.fixture
def model():
    return load_lesson("worked-example").build_model(2)


@pytest.fixture
def panel(qtbot, model):
    widget = StepperPanel()
    qtbot.addWidget(widget)
    widget.set_learning_rate(0.5)
    widget.set_traces(model.forward_trace(X), model.backward_trace(X, 1.0, "sse", 0.5), 1.0)
    return widget


def test_worked_example_forward_texts_in_lecture_order(panel):
    shown = []
    panel.step_shown.connect(lambda step: shown.append(step))
    while panel.current_index() < len(panel.steps()) - 1:
        panel.next_step()
    forward = [step.text for step in shown if step.phase in ("forward", "result")]
    joined = " | ".join(forward)
    positions = [joined.index(value) for value in ("0.899", "0.593", "0.378", "0.506",
                                                   "class 1")]
    assert positions == sorted(positions)
    assert "sigma" not in joined and "sigmoid((0 x 0.351) + (1 x 1.076) + (1 x 1.116)) = " \
        "sigmoid(2.192) = 0.899" in joined
    assert "prediction 0.506, thresholded at 0.5: class 1 (target 1: right)" in joined
    assert panel.shown_texts() == [step.text for step in panel.steps()]


def test_stepping_back_and_forth_gives_the_same_texts(panel):
    seen = []
    for _ in range(len(panel.steps())):
        panel.next_step()
        seen.append((panel.current_index(), panel.log.toPlainText()))
    for index, text in reversed(seen):
        while panel.current_index() > index:
            panel.previous_step()
        assert panel.log.toPlainText() == text
        stepped = panel.log.toHtml()  # edited one step at a time ...
        panel.set_theme(LIGHT)
        assert panel.log.toHtml() == stepped  # ... equals drawing it afresh
    panel.previous_step()
    assert panel.current_index() == -1
    panel.previous_step()
    assert panel.current_index() == -1


def test_presenter_keys(qtbot, panel):
    shown = []
    panel.step_shown.connect(shown.append)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_PageDown)
    assert panel.current_index() == 1 and shown[-1].text.startswith("h1 = sigmoid")
    qtbot.keyClick(panel.buttons["next"], Qt.Key.Key_Left)  # a focused button passes it on
    assert panel.current_index() == 0
    qtbot.keyClick(panel, Qt.Key.Key_End)
    assert panel.current_index() == len(panel.steps()) - 1
    assert shown[-1].text.startswith("loss before the update 0.121, after 0.111")
    qtbot.keyClick(panel.log, Qt.Key.Key_PageUp)
    assert panel.current_index() == len(panel.steps()) - 2
    qtbot.keyClick(panel, Qt.Key.Key_Home)
    assert panel.current_index() == -1 and shown[-1] is None
    panel.pace_spin.setValue(0.05)
    qtbot.keyClick(panel, Qt.Key.Key_P)
    assert panel.is_playing() and panel.buttons["play"].text() == "Pause"
    qtbot.waitUntil(lambda: panel.current_index() == len(panel.steps()) - 1, timeout=5000)
    qtbot.waitUntil(lambda: not panel.is_playing(), timeout=1000)
    assert panel.buttons["play"].text() == "Play"


def test_backward_steps_label_the_chain_rule_factors(panel):
    phases = [step.phase for step in panel.steps()]
    assert phases.index("loss") == 6 and phases[-1] == "result"
    panel.next_step()
    while panel.steps()[panel.current_index()].phase != "delta":
        panel.next_step()
    text = panel.log.toPlainText()
    assert "(0.506 - 1) x 0.506 x (1 - 0.506) = -0.493 x 0.249 = -0.123" in text
    for line in ("dE/dout = -0.493", "dout/dnet = 0.249", "dE/dnet = delta = dE/dout x "
                 "dout/dnet = -0.123"):
        assert line in text
    while panel.steps()[panel.current_index()].phase != "gradient":
        panel.next_step()
    text = panel.log.toPlainText()
    assert "dE/dw(h1->out) = dE/dout x dout/dnet x dnet/dw = -0.493 x 0.249 x 0.899 = " \
        "-0.110" in text


def test_precision_rerenders_and_tooltips_hold_full_values(qtbot, panel, model):
    for _ in range(2):
        panel.next_step()
    with qtbot.waitSignal(panel.settings_changed):
        panel.precision_spin.setValue(5)
    assert "sigmoid(2.19200) = 0.89952" in panel.log.toPlainText()
    assert panel.current_index() == 1
    assert panel.log.document().blockCount() == 2  # one block per shown step, for tooltips
    lines = dict(line.split(" = ") for line in panel.log.tooltip_text(1).splitlines())
    assert float(lines["out"]) == model.forward_trace(X).layers[0].out[0]
    assert float(lines["net"]) == model.forward_trace(X).layers[0].net[0]
    panel.resize(600, 500)
    panel.show()
    where = panel.log.cursorRect(QTextCursor(panel.log.document().findBlockByNumber(1))).center()
    QApplication.sendEvent(panel.log.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, where, panel.log.viewport().mapToGlobal(where)))
    assert QToolTip.text() == panel.log.tooltip_text(1)


def test_every_backward_number_matches_central_differences_of_the_engine_loss(qtbot):
    for network, x, target, loss in nets():
        trace = network.backward_trace(x, target, loss, 0.1)
        for layer in trace.forward.layers:
            assert np.all(np.abs(layer.net) > 1e-3), "too near a kink for a central difference"
        T = network.as_targets(np.atleast_1d(target), 1)
        for i, back in enumerate(trace.layers):
            numeric_w, numeric_b = weight_slopes(network, x, target, loss, i)
            np.testing.assert_allclose(back.weight_gradient, numeric_w, atol=1e-6, rtol=0)
            if back.bias_gradient is not None:
                np.testing.assert_allclose(back.bias_gradient, numeric_b, atol=1e-6, rtol=0)
            np.testing.assert_allclose(back.delta, signal_slopes(network, x, T, loss, i, "net"),
                                       atol=1e-6, rtol=0)
            np.testing.assert_allclose(back.dE_dout, signal_slopes(network, x, T, loss, i, "out"),
                                       atol=1e-6, rtol=0)
            if back.dout_dnet is not None:
                np.testing.assert_allclose(back.delta, back.dE_dout * back.dout_dnet, atol=1e-6)
        panel = StepperPanel()
        qtbot.addWidget(panel)
        panel.set_traces(trace.forward, trace, None)
        panel.complete()
        assert "loss before the update" in panel.log.toPlainText()


def test_apply_update_emits_one_sgd_step_of_the_engine(qtbot, panel, model):
    expected = model.copy()
    expected.train_on_batch(X[None], np.array([1.0]), SGD(0.5), "sse")
    with qtbot.waitSignal(panel.update_applied) as blocker:
        panel.buttons["apply"].click()
    for (w, b), (w_sgd, b_sgd) in zip(blocker.args[0], expected.get_weights(), strict=True):
        np.testing.assert_allclose(w, w_sgd, rtol=0, atol=1e-15)
        assert (b is None and b_sgd is None) or np.allclose(b, b_sgd, rtol=0, atol=1e-15)
    assert "Ctrl+Z" in panel.message_label.text()
    panel.set_traces(model.forward_trace(X), None, None)
    assert not panel.buttons["apply"].isEnabled()


def test_inputs_targets_and_settings(qtbot, panel, model):
    panel.set_input_choices([("lesson input [0, 1]", X, 1.0), ("row 1: [0, 0] -> 0",
                                                                np.zeros(2), 0.0)])
    assert panel.input_combo.currentText() == "lesson input [0, 1]"
    for _ in range(3):
        panel.next_step()
    with qtbot.waitSignal(panel.input_chosen) as blocker:
        panel.choose_input(1)
    np.testing.assert_array_equal(blocker.args[0], [0.0, 0.0])
    assert blocker.args[1] == 0.0 and panel.target_edit.text() == "0"
    panel.set_traces(model.forward_trace(np.zeros(2)), None, 0.0)
    assert panel.current_index() == -1  # a new input starts again
    for _ in range(3):
        panel.next_step()
    with qtbot.waitSignal(panel.settings_changed):
        panel.rate_spin.setValue(0.25)
    panel.set_traces(model.forward_trace(np.zeros(2)), None, 0.0)
    assert panel.current_index() == 2  # new settings keep the place
    with qtbot.assertNotEmitted(panel.settings_changed):
        panel.target_edit.setText("one")
        panel.target_edit.editingFinished.emit()
    assert panel.message_label.isVisibleTo(panel) and "must be a number" in \
        panel.message_label.text()
    with qtbot.waitSignal(panel.settings_changed):
        panel.target_edit.setText("")
        panel.target_edit.editingFinished.emit()
    assert panel.target() is None and not panel.message_label.isVisibleTo(panel)


def test_nets_too_large_to_write_out_are_refused_with_a_message(qtbot, panel, model):
    mnist = Network.from_sizes([784, 256, 128, 10], ["sigmoid", "sigmoid", "softmax"], seed=0)
    panel.set_traces(mnist.forward_trace(np.zeros(784)), None, None)
    assert panel.steps() == [] and not panel.buttons["next"].isEnabled()
    assert "784-256-128-10" in panel.message_label.text()
    assert "No traces yet" in panel.log.toPlainText()
    panel.set_traces(model.forward_trace(X), None, 1.0)
    assert len(panel.steps()) == 6 and not panel.message_label.isVisibleTo(panel)


def test_projector_formulas_are_larger_and_wrap(panel):
    light = panel.font().pointSizeF()
    panel.set_theme(PROJECTOR)
    assert panel.font().pointSizeF() == pytest.approx(light * PROJECTOR.font_scale)
    panel.resize(600, 500)
    panel.show()
    panel.complete()
    assert panel.log.document().idealWidth() <= panel.log.viewport().width()
    panel.set_theme(LIGHT)
    assert panel.font().pointSizeF() == pytest.approx(light)


# -- helpers ---------------------------------------------------------------------------------


def nets():
    """Small nets over the activations and losses the stepper supports: (net, x, target, loss)."""
    rng = np.random.default_rng(3)
    worked = load_lesson("worked-example").build_model(2)
    yield worked, X, 1.0, "sse"
    yield Network.from_sizes([2, 4, 3], ["tanh", "softmax"], seed=1), rng.normal(size=2), 2, \
        "categorical_crossentropy"
    yield Network.from_sizes([3, 3, 2], ["relu", "sigmoid"], seed=4), rng.normal(size=3), 1, \
        "mse"
    leaky = Network([Dense(2, 3, "leaky_relu", alpha=0.1, seed=5),
                     Dense(3, 3, "elu", alpha=0.7, seed=6), Dense(3, 1, "sigmoid", seed=7)])
    yield leaky, np.array([-0.8, 1.3]), 1.0, "binary_crossentropy"
    yield Network.from_sizes([2, 5, 1], ["elu", "linear"], seed=8), np.array([0.4, -1.1]), \
        0.7, "sse"


def weight_slopes(network, x, target, loss, i, eps=1e-6):
    """Central differences of Network.loss with respect to layer i's weights and bias."""
    layer = network.layers[i]
    grads = []
    for array in (layer.weights, layer.bias):
        if array is None:
            grads.append(None)
            continue
        slope = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            up = network.loss(x[None], np.atleast_1d(target), loss)
            array[index] = saved - eps
            down = network.loss(x[None], np.atleast_1d(target), loss)
            array[index] = saved
            slope[index] = (up - down) / (2 * eps)
        grads.append(slope)
    return grads


def signal_slopes(network, x, T, loss, i, where, eps=1e-6):
    """dE/dnet or dE/dout of layer i's neurons by central differences of a shifted forward."""
    def loss_with(j, shift):
        out = x[None]
        for k, layer in enumerate(network.layers):
            net = layer.net(out)
            if k == i and where == "net":
                net[0, j] += shift
            out = layer.activation.function(net)
            if k == i and where == "out":
                out = out.copy()
                out[0, j] += shift
        return get_loss(loss).value(out, T)

    n = network.layers[i].n_out
    return np.array([(loss_with(j, eps) - loss_with(j, -eps)) / (2 * eps) for j in range(n)])
