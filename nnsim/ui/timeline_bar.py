"""TimelineBar: scrub through a run's recorded epochs, replay it, and see which one is shown.

A slider over the epochs trained (0 is the weights before training), step buttons, play and
pause, the replay pace in epochs per second, and a marker that says "viewing epoch 200 of
1,000" while an earlier epoch is shown. It only draws and forwards intent: the app decides
which checkpoint an epoch means and shows it everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QWidget,
)

from nnsim.ui.palette import Theme

DEFAULT_PACE = 50.0
"""Epochs a second a replay plays at until the user chooses."""
VIEWING_STYLE = "QLabel { background: #f2c14e; color: #1a1a1a; padding: 1px 6px; " \
                "border-radius: 3px; font-weight: bold; }"


def viewing_text(viewing: int | None, latest: int, recorded: int) -> str:
    """What the marker says: the epoch shown against the last one trained."""
    if recorded == 0:
        return "No epochs recorded yet: train to fill the timeline."
    if viewing is None:
        return f"Latest: epoch {latest:,}"
    return f"Viewing epoch {viewing:,} of {latest:,}"


class TimelineBar(QWidget):
    """Slider, step and play buttons, pace, and the "viewing epoch n of N" marker."""

    epoch_chosen = Signal(int)
    """The user moved the slider to an epoch."""
    step_requested = Signal(int)
    """-1: the recorded epoch before the one shown; +1: the one after."""
    play_toggled = Signal(bool)
    """Play (True) or pause (False) the replay."""
    pace_changed = Signal(float)
    """Replay epochs per second."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back = QToolButton(text="◀")
        self.back.setToolTip("Show the recorded epoch before this one ([)")
        self.forward = QToolButton(text="▶")
        self.forward.setToolTip("Show the recorded epoch after this one (])")
        self.play = QToolButton(text="Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Replay the recorded run at the pace set beside (Ctrl+Space)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Drag to show the network as it was at that epoch")
        self.slider.setRange(0, 0)
        self.pace = QDoubleSpinBox()
        self.pace.setRange(0.5, 100_000.0)
        self.pace.setDecimals(1)
        self.pace.setValue(DEFAULT_PACE)
        self.pace.setSuffix(" epochs/s")
        self.pace.setToolTip("How fast a replay goes through the epochs")
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(
            "Viewing epoch 000,000 of 000,000") + 16)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (self.back, self.play, self.forward):
            layout.addWidget(widget)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.pace)
        layout.addWidget(self.label)
        self.back.clicked.connect(lambda: self.step_requested.emit(-1))
        self.forward.clicked.connect(lambda: self.step_requested.emit(1))
        self.play.toggled.connect(self._on_play)
        self.slider.valueChanged.connect(self.epoch_chosen.emit)
        self.pace.valueChanged.connect(self.pace_changed.emit)
        self._latest, self._recorded, self._viewing = 0, 0, None
        self.show_state(None, 0, 0)

    def show_state(self, viewing: int | None, latest: int, recorded: int) -> None:
        """Put the slider at ``viewing`` (None: the latest) of ``latest`` epochs trained, with
        ``recorded`` checkpoints to scrub through; without signals."""
        self._viewing, self._latest, self._recorded = viewing, latest, recorded
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(latest, 0))
        self.slider.setValue(latest if viewing is None else viewing)
        self.slider.blockSignals(False)
        self.label.setText(viewing_text(viewing, latest, recorded))
        self.label.setStyleSheet(VIEWING_STYLE if viewing is not None else "")
        self.set_enabled(True)

    def follow(self, epoch: int, paused: bool = False) -> None:
        """Training runs: the slider follows its latest epoch and cannot be moved; a paused
        run can be looked back on (moving the slider then ends the run: the app says so)."""
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(epoch, 0))
        self.slider.setValue(epoch)
        self.slider.blockSignals(False)
        self.label.setText(f"Paused at epoch {epoch:,}: move the slider to look back"
                           if paused else f"Training: epoch {epoch:,}")
        self.label.setStyleSheet("")
        self.set_enabled(False)
        for widget in (self.back, self.play, self.slider) if paused else ():
            widget.setEnabled(True)

    def set_enabled(self, on: bool) -> None:
        """Scrubbing and replay only between runs, and only with something recorded."""
        usable = on and self._recorded > 0
        for widget in (self.back, self.forward, self.play, self.slider):
            widget.setEnabled(usable)

    def set_playing(self, playing: bool) -> None:
        """Show the play button as playing or paused (without signals)."""
        self.play.blockSignals(True)
        self.play.setChecked(playing)
        self.play.setText("Pause" if playing else "Play")
        self.play.blockSignals(False)

    def _on_play(self, playing: bool) -> None:
        self.play.setText("Pause" if playing else "Play")
        self.play_toggled.emit(playing)

    def set_theme(self, theme: Theme) -> None:
        """Fonts follow the application's; nothing here draws its own colours but the
        marker, which keeps its contrast in every theme."""


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    bar = TimelineBar()
    bar.show_state(200, 1000, 1001)
    bar.epoch_chosen.connect(lambda e: bar.show_state(e, 1000, 1001))
    bar.resize(900, 40)
    bar.show()
    app.exec()
