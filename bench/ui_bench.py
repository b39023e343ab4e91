"""Frame times of nnsim's views: one snapshot drawn and painted, median of many frames.

Each case builds its view once at 1280x800 (offscreen), prepares a few snapshots with changing
weights and activations, then times ``frame(i)``: the view's per-frame update plus a forced
paint of its viewport (``repaint()`` paints synchronously, as the screen would). The table
gives the median and 90th percentile against the case's target.

    QT_QPA_PLATFORM=offscreen python bench/ui_bench.py
    QT_QPA_PLATFORM=offscreen python bench/ui_bench.py --cases canvas --frames 60 --markdown

Add a view by writing a ``<view>_case(...)`` function that returns ``frame(i)`` and listing it
in CASES. This is a benchmark, not a test: numbers depend on the machine; bench/RESULTS.md
records the figures and the command that produced them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

Frame = Callable[[int], None]
SIZE = (1280, 800)


@dataclass(frozen=True)
class Case:
    """One row of the table: ``setup()`` builds the view and returns the frame function."""

    name: str
    setup: Callable[[], Frame]
    target_ms: float


def _app() -> QApplication:
    return QApplication.instance() or QApplication(sys.argv[:1])


# -- network canvas ----------------------------------------------------------------------------

def canvas_case(sizes: Sequence[int], activations: str | Sequence[str],
                image_shape: tuple[int, int] | None = None, frames: int = 8) -> Frame:
    """NetworkCanvas: show_snapshot (+ neuron thumbnails for 2-input nets, as the app does)
    and a repaint; the 784 input is summarised (picture, 2,000 strongest edges, bars)."""
    from nnsim.core.grid import grid_maps, grid_points
    from nnsim.core.network import Network
    from nnsim.core.snapshot import Snapshot
    from nnsim.ui.network_canvas import NetworkCanvas

    _app()
    network = Network.from_sizes(sizes, activations, seed=0,
                                 initializer="he_normal" if sizes[0] > 2 else "lecture")
    rng = np.random.default_rng(0)
    canvas = NetworkCanvas()
    canvas.resize(*SIZE)
    canvas.set_architecture(sizes, activations, True, image_shape)
    canvas.show()
    QApplication.processEvents()
    snapshots, maps = [], []
    for step in range(frames):
        weights = [(w + rng.normal(0, 0.05, w.shape), b + rng.normal(0, 0.05, b.shape))
                   for w, b in network.get_weights()]
        network.set_weights(weights)
        trace = network.forward_trace(rng.random(sizes[0]))
        snapshots.append(Snapshot(step=step, epoch=0, loss=0.5, weights=tuple(weights),
                                  activations=(trace.x, *(layer.out for layer in trace.layers))))
        if sizes[0] == 2:
            maps.append(grid_maps(network, grid_points((-0.5, 1.5, -0.5, 1.5), 100),
                                  100).neuron_maps)   # the trainer's 100x100 grid
    viewport = canvas.graphics_view.viewport()

    def frame(i: int) -> None:
        canvas.show_snapshot(snapshots[i % frames])
        if maps:
            canvas.set_neuron_thumbnails(maps[i % frames])
        viewport.repaint()

    frame.widget = canvas  # keep the view alive while its frames are timed
    return frame


CASES: list[Case] = [
    Case("canvas 2-3-1", lambda: canvas_case([2, 3, 1], "sigmoid"), 4.0),
    Case("canvas 2-8-8-1", lambda: canvas_case([2, 8, 8, 1], "tanh"), 4.0),
    Case("canvas 64-32-16-10", lambda: canvas_case([64, 32, 16, 10], ["relu", "relu", "softmax"],
                                                   (8, 8)), 8.0),
    Case("canvas 784-256-128-10 (2000 edges)",
         lambda: canvas_case([784, 256, 128, 10], ["relu", "relu", "softmax"], (28, 28)), 16.0),
]


# -- boundary plot (issue 5) --------------------------------------------------------------------

def boundary_case(sizes: Sequence[int], activations: str | Sequence[str],
                  size: tuple[int, int] = (600, 600), grid: int = 100, frames: int = 8) -> Frame:
    """BoundaryPlot: the grid maps computed (boundary + every hidden neuron's map, one forward
    pass), then show_snapshot and a repaint, over 300 spiral points, train and test."""
    from nnsim.core.datasets import load_dataset
    from nnsim.core.grid import grid_extent, grid_maps, grid_points
    from nnsim.core.network import Network
    from nnsim.core.snapshot import Snapshot
    from nnsim.ui.boundary_plot import BoundaryPlot

    _app()
    data = load_dataset("spiral", n_samples=300)
    extent = grid_extent(data.X)
    points = grid_points(extent, grid)
    rng = np.random.default_rng(0)
    networks = []
    for _ in range(frames):
        network = Network.from_sizes(sizes, activations, seed=int(rng.integers(1000)))
        networks.append(network)
    plot = BoundaryPlot("bench")
    plot.resize(*size)
    plot.set_points(data.X, data.y, np.arange(len(data.X)) % 4 == 0)
    plot.show()
    QApplication.processEvents()
    viewport = plot.plot_widget.viewport()

    def frame(i: int) -> None:
        network = networks[i % frames]
        maps = grid_maps(network, points, grid)
        plot.show_snapshot(Snapshot(step=i, epoch=0, loss=0.5,
                                    weights=tuple(network.get_weights()),
                                    boundary=maps.boundary, neuron_maps=maps.neuron_maps,
                                    grid_extent=extent))
        viewport.repaint()

    frame.widget = plot  # keep the view alive while its frames are timed
    return frame


CASES.extend([
    Case("boundary 2-8-8-1 100x100 + maps, 600x600",
         lambda: boundary_case([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"]), 5.0),
    Case("boundary 2-8-8-1 100x100 + maps, 1280x800",
         lambda: boundary_case([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], SIZE), 5.0),
    Case("boundary perceptron (AND line) 100x100, 600x600",
         lambda: boundary_case([2, 1], "step"), 5.0),
])


# -- running -------------------------------------------------------------------------------------

def measure(case: Case, frames: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``frames`` frames after ``warmup`` untimed ones.

    CPU time (this process) is the steadier figure on a shared machine: wall time also counts
    the waits while other processes hold the cores.
    """
    frame = case.setup()
    for i in range(warmup):
        frame(i)
    wall, cpu = [], []
    for i in range(frames):
        start, start_cpu = time.perf_counter(), time.process_time()
        frame(i)
        wall.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
    return wall, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30, help="timed frames per case")
    parser.add_argument("--cases", default="", help="only cases whose name contains this")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    rows = []
    for case in CASES:
        if args.cases and args.cases not in case.name:
            continue
        wall, cpu = measure(case, args.frames)
        median, p90 = statistics.median(wall), float(np.percentile(wall, 90))
        median_cpu = statistics.median(cpu)
        rows.append((case.name, median, p90, median_cpu, case.target_ms,
                     median <= case.target_ms))
    header = ("case", "median ms", "p90 ms", "CPU median ms", "target ms", "met (wall)")
    if args.markdown:
        print("| " + " | ".join(header) + " |\n|---|---:|---:|---:|---:|---|")
        for name, median, p90, median_cpu, target, met in rows:
            print(f"| {name} | {median:.1f} | {p90:.1f} | {median_cpu:.1f} | {target:.0f} | "
                  f"{'yes' if met else 'no'} |")
    else:
        print(f"{header[0]:48s} {'median':>8s} {'p90':>8s} {'CPU med':>8s} {'target':>8s}  met")
        for name, median, p90, median_cpu, target, met in rows:
            print(f"{name:48s} {median:8.1f} {p90:8.1f} {median_cpu:8.1f} {target:8.0f}  "
                  f"{'yes' if met else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
