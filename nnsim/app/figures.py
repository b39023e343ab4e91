"""Edit > Copy figure (Ctrl+Shift+C): the panel under the mouse, or the focused one, as a
picture on the clipboard, twice its on-screen size, ready to paste into a slide."""

from __future__ import annotations

from PySide6.QtGui import QCursor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from nnsim.app.main_window import MainWindow
from nnsim.app.messages import warn
from nnsim.ui.figure_export import FigureExportError, render_image


def panel_under(window: MainWindow, widget: QWidget | None) -> tuple[str, QWidget] | None:
    """(name, view) of the panel ``widget`` is part of; None for the menus, toolbar and
    status bar."""
    while widget is not None:
        if widget is window.canvas:
            return "network", window.canvas
        if isinstance(widget, QDockWidget):
            for key, dock in window.docks.items():
                if dock is widget and dock.widget() is not None:
                    return key, dock.widget()
        widget = widget.parentWidget()
    return None


def copy_figure(window: MainWindow) -> QImage | None:
    """Put the panel under the mouse (else the focused one) on the clipboard as a picture."""
    under = QApplication.widgetAt(QCursor.pos())
    found = panel_under(window, under) if under is not None and under.window() is window \
        else None
    name, view = found or panel_under(window, QApplication.focusWidget()) or (
        "network", window.canvas)
    try:
        image = render_image(view)
    except FigureExportError as error:
        warn(window, "Cannot copy the figure", str(error))
        return None
    QGuiApplication.clipboard().setImage(image)
    window.statusBar().showMessage(f"Copied the {name.replace('_', ' ')} panel as a "
                                   f"{image.width()}x{image.height()} picture", 5000)
    return image
