"""What one open lesson is made of, built and checked before it replaces anything."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.history import History
from nnsim.core.lessons import Lesson, LessonData
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron

Model = Network | Perceptron
Weights = list[tuple[np.ndarray, np.ndarray | None]]


@dataclass
class TrainingSettings:
    """The hyper-parameters the training controls show and the next run uses."""

    learning_rate: float
    batch_size: int
    epochs: int
    seed: int
    speed: float | None = None
    max_steps: int | None = None


@dataclass
class WorkspaceState:
    """A lesson with its rows, model, optimiser, history and settings: one consistent whole.

    ``model_source`` says where the weights came from ("lesson", "session", "pretrained",
    "editor"), so the views can say so instead of passing a pretrained net off as trained.
    """

    lesson: Lesson
    data: LessonData
    model: Model
    optimizer: SGD
    history: History
    settings: TrainingSettings
    probe_index: int = 0
    cloud_options: dict[str, Any] = field(default_factory=dict)
    model_source: str = "lesson"
    timeline: Checkpoints = field(default_factory=Checkpoints)
    """The run's weights by epoch (``Network.get_weights()`` form; epochs counted as
    ``history`` counts them), for scrubbing, replay and exported animations."""

    @property
    def network(self) -> Network:
        """The model as a Network (a perceptron as its one step layer)."""
        return self.model.as_network() if isinstance(self.model, Perceptron) else self.model

    @property
    def trainable(self) -> bool:
        """Whether Train means anything here (the activations lesson has nothing to train)."""
        return self.lesson.has_model


def weight_shapes(weights: Any) -> list[tuple[tuple[int, ...] | None, ...]]:
    """(W.shape, b.shape or None) per layer (every parameter's shape for other kinds): what
    tells one network's weights from another's."""
    return [tuple(None if a is None else tuple(np.shape(a)) for a in layer) for layer in weights]


def model_with_weights(model: Model, weights: Any) -> Model:
    """A copy of ``model`` holding ``weights`` (a Snapshot's, in Network form)."""
    if isinstance(model, Perceptron):
        (W, b), = weights
        copy = Perceptron(model.n_inputs, model.learning_rate)
        copy.weights = np.concatenate([np.asarray(W)[:, 0], np.asarray(b)])
        return copy
    copy = model.copy()
    copy.set_weights(weights)
    return copy


def copy_state(state: WorkspaceState) -> WorkspaceState:
    """A copy that later training cannot change: model, optimiser, history, checkpoints and
    settings."""
    if isinstance(state.model, Perceptron):
        model: Model = model_with_weights(state.model, state.network.get_weights())
    else:
        model = state.model.copy()
    history = History({key: list(values) for key, values in state.history.items()})
    return dataclasses.replace(state, model=model, optimizer=copy.deepcopy(state.optimizer),
                               history=history, settings=dataclasses.replace(state.settings),
                               timeline=state.timeline.copy())
