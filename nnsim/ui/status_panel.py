"""StatusPanel: the status bar's figures: epoch, loss, accuracy, speed, state, time left.

Meant for ``QMainWindow.statusBar().addPermanentWidget(StatusPanel())``. Labels have fixed
minimum widths so the bar does not jitter as numbers change 60 times a second.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from nnsim.core.snapshot import Snapshot
from nnsim.ui.palette import Theme, apply_font_scale
from nnsim.workspace import Figures

#: Widest text each label shows, to reserve its width.
WIDEST = {"epoch": "epoch 10,000 / 10,000", "loss": "loss 0.000000",
          "accuracy": "accuracy 100.0 % (16 of 16 right)", "speed": "100,000 steps/s",
          "state": "converged"}


def time_left_text(seconds: float | None) -> str:
    """The time left as "1:05 left" or "2:03:04 left"; "" when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    seconds = math.ceil(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return f"{clock} left"


def state_text(status: str) -> str:
    """The state word: the loop's status up to any explanation after a colon."""
    return status.split(":", 1)[0]


class StatusPanel(QWidget):
    """Epoch, loss, accuracy, steps/s, state and a progress bar with the time left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self.labels = {key: QLabel() for key in WIDEST}
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in self.labels.values():
            layout.addWidget(label)
        layout.addWidget(self.progress)
        self._reserve_widths()
        self.clear()

    def show_snapshot(self, snapshot: Snapshot, figures: Figures | None = None) -> None:
        """Show the run figures of ``snapshot``; loss and accuracy from the workspace's
        ``figures`` (what the truth table and the curves say too) when given."""
        total = snapshot.epochs_total
        epoch = f"epoch {snapshot.epoch:,}" + (f" / {total:,}" if total else "")
        self.labels["epoch"].setText(epoch)
        if figures is not None:
            self.show_figures(figures)
        else:
            self._show_loss(snapshot.loss, snapshot.metrics.get("accuracy"), None)
        self.labels["speed"].setText(f"{snapshot.steps_per_second:,.0f} steps/s"
                                     if snapshot.steps_per_second > 0 else "")
        self.labels["state"].setText(state_text(snapshot.status))
        self.labels["state"].setToolTip(snapshot.status)
        if total:
            done = min((snapshot.epoch + snapshot.epoch_progress) / total, 1.0)
            self.progress.setValue(round(1000 * done))
            left = time_left_text(snapshot.seconds_left)
            self.progress.setFormat(f"{100 * done:.0f} %" + (f", {left}" if left else ""))
            self.progress.show()
        else:
            self.progress.hide()  # "until stopped": no end to measure against

    def show_figures(self, figures: Figures | None) -> None:
        """Loss and accuracy of the weights shown ("2 of 4 right" where rows are few)."""
        if figures is None:
            self._show_loss(math.nan, None, None)
            return
        right = None if figures.right is None or figures.total is None or figures.total > 100 \
            else f"{figures.right} of {figures.total} right"
        self._show_loss(figures.loss, figures.accuracy, right)

    def _show_loss(self, loss: float, accuracy: float | None, right: str | None) -> None:
        self.labels["loss"].setText(f"loss {loss:.4g}" if math.isfinite(loss) else "loss –")
        text = "" if accuracy is None else f"accuracy {100 * accuracy:.1f} %"
        self.labels["accuracy"].setText(text + (f" ({right})" if right and text else ""))

    def clear(self) -> None:
        """Empty every figure (no model trained yet)."""
        for label in self.labels.values():
            label.setText("")
        self.labels["state"].setText("ready")
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.progress.hide()

    def set_theme(self, theme: Theme) -> None:
        """Scale the fonts with ``theme.font_scale``."""
        apply_font_scale(self, self._base_point_size, theme)
        self._reserve_widths()

    def _reserve_widths(self) -> None:
        metrics = self.fontMetrics()
        for key, label in self.labels.items():
            label.setMinimumWidth(metrics.horizontalAdvance(WIDEST[key]) + 8)
        self.progress.setFixedWidth(metrics.horizontalAdvance("100 %, 0:00:00 left") + 24)


if __name__ == "__main__":
    import sys

    import numpy as np
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    panel = StatusPanel()
    window.statusBar().addPermanentWidget(panel)
    panel.show_snapshot(Snapshot(step=1200, epoch=300, loss=0.0831, weights=((np.zeros((2, 2)),
                        None),), metrics={"accuracy": 1.0}, steps_per_second=4200.0,
                        epochs_total=1000, seconds_left=75.0, epoch_progress=0.5))
    window.resize(1000, 200)
    window.show()
    sys.exit(app.exec())
