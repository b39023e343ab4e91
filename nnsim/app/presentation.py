"""Projector mode, interface scale and theme for the whole window.

F5 goes full screen with the projector theme (larger fonts and strokes, high contrast) and only
the canvas and the lesson's main panel; F5 again restores the layout exactly. Ctrl +/- scales
every font. The light/dark theme follows the system unless the user chose one.

Leaving projector mode puts the normal theme back *before* the dock layout: docks restored
under the projector's large fonts kept its minimum widths (the lessons dock came back 430 px
wide instead of 300, the canvas shrank). A window manager leaves full screen after
``showNormal`` returns, and Qt recomputes minimum sizes for the new fonts later still (a
1280x800 window came back 830 px high), so size and layout are restored again as the window
settles.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication

from nnsim.app.main_window import LAYOUT_VERSION, MainWindow
from nnsim.app.theme import apply_theme, resolve_theme
from nnsim.ui.guard import guarded
from nnsim.ui.palette import Theme

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.7, 2.5, 1.15
SETTLE_MS = 1500   # how long after F5 the window's size may still change (window manager)
#: Screen heights from which projector mode stacks the main panel and the digit pad; below it
#: they share the space as tabs.
STACK_TWO_PANELS_FROM = 1400


class _ResizeWatch(QObject):
    """Calls ``on_resize`` for the window's resize events while ``armed`` (after F5)."""

    def __init__(self, window: MainWindow, on_resize: Callable[[], None]) -> None:
        super().__init__(window)
        self.armed, self._on_resize = False, on_resize
        self._disarm = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._disarm.timeout.connect(lambda: setattr(self, "armed", False))
        window.installEventFilter(self)

    def arm(self) -> None:
        """Watch the next SETTLE_MS."""
        self.armed = True
        self._disarm.start()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self.armed and event.type() == QEvent.Type.Resize:
            self._on_resize()
        return False


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
        self._restore_panels = False
        self._normal_size: QSize | None = None
        self._settling = False   # just left projector mode: the window may still change
        self._restoring = False  # inside _restore_layout
        self._was_maximized = False
        self._watch = _ResizeWatch(window, self._on_window_resized)
        window.action_projector.toggled.connect(self.set_projector)
        window.action_zoom_in.triggered.connect(lambda: self.set_scale(self.scale * SCALE_STEP))
        window.action_zoom_out.triggered.connect(lambda: self.set_scale(self.scale / SCALE_STEP))
        window.action_zoom_reset.triggered.connect(lambda: self.set_scale(1.0))
        self.apply()

    @property
    def theme(self) -> Theme:
        """The look in force: the user's choice, projector mode and scale resolved."""
        return resolve_theme(self.choice, self.projector, self.scale)

    def apply(self) -> None:
        """Push the current theme to Qt and to every view."""
        theme = self.theme
        apply_theme(self.app, theme, self.base_point_size)
        self.window.canvas.set_theme(theme)
        self.window.feature_maps.set_theme(theme)
        self.window.types_page.set_theme(theme)
        self.window.unrolled.set_theme(theme)
        self.window.seq2seq.set_theme(theme)
        for view in self.window.views.values():
            set_theme = getattr(view, "set_theme", None)
            if set_theme is not None:
                set_theme(theme)
        self.window.status.set_theme(theme)

    def set_choice(self, choice: str) -> None:
        """"system", "light" or "dark", remembered in the settings."""
        self.choice = choice
        self.settings.setValue("view/theme", choice)
        self.apply()

    def set_scale(self, scale: float) -> None:
        """Every font times ``scale`` (clamped), remembered in the settings."""
        self.scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.settings.setValue("view/scale", self.scale)
        self.apply()

    def _projected(self, key: str) -> bool:
        """Shown in projector mode: the lesson's main panel, and its digit pad if it has one
        (the class watches what is drawn on it)."""
        return key == self.main_panel or (key == "digits" and key in self.lesson_panels)

    def _widen_main_panel(self) -> None:
        dock = self.window.docks.get(self.main_panel or "")
        if self.projector and dock is not None and dock.isVisible():
            pad = self.window.docks.get("digits")
            screen = self.window.screen()  # full screen: the window grows to it (maybe later)
            if pad is not None and pad is not dock and pad.isVisible() and screen is not None \
                    and screen.geometry().height() < STACK_TWO_PANELS_FROM:
                # Two panels one above the other leave each too short to read on a small
                # projector (MNIST's curves were a sliver under the pad): tabs, the pad in
                # front (the class watches what is drawn on it).
                self.window.tabifyDockWidget(dock, pad)
                pad.raise_()
            self.window.resizeDocks([dock], [int(self.window.width() * 0.45)],
                                    Qt.Orientation.Horizontal)
            self.window.canvas.fit_to_window()

    def lesson_opened(self, panels: tuple[str, ...], main_panel: str | None) -> None:
        """A lesson was loaded (it showed its panels): while projecting, only its main panel
        stays beside the canvas, widened as on entering projector mode."""
        self.lesson_panels, self.main_panel = panels, main_panel
        self._settling = False  # its panels, not the layout from before projector mode
        if not self.projector:
            return
        self._lesson_changed = True
        for key, dock in self.window.docks.items():
            dock.setVisible(self._projected(key))
        if main_panel in self.window.docks:
            self.window.docks[main_panel].raise_()
            QTimer.singleShot(50, self.window, self._widen_main_panel)

    def set_projector(self, on: bool) -> None:
        """Enter or leave projector mode."""
        if on == self.projector:
            return
        window = self.window
        self.projector = on
        if on:
            self._saved_state = window.saveState(LAYOUT_VERSION)
            self._normal_size, self._settling = window.size(), False
            self._was_maximized = window.isMaximized()
            self._lesson_changed = False
            for key, dock in window.docks.items():
                dock.setVisible(self._projected(key))
            window.showFullScreen()
            # The theme after: its larger minimum sizes would grow the window, and Qt would
            # remember that size as the one to go back to.
            self.apply()
            if self.main_panel in window.docks:
                window.docks[self.main_panel].raise_()
                # The lesson's main panel shares the screen with the canvas, not a sliver of it.
                QTimer.singleShot(50, self.window, self._widen_main_panel)
        else:
            self.apply()  # first: see the module docstring
            window.showNormal()  # Qt keeps the geometry the window had before full screen
            if self._was_maximized:
                window.showMaximized()
            self._restore_panels, self._lesson_changed = self._lesson_changed, False
            self._settling = True
            self._restore_layout()
            for delay in (100, 400, 1000):   # after the window manager and Qt's layouts
                QTimer.singleShot(delay, window, self._restore_layout)
            QTimer.singleShot(SETTLE_MS, window, lambda: setattr(self, "_settling", False))
        self._watch.arm()
        if window.action_projector.isChecked() != on:
            window.action_projector.setChecked(on)
        window.canvas.fit_to_window()

    def _restore_layout(self) -> None:
        """The window's size and the docks as they were before projector mode (or the
        lesson's docks, if it changed). Never re-entered: restoreState resizes the window,
        and a restoreState inside another one crashed Qt (segmentation fault)."""
        window = self.window
        if self.projector or not self._settling or window.isFullScreen() or self._restoring:
            return
        self._restoring = True
        try:
            self._restore_now(window)
        finally:
            self._restoring = False

    def _restore_now(self, window: MainWindow) -> None:
        screen = window.screen()
        # Minimum sizes still laid out for the projector's fonts grow the window on its way
        # back (800 px high came back 830); the window manager may not have left full screen.
        if self._normal_size is not None and not (self._was_maximized or window.isMaximized()) \
                and screen is not None and window.geometry() != screen.geometry() \
                and window.size() != self._normal_size:
            window.resize(self._normal_size)
        if self._saved_state is not None:
            window.restoreState(self._saved_state, LAYOUT_VERSION)
        if self._restore_panels:  # the saved layout showed another lesson's panels
            window.show_panels(self.lesson_panels)
        window.canvas.fit_to_window()

    def _on_window_resized(self) -> None:
        """The window manager gave the window its new size: lay the docks out for it, just
        after the resize event (never inside it: restoring docks resizes the window)."""
        if self.projector:
            if self.window.isFullScreen():
                QTimer.singleShot(0, self.window, self._widen_main_panel)
        elif not self._restoring:
            QTimer.singleShot(0, self.window, self._restore_layout)
