"""``nnsim animate LESSON|SESSION --out run.mp4``: the export of File > Export animation,
headless.

Qt draws offscreen here (no window, no display needed); the lesson is trained first when the
source is a lesson. Errors are the caller's one-line messages (AnimationError is a ValueError).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from nnsim.core.animation import DEFAULT_MAX_FRAMES, request
from nnsim.core.video import check_encoder

Say = Callable[[str], None]


def animate(source: str, out: str, panel: str | None, size: tuple[int, int], fps: int,
            epochs: int | None = None, first: int | None = None, last: int | None = None,
            frames: int = DEFAULT_MAX_FRAMES, say: Say = print) -> int:
    """Train or open ``source``, then write its animation; the exit status."""
    # Everything is checked before training: a wrong name or size costs no minute of it.
    wanted = request(out, panel or "curves", size, fps, first, last, frames)
    check_encoder(wanted.out)
    from nnsim.app.animation_render import check_panel, panels_for, render_animation
    from nnsim.app.animation_source import open_source, record_run

    state, timeline = open_source(source, epochs)
    wanted = request(wanted.out, check_panel(state, panel or panels_for(state)[0]), size, fps,
                     first, last, frames)
    if timeline is None:
        state, timeline = record_run(state, epochs, say)
    # Offscreen unless told otherwise: nothing is shown, and a server has no display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnsim.app.main import make_application

    make_application()
    started, shown, total = time.perf_counter(), [-1], [0]

    def progress(done: int, frames: int) -> bool:
        total[0] = frames
        tenth = done * 10 // max(frames, 1)
        if tenth != shown[0]:
            shown[0] = tenth
            print(f"[INFO] frame {done}/{frames}", file=sys.stderr)
        return True

    say(f"[INFO] drawing {wanted.panel} at {size[0]}x{size[1]}, {fps} fps")
    path = render_animation(state, timeline, wanted, progress)
    say(f"wrote {path}: {wanted.format}, {total[0]} frames, {size[0]}x{size[1]}, {fps} fps, "
        f"in {time.perf_counter() - started:.1f} s")
    return 0
