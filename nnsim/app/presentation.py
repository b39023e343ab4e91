"""Projector mode, interface scale and theme for the whole window.

F5 goes full screen with the projector theme (larger fonts and strokes, high contrast) and only
the canvas and the lesson's main panel; F5 again restores the layout exactly. Ctrl +/- scales
every font. The light/dark theme follows the system unless the user chose one.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from nnsim.app.main_window import LAYOUT_VERSION, MainWindow
from nnsim.app.theme import apply_theme, resolve_theme
from nnsim.ui.palette import Theme

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.7, 2.5, 1.15


class Presentation:
    """Owns theme choice, scale and projector mode for one window."""

    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        self.window, self.settings = window, settings
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        self.base_point_size = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 10.0
        self.choice = str(settings.value("view/theme", "system"))
        self.scale = float(settings.value("view/scale", 1.0))
        self.projector = False
        self.main_panel: str | None = None
        self.lesson_panels: tuple[str, ...] = ()
        self._lesson_changed = False  # a lesson was opened while projecting
        self._saved_state: QByteArray | None = None
        self._was_maximized = False
        window.action_projector.toggled.connect(self.set_projector)
        window.action_zoom_in.triggered.connect(lambda: self.set_scale(self.scale * SCALE_STEP))
        window.action_zoom_out.triggered.connect(lambda: self.set_scale(self.scale / SCALE_STEP))
        window.action_zoom_reset.triggered.connect(lambda: self.set_scale(1.0))
        self.apply()

    @property
    def theme(self) -> Theme:
        return resolve_theme(self.choice, self.projector, self.scale)

    def apply(self) -> None:
        """Push the current theme to Qt and to every view."""
        theme = self.theme
        apply_theme(self.app, theme, self.base_point_size)
        self.window.canvas.set_theme(theme)
        for view in self.window.views.values():
            set_theme = getattr(view, "set_theme", None)
            if set_theme is not None:
                set_theme(theme)
        self.window.status.set_theme(theme)

    def set_choice(self, choice: str) -> None:
        self.choice = choice
        self.settings.setValue("view/theme", choice)
        self.apply()

    def set_scale(self, scale: float) -> None:
        self.scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.settings.setValue("view/scale", self.scale)
        self.apply()

    def _widen_main_panel(self) -> None:
        dock = self.window.docks.get(self.main_panel or "")
        if self.projector and dock is not None and dock.isVisible():
            self.window.resizeDocks([dock], [int(self.window.width() * 0.45)],
                                    Qt.Orientation.Horizontal)
            self.window.canvas.fit_to_window()

    def lesson_opened(self, panels: tuple[str, ...], main_panel: str | None) -> None:
        """A lesson was loaded (it showed its panels): while projecting, only its main panel
        stays beside the canvas, widened as on entering projector mode."""
        self.lesson_panels, self.main_panel = panels, main_panel
        if not self.projector:
            return
        self._lesson_changed = True
        for key, dock in self.window.docks.items():
            dock.setVisible(key == main_panel)
        if main_panel in self.window.docks:
            self.window.docks[main_panel].raise_()
            QTimer.singleShot(50, self._widen_main_panel)

    def set_projector(self, on: bool) -> None:
        """Enter or leave projector mode."""
        if on == self.projector:
            return
        window = self.window
        if on:
            self._saved_state = window.saveState(LAYOUT_VERSION)
            self._was_maximized = window.isMaximized()
            for key, dock in window.docks.items():
                dock.setVisible(key == self.main_panel)
            window.showFullScreen()
            if self.main_panel in window.docks:
                window.docks[self.main_panel].raise_()
                # The lesson's main panel shares the screen with the canvas, not a sliver of it.
                QTimer.singleShot(50, self._widen_main_panel)
        else:
            window.showNormal()
            if self._was_maximized:
                window.showMaximized()
            if self._saved_state is not None:
                window.restoreState(self._saved_state, LAYOUT_VERSION)
            if self._lesson_changed:  # the saved layout showed another lesson's panels
                window.show_panels(self.lesson_panels)
        self._lesson_changed = False
        self.projector = on
        if window.action_projector.isChecked() != on:
            window.action_projector.setChecked(on)
        self.apply()
        window.canvas.fit_to_window()
