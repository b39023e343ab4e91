"""Soak: the real app training one lesson flat out for many minutes; does it slow down or grow?

A lecture demo left running over a coffee break must not degrade. Runs the window (offscreen,
the default trainer process, every panel of the lesson live) and prints, each minute, the
steps per second of that minute and the resident memory of the GUI process and of the
trainer process.

    QT_QPA_PLATFORM=offscreen python bench/soak.py        # spiral and MNIST, 30 minutes each
    QT_QPA_PLATFORM=offscreen python bench/soak.py --lessons spiral --minutes 3

Targets (issue "Trust", long runs): the last minute keeps >= 90 % of the first minute's steps/s;
memory grows < 50 MB after the first minute. A benchmark, not a test: figures depend on the
machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from nnsim.app.application import NnsimApp  # noqa: E402
from nnsim.app.main import make_application  # noqa: E402


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (Linux /proc), NaN when unknown."""
    if pid is None:
        return float("nan")
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def soak(app, lesson: str, minutes: float) -> list[tuple[float, float, float, float]]:
    """(minute, steps/s in it, GUI MB, trainer MB) per minute of training ``lesson``."""
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "soak.ini"),
                         QSettings.Format.IniFormat)
    settings.setValue("training/watchable", False)
    nnsim = NnsimApp(settings)
    nnsim.start(lesson)
    nnsim.window.resize(1280, 800)
    nnsim.window.show()
    controller = nnsim.controller
    controller.settings.epochs = 0  # until stopped
    controller.start_training()
    rows: list[tuple[float, float, float, float]] = []
    begun = last_time = time.perf_counter()
    last_step = 0
    while time.perf_counter() - begun < minutes * 60:
        app.processEvents()
        time.sleep(0.002)
        now = time.perf_counter()
        if now - last_time >= 60:
            step = controller.last_snapshot.step if controller.last_snapshot else 0
            child = getattr(controller.trainer, "child_process", None)
            row = ((now - begun) / 60, (step - last_step) / (now - last_time),
                   rss_mb(os.getpid()), rss_mb(child.pid if child is not None else None))
            rows.append(row)
            print(f"{lesson:<12} minute {row[0]:5.1f}: {row[1]:9.1f} steps/s, GUI {row[2]:6.1f} "
                  f"MB, trainer {row[3]:6.1f} MB, epoch {controller.last_snapshot.epoch:,}",
                  flush=True)
            last_step, last_time = step, now
    controller.stop_training()
    nnsim.window.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", nargs="+", default=["spiral", "mnist-keras"])
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args(argv)
    app = make_application()
    for lesson in args.lessons:
        rows = soak(app, lesson, args.minutes)
        if len(rows) >= 2:
            kept = rows[-1][1] / rows[0][1] if rows[0][1] else float("nan")
            growth = max(rows[-1][2] - rows[0][2], 0) + max(rows[-1][3] - rows[0][3], 0)
            print(f"{lesson}: last minute keeps {100 * kept:.1f} % of the first (target >= 90); "
                  f"memory grew {growth:.1f} MB after the first minute (target < 50)",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
