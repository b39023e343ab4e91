"""The workspace model without Qt: one event per open, frames of other models dropped,
figures that agree with an independent count, sessions checked before anything changes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from nnsim.core.network import Network
from nnsim.core.session import SessionError
from nnsim.training.still import still_snapshot
from nnsim.workspace import RunStatus, Workspace
from nnsim.workspace.opening import lesson_state, session_state, with_model
from nnsim.workspace.state import copy_state


class Recorder:
    def __init__(self, workspace: Workspace) -> None:
        self.events: list[tuple[str, object]] = []
        for name in ("opened", "frame_ready", "status_changed", "figures_changed"):
            getattr(workspace, name).connect(lambda value=None, name=name:
                                             self.events.append((name, value)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


def test_opening_emits_once_and_resets_what_belonged_to_the_old_state():
    workspace = Workspace()
    workspace.open(lesson_state("backprop-xor"))
    workspace.set_status("diverged: lower the learning rate")
    recorder = Recorder(workspace)
    workspace.open(lesson_state("spiral"))
    assert recorder.names() == ["opened"]
    assert workspace.status is RunStatus.READY and workspace.evaluation is None
    assert workspace.last_frame is None and workspace.state.lesson.name == "spiral"


def test_a_frame_of_another_network_never_reaches_a_view():
    workspace = Workspace()
    workspace.open(lesson_state("mnist-keras"))
    xor = lesson_state("backprop-xor")
    stale = still_snapshot(xor.model, xor.data.X_train)
    recorder = Recorder(workspace)
    assert not workspace.show_frame(stale)
    assert recorder.names() == []
    state = workspace.state
    own = still_snapshot(state.model, state.data.X_train[:5])
    assert not workspace.show_frame(own, generation=workspace.generation - 1)  # an old run's
    assert workspace.show_frame(own, generation=workspace.generation)
    assert "frame_ready" in recorder.names()


def test_figures_count_right_rows_as_scikit_learn_does():
    workspace = Workspace()
    state = lesson_state("perceptron-xor")
    workspace.open(state)
    figures = workspace.figures
    predicted = state.model.predict(state.data.X_train)
    expected = accuracy_score(state.data.y_train, predicted)
    assert figures.accuracy == pytest.approx(expected)
    assert figures.right == round(expected * 4) and figures.total == 4
    assert figures.loss == 4 - figures.right  # a perceptron's loss is its number of mistakes


def test_figures_of_a_frame_use_the_frames_weights():
    workspace = Workspace()
    state = lesson_state("backprop-xor")
    workspace.open(state)
    solved = Network.from_sizes([2, 2, 1], "sigmoid")
    solved.set_weights([(np.array([[6.0, -6.0], [-6.0, 6.0]]), np.array([-3.0, -3.0])),
                        (np.array([[8.0], [8.0]]), np.array([-4.0]))])
    assert workspace.show_frame(still_snapshot(solved, state.data.X_train))
    out = solved.predict(state.data.X_train)[:, 0]
    assert workspace.figures.right == int(np.sum((out >= 0.5) == state.data.y_train)) == 4
    sse = 0.5 * float(np.sum((out - state.data.y_train) ** 2))
    assert workspace.figures.loss == pytest.approx(sse)


def _session_of(state, **changes):
    from nnsim.core.session import Session

    network = state.network
    session = Session(lesson=state.lesson.name, model_kind="network",
                      architecture=network.spec(), weights=network.get_weights(),
                      optimizer={"learning_rate": 0.1, "momentum": 0.0},
                      history={"loss": [1.0, 0.5]}, seed=3,
                      training={"learning_rate": 0.1, "batch_size": 8, "epochs": 100})
    return dataclasses.replace(session, **changes)


@pytest.mark.parametrize("changes, words", [
    ({"optimizer": {"learning_rate": 0.1, "momentum": 5.0}}, "optimizer.momentum"),
    ({"training": {"epochs": 10**30}}, "training.epochs"),
    ({"training": {"batch_size": 0}}, "training.batch_size"),
    ({"training": {"learning_rate": float("nan")}}, "training.learning_rate"),
    ({"seed": -1}, "seed"),
    ({"optimizer_state": [np.zeros(5)]}, "optimizer state"),
])
def test_a_bad_session_is_refused_naming_the_file_and_the_key(changes, words):
    state = lesson_state("spiral")
    with pytest.raises(SessionError) as raised:
        session_state(_session_of(state, **changes), "/tmp/lecture.nnsim")
    assert "lecture.nnsim" in str(raised.value) and words in str(raised.value)


def test_a_session_for_three_inputs_is_refused_for_two_column_rows():
    state = lesson_state("spiral")
    wide = Network.from_sizes([3, 8, 1], "tanh")
    session = _session_of(state, architecture=wide.spec(), weights=wide.get_weights())
    with pytest.raises(SessionError, match="3 inputs"):
        session_state(session, "wide.nnsim")


def test_a_session_with_infinite_or_integer_weights_is_refused():
    state = lesson_state("backprop-xor")
    weights = state.network.get_weights()
    inf = [(W, None if b is None else np.full_like(b, np.inf)) for W, b in weights]
    with pytest.raises(SessionError, match="infinite or NaN"):
        session_state(_session_of(state, weights=inf), "inf.nnsim")
    ints = [(W.astype(np.int64), b) for W, b in weights]
    with pytest.raises(SessionError, match="int64"):
        session_state(_session_of(state, weights=ints), "ints.nnsim")


def test_undo_copies_are_untouched_by_later_training():
    state = lesson_state("backprop-xor")
    saved = copy_state(state)
    before = [W.copy() for W, _ in saved.network.get_weights()]
    state.model.layers[0].weights += 1.0
    state.history.append({"loss": 0.3})
    assert all(np.array_equal(a, W) for a, (W, _) in zip(before, saved.network.get_weights(),
                                                       strict=True))
    assert saved.history.epochs == 0


def test_a_new_model_starts_a_new_history():
    state = lesson_state("backprop-xor")
    state.history.append({"loss": 0.3})
    fresh = with_model(state, Network.from_sizes([2, 3, 1], "sigmoid"), "editor")
    assert fresh.history.epochs == 0 and fresh.model_source == "editor"
    assert fresh.network.sizes == [2, 3, 1]


@pytest.mark.parametrize("name", ["perceptron-and", "backprop-xor", "moons", "spiral", "digits",
                                  "mnist-keras"])
def test_each_lesson_opens_at_a_speed_whose_run_takes_10_to_30_seconds(name):
    import math

    state = lesson_state(name)
    lesson, rows = state.lesson, len(state.data.X_train)
    batch = 1 if lesson.kind == "perceptron" else lesson.batch_size
    steps = lesson.epochs * math.ceil(rows / batch)
    if lesson.kind == "perceptron":  # AND converges within a few epochs of 4 rows
        steps = min(steps, 8 * rows)
    assert state.settings.speed is not None
    seconds = steps / state.settings.speed
    assert 10 <= seconds <= 30 or (state.settings.speed == 1 and seconds < 10), seconds
    assert lesson_state(name, watchable=False).settings.speed is None
