"""The boundary plot's points: drawn, clicked, edited with the mouse, imported and exported.

``PointsEditor`` draws the points (class by colour and marker shape, test points hollow) on a
``PointsViewBox``, which offers it clicks and drags in data coordinates before pyqtgraph pans or
opens its menu. ``PointsToolbar`` holds the "Edit points" switch and the CSV dialogs; a bad file
shows a message box and changes nothing (``points_imported`` only follows a complete read).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from nnsim.core.errors import DatasetError
from nnsim.core.points import check_points, nearest_point, read_points_csv, write_points_csv
from nnsim.ui.guard import guarded
from nnsim.ui.palette import CLASS_COLOURS, CLASS_SYMBOLS, LIGHT, Theme

Array = np.ndarray
CSV_FILTER = "CSV files (*.csv);;All files (*)"
EDIT_HINT = "left click: class 1 · right click: class 0 · drag: move · Delete: remove"



def _documents() -> str:
    """Where file dialogs start: the user's documents folder on every platform."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

class PointsViewBox(pg.ViewBox):
    """A ViewBox that lets the plot take a click or a drag before it pans or opens its menu.

    ``on_click(position, button) -> bool`` and ``on_drag_start(position) -> bool`` return True
    when they took the event; ``on_drag(position, finished)`` then follows the drag.
    """

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.on_click: Callable[[QPointF, Qt.MouseButton], bool] = lambda position, button: False
        self.on_drag_start: Callable[[QPointF], bool] = lambda position: False
        self.on_drag: Callable[[QPointF, bool], None] = lambda position, finished: None
        self._dragging = False

    @guarded()
    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        if self.on_click(self.mapToView(ev.pos()), ev.button()):
            ev.accept()
            return
        super().mouseClickEvent(ev)

    @guarded()
    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (pyqtgraph's name)
        if ev.button() == Qt.MouseButton.LeftButton:
            if ev.isStart():
                self._dragging = self.on_drag_start(self.mapToView(ev.buttonDownPos()))
            if self._dragging:
                ev.accept()
                self.on_drag(self.mapToView(ev.pos()), ev.isFinish())
                self._dragging = not ev.isFinish()
                return
        super().mouseDragEvent(ev, axis)


class _Markers(pg.ScatterPlotItem):
    """Points that leave clicks to the view box, which hit-tests them in screen pixels."""

    @guarded()
    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        ev.ignore()


class PointsEditor(QObject):
    """The labelled points on a PointsViewBox: drawn, hit by clicks, edited while editable.

    ``key_widget`` is the widget whose Delete and Backspace keys remove the selected point.
    """

    points_edited = Signal(object, object)
    """Points were added, moved, removed or imported: (X (n, 2), y (n,))."""
    point_clicked = Signal(object, object)
    """A point was clicked while not editing: (row (2,), label)."""
    plane_clicked = Signal(object)
    """Empty plane was clicked while not editing: the position as an array (x1, x2)."""

    def __init__(self, view: PointsViewBox, key_widget: QWidget) -> None:
        super().__init__(view)
        self.view, self.key_widget = view, key_widget
        self.X, self.y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
        self.test_mask = np.zeros(0, dtype=bool)
        self.selected: int | None = None
        self.editable = False
        self.markers = {(label, test): _Markers(symbol=CLASS_SYMBOLS[label])
                        for label in (0, 1) for test in (False, True)}
        self.selection = _Markers(symbol="o", brush=None)
        for item in (*self.markers.values(), self.selection):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            # Points rarely move while the heatmap under them changes every frame: Qt blits
            # a cached picture instead of calling pyqtgraph's Python paint (about 1 ms a frame
            # for 300 points, and GIL time the trainer wants).
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            view.addItem(item)
        view.on_click, view.on_drag_start, view.on_drag = self._clicked, self._drag_started, \
            self._dragged
        key_widget.installEventFilter(self)
        self.set_theme(LIGHT)

    def set_points(self, X: Array, y: Array, test_mask: Array | None = None) -> None:
        """Replace the points (checked: rows of 2 finite numbers, labels 0/1); test rows hollow."""
        X, y = check_points(X, y)
        if not np.array_equal(X, self.X):   # the app echoing an edit back keeps the selection
            self.selected = None
        self.X, self.y = X.copy(), y.copy()
        self.test_mask = (np.zeros(len(X), dtype=bool) if test_mask is None
                          else np.asarray(test_mask, dtype=bool).reshape(len(X)).copy())
        self.draw()

    def set_editable(self, on: bool) -> None:
        """Mouse edits points (left: add class 1, right: class 0, drag: move, Delete: remove)."""
        self.editable = bool(on)
        if not self.editable:
            self.selected = None
            self.draw()

    def set_theme(self, theme: Theme) -> None:
        """Marker outlines and sizes for the theme; class colours stay the same everywhere."""
        foreground = pg.mkColor(theme.foreground)
        size = 10 + 4 * (theme.stroke_scale - 1)
        for (label, test), item in self.markers.items():
            colour = CLASS_COLOURS[label]
            if test:
                item.setPen(pg.mkPen(colour, width=2 * theme.stroke_scale))
                item.setBrush(pg.mkBrush(theme.background + (160,)))
            else:
                item.setPen(pg.mkPen(foreground, width=1))
                item.setBrush(pg.mkBrush(colour))
            item.setSize(size + 2 * (label == 1))   # triangles look smaller than circles
        self.selection.setPen(pg.mkPen(foreground, width=2 * theme.stroke_scale))
        self.selection.setSize(size + 10)

    def draw(self) -> None:
        """Put the points and the selection ring on the plane."""
        for (label, test), item in self.markers.items():
            item.setData(pos=self.X[(self.y == label) & (self.test_mask == test)])
        self.selection.setData(pos=[] if self.selected is None else self.X[[self.selected]])

    def hit(self, position: QPointF) -> int | None:
        """The point within a few screen pixels of ``position``, if any."""
        width, height = self.view.viewPixelSize()
        return nearest_point(self.X, (position.x(), position.y()), (width, height))

    def _clicked(self, position: QPointF, button: Qt.MouseButton) -> bool:
        hit = self.hit(position)
        if not self.editable:
            if button != Qt.MouseButton.LeftButton:
                return False                   # pyqtgraph's menu: export, zoom
            if hit is None:
                self.plane_clicked.emit(np.array([position.x(), position.y()]))
            else:
                self.point_clicked.emit(self.X[hit].copy(), int(self.y[hit]))
            return True
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return False
        self.key_widget.setFocus()
        if hit is None:
            self.X = np.vstack([self.X, [[position.x(), position.y()]]])
            self.y = np.append(self.y, 1 if button == Qt.MouseButton.LeftButton else 0)
            self.test_mask = np.append(self.test_mask, False)
            hit = len(self.X) - 1
            self._emit_edit()
        self.selected = hit
        self.draw()
        return True

    def _drag_started(self, position: QPointF) -> bool:
        if not self.editable:
            return False
        self.selected = self.hit(position)
        return self.selected is not None

    def _dragged(self, position: QPointF, finished: bool) -> None:
        self.X[self.selected] = position.x(), position.y()
        self.draw()
        if finished:
            self._emit_edit()

    def delete_selected(self) -> None:
        """Remove the selected point (the Delete key while editing)."""
        if self.selected is None:
            return
        keep = np.arange(len(self.X)) != self.selected
        self.X, self.y, self.test_mask = self.X[keep], self.y[keep], self.test_mask[keep]
        self.selected = None
        self.draw()
        self._emit_edit()

    def import_points(self, X: Array, y: Array) -> None:
        """Replace the points with imported ones and report the edit."""
        self.set_points(X, y)
        self._emit_edit()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (watched is self.key_widget and self.editable
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    def _emit_edit(self) -> None:
        self.points_edited.emit(self.X.copy(), self.y.copy())


class PointsToolbar(QWidget):
    """"Edit points", "Import CSV…" and "Export CSV…" for the points ``current()`` returns."""

    editing_toggled = Signal(bool)
    """The "Edit points" switch was turned on or off."""
    points_imported = Signal(object, object)
    """A CSV file was read completely: (X (n, 2), y (n,))."""

    def __init__(self, current: Callable[[], tuple[Array, Array]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current = current
        self.last_error: str | None = None
        self._error_box: QMessageBox | None = None
        self.edit_button = QPushButton("Edit points")
        self.edit_button.setCheckable(True)
        self.edit_button.setToolTip(EDIT_HINT)
        self.edit_button.toggled.connect(self._toggled)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Read points from a file of lines x1,x2,label")
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the points as lines x1,x2,label")
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.hint = QLabel(EDIT_HINT)
        self.hint.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit_button, self.import_button, self.export_button):
            layout.addWidget(widget)
        layout.addWidget(self.hint, 1)
        layout.addStretch(0)

    def set_editing(self, on: bool) -> None:
        """Show the switch in this state without emitting ``editing_toggled``."""
        self.edit_button.blockSignals(True)
        self.edit_button.setChecked(on)
        self.edit_button.blockSignals(False)
        self.hint.setVisible(on)

    def _toggled(self, on: bool) -> None:
        self.hint.setVisible(on)
        self.editing_toggled.emit(on)

    def import_csv(self, path: str | None = None) -> bool:
        """Read points from ``path`` (asked for when None); False and a message if it failed."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import points", _documents(), CSV_FILTER)
            if not path:
                return False
        try:
            X, y = read_points_csv(path)
        except DatasetError as error:
            self._show_error("Import CSV", f"{error}\n\nThe points were left as they were.")
            return False
        self.points_imported.emit(X, y)
        return True

    def export_csv(self, path: str | None = None) -> bool:
        """Write the current points to ``path`` (asked for when None); False if it failed."""
        X, y = self._current()
        if len(X) == 0:
            self._show_error("Export CSV", "There are no points to export.")
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export points",
                                                  str(Path(_documents()) / "points.csv"),
                                                  CSV_FILTER)
            if not path:
                return False
        try:
            write_points_csv(path, X, y)
        except DatasetError as error:
            self._show_error("Export CSV", str(error))
            return False
        return True

    def _show_error(self, title: str, text: str) -> None:
        # open(), not exec(): the box is modal to the window but never blocks the event loop.
        self.last_error = text
        if self._error_box is None:
            self._error_box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                                          QMessageBox.StandardButton.Ok, self)
        self._error_box.setWindowTitle(title)
        self._error_box.setText(text)
        self._error_box.open()

    @property
    def error_box(self) -> QMessageBox | None:
        """The message box of the last error (for tests and the app's status line)."""
        return self._error_box


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    points = (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    toolbar = PointsToolbar(lambda: points)
    toolbar.points_imported.connect(lambda X, y: print(f"imported {len(X)} points"))
    toolbar.editing_toggled.connect(lambda on: print("editing", on))
    toolbar.show()
    app.exec()
