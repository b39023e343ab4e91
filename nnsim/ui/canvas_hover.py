"""The canvas's hover text: a neuron's formula or an edge's weight, next to the cursor.

A plain label over the view (not a tooltip: tooltips wait, flicker and take the theme of the
desktop, not the projector's), kept inside the view whichever corner the cursor is in.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from nnsim.ui.palette import Theme


class HoverText(QLabel):
    """Monospaced text in a box, transparent for the mouse, placed beside a point."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_near(self, text: str, at: QPoint) -> None:
        """Show ``text`` below right of ``at`` (parent coordinates), flipped where it would
        leave the parent."""
        self.setWordWrap(False)
        self.setText(text)
        self.adjustSize()
        area = self.parentWidget()
        if self.width() > area.width():  # a long formula on a narrow canvas: wrap, never cut
            self.setWordWrap(True)
            self.resize(area.width(), self.heightForWidth(area.width()))
        x, y = at.x() + 16, at.y() + 16
        if x + self.width() > area.width():
            x = max(0, at.x() - self.width() - 8)
        if y + self.height() > area.height():
            y = max(0, at.y() - self.height() - 8)
        self.move(x, y)
        self.show()
        self.raise_()

    def set_theme(self, theme: Theme) -> None:
        """The theme's colours and a font at its scale."""
        fg, bg = theme.foreground, theme.background
        self.setStyleSheet(
            f"QLabel {{ background: rgba({bg[0]},{bg[1]},{bg[2]},235); color: rgb{fg};"
            f" border: 1px solid rgb{theme.grid}; padding: 4px;"
            f" font-size: {round(10 * theme.font_scale)}pt; font-family: monospace; }}")
