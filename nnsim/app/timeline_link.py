"""The timeline in the window: the bar, clicks on the curves, replay, and Train from the past.

The bar sits in a toolbar along the bottom of the window, so it stays in reach in projector
mode, which hides every dock but the lesson's main panel (the curves with it). Which epoch is
shown lives in ``nnsim.workspace.timeline.Timeline``; this module only forwards intent to it
and keeps the bar, the curves' marker, the stepper and the pad in step. Replay is a QTimer
that moves the shown epoch at the chosen pace. Train while an earlier epoch is shown asks
whether to go on from the latest state or to branch from the epoch shown; a branch drops the
later history and checkpoints as one undoable step (Ctrl+Z brings them back).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolBar

from nnsim.core.checkpoints import DEFAULT_BUDGET, Checkpoints
from nnsim.core.snapshot import Snapshot
from nnsim.training.still import still_snapshot
from nnsim.ui.guard import guarded
from nnsim.ui.timeline_bar import DEFAULT_PACE, TimelineBar
from nnsim.workspace import RunStatus
from nnsim.workspace.timeline import Timeline

if TYPE_CHECKING:
    from nnsim.app.controller import AppController

RUN_BUDGET = DEFAULT_BUDGET // 2
"""Bytes one run may record (about 100 MB: 118 checkpoints of 784-256-128-10 in float32).
A trainer process sends its record back when the run ends, so the window briefly holds it
beside the timeline's own (at most DEFAULT_BUDGET) before the two are merged and thinned."""
REPLAY_INTERVAL_MS = 50
"""A replay shows at most 20 epochs a second; faster paces skip the epochs between."""
LATEST, BRANCH, CANCEL = "latest", "branch", "cancel"


def ask_where_to_train(parent: QObject, epoch: int, latest: int) -> str:
    """LATEST, BRANCH or CANCEL, as the user answers (a modal question)."""
    box = QMessageBox(parent)
    box.setObjectName("nnsim-train-from")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Train from where?")
    box.setText(f"You are viewing epoch {epoch:,} of {latest:,}.")
    box.setInformativeText(
        f"Continue from the latest state (epoch {latest:,}), or branch from epoch {epoch:,}: "
        f"the history and checkpoints after it are dropped (Ctrl+Z brings them back).")
    go_on = box.addButton("Continue from latest", QMessageBox.ButtonRole.AcceptRole)
    branch = box.addButton(f"Branch from epoch {epoch:,}", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(go_on)
    box.exec()
    clicked = box.clickedButton()
    return LATEST if clicked is go_on else BRANCH if clicked is branch else CANCEL


class TimelineLink(QObject):
    """Timeline bar, curves clicks, replay timer and the Train question, for one window."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.workspace, window = controller.workspace, controller.window
        self.model = Timeline(self.workspace, still_snapshot)
        self.ask = ask_where_to_train
        """The Train question (a function, so a test can answer it)."""
        self.bar = TimelineBar()
        self.toolbar = QToolBar("Timeline", window)
        self.toolbar.setObjectName("toolbar-timeline")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.bar)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.toolbar)
        self.pace = DEFAULT_PACE
        self._pending: Callable[[], object] | None = None  # what waits for a run's end
        self._position = 0.0
        self._played_at = 0.0
        self.replay = QTimer(self, interval=REPLAY_INTERVAL_MS)
        self.replay.timeout.connect(self._tick)
        self.action_back = self._action("Timeline: earlier epoch", "[", lambda: self.step(-1))
        self.action_forward = self._action("Timeline: later epoch", "]", lambda: self.step(1))
        self.action_play = self._action("Timeline: replay or pause", "Ctrl+Space",
                                        lambda: self.set_playing(not self.playing))
        self.bar.epoch_chosen.connect(self.view_epoch)
        self.bar.step_requested.connect(self.step)
        self.bar.play_toggled.connect(self.set_playing)
        self.bar.pace_changed.connect(self._on_pace)
        window.curves.epoch_clicked.connect(self.view_epoch)
        self.model.viewing_changed.connect(self._on_viewing)
        self.model.timeline_changed.connect(self._show)
        self.workspace.status_changed.connect(self._on_status)
        self.workspace.frame_ready.connect(self._on_frame)

    def _action(self, text: str, key: str, slot: object) -> QAction:
        action = QAction(text, self.controller.window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.controller.window.addAction(action)
        return action

    # -- what the app asks -------------------------------------------------------------------

    @property
    def viewing(self) -> int | None:
        """The recorded epoch shown everywhere, or None for the model as it stands."""
        return self.model.viewing

    @property
    def playing(self) -> bool:
        return self.replay.isActive()

    def fold(self, run: Checkpoints | None, offset: int) -> None:
        """A finished run's record joins the timeline after the ``offset`` epochs before it."""
        self.model.fold(run, offset)

    def may_start(self) -> bool:
        """Before a run: go on from the latest state or branch from the epoch shown (asked);
        False if the user cancelled."""
        self.set_playing(False)
        epoch = self.model.viewing
        if epoch is None:
            return True
        answer = self.ask(self.controller.window, epoch, self.model.latest)
        if answer == LATEST:
            self.model.view_latest()
            return True
        if answer == BRANCH:
            self.branch(epoch)
            return True
        return False

    def branch(self, epoch: int) -> None:
        """Continue from the recorded ``epoch``: later history and checkpoints go (Ctrl+Z)."""
        after = self.model.branch(epoch)
        self.controller.edits.replace_state(after, f"branch from epoch {epoch:,}")

    # -- scrubbing and replay ----------------------------------------------------------------

    def _paused(self) -> bool:
        return self.controller.is_training and self.workspace.status is RunStatus.PAUSED

    def _after_the_run(self, call: Callable[[], object]) -> None:
        """Looking back on a paused run ends it (its checkpoints join the timeline when it
        ends; Train then goes on from the latest state or branches, as between runs), then
        ``call`` runs. While it ends, the last request wins."""
        self._pending = call
        self.controller.stop_training()

    @Slot(int)
    def view_epoch(self, epoch: int) -> int | None:
        """Show the checkpoint at or before ``epoch`` everywhere (between runs; a paused run
        is ended first)."""
        if self._paused():
            self._after_the_run(lambda: self.view_epoch(epoch))
            return None
        if self.controller.is_training:
            return None
        self.controller.pacer.discard()  # a frame still pending would cover the one shown
        return self.model.view_epoch(epoch)

    @Slot(int)
    def step(self, direction: int) -> None:
        if self._paused():
            self._after_the_run(lambda: self.step(direction))
        elif not self.controller.is_training:
            self.set_playing(False)
            self.controller.pacer.discard()
            self.model.step(direction)

    @Slot(bool)
    def set_playing(self, playing: bool) -> None:
        """Replay from the epoch shown (from the first, when the latest is shown) or pause."""
        if playing and self._paused():
            self.bar.set_playing(False)
            self._after_the_run(lambda: self.set_playing(True))
            return
        if playing and (self.controller.is_training or not self.model.epochs):
            playing = False
        if playing and not self.playing:
            if self.model.viewing is None:
                self.model.view_epoch(self.model.epochs[0])
            self._position = float(self.model.viewing or 0)
            self._played_at = time.perf_counter()
            self.replay.start()
        elif not playing:
            self.replay.stop()
        self.bar.set_playing(playing)

    @Slot(float)
    def _on_pace(self, pace: float) -> None:
        self.pace = max(float(pace), 1e-3)

    @guarded()
    def _tick(self) -> None:
        now = time.perf_counter()
        self._position += self.pace * (now - self._played_at)
        self._played_at = now
        if self._position >= self.model.latest:
            self.model.view_latest()
            self.set_playing(False)
            return
        if int(self._position) != self.model.viewing:  # a slow pace: not every tick moves
            self.model.view_epoch(int(self._position))

    # -- keeping the window in step ----------------------------------------------------------

    def _show(self) -> None:
        self.bar.show_state(self.model.viewing, self.model.latest, len(self.model.epochs))
        if self.workspace.status.is_active:
            self.bar.set_enabled(False)

    @guarded()
    def _on_viewing(self, epoch: int | None) -> None:
        self._show()
        self.controller.window.curves.show_viewed(epoch)
        self.controller.stepper.refresh_stepper()
        self.controller.digits.refresh_pad_model()

    @guarded()
    def _on_status(self, status: RunStatus) -> None:
        if status.is_active:
            self.set_playing(False)
            self.bar.follow(self.bar.slider.value(), paused=status is RunStatus.PAUSED)
        else:
            self._show()
            pending, self._pending = self._pending, None
            if pending is not None:  # after the run's end is handled (its record folded)
                QTimer.singleShot(0, self, pending)

    @guarded()
    def _on_frame(self, snapshot: Snapshot) -> None:
        if self.workspace.status.is_active:
            self.bar.follow(snapshot.epoch, paused=self.workspace.status is RunStatus.PAUSED)
