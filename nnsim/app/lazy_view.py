"""A dock's stand-in for a view that is dear to build: the view is made when first needed.

The window has a dozen panels and a lesson shows a few; building the activation gallery alone
took 0.14 s of a 1.0 s start. ``LazyView`` holds the place in its dock and builds the real view
the first time the dock is shown or code asks for it, passing on the theme it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnsim.ui.guard import guarded
from nnsim.ui.palette import Theme

View = TypeVar("View", bound=QWidget)


class LazyView(QWidget, Generic[View]):
    """Builds ``factory()`` into itself on first show or first ``view`` access."""

    def __init__(self, factory: Callable[[], View], on_built: Callable[[QWidget], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory, self._on_built = factory, on_built
        self._view: View | None = None
        self._theme: Theme | None = None
        self._pending: dict[str, Callable[[View], object]] = {}
        # Views keep the font size they were made with as the base their theme scales; made
        # later, under a scaled theme, they would scale it twice. This is the size at start.
        self._base_point_size = self.font().pointSizeF()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def is_built(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> View:
        """The real view, built now if it wasn't yet."""
        if self._view is None:
            view = self._factory()
            self._view = view
            if hasattr(view, "_base_point_size"):
                view._base_point_size = self._base_point_size
            self.layout().addWidget(view)
            if self._theme is not None and hasattr(view, "set_theme"):
                view.set_theme(self._theme)
            self._on_built(view)
            pending, self._pending = self._pending, {}
            for call in pending.values():
                call(view)
        return self._view

    def when_built(self, key: str, call: Callable[[View], object]) -> None:
        """``call(view)`` now if the view exists, else once it is built. A later call under
        the same ``key`` replaces a waiting one (only the newest points or message count)."""
        if self._view is not None:
            call(self._view)
        else:
            self._pending.pop(key, None)
            self._pending[key] = call

    def set_theme(self, theme: Theme) -> None:
        """Remembered until the view exists, then passed on."""
        self._theme = theme
        if self._view is not None and hasattr(self._view, "set_theme"):
            self._view.set_theme(theme)

    @guarded()
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._view is None:
            # Built just after, not inside the show: a dock shown by QMainWindow.restoreState
            # must not change the layout Qt is still restoring (it crashed the process when
            # leaving projector mode on a lesson whose inspector tab had never been shown).
            QTimer.singleShot(0, self, self._build_if_shown)

    def _build_if_shown(self) -> None:
        if self._view is None and self.isVisible():
            self.view  # noqa: B018 - built on first show
