"""The timeline: which recorded epoch the window shows, and branching training from it.

The open state's ``timeline`` (``core.checkpoints.Checkpoints``) holds the weights by epoch,
counted as the state's history counts them: each finished run's record is folded in after the
runs before it (``fold``). Viewing an epoch publishes a Snapshot rebuilt from its checkpoint
through ``Workspace.show_frame``, so every view (canvas, boundary, neuron maps, truth table,
curves, figures) redraws from one object and nothing derived is stored. ``branched`` is the
state that training continues from when the user goes on from an earlier epoch: history and
checkpoints after it dropped (the app makes that step undoable).

Qt-free (psygnal). The Snapshot builder is passed in (``training.still.still_snapshot`` in the
app): the workspace sits below the training layer and may not import it.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable
from typing import Any

from psygnal import Signal

from nnsim.core.checkpoints import Checkpoints
from nnsim.core.history import History
from nnsim.core.snapshot import Snapshot
from nnsim.workspace.state import Model, WorkspaceState, copy_state, model_with_weights
from nnsim.workspace.status import RunStatus
from nnsim.workspace.workspace import Workspace

StillBuilder = Callable[..., Snapshot]
"""``still_snapshot(model, X, probe_index, *, history=, status=, epoch=, loss=, metrics=)``."""


def truncated_history(history: History, epoch: int) -> History:
    """The first ``epoch`` epochs of ``history`` (a new History)."""
    return History({key: array("d", values[:epoch]) for key, values in history.items()})


def branched(state: WorkspaceState, epoch: int) -> WorkspaceState:
    """A copy of ``state`` as it was at the recorded ``epoch``: the checkpoint's weights, the
    history and checkpoints up to it, the optimiser's momentum forgotten (it is not recorded).
    ValueError if ``epoch`` is not a recorded checkpoint."""
    shown, weights = state.timeline.at(epoch)
    if shown != epoch:
        raise ValueError(f"epoch {epoch} has no checkpoint; the nearest before it is {shown}")
    after = copy_state(state)
    timeline = after.timeline
    timeline.truncate(epoch)
    optimizer = after.optimizer
    optimizer.reset()
    return dataclasses.replace(after, model=model_with_weights(state.model, weights),
                               history=truncated_history(state.history, epoch),
                               timeline=timeline, optimizer=optimizer)


class Timeline:
    """What the timeline shows (the latest state, or a recorded epoch) for one workspace."""

    timeline_changed = Signal()
    """Checkpoints were added, dropped or replaced (a run folded in, a lesson opened)."""
    viewing_changed = Signal(object)
    """The epoch shown (int), or None: the model as it stands (the latest)."""

    def __init__(self, workspace: Workspace, still: StillBuilder) -> None:
        self.workspace, self.still = workspace, still
        self.viewing: int | None = None
        """The recorded epoch every view shows, or None for the model as it stands."""
        workspace.opened.connect(self._on_opened)
        workspace.status_changed.connect(self._on_status)

    # -- what is recorded --------------------------------------------------------------------

    @property
    def checkpoints(self) -> Checkpoints | None:
        state = self.workspace.state
        return None if state is None else state.timeline

    @property
    def latest(self) -> int:
        """The last trained epoch (what "of 1,000" counts to)."""
        state = self.workspace.state
        return 0 if state is None else state.history.epochs

    @property
    def epochs(self) -> list[int]:
        record = self.checkpoints
        return [] if record is None else record.epochs

    def fold(self, run: Checkpoints | None, offset: int) -> None:
        """Add a finished run's checkpoints after the ``offset`` epochs trained before it."""
        record = self.checkpoints
        if run is None or record is None or not len(run):
            return
        if record.layout is not None and len(record) and run.layout != record.layout:
            record.truncate(-1)  # another architecture: the old record means nothing now
        record.extend(run, offset)
        self.timeline_changed.emit()

    # -- viewing -----------------------------------------------------------------------------

    def view_epoch(self, epoch: int) -> int | None:
        """Show the checkpoint at or before ``epoch`` everywhere; the epoch shown (None when
        nothing is recorded, or when that is the latest: the model itself is then shown)."""
        state, record = self.workspace.state, self.checkpoints
        if state is None or record is None or not len(record) or self.workspace.status.is_active:
            return None
        if epoch >= self.latest:
            self.view_latest()
            return None
        epoch = max(epoch, record.epochs[0])
        shown, weights = record.at(epoch)
        model = model_with_weights(state.model, weights)
        self._publish(model, shown)
        if shown != self.viewing:
            self.viewing = shown
            self.viewing_changed.emit(shown)
        return shown

    def view_latest(self) -> None:
        """Show the model as it stands again."""
        state = self.workspace.state
        was = self.viewing
        self.viewing = None
        if state is not None and not self.workspace.status.is_active:
            self._publish(state.model, state.history.epochs)
        if was is not None:
            self.viewing_changed.emit(None)

    def step(self, direction: int) -> int | None:
        """Show the recorded epoch before (-1) or after (+1) the one shown."""
        epochs = self.epochs
        if not epochs:
            return None
        current = self.latest if self.viewing is None else self.viewing
        if direction < 0:
            earlier = [e for e in epochs if e < current]
            return self.view_epoch(earlier[-1]) if earlier else self.viewing
        later = [e for e in epochs if e > current]
        return self.view_epoch(later[0] if later else self.latest)

    def branch(self, epoch: int) -> WorkspaceState:
        """The state to continue training from at the recorded ``epoch`` (not opened here: the
        app opens it as an undoable step)."""
        return branched(self.workspace.require(), epoch)

    def _publish(self, model: Model, epoch: int) -> None:
        state = self.workspace.require()
        history = state.history
        metrics: dict[str, Any] = {key: float(values[epoch - 1])
                                   for key, values in history.items()
                                   if 0 < epoch <= len(values)}
        snapshot = self.still(model, state.data.X_train, state.probe_index, history=history,
                              status=self.workspace.status_text, epoch=epoch,
                              loss=metrics.get("loss", float("nan")), metrics=metrics)
        self.workspace.show_frame(snapshot)

    def _on_opened(self, _state: WorkspaceState) -> None:
        was = self.viewing
        self.viewing = None
        self.timeline_changed.emit()
        if was is not None:
            self.viewing_changed.emit(None)

    def _on_status(self, status: RunStatus) -> None:
        if status.is_active and self.viewing is not None:  # a run shows its own frames
            self.viewing = None
            self.viewing_changed.emit(None)
