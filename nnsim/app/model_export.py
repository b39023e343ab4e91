"""File > Export model: the open network as a NumPy, Keras or PyTorch script (core/export.py).

The dialog's file type picks the framework. The weights are those on screen: the last frame's
while a run goes on, so an export never waits for training to stop.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from nnsim.app.messages import warn
from nnsim.core.export import ExportError, Training, export_network
from nnsim.core.network import Network
from nnsim.workspace.state import model_with_weights

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

FILTERS = {"NumPy script (*.py)": "numpy", "Keras 3 script (*.py)": "keras",
           "PyTorch script (*.py)": "pytorch"}


def export_model_dialog(controller: AppController) -> list[Path]:
    """Ask where and for which framework, then export; the files written."""
    state = controller.workspace.state
    if state is None:
        return []
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = str(Path(folder) / f"{state.lesson.name.replace('-', '_')}.py")
    path, chosen = QFileDialog.getSaveFileName(controller.window, "Export model", suggested,
                                               ";;".join(FILTERS))
    if not path:
        return []
    return export_model(controller, Path(path), FILTERS.get(chosen, "numpy"))


def export_model(controller: AppController, path: Path, to: str) -> list[Path]:
    """Write the open network's script and weights; a warning naming the file on failure."""
    state = controller.workspace.require()
    model = state.model
    snapshot = controller.last_snapshot
    if controller.is_training and snapshot is not None and controller.workspace.belongs(snapshot):
        model = model_with_weights(model, snapshot.weights)
    if not isinstance(model, Network):
        warn(controller.window, "Cannot export the model",
             "A perceptron learns by the delta rule, which no framework trains: export a "
             "network lesson (e.g. backprop-xor).")
        return []
    data, settings = state.data, state.settings
    training = Training(loss=state.lesson.loss, learning_rate=settings.learning_rate,
                        momentum=state.optimizer.momentum, epochs=settings.epochs or 1,
                        batch_size=settings.batch_size)
    try:
        written = export_network(model, data.X_train,
                                 model.as_targets(data.y_train, len(data.X_train)), training,
                                 to, path, title=f"{state.lesson.title} ({state.lesson.name})")
    except ExportError as error:
        warn(controller.window, "Cannot export the model", str(error))
        return []
    controller.window.statusBar().showMessage(
        f"Exported {written[0].name} and {written[1].name}: run python {written[0].name}", 10000)
    return written
