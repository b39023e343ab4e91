"""File > Open dataset: read the full MNIST from IDX files off the GUI thread, with progress.

The rows are held out exactly as ``nnsim run mnist-keras --data DIR`` holds them out (the
lesson's own split: the lecture's 75/25 of all 70,000 images), also in the reader's thread.
Every problem (a missing file, a wrong magic number, a truncated file, labels out of range) is
shown as it is, and the data already loaded stays.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from nnsim.app.controller import AppController
from nnsim.app.messages import warn
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.lessons import Lesson, LessonData, load_lesson
from nnsim.training.worker import back_to_gui_thread

MNIST_LESSON = "mnist-keras"


class _IdxReader(QObject):
    """Reads one folder in a worker thread."""

    loaded = Signal(object)
    """The rows were read, checked and split; carries the LessonData."""
    failed = Signal(str)
    """Reading failed; carries the message."""

    def __init__(self, folder: Path, lesson: Lesson) -> None:
        super().__init__()
        self.folder = folder
        self.lesson = lesson

    @Slot()
    def run(self) -> None:
        try:
            self.loaded.emit(self.lesson.load_data(path=self.folder))
        except (DatasetError, LessonError, OSError, MemoryError) as error:
            self.failed.emit(str(error) or "not enough memory to hold the images")
        finally:
            back_to_gui_thread(self)  # never destroyed in the reader's thread (a deadlock)


class MnistLoader(QObject):
    """Keeps the thread and dialog alive while a folder loads."""

    def __init__(self, controller: AppController, folder: Path) -> None:
        super().__init__(controller)
        self.controller = controller
        self.cancelled = False
        self.progress = QProgressDialog(f"Reading MNIST from {folder}…", "Cancel", 0, 0,
                                        controller.window)
        self.progress.canceled.connect(self._on_canceled)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.thread = QThread(self)
        self.reader = _IdxReader(folder, mnist_lesson(controller))
        self.reader.moveToThread(self.thread)
        self.thread.started.connect(self.reader.run)
        self.reader.loaded.connect(self._on_loaded)
        self.reader.failed.connect(self._on_failed)
        self.reader.loaded.connect(self.thread.quit)
        self.reader.failed.connect(self.thread.quit)
        controller.window.close_hooks.append(self.shutdown)
        self.thread.start()
        self.progress.show()

    @Slot()
    def _on_canceled(self) -> None:
        """Cancel: the read may finish in the background, its rows are then dropped."""
        self.cancelled = True
        self.controller.window.statusBar().showMessage("Reading MNIST cancelled", 5000)

    def _close_progress(self) -> None:
        self.progress.canceled.disconnect(self._on_canceled)  # closing emits canceled too
        self.progress.close()

    def shutdown(self) -> None:
        """The window is closing: let a read in progress end first (never destroy a running
        thread, which aborts the process)."""
        self.cancelled = True
        self.thread.quit()
        self.thread.wait(5000)

    @Slot(object)
    def _on_loaded(self, data: LessonData) -> None:
        self._close_progress()
        if self.cancelled:
            return
        controller = self.controller
        if controller.lesson is None or controller.lesson.dataset != "mnist":
            if not controller.load_lesson_safely(MNIST_LESSON):
                return
        if not controller.datasets.replace_data(data):
            return
        controller.window.statusBar().showMessage(loaded_message(data), 10000)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._close_progress()
        if self.cancelled:
            return
        warn(self.controller.window, "Cannot read the dataset",
             f"{message}\n\nThe data already loaded is unchanged.")


def mnist_lesson(controller: AppController) -> Lesson:
    """The lesson whose split the new rows get: the open one if it is about MNIST."""
    lesson = controller.lesson
    return lesson if lesson is not None and lesson.dataset == "mnist" else \
        load_lesson(MNIST_LESSON)


def loaded_message(data: LessonData) -> str:
    total = len(data.y_train) + len(data.y_test)
    return (f"MNIST loaded: {total:,} images, {len(data.y_train):,} for training and "
            f"{len(data.y_test):,} held out for validation")


def open_mnist_folder(controller: AppController, folder: str | None = None) -> MnistLoader | None:
    """Ask for a folder with the four MNIST IDX files and load it in the background."""
    if folder is None:
        folder = QFileDialog.getExistingDirectory(
            controller.window, "Folder with the MNIST IDX files",
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    if not folder:
        return None
    return MnistLoader(controller, Path(folder))
