"""What an exported animation is, before anything is drawn: its frames, size, rate and file.

Kept free of Qt so the command line and the dialog check a request the same way and say what is
wrong in one sentence naming the file, before a minute of rendering starts. A frame is one
checkpoint of the run's timeline (``core.checkpoints``), drawn afresh from its weights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_SIZE = (1920, 1080)
"""Full HD: a projector's or a slide's size; larger only costs time and disk."""
MIN_SIDE = 16
DEFAULT_SIZE = (1280, 720)
FPS_RANGE = (1, 60)
DEFAULT_FPS = 30
GIF_BUDGET = 400 * 2**20
"""Bytes of frames a GIF may hold while it is written (Pillow keeps every frame, a byte a
pixel, until the end): 300 frames at 1280x720 fit, 300 at 1920x1080 do not."""
DEFAULT_MAX_FRAMES = 300
"""Ten seconds at 30 fps: a run of 3,000 epochs is shown at every tenth epoch."""
MAX_FRAMES = 10_000
FORMATS = {".gif": "GIF", ".mp4": "MP4"}
PANELS = ("canvas+boundary", "canvas", "boundary", "curves")
"""What a frame shows: the network canvas and the decision boundary side by side (the
default where the model has two inputs), one of them alone, or the loss and accuracy curves
drawn up to the frame's epoch."""


class AnimationError(ValueError):
    """A request that cannot be exported; the message names the file or the value."""


@dataclass(frozen=True)
class AnimationRequest:
    """A checked request: where, which panel, which epochs, how large, how fast."""

    out: Path
    panel: str
    size: tuple[int, int]
    fps: int
    first: int | None = None
    last: int | None = None
    max_frames: int = DEFAULT_MAX_FRAMES

    @property
    def format(self) -> str:
        return FORMATS[self.out.suffix.lower()]


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` as (1280, 720), each side between 16 and 1920 x 1080."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*", text)
    if match is None:
        raise AnimationError(f"a size is WIDTHxHEIGHT in pixels such as 1280x720, got {text!r}")
    return check_size((int(match[1]), int(match[2])))


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = (int(side) for side in size)
    if not (MIN_SIDE <= width <= MAX_SIZE[0] and MIN_SIDE <= height <= MAX_SIZE[1]):
        raise AnimationError(f"a size of {width}x{height} is outside {MIN_SIDE}x{MIN_SIDE} to "
                             f"{MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return width, height


def check_fps(fps: int) -> int:
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise AnimationError(f"a frame rate of {fps} is outside {FPS_RANGE[0]} to "
                             f"{FPS_RANGE[1]} frames a second")
    return int(fps)


def check_output(out: str | Path, size: tuple[int, int]) -> Path:
    """The file to write: a .gif or .mp4 in a folder that exists; an MP4 of even sides (the
    4:2:0 colour every player reads halves both sides)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise AnimationError(f"cannot write {path}: the name must end in .gif or .mp4")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise AnimationError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise AnimationError(f"cannot write {path}: a folder of that name is in the way")
    if suffix == ".mp4" and (size[0] % 2 or size[1] % 2):
        raise AnimationError(f"cannot write {path}: an MP4 needs an even width and height, "
                             f"got {size[0]}x{size[1]}")
    return path


def request(out: str | Path, panel: str = PANELS[0], size: tuple[int, int] = DEFAULT_SIZE,
            fps: int = DEFAULT_FPS, first: int | None = None, last: int | None = None,
            max_frames: int = DEFAULT_MAX_FRAMES) -> AnimationRequest:
    """Every value checked; raises AnimationError on the first that is wrong."""
    if panel not in PANELS:
        raise AnimationError(f"no panel {panel!r}; choose one of {', '.join(PANELS)}")
    size = check_size(size)
    if not 1 <= max_frames <= MAX_FRAMES:
        raise AnimationError(f"the number of frames must be between 1 and {MAX_FRAMES:,}, "
                             f"got {max_frames}")
    if first is not None and last is not None and first > last:
        raise AnimationError(f"the first epoch ({first}) comes after the last ({last})")
    path = check_output(out, size)
    if path.suffix.lower() == ".gif" and max_frames * size[0] * size[1] > GIF_BUDGET:
        raise AnimationError(f"cannot write {path}: {max_frames} GIF frames at "
                             f"{size[0]}x{size[1]} would need "
                             f"{max_frames * size[0] * size[1] / 2**20:,.0f} MB while written; "
                             "choose fewer frames, a smaller size, or .mp4")
    return AnimationRequest(path, panel, size, check_fps(fps), first, last, max_frames)


def frame_epochs(recorded: Sequence[int], first: int | None = None, last: int | None = None,
                 max_frames: int = DEFAULT_MAX_FRAMES) -> list[int]:
    """The recorded epochs in first..last that become frames: all of them, or ``max_frames``
    spread evenly over the record (a record thinned toward the start keeps its density).
    Always the first and the last in range; raises AnimationError when fewer than two."""
    epochs = sorted(int(e) for e in recorded)
    low = epochs[0] if first is None or not epochs else first
    high = epochs[-1] if last is None or not epochs else last
    kept = [e for e in epochs if low <= e <= high]
    if len(kept) < 2:
        span = f"epochs {low} to {high}" if epochs else "this run"
        raise AnimationError(f"{span} hold {len(kept)} recorded checkpoint"
                             f"{'' if len(kept) == 1 else 's'}; an animation needs two: "
                             "train first (or widen the range)")
    if len(kept) <= max_frames:
        return kept
    index = np.unique(np.linspace(0, len(kept) - 1, max(max_frames, 2)).round().astype(int))
    return [kept[i] for i in index]
