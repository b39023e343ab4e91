"""Colours shared by every view: one colour-blind-safe diverging palette and the themes.

Negative values are blue and positive values orange (the blue-orange pair stays distinct for
the common forms of colour blindness and in greyscale by lightness); zero is neutral. Classes use
the same two hues plus different marker shapes, so they read without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

NEGATIVE = (33, 102, 172)     # blue
POSITIVE = (230, 97, 1)       # orange
NEGATIVE_LIGHT = (146, 197, 222)
POSITIVE_LIGHT = (253, 184, 99)

CLASS_COLOURS = (NEGATIVE, POSITIVE)          # class 0, class 1
CLASS_SYMBOLS = ("o", "t")                    # circle, triangle
MULTICLASS_COLOURS = (                        # Okabe-Ito, for 10 digit classes
    (0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233),
    (213, 94, 0), (240, 228, 66), (0, 0, 0), (153, 153, 153), (117, 112, 179),
)


@dataclass(frozen=True)
class Theme:
    """Colours and scales for one look: light, dark or projector (high contrast, larger)."""

    name: str
    background: tuple[int, int, int]
    foreground: tuple[int, int, int]
    neutral: tuple[int, int, int]
    grid: tuple[int, int, int]
    font_scale: float = 1.0
    stroke_scale: float = 1.0

    @property
    def is_dark(self) -> bool:
        """A dark background: light variants of the palette's colours read better on it."""
        return sum(self.background) < 3 * 128


LIGHT = Theme("light", (255, 255, 255), (30, 30, 30), (236, 236, 236), (200, 200, 200))
DARK = Theme("dark", (30, 32, 36), (230, 230, 230), (70, 72, 78), (80, 80, 80))
PROJECTOR = Theme("projector", (255, 255, 255), (0, 0, 0), (225, 225, 225), (150, 150, 150),
                  font_scale=1.75, stroke_scale=2.0)
THEMES = {theme.name: theme for theme in (LIGHT, DARK, PROJECTOR)}


def diverging_colormap(theme: Theme = LIGHT) -> pg.ColorMap:
    """blue (-1) -> neutral (0) -> orange (+1), as a pyqtgraph ColorMap over [0, 1]."""
    colours = [NEGATIVE, NEGATIVE_LIGHT, theme.neutral, POSITIVE_LIGHT, POSITIVE]
    return pg.ColorMap(np.linspace(0.0, 1.0, len(colours)), np.array(colours, dtype=np.ubyte))


def lookup_table(theme: Theme = LIGHT, n: int = 256) -> np.ndarray:
    """The diverging palette as an (n, 3) uint8 table for ImageItem.setLookupTable."""
    return diverging_colormap(theme).getLookupTable(0.0, 1.0, n, alpha=False)


def value_colour(value: float, scale: float = 1.0, theme: Theme = LIGHT) -> QColor:
    """The palette colour of ``value`` with +-scale at the ends."""
    position = 0.5 + 0.5 * float(np.clip(value / scale if scale else 0.0, -1.0, 1.0))
    return diverging_colormap(theme).map(position, mode="qcolor")


def output_colour(out: float, theme: Theme = LIGHT) -> QColor:
    """A neuron's fill for an output in [0, 1] (0.5 neutral): the same palette as weights."""
    return value_colour(2.0 * float(out) - 1.0, 1.0, theme)


def apply_font_scale(widget: QWidget, base_point_size: float, theme: Theme) -> None:
    """Set ``widget``'s font to ``base_point_size`` times the theme's font scale."""
    font = QFont(widget.font())
    font.setPointSizeF(base_point_size * theme.font_scale)
    widget.setFont(font)
