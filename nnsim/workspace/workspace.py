"""The workspace: one Qt-free, evented model of what is open, which every view subscribes to.

Opening a lesson, a session or a dataset builds a whole :class:`WorkspaceState` first (see
``opening.py``) and swaps it in here in one step, emitting ``opened`` once; on any error the
caller never gets that far and nothing changes. A frame (Snapshot) reaches the views only
through :meth:`Workspace.show_frame`, which drops frames of an earlier model: a late frame of
the previous lesson once crashed the window when a view fed another network's weights.

Events are psygnal signals (Qt-free, weakly held bound methods, as napari's models use), so the
model is tested in plain pytest and a closed view is not called again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from psygnal import Signal

from nnsim.core.history import EPOCH_KEY, History, history_view, join_views
from nnsim.core.scoring import Score, score
from nnsim.core.snapshot import Snapshot
from nnsim.workspace.state import Model, WorkspaceState, model_with_weights, weight_shapes
from nnsim.workspace.status import RunStatus

#: Rows x weights up to which the figures are recomputed from each frame's weights (about a
#: millisecond); above it (MNIST) a frame shows the epoch's figures, said so in ``source``.
FIGURES_BUDGET = 3_000_000


@dataclass(frozen=True)
class Figures:
    """What the status bar, truth table and curves all say about the model now."""

    epoch: int
    loss: float
    accuracy: float | None
    right: int | None
    total: int | None
    source: str  # "weights": computed from the weights shown; "epoch": the last epoch's

    @classmethod
    def of_score(cls, epoch: int, result: Score) -> Figures:
        return cls(epoch, result.loss, result.accuracy, result.right, result.total, "weights")


@dataclass(frozen=True)
class Evaluation:
    """A classification of the held-out rows: labels, predictions, and the rows to show."""

    y_true: np.ndarray
    y_pred: np.ndarray
    X: np.ndarray
    image_shape: tuple[int, int] | None


class Workspace:
    """The open lesson, its data, model, optimiser, history, run status, figures, evaluation."""

    opened = Signal(object)
    """A new state replaced the old one (lesson, session, dataset, architecture, reset)."""
    weights_changed = Signal()
    """The model's weights were set in place (an edit, an applied step, undo)."""
    frame_ready = Signal(object)
    """A Snapshot of the open model is ready to draw."""
    status_changed = Signal(object)
    """The RunStatus changed."""
    figures_changed = Signal(object)
    """The current Figures changed."""
    evaluation_changed = Signal(object)
    """A new Evaluation, or None when the old one no longer applies."""

    def __init__(self) -> None:
        self.state: WorkspaceState | None = None
        self.generation = 0
        self.status = RunStatus.READY
        self.status_text = RunStatus.READY.value
        self.figures: Figures | None = None
        self.evaluation: Evaluation | None = None
        self.last_frame: Snapshot | None = None
        self._scratch: Model | None = None
        self._view: dict[str, list[float]] = {}
        self._view_key: tuple[int, int] | None = None
        self._shape_key = -1
        self._shape_cache: list = []
        self._size_cache = 0

    # -- what is open --------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state is not None

    def require(self) -> WorkspaceState:
        """The open state (a programming error to ask before anything was opened)."""
        if self.state is None:
            raise RuntimeError("no lesson is open")
        return self.state

    def open(self, state: WorkspaceState) -> None:
        """Replace everything with ``state`` (already built and checked) and say so once."""
        self.state = state
        self.generation += 1
        self._scratch = None
        self.last_frame = None
        self.evaluation = None
        self.status, self.status_text = RunStatus.READY, RunStatus.READY.value
        self.figures = self._figures_of_model()
        self.opened.emit(state)

    def belongs(self, snapshot: Snapshot, generation: int | None = None) -> bool:
        """Whether ``snapshot`` is of the open model (and of this generation, when given)."""
        if self.state is None or (generation is not None and generation != self.generation):
            return False
        return weight_shapes(snapshot.weights) == self._shapes()

    def _shapes(self) -> list:
        """The open model's weight shapes, once per generation (a frame must not copy every
        weight to find out: that cost MNIST a megabyte per frame)."""
        if self._shape_key != self.generation:
            network = self.require().network
            self._shape_cache = [
                (tuple(layer.weights.shape), None if layer.bias is None else
                 tuple(layer.bias.shape)) if hasattr(layer, "weights")
                else tuple(tuple(p.shape) for p in layer.parameters())
                for layer in network.layers]
            self._size_cache = sum(p.size for p in network.parameters())
            self._shape_key = self.generation
        return self._shape_cache

    # -- frames, figures, status ---------------------------------------------------------------

    def show_frame(self, snapshot: Snapshot, generation: int | None = None) -> bool:
        """Publish a frame of the open model; a frame of another model is dropped (False)."""
        if not self.belongs(snapshot, generation):
            return False
        self.last_frame = snapshot
        figures = self._figures_of(snapshot)
        if figures != self.figures:
            self.figures = figures
            self.figures_changed.emit(figures)
        self.frame_ready.emit(snapshot)
        return True

    def set_status(self, text: str | RunStatus) -> None:
        """The run's status, from the loop's text or a member."""
        status = text if isinstance(text, RunStatus) else RunStatus.of(text)
        self.status_text = status.value if isinstance(text, RunStatus) else text
        if status is not self.status:
            self.status = status
            self.status_changed.emit(status)

    def set_evaluation(self, evaluation: Evaluation | None) -> None:
        self.evaluation = evaluation
        self.evaluation_changed.emit(evaluation)

    def weights_were_set(self) -> None:
        """The model's weights changed in place: figures follow, views redraw."""
        self._scratch = None
        self.figures = self._figures_of_model()
        self.figures_changed.emit(self.figures)
        self.weights_changed.emit()

    def fold_history(self, run_history: dict[str, list[float]]) -> None:
        """Append a finished run's epochs to the workspace's history."""
        history = self.require().history
        for key, values in run_history.items():
            history.setdefault(key, []).extend(values)

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        """A run's snapshot seen against everything trained before it: epochs counted from
        the first, and one bounded history view of both (its cost does not grow per epoch)."""
        history = self.require().history
        run_view = snapshot.history if EPOCH_KEY in snapshot.history else \
            history_view(snapshot.history)
        if not history:
            return replace(snapshot, history=run_view)
        before = history.epochs
        shifted = dict(run_view)
        shifted[EPOCH_KEY] = [epoch + before for epoch in run_view.get(EPOCH_KEY, [])]
        total = None if snapshot.epochs_total is None else before + snapshot.epochs_total
        return replace(snapshot, epoch=before + snapshot.epoch, epochs_total=total,
                       history=join_views(self._history_view(), shifted))

    def _history_view(self) -> dict[str, list[float]]:
        """The folded history's view, made once per fold (it changes only then)."""
        history = self.require().history
        key = (self.generation, history.epochs)
        if self._view_key != key:
            self._view, self._view_key = history_view(history), key
        return self._view

    def _cheap(self) -> bool:
        self._shapes()
        return len(self.require().data.X_train) * self._size_cache <= FIGURES_BUDGET

    def _figures_of_model(self) -> Figures | None:
        state = self.state
        if state is None or not state.trainable:
            return None
        epoch = state.history.epochs
        if not self._cheap():
            return _epoch_figures(epoch, state.history, None)
        result = score(state.model, state.data.X_train, state.data.y_train, state.lesson.loss)
        return Figures.of_score(epoch, result)

    def _figures_of(self, snapshot: Snapshot) -> Figures | None:
        state = self.require()
        if not state.trainable:
            return None
        if not self._cheap():
            return _epoch_figures(snapshot.epoch, snapshot.history, snapshot.metrics)
        if self._scratch is None:
            self._scratch = model_with_weights(state.model, snapshot.weights)
        elif isinstance(state.model, type(self._scratch)):
            _set_weights(self._scratch, snapshot.weights)
        result = score(self._scratch, state.data.X_train, state.data.y_train, state.lesson.loss)
        return Figures.of_score(snapshot.epoch, result)


def _set_weights(model: Model, weights: object) -> None:
    from nnsim.core.perceptron import Perceptron

    if isinstance(model, Perceptron):
        (W, b), = weights  # type: ignore[misc]
        model.weights = np.concatenate([np.asarray(W)[:, 0], np.asarray(b)])
    else:
        model.set_weights(weights)  # type: ignore[arg-type]


def _epoch_figures(epoch: int, history: History | dict, metrics: dict | None) -> Figures:
    """The last epoch's figures, for nets too big to re-score every frame."""
    logs = dict(metrics or {})
    if not logs and history.get("loss"):
        logs = {key: values[-1] for key, values in history.items() if values}
    loss = float(logs.get("loss", math.nan))
    accuracy = logs.get("accuracy")
    return Figures(epoch, loss, None if accuracy is None else float(accuracy), None, None,
                   "epoch")
