"""TrainingControls: every user action emits one signal with the right value; the app's
own updates (set_values, set_running, set_speed) emit nothing."""

import pytest
from PySide6.QtCore import Qt

from nnsim.ui.palette import LIGHT, PROJECTOR
from nnsim.ui.training_controls import SPEEDS, TrainingControls

SIGNALS = ("train_toggled", "step_requested", "reset_requested", "learning_rate_changed",
           "batch_size_changed", "epochs_changed", "seed_changed", "speed_changed")


@pytest.fixture
def controls(qtbot):
    widget = TrainingControls()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def emitted(controls):
    """Every signal the panel emits, as (name, value), in order."""
    record: list[tuple[str, object]] = []
    for name in SIGNALS:
        getattr(controls, name).connect(lambda value, n=name: record.append((n, value)))
    return record


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_train_button_toggles_between_train_and_pause(controls, emitted, qtbot):
    assert controls.train_button.text() == "Train"
    click(qtbot, controls.train_button)
    assert emitted == [("train_toggled", True)]
    assert controls.train_button.text() == "Pause"
    click(qtbot, controls.train_button)
    assert emitted[-1] == ("train_toggled", False)
    assert controls.train_button.text() == "Train"


def test_step_buttons_ask_for_sample_batch_and_epoch(controls, emitted, qtbot):
    for kind in ("sample", "batch", "epoch"):
        click(qtbot, controls.step_buttons[kind])
    assert emitted == [("step_requested", "sample"), ("step_requested", "batch"),
                       ("step_requested", "epoch")]


def test_reset_buttons_say_whether_to_draw_a_new_seed(controls, emitted, qtbot):
    click(qtbot, controls.reset_button)
    click(qtbot, controls.reseed_button)
    assert emitted == [("reset_requested", False), ("reset_requested", True)]


def test_speed_slider_is_logarithmic_and_ends_unlimited(controls, emitted):
    controls.speed_slider.setValue(0)
    controls.speed_slider.setValue(3)
    controls.speed_slider.setValue(len(SPEEDS) - 1)
    assert emitted == [("speed_changed", 1.0), ("speed_changed", 10.0),
                       ("speed_changed", None)]
    assert controls.speed_label.text() == "unlimited"
    controls.speed_slider.setValue(9)
    assert controls.speed_label.text() == "1,000 steps/s"
    assert controls.speed() == 1000


def test_typing_a_learning_rate_emits_it_once_on_enter(controls, emitted, qtbot):
    box = controls.learning_rate
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "0.025")
    assert emitted == []  # no signal per keystroke
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert emitted == [("learning_rate_changed", 0.025)]


def test_learning_rate_arrows_walk_one_two_five(controls, emitted):
    box = controls.learning_rate
    controls.set_values(0.1, 1, 10, 0)
    box.stepBy(1)
    assert box.value() == pytest.approx(0.2)
    box.stepBy(2)
    assert box.value() == pytest.approx(1.0)
    box.stepBy(-4)
    assert box.value() == pytest.approx(0.05)
    box.setValue(0.3)
    box.stepBy(1)
    assert box.value() == pytest.approx(0.5)
    box.setValue(10)
    box.stepBy(1)
    assert box.value() == 10  # the top stays put
    box.setValue(1e-4)
    box.stepBy(-1)
    assert box.value() == pytest.approx(1e-4)
    assert box.decimals() == 4
    rates = [value for name, value in emitted if name == "learning_rate_changed"]
    assert rates[:3] == pytest.approx([0.2, 1.0, 0.05])  # one signal per stepBy


def test_spin_boxes_emit_batch_size_epochs_and_seed(controls, emitted, qtbot):
    controls.batch_size.setValue(32)
    controls.epochs.setValue(5)
    controls.seed.setValue(1234)
    box = controls.epochs
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "250")
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert emitted == [("batch_size_changed", 32), ("epochs_changed", 5),
                       ("seed_changed", 1234), ("epochs_changed", 250)]
    controls.epochs.setValue(0)
    assert controls.epochs.text() == "until stopped"


def test_app_updates_emit_nothing(controls, emitted):
    controls.set_values(0.5, 16, 1000, 26)
    controls.set_running(True)
    controls.set_speed(20)
    controls.set_speed(None)
    controls.set_speed(3)  # nearest stop on a log scale: 2
    assert emitted == []
    assert controls.learning_rate.value() == 0.5
    assert controls.batch_size.value() == 16
    assert controls.epochs.value() == 1000
    assert controls.seed.value() == 26
    assert controls.train_button.text() == "Pause" and controls.train_button.isChecked()
    assert controls.speed() == 2
    controls.set_values(0.1, 1, None, 0)
    assert controls.epochs.value() == 0


def test_set_running_false_shows_train(controls, emitted):
    controls.set_running(True)
    controls.set_running(False)
    assert controls.train_button.text() == "Train" and not controls.train_button.isChecked()
    assert emitted == []


def test_perceptron_has_no_batches_and_activations_nothing_to_train(controls):
    controls.set_enabled_for("perceptron")
    assert not controls.batch_size.isEnabled()
    assert not controls.step_buttons["batch"].isEnabled()
    assert controls.step_buttons["sample"].isEnabled() and controls.train_button.isEnabled()
    controls.set_enabled_for("activations")
    assert not controls.train_button.isEnabled()
    assert not controls.step_buttons["epoch"].isEnabled()
    controls.set_enabled_for("network")
    assert controls.batch_size.isEnabled() and controls.step_buttons["batch"].isEnabled()
    assert controls.train_button.isEnabled()


def test_tooltips_name_the_shortcuts(controls):
    assert "(Space)" in controls.train_button.toolTip()
    controls.set_shortcuts({"train": "Space", "sample": "N", "epoch": "Ctrl+E"})
    assert "(N)" in controls.step_buttons["sample"].toolTip()
    assert "(Ctrl+E)" in controls.step_buttons["epoch"].toolTip()
    assert "(" not in controls.step_buttons["batch"].toolTip()


def test_projector_theme_scales_the_fonts(controls):
    controls.set_theme(LIGHT)
    size = controls.font().pointSizeF()
    controls.set_theme(PROJECTOR)
    assert controls.font().pointSizeF() == pytest.approx(size * PROJECTOR.font_scale)
    assert controls.learning_rate.font().pointSizeF() == pytest.approx(
        size * PROJECTOR.font_scale)
