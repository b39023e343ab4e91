"""The strip above the canvas: how many edges a big network shows, weight images, Fit.

The summary controls only show for networks too big to draw every edge of; the message
label says why an action did nothing (weights of big nets cannot be edited by hand).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from nnsim.ui.palette import Theme

EDGE_LIMITS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


class CanvasToolbar(QWidget):
    """Edge-limit slider, "weight images" switch, a message and the Fit button."""

    edge_limit_chosen = Signal(int)
    """The slider was moved to this many edges."""
    weight_images_toggled = Signal(bool)
    """The "weight images" box was (un)checked."""
    fit_clicked = Signal()
    """Fit was pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(EDGE_LIMITS) - 1)
        self.slider.setMaximumWidth(160)
        self.slider.valueChanged.connect(lambda i: self.edge_limit_chosen.emit(EDGE_LIMITS[i]))
        self.limit_label = QLabel()
        self.weight_images = QCheckBox("weight images")
        self.weight_images.toggled.connect(self.weight_images_toggled)
        self.message = QLabel()
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show the whole network (or double-click the background)")
        self.fit_button.clicked.connect(self.fit_clicked)
        self.summary_widgets = (QLabel("strongest edges"), self.slider, self.limit_label,
                                self.weight_images)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(6, 2, 6, 0)
        for widget in self.summary_widgets:
            bar.addWidget(widget)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.fit_button)

    def show_summary_controls(self, on: bool) -> None:
        """Show the edge-limit and weight-image controls (big networks only)."""
        for widget in self.summary_widgets:
            widget.setVisible(on)

    def set_edge_limit(self, n: int) -> None:
        """Put the slider at the step nearest ``n`` edges, without emitting."""
        self.slider.blockSignals(True)
        self.slider.setValue(int(np.argmin([abs(np.log(x / n)) for x in EDGE_LIMITS])))
        self.slider.blockSignals(False)
        self.limit_label.setText(f"{n:,}")

    def set_weight_images(self, on: bool) -> None:
        """Check the box without emitting."""
        self.weight_images.blockSignals(True)
        self.weight_images.setChecked(on)
        self.weight_images.blockSignals(False)

    def set_theme(self, theme: Theme) -> None:
        """Fonts at the theme's scale."""
        font = QFont()
        font.setPointSizeF(9 * theme.font_scale)
        for widget in (*self.summary_widgets, self.message, self.fit_button):
            widget.setFont(font)
