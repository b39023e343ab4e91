"""The run ``nnsim animate`` draws: a lesson trained here, or a saved session's timeline.

A lesson is trained headless with its own settings (as ``nnsim run`` trains it, through the same
loop) while a checkpoint is recorded before the first epoch and after every one. A session is
drawn from the timeline it saved; one without a timeline cannot be animated (its earlier weights
are gone), which the error says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from nnsim.core.animation import AnimationError
from nnsim.core.checkpoints import Checkpoints
from nnsim.core.perceptron import Perceptron
from nnsim.core.session import SUFFIX
from nnsim.training.blas_threads import one_blas_thread
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, run_training
from nnsim.workspace.opening import open_lesson, open_session
from nnsim.workspace.state import WorkspaceState

Say = Callable[[str], None]


def open_source(source: str, epochs: int | None = None
                ) -> tuple[WorkspaceState, Checkpoints | None]:
    """(the state, its timeline) for a ``.nnsim`` session; (the fresh state, None) for a
    lesson name or file, which ``record_run`` then trains."""
    if Path(source).suffix != SUFFIX:
        return open_lesson(source), None
    if epochs is not None:
        raise AnimationError(f"{source}: --epochs trains a lesson; a session is drawn from "
                             "the timeline it saved")
    state = open_session(source)
    timeline = getattr(state, "timeline", None)
    if timeline is None or len(timeline.epochs) < 2:
        raise AnimationError(f"{source} holds no recorded timeline (a session saved before "
                             f"training, or by an older nnsim): animate its lesson instead, "
                             f"e.g. nnsim animate {state.lesson.name}")
    return state, timeline


def record_run(state: WorkspaceState, epochs: int | None = None, say: Say = print
               ) -> tuple[WorkspaceState, Checkpoints]:
    """Train ``state`` with its lesson's settings (``epochs`` overrides the number), recording
    the weights at every epoch; the trained state (its history filled) and the timeline."""
    lesson, data, settings = state.lesson, state.data, state.settings
    if not state.trainable:
        raise AnimationError(f"{lesson.name} has no network to train, so nothing changes "
                             "from epoch to epoch; animate a lesson that trains (e.g. spiral)")
    epochs = settings.epochs if epochs is None else epochs
    model = state.model
    timeline = Checkpoints()
    timeline.record(0, state.network.get_weights())
    options: dict = {"epochs": epochs, "seed": settings.seed}
    if isinstance(model, Perceptron):
        options["batch_size"] = 1
    else:
        options.update(batch_size=settings.batch_size, optimizer=state.optimizer)
    validation = (data.X_test, data.y_test) if lesson.validation_split else (None, None)
    job = TrainingJob(model=model, X=data.X_train, y=data.y_train, X_val=validation[0],
                      y_val=validation[1], loss=lesson.loss, shuffle=lesson.shuffle,
                      grid=False, **options)
    say(f"[INFO] training {lesson.name} for {epochs:,} epochs, recording each one")

    def record(epoch: int, _logs: dict[str, float]) -> None:
        timeline.record(epoch, state.network.get_weights())

    with one_blas_thread(model):
        result = run_training(job, TrainingControl(), lambda _snapshot: None,
                              on_epoch_end=record, ready=lambda: False)
    say(f"[INFO] trained {result.epochs:,} epochs ({result.status})")
    return dataclasses.replace(state, history=result.history, timeline=timeline), timeline
