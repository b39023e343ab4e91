"""Applying a look to the whole application: light, dark, projector, and interface scale.

Widgets draw with ``palette.Theme``; this module chooses the theme (following the system's
light or dark setting unless the user picked one) and sets Qt's palette and font to match.
"""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from nnsim.ui.palette import DARK, LIGHT, PROJECTOR, Theme

THEME_CHOICES = ("system", "light", "dark")


def system_prefers_dark() -> bool:
    """True when the desktop asks for a dark colour scheme (Qt 6.5+)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def resolve_theme(choice: str, projector: bool, scale: float = 1.0) -> Theme:
    """The Theme for a user choice ("system", "light", "dark"), projector mode and zoom."""
    if projector:
        base = PROJECTOR
    elif choice == "dark" or (choice == "system" and system_prefers_dark()):
        base = DARK
    else:
        base = LIGHT
    return replace(base, font_scale=base.font_scale * scale)


def apply_theme(app: QApplication, theme: Theme, base_point_size: float) -> None:
    """Qt palette, application font and pyqtgraph defaults for ``theme``."""
    palette = QPalette()
    if theme.name == "dark":
        background, text = QColor(*theme.background), QColor(*theme.foreground)
        base = QColor(40, 42, 46)
        for role, colour in ((QPalette.ColorRole.Window, background),
                             (QPalette.ColorRole.WindowText, text),
                             (QPalette.ColorRole.Base, base),
                             (QPalette.ColorRole.AlternateBase, background),
                             (QPalette.ColorRole.Text, text),
                             (QPalette.ColorRole.Button, QColor(50, 52, 58)),
                             (QPalette.ColorRole.ButtonText, text),
                             (QPalette.ColorRole.ToolTipBase, base),
                             (QPalette.ColorRole.ToolTipText, text),
                             (QPalette.ColorRole.Highlight, QColor(230, 97, 1)),
                             (QPalette.ColorRole.HighlightedText, QColor(0, 0, 0))):
            palette.setColor(role, colour)
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(6.0, base_point_size * theme.font_scale))
    app.setFont(font)
    pg.setConfigOptions(background=QColor(*theme.background), foreground=QColor(*theme.foreground))
