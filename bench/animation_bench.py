"""Exporting an animation: 300 frames of the spiral's canvas and boundary at 1280x720.

The path of ``nnsim animate spiral --out run.mp4`` and of File > Export animation: the lesson is
trained headless once with a checkpoint per epoch (3,000 epochs, timed apart), then
``render_animation`` draws 300 checkpoints spread over the run offscreen (a still Snapshot with
the 100x100 boundary grid and neuron maps per frame, the canvas and boundary painted into a
1280x720 picture) and encodes them: MP4 through imageio-ffmpeg (libx264), GIF through Pillow.
Wall and CPU time per export, median over the repeats; the machine is shared, so CPU time is
the steadier figure.

    QT_QPA_PLATFORM=offscreen python bench/animation_bench.py
    QT_QPA_PLATFORM=offscreen python bench/animation_bench.py --repeats 3 --formats mp4 gif

Target (issue 16): 300 frames at 1280x720 of the spiral's canvas and boundary in <= 60 s.
This is a benchmark, not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from nnsim.app.animation_render import render_animation  # noqa: E402
from nnsim.app.animation_source import record_run  # noqa: E402
from nnsim.app.main import make_application  # noqa: E402
from nnsim.core.animation import request  # noqa: E402
from nnsim.workspace.opening import open_lesson  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="spiral")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["mp4", "gif"])
    args = parser.parse_args()
    width, height = (int(side) for side in args.size.split("x"))
    make_application()

    wall, cpu = time.perf_counter(), time.process_time()
    state, timeline = record_run(open_lesson(args.lesson), say=lambda _text: None)
    print(f"trained {args.lesson}: {len(timeline.epochs):,} checkpoints in "
          f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")

    with tempfile.TemporaryDirectory() as folder:
        for suffix in args.formats:
            walls, cpus, sizes = [], [], []
            for _ in range(args.repeats):
                out = Path(folder) / f"run.{suffix}"
                wanted = request(out, "canvas+boundary", (width, height), 30,
                                 max_frames=args.frames)
                wall, cpu = time.perf_counter(), time.process_time()
                render_animation(state, timeline, wanted)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)  # this process only: not ffmpeg's
                sizes.append(out.stat().st_size / 2**20)
            print(f"{suffix.upper()}: {args.frames} frames at {width}x{height}: median "
                  f"{statistics.median(walls):.1f} s wall (runs "
                  f"{', '.join(f'{w:.1f}' for w in walls)}), "
                  f"{statistics.median(cpus):.1f} s CPU in nnsim's process, "
                  f"{statistics.median(walls) / args.frames * 1000:.0f} ms a frame, "
                  f"file {statistics.median(sizes):.1f} MiB")


if __name__ == "__main__":
    main()
