"""TrainingControls: the buttons and fields that start, pace and tune training.

A panel that only forwards intent: every user action becomes one signal, and the app decides
what happens. ``set_running`` and ``set_values`` show the app's state without emitting, so the
app can mirror a lesson's settings without hearing its own echo.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.limits import LEARNING_RATE_RANGE, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SEED
from nnsim.ui.palette import LIGHT, Theme, apply_font_scale

#: Speed slider stops: 1-2-5 steps per second; the last stop (None) is unlimited.
SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
                                    10000, None)
#: Learning-rate spin steps: 1-2-5 per decade from 1e-4 to 10.
RATE_LADDER = tuple(m * 10.0 ** e for e in range(-4, 2) for m in (1, 2, 5)) + (10.0,)


def speed_text(speed: float | None) -> str:
    """The speed as the label shows it: "5 steps/s", "1,000 steps/s" or "unlimited"."""
    return "unlimited" if speed is None else f"{speed:,.0f} steps/s"


class LearningRateSpinBox(QDoubleSpinBox):
    """A spin box whose arrows walk 1-2-5 per decade (0.01, 0.02, 0.05, 0.1, ...).

    Learning rates matter by their order of magnitude; a fixed step of 0.01 would need a
    thousand clicks from 0.001 to 10. Typing any value in range still works.
    """

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        value = self.value()
        for _ in range(abs(steps)):
            if steps > 0:
                value = next((r for r in RATE_LADDER if r > value * (1 + 1e-9)), value)
            else:
                value = next((r for r in reversed(RATE_LADDER) if r < value * (1 - 1e-9)), value)
        self.setValue(value)


class TrainingControls(QWidget):
    """Train/Pause, single steps, reset, speed and hyper-parameters; emits intent only."""

    train_toggled = Signal(bool)
    """The Train/Pause button was pressed: True = start or resume, False = pause."""
    step_requested = Signal(str)
    """A single step was asked for: "sample", "batch" or "epoch"."""
    reset_requested = Signal(bool)
    """Reset the weights: False = with the lesson's seed, True = with a new random seed."""
    learning_rate_changed = Signal(float)
    """The user set a new learning rate."""
    batch_size_changed = Signal(int)
    """The user set a new batch size."""
    epochs_changed = Signal(int)
    """The user set the number of epochs (0 = until stopped)."""
    seed_changed = Signal(int)
    """The user set a new random seed."""
    speed_changed = Signal(object)
    """The speed limit moved: steps per second (float), or None for unlimited."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self._kind = "network"

        self.train_button = QPushButton("Train")
        self.train_button.setCheckable(True)
        self.train_button.clicked.connect(self._train_clicked)
        self.step_buttons: dict[str, QPushButton] = {}
        for kind in ("sample", "batch", "epoch"):
            button = QPushButton(f"Step {kind}")
            button.clicked.connect(lambda _=False, k=kind: self.step_requested.emit(k))
            self.step_buttons[kind] = button
        self.reset_button = QPushButton("Reset weights")
        self.reset_button.clicked.connect(lambda: self.reset_requested.emit(False))
        self.reseed_button = QPushButton("New random weights")
        self.reseed_button.clicked.connect(lambda: self.reset_requested.emit(True))

        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(len(SPEEDS) - 1)
        self.speed_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed_slider.setPageStep(3)  # a page is about a decade
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("10,000 steps/s"))
        self.speed_slider.valueChanged.connect(self._speed_moved)

        self.learning_rate = LearningRateSpinBox()
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(*LEARNING_RATE_RANGE)  # what a lesson or session may say
        self.learning_rate.setValue(0.1)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, MAX_BATCH_SIZE)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, MAX_EPOCHS)  # 0: until stopped
        self.epochs.setSpecialValueText("until stopped")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        for box, signal in ((self.learning_rate, self.learning_rate_changed),
                            (self.batch_size, self.batch_size_changed),
                            (self.epochs, self.epochs_changed), (self.seed, self.seed_changed)):
            box.setKeyboardTracking(False)  # emit on Enter, focus-out or arrows, not per key
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            box.valueChanged.connect(signal.emit)

        steps = QGridLayout()
        steps.addWidget(self.train_button, 0, 0, 1, 3)
        for column, button in enumerate(self.step_buttons.values()):
            steps.addWidget(button, 1, column)
        resets = QHBoxLayout()
        resets.addWidget(self.reset_button)
        resets.addWidget(self.reseed_button)
        speed = QHBoxLayout()
        speed.addWidget(self.speed_slider, 1)
        speed.addWidget(self.speed_label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Speed", speed)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Epochs", self.epochs)
        form.addRow("Seed", self.seed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(steps)
        layout.addLayout(resets)
        layout.addLayout(form)
        layout.addStretch(1)
        self.set_shortcuts({"train": "Space"})
        self.set_theme(LIGHT)
        self._speed_moved(self.speed_slider.value())
        self.set_running(False)

    # -- state shown without emitting --------------------------------------------------------

    def set_running(self, running: bool) -> None:
        """Show the button as Pause while training runs, as Train otherwise."""
        self.train_button.setChecked(running)
        self.train_button.setText("Pause" if running else "Train")

    def set_values(self, learning_rate: float, batch_size: int, epochs: int | None,
                   seed: int) -> None:
        """Show a lesson's or session's settings; emits nothing (``epochs`` None or 0: until
        stopped)."""
        for box, value in ((self.learning_rate, learning_rate), (self.batch_size, batch_size),
                           (self.epochs, epochs or 0), (self.seed, seed)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def set_speed(self, steps_per_second: float | None) -> None:
        """Move the slider to the stop nearest ``steps_per_second`` (None: unlimited), silently."""
        if steps_per_second is None or steps_per_second <= 0:
            index = len(SPEEDS) - 1
        else:
            finite = SPEEDS[:-1]
            index = min(range(len(finite)),
                        key=lambda i: abs(math.log(finite[i]) - math.log(steps_per_second)))
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(index)
        self.speed_slider.blockSignals(False)
        self.speed_label.setText(speed_text(SPEEDS[index]))

    def speed(self) -> float | None:
        """The speed limit shown: steps per second, or None for unlimited."""
        return SPEEDS[self.speed_slider.value()]

    def set_enabled_for(self, kind: str) -> None:
        """Enable what a lesson kind can use: a perceptron learns per sample (no batches);
        the activations lesson trains nothing."""
        self._kind = kind
        trains = kind in ("perceptron", "network")
        for widget in (self.train_button, self.reset_button, self.reseed_button,
                       self.speed_slider, self.learning_rate, self.epochs, self.seed,
                       *self.step_buttons.values()):
            widget.setEnabled(trains)
        batches = trains and kind != "perceptron"
        self.batch_size.setEnabled(batches)
        self.step_buttons["batch"].setEnabled(batches)
        if kind == "perceptron":
            self.batch_size.setToolTip("The perceptron rule updates after every sample.")
        else:
            self.batch_size.setToolTip("Samples per weight update (1 = per-sample SGD).")

    def set_shortcuts(self, shortcuts: dict[str, str]) -> None:
        """Name the app's keyboard shortcuts in the tooltips; keys: "train", "sample", "batch",
        "epoch", "reset", "reseed"."""
        def tip(text: str, key: str) -> str:
            return f"{text} ({shortcuts[key]})" if shortcuts.get(key) else text

        self.train_button.setToolTip(tip("Start training, or pause it", "train"))
        self.step_buttons["sample"].setToolTip(
            tip("Train on one sample: one forward and backward pass", "sample"))
        self.step_buttons["batch"].setToolTip(tip("Train on one mini-batch", "batch"))
        self.step_buttons["epoch"].setToolTip(tip("Train one pass over all samples", "epoch"))
        self.reset_button.setToolTip(
            tip("Start again from the lesson's initial weights (its seed)", "reset"))
        self.reseed_button.setToolTip(
            tip("Start again from new random weights (a new seed)", "reseed"))
        self.speed_slider.setToolTip("Steps per second, to follow training at lecture pace; "
                                     "rightmost: as fast as possible")
        self.learning_rate.setToolTip("Learning rate alpha: the arrows step 1-2-5 per decade")
        self.epochs.setToolTip("Epochs to train (0: until stopped)")
        self.seed.setToolTip("Random seed for the initial weights and the shuffling")

    def set_theme(self, theme: Theme) -> None:
        """Scale the fonts with ``theme.font_scale`` (colours follow the application palette)."""
        apply_font_scale(self, self._base_point_size, theme)
        bold = QFont(self.font())
        bold.setBold(True)
        self.train_button.setFont(bold)
        self.train_button.setMinimumHeight(round(1.8 * self.fontMetrics().height()))
        self.speed_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("10,000 steps/s"))

    # -- user actions ------------------------------------------------------------------------

    def _train_clicked(self, checked: bool) -> None:
        self.train_button.setText("Pause" if checked else "Train")
        self.train_toggled.emit(checked)

    def _speed_moved(self, index: int) -> None:
        speed = SPEEDS[index]
        self.speed_label.setText(speed_text(speed))
        self.speed_changed.emit(None if speed is None else float(speed))


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    controls = TrainingControls()
    controls.set_values(0.5, 1, 1000, 26)
    for name in ("train_toggled", "step_requested", "reset_requested", "learning_rate_changed",
                 "batch_size_changed", "epochs_changed", "seed_changed", "speed_changed"):
        getattr(controls, name).connect(lambda value, n=name: print(n, value))
    controls.show()
    sys.exit(app.exec())
