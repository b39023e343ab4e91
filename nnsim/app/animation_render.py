"""A run's timeline as a video: each chosen checkpoint drawn offscreen, then encoded.

Shared by File > Export animation and ``nnsim animate``. Every frame is drawn from a
checkpoint's weights (the boundary grid and neuron maps recomputed, as a still frame is), by
views of its own (``ui.animation_frame``): never a grab of the screen, so it works headless and
at any size up to 1920x1080, whatever the window shows meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from nnsim.core.animation import AnimationError, AnimationRequest, frame_epochs
from nnsim.core.checkpoints import Checkpoints
from nnsim.core.drawing import (
    class_names,
    drawn_network,
    drawn_snapshot,
    input_centres,
    plotted_points,
)
from nnsim.core.history import history_view
from nnsim.core.snapshot import Snapshot
from nnsim.core.video import VideoWriter
from nnsim.training.still import still_snapshot
from nnsim.ui.animation_frame import AnimationFrame
from nnsim.workspace.state import WorkspaceState, model_with_weights, weight_shapes

Progress = Callable[[int, int], bool]
"""(frames done, frames in all) -> False to cancel."""


def panels_for(state: WorkspaceState) -> list[str]:
    """The panels an animation of this state can show, the default first."""
    canvas = drawn_network(state.network) is not None
    plane = state.data.X_train.shape[1] == 2
    panels = (["canvas+boundary"] if canvas and plane else []) + (["canvas"] if canvas else [])
    return panels + (["boundary"] if plane else []) + ["curves"]


def check_panel(state: WorkspaceState, panel: str) -> str:
    """``panel`` if this state can draw it; AnimationError saying why not and what can be."""
    available = panels_for(state)
    if panel in available:
        return panel
    name = state.lesson.name
    if "boundary" in panel and state.data.X_train.shape[1] != 2:
        why = f"{name} has {state.data.X_train.shape[1]} inputs, so no decision boundary " \
              "over the plane"
    else:
        why = f"the {name} network is not drawn on the canvas (the app shows it as feature " \
              "maps or unrolled in time)"
    raise AnimationError(f"{why}; choose --panel {' or '.join(available)}")


def check_timeline(state: WorkspaceState, timeline: Checkpoints) -> None:
    """An animation needs a trained run: at least two checkpoints, of this network."""
    if len(timeline.epochs) < 2:
        raise AnimationError(f"{state.lesson.name} has {len(timeline.epochs)} recorded "
                             "checkpoint(s); train first, then export the animation")
    if weight_shapes(timeline.at(timeline.epochs[-1])[1]) != \
            weight_shapes(state.network.get_weights()):
        raise AnimationError(f"the recorded run is of another network than {state.lesson.name}"
                             " has now (it was edited since): train again, then export")


def render_animation(state: WorkspaceState, timeline: Checkpoints, request: AnimationRequest,
                     progress: Progress | None = None) -> Path | None:
    """Write the animation ``request`` asks for; the path, or None when ``progress``
    cancelled (the partial file is removed). Raises AnimationError naming the file."""
    check_timeline(state, timeline)
    panel = check_panel(state, request.panel)
    epochs = frame_epochs(timeline.epochs, request.first, request.last, request.max_frames)
    frame = AnimationFrame(panel, request.size)
    try:
        _bind(frame, state, epochs[-1])
        with VideoWriter(request.out, request.size, request.fps) as writer:
            for done, epoch in enumerate(epochs):
                if progress is not None and not progress(done, len(epochs)):
                    writer.abort()
                    return None
                recorded, weights = timeline.at(epoch)
                _draw(frame, state, recorded, weights)
                writer.write(frame.pixels())
            path = writer.close()
        if progress is not None:
            progress(len(epochs), len(epochs))
        return path
    finally:
        frame.close()
        frame.deleteLater()


def _bind(frame: AnimationFrame, state: WorkspaceState, last_epoch: int) -> None:
    data, network = state.data, state.network
    drawn = drawn_network(network)
    if drawn is not None:
        frame.set_network(drawn, data.image_shape, class_names(data, network))
    if data.X_train.shape[1] == 2:
        frame.set_points(*plotted_points(data))
    frame.set_epochs(max(last_epoch, 1))


def frame_snapshot(state: WorkspaceState, epoch: int, weights: object) -> Snapshot:
    """The still frame of ``weights`` as recorded after ``epoch`` epochs."""
    losses = state.history.get("loss", [])
    loss = float(losses[epoch - 1]) if 1 <= epoch <= len(losses) else float("nan")
    model = model_with_weights(state.model, weights)
    return still_snapshot(model, state.data.X_train, state.probe_index, epoch=epoch,
                          loss=loss, status="ready")


def _draw(frame: AnimationFrame, state: WorkspaceState, epoch: int, weights: object) -> None:
    snapshot = frame_snapshot(state, epoch, weights)
    network = state.network
    centres = None if network.dense_only else input_centres(network, snapshot.weights)
    drawn = drawn_snapshot(network, snapshot)
    history = history_view({key: values[:epoch] for key, values in state.history.items()})
    caption = f"{state.lesson.title}: epoch {epoch:,}"
    if math.isfinite(snapshot.loss):
        caption += f", loss {snapshot.loss:.4g}"
    frame.show_frame(snapshot, caption, history, drawn, centres)
