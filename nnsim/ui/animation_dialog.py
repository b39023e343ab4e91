"""File > Export animation: which panel, which epochs, how large, how fast, and where.

The file's suffix picks GIF or MP4. OK checks everything with ``core.animation.request``; a
wrong value is said in one line inside the dialog, which stays open to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.animation import (
    DEFAULT_FPS,
    DEFAULT_MAX_FRAMES,
    FPS_RANGE,
    MAX_FRAMES,
    AnimationError,
    AnimationRequest,
    parse_size,
    request,
)

SIZES = ("1920x1080", "1280x720", "854x480", "640x360", "320x240")
PANEL_NAMES = {"canvas+boundary": "Network and decision boundary, side by side",
               "canvas": "Network", "boundary": "Decision boundary",
               "curves": "Loss and accuracy curves"}
FILTERS = "MP4 video (*.mp4);;GIF animation (*.gif)"


class AnimationDialog(QDialog):
    """The export's settings; ``chosen()`` is the checked request once accepted."""

    def __init__(self, parent: QWidget | None, panels: Sequence[str], epochs: Sequence[int],
                 suggested: str | Path) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        self.setObjectName("nnsim-animation-dialog")
        self._chosen: AnimationRequest | None = None
        low, high = (min(epochs), max(epochs)) if epochs else (0, 0)
        self.path_edit = QLineEdit(str(suggested))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        self.panel_box = QComboBox()
        for key in panels:
            self.panel_box.addItem(PANEL_NAMES.get(key, key), key)
        self.first_box, self.last_box = self._spin(low, high, low), self._spin(low, high, high)
        self.frames_box = self._spin(2, MAX_FRAMES, min(DEFAULT_MAX_FRAMES, max(len(epochs), 2)))
        self.frames_box.setToolTip(f"{len(epochs):,} epochs are recorded; more than this many "
                                   "are spread evenly")
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.addItems(SIZES)
        self.size_box.setCurrentText("1280x720")
        self.size_box.setToolTip("WIDTHxHEIGHT in pixels, at most 1920x1080")
        self.fps_box = self._spin(*FPS_RANGE, DEFAULT_FPS)
        self.fps_box.setSuffix(" frames a second")
        form = QFormLayout()
        form.addRow("Save as:", where)
        form.addRow("Show:", self.panel_box)
        form.addRow("From epoch:", self.first_box)
        form.addRow("To epoch:", self.last_box)
        form.addRow("Frames at most:", self.frames_box)
        form.addRow("Size:", self.size_box)
        form.addRow("Frame rate:", self.fps_box)
        self.error = QLabel()
        self.error.setObjectName("nnsim-animation-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: rgb(180, 0, 0);")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(value)
        box.setGroupSeparatorShown(True)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.path_edit.text(),
                                              FILTERS)
        if path:
            self.path_edit.setText(path)

    def chosen(self) -> AnimationRequest | None:
        """The request OK checked; None before."""
        return self._chosen

    def accept(self) -> None:
        """Close only on a request that can be exported; else say what is wrong."""
        try:
            self._chosen = request(self.path_edit.text().strip(), self.panel_box.currentData(),
                                   parse_size(self.size_box.currentText()),
                                   self.fps_box.value(), self.first_box.value(),
                                   self.last_box.value(), self.frames_box.value())
        except AnimationError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()


def _demo() -> None:
    """The dialog over a made-up run of 500 epochs; prints what OK chose."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    dialog = AnimationDialog(None, list(PANEL_NAMES), list(range(501)), "run.mp4")
    if dialog.exec():
        print(dialog.chosen())
    del app


if __name__ == "__main__":
    _demo()
