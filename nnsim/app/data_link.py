"""Changing a lesson's rows: edited points, the Data menu's point clouds, a loaded MNIST.

A part of ``AppController`` (a mixin).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import Slot

from nnsim.app.messages import warn
from nnsim.core.errors import DatasetError
from nnsim.core.history import History
from nnsim.core.lessons import LessonData

CLOUDS = ("moons", "circles", "gaussian", "spiral")


class DataLink:
    """Replacing the current lesson's data while keeping its network."""

    @Slot(object, object)
    def replace_points(self, X: np.ndarray, y: np.ndarray) -> None:
        """The user added, moved or removed points on the boundary plot."""
        if self.data is None or len(X) == 0:
            return
        self.stop_training()
        self.data = dataclasses.replace(self.data, X_train=np.asarray(X, float),
                                        y_train=np.asarray(y, int), X_test=np.asarray(X, float),
                                        y_test=np.asarray(y, int), held_out=False)
        self.probe_index = min(self.probe_index, len(X) - 1)
        self.show_still()


    def set_cloud(self, name: str | None = None, noise: float | None = None,
                  resample: bool = False) -> None:
        """Data menu: another 2-D point cloud, noise level or sample for a 2-D lesson."""
        if self.lesson is None or self.lesson.dataset not in CLOUDS or self.data is None:
            return
        from nnsim.core.datasets import load_dataset, train_test_split

        options = dict(self.cloud_options)
        options["name"] = name or options["name"]
        if noise is not None:
            options["noise"] = float(noise)
        if resample:
            options["seed"] = int(options.get("seed", 0)) + 1
        loader_options = {k: v for k, v in options.items() if k != "name"}
        try:
            dataset = load_dataset(options["name"], **loader_options)
            X_train, X_test, y_train, y_test = train_test_split(
                dataset, test_size=self.lesson.test_size or 0.25, seed=self.seed)
        except (DatasetError, ValueError) as error:
            warn(self.window, "Cannot make these points", str(error))
            return
        self.cloud_options = options
        self.replace_data(LessonData(X_train, y_train, X_test, y_test, dataset.n_classes, None,
                                     dataset.feature_names, True))
        self._sync_data_menu()

    def _sync_data_menu(self) -> None:
        w = self.window
        enabled = self.lesson is not None and self.lesson.dataset in CLOUDS
        w.data_menu.setEnabled(enabled)
        if not enabled:
            return
        for action in w.cloud_actions.actions():
            action.setChecked(action.data() == self.cloud_options.get("name"))
        for action in w.noise_actions.actions():
            action.setChecked(abs(action.data() - self.cloud_options.get("noise", -1)) < 1e-9)

    def replace_data(self, data: LessonData) -> None:
        """New rows for the current lesson (e.g. the full MNIST); the model is kept."""
        self.stop_training()
        self.data = data
        self.history = History()
        self.probe_index = 0
        self._configure_views()
