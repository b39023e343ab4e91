"""The assembled application: window, controller, sessions, presentation and menu commands."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from nnsim.app.animation_export import export_animation_dialog
from nnsim.app.controller import AppController
from nnsim.app.dialogs import PreferencesDialog, show_about, show_shortcuts
from nnsim.app.figures import copy_figure
from nnsim.app.lazy_view import LazyView
from nnsim.app.main_window import MainWindow
from nnsim.app.messages import warn
from nnsim.app.model_export import export_model_dialog
from nnsim.app.presentation import Presentation
from nnsim.app.session_io import SessionFiles
from nnsim.core.lessons import list_lessons
from nnsim.ui import guard
from nnsim.ui.figure_export import MAX_WIDTH

DEFAULT_LESSON = "backprop-xor"


class NnsimApp:
    """One nnsim window with everything behind it."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else QSettings()
        self.window = MainWindow(self.settings)
        self.controller = AppController(self.window)
        self.sessions = SessionFiles(self.controller, self.settings)
        self.presentation = Presentation(self.window, self.settings)
        self.controller.budget_share = int(self.settings.value("view/budget", 30)) / 100
        self.controller.watchable = str(self.settings.value("training/watchable", "true")) \
            .lower() != "false"
        w = self.window
        w.lessons.set_lessons(list_lessons())
        w.close_hooks.append(self.shutdown)
        w.action_quit.triggered.connect(w.close)
        w.action_shortcuts.triggered.connect(lambda: show_shortcuts(w))
        w.action_about.triggered.connect(lambda: show_about(w))
        w.action_preferences.triggered.connect(self.edit_preferences)
        w.action_reset_layout.triggered.connect(w.reset_layout)
        w.action_export.triggered.connect(self.export_dialog)
        w.action_export_model.triggered.connect(lambda: export_model_dialog(self.controller))
        w.action_export_animation.triggered.connect(
            lambda: export_animation_dialog(self.controller))
        w.action_copy_figure.triggered.connect(lambda: copy_figure(w))
        w.action_open_lesson.triggered.connect(self.open_lesson_dialog)
        w.action_open_dataset.triggered.connect(self.open_dataset_dialog)
        self.controller.lesson_loaded.connect(self._on_lesson_loaded)
        guard.on_view_error(self._on_view_error)

    def _on_view_error(self, message: str) -> None:
        """A view failed to draw (reported once): say so, the rest of the window works."""
        self.window.statusBar().showMessage(f"A panel could not be drawn: {message}", 15000)

    def start(self, lesson: str | None = None) -> None:
        """Restore the layout and open a lesson (the default one if none is given)."""
        self.window.restore_layout()
        if self.settings.value("window/geometry") is None:
            self.window.resize(1280, 800)
            available = self.window.screen().availableGeometry()
            if available.width() <= 1440 or available.height() <= 900:
                # A laptop or a projector: 1280x800 plus the title bar would not fit.
                self.window.setWindowState(Qt.WindowState.WindowMaximized)
        if not self.controller.load_lesson_safely(lesson or DEFAULT_LESSON):
            self.controller.load_lesson_safely(DEFAULT_LESSON)

    def _on_lesson_loaded(self, name: str) -> None:
        lesson = self.controller.lesson
        panels = [p for p in (lesson.panels if lesson else ()) if p != "canvas"]
        self.presentation.lesson_opened(tuple(lesson.panels) if lesson else (),
                                        panels[0] if panels else None)
        self.window.canvas.fit_to_window()

    def shutdown(self) -> None:
        """Stop every thread and the trainer process quickly (the window is closing)."""
        self.controller.close_trainers()

    # -- menu commands -----------------------------------------------------------------------

    def edit_preferences(self) -> None:
        budget = int(self.settings.value("view/budget", 30))
        dialog = PreferencesDialog(self.window, self.presentation.choice, budget,
                                   self.controller.watchable)
        if dialog.exec():
            self.controller.watchable = dialog.chosen_watchable()
            self.settings.setValue("training/watchable", self.controller.watchable)
            self.settings.setValue("view/budget", dialog.chosen_budget())
            self.controller.set_drawing_budget(dialog.chosen_budget() / 100)
            self.presentation.set_choice(dialog.chosen_theme())

    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, "Export figures to",
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation))
        if not folder:
            return
        width, chosen = QInputDialog.getInt(
            self.window, "Export figures", "PNG width in pixels (the same look at any width; "
            "0 = twice the size on screen):", 0, 0, MAX_WIDTH, 320)
        if chosen:
            self.export_figures(Path(folder), width or None)

    def export_figures(self, folder: Path, width: int | None = None) -> list[Path]:
        """The canvas and every plot with an exporter, as PNG (``width`` pixels wide, or twice
        the size on screen) and SVG."""
        written: list[Path] = []
        targets = {"network": self.window.canvas, **self.window.views}
        try:
            for name, view in targets.items():
                if isinstance(view, LazyView):  # a panel never shown has nothing to export
                    if not view.is_built:
                        continue
                    view = view.view
                for suffix in ("png", "svg"):
                    export = getattr(view, f"export_{suffix}", None)
                    if export is None:
                        continue
                    path = folder / f"nnsim-{name}.{suffix}"
                    if suffix == "png" and width is not None:
                        export(str(path), width=width)
                    else:
                        export(str(path))
                    written.append(path)
        except OSError as error:
            warn(self.window, "Cannot export", f"{error.filename or folder}: "
                 f"{error.strerror or error}")
        if written:
            self.window.statusBar().showMessage(f"Exported {len(written)} files to {folder}",
                                                5000)
        return written

    def open_lesson_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open lesson file",
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation),
            "Lessons (*.toml)")
        if path:
            self.controller.load_lesson_safely(path)

    def open_dataset_dialog(self) -> None:
        from nnsim.app.dataset_loading import open_mnist_folder

        open_mnist_folder(self.controller)
