"""Binds the window's views to the workspace: rebind on open, draw each frame, show figures.

Every view is cleared or rebound in one place, ``_on_opened``, when the workspace swaps its
state: nothing of the previous lesson (axes, an evaluation, a verdict, the pad) survives.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from nnsim.app.main_window import MainWindow
from nnsim.app.seq2seq_link import Seq2SeqLink, encoder_decoder
from nnsim.core.datasets import CLOUD_NAMES
from nnsim.core.drawing import (
    class_names,
    drawn_network,
    drawn_snapshot,
    input_centres,
    plotted_points,
)
from nnsim.core.snapshot import Snapshot
from nnsim.core.tracing import Unrolled, unroll
from nnsim.ui.guard import guarded
from nnsim.workspace import Evaluation, RunStatus, Workspace, WorkspaceState
from nnsim.workspace.state import model_with_weights

CURVES_INTERVAL = 0.5


class FrameViews(QObject):
    """Keeps canvas, plots, table, curves, status and evaluation in step with the workspace."""

    def __init__(self, workspace: Workspace, window: MainWindow, parent: QObject) -> None:
        super().__init__(parent)
        self.workspace, self.window = workspace, window
        self._curves_epochs, self._curves_drawn_at = -1, 0.0
        self.frame_filters: list = []  # callables Snapshot -> Snapshot (the pad's row)
        self.drawn = None  # the open network as the canvas draws it (core/drawing.py)
        self.seq2seq = Seq2SeqLink(workspace, window, self)
        workspace.opened.connect(self._on_opened)
        workspace.frame_ready.connect(self._on_frame)
        workspace.figures_changed.connect(window.status.show_figures)
        workspace.status_changed.connect(self._on_status)
        workspace.evaluation_changed.connect(self._on_evaluation)
        for key, dock in window.docks.items():
            dock.visibilityChanged.connect(lambda visible, key=key: self._on_dock_shown(
                key, visible))

    def visible(self, key: str) -> bool:
        dock = self.window.docks[key]
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    # -- a new state ---------------------------------------------------------------------------

    @guarded()
    def _on_opened(self, state: WorkspaceState) -> None:
        w, lesson, data, network = self.window, state.lesson, state.data, state.network
        settings = state.settings
        # Empty what belonged to the old state before showing the new panels: a stale report
        # in a shown panel would size the window for the old content.
        w.when_built("evaluation", "clear", lambda view: view.clear())
        w.statusBar().clearMessage()
        w.status.clear()
        w.status.show_figures(self.workspace.figures)
        w.controls.set_values(settings.learning_rate, settings.batch_size, settings.epochs,
                              settings.seed)
        w.controls.set_speed(settings.speed)
        w.controls.set_enabled_for(lesson.kind if state.model_source != "editor" else "network")
        w.lessons.set_current(lesson.name)
        w.setWindowTitle(f"nnsim: {lesson.title}")
        w.show_panels(lesson.panels)
        classes = class_names(data, network)
        self.drawn = drawn_network(network)
        if lesson.kind == "overview":
            w.types_page.set_available(w.lessons.names())
            w.show_central(w.types_page)
        elif encoder_decoder(state) is not None:
            self.seq2seq.bind(state)
            w.show_central(w.seq2seq)
        elif any(getattr(layer, "kind", "") == "simple_rnn" for layer in network.layers):
            w.unrolled.set_model(self._unroller(state), network.input_shape[0])
            w.show_central(w.unrolled)
        elif self.drawn is None:  # convolutional: filters and feature maps
            w.feature_maps.set_architecture(network.layers[0].filters, data.image_shape,
                                            classes or [str(i) for i in range(network.n_outputs)])
            w.show_central(w.feature_maps)
        else:
            w.canvas.set_architecture(self.drawn.sizes, self.drawn.activations,
                                      self.drawn.has_bias, image_shape=data.image_shape,
                                      classes=classes)
            w.show_central(w.canvas)
        for key in ("editor", "stepper", "inspector", "truth_table"):  # Dense networks only
            w.docks[key].toggleViewAction().setEnabled(network.dense_only)
        w.curves.clear(settings.epochs)
        self._curves_epochs = -1
        if network.dense_only:
            w.editor.set_architecture(network.sizes[0],
                                      [layer.spec() for layer in network.layers])
        w.boundary.show_message(None)
        w.when_built("comparison", "message", lambda view: view.show_message(None))
        if data.X_train.shape[1] == 2 and network.dense_only:
            self._bind_plane(state)
        elif data.X_train.shape[1] == 2:
            self._bind_points(state)
        if lesson.kind == "activations":
            w.gallery.show_point(None, None)
        w.fit_to_screen()

    def _bind_plane(self, state: WorkspaceState) -> None:
        self._bind_points(state)
        w, data = self.window, state.data
        w.truth_table.set_architecture(state.network.spec())
        w.truth_table.set_rows(data.X_train, data.y_train)
        w.when_built("comparison", "points", lambda view, X=data.X_train, y=data.y_train:
                     view.set_points(X, y))

    def _bind_points(self, state: WorkspaceState) -> None:
        w = self.window
        w.boundary.set_points(*plotted_points(state.data))
        w.boundary.set_editable(False)
        w.boundary.toolbar.setVisible(state.lesson.dataset in CLOUD_NAMES)

    # -- frames --------------------------------------------------------------------------------

    @guarded()
    def _on_frame(self, snapshot: Snapshot) -> None:
        w = self.window
        for apply in self.frame_filters:
            snapshot = apply(snapshot)
        w.status.show_snapshot(snapshot, self.workspace.figures)
        if self.visible("curves") and self._draw_curves(snapshot) \
                and snapshot.status == "running":
            # Re-laying the curves' axes out takes 10-15 ms, as long as a big canvas: a frame
            # of its own, so no frame holds the GUI for both; the views follow next frame.
            self.parent().pacer.offer(snapshot)
            return
        w.show_model_frame(self.drawn_frame(snapshot))
        if snapshot.boundary is not None:
            if self.visible("boundary"):
                w.boundary.show_snapshot(snapshot)
                state = self.workspace.state
                w.boundary.show_centres(None if state is None or state.network.dense_only
                                        else input_centres(state.network, snapshot.weights))
            if self.visible("comparison"):
                w.comparison.show_left(snapshot)
            if self.visible("truth_table"):
                w.truth_table.show_snapshot(snapshot)
            w.canvas.set_neuron_thumbnails(snapshot.neuron_maps)

    def _unroller(self, state: WorkspaceState):  # noqa: ANN202 - a closure
        """Snapshot -> the probe sample unrolled under its weights (core.tracing.unroll)."""
        data, loss = state.data, state.lesson.loss

        def unrolled(snapshot: Snapshot) -> Unrolled | None:
            if not snapshot.activations:
                return None
            network = model_with_weights(state.model, snapshot.weights)
            index = min(snapshot.probe_index, len(data.y_train) - 1)
            return unroll(network, snapshot.activations[0], data.y_train[index], loss)
        return unrolled

    def drawn_frame(self, snapshot: Snapshot) -> Snapshot:
        """RBF units and experts as the canvas draws them (core/drawing.py); else as it is."""
        state = self.workspace.state
        return snapshot if state is None else drawn_snapshot(state.network, snapshot)

    def _draw_curves(self, snapshot: Snapshot) -> bool:
        """Curves change once per epoch; re-laying their axes out costs more than the rest of
        a frame, so at most twice a second while running. True if drawn."""
        epochs = snapshot.epoch if snapshot.history.get("loss") else 0
        now = time.perf_counter()
        if epochs == self._curves_epochs:
            return False
        if snapshot.status == "running" and now - self._curves_drawn_at < CURVES_INTERVAL:
            return False
        if snapshot.epochs_total:
            self.window.curves.set_epoch_range(max(snapshot.epochs_total, epochs))
        self.window.curves.show_history(snapshot.history)
        self._curves_epochs, self._curves_drawn_at = epochs, now
        return True

    def redraw(self) -> None:
        """Draw the last frame again (a dock was shown)."""
        frame = self.workspace.last_frame
        if frame is not None:
            self._curves_epochs = -1
            self._on_frame(frame)

    def _on_dock_shown(self, key: str, visible: bool) -> None:
        if visible and key in ("curves", "boundary", "truth_table", "comparison"):
            QTimer.singleShot(0, self.redraw)

    # -- status, verdicts, evaluation ----------------------------------------------------------

    @guarded()
    def _on_status(self, status: RunStatus) -> None:
        if status.is_active:  # a new run: the last run's verdict no longer holds
            self.window.statusBar().clearMessage()
            self.window.boundary.show_message(None)
            self.window.when_built("comparison", "message", lambda view: view.show_message(None))

    def show_verdict(self, text: str, on_plot: bool) -> None:
        """A run's verdict in the status bar until the next run or lesson; bad news (not
        separable, diverged) on the boundary plot too."""
        if on_plot:
            self.window.boundary.show_message(text)
            self.window.when_built("comparison", "message", lambda view: view.show_message(text))
        self.window.statusBar().showMessage(text)

    @guarded()
    def _on_evaluation(self, evaluation: Evaluation | None) -> None:
        if evaluation is None:
            self.window.when_built("evaluation", "clear", lambda view: view.clear())
            return
        self.window.evaluation.show_evaluation(evaluation.y_true, evaluation.y_pred,
                                               evaluation.X, evaluation.image_shape)

