"""Changing a lesson's rows: edited points, the Data menu's point clouds, a loaded MNIST.

Each builds the new rows first and then opens them as a new workspace state (model kept,
history cleared), so every view, the evaluation included, follows from one event.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Slot

from nnsim.app.messages import warn
from nnsim.core.datasets import CLOUD_NAMES
from nnsim.core.errors import DatasetError
from nnsim.core.lessons import LessonData
from nnsim.ui.guard import guarded
from nnsim.workspace import WorkspaceState
from nnsim.workspace.opening import with_data

if TYPE_CHECKING:
    from nnsim.app.controller import AppController



class DataLink(QObject):
    """Replacing the current lesson's data while keeping its network."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        w = controller.window
        w.boundary.points_edited.connect(self.replace_points)
        w.cloud_actions.triggered.connect(lambda action: self.set_cloud(name=action.data()))
        w.noise_actions.triggered.connect(lambda action: self.set_cloud(noise=action.data()))
        w.action_resample.triggered.connect(lambda: self.set_cloud(resample=True))
        controller.workspace.opened.connect(self._sync_data_menu)

    @Slot(object, object)
    def replace_points(self, X: np.ndarray, y: np.ndarray) -> None:
        """The user added, moved or removed points on the boundary plot."""
        state = self.controller.workspace.state
        if state is None or len(X) == 0:
            return
        X, y = np.asarray(X, float), np.asarray(y, int)
        self.replace_data(dataclasses.replace(state.data, X_train=X, y_train=y, X_test=X,
                                              y_test=y, held_out=False))

    def set_cloud(self, name: str | None = None, noise: float | None = None,
                  resample: bool = False) -> None:
        """Data menu: another 2-D point cloud, noise level or sample for a 2-D lesson."""
        state = self.controller.workspace.state
        if state is None or state.lesson.dataset not in CLOUD_NAMES:
            return
        from nnsim.core.datasets import load_dataset, train_test_split

        options = dict(state.cloud_options)
        options["name"] = name or options["name"]
        if noise is not None:
            options["noise"] = float(noise)
        if resample:
            options["seed"] = int(options.get("seed", 0)) + 1
        loader_options = {k: v for k, v in options.items() if k != "name"}
        try:
            dataset = load_dataset(options["name"], **loader_options)
            X_train, X_test, y_train, y_test = train_test_split(
                dataset, test_size=state.lesson.test_size or 0.25, seed=state.settings.seed)
        except (DatasetError, ValueError) as error:
            warn(self.controller.window, "Cannot make these points", str(error))
            return
        self.replace_data(LessonData(X_train, y_train, X_test, y_test, dataset.n_classes, None,
                                     dataset.feature_names, True), cloud_options=options)

    def replace_data(self, data: LessonData, **changes: object) -> bool:
        """New rows for the current lesson (e.g. the full MNIST); the model is kept."""
        state = self.controller.workspace.state
        if state is None:
            return False
        try:
            new_state = with_data(state, data, **changes)
        except DatasetError as error:
            warn(self.controller.window, "Cannot use these rows", str(error))
            return False
        self.controller.open_state(new_state)
        return True

    @guarded()
    def _sync_data_menu(self, state: WorkspaceState) -> None:
        w = self.controller.window
        enabled = state.lesson.dataset in CLOUD_NAMES
        w.data_menu.setEnabled(enabled)
        if not enabled:
            return
        for action in w.cloud_actions.actions():
            action.setChecked(action.data() == state.cloud_options.get("name"))
        for action in w.noise_actions.actions():
            action.setChecked(abs(action.data() - state.cloud_options.get("noise", -1)) < 1e-9)
