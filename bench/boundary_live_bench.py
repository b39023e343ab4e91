"""Training the spiral with the boundary plot live: frames per second and training kept.

The real path of the app: ``TrainerThread`` runs the loop in a QThread and publishes Snapshots
(with the 100x100 boundary and neuron maps) into its mailbox; the GUI thread takes the newest on
``snapshot_ready`` and draws it through ``FramePacer`` (a drawing budget, at most ``--fps``
frames a second): ``BoundaryPlot.show_snapshot`` plus a forced repaint. The same job also runs
with nothing drawn. Both trainers side by side: ``TrainerThread`` (shares the GIL with the
drawing) and ``TrainerProcess`` (a child process, the app's default); each live run is compared
with the same trainer's run with nothing drawn; the process draws within twice the budget, as
the app allows it. Runs alternate (headless, live, ...) so background load hits all alike; the
table gives medians.

    QT_QPA_PLATFORM=offscreen python bench/boundary_live_bench.py
    QT_QPA_PLATFORM=offscreen python bench/boundary_live_bench.py --seconds 5 --repeats 3

Targets (issue 5): >= 30 frames per second drawn, >= 80 % of the headless training speed.
This is a benchmark, not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnsim.app.controller import PROCESS_BUDGET_FACTOR, PROCESS_MAX_FPS  # noqa: E402
from nnsim.app.frame_pacer import FramePacer  # noqa: E402
from nnsim.core.datasets import load_dataset, train_test_split  # noqa: E402
from nnsim.core.network import Network  # noqa: E402
from nnsim.core.optimizers import SGD  # noqa: E402
from nnsim.training.loop import TrainingJob  # noqa: E402
from nnsim.training.worker import TrainerProcess, TrainerThread  # noqa: E402
from nnsim.ui.boundary_plot import BoundaryPlot  # noqa: E402


def spiral_job() -> tuple[TrainingJob, np.ndarray, np.ndarray, np.ndarray]:
    """2-8-8-1 (tanh, tanh, sigmoid) on 300 spiral points, 25 % held out, batches of 16."""
    data = load_dataset("spiral", n_samples=300, noise=0.05)
    X_train, X_test, y_train, y_test = train_test_split(data, test_size=0.25, seed=0)
    network = Network.from_sizes([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=1)
    job = TrainingJob(model=network, X=X_train, y=y_train, X_val=X_test, y_val=y_test,
                      epochs=None, batch_size=16, optimizer=SGD(0.1, momentum=0.9),
                      loss="binary_crossentropy", seed=0)
    X = np.vstack([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    return job, X, y, np.r_[np.zeros(len(X_train), bool), np.ones(len(X_test), bool)]


def run(seconds: float, plot: BoundaryPlot | None, fps: float | None, budget: float,
        trainer: TrainerThread | TrainerProcess) -> dict:
    """One run of ``seconds``: steps per second, and frames drawn per second when live."""
    job, *_ = spiral_job()
    pacer = None
    costs: list[float] = []
    cpu: list[float] = []
    if plot is not None:
        viewport = plot.plot_widget.viewport()

        def draw(snapshot) -> None:
            begun, begun_cpu = time.perf_counter(), time.thread_time()
            plot.show_snapshot(snapshot)
            viewport.repaint()
            trainer.frame_drawn()
            costs.append(time.perf_counter() - begun)
            cpu.append(time.thread_time() - begun_cpu)

        if not trainer.shares_gil:  # a process: drawing costs it nothing
            budget = min(PROCESS_BUDGET_FACTOR * budget, 0.75)
        if fps is None:
            fps = 30.0 if trainer.shares_gil else PROCESS_MAX_FPS
        pacer = FramePacer(draw, budget_share=budget, max_fps=fps)

    def on_snapshot() -> None:
        snapshot = trainer.take_snapshot()
        if snapshot is not None and pacer is not None:
            pacer.offer(snapshot)

    results = []
    trainer.snapshot_ready.connect(on_snapshot)
    trainer.finished.connect(results.append)
    loop = QEventLoop()
    trainer.finished.connect(loop.quit)
    started = time.perf_counter()
    control = trainer.start(job)
    QTimer.singleShot(int(seconds * 1000), control.request_stop)
    loop.exec()
    elapsed = time.perf_counter() - started
    trainer.stop()
    for signal, slot in ((trainer.snapshot_ready, on_snapshot),
                         (trainer.finished, results.append), (trainer.finished, loop.quit)):
        signal.disconnect(slot)
    return {"steps_per_second": results[0].steps / elapsed,
            "fps": (pacer.frames / elapsed) if pacer else 0.0,
            "draw_ms": 1000 * statistics.median(costs) if costs else 0.0,
            "draw_cpu_ms": 1000 * statistics.median(cpu) if cpu else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind")
    parser.add_argument("--fps", type=float, default=None,
                        help="FramePacer max_fps (default: the app's, 30 for a thread, "
                             f"{PROCESS_MAX_FPS:g} for a process)")
    parser.add_argument("--budget", type=float, default=0.25, help="FramePacer budget_share")
    parser.add_argument("--size", default="600x600", help="plot size in pixels, WxH")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval in seconds (Python's default: 0.005)")
    args = parser.parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    _, X, y, test = spiral_job()
    plot = BoundaryPlot("2-8-8-1 on the spiral")
    plot.resize(*(int(v) for v in args.size.split("x")))
    plot.set_points(X, y, test)
    plot.show()
    app.processEvents()
    trainers = {"thread": TrainerThread(), "process": TrainerProcess()}
    run(1.0, None, args.fps, args.budget, trainers["process"])  # the child process starts
    runs: dict[tuple[str, bool], list[dict]] = {}
    for _ in range(args.repeats):
        for kind, trainer in trainers.items():
            for live in (False, True):
                runs.setdefault((kind, live), []).append(
                    run(args.seconds, plot if live else None, args.fps, args.budget, trainer))
    trainers["process"].close()
    print("trainer   headless steps/s   live steps/s   kept    fps   draw+paint per frame")
    for kind in trainers:
        alone = statistics.median(r["steps_per_second"] for r in runs[kind, False])
        live_runs = runs[kind, True]
        drawn = statistics.median(r["steps_per_second"] for r in live_runs)
        fps = statistics.median(r["fps"] for r in live_runs)
        draw_ms = statistics.median(r["draw_ms"] for r in live_runs)
        draw_cpu_ms = statistics.median(r["draw_cpu_ms"] for r in live_runs)
        print(f"{kind:<8} {alone:17.0f} {drawn:14.0f} {100 * drawn / alone:6.1f}% {fps:6.1f}"
              f"   {draw_ms:.2f} ms wall, {draw_cpu_ms:.2f} ms CPU (medians)")
    print("targets: kept >= 80 %, >= 30 frames per second")
    print(f"GIL switch interval {sys.getswitchinterval() * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
