"""Stroke to updated feature maps on the cnn-mnist lesson: the target is 30 ms or less.

What a stroke on the digit pad costs before the maps change on screen: the pad's row through
the network's forward trace (core maths: every layer's output), the feature-map view's
``show_snapshot`` (8 filters, 8 feature maps, 8 pooled maps, the input and the bars), and
the paint of the view (``grab`` renders it offscreen). Beside it, for scale, PyTorch's forward
pass of the same network on one image (the peer's maths alone, no drawing).

    QT_QPA_PLATFORM=offscreen python bench/cnn_pad_bench.py --repeats 200

A benchmark, not a test: the figures depend on the machine; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from nnsim.core.lessons import load_lesson
    from nnsim.training.still import still_snapshot
    from nnsim.ui.feature_maps import FeatureMapsView

    app = QApplication.instance() or QApplication([])
    lesson = load_lesson("cnn-mnist")
    data = lesson.load_data()
    network = lesson.build_model(784)
    view = FeatureMapsView()
    view.resize(530, 720)  # the canvas area of a 1280x800 window
    view.set_architecture(network.layers[0].filters, (28, 28), [str(d) for d in range(10)])
    view.show()
    app.processEvents()
    snapshot = still_snapshot(network, data.X_train, 0)
    rows = data.X_test[: args.repeats]
    trace_ms, draw_ms, paint_ms = [], [], []
    for row in rows:
        started = time.perf_counter()
        trace = network.forward_trace(row)
        frame = dataclasses.replace(snapshot, activations=(row, *[step.out for step in
                                                                 trace.layers]))
        traced = time.perf_counter()
        view.show_snapshot(frame)
        drawn = time.perf_counter()
        view.grab()
        painted = time.perf_counter()
        trace_ms.append(1000 * (traced - started))
        draw_ms.append(1000 * (drawn - traced))
        paint_ms.append(1000 * (painted - drawn))
    total = [a + b + c for a, b, c in zip(trace_ms, draw_ms, paint_ms, strict=True)]
    print(f"{len(rows)} strokes (one pad row each), median / 95th percentile, ms:")
    for name, values in (("forward trace", trace_ms), ("show_snapshot", draw_ms),
                         ("paint (grab)", paint_ms), ("stroke to maps", total)):
        print(f"  {name:15s} {statistics.median(values):6.2f} / "
              f"{np.percentile(values, 95):6.2f}")
    print(f"  target: stroke to maps <= 30 ms: "
          f"{'met' if np.percentile(total, 95) <= 30 else 'NOT met'} (95th percentile)")
    try:
        import torch
    except ImportError:
        print("  PyTorch forward of one image: - (torch not installed)")
        return
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(1352, 10),
                                torch.nn.Softmax(dim=1))
    times = []
    with torch.no_grad():
        for row in rows:
            image = torch.from_numpy(np.ascontiguousarray(row.reshape(1, 1, 28, 28)))
            started = time.perf_counter()
            model(image)
            times.append(1000 * (time.perf_counter() - started))
    print(f"  PyTorch forward of one image (no drawing): {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
