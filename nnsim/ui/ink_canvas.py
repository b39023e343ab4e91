"""InkCanvas: a square surface to draw a digit on with the mouse or a pen, ink kept in NumPy.

Each mouse move inks one round-ended segment with ``preprocess.draw_segment``, so the array the
models read is exactly the ink on screen. Strokes are kept with their brush, so the last one can
be undone by drawing the others again.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QKeySequence, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnsim.core import preprocess
from nnsim.ui.guard import guarded
from nnsim.ui.palette import LIGHT, Theme

CANVAS_SIZE = 192  # ink pixels; the widget scales them to its size


def grey_image(values: np.ndarray, theme: Theme) -> QImage:
    """values in [0, 1] blended from the theme's background (0) to its foreground (1)."""
    ink = np.clip(values, 0.0, 1.0)[..., None]
    rgb = np.asarray(theme.background) * (1 - ink) + np.asarray(theme.foreground) * ink
    data = np.ascontiguousarray(np.dstack([rgb, np.full(ink.shape, 255.0)]).astype(np.uint8))
    image = QImage(data.data, data.shape[1], data.shape[0], 4 * data.shape[1],
                   QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: ``data`` dies here


class InkCanvas(QWidget):
    """The square drawing surface: left button or pen draws, right button clears."""

    ink_changed = Signal()
    """Ink was added, undone or cleared."""
    clear_requested = Signal()
    """The user right-clicked or pressed Esc to clear the pad."""
    undo_requested = Signal()
    """The user pressed Ctrl+Z (the platform's Undo keys) with strokes to undo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ink = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
        self.strokes: list[tuple[list[tuple[float, float]], float]] = []
        self.radius = 9.0
        self.theme = LIGHT
        self._drawing = False
        self._image = grey_image(self.ink, self.theme)
        self.setMinimumSize(150, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Draw with the mouse or a pen. Right click or Esc clears; "
                        "Ctrl+Z undoes the last stroke.")

    def _square(self) -> QRectF:
        side = min(self.width(), self.height()) - 2
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_ink(self, position: QPointF) -> tuple[float, float]:
        square = self._square()
        scale = CANVAS_SIZE / square.width()
        return ((position.y() - square.top()) * scale, (position.x() - square.left()) * scale)

    def _ink_point(self, point: tuple[float, float]) -> None:
        stroke = self.strokes[-1][0]
        preprocess.draw_segment(self.ink, stroke[-1], point, self.radius)
        stroke.append(point)
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the ink array and tell the pad."""
        self._image = grey_image(self.ink, self.theme)
        self.update()
        self.ink_changed.emit()

    def redraw_strokes(self) -> None:
        """Ink every remaining stroke again (after undo), each with its own brush."""
        self.ink[:] = 0
        for points, radius in self.strokes:
            self.ink = np.maximum(self.ink, preprocess.render_strokes(
                [np.array(points)], self.ink.shape, radius))
        self.refresh()

    def _own_key(self, event: QKeyEvent) -> bool:
        """Esc, and Undo while there are strokes: the pad's keys, not the window's shortcuts."""
        if event.matches(QKeySequence.StandardKey.Undo):
            return bool(self.strokes)
        return event.key() == Qt.Key.Key_Escape

    def event(self, event: QEvent) -> bool:
        # Taking the shortcut override keeps Edit > Undo (also Ctrl+Z) from firing instead.
        if event.type() == QEvent.Type.ShortcutOverride and self._own_key(event):
            event.accept()
            return True
        return super().event(event)

    @guarded()
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._own_key(event):
            super().keyPressEvent(event)
        elif event.key() == Qt.Key.Key_Escape:
            self.clear_requested.emit()
        else:
            self.undo_requested.emit()

    @guarded()
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton:
            self.clear_requested.emit()
        elif event.button() == Qt.MouseButton.LeftButton:
            self._drawing = True
            point = self._to_ink(event.position())
            self.strokes.append(([point], self.radius))
            self._ink_point(point)

    @guarded()
    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drawing:
            self._ink_point(self._to_ink(event.position()))

    @guarded()
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False

    @guarded()
    def paintEvent(self, event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        square = self._square()
        painter.drawImage(square, self._image)
        painter.setPen(QColor(*self.theme.grid))
        painter.drawRect(square)
        painter.end()


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    canvas = InkCanvas()
    canvas.clear_requested.connect(lambda: (canvas.strokes.clear(), canvas.redraw_strokes()))
    canvas.resize(400, 400)
    canvas.setWindowTitle("InkCanvas: draw; right click clears")
    canvas.show()
    sys.exit(app.exec())
