"""What a convolutional network sees: its filters, the current input's feature maps and
pooled maps, and the prediction, drawn from a Snapshot.

The view reads the first Conv2D's kernel from the snapshot's weights and the probe's
activations (input, feature maps, pooled maps, ..., outputs), so the pad's drawing (which
replaces the probe's activations) updates every map live.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnsim.core.snapshot import Snapshot
from nnsim.ui import palette

Array = np.ndarray
ROWS = ("filters", "feature maps", "pooled maps")


class FeatureMapsView(QWidget):
    """Input, filters, feature maps, pooled maps and the output bars of a CNN."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature-maps")
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self.images: dict[str, list[pg.ImageItem]] = {}
        self.input_image: pg.ImageItem | None = None
        self.bars: pg.BarGraphItem | None = None
        self.bar_plot: pg.PlotItem | None = None
        self.filters = 0
        self.image_shape: tuple[int, int] | None = None
        self.classes: list[str] = []
        self.shown: dict[str, Array] = {}
        """What the last frame drew, by row (for tests and figure export)."""
        self.theme = palette.LIGHT
        self.last: Snapshot | None = None
        self.graphics.setBackground(pg.mkColor(self.theme.background))

    def set_theme(self, theme: palette.Theme) -> None:
        """Background and labels in the theme's colours (shown from the next build)."""
        self.theme = theme
        self.graphics.setBackground(pg.mkColor(theme.background))
        if self.image_shape is not None:  # labels take the theme's colours
            last = self.last
            self.set_architecture(self.filters, self.image_shape, self.classes)
            if last is not None:
                self.show_snapshot(last)

    @property
    def _ink(self) -> Array:
        """Maps as ink on the page: dark on a light theme, light on a dark one."""
        ramp = np.linspace(0, 255, 256) if self.theme.is_dark else np.linspace(255, 0, 256)
        return ramp.astype(np.ubyte)

    def set_architecture(self, filters: int, image_shape: tuple[int, int],
                         classes: Sequence[str]) -> None:
        """Build one small image per filter in each row; drawing starts with a snapshot."""
        self.graphics.clear()
        self.filters, self.image_shape, self.classes = int(filters), image_shape, list(classes)
        self.images, self.shown, self.last = {}, {}, None
        label_colour = pg.mkColor(self.theme.foreground)
        self.graphics.addLabel("input", row=0, col=0, color=label_colour)
        self.input_image = self._image_box(row=1, col=0)
        self.graphics.addLabel("prediction", row=0, col=1, colspan=max(self.filters - 1, 1),
                               color=label_colour)
        self.bar_plot = self.graphics.addPlot(row=1, col=1, colspan=max(self.filters - 1, 1))
        self.bar_plot.setMouseEnabled(False, False)
        self.bar_plot.setYRange(0, 1)
        self.bar_plot.getAxis("bottom").setTicks([list(enumerate(self.classes))])
        self.bars = pg.BarGraphItem(x=np.arange(len(self.classes)),
                                    height=np.zeros(len(self.classes)), width=0.7,
                                    brush=pg.mkBrush(palette.POSITIVE))
        self.bar_plot.addItem(self.bars)
        for index, name in enumerate(ROWS):
            row = 2 + 2 * index
            self.graphics.addLabel(name, row=row, col=0, colspan=self.filters,
                                   color=label_colour)
            self.images[name] = [self._image_box(row + 1, col) for col in range(self.filters)]

    def _image_box(self, row: int, col: int) -> pg.ImageItem:
        box = self.graphics.addViewBox(row=row, col=col, lockAspect=True, enableMouse=False)
        box.invertY(True)
        item = pg.ImageItem(axisOrder="row-major")
        box.addItem(item)
        return item

    def show_snapshot(self, snapshot: Snapshot) -> bool:
        """Draw the filters and the probe's maps; False if the snapshot is not of a CNN."""
        if not self.images or not snapshot.weights or len(snapshot.weights[0]) != 2:
            return False
        kernel = np.asarray(snapshot.weights[0][0])
        if kernel.ndim != 4 or kernel.shape[3] != self.filters:
            return False
        self.last = snapshot
        self._show_row("filters", kernel[:, :, 0, :] if kernel.shape[2] == 1
                       else kernel.mean(axis=2), symmetric=True)
        activations = snapshot.activations or ()
        maps = [np.asarray(a) for a in activations[1:] if np.ndim(a) == 3]
        if maps:
            self._show_row("feature maps", maps[0])
        if len(maps) > 1:
            self._show_row("pooled maps", maps[1])
        if activations and self.image_shape is not None and self.input_image is not None:
            picture = np.asarray(activations[0], dtype=np.float64).reshape(self.image_shape)
            self.input_image.setImage(picture, levels=(0, 1), lut=self._ink)
            self.shown["input"] = picture
        if activations and self.bars is not None and np.ndim(activations[-1]) == 1 \
                and len(activations[-1]) == len(self.classes):
            outputs = np.asarray(activations[-1], dtype=np.float64)
            self.bars.setOpts(height=outputs)
            self.shown["prediction"] = outputs
        return True

    def _show_row(self, name: str, stack: Array, symmetric: bool = False) -> None:
        """Each channel of ``stack`` (h, w, channels) in its own image, one colour scale."""
        stack = np.asarray(stack, dtype=np.float64)
        high = float(np.abs(stack).max()) or 1.0
        levels = (-high, high) if symmetric else (0.0, high)
        lut = palette.lookup_table(self.theme) if symmetric else self._ink
        for channel, item in enumerate(self.images[name]):
            item.setImage(stack[:, :, channel], levels=levels, lut=lut)
        self.shown[name] = stack
