"""StepperPanel: one sample's forward and backward pass, neuron by neuron, with the numbers.

A view over the engine's ForwardTrace and BackwardTrace: every line comes from
``nnsim.core.explain`` (the same lines ``nnsim step`` prints), so the panel never recomputes the
maths. The steps done so far stay listed and the current one is large, with the chain-rule
factor each number is. Presenter keys: Right / PageDown next, Left / PageUp back, Home restart,
End complete, P play.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.explain import Step, backward_steps, forward_steps
from nnsim.core.traces import BackwardTrace, ForwardTrace
from nnsim.ui.guard import guarded
from nnsim.ui.palette import LIGHT, Theme, apply_font_scale
from nnsim.ui.step_log import StepLog

KEYS = {Qt.Key.Key_Right: "next_step", Qt.Key.Key_PageDown: "next_step",
        Qt.Key.Key_Left: "previous_step", Qt.Key.Key_PageUp: "previous_step",
        Qt.Key.Key_Home: "restart", Qt.Key.Key_End: "complete", Qt.Key.Key_P: "toggle_play"}
#: Larger nets take seconds to write out and no one reads a 784-term sum: they are refused.
MAX_NEURONS, MAX_WEIGHTS = 64, 5000


def too_large(forward: ForwardTrace | None) -> str:
    """Why the stepper refuses this net (too many neurons or weights), or "" when it is fine."""
    if forward is None:
        return ""
    sizes = [len(forward.x)] + [len(layer.out) for layer in forward.layers]
    weights = sum(layer.weights.size for layer in forward.layers)
    if sum(sizes[1:]) <= MAX_NEURONS and weights <= MAX_WEIGHTS:
        return ""
    return (f"The stepper writes out nets of up to {MAX_NEURONS} neurons and {MAX_WEIGHTS} "
            f"weights; this one ({'-'.join(map(str, sizes))}) has {sum(sizes[1:])} and "
            f"{weights}. Step a small lesson such as worked-example.")


class StepperPanel(QWidget):
    """The steps of one forward (and backward) trace, shown one at a time on request."""

    step_shown = Signal(object)
    """The explain.Step now current (None after a restart), for the canvas to highlight."""
    input_chosen = Signal(object, object)
    """The user picked an input row (array) and its target (float or None)."""
    update_applied = Signal(object)
    """The user applied the update: (new_weights, new_bias) per layer from the BackwardTrace."""
    settings_changed = Signal()
    """Target, learning rate or precision changed: the traces should be computed again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self._forward: ForwardTrace | None = None
        self._backward: BackwardTrace | None = None
        self._target: float | None = None
        self._threshold = 0.5
        self._steps: list[Step] = []
        self._index = -1
        self._restart_pending = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._play_tick)

        self.input_combo = QComboBox()
        self.input_combo.setPlaceholderText("current input")
        self.input_combo.activated.connect(self.choose_input)
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("none: forward only")
        self.target_edit.setToolTip("The row's label; with a target the stepper continues "
                                    "into the backward pass")
        self.target_edit.editingFinished.connect(self._target_edited)
        self.rate_spin = self._spin(QDoubleSpinBox(), 0.0001, 100.0, 0.1, "learning rate eta "
                                    "of the update w <- w - eta x dE/dw")
        self.rate_spin.setDecimals(4)
        self.rate_spin.valueChanged.connect(lambda _value: self.settings_changed.emit())
        self.precision_spin = self._spin(QSpinBox(), 0, 10, 3, "decimals shown, truncated "
                                         "toward zero as the lecture prints them")
        self.precision_spin.valueChanged.connect(self._precision_changed)
        self.pace_spin = self._spin(QDoubleSpinBox(), 0.05, 10.0, 1.0, "seconds per step "
                                    "when playing")
        self.pace_spin.setSuffix(" s")
        self.pace_spin.valueChanged.connect(lambda s: self._timer.setInterval(int(s * 1000)))
        self._timer.setInterval(1000)

        self.log = StepLog()
        self.position_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, tip in (
                ("back", "\u25c0 Back", self.previous_step, "Previous step (Left, Page Up)"),
                ("next", "Next \u25b6", self.next_step, "Next step (Right, Page Down)"),
                ("restart", "Restart", self.restart, "Back to the start (Home)"),
                ("end", "End", self.complete, "Show every step (End)"),
                ("play", "Play", self.toggle_play, "Step on by itself at the pace set (P)"),
                ("apply", "Apply update", self.apply_update,
                 "Write the updated weights into the model (Ctrl+Z undoes it)")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.buttons[key] = button

        settings = QGridLayout()
        for index, (label, widget) in enumerate((("Input", self.input_combo),
                                                 ("Target", self.target_edit),
                                                 ("Learning rate", self.rate_spin),
                                                 ("Decimals", self.precision_spin))):
            row, column = 2 * (index // 2), index % 2
            settings.addWidget(QLabel(label), row, column)
            settings.addWidget(widget, row + 1, column)
        settings.setColumnStretch(0, 3)
        settings.setColumnStretch(1, 1)
        # Two rows, so the panel fits a side dock beside the canvas at 1280 x 800.
        navigation = QHBoxLayout()
        for key in ("back", "next", "restart", "end"):
            navigation.addWidget(self.buttons[key])
        playback = QHBoxLayout()
        playback.addWidget(self.buttons["play"])
        playback.addWidget(self.pace_spin)
        playback.addStretch(1)
        playback.addWidget(self.buttons["apply"])
        controls = QVBoxLayout()
        controls.addLayout(navigation)
        controls.addLayout(playback)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.position_label)
        layout.addWidget(self.message_label)
        layout.addLayout(controls)

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for widget in (self.log, self.input_combo, *self.buttons.values()):
            widget.installEventFilter(self)
        self.set_theme(LIGHT)

    @staticmethod
    def _spin(spin: QSpinBox | QDoubleSpinBox, low: float, high: float, value: float,
              tip: str) -> QSpinBox | QDoubleSpinBox:
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip[0].upper() + tip[1:])
        return spin

    # -- data ------------------------------------------------------------------------------

    def set_traces(self, forward: ForwardTrace | None, backward: BackwardTrace | None = None,
                   target: float | None = None) -> None:
        """Show these traces' steps; the position stays unless the steps' layout changed."""
        refusal = too_large(forward)
        if refusal or self.message_label.text().startswith("The stepper writes"):
            self.show_message(refusal)
        if refusal:
            forward, backward = None, None
        self._forward, self._backward = forward, backward
        if target is not None:
            self._target = float(target)
            self.target_edit.setText(f"{self._target:g}")
        old = [(s.phase, s.layer, s.neuron) for s in self._steps]
        self._build_steps()
        if self._restart_pending or old != [(s.phase, s.layer, s.neuron) for s in self._steps]:
            self._index = -1
        self._restart_pending = False
        self.buttons["apply"].setEnabled(backward is not None)
        self._show_current()

    def set_input_choices(self, choices: list[tuple[str, np.ndarray, float | None]],
                          current: int = 0) -> None:
        """The inputs offered: (label, row, target), e.g. the probe input and each training row;
        ``current`` is the one the traces show (-1: none of them, e.g. a clicked point)."""
        self.input_combo.clear()
        for label, row, target in choices:
            self.input_combo.addItem(label, (np.asarray(row, dtype=float), target))
        self.input_combo.setCurrentIndex(current if current < len(choices) else -1)

    def choose_input(self, index: int) -> None:
        """Select choice ``index`` and ask for its traces (the stepper starts again)."""
        if not 0 <= index < self.input_combo.count():
            return
        row, target = self.input_combo.itemData(index)
        self.input_combo.setCurrentIndex(index)
        if target is not None:
            self._target = float(target)
            self.target_edit.setText(f"{self._target:g}")
        self._restart_pending = True
        self.input_chosen.emit(row, self._target)

    def set_learning_rate(self, rate: float) -> None:
        """The eta the update uses (without asking for new traces)."""
        self.rate_spin.blockSignals(True)
        self.rate_spin.setValue(rate)
        self.rate_spin.blockSignals(False)

    def set_threshold(self, threshold: float) -> None:
        """The threshold the prediction step uses to name a class."""
        self._threshold = threshold
        self._rerender()

    def learning_rate(self) -> float:
        return self.rate_spin.value()

    def target(self) -> float | None:
        return self._target

    def precision(self) -> int:
        return self.precision_spin.value()

    def steps(self) -> list[Step]:
        """Every step of the current traces, shown or not."""
        return list(self._steps)

    def current_index(self) -> int:
        """The index of the current step, -1 before the first."""
        return self._index

    def show_message(self, text: str) -> None:
        """An inline message (e.g. why traces could not be computed); empty text hides it."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # -- stepping --------------------------------------------------------------------------

    def next_step(self) -> None:
        if self._index < len(self._steps) - 1:
            self._index += 1
            self._show_current()

    def previous_step(self) -> None:
        if self._index >= 0:
            self._index -= 1
            self._show_current()

    def restart(self) -> None:
        self._index = -1
        self._show_current()

    def complete(self) -> None:
        self._index = len(self._steps) - 1
        self._show_current()

    def toggle_play(self) -> None:
        """Play steps at the chosen pace, or pause; playing from the end starts again."""
        if self._timer.isActive():
            self._timer.stop()
        elif self._steps:
            if self._index >= len(self._steps) - 1:
                self.restart()
            self._timer.start()
        self.buttons["play"].setText("Pause" if self._timer.isActive() else "Play")

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def _play_tick(self) -> None:
        self.next_step()
        if self._index >= len(self._steps) - 1:
            self.toggle_play()

    def apply_update(self) -> None:
        """Emit the backward trace's updated weights for the app to write (undoably)."""
        if self._backward is None:
            self.show_message("Give a target first: the update comes from the backward pass.")
            return
        weights = [(layer.new_weights.copy(), None if layer.new_bias is None
                    else layer.new_bias.copy()) for layer in self._backward.layers]
        self.update_applied.emit(weights)
        self.show_message("Update applied (Ctrl+Z undoes it).")

    # -- rendering -------------------------------------------------------------------------

    def _build_steps(self) -> None:
        if self._forward is None:
            self._steps = []
            self.log.set_steps([], None, None, self.precision())
            return
        steps = forward_steps(self._forward, self.precision(), self._threshold, self._target)
        if self._backward is not None:
            steps += backward_steps(self._backward, self.precision())
        self._steps = steps
        self.log.set_steps(steps, self._forward, self._backward, self.precision())

    def _rerender(self) -> None:
        self._build_steps()
        self._index = min(self._index, len(self._steps) - 1)
        self._show_current()

    def shown_texts(self) -> list[str]:
        """The texts of the steps shown so far, first to current."""
        return [step.text for step in self._steps[:self._index + 1]]

    def _show_current(self) -> None:
        current = self._steps[self._index] if self._index >= 0 else None
        self.log.show_up_to(self._index)
        if current is None:
            self.position_label.setText(f"0 of {len(self._steps)} steps")
        else:
            self.position_label.setText(f"step {self._index + 1} of {len(self._steps)}: "
                                        f"{current.phase}")
        self.buttons["back"].setEnabled(self._index >= 0)
        self.buttons["next"].setEnabled(self._index < len(self._steps) - 1)
        self.step_shown.emit(current)

    # -- keys, theme -----------------------------------------------------------------------

    @guarded()
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """Step with the stepper's keys (Right, Left, Home, End, P); True if it was one."""
        slot = KEYS.get(Qt.Key(event.key()))
        if slot is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        getattr(self, slot)()
        return True

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress and self.handle_key(event):
            return True
        return super().eventFilter(watched, event)

    def _precision_changed(self) -> None:
        self._rerender()
        self.settings_changed.emit()

    def _target_edited(self) -> None:
        text = self.target_edit.text().strip()
        try:
            target = float(text) if text else None
        except ValueError:
            self.show_message(f"The target must be a number such as 1 (the row's label), "
                              f"not {text!r}; leave it empty to step the forward pass only.")
            return
        self.show_message("")
        if target != self._target:
            self._target = target
            self.settings_changed.emit()

    def set_theme(self, theme: Theme) -> None:
        """Colours and font sizes of ``theme``; projector mode enlarges the formulas."""
        apply_font_scale(self, self._base_point_size, theme)
        self.log.set_theme(theme)
        self.message_label.setStyleSheet("color: rgb(200, 60, 0)")


def main() -> None:
    """The worked example, alone: pick a row, step, apply the update."""
    from PySide6.QtWidgets import QApplication

    from nnsim.core.lessons import load_lesson

    app = QApplication.instance() or QApplication([])
    lesson = load_lesson("worked-example")
    model = lesson.build_model(2)
    data = lesson.load_data()
    panel = StepperPanel()
    panel.set_learning_rate(lesson.learning_rate)
    choices = [(f"lesson input {list(lesson.probe_input)}", np.array(lesson.probe_input),
                lesson.probe_target)]
    choices += [(f"row {i + 1}: {x.tolist()} -> {int(y)}", x, float(y))
                for i, (x, y) in enumerate(zip(data.X_train, data.y_train, strict=True))]
    panel.set_input_choices(choices)
    state = {"x": np.array(lesson.probe_input)}

    def recompute(x: np.ndarray | None = None, _target: object = None) -> None:
        state["x"] = state["x"] if x is None else x
        target = panel.target()
        backward = (None if target is None else model.backward_trace(
            state["x"], target, lesson.loss, panel.learning_rate()))
        panel.set_traces(model.forward_trace(state["x"]), backward, target)

    panel.input_chosen.connect(recompute)
    panel.settings_changed.connect(recompute)
    panel.update_applied.connect(lambda weights: (model.set_weights(weights), recompute()))
    panel.set_traces(model.forward_trace(state["x"]), model.backward_trace(
        state["x"], lesson.probe_target, lesson.loss, lesson.learning_rate), lesson.probe_target)
    panel.resize(640, 560)
    panel.show()
    app.exec()


if __name__ == "__main__":
    main()
