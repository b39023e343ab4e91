"""The timeline model: runs fold into one record counted as the history counts epochs; viewing
an epoch publishes that checkpoint's weights to every view; a branch drops what came after.

Plain pytest (the workspace is Qt-free). Runs go through the training loop as the app's runs
do; the expected weights come from ``Network.fit`` re-training with the same seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.network import Network
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, run_training
from nnsim.training.still import still_snapshot
from nnsim.workspace import RunStatus, Workspace
from nnsim.workspace.opening import lesson_state, with_model
from nnsim.workspace.state import copy_state
from nnsim.workspace.timeline import Timeline, branched

SEED = 4


def _train(workspace: Workspace, timeline: Timeline, epochs: int) -> None:
    """One run from the open model, folded in as TrainingRuns folds it."""
    state = workspace.require()
    job = TrainingJob(model=state.model, X=state.data.X_train, y=state.data.y_train,
                      epochs=epochs, batch_size=state.settings.batch_size,
                      optimizer=state.optimizer, loss=state.lesson.loss,
                      seed=SEED + state.history.epochs, shuffle=state.lesson.shuffle,
                      checkpoint_budget=2**24)
    result = run_training(job, TrainingControl(), lambda snapshot: None)
    offset = state.history.epochs
    workspace.fold_history(result.history)
    timeline.fold(result.checkpoints, offset)
    workspace.set_status(result.status)
    workspace.weights_were_set()


def _retrained(epochs: int) -> Network:
    """The lesson's fresh network trained ``epochs`` in one go, by core's ``fit``."""
    state = lesson_state("backprop-xor")
    network = state.model
    if epochs:
        network.fit(state.data.X_train, state.data.y_train, epochs=epochs,
                    batch_size=state.settings.batch_size, optimizer=state.optimizer,
                    loss=state.lesson.loss, shuffle=state.lesson.shuffle, seed=SEED)
    return network


@pytest.fixture
def opened():
    workspace = Workspace()
    timeline = Timeline(workspace, still_snapshot)
    workspace.open(lesson_state("backprop-xor"))
    frames, viewed, changed = [], [], []
    workspace.frame_ready.connect(frames.append)
    timeline.viewing_changed.connect(viewed.append)
    timeline.timeline_changed.connect(lambda: changed.append(True))
    return workspace, timeline, frames, viewed, changed


def _same(weights, network: Network) -> None:
    for (W, b), (W2, b2) in zip(weights, network.get_weights(), strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


def test_viewing_an_epoch_shows_the_weights_a_retrained_run_has_there(opened):
    workspace, timeline, frames, viewed, changed = opened
    _train(workspace, timeline, 30)
    assert timeline.epochs == list(range(31)) and changed
    assert timeline.latest == 30 and timeline.viewing is None

    assert timeline.view_epoch(12) == 12
    assert timeline.viewing == 12 and viewed == [12]
    frame = frames[-1]
    assert frame.epoch == 12 and workspace.last_frame is frame
    _same(frame.weights, _retrained(12))
    expected = _retrained(12)
    grid = still_snapshot(expected, workspace.require().data.X_train)
    np.testing.assert_allclose(frame.boundary, grid.boundary)  # the boundary of those weights
    assert frame.metrics["loss"] == workspace.require().history["loss"][11]
    assert workspace.figures.epoch == 12
    # The model itself is untouched: viewing is not an edit.
    _same(workspace.require().network.get_weights(), _retrained(30))

    timeline.view_epoch(0)
    _same(frames[-1].weights, _retrained(0))  # epoch 0: the weights before training
    timeline.view_latest()
    assert timeline.viewing is None and viewed[-1] is None
    assert frames[-1].epoch == 30
    _same(frames[-1].weights, _retrained(30))


def test_steps_walk_the_recorded_epochs_and_the_latest_ends_viewing(opened):
    workspace, timeline, frames, viewed, _ = opened
    _train(workspace, timeline, 5)
    assert timeline.step(-1) == 4 and timeline.step(-1) == 3
    assert timeline.step(1) == 4
    assert timeline.step(1) is None and timeline.viewing is None  # epoch 5 is the latest
    assert timeline.view_epoch(99) is None and timeline.viewing is None


def test_a_second_run_continues_the_count_and_its_start_is_not_recorded_twice(opened):
    workspace, timeline, *_ = opened
    _train(workspace, timeline, 4)
    _train(workspace, timeline, 3)
    assert timeline.epochs == list(range(8)) and timeline.latest == 7


def test_nothing_is_shown_from_the_past_while_a_run_is_active(opened):
    workspace, timeline, frames, viewed, _ = opened
    _train(workspace, timeline, 5)
    timeline.view_epoch(2)
    workspace.set_status(RunStatus.RUNNING)
    assert timeline.viewing is None and viewed[-1] is None
    count = len(frames)
    assert timeline.view_epoch(3) is None and len(frames) == count


def test_a_branch_keeps_history_and_checkpoints_up_to_its_epoch_only(opened):
    workspace, timeline, *_ = opened
    _train(workspace, timeline, 20)
    before = copy_state(workspace.require())
    after = timeline.branch(8)
    assert after.history.epochs == 8 and after.timeline.epochs == list(range(9))
    assert list(after.history["loss"]) == list(before.history["loss"][:8])
    _same(after.network.get_weights(), _retrained(8))
    assert after.optimizer.velocities == []  # momentum is not recorded: it starts afresh
    # The open state is untouched (the app opens the branch as an undoable step).
    assert workspace.require().history.epochs == 20 and timeline.epochs == list(range(21))
    with pytest.raises(ValueError, match="no checkpoint"):
        branched(workspace.require(), 25)


def test_opening_another_state_forgets_viewing_and_new_weights_forget_the_record(opened):
    workspace, timeline, frames, viewed, changed = opened
    _train(workspace, timeline, 6)
    timeline.view_epoch(3)
    state = workspace.require()
    workspace.open(with_model(state, state.network.copy(), "editor"))
    assert timeline.viewing is None and viewed[-1] is None
    assert timeline.epochs == [] and timeline.latest == 0
    assert timeline.view_epoch(1) is None


def test_a_copied_state_keeps_its_own_record(opened):
    workspace, timeline, *_ = opened
    _train(workspace, timeline, 6)
    kept = copy_state(workspace.require())
    workspace.require().timeline.truncate(2)
    assert kept.timeline.epochs == list(range(7))
    assert isinstance(kept.timeline, Checkpoints)
