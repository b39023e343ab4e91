"""File > Export animation…: the open run's timeline as a GIF or MP4, with a progress bar.

Frames are drawn on the GUI thread (Qt draws nowhere else), one at a time between event
rounds, so the window stays responsive and Cancel stops at once and removes the partial file.
Failures are one warning naming the file, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

from nnsim.app.animation_render import panels_for, render_animation
from nnsim.app.messages import warn
from nnsim.core.animation import AnimationError, AnimationRequest, frame_epochs
from nnsim.ui.animation_dialog import AnimationDialog

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

TITLE = "Cannot export the animation"


def default_folder() -> Path:
    """Videos, else Pictures, Documents or home: the first that exists (a fresh Linux
    account often has no ~/Videos, and the suggested file must be writable as it stands)."""
    for location in (QStandardPaths.StandardLocation.MoviesLocation,
                     QStandardPaths.StandardLocation.PicturesLocation,
                     QStandardPaths.StandardLocation.DocumentsLocation,
                     QStandardPaths.StandardLocation.HomeLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.cwd()


def export_animation_dialog(controller: AppController) -> Path | None:
    """Ask for the settings, then export; the file written, or None."""
    state = controller.workspace.state
    if state is None:
        return None
    if controller.workspace.status.is_active:  # the run joins the timeline when it ends
        warn(controller.window, TITLE, f"{state.lesson.title} is training: its run is "
             "recorded when it ends. Stop it (or let it finish), then export the animation.")
        return None
    epochs = state.timeline.epochs
    if len(epochs) < 2:
        warn(controller.window, TITLE, f"{state.lesson.title} has no recorded run yet: train "
             "first (Train, or Step one epoch a few times), then export the animation.")
        return None
    dialog = AnimationDialog(controller.window, panels_for(state), epochs,
                             default_folder() / f"{state.lesson.name}.mp4")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
        return None
    return export_animation(controller, dialog.chosen())


def export_animation(controller: AppController, request: AnimationRequest) -> Path | None:
    """Draw and encode ``request`` with a progress dialog; the file, or None if cancelled or
    failed (a warning says why)."""
    window, state = controller.window, controller.workspace.require()
    try:
        total = len(frame_epochs(state.timeline.epochs, request.first, request.last,
                                 request.max_frames))
    except AnimationError as error:
        warn(window, TITLE, str(error))
        return None
    progress = QProgressDialog(f"Drawing {total} frames of {request.out.name}…", "Cancel",
                               0, total, window)
    progress.setWindowTitle("Export animation")
    progress.setObjectName("nnsim-animation-progress")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setAutoReset(False)

    def advance(done: int, frames: int) -> bool:
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        path = render_animation(state, state.timeline, request, advance)
    except AnimationError as error:
        warn(window, TITLE, str(error))
        return None
    except MemoryError:
        warn(window, TITLE, f"cannot write {request.out}: not enough memory for "
             f"{total} frames of {request.size[0]}x{request.size[1]}; choose fewer or smaller")
        return None
    finally:
        progress.close()
        progress.deleteLater()
    if path is None:
        window.statusBar().showMessage(f"Export of {request.out.name} cancelled", 5000)
        return None
    window.statusBar().showMessage(f"Exported {total} frames to {path}", 10000)
    return path
