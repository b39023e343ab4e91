"""Timeline benchmarks (issue 16): how fast scrubbing redraws, what recording checkpoints costs.

Scrubbing: the real window (``NnsimApp``, offscreen) after a run the app trained itself, so
its timeline holds the run's checkpoints. One scrub is ``TimelineLink.view_epoch(e)`` (what the
slider, a click on the curves and replay all call: a Snapshot rebuilt from the checkpoint and
published to every view) followed by ``window.repaint()``, which paints the whole window
(canvas, neuron maps, boundary, curves, status), not only updates it. Frames per second over
random recorded epochs:

- spiral, 2-8-8-1: canvas with neuron maps, boundary, curves;
- mnist-keras, 784-256-128-10 on the bundled sample: canvas, curves, digit pad.

Recording: the lesson's TrainingJob through ``run_training`` (as ``nnsim run`` trains, no
drawing), with and without ``checkpoint_budget`` (the app's per-run budget), alternated so
background load hits both alike; the best of the repeats: the share of training speed kept.

    QT_QPA_PLATFORM=offscreen python bench/timeline_bench.py
    QT_QPA_PLATFORM=offscreen python bench/timeline_bench.py --repeats 5 --scrubs 300

Targets: >= 30 fps on 2-8-8-1, >= 10 fps on 784-256-128-10; recording keeps >= 95 % of training
speed. The export's target (300 frames at 1280x720 in <= 60 s) is bench/animation_bench.py's.
A benchmark, not a test: figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from nnsim.app.application import NnsimApp  # noqa: E402
from nnsim.app.main import make_application  # noqa: E402
from nnsim.app.timeline_link import RUN_BUDGET  # noqa: E402
from nnsim.training.blas_threads import one_blas_thread  # noqa: E402
from nnsim.training.control import TrainingControl  # noqa: E402
from nnsim.training.loop import TrainingJob, run_training  # noqa: E402
from nnsim.workspace.opening import lesson_state  # noqa: E402

#: (lesson, epochs trained in the window before scrubbing)
SCRUB_LESSONS = (("spiral", 300), ("mnist-keras", 4))
#: (lesson, epochs per timed run) for the cost of recording
RECORD_LESSONS = (("backprop-xor", 2000), ("spiral", 300), ("mnist-keras", 1))


def train_in_window(nnsim: NnsimApp, app: object, lesson: str, epochs: int) -> None:
    """Open ``lesson`` and train ``epochs`` epochs flat out through the app's own trainer."""
    controller = nnsim.controller
    assert controller.load_lesson_safely(lesson)
    controller.window.controls.epochs.setValue(epochs)
    controller.window.controls.set_speed(None)
    controller.window.action_train.trigger()
    deadline = time.perf_counter() + 600
    while (controller.is_training or controller.workspace.status.is_active
           or controller.history.epochs < epochs) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)


def scrub_rate(nnsim: NnsimApp, app: object, scrubs: int, seed: int = 0) -> tuple[float, int]:
    """(scrubs per second, checkpoints recorded): view_epoch to random recorded epochs, each
    followed by a full repaint of the window."""
    timeline, window = nnsim.controller.timeline, nnsim.window
    epochs = timeline.model.epochs
    picks = np.random.default_rng(seed).choice(epochs, scrubs)
    timeline.view_epoch(int(picks[0]))  # warm: first drawing of each view
    window.repaint()
    app.processEvents()
    begun = time.perf_counter()
    for epoch in picks:
        timeline.view_epoch(int(epoch))
        window.repaint()
        app.processEvents()
    return scrubs / (time.perf_counter() - begun), len(epochs)


def record_cost(lesson: str, epochs: int, repeats: int) -> tuple[float, float]:
    """(epochs per second without recording, with recording): best of ``repeats`` each."""
    rates: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeats):
        for record in (False, True):
            state = lesson_state(lesson, watchable=False)
            job = TrainingJob(model=state.model, X=state.data.X_train, y=state.data.y_train,
                              epochs=epochs, batch_size=state.settings.batch_size,
                              optimizer=state.optimizer, loss=state.lesson.loss,
                              seed=state.settings.seed, shuffle=state.lesson.shuffle,
                              grid=False, checkpoint_budget=RUN_BUDGET if record else None)
            with one_blas_thread(state.model):
                begun = time.perf_counter()
                result = run_training(job, TrainingControl(), lambda _snapshot: None,
                                      ready=lambda: False)
                elapsed = time.perf_counter() - begun
            assert result.epochs == epochs and (result.checkpoints is not None) == record
            rates[record].append(epochs / elapsed)
    return max(rates[False]), max(rates[True])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scrubs", type=int, default=200)
    args = parser.parse_args()
    app = make_application()
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "bench.ini"),
                         QSettings.Format.IniFormat)
    settings.setValue("training/watchable", False)
    nnsim = NnsimApp(settings)
    nnsim.start("backprop-xor")
    nnsim.window.resize(1280, 800)
    nnsim.window.show()
    print("| scrubbing | network | checkpoints | scrubs per second (full repaint) |")
    print("|---|---|---:|---:|")
    for lesson, epochs in SCRUB_LESSONS:
        train_in_window(nnsim, app, lesson, epochs)
        rate, recorded = scrub_rate(nnsim, app, args.scrubs)
        sizes = "-".join(str(s) for s in nnsim.controller.network().sizes)
        print(f"| {lesson} | {sizes} | {recorded} | {rate:.1f} |")
    nnsim.controller.stop_training(2000)
    print()
    print("| recording | epochs per run | epochs/s without | with checkpoints | kept |")
    print("|---|---:|---:|---:|---:|")
    for lesson, epochs in RECORD_LESSONS:
        plain, recorded = record_cost(lesson, epochs, args.repeats)
        print(f"| {lesson} | {epochs} | {plain:.1f} | {recorded:.1f} | "
              f"{recorded / plain:.1%} |")


if __name__ == "__main__":
    main()
