"""File > Open dataset: read the full MNIST from IDX files off the GUI thread, with progress.

Every problem (a missing file, a wrong magic number, a truncated file, labels out of range) is
shown as it is, and the data already loaded stays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QStandardPaths, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from nnsim.app.controller import AppController
from nnsim.app.messages import warn
from nnsim.core.errors import DatasetError
from nnsim.core.idx import load_idx_folder
from nnsim.core.lessons import LessonData

MNIST_LESSON = "mnist-keras"


class _IdxReader(QObject):
    """Reads one folder in a worker thread."""

    loaded = Signal(object)
    """The four arrays were read and checked."""
    failed = Signal(str)
    """Reading failed; carries the message."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    @Slot()
    def run(self) -> None:
        try:
            self.loaded.emit(load_idx_folder(self.folder))
        except (DatasetError, OSError) as error:
            self.failed.emit(str(error))


def mnist_data(arrays: tuple[np.ndarray, ...]) -> LessonData:
    """IDX arrays as lesson data: pixels scaled to [0, 1], the t10k files held out."""
    X_train, y_train, X_test, y_test = arrays
    return LessonData(X_train=X_train.reshape(len(X_train), -1).astype(np.float32) / 255.0,
                      y_train=y_train.astype(np.int64),
                      X_test=X_test.reshape(len(X_test), -1).astype(np.float32) / 255.0,
                      y_test=y_test.astype(np.int64), n_classes=10, image_shape=(28, 28),
                      feature_names=tuple(f"pixel_{i}" for i in range(784)), held_out=True)


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
        self.reader = _IdxReader(folder)
        self.reader.moveToThread(self.thread)
        self.thread.started.connect(self.reader.run)
        self.reader.loaded.connect(self._on_loaded)
        self.reader.failed.connect(self._on_failed)
        self.reader.loaded.connect(self.thread.quit)
        self.reader.failed.connect(self.thread.quit)
        self.thread.finished.connect(self.reader.deleteLater)
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
    def _on_loaded(self, arrays: tuple[np.ndarray, ...]) -> None:
        self._close_progress()
        if self.cancelled:
            return
        controller = self.controller
        if controller.lesson is None or controller.lesson.dataset != "mnist":
            if not controller.load_lesson_safely(MNIST_LESSON):
                return
        controller.datasets.replace_data(mnist_data(arrays))
        window = controller.window
        window.statusBar().showMessage(
            f"MNIST loaded: {len(arrays[0]):,} training and {len(arrays[2]):,} test images",
            10000)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._close_progress()
        if self.cancelled:
            return
        warn(self.controller.window, "Cannot read the dataset",
             f"{message}\n\nThe data already loaded is unchanged.")


def open_mnist_folder(controller: AppController, folder: str | None = None) -> MnistLoader | None:
    """Ask for a folder with the four MNIST IDX files and load it in the background."""
    if folder is None:
        folder = QFileDialog.getExistingDirectory(
            controller.window, "Folder with the MNIST IDX files",
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    if not folder:
        return None
    return MnistLoader(controller, Path(folder))
