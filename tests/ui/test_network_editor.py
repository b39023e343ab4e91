"""NetworkEditor: edits become one architecture on Apply; untrainable combinations block it."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from nnsim.core.activations import activation_names
from nnsim.core.layers import Dense
from nnsim.ui.network_editor import MAX_UNITS, NetworkEditor, architecture_problems
from nnsim.ui.palette import LIGHT, PROJECTOR

XOR = [{"units": 2, "activation": "sigmoid", "bias": True},
       {"units": 1, "activation": "sigmoid", "bias": True}]


@pytest.fixture
def editor(qtbot):
    widget = NetworkEditor()
    qtbot.addWidget(widget)
    widget.set_architecture(2, XOR)
    widget.resize(400, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def applied(editor):
    specs: list[list[dict]] = []
    editor.architecture_changed.connect(specs.append)
    return specs


def row(editor, index):
    units, combo, bias, _source = editor._rows[index]
    return units, combo, bias


def apply(editor, qtbot):
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)


def test_shows_the_architecture_with_fixed_input_and_output(editor):
    assert "2" in editor.inputs_label.text() and "fixed" in editor.inputs_label.text()
    assert editor.architecture() == XOR
    output_units, output_combo, _bias = row(editor, 1)
    assert output_units.isReadOnly() and not output_units.isEnabled()
    hidden_units, hidden_combo, _bias = row(editor, 0)
    assert hidden_units.isEnabled() and hidden_units.maximum() == MAX_UNITS
    assert hidden_units.minimum() == 1
    assert [hidden_combo.itemText(i) for i in range(hidden_combo.count())] == activation_names()
    assert not editor.apply_button.isEnabled()  # nothing edited yet
    assert editor.summary.text().startswith("2-2-1: 9 weights")


def test_edits_emit_one_spec_on_apply(editor, applied, qtbot):
    units, combo, bias = row(editor, 0)
    units.setValue(5)
    combo.setCurrentText("tanh")
    qtbot.mouseClick(bias, Qt.MouseButton.LeftButton)
    editor.add_hidden_layer()
    row(editor, 1)[0].setValue(3)
    assert applied == []  # nothing is sent before Apply
    assert editor.apply_button.isEnabled()
    apply(editor, qtbot)
    assert applied == [[{"units": 5, "activation": "tanh", "bias": False},
                        {"units": 3, "activation": "tanh", "bias": False},
                        {"units": 1, "activation": "sigmoid", "bias": True}]]
    assert not editor.apply_button.isEnabled()  # applied: nothing new to send
    assert "not applied" not in editor.summary.text()


def test_spec_builds_dense_layers(editor, applied, qtbot):
    row(editor, 0)[0].setValue(4)
    apply(editor, qtbot)
    n_in = 2
    for spec in applied[0]:
        layer = Dense(n_in, spec["units"], spec["activation"], spec["bias"])
        assert layer.spec() == spec
        n_in = spec["units"]


def test_step_in_a_hidden_layer_blocks_apply_with_a_message(editor, applied, qtbot):
    combo = row(editor, 0)[1]
    combo.setCurrentText("step")
    assert not editor.apply_button.isEnabled()
    assert editor.message.isVisible()
    assert "Hidden layer 1 uses step" in editor.message.text()
    assert "backpropagation" in editor.message.text()
    apply(editor, qtbot)
    assert applied == []
    combo.setCurrentText("relu")
    assert editor.apply_button.isEnabled() and not editor.message.isVisible()
    apply(editor, qtbot)
    assert applied[0][0]["activation"] == "relu"


def test_step_or_single_softmax_at_the_output_is_named_too():
    assert "The output layer uses step" in architecture_problems(
        [{"units": 1, "activation": "step", "bias": True}])[0]
    assert "softmax on one neuron" in architecture_problems(
        [{"units": 1, "activation": "softmax", "bias": True}])[0]
    assert architecture_problems([{"units": 3, "activation": "relu", "bias": True},
                                  {"units": 10, "activation": "softmax", "bias": True}]) == []


def test_neuron_counts_stay_within_one_to_512(editor):
    units = row(editor, 0)[0]
    units.setValue(100_000)
    assert units.value() == MAX_UNITS
    units.setValue(0)
    assert units.value() == 1
    editor.set_architecture(784, [{"units": 2048, "activation": "sigmoid", "bias": True},
                                  {"units": 10, "activation": "softmax", "bias": True}])
    assert editor.architecture()[0]["units"] == MAX_UNITS


def test_add_and_remove_hidden_layers(editor, applied, qtbot):
    editor.add_hidden_layer()
    editor.add_hidden_layer()
    assert [layer["units"] for layer in editor.architecture()] == [2, 2, 2, 1]
    editor.remove_hidden_layer(0)
    assert len(editor.architecture()) == 3
    editor.remove_hidden_layer(5)  # out of range: ignored
    editor.remove_hidden_layer(2)  # the output layer cannot be removed
    assert len(editor.architecture()) == 3
    editor.remove_hidden_layer(0)
    editor.remove_hidden_layer(0)
    assert editor.architecture() == [{"units": 1, "activation": "sigmoid", "bias": True}]
    apply(editor, qtbot)
    assert applied == [[{"units": 1, "activation": "sigmoid", "bias": True}]]
    editor.add_hidden_layer()  # from no hidden layer: a default one
    assert editor.architecture()[0] == {"units": 4, "activation": "sigmoid", "bias": True}


def test_remove_button_removes_its_row(editor, qtbot):
    editor.add_hidden_layer()
    row(editor, 1)[0].setValue(7)
    buttons = [button for button in editor.grid_host.findChildren(QToolButton)
               if button.toolTip() == "Remove hidden layer 1"]
    assert len(buttons) == 1
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert [layer["units"] for layer in editor.architecture()] == [7, 1]


def test_revert_restores_the_last_applied(editor, qtbot):
    row(editor, 0)[0].setValue(9)
    qtbot.mouseClick(editor.revert_button, Qt.MouseButton.LeftButton)
    assert editor.architecture() == XOR
    assert not editor.revert_button.isEnabled()


def test_alpha_is_kept_while_the_activation_is(editor, applied, qtbot):
    editor.set_architecture(2, [{"units": 3, "activation": "leaky_relu", "bias": True,
                                 "alpha": 0.2},
                                {"units": 1, "activation": "sigmoid", "bias": True}])
    row(editor, 0)[0].setValue(4)
    apply(editor, qtbot)
    assert applied[-1][0] == {"units": 4, "activation": "leaky_relu", "bias": True,
                              "alpha": 0.2}
    row(editor, 0)[1].setCurrentText("relu")
    apply(editor, qtbot)
    assert applied[-1][0] == {"units": 4, "activation": "relu", "bias": True}


def test_projector_theme_scales_fonts_and_widens_to_fit(editor):
    editor.set_theme(LIGHT)
    size, width = editor.font().pointSizeF(), editor.scroll.minimumWidth()
    editor.set_theme(PROJECTOR)
    assert editor.font().pointSizeF() == pytest.approx(size * PROJECTOR.font_scale)
    assert editor.scroll.minimumWidth() > width
