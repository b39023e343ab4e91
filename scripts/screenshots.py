"""Screenshots of every lesson at 1280x800 and 1920x1080, normal and projector mode.

Each lesson is opened, trained a moment (flat out, a few hundred steps), and the window is
grabbed; then projector mode (F5) is switched on and grabbed again. One Qt process per screen
size (the offscreen platform's pretend screen is fixed when Qt starts), so this script starts
itself once per size.

    python scripts/screenshots.py --out shots/            # 2 sizes x 10 lessons x 2 modes
    python scripts/screenshots.py --sizes 1280x800 --lessons digits mnist-keras

Look at the PNGs before calling a change to the window done. Offscreen grabs show the window
without the window manager's frame; run the app under Xvfb with a window manager
(../shared/tools/desktop) to see that too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def shoot(out: Path, size: str, lessons: list[str], steps: int) -> int:
    """In this process: grab each lesson at ``size`` (Qt must not have started yet)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["NNSIM_OFFSCREEN_SIZE"] = size
    from PySide6.QtCore import QSettings

    from nnsim.app.application import NnsimApp
    from nnsim.app.main import make_application
    from nnsim.core.lessons import list_lessons

    app = make_application()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "shots.ini"), QSettings.Format.IniFormat)
    settings.setValue("training/watchable", False)
    nnsim = NnsimApp(settings)
    nnsim.start()
    nnsim.window.show()
    controller = nnsim.controller
    names = lessons or [lesson.name for lesson in list_lessons()]

    def settle(milliseconds: int = 300) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(milliseconds, loop.quit)
        loop.exec()

    for number, name in enumerate(names, start=1):
        if not controller.load_lesson_safely(name):
            print(f"screenshots: cannot open {name}", file=sys.stderr)
            return 1
        if controller.workspace.state.trainable:
            controller.settings.max_steps = steps
            controller.start_training()
            for _ in range(100):
                settle(100)
                if not controller.is_training:
                    break
            controller.stop_training()
            controller.settings.max_steps = None
        settle()
        for mode in ("normal", "projector"):
            if mode == "projector":
                nnsim.presentation.set_projector(True)
                settle(600)
            path = out / f"{size}-{number:02d}-{name}-{mode}.png"
            nnsim.window.grab().save(str(path))
            print(path, flush=True)
        nnsim.presentation.set_projector(False)
        settle(400)
    nnsim.window.close()
    app.processEvents()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="shots", help="folder for the PNGs")
    parser.add_argument("--sizes", nargs="+", default=["1280x800", "1920x1080"])
    parser.add_argument("--lessons", nargs="*", default=[])
    parser.add_argument("--steps", type=int, default=300, help="training steps per lesson")
    parser.add_argument("--one-size", help=argparse.SUPPRESS)  # the child processes
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.one_size:
        return shoot(out, args.one_size, args.lessons, args.steps)
    status = 0
    for size in args.sizes:
        command = [sys.executable, __file__, "--out", str(out), "--one-size", size,
                   "--steps", str(args.steps), "--lessons", *args.lessons]
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
