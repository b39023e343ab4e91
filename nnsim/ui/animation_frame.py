"""One frame of an exported animation: the chosen panels, drawn offscreen at the video's size.

The frame owns its own canvas, boundary plot or curves (never the window's), laid out at a
fixed size and shown with ``WA_DontShowOnScreen``: Qt lays it out and pyqtgraph fits its ranges
as for a window, but nothing appears on screen and nothing the teacher sees moves. Small videos
are laid out at 480 px high and scaled down, large ones at 720 px and scaled up (texts and
pens keep their share of the picture, as in ``figure_export``). ``pixels()`` returns the frame
as an (H, W, 3) array for the video writer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnsim.core.drawing import DrawnNetwork
from nnsim.core.snapshot import Snapshot
from nnsim.ui.boundary_plot import BoundaryPlot
from nnsim.ui.canvas_toolbar import CanvasToolbar
from nnsim.ui.curves_plot import CurvesPlot
from nnsim.ui.figure_export import render_image
from nnsim.ui.network_canvas import NetworkCanvas
from nnsim.ui.palette import LIGHT

Array = np.ndarray
LAYOUT_HEIGHTS = (480, 720)
"""Frames are laid out between these heights (logical pixels), then scaled to the video."""


def layout_size(size: tuple[int, int]) -> tuple[int, int]:
    """The logical size a frame of ``size`` pixels is laid out at."""
    width, height = size
    logical = min(max(height, LAYOUT_HEIGHTS[0]), LAYOUT_HEIGHTS[1])
    scale = height / logical
    return max(round(width / scale), 1), logical


class AnimationFrame(QWidget):
    """A caption over the chosen views ("canvas", "boundary", "curves" or "canvas+boundary")."""

    def __init__(self, panel: str, size: tuple[int, int]) -> None:
        super().__init__()
        self.size_px = (int(size[0]), int(size[1]))
        parts = panel.split("+")
        self.canvas = NetworkCanvas() if "canvas" in parts else None
        self.boundary = BoundaryPlot() if "boundary" in parts else None
        self.curves = CurvesPlot() if "curves" in parts else None
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet(f"color: rgb{LIGHT.foreground}; font-size: 13pt;")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for view in (self.canvas, self.boundary, self.curves):
            if view is not None:
                row.addWidget(view, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.caption)
        layout.addLayout(row, 1)
        if self.boundary is not None:
            self.boundary.toolbar.hide()
        if self.curves is not None:
            self.curves.log_check.hide()
            self.curves.readout.hide()
        for bar in self.findChildren(CanvasToolbar):  # edge limits and Fit: no use in a video
            bar.hide()
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), Qt.GlobalColor.white)
        self.setPalette(palette)
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.setFixedSize(*layout_size(self.size_px))
        self.show()  # lays out and sizes every view; nothing reaches the screen
        QApplication.processEvents()

    def set_network(self, drawn: DrawnNetwork, image_shape: tuple[int, int] | None = None,
                    classes: Sequence[str] | None = None) -> None:
        """The network the canvas draws (the app's ``core.drawing`` form of it)."""
        if self.canvas is not None:
            self.canvas.set_architecture(drawn.sizes, drawn.activations, drawn.has_bias,
                                         image_shape=image_shape, classes=classes)
            self.canvas.fit_to_window()

    def set_points(self, X: Array, y: Array, test_mask: Array | None = None) -> None:
        """The data under the boundary (test rows hollow)."""
        if self.boundary is not None:
            self.boundary.set_points(X, y, test_mask)
            self.boundary.set_editable(False)

    def set_epochs(self, epochs: int) -> None:
        """The curves' epoch axis runs 0..``epochs`` in every frame, so it never jumps."""
        if self.curves is not None:
            self.curves.set_epoch_range(epochs)

    def show_frame(self, snapshot: Snapshot, caption: str,
                   history: dict[str, list[float]] | None = None,
                   drawn: Snapshot | None = None, centres: Array | None = None) -> None:
        """Draw one frame: ``drawn`` is the canvas's form of the snapshot (RBF units and
        experts drawn as nodes), ``history`` the curves up to the frame's epoch."""
        self.caption.setText(caption)
        if self.canvas is not None:
            self.canvas.show_snapshot(drawn or snapshot)
            self.canvas.set_neuron_thumbnails(snapshot.neuron_maps)
        if self.boundary is not None:
            self.boundary.show_snapshot(snapshot)
            self.boundary.show_centres(centres)
        if self.curves is not None:
            self.curves.show_history(history or {})

    def pixels(self) -> Array:
        """The frame as drawn, (height, width, 3) uint8 RGB at the video's size."""
        QApplication.sendPostedEvents()  # pending range and label updates of pyqtgraph
        width, height = self.size_px
        image = render_image(self, width)
        if (image.width(), image.height()) != (width, height):  # rounding of the layout size
            image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        rows = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
        return rows.reshape(height, image.bytesPerLine())[:, :3 * width] \
            .reshape(height, width, 3).copy()
