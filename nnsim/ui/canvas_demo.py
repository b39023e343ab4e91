"""``python -m nnsim.ui.network_canvas``: the canvas alone, on a net trained in front of it.

A 2-3-1 net learning XOR live, and a button switching to 784-256-128-10 on digits (its input
drawn as the picture, its strongest edges only). The app trains in a worker instead.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from nnsim.core.snapshot import Snapshot
from nnsim.ui.network_canvas import NetworkCanvas


def main() -> None:
    """A 2-3-1 net learning XOR live, and a button switching to 784-256-128-10 on digits."""
    from nnsim.core.datasets import load_dataset
    from nnsim.core.grid import grid_maps, grid_points
    from nnsim.core.network import Network
    from nnsim.core.optimizers import SGD

    app = QApplication.instance() or QApplication([])
    window = QWidget()
    canvas, switch = NetworkCanvas(), QPushButton("switch to 784-256-128-10")
    column = QVBoxLayout(window)
    column.addWidget(switch)
    column.addWidget(canvas)
    state: dict = {}

    def load(big: bool) -> None:
        sizes = [784, 256, 128, 10] if big else [2, 3, 1]
        acts = ["relu", "relu", "softmax"] if big else "sigmoid"
        state["net"] = Network.from_sizes(sizes, acts, seed=1,
                                          initializer="he_normal" if big else "lecture")
        if big:
            digits = load_dataset("mnist")
            state["X"], state["Y"] = digits.X[:64].reshape(64, -1), digits.y[:64]
        else:
            state["X"] = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
            state["Y"] = np.array([[0], [1], [1], [0]], dtype=float)
        state["step"], state["big"] = 0, big
        canvas.set_architecture(sizes, acts, True, (28, 28) if big else None)
        switch.setText(f"switch to {'2-3-1' if big else '784-256-128-10'}")

    def tick() -> None:
        net, X, Y = state["net"], state["X"], state["Y"]
        loss = "categorical_crossentropy" if state["big"] else "sse"
        net.train_on_batch(X, Y, SGD(0.05 if state["big"] else 0.5), loss)
        state["step"] += 1
        probe = X[state["step"] // 20 % len(X)]
        trace = net.forward_trace(probe)
        loss = "categorical_crossentropy" if state["big"] else "sse"
        gradients = tuple(net.gradients(X[:1], Y[:1], loss))
        canvas.show_snapshot(Snapshot(step=state["step"], epoch=0, loss=0.0,
                                      weights=tuple(net.get_weights()), gradients=gradients,
                                      activations=(trace.x, *(layer.out for layer in
                                                              trace.layers))))
        if not state["big"]:
            canvas.set_neuron_thumbnails(grid_maps(net, grid_points((-0.5, 1.5, -0.5, 1.5), 40),
                                                   40).neuron_maps)

    switch.clicked.connect(lambda: load(not state["big"]))
    load(False)
    timer = QTimer(window, interval=33)
    timer.timeout.connect(tick)
    timer.start()
    window.resize(1280, 800)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
