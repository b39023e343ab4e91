"""Inspector: the neuron's figures, its weights table and its point on the activation curve."""

import numpy as np
import pytest

from nnsim.core.activations import get_activation
from nnsim.ui.inspector import HINT, Inspector, curve_range
from nnsim.ui.palette import LIGHT, PROJECTOR

# The lecture's worked example: h1 = sigmoid(0*0.351 + 1*1.076 + 1*1.116) = sigmoid(2.192) = 0.899
H1 = dict(name="h1", activation="sigmoid", incoming=[("x1", 0.351), ("x2", 1.076)],
          bias=1.116, net=2.192, out=0.8995)


@pytest.fixture
def inspector(qtbot):
    widget = Inspector()
    qtbot.addWidget(widget)
    widget.resize(300, 460)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cells(inspector):
    table = inspector.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_shows_name_weights_bias_net_and_out(inspector):
    inspector.show_neuron(**H1)
    assert "h1" in inspector.title.text() and "sigmoid" in inspector.title.text()
    assert cells(inspector) == [("x1", "0.351"), ("x2", "1.076")]
    text = inspector.figures.text()
    assert "bias</i>&nbsp;1.116" in text
    assert "net</i>&nbsp;2.192" in text
    assert "out</i>&nbsp;0.899" in text  # truncated as the lecture prints it, not rounded
    assert inspector.details.isVisible() and not inspector.hint.isVisible()


def test_marked_point_is_net_and_out_on_the_curve(inspector):
    inspector.show_neuron(**H1)
    assert inspector.marked_point() == pytest.approx((2.192, 0.8995))
    x, y = inspector.curve.getData()
    assert x[0] == -6 and x[-1] == 6
    np.testing.assert_allclose(y, get_activation("sigmoid").function(x))
    gx, gy = inspector.guides.getData()
    np.testing.assert_allclose(gx, [2.192, 2.192, -6, 2.192])  # guides to the two axes
    np.testing.assert_allclose(gy, [0, 0.8995, 0.8995, 0.8995])


def test_curve_widens_to_a_net_outside_six(inspector):
    inspector.show_neuron("o1", "relu", [("h1", 2.0)], None, 9.5, 9.5)
    x, y = inspector.curve.getData()
    assert x[-1] == pytest.approx(10.5) and x[0] == -6
    np.testing.assert_allclose(y, np.maximum(x, 0))
    assert inspector.marked_point() == pytest.approx((9.5, 9.5))
    assert "bias</i>&nbsp;none" in inspector.figures.text()
    assert curve_range(-8.0) == (-9.0, 6.0)
    assert curve_range(None) == (-6.0, 6.0)


def test_step_curve_has_its_jump_at_zero(inspector):
    inspector.show_neuron("y", "step", [("x1", 1.0), ("x2", 1.0)], -1.5, 0.5, 1.0)
    x, y = inspector.curve.getData()
    assert 0.0 in x
    assert y[x == 0.0][0] == 0 and y[-1] == 1
    assert inspector.marked_point() == (0.5, 1.0)


def test_unknown_or_softmax_activation_draws_no_curve_and_no_traceback(inspector):
    inspector.show_neuron("o3", "softmax", [("h1", 0.2)], 0.0, 1.3, 0.41)
    x, _y = inspector.curve.getData()
    assert x is None or len(x) == 0
    assert "softmax" in inspector.plot_note.toPlainText()
    assert inspector.marked_point() == pytest.approx((1.3, 0.41))
    inspector.show_neuron("x1", "input", [], None, None, 1.0)
    assert inspector.marked_point() is None
    assert not inspector.table.isVisibleTo(inspector)
    assert "input" in inspector.title.text()
    assert inspector.plot_note.toPlainText() == "an input has no activation"
    assert "out</i>&nbsp;1" in inspector.figures.text()
    inspector.show_neuron("h9", "no-such-function", [("x1", 0.1)], 0.0, 0.1, 0.2)
    assert inspector.plot_note.toPlainText() == "no activation curve"


def test_no_input_yet_shows_dashes_and_no_point(inspector):
    inspector.show_neuron("h2", "tanh", [("x1", -0.25)], 0.5, None, None)
    assert inspector.marked_point() is None
    assert "net</i>&nbsp;–" in inspector.figures.text()
    assert cells(inspector) == [("x1", "-0.250")]


def test_clear_shows_the_hint(inspector):
    inspector.show_neuron(**H1)
    inspector.clear()
    assert inspector.hint.isVisible() and inspector.hint.text() == HINT
    assert "click a neuron on the canvas" in HINT.lower()
    assert not inspector.details.isVisible()
    assert inspector.marked_point() is None
    assert inspector.table.rowCount() == 0


def test_many_inputs_fill_a_scrolling_table(inspector):
    incoming = [(f"x{i + 1}", float(i) / 784) for i in range(784)]
    inspector.show_neuron("h1_1", "sigmoid", incoming, 0.0, 0.3, 0.574)
    assert inspector.table.rowCount() == 784
    assert inspector.table.height() < inspector.height()


def test_projector_theme_scales_fonts_and_the_point(inspector):
    inspector.set_theme(LIGHT)
    size = inspector.font().pointSizeF()
    inspector.set_theme(PROJECTOR)
    assert inspector.font().pointSizeF() == pytest.approx(size * PROJECTOR.font_scale)
    inspector.show_neuron(**H1)
    assert inspector.point.points()[0].size() == 10 * PROJECTOR.stroke_scale
