"""Build a whole workspace state from a lesson, a session or new rows, checking everything.

Nothing here touches what is open: each function either returns a complete, consistent
:class:`WorkspaceState` or raises one nnsim error naming the file and what is wrong. Only then
does the app stop training and call ``Workspace.open``. (Before, a session was applied lesson
first and checked after, so a bad file wiped the open work.)
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.fields import show
from nnsim.core.history import History
from nnsim.core.layers import Dense
from nnsim.core.lessons import Lesson, LessonData, load_lesson

# The ranges the training controls accept (one table, core/limits.py); a file outside them
# is refused, not clipped.
from nnsim.core.limits import (  # noqa: E402
    LEARNING_RATE_RANGE,
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    MAX_SEED,
    MOMENTUM_RANGE,
)
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.session import Session, SessionError, load_session
from nnsim.workspace.state import Model, TrainingSettings, WorkspaceState, weight_shapes

_BUILD_ERRORS = (LessonError, DatasetError, ValueError, KeyError, TypeError, IndexError,
                 OverflowError, MemoryError)


#: Seconds a lesson's whole run should take on screen at its opening speed (a class can
#: follow it); "unlimited" stays one click away.
WATCHABLE_SECONDS = 20.0
#: Speed limits the controls offer, steps per second (1-2-5 per decade).
SPEED_LADDER = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def watchable_speed(lesson: Lesson, n_rows: int) -> float | None:
    """Steps per second at which the lesson's planned run takes about WATCHABLE_SECONDS
    (rounded to the controls' ladder); None (unlimited) for runs without an end."""
    if not lesson.has_model or lesson.epochs <= 0 or n_rows <= 0:
        return None
    batch = 1 if lesson.kind == "perceptron" else max(lesson.batch_size, 1)
    steps = lesson.epochs * math.ceil(n_rows / batch)
    if lesson.kind == "perceptron":
        steps = min(steps, 8 * n_rows)  # perceptrons stop early: converged or cycling
    wanted = max(steps / WATCHABLE_SECONDS, 1.0)
    return float(min(SPEED_LADDER, key=lambda s: abs(math.log(s) - math.log(wanted))))


def lesson_state(name_or_path: str | Path, watchable: bool = True) -> WorkspaceState:
    """A lesson as its file gives it: data split, fresh model, empty history; with
    ``watchable``, a speed limit at which its run can be followed (else unlimited)."""
    lesson = load_lesson(name_or_path)
    settings = TrainingSettings(lesson.learning_rate, lesson.batch_size, lesson.epochs,
                                lesson.seed)
    if not lesson.has_model:
        return WorkspaceState(lesson, _one_neuron_data(), _one_neuron(), SGD(0.1), History(),
                              settings)
    data = lesson.load_data()
    try:
        model = lesson.build_model(data.X_train.shape[1], seed=lesson.seed, X=data.X_train)
    except (ValueError, MemoryError) as error:
        raise LessonError(f"{lesson.path.name}: cannot build the model: {error}") from error
    if watchable:
        settings.speed = watchable_speed(lesson, len(data.X_train))
    return WorkspaceState(lesson, data, model, lesson.build_optimizer(), History(), settings,
                          probe_index=_probe_index(lesson, data),
                          cloud_options={"name": lesson.dataset, **lesson.dataset_options})


def session_state(session: Session, path: str | Path, watchable: bool = True
                  ) -> WorkspaceState:
    """The session's lesson with its weights, optimiser, history and settings, all checked."""
    name = Path(path).name
    try:
        state = lesson_state(session.lesson, watchable)
    except (LessonError, DatasetError, FileNotFoundError) as error:
        raise SessionError(f"{name}: its lesson {session.lesson!r} cannot be opened: {error}") \
            from error
    try:
        model = _session_model(session, state)
        optimizer = SGD(*_optimizer_settings(session))
        optimizer.set_state(session.optimizer_state)
        _check_optimizer_state(optimizer, model)
        settings = _training_settings(session, state.settings)
        history = _history(session)
    except SessionError as error:
        raise SessionError(f"{name}: {error}") from error
    except _BUILD_ERRORS as error:
        raise SessionError(f"{name}: {error}") from error
    timeline = session.timeline.copy() if session.timeline is not None else Checkpoints()
    return dataclasses.replace(state, model=model, optimizer=optimizer, history=history,
                               settings=settings, model_source="session", timeline=timeline)


def open_lesson(name_or_path: str | Path) -> WorkspaceState:
    """A lesson as the app opens it (fresh model, its data split, its settings), for scripts
    and notebooks: at unlimited speed, as ``nnsim run``."""
    return lesson_state(name_or_path, watchable=False)


def open_session(path: str | Path) -> WorkspaceState:
    """A saved ``.nnsim`` session as the app opens it, every value checked; raises
    SessionError naming the file and what is wrong."""
    return session_state(load_session(path), path, watchable=False)


def with_data(state: WorkspaceState, data: LessonData, **changes: object) -> WorkspaceState:
    """The same lesson and model on new rows (edited points, another cloud, full MNIST)."""
    if data.X_train.shape[1] != state.network.sizes[0]:
        raise DatasetError(f"the rows have {data.X_train.shape[1]} columns but the network "
                           f"takes {state.network.sizes[0]} inputs")
    state.optimizer.reset()
    return dataclasses.replace(state, data=data, history=History(), probe_index=0,
                               timeline=Checkpoints(), **changes)  # type: ignore[arg-type]


def with_model(state: WorkspaceState, model: Model, source: str) -> WorkspaceState:
    """The same lesson and rows with another model (editor, pretrained, fresh weights)."""
    optimizer = SGD(state.settings.learning_rate, state.optimizer.momentum,
                    state.optimizer.nesterov)
    return dataclasses.replace(state, model=model, optimizer=optimizer, history=History(),
                               model_source=source, timeline=Checkpoints())


# -- pieces ----------------------------------------------------------------------------------


def _one_neuron() -> Network:
    """The activations lesson: one neuron, out = f(w1*x1 + w2*x2 + b), to click on."""
    neuron = Dense(2, 1, "sigmoid")
    neuron.set_weights(np.array([[0.8], [-0.6]]), np.array([0.2]))
    return Network([neuron])


def _one_neuron_data() -> LessonData:
    row = np.array([[1.0, 0.5]])
    return LessonData(row, np.array([1]), row, np.array([1]), 2, None, ("x1", "x2"), False)


def _probe_index(lesson: Lesson, data: LessonData) -> int:
    if lesson.probe_input is None or data.X_train.shape[1] != len(lesson.probe_input):
        return 0
    matches = np.flatnonzero(np.all(np.isclose(data.X_train, lesson.probe_input), axis=1))
    return int(matches[0]) if len(matches) else 0


def _session_model(session: Session, state: WorkspaceState) -> Model:
    weights = [tuple(None if a is None else np.asarray(a) for a in layer)
               for layer in session.weights]
    if not weights:
        raise SessionError("it has no layers")
    for layer in weights:
        for array in layer:
            if array is None:
                continue
            if not np.issubdtype(array.dtype, np.floating):
                raise SessionError(f"its weights are {array.dtype}, not floating-point numbers")
            if not np.isfinite(array).all():
                raise SessionError("its weights contain infinite or NaN values")
    width = state.data.X_train.shape[1]
    if session.model_kind == "perceptron":
        (W, b), = weights if len(weights) == 1 else [(None, None)]
        if W is None or W.shape != (width, 1) or b is None or b.shape != (1,):
            raise SessionError(f"its perceptron does not take the lesson's {width} inputs")
        model: Model = Perceptron(width, state.settings.learning_rate)
        model.weights = np.concatenate([W[:, 0], b]).astype(np.float64)
        return model
    dtype = next((layer[0].dtype for layer in weights if layer), np.dtype(np.float64))
    network = Network.from_spec(session.architecture, dtype=dtype)
    if weight_shapes(weights) != weight_shapes(network.get_weights()):
        raise SessionError("its weights do not fit its architecture")
    network.set_weights(weights)
    if network.sizes[0] != width:
        raise SessionError(f"its network takes {network.sizes[0]} inputs but the lesson's "
                           f"rows have {width} columns")
    return network


def _finite_in(value: object, low: float, high: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SessionError(f"{what} is {show(value)}; expected a number from {low:g} to "
                           f"{high:g}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise SessionError(f"{what} is {show(value)}; expected a number from {low:g} to {high:g}")
    return number


def _whole_in(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or \
            not low <= int(value) <= high:
        raise SessionError(f"{what} is {show(value)}; expected a whole number from {low:,} to "
                           f"{high:,}")
    return int(value)


def _history(session: Session) -> History:
    """Numbers per epoch (inf and NaN kept: a diverged epoch's loss is part of the record)."""
    history = History()
    for key, values in session.history.items():
        if not isinstance(values, list) or any(
                isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            raise SessionError(f"history.{key} is {show(values)}; expected a list of "
                               "numbers, one per epoch")
        history[key] = [float(v) for v in values]
    return history


def _optimizer_settings(session: Session) -> tuple[float, float, bool]:
    config = session.optimizer
    rate = _finite_in(config.get("learning_rate", 0.1), *LEARNING_RATE_RANGE,
                      "optimizer.learning_rate")
    momentum = _finite_in(config.get("momentum", 0.0), *MOMENTUM_RANGE, "optimizer.momentum")
    return rate, momentum, bool(config.get("nesterov", False))


def _check_optimizer_state(optimizer: SGD, model: Model) -> None:
    if not optimizer.velocities:
        return
    if isinstance(model, Perceptron):
        raise SessionError("a perceptron has no optimizer state")
    shapes = [p.shape for p in model.parameters()]
    if [v.shape for v in optimizer.velocities] != shapes:
        raise SessionError("its optimizer state does not fit the network's weights")


def _training_settings(session: Session, defaults: TrainingSettings) -> TrainingSettings:
    training = session.training
    return TrainingSettings(
        learning_rate=_finite_in(training.get("learning_rate", defaults.learning_rate),
                                 *LEARNING_RATE_RANGE, "training.learning_rate"),
        batch_size=_whole_in(training.get("batch_size", defaults.batch_size), 1,
                             MAX_BATCH_SIZE, "training.batch_size"),
        epochs=_whole_in(training.get("epochs", defaults.epochs), 0, MAX_EPOCHS,
                         "training.epochs"),
        seed=_whole_in(session.seed, 0, MAX_SEED, "seed"))
