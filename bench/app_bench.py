"""The whole app while training: training speed kept, frames drawn, GUI responsiveness, start.

Runs the real window (``NnsimApp``: controller, worker thread, FramePacer, every visible view)
on a lesson and measures, alternating runs so background load hits both alike:

- headless: the same TrainingJob through ``run_training`` in a plain thread, nothing drawn;
- live: the app training it with its panels drawing, plus a 5 ms QTimer whose lateness shows
  how responsive the GUI stays.

And the start: a fresh process from ``python -c`` to the first painted window.

    QT_QPA_PLATFORM=offscreen python bench/app_bench.py
    QT_QPA_PLATFORM=offscreen python bench/app_bench.py --lessons spiral --seconds 8

Targets (issue 3): 2-8-8-1 with canvas and boundary live at >= 20 fps keeps >= 70 % of headless
throughput; 784-256-128-10 keeps >= 80 %; 5 ms timer lateness p99 <= 30 ms; start <= 1.0 s.
A benchmark, not a test: figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, QTimer  # noqa: E402

from nnsim.app.application import NnsimApp  # noqa: E402
from nnsim.app.controller import TRAINER_CHOICE  # noqa: E402
from nnsim.app.main import make_application  # noqa: E402
from nnsim.training.control import TrainingControl  # noqa: E402
from nnsim.training.loop import run_training  # noqa: E402

START_SCRIPT = """
import time; begun = time.perf_counter()
from PySide6.QtCore import QSettings
from nnsim.app.main import make_application
app = make_application()
from nnsim.app.application import NnsimApp
import tempfile, os
nnsim = NnsimApp(QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat))
nnsim.start("backprop-xor")
nnsim.window.show()
while not nnsim.window.isVisible() or nnsim.controller.pacer.frames == 0:
    app.processEvents()
nnsim.window.repaint()
print(time.perf_counter() - begun)
"""


def headless_rate(nnsim: NnsimApp, seconds: float) -> float:
    """Steps per second of the lesson's job in a plain thread, nothing drawn."""
    controller = nnsim.controller
    controller.edits.reset_weights()
    settings = controller.settings
    job = controller.runs.job(controller.model, settings.learning_rate, settings.batch_size,
                          controller.lesson.loss)
    job.epochs = None
    control = TrainingControl()
    result = {}

    def train() -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            result["r"] = run_training(job, control, lambda snapshot: None)

    thread = threading.Thread(target=train)
    begun = time.perf_counter()
    thread.start()
    time.sleep(seconds)
    control.request_stop()
    thread.join()
    return result["r"].steps / (time.perf_counter() - begun)


def live_rate(nnsim: NnsimApp, app, seconds: float, probe: bool) -> dict:
    """Steps/s and frames/s while the app trains with its views live; with ``probe``, the
    lateness of a 5 ms timer instead (its own ticks take the GIL too, so the two are measured
    in separate runs)."""
    controller = nnsim.controller
    controller.edits.reset_weights()
    controller.settings.epochs = 0
    lateness: list[float] = []
    expected = [time.perf_counter() + 0.005]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, now - expected[0]))
        expected[0] = now + 0.005

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    frames_before = controller.pacer.frames
    controller.start_training()
    begun = time.perf_counter()
    if probe:
        timer.start()
    while time.perf_counter() - begun < seconds:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    steps = controller.last_snapshot.step if controller.last_snapshot else 0
    elapsed = time.perf_counter() - begun
    controller.stop_training()
    return {"steps_per_second": steps / elapsed,
            "fps": (controller.pacer.frames - frames_before) / elapsed,
            "late_p99_ms": 1000 * float(np.percentile(lateness, 99)) if lateness else 0.0}


def start_time() -> float:
    """Seconds from a fresh interpreter to the first painted window."""
    result = subprocess.run([sys.executable, "-c", START_SCRIPT], capture_output=True,
                            text=True, check=True, env={**os.environ})
    return float(result.stdout.strip().splitlines()[-1])


def open_app(trainer: str) -> NnsimApp:
    """A window whose controller trains in a ``trainer`` ("thread" or "process")."""
    os.environ[TRAINER_CHOICE] = trainer
    settings = QSettings(os.path.join(os.path.dirname(__file__), f".bench-{trainer}.ini"),
                         QSettings.Format.IniFormat)
    settings.setValue("training/watchable", False)  # flat out: the bench measures speed
    nnsim = NnsimApp(settings)
    nnsim.start("backprop-xor")
    nnsim.window.resize(1280, 800)
    return nnsim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", default="spiral,mnist-keras")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--trainers", default="thread,process",
                        help="which trainers to measure side by side (thread, process)")
    args = parser.parse_args(argv)
    app = make_application()
    trainers = args.trainers.split(",")
    apps = {trainer: open_app(trainer) for trainer in trainers}
    print(f"{'lesson':<14} {'trainer':<8} {'headless':>10} {'live':>10} {'kept':>7} "
          f"{'fps':>6} {'late p99':>9}")
    for name in args.lessons.split(","):
        alone: list[float] = []
        live: dict[str, list[dict]] = {trainer: [] for trainer in trainers}
        probed: dict[str, list[dict]] = {trainer: [] for trainer in trainers}
        for nnsim in apps.values():
            nnsim.controller.load_lesson_safely(name)
        for _ in range(args.repeats):
            alone.append(headless_rate(apps[trainers[0]], args.seconds))
            for trainer, nnsim in apps.items():
                nnsim.window.show()  # one window at a time: a hidden one draws nothing
                app.processEvents()
                live_rate(nnsim, app, 0.5, probe=False)  # the child process starts here
                live[trainer].append(live_rate(nnsim, app, args.seconds, probe=False))
                probed[trainer].append(live_rate(nnsim, app, args.seconds, probe=True))
                nnsim.window.hide()
        a = statistics.median(alone)
        for trainer in trainers:
            s = statistics.median(r["steps_per_second"] for r in live[trainer])
            fps = statistics.median(r["fps"] for r in live[trainer])
            late = statistics.median(r["late_p99_ms"] for r in probed[trainer])
            print(f"{name:<14} {trainer:<8} {a:10.1f} {s:10.1f} {100 * s / a:6.1f}% "
                  f"{fps:6.1f} {late:8.1f}ms", flush=True)
    starts = sorted(start_time() for _ in range(3))
    print(f"start to first painted window: median {starts[1]:.2f} s (runs: "
          + ", ".join(f"{t:.2f}" for t in starts) + ")")
    for nnsim in apps.values():
        nnsim.window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
